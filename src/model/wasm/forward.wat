;; The wasm kernel's forward pass, 128-bit SIMD (f64x2, two doubles per instruction): the recurrence
;; with tanh ($tanhInPlace: fdlibm's tanh, vectorized; src/math/elementary.ts's tanh bit for bit), the
;; output layer, and sampling's single steps; the softmax and the loss are softmax.wat's.
;; Dimension key: H = hiddenSize, V = vocabSize, T = window length.
;;
;; `npm run build` assembles the kernel's .wat files (scripts/build-wasm.mjs, with wabt) into the byte
;; arrays src/model/rnn/classic/wasmKernel.ts embeds; nothing is read from disk at run time. Two modules over one
;; memory, each under the 4 kB Chrome compiles synchronously on a browser's main thread (so that
;; `createModel` stays synchronous): forward.wat (the forward pass and sampling) and backward.wat
;; (backpropagation, Adagrad, clipping).
;;
;; The host owns the memory and its layout (src/model/rnn/classic/fast.ts, wasmKernel.ts): it passes offsets
;; counted in f64 elements (i32 elements for inputs and targets), which become byte addresses here.
;;
;; Numbers: wasm has no fused multiply-add and no fast-math, so every product and sum is an IEEE one
;; the reference kernel also computes. Here the dot products are reassociated (split over two lanes,
;; $matvec and $matvecP): rounding-level differences. tanh is elementary.ts's algorithm, bit for bit.
(module
  (import "env" "memory" (memory 1))

  ;; Sizes and byte addresses, set once by $init.
  (global $H (mut i32) (i32.const 0))
  (global $V (mut i32) (i32.const 0))
  (global $Wxh (mut i32) (i32.const 0)) ;; (H, V)
  (global $Whh (mut i32) (i32.const 0)) ;; (H, H)
  (global $Why (mut i32) (i32.const 0)) ;; (V, H)
  (global $bh (mut i32) (i32.const 0)) ;; (H)
  (global $by (mut i32) (i32.const 0)) ;; (V)
  (global $hs (mut i32) (i32.const 0)) ;; (T + 1, H) row 0 = hprev
  (global $ps (mut i32) (i32.const 0)) ;; (T, V) logits, then softmax outputs; backward turns them into dy
  (global $inputs (mut i32) (i32.const 0)) ;; (T) i32
  (global $packedWhh (mut i32) (i32.const 0)) ;; Whh in $pack6's panels, for one window: (⌈H/6⌉·6 · H)
  (global $packedWhy (mut i32) (i32.const 0)) ;; Why likewise: (⌈V/6⌉·6 · H)
  (global $tail (mut i32) (i32.const 0)) ;; (6) scratch of $matvecP (and of backward.wat's $addRowsTP)
  (global $tanhS (mut i32) (i32.const 0)) ;; $tanhInPlace's scratch: (5·H + 12)
  (global $consts (mut i32) (i32.const 0)) ;; $tanhInPlace's constants: (24), written by $init

  ;; Reads the sizes and addresses from the i32 table at element offset d into the globals; the table
  ;; (wasmKernel.ts writes it) is H, V, Wxh, Whh, Why, bh, by, dWxh, dWhh, dWhy, dbh, dby, hs, ps,
  ;; dhnext, dhraw, inputs, targets, gemmA, gemmB, packedWhh, packedWhy, tail, tanhS, consts: counts,
  ;; then offsets in f64 elements (i32 elements for inputs and targets). This module reads its part.
  (func (export "init") (param $d i32)
    (local.set $d (i32.shl (local.get $d) (i32.const 2)))
    (global.set $H (i32.load offset=0 (local.get $d)))
    (global.set $V (i32.load offset=4 (local.get $d)))
    (global.set $Wxh (i32.shl (i32.load offset=8 (local.get $d)) (i32.const 3)))
    (global.set $Whh (i32.shl (i32.load offset=12 (local.get $d)) (i32.const 3)))
    (global.set $Why (i32.shl (i32.load offset=16 (local.get $d)) (i32.const 3)))
    (global.set $bh (i32.shl (i32.load offset=20 (local.get $d)) (i32.const 3)))
    (global.set $by (i32.shl (i32.load offset=24 (local.get $d)) (i32.const 3)))
    (global.set $hs (i32.shl (i32.load offset=48 (local.get $d)) (i32.const 3)))
    (global.set $ps (i32.shl (i32.load offset=52 (local.get $d)) (i32.const 3)))
    (global.set $inputs (i32.shl (i32.load offset=64 (local.get $d)) (i32.const 2)))
    (global.set $packedWhh (i32.shl (i32.load offset=80 (local.get $d)) (i32.const 3)))
    (global.set $packedWhy (i32.shl (i32.load offset=84 (local.get $d)) (i32.const 3)))
    (global.set $tail (i32.shl (i32.load offset=88 (local.get $d)) (i32.const 3)))
    (global.set $tanhS (i32.shl (i32.load offset=92 (local.get $d)) (i32.const 3)))
    (global.set $consts (i32.shl (i32.load offset=96 (local.get $d)) (i32.const 3)))
    ;; $tanhInPlace's constants (fdlibm's tanh and expm1), loaded with v128.load64_splat offset=…
    (local.set $d (global.get $consts))
    (f64.store offset=0 (local.get $d) (f64.const 1))
    (f64.store offset=8 (local.get $d) (f64.const 1.44269504088896338700e+00))   ;; 1/ln2
    (f64.store offset=16 (local.get $d) (f64.const -0.5))
    (f64.store offset=24 (local.get $d) (f64.const 0.5))
    (f64.store offset=32 (local.get $d) (f64.const -1))
    (i64.store offset=40 (local.get $d) (i64.const 0x3FF0A2B200000000))           ;; |a| from here: k from a/ln2
    (i64.store offset=48 (local.get $d) (i64.const 0x3FD62E4300000000))           ;; |a| from here: k ≠ 0
    (f64.store offset=56 (local.get $d) (f64.const 6.93147180369123816490e-01))  ;; ln2_hi
    (f64.store offset=64 (local.get $d) (f64.const 1.90821492927058770002e-10))  ;; ln2_lo
    (f64.store offset=72 (local.get $d) (f64.const -3.33333333333331316428e-02)) ;; Q1
    (f64.store offset=80 (local.get $d) (f64.const 1.58730158725481460165e-03))  ;; Q2
    (f64.store offset=88 (local.get $d) (f64.const -7.93650757867487942473e-05)) ;; Q3
    (f64.store offset=96 (local.get $d) (f64.const 4.00821782732936239552e-06))  ;; Q4
    (f64.store offset=104 (local.get $d) (f64.const -2.01099218183624371326e-07)) ;; Q5
    (f64.store offset=112 (local.get $d) (f64.const 3))
    (f64.store offset=120 (local.get $d) (f64.const 6))
    (f64.store offset=128 (local.get $d) (f64.const 6755399441055744))            ;; 1.5·2^52
    (i64.store offset=136 (local.get $d) (i64.const 1023))
    (i64.store offset=144 (local.get $d) (i64.const 20))
    (i64.store offset=152 (local.get $d) (i64.const 56))
    (f64.store offset=160 (local.get $d) (f64.const 2))
    (f64.store offset=168 (local.get $d) (f64.const 22))
    (i64.store offset=176 (local.get $d) (i64.const 0x8000000000000000))          ;; sign bit
    (f64.store offset=184 (local.get $d) (f64.const 3.725290298461914e-09)))      ;; 2^−28

  ;; out[r] = Σ_j W[r, j] x[j] for r < rows; W (rows, cols) row-major; byte addresses. For sampling,
  ;; which reads the parameters as they are (a window's forward pass uses the panels, $matvecP).
  ;; Four rows per pass share each load of x, and each row sums in both lanes of an f64x2 (even j in
  ;; lane 0, odd j in lane 1): four independent chains keep the adder busy where one chain would wait
  ;; on each addition. Adding the lanes at the end reassociates the sum (rounding-level differences).
  (func $matvec (param $W i32) (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $rowBytes i32) (local $pairBytes i32) (local $r i32) (local $j i32)
    (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (local $xj v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $s0 f64) (local $s1 f64) (local $s2 f64) (local $s3 f64) (local $xl f64)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 3)))
    (local.set $pairBytes (i32.and (local.get $rowBytes) (i32.const -16))) ;; whole pairs of a row
    (local.set $w0 (local.get $W))
    (local.set $r (i32.const 0))
    (block $blocksDone (loop $blocks
      (br_if $blocksDone (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $rows)))
      (local.set $w1 (i32.add (local.get $w0) (local.get $rowBytes)))
      (local.set $w2 (i32.add (local.get $w1) (local.get $rowBytes)))
      (local.set $w3 (i32.add (local.get $w2) (local.get $rowBytes)))
      (local.set $a0 (v128.const f64x2 0 0))
      (local.set $a1 (v128.const f64x2 0 0))
      (local.set $a2 (v128.const f64x2 0 0))
      (local.set $a3 (v128.const f64x2 0 0))
      (local.set $j (i32.const 0))
      (block $pairsDone (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $j) (local.get $pairBytes)))
        (local.set $xj (v128.load (i32.add (local.get $x) (local.get $j))))
        (local.set $a0 (f64x2.add (local.get $a0)
          (f64x2.mul (v128.load (i32.add (local.get $w0) (local.get $j))) (local.get $xj))))
        (local.set $a1 (f64x2.add (local.get $a1)
          (f64x2.mul (v128.load (i32.add (local.get $w1) (local.get $j))) (local.get $xj))))
        (local.set $a2 (f64x2.add (local.get $a2)
          (f64x2.mul (v128.load (i32.add (local.get $w2) (local.get $j))) (local.get $xj))))
        (local.set $a3 (f64x2.add (local.get $a3)
          (f64x2.mul (v128.load (i32.add (local.get $w3) (local.get $j))) (local.get $xj))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $pairs)))
      (local.set $s0 (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
      (local.set $s1 (f64.add (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1))))
      (local.set $s2 (f64.add (f64x2.extract_lane 0 (local.get $a2)) (f64x2.extract_lane 1 (local.get $a2))))
      (local.set $s3 (f64.add (f64x2.extract_lane 0 (local.get $a3)) (f64x2.extract_lane 1 (local.get $a3))))
      (if (i32.lt_u (local.get $j) (local.get $rowBytes)) (then ;; odd cols: the last column
        (local.set $xl (f64.load (i32.add (local.get $x) (local.get $j))))
        (local.set $s0 (f64.add (local.get $s0) (f64.mul (f64.load (i32.add (local.get $w0) (local.get $j))) (local.get $xl))))
        (local.set $s1 (f64.add (local.get $s1) (f64.mul (f64.load (i32.add (local.get $w1) (local.get $j))) (local.get $xl))))
        (local.set $s2 (f64.add (local.get $s2) (f64.mul (f64.load (i32.add (local.get $w2) (local.get $j))) (local.get $xl))))
        (local.set $s3 (f64.add (local.get $s3) (f64.mul (f64.load (i32.add (local.get $w3) (local.get $j))) (local.get $xl))))))
      (f64.store offset=0 (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))) (local.get $s0))
      (f64.store offset=8 (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))) (local.get $s1))
      (f64.store offset=16 (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))) (local.get $s2))
      (f64.store offset=24 (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))) (local.get $s3))
      (local.set $w0 (i32.add (local.get $w3) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $blocks)))
    ;; The last rows % 4 rows, one at a time.
    (block $rowsDone (loop $rowsLeft
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $a0 (v128.const f64x2 0 0))
      (local.set $j (i32.const 0))
      (block $pairsDone (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $j) (local.get $pairBytes)))
        (local.set $a0 (f64x2.add (local.get $a0)
          (f64x2.mul (v128.load (i32.add (local.get $w0) (local.get $j))) (v128.load (i32.add (local.get $x) (local.get $j))))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $pairs)))
      (local.set $s0 (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
      (if (i32.lt_u (local.get $j) (local.get $rowBytes)) (then
        (local.set $s0 (f64.add (local.get $s0)
          (f64.mul (f64.load (i32.add (local.get $w0) (local.get $j))) (f64.load (i32.add (local.get $x) (local.get $j))))))))
      (f64.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))) (local.get $s0))
      (local.set $w0 (i32.add (local.get $w0) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowsLeft))))

  ;; P ← W in panels of six rows for $matvecP and backward.wat's $addRowsTP: panel p holds rows
  ;; 6p..6p+5, pair by pair, P[p][q][i] = (W[6p+i, 2q], W[6p+i, 2q+1]), so one pointer walks a panel by
  ;; constant steps.
  ;; The last panel is padded with rows of zeros; the last column of an odd row is not copied (read
  ;; from W in place). W (rows, cols) row-major; P holds ⌈rows/6⌉·6 · (cols & −2) doubles; byte
  ;; addresses. Why six rows: a matrix-vector product here is bound by loads (two a cycle), and six
  ;; rows share each load of the vector where four did (1.17 loads a multiply-add instead of 1.25;
  ;; 5–7% faster); eight would need more registers than V8 gives and spill.
  (func $pack6 (param $W i32) (param $P i32) (param $rows i32) (param $cols i32)
    (local $rowBytes i32) (local $pairBytes i32) (local $r i32) (local $i i32) (local $w i32) (local $j i32) (local $dst i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 3)))
    (local.set $pairBytes (i32.and (local.get $rowBytes) (i32.const -16)))
    (local.set $r (i32.const 0))
    (block $done (loop $panels
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $w (i32.add (local.get $W) (i32.mul (local.get $r) (local.get $rowBytes)))) ;; &W[r, 0]
      (if (i32.le_u (i32.add (local.get $r) (i32.const 6)) (local.get $rows))
        (then ;; a whole panel
          (local.set $j (local.get $w))
          (block $pairsDone (loop $pairs
            (br_if $pairsDone (i32.ge_u (local.get $j) (i32.add (local.get $w) (local.get $pairBytes))))
            (v128.store offset=0 (local.get $P) (v128.load (local.get $j)))
            (v128.store offset=16 (local.get $P) (v128.load (i32.add (local.get $j) (local.get $rowBytes))))
            (v128.store offset=32 (local.get $P) (v128.load (i32.add (local.get $j) (i32.mul (local.get $rowBytes) (i32.const 2)))))
            (v128.store offset=48 (local.get $P) (v128.load (i32.add (local.get $j) (i32.mul (local.get $rowBytes) (i32.const 3)))))
            (v128.store offset=64 (local.get $P) (v128.load (i32.add (local.get $j) (i32.mul (local.get $rowBytes) (i32.const 4)))))
            (v128.store offset=80 (local.get $P) (v128.load (i32.add (local.get $j) (i32.mul (local.get $rowBytes) (i32.const 5)))))
            (local.set $P (i32.add (local.get $P) (i32.const 96)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $pairs))))
        (else ;; the last, partial panel: zeros, then its rows one by one
          (memory.fill (local.get $P) (i32.const 0) (i32.mul (local.get $pairBytes) (i32.const 6)))
          (local.set $i (i32.const 0))
          (block $rowsDone (loop $rowsLeft
            (br_if $rowsDone (i32.ge_u (i32.add (local.get $r) (local.get $i)) (local.get $rows)))
            (local.set $dst (i32.add (local.get $P) (i32.shl (local.get $i) (i32.const 4)))) ;; P[p][0][i]
            (local.set $j (local.get $w))
            (block $pairsDone (loop $pairs
              (br_if $pairsDone (i32.ge_u (local.get $j) (i32.add (local.get $w) (local.get $pairBytes))))
              (v128.store (local.get $dst) (v128.load (local.get $j)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 96)))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br $pairs)))
            (local.set $w (i32.add (local.get $w) (local.get $rowBytes)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rowsLeft)))))
      (local.set $r (i32.add (local.get $r) (i32.const 6)))
      (br $panels))))

  ;; out[r] = Σ_j W[r, j] x[j] for r < rows, with W's panels P ($pack6); byte addresses.
  ;; Six rows per pass share each load of x, and each row sums in both lanes of an f64x2 (even j in
  ;; lane 0, odd j in lane 1): six independent chains keep the adders busy where one chain would wait
  ;; on each addition. Adding the lanes at the end reassociates the sum (rounding-level differences).
  ;; The last panel's six sums (and every panel's when cols is odd, to add the last column) go
  ;; through `tail` (six doubles of scratch), so that padded rows are never stored.
  (func $matvecP (param $W i32) (param $P i32) (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $rowBytes i32) (local $xEnd i32) (local $r i32) (local $k i32) (local $j i32) (local $tail i32) (local $v f64)
    (local $xj v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 3)))
    (local.set $xEnd (i32.add (local.get $x) (i32.and (local.get $rowBytes) (i32.const -16))))
    (local.set $tail (global.get $tail))
    (local.set $r (i32.const 0))
    (block $done (loop $panels
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $a0 (v128.const f64x2 0 0)) (local.set $a1 (v128.const f64x2 0 0)) (local.set $a2 (v128.const f64x2 0 0))
      (local.set $a3 (v128.const f64x2 0 0)) (local.set $a4 (v128.const f64x2 0 0)) (local.set $a5 (v128.const f64x2 0 0))
      (local.set $j (local.get $x)) ;; &x[j]
      (block $pairsDone (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $j) (local.get $xEnd)))
        (local.set $xj (v128.load (local.get $j)))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load offset=0 (local.get $P)) (local.get $xj))))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (v128.load offset=16 (local.get $P)) (local.get $xj))))
        (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (v128.load offset=32 (local.get $P)) (local.get $xj))))
        (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (v128.load offset=48 (local.get $P)) (local.get $xj))))
        (local.set $a4 (f64x2.add (local.get $a4) (f64x2.mul (v128.load offset=64 (local.get $P)) (local.get $xj))))
        (local.set $a5 (f64x2.add (local.get $a5) (f64x2.mul (v128.load offset=80 (local.get $P)) (local.get $xj))))
        (local.set $P (i32.add (local.get $P) (i32.const 96)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $pairs)))
      ;; The six sums go straight to out[r..r+6) (a whole panel, even cols), else through tail.
      (local.set $k (select (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))) (local.get $tail)
        (i32.and (i32.le_u (i32.add (local.get $r) (i32.const 6)) (local.get $rows)) (i32.eqz (i32.and (local.get $cols) (i32.const 1))))))
      (f64.store offset=0 (local.get $k) (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
      (f64.store offset=8 (local.get $k) (f64.add (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1))))
      (f64.store offset=16 (local.get $k) (f64.add (f64x2.extract_lane 0 (local.get $a2)) (f64x2.extract_lane 1 (local.get $a2))))
      (f64.store offset=24 (local.get $k) (f64.add (f64x2.extract_lane 0 (local.get $a3)) (f64x2.extract_lane 1 (local.get $a3))))
      (f64.store offset=32 (local.get $k) (f64.add (f64x2.extract_lane 0 (local.get $a4)) (f64x2.extract_lane 1 (local.get $a4))))
      (f64.store offset=40 (local.get $k) (f64.add (f64x2.extract_lane 0 (local.get $a5)) (f64x2.extract_lane 1 (local.get $a5))))
      ;; From tail: out[r + k] = tail[k] (+ W[r + k, cols − 1]·x[cols − 1] when cols is odd), for the
      ;; panel's real rows only
      (local.set $k (select (i32.const 6) (i32.const 0) (i32.ne (local.get $k) (local.get $tail))))
      (block $rowsDone (loop $rowsOut
        (br_if $rowsDone (i32.or (i32.eq (local.get $k) (i32.const 6)) (i32.ge_u (i32.add (local.get $r) (local.get $k)) (local.get $rows))))
        (local.set $v (f64.load (i32.add (local.get $tail) (i32.shl (local.get $k) (i32.const 3)))))
        (if (i32.and (local.get $cols) (i32.const 1)) (then
          (local.set $v (f64.add (local.get $v) (f64.mul
            (f64.load (i32.add (i32.add (local.get $W) (i32.mul (i32.add (local.get $r) (local.get $k)) (local.get $rowBytes)))
              (i32.sub (local.get $rowBytes) (i32.const 8))))
            (f64.load (local.get $xEnd)))))))
        (f64.store (i32.add (local.get $out) (i32.shl (i32.add (local.get $r) (local.get $k)) (i32.const 3))) (local.get $v))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rowsOut)))
      (local.set $r (i32.add (local.get $r) (i32.const 6)))
      (br $panels))))

  ;; f[p..p+n) ← tanh(f[p..p+n)) in place, two at a time; byte address, count.
  ;;
  ;; src/math/elementary.ts's tanh is fdlibm's tanh, which this is, operation for operation, so the
  ;; hidden states are the same bit for bit as the JavaScript kernels' (checked on millions of inputs,
  ;; special values and every branch boundary included; V8's Math.tanh gives the same bits too):
  ;;   |x| < 2^−28: x;  |x| ≥ 22: ±1;  |x| ≥ 1: 1 − 2/(expm1(2|x|) + 2);  else −t/(t + 2), t = expm1(−2|x|)
  ;; with fdlibm's expm1, whose branches become lane selects: every variant is computed and the right
  ;; one kept per lane. Calling Math.tanh from JavaScript cost ~15 ns an element (10% of a training
  ;; step at H 256), this ~8 ns. Why two passes: one element's chain of dependent operations (two
  ;; divisions among them) is ~150 cycles long, so a single loop waits on it; split at the first
  ;; division, each pass's iterations are independent and overlap. The constants come from the table at
  ;; $consts ($init writes it) because a v128.const costs V8 three instructions and a load one.
  ;; Pass 1 keeps, per pair, the reduced argument r, its correction c, r²/2, the quotient term e of
  ;; expm1 and k (as a double) at S: five v128, 80 bytes a pair.
  (func $tanhPass1 (param $p i32) (param $end i32) (param $S i32)
    (local $C i32) (local $ax v128) (local $a v128) (local $k v128) (local $hi v128) (local $lo v128)
    (local $r v128) (local $hfx v128) (local $hxs v128) (local $r1 v128) (local $u v128)
    (local.set $C (global.get $consts))
    (block $done (loop $pairs
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $ax (f64x2.abs (v128.load (local.get $p))))
      ;; a = 2|x| for |x| ≥ 1, else −2|x|: the argument of expm1
      (local.set $a (f64x2.add (local.get $ax) (local.get $ax)))
      (local.set $a (v128.bitselect (local.get $a) (f64x2.neg (local.get $a))
        (f64x2.ge (local.get $ax) (v128.load64_splat offset=0 (local.get $C))))) ;; 1
      ;; expm1's argument reduction a = k·ln2 + r: k = 0 for |a| up to ½ln2 (high word 0x3FD62E42),
      ;; ±1 below 1.5·ln2 (high word 0x3FF0A2B2), else (int)(a/ln2 ± ½)
      (local.set $k (f64x2.trunc (f64x2.add (f64x2.mul (local.get $a) (v128.load64_splat offset=8 (local.get $C))) ;; 1/ln2
        (v128.bitselect (v128.load64_splat offset=16 (local.get $C)) (v128.load64_splat offset=24 (local.get $C)) ;; −½, ½
          (i64x2.lt_s (local.get $a) (v128.const i64x2 0 0))))))
      (local.set $k (v128.bitselect (local.get $k)
        (v128.bitselect (v128.load64_splat offset=32 (local.get $C)) (v128.load64_splat offset=0 (local.get $C)) ;; −1, 1
          (i64x2.lt_s (local.get $a) (v128.const i64x2 0 0)))
        (i64x2.ge_s (f64x2.abs (local.get $a)) (v128.load64_splat offset=40 (local.get $C))))) ;; 0x3FF0A2B2_00000000
      (local.set $k (v128.and (local.get $k)
        (i64x2.ge_s (f64x2.abs (local.get $a)) (v128.load64_splat offset=48 (local.get $C))))) ;; 0x3FD62E43_00000000
      ;; k = 0 gives hi = a, lo = 0, r = a, c = 0: no branch needed
      (local.set $hi (f64x2.sub (local.get $a) (f64x2.mul (local.get $k) (v128.load64_splat offset=56 (local.get $C))))) ;; ln2_hi
      (local.set $lo (f64x2.mul (local.get $k) (v128.load64_splat offset=64 (local.get $C)))) ;; ln2_lo
      (local.set $r (f64x2.sub (local.get $hi) (local.get $lo)))
      (v128.store offset=0 (local.get $S) (local.get $r))
      (v128.store offset=16 (local.get $S) (f64x2.sub (f64x2.sub (local.get $hi) (local.get $r)) (local.get $lo))) ;; c
      (v128.store offset=64 (local.get $S) (local.get $k))
      ;; r1 = 1 + hxs·(Q1 + hxs·(Q2 + hxs·(Q3 + hxs·(Q4 + hxs·Q5)))), hxs = r·r/2
      (local.set $hfx (f64x2.mul (local.get $r) (v128.load64_splat offset=24 (local.get $C)))) ;; ½
      (local.set $hxs (f64x2.mul (local.get $r) (local.get $hfx)))
      (v128.store offset=32 (local.get $S) (local.get $hxs))
      (local.set $r1 (f64x2.add (v128.load64_splat offset=0 (local.get $C)) (f64x2.mul (local.get $hxs)
        (f64x2.add (v128.load64_splat offset=72 (local.get $C)) (f64x2.mul (local.get $hxs)
        (f64x2.add (v128.load64_splat offset=80 (local.get $C)) (f64x2.mul (local.get $hxs)
        (f64x2.add (v128.load64_splat offset=88 (local.get $C)) (f64x2.mul (local.get $hxs)
        (f64x2.add (v128.load64_splat offset=96 (local.get $C)) (f64x2.mul (local.get $hxs)
          (v128.load64_splat offset=104 (local.get $C)))))))))))))
      ;; e = hxs·((r1 − u)/(6 − r·u)), u = 3 − r1·hfx
      (local.set $u (f64x2.sub (v128.load64_splat offset=112 (local.get $C)) (f64x2.mul (local.get $r1) (local.get $hfx))))
      (v128.store offset=48 (local.get $S) (f64x2.mul (local.get $hxs) (f64x2.div (f64x2.sub (local.get $r1) (local.get $u))
        (f64x2.sub (v128.load64_splat offset=120 (local.get $C)) (f64x2.mul (local.get $r) (local.get $u))))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $S (i32.add (local.get $S) (i32.const 80)))
      (br $pairs))))

  ;; Pass 2: expm1(a) from pass 1's terms, by k (fdlibm's cases, each lane its own), then tanh.
  (func $tanhPass2 (param $p i32) (param $end i32) (param $S i32)
    (local $C i32) (local $x v128) (local $ax v128) (local $big v128) (local $r v128) (local $c v128)
    (local $hxs v128) (local $e v128) (local $k v128) (local $twopk v128) (local $twomk v128) (local $y v128) (local $q v128)
    (local.set $C (global.get $consts))
    (block $done (loop $pairs
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $x (v128.load (local.get $p)))
      (local.set $ax (f64x2.abs (local.get $x)))
      (local.set $big (f64x2.ge (local.get $ax) (v128.load64_splat offset=0 (local.get $C)))) ;; |x| ≥ 1
      (local.set $r (v128.load offset=0 (local.get $S)))
      (local.set $c (v128.load offset=16 (local.get $S)))
      (local.set $hxs (v128.load offset=32 (local.get $S)))
      (local.set $e (v128.load offset=48 (local.get $S)))
      ;; k as an integer: k + 1.5·2^52 holds k in its low bits; 2^k and 2^−k from their bits
      (local.set $k (i64x2.sub (f64x2.add (v128.load offset=64 (local.get $S)) (v128.load64_splat offset=128 (local.get $C)))
        (v128.load64_splat offset=128 (local.get $C))))
      (local.set $twopk (i64x2.shl (i64x2.add (local.get $k) (v128.load64_splat offset=136 (local.get $C))) (i32.const 52))) ;; 1023
      (local.set $twomk (i64x2.shl (i64x2.sub (v128.load64_splat offset=136 (local.get $C)) (local.get $k)) (i32.const 52)))
      ;; k = 0: r − (r·e − hxs)
      (local.set $q (f64x2.sub (local.get $r) (f64x2.sub (f64x2.mul (local.get $r) (local.get $e)) (local.get $hxs))))
      ;; otherwise e ← (r·(e − c) − c) − hxs and
      (local.set $e (f64x2.sub (f64x2.sub (f64x2.mul (local.get $r) (f64x2.sub (local.get $e) (local.get $c))) (local.get $c))
        (local.get $hxs)))
      ;;   20 ≤ k ≤ 56: ((r − (e + 2^−k)) + 1)·2^k
      (local.set $y (f64x2.mul (f64x2.add (f64x2.sub (local.get $r) (f64x2.add (local.get $e) (local.get $twomk)))
        (v128.load64_splat offset=0 (local.get $C))) (local.get $twopk)))
      ;;   k < 20: ((1 − 2^−k) − (e − r))·2^k
      (local.set $y (v128.bitselect
        (f64x2.mul (f64x2.sub (f64x2.sub (v128.load64_splat offset=0 (local.get $C)) (local.get $twomk))
          (f64x2.sub (local.get $e) (local.get $r))) (local.get $twopk))
        (local.get $y) (i64x2.lt_s (local.get $k) (v128.load64_splat offset=144 (local.get $C))))) ;; 20
      ;;   k ≤ −2 or k > 56: (1 − (e − r))·2^k − 1
      (local.set $y (v128.bitselect
        (f64x2.sub (f64x2.mul (f64x2.sub (v128.load64_splat offset=0 (local.get $C)) (f64x2.sub (local.get $e) (local.get $r)))
          (local.get $twopk)) (v128.load64_splat offset=0 (local.get $C)))
        (local.get $y) (v128.or (i64x2.lt_s (local.get $k) (v128.const i64x2 -1 -1))
          (i64x2.gt_s (local.get $k) (v128.load64_splat offset=152 (local.get $C)))))) ;; 56
      ;;   k = −1: ½·(r − e) − ½   (k = 1 never comes from tanh: a > 0 means a ≥ 2)
      (local.set $y (v128.bitselect
        (f64x2.sub (f64x2.mul (v128.load64_splat offset=24 (local.get $C)) (f64x2.sub (local.get $r) (local.get $e)))
          (v128.load64_splat offset=24 (local.get $C)))
        (local.get $y) (i64x2.eq (local.get $k) (v128.const i64x2 -1 -1))))
      (local.set $y (v128.bitselect (local.get $q) (local.get $y) (i64x2.eq (local.get $k) (v128.const i64x2 0 0))))
      ;; tanh|x| = 1 − 2/(y + 2) for |x| ≥ 1, −y/(y + 2) below; 1 from |x| ≥ 22 (∞ too); x's sign;
      ;; x itself below 2^−28 (±0 too); NaN stays NaN
      (local.set $q (f64x2.div (v128.bitselect (v128.load64_splat offset=160 (local.get $C)) (f64x2.neg (local.get $y)) (local.get $big))
        (f64x2.add (local.get $y) (v128.load64_splat offset=160 (local.get $C))))) ;; 2
      (local.set $q (v128.bitselect (f64x2.sub (v128.load64_splat offset=0 (local.get $C)) (local.get $q)) (local.get $q) (local.get $big)))
      (local.set $q (v128.bitselect (v128.load64_splat offset=0 (local.get $C)) (local.get $q)
        (f64x2.ge (local.get $ax) (v128.load64_splat offset=168 (local.get $C))))) ;; 22
      (local.set $q (v128.or (local.get $q) (v128.and (local.get $x) (v128.load64_splat offset=176 (local.get $C))))) ;; sign bit
      (v128.store (local.get $p) (v128.bitselect (local.get $x) (local.get $q)
        (f64x2.lt (local.get $ax) (v128.load64_splat offset=184 (local.get $C))))) ;; 2^−28
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $S (i32.add (local.get $S) (i32.const 80)))
      (br $pairs))))

  ;; f[p..p+n) ← tanh(f[p..p+n)) in place; byte address, count. An odd last element makes a pair of
  ;; its own in the scratch after the others', so nothing past the n elements is written.
  (func $tanhInPlace (param $p i32) (param $n i32)
    (local $end i32) (local $odd i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (call $tanhPass1 (local.get $p) (local.get $end) (global.get $tanhS))
    (call $tanhPass2 (local.get $p) (local.get $end) (global.get $tanhS))
    (if (i32.and (local.get $n) (i32.const 1)) (then
      (local.set $odd (i32.add (global.get $tanhS) (i32.mul (i32.shr_u (local.get $n) (i32.const 1)) (i32.const 80))))
      (v128.store (local.get $odd) (v128.load64_splat (local.get $end)))
      (call $tanhPass1 (local.get $odd) (i32.add (local.get $odd) (i32.const 16)) (i32.add (local.get $odd) (i32.const 16)))
      (call $tanhPass2 (local.get $odd) (i32.add (local.get $odd) (i32.const 16)) (i32.add (local.get $odd) (i32.const 16)))
      (f64.store (local.get $end) (f64.load (local.get $odd))))))

  ;; One recurrent step: h ← tanh(Wxh[:, ix] + Whh·hp + bh) at hc, in the reference's association
  ;; (Wxh x + Whh h) + bh; hp and hc byte addresses. Reads Whh's panels when `packed` is 1 (a window's
  ;; forward pass, after $pack6), Whh itself when 0 (sampling: the parameters may have changed).
  (func $step (param $ix i32) (param $hp i32) (param $hc i32) (param $packed i32)
    (local $i i32) (local $p i32) (local $col i32)
    (if (local.get $packed)
      (then (call $matvecP (global.get $Whh) (global.get $packedWhh) (local.get $hp) (local.get $hc) (global.get $H) (global.get $H)))
      (else (call $matvec (global.get $Whh) (local.get $hp) (local.get $hc) (global.get $H) (global.get $H))))
    (local.set $col (i32.add (global.get $Wxh) (i32.shl (local.get $ix) (i32.const 3)))) ;; &Wxh[0, ix]
    (local.set $i (i32.const 0))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $i) (global.get $H)))
      (local.set $p (i32.add (local.get $hc) (i32.shl (local.get $i) (i32.const 3))))
      (f64.store (local.get $p) (f64.add
        (f64.add
          (f64.load (i32.add (local.get $col) (i32.shl (i32.mul (local.get $i) (global.get $V)) (i32.const 3))))
          (f64.load (local.get $p)))
        (f64.load (i32.add (global.get $bh) (i32.shl (local.get $i) (i32.const 3))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $each)))
    (call $tanhInPlace (local.get $hc) (global.get $H)))

  ;; The output layer before the softmax: y ← Why·h + by, byte addresses; `packed` as in $step.
  (func $output (param $h i32) (param $y i32) (param $packed i32)
    (local $k i32) (local $p i32)
    (if (local.get $packed)
      (then (call $matvecP (global.get $Why) (global.get $packedWhy) (local.get $h) (local.get $y) (global.get $V) (global.get $H)))
      (else (call $matvec (global.get $Why) (local.get $h) (local.get $y) (global.get $V) (global.get $H))))
    (local.set $k (i32.const 0))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $k) (global.get $V)))
      (local.set $p (i32.add (local.get $y) (i32.shl (local.get $k) (i32.const 3))))
      (f64.store (local.get $p) (f64.add (f64.load (local.get $p))
        (f64.load (i32.add (global.get $by) (i32.shl (local.get $k) (i32.const 3))))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $each))))

  ;; Sampling's step: f[hc..] ← tanh(Wxh[:, ix] + Whh·f[hp..] + bh). Element offsets.
  (func (export "hidden") (param $ix i32) (param $hp i32) (param $hc i32)
    (call $step (local.get $ix) (i32.shl (local.get $hp) (i32.const 3)) (i32.shl (local.get $hc) (i32.const 3)) (i32.const 0)))

  ;; Sampling's output layer: f[y..] ← Why·f[h..] + by. Element offsets.
  (func (export "logits") (param $h i32) (param $y i32)
    (call $output (i32.shl (local.get $h) (i32.const 3)) (i32.shl (local.get $y) (i32.const 3)) (i32.const 0)))

  ;; The forward pass over a window of T steps whose inputs the host copied in: hs rows 1..T and the
  ;; logits in ps rows 0..T−1 (the host takes the softmax). Whh and Why are packed first: the
  ;; parameters stay put until this window's backward pass, which reads the same panels.
  (func (export "forward") (param $T i32)
    (local $t i32) (local $hc i32) (local $Hb i32)
    (local.set $Hb (i32.shl (global.get $H) (i32.const 3)))
    (call $pack6 (global.get $Whh) (global.get $packedWhh) (global.get $H) (global.get $H))
    (call $pack6 (global.get $Why) (global.get $packedWhy) (global.get $V) (global.get $H))
    (local.set $t (i32.const 0))
    (block $done (loop $steps
      (br_if $done (i32.ge_u (local.get $t) (local.get $T)))
      (local.set $hc (i32.add (global.get $hs) (i32.mul (i32.add (local.get $t) (i32.const 1)) (local.get $Hb)))) ;; h_t
      (call $step (i32.load (i32.add (global.get $inputs) (i32.shl (local.get $t) (i32.const 2))))
        (i32.sub (local.get $hc) (local.get $Hb)) (local.get $hc) (i32.const 1))
      (call $output (local.get $hc) (i32.add (global.get $ps) (i32.shl (i32.mul (local.get $t) (global.get $V)) (i32.const 3)))
        (i32.const 1))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $steps)))))
