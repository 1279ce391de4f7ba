;; The WebAssembly half of the wasm kernel: the numerical work of min-char-rnn with 128-bit SIMD
;; (f64x2, two doubles per instruction). Dimension key: H = hiddenSize, V = vocabSize, T = window length.
;;
;; `npm run build` assembles this file (scripts/build-wasm.mjs, with wabt) into the byte array that
;; src/model/wasmKernel.ts embeds; nothing is read from disk at run time.
;;
;; The host owns the memory and its layout (src/model/fast.ts, wasmKernel.ts): it passes offsets
;; counted in f64 elements (i32 elements for inputs and targets), which become byte addresses here.
;; The forward pass of a window runs here whole (`forward`), tanh included ($tanhInPlace: fdlibm's
;; tanh, the one Math.tanh is, vectorized); exp and log stay with the host's Math, in the softmax.
;;
;; Numbers: wasm has no fused multiply-add and no fast-math, so every product and sum is an IEEE one
;; the reference kernel also computes. Reassociated: the forward pass's dot products (split over two
;; lanes, $matvec and $matvecP) and Whyᵀ·dy in the backward pass (summed over k downwards by
;; $gemmTN); rounding-level differences. Everything else, Adagrad included, is the reference's
;; operations in the reference's order, bit for bit.
(module
  (import "env" "memory" (memory 1))

  ;; Sizes and byte addresses, set once by $init.
  (global $H (mut i32) (i32.const 0))
  (global $V (mut i32) (i32.const 0))
  (global $Wxh (mut i32) (i32.const 0))     ;; (H, V)
  (global $Whh (mut i32) (i32.const 0))     ;; (H, H)
  (global $Why (mut i32) (i32.const 0))     ;; (V, H)
  (global $bh (mut i32) (i32.const 0))      ;; (H)
  (global $by (mut i32) (i32.const 0))      ;; (V)
  (global $dWxh (mut i32) (i32.const 0))    ;; (H, V)
  (global $dWhh (mut i32) (i32.const 0))    ;; (H, H)
  (global $dWhy (mut i32) (i32.const 0))    ;; (V, H)
  (global $dbh (mut i32) (i32.const 0))     ;; (H)
  (global $dby (mut i32) (i32.const 0))     ;; (V)
  (global $hs (mut i32) (i32.const 0))      ;; (T + 1, H) row 0 = hprev
  (global $ps (mut i32) (i32.const 0))      ;; (T, V) logits, then softmax outputs; backward turns them into dy
  (global $dhnext (mut i32) (i32.const 0))  ;; (H)
  (global $dhraw (mut i32) (i32.const 0))   ;; (T, H) Whyᵀ dy_t, then every step's dhraw, for dWhh at the end
  (global $inputs (mut i32) (i32.const 0))  ;; (T) i32
  (global $targets (mut i32) (i32.const 0)) ;; (T) i32
  (global $gemmA (mut i32) (i32.const 0))   ;; $gemmTN's panels of A, splatted: (2 · maxT · max(H, V)) scratch
  (global $gemmB (mut i32) (i32.const 0))   ;; $gemmTN's panels of B: (max(maxT, V) · H) scratch
  (global $packedWhh (mut i32) (i32.const 0)) ;; Whh in $pack6's panels, for one window: (⌈H/6⌉·6 · H)
  (global $packedWhy (mut i32) (i32.const 0)) ;; Why likewise: (⌈V/6⌉·6 · H)
  (global $tail (mut i32) (i32.const 0))    ;; (6) scratch of $matvecP and $addRowsTP
  (global $tanhS (mut i32) (i32.const 0))   ;; $tanhInPlace's scratch: (5·H + 12)
  (global $consts (mut i32) (i32.const 0))  ;; $tanhInPlace's constants: (24), written by $init

  (func (export "init")
    (param $H i32) (param $V i32)
    (param $Wxh i32) (param $Whh i32) (param $Why i32) (param $bh i32) (param $by i32)
    (param $dWxh i32) (param $dWhh i32) (param $dWhy i32) (param $dbh i32) (param $dby i32)
    (param $hs i32) (param $ps i32) (param $dhnext i32) (param $dhraw i32) (param $inputs i32) (param $targets i32)
    (param $gemmA i32) (param $gemmB i32) (param $packedWhh i32) (param $packedWhy i32) (param $tail i32) (param $tanhS i32) (param $consts i32)
    (local $c i32)
    (global.set $H (local.get $H))
    (global.set $V (local.get $V))
    (global.set $Wxh (i32.shl (local.get $Wxh) (i32.const 3)))
    (global.set $Whh (i32.shl (local.get $Whh) (i32.const 3)))
    (global.set $Why (i32.shl (local.get $Why) (i32.const 3)))
    (global.set $bh (i32.shl (local.get $bh) (i32.const 3)))
    (global.set $by (i32.shl (local.get $by) (i32.const 3)))
    (global.set $dWxh (i32.shl (local.get $dWxh) (i32.const 3)))
    (global.set $dWhh (i32.shl (local.get $dWhh) (i32.const 3)))
    (global.set $dWhy (i32.shl (local.get $dWhy) (i32.const 3)))
    (global.set $dbh (i32.shl (local.get $dbh) (i32.const 3)))
    (global.set $dby (i32.shl (local.get $dby) (i32.const 3)))
    (global.set $hs (i32.shl (local.get $hs) (i32.const 3)))
    (global.set $ps (i32.shl (local.get $ps) (i32.const 3)))
    (global.set $dhnext (i32.shl (local.get $dhnext) (i32.const 3)))
    (global.set $dhraw (i32.shl (local.get $dhraw) (i32.const 3)))
    (global.set $inputs (i32.shl (local.get $inputs) (i32.const 2)))
    (global.set $targets (i32.shl (local.get $targets) (i32.const 2)))
    (global.set $gemmA (i32.shl (local.get $gemmA) (i32.const 3)))
    (global.set $gemmB (i32.shl (local.get $gemmB) (i32.const 3)))
    (global.set $packedWhh (i32.shl (local.get $packedWhh) (i32.const 3)))
    (global.set $packedWhy (i32.shl (local.get $packedWhy) (i32.const 3)))
    (global.set $tail (i32.shl (local.get $tail) (i32.const 3)))
    (global.set $tanhS (i32.shl (local.get $tanhS) (i32.const 3)))
    (global.set $consts (i32.shl (local.get $consts) (i32.const 3)))
    ;; $tanhInPlace's constants (fdlibm's tanh and expm1), loaded with v128.load64_splat offset=…
    (local.set $c (global.get $consts))
    (f64.store offset=0 (local.get $c) (f64.const 1))
    (f64.store offset=8 (local.get $c) (f64.const 1.44269504088896338700e+00))   ;; 1/ln2
    (f64.store offset=16 (local.get $c) (f64.const -0.5))
    (f64.store offset=24 (local.get $c) (f64.const 0.5))
    (f64.store offset=32 (local.get $c) (f64.const -1))
    (i64.store offset=40 (local.get $c) (i64.const 0x3FF0A2B200000000))           ;; |a| from here: k from a/ln2
    (i64.store offset=48 (local.get $c) (i64.const 0x3FD62E4300000000))           ;; |a| from here: k ≠ 0
    (f64.store offset=56 (local.get $c) (f64.const 6.93147180369123816490e-01))  ;; ln2_hi
    (f64.store offset=64 (local.get $c) (f64.const 1.90821492927058770002e-10))  ;; ln2_lo
    (f64.store offset=72 (local.get $c) (f64.const -3.33333333333331316428e-02)) ;; Q1
    (f64.store offset=80 (local.get $c) (f64.const 1.58730158725481460165e-03))  ;; Q2
    (f64.store offset=88 (local.get $c) (f64.const -7.93650757867487942473e-05)) ;; Q3
    (f64.store offset=96 (local.get $c) (f64.const 4.00821782732936239552e-06))  ;; Q4
    (f64.store offset=104 (local.get $c) (f64.const -2.01099218183624371326e-07)) ;; Q5
    (f64.store offset=112 (local.get $c) (f64.const 3))
    (f64.store offset=120 (local.get $c) (f64.const 6))
    (f64.store offset=128 (local.get $c) (f64.const 6755399441055744))            ;; 1.5·2^52
    (i64.store offset=136 (local.get $c) (i64.const 1023))
    (i64.store offset=144 (local.get $c) (i64.const 20))
    (i64.store offset=152 (local.get $c) (i64.const 56))
    (f64.store offset=160 (local.get $c) (f64.const 2))
    (f64.store offset=168 (local.get $c) (f64.const 22))
    (i64.store offset=176 (local.get $c) (i64.const 0x8000000000000000))          ;; sign bit
    (f64.store offset=184 (local.get $c) (f64.const 3.725290298461914e-09)))      ;; 2^−28

  ;; out[r] = Σ_j W[r, j] x[j] for r < rows; W (rows, cols) row-major; byte addresses.
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

  ;; P ← W in panels of six rows for $matvecP and $addRowsTP: panel p holds rows 6p..6p+5, pair by
  ;; pair, P[p][q][i] = (W[6p+i, 2q], W[6p+i, 2q+1]), so one pointer walks a panel by constant steps.
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
      ;; From tail: out[r + k] = tail[k] (+ W[r + k, cols − 1]·x[cols − 1] when cols is odd), real rows only
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

  ;; out[j] += Σ_r d[r] W[r, j] for j < cols, i.e. out += Wᵀ d, with W's panels P ($pack6); byte
  ;; addresses. A sum of scaled rows taken in row order, so each element gets exactly the reference's
  ;; sum (no reassociation); six rows per pass load and store each pair of `out` once, not six times.
  ;; The last panel's padded rows take their d from `tail`, zeros, never from past the end of d.
  (func $addRowsTP (param $W i32) (param $P i32) (param $d i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $rowBytes i32) (local $oEnd i32) (local $r i32) (local $k i32) (local $j i32) (local $dr i32) (local $tail i32)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128) (local $d4 v128) (local $d5 v128)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 3)))
    (local.set $oEnd (i32.add (local.get $out) (i32.and (local.get $rowBytes) (i32.const -16))))
    (local.set $tail (global.get $tail))
    (local.set $r (i32.const 0))
    (block $done (loop $panels
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $dr (i32.add (local.get $d) (i32.shl (local.get $r) (i32.const 3)))) ;; &d[r]
      (if (i32.gt_u (i32.add (local.get $r) (i32.const 6)) (local.get $rows)) (then ;; the last, partial panel
        (memory.fill (local.get $tail) (i32.const 0) (i32.const 48))
        (memory.copy (local.get $tail) (local.get $dr) (i32.shl (i32.sub (local.get $rows) (local.get $r)) (i32.const 3)))
        (local.set $dr (local.get $tail))))
      (local.set $d0 (v128.load64_splat offset=0 (local.get $dr)))
      (local.set $d1 (v128.load64_splat offset=8 (local.get $dr)))
      (local.set $d2 (v128.load64_splat offset=16 (local.get $dr)))
      (local.set $d3 (v128.load64_splat offset=24 (local.get $dr)))
      (local.set $d4 (v128.load64_splat offset=32 (local.get $dr)))
      (local.set $d5 (v128.load64_splat offset=40 (local.get $dr)))
      (local.set $j (local.get $out)) ;; &out[j]
      (block $pairsDone (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $j) (local.get $oEnd)))
        (v128.store (local.get $j) (f64x2.add (f64x2.add (f64x2.add (f64x2.add (f64x2.add (f64x2.add (v128.load (local.get $j))
          (f64x2.mul (local.get $d0) (v128.load offset=0 (local.get $P))))
          (f64x2.mul (local.get $d1) (v128.load offset=16 (local.get $P))))
          (f64x2.mul (local.get $d2) (v128.load offset=32 (local.get $P))))
          (f64x2.mul (local.get $d3) (v128.load offset=48 (local.get $P))))
          (f64x2.mul (local.get $d4) (v128.load offset=64 (local.get $P))))
          (f64x2.mul (local.get $d5) (v128.load offset=80 (local.get $P)))))
        (local.set $P (i32.add (local.get $P) (i32.const 96)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $pairs)))
      (if (i32.and (local.get $cols) (i32.const 1)) (then ;; odd cols: the last column, from W, real rows only
        (local.set $k (i32.const 0))
        (block $rowsDone (loop $rowsLeft
          (br_if $rowsDone (i32.or (i32.eq (local.get $k) (i32.const 6)) (i32.ge_u (i32.add (local.get $r) (local.get $k)) (local.get $rows))))
          (f64.store (local.get $oEnd) (f64.add (f64.load (local.get $oEnd))
            (f64.mul (f64.load (i32.add (local.get $dr) (i32.shl (local.get $k) (i32.const 3))))
              (f64.load (i32.add (i32.add (local.get $W) (i32.mul (i32.add (local.get $r) (local.get $k)) (local.get $rowBytes)))
                (i32.sub (local.get $rowBytes) (i32.const 8)))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $rowsLeft)))))
      (local.set $r (i32.add (local.get $r) (i32.const 6)))
      (br $panels))))

  ;; C = Aᵀ B, i.e. C[m, n] = Σ_s A[s, m] B[s, n] for m < M, n < N, s < S; byte addresses. A (S, M) is
  ;; read through strides, A[s, m] at A + s·aS + m·aM, so a transposed matrix costs nothing; B (S, N)
  ;; and C (M, N) are row-major. Each element is summed from s = S−1 down to 0 starting at 0: for the
  ;; weight gradients (dWhy = Σ_t dy_t h_tᵀ, dWhh = Σ_t dhraw_t h_{t−1}ᵀ) that is exactly the
  ;; reference's backward loop, so the numbers are the same.
  ;;
  ;; The speed: a 4 × 4 block of C stays in eight registers for the whole sum. Its inputs are first
  ;; copied into panels ($gemmA, $gemmB: four columns of A or B, row s' = S−1−s after row; A's numbers
  ;; each splatted to both lanes, 64 bytes a row, B's 32), so the inner loop walks two pointers by
  ;; constant steps and loads whole vectors. Read in place instead, the rows of A and B are H·8 bytes
  ;; apart, a power of two at H 256 or 512, and the 50-odd lines one block touches all fall into the
  ;; same few L1 sets and evict each other: the copy made this routine 1.25× faster at H 256 and 1.9×
  ;; at H 512; splatting A in the copy rather than in the loop, another 1.7% of a training step.
  (func $gemmTN (param $A i32) (param $aS i32) (param $aM i32) (param $B i32) (param $C i32)
    (param $M i32) (param $N i32) (param $S i32)
    (local $bStride i32) (local $aPanel i32) (local $M4 i32) (local $N4 i32)
    (local $m i32) (local $n i32) (local $s i32) (local $src i32) (local $dst i32)
    (local $pa i32) (local $pb i32) (local $paEnd i32) (local $pc i32)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $acc f64)
    (local.set $bStride (i32.shl (local.get $N) (i32.const 3)))
    (local.set $aPanel (i32.shl (local.get $S) (i32.const 6))) ;; bytes: S rows of 4 splatted doubles
    (local.set $M4 (i32.and (local.get $M) (i32.const -4)))
    (local.set $N4 (i32.and (local.get $N) (i32.const -4)))
    (if (i32.eqz (local.get $S)) (then ;; an empty sum: C = 0
      (memory.fill (local.get $C) (i32.const 0) (i32.mul (local.get $M) (local.get $bStride)))
      (return)))
    ;; B panels: $gemmB[n/4][s'] = B[S−1−s', n..n+4)
    (local.set $dst (global.get $gemmB))
    (local.set $n (i32.const 0))
    (block $done (loop $panels
      (br_if $done (i32.ge_u (local.get $n) (local.get $N4)))
      (local.set $src (i32.add (i32.add (local.get $B) (i32.shl (local.get $n) (i32.const 3)))
        (i32.mul (i32.sub (local.get $S) (i32.const 1)) (local.get $bStride)))) ;; &B[S−1, n]
      (local.set $s (local.get $S))
      (loop $rows
        (v128.store offset=0 (local.get $dst) (v128.load offset=0 (local.get $src)))
        (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
        (local.set $src (i32.sub (local.get $src) (local.get $bStride)))
        (local.set $s (i32.sub (local.get $s) (i32.const 1)))
        (br_if $rows (local.get $s)))
      (local.set $n (i32.add (local.get $n) (i32.const 4)))
      (br $panels)))
    ;; A panels: $gemmA[m/4][s'] = A[S−1−s', m..m+4), each number splatted
    (local.set $dst (global.get $gemmA))
    (local.set $m (i32.const 0))
    (block $done (loop $panels
      (br_if $done (i32.ge_u (local.get $m) (local.get $M4)))
      (local.set $src (i32.add (i32.mul (local.get $m) (local.get $aM))
        (i32.add (local.get $A) (i32.mul (i32.sub (local.get $S) (i32.const 1)) (local.get $aS))))) ;; &A[S−1, m]
      (local.set $s (local.get $S))
      (loop $rows
        (v128.store offset=0 (local.get $dst) (v128.load64_splat (local.get $src)))
        (v128.store offset=16 (local.get $dst) (v128.load64_splat (i32.add (local.get $src) (local.get $aM))))
        (v128.store offset=32 (local.get $dst) (v128.load64_splat (i32.add (local.get $src) (i32.shl (local.get $aM) (i32.const 1)))))
        (v128.store offset=48 (local.get $dst) (v128.load64_splat (i32.add (local.get $src) (i32.mul (local.get $aM) (i32.const 3)))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (local.set $src (i32.sub (local.get $src) (local.get $aS)))
        (local.set $s (i32.sub (local.get $s) (i32.const 1)))
        (br_if $rows (local.get $s)))
      (local.set $m (i32.add (local.get $m) (i32.const 4)))
      (br $panels)))
    ;; 4 × 4 blocks over C[0..M4, 0..N4)
    (local.set $m (i32.const 0))
    (block $mDone (loop $mBlocks
      (br_if $mDone (i32.ge_u (local.get $m) (local.get $M4)))
      (local.set $paEnd (i32.add (global.get $gemmA) (i32.mul (i32.add (i32.shr_u (local.get $m) (i32.const 2)) (i32.const 1)) (local.get $aPanel))))
      (local.set $pb (global.get $gemmB))
      (local.set $pc (i32.add (local.get $C) (i32.mul (local.get $m) (local.get $bStride)))) ;; &C[m, 0]
      (local.set $n (i32.const 0))
      (block $nDone (loop $nBlocks
        (br_if $nDone (i32.ge_u (local.get $n) (local.get $N4)))
        (local.set $c00 (v128.const f64x2 0 0)) (local.set $c01 (v128.const f64x2 0 0))
        (local.set $c10 (v128.const f64x2 0 0)) (local.set $c11 (v128.const f64x2 0 0))
        (local.set $c20 (v128.const f64x2 0 0)) (local.set $c21 (v128.const f64x2 0 0))
        (local.set $c30 (v128.const f64x2 0 0)) (local.set $c31 (v128.const f64x2 0 0))
        (local.set $pa (i32.sub (local.get $paEnd) (local.get $aPanel)))
        (loop $steps ;; pb walks the n/4-th B panel alongside
          (local.set $d0 (v128.load offset=0 (local.get $pa)))
          (local.set $d1 (v128.load offset=16 (local.get $pa)))
          (local.set $d2 (v128.load offset=32 (local.get $pa)))
          (local.set $d3 (v128.load offset=48 (local.get $pa)))
          (local.set $b0 (v128.load offset=0 (local.get $pb)))
          (local.set $b1 (v128.load offset=16 (local.get $pb)))
          (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $d0) (local.get $b0))))
          (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $d0) (local.get $b1))))
          (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $d1) (local.get $b0))))
          (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $d1) (local.get $b1))))
          (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $d2) (local.get $b0))))
          (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $d2) (local.get $b1))))
          (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $d3) (local.get $b0))))
          (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $d3) (local.get $b1))))
          (local.set $pa (i32.add (local.get $pa) (i32.const 64)))
          (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
          (br_if $steps (i32.lt_u (local.get $pa) (local.get $paEnd))))
        (v128.store offset=0 (local.get $pc) (local.get $c00))
        (v128.store offset=16 (local.get $pc) (local.get $c01))
        (v128.store offset=0 (i32.add (local.get $pc) (local.get $bStride)) (local.get $c10))
        (v128.store offset=16 (i32.add (local.get $pc) (local.get $bStride)) (local.get $c11))
        (v128.store offset=0 (i32.add (local.get $pc) (i32.shl (local.get $bStride) (i32.const 1))) (local.get $c20))
        (v128.store offset=16 (i32.add (local.get $pc) (i32.shl (local.get $bStride) (i32.const 1))) (local.get $c21))
        (v128.store offset=0 (i32.add (local.get $pc) (i32.mul (local.get $bStride) (i32.const 3))) (local.get $c30))
        (v128.store offset=16 (i32.add (local.get $pc) (i32.mul (local.get $bStride) (i32.const 3))) (local.get $c31))
        (local.set $pc (i32.add (local.get $pc) (i32.const 32)))
        (local.set $n (i32.add (local.get $n) (i32.const 4)))
        (br $nBlocks)))
      (local.set $m (i32.add (local.get $m) (i32.const 4)))
      (br $mBlocks)))
    ;; Rows M4..M of C over the B panels, one row by four columns at a time, A read in place.
    (block $mDone (loop $mRows
      (br_if $mDone (i32.ge_u (local.get $m) (local.get $M)))
      (local.set $pb (global.get $gemmB))
      (local.set $pc (i32.add (local.get $C) (i32.mul (local.get $m) (local.get $bStride)))) ;; &C[m, 0]
      (local.set $n (i32.const 0))
      (block $nDone (loop $nBlocks
        (br_if $nDone (i32.ge_u (local.get $n) (local.get $N4)))
        (local.set $c00 (v128.const f64x2 0 0)) (local.set $c01 (v128.const f64x2 0 0))
        (local.set $src (i32.add (i32.mul (local.get $m) (local.get $aM))
          (i32.add (local.get $A) (i32.mul (i32.sub (local.get $S) (i32.const 1)) (local.get $aS))))) ;; &A[S−1, m]
        (local.set $s (local.get $S))
        (loop $steps
          (local.set $d0 (v128.load64_splat (local.get $src)))
          (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $d0) (v128.load offset=0 (local.get $pb)))))
          (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $d0) (v128.load offset=16 (local.get $pb)))))
          (local.set $src (i32.sub (local.get $src) (local.get $aS)))
          (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
          (local.set $s (i32.sub (local.get $s) (i32.const 1)))
          (br_if $steps (local.get $s)))
        (v128.store offset=0 (local.get $pc) (local.get $c00))
        (v128.store offset=16 (local.get $pc) (local.get $c01))
        (local.set $pc (i32.add (local.get $pc) (i32.const 32)))
        (local.set $n (i32.add (local.get $n) (i32.const 4)))
        (br $nBlocks)))
      (local.set $m (i32.add (local.get $m) (i32.const 1)))
      (br $mRows)))
    ;; Columns N4..N of every row, one element at a time, everything read in place.
    (local.set $m (i32.const 0))
    (block $mDone (loop $mRows
      (br_if $mDone (i32.ge_u (local.get $m) (local.get $M)))
      (local.set $n (local.get $N4))
      (block $nDone (loop $cols
        (br_if $nDone (i32.ge_u (local.get $n) (local.get $N)))
        (local.set $acc (f64.const 0))
        (local.set $s (local.get $S))
        (loop $steps
          (local.set $s (i32.sub (local.get $s) (i32.const 1)))
          (local.set $acc (f64.add (local.get $acc) (f64.mul
            (f64.load (i32.add (local.get $A) (i32.add (i32.mul (local.get $s) (local.get $aS)) (i32.mul (local.get $m) (local.get $aM)))))
            (f64.load (i32.add (local.get $B) (i32.add (i32.mul (local.get $s) (local.get $bStride)) (i32.shl (local.get $n) (i32.const 3))))))))
          (br_if $steps (local.get $s)))
        (f64.store (i32.add (local.get $C) (i32.add (i32.mul (local.get $m) (local.get $bStride)) (i32.shl (local.get $n) (i32.const 3))))
          (local.get $acc))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $cols)))
      (local.set $m (i32.add (local.get $m) (i32.const 1)))
      (br $mRows))))

  ;; f[p..p+n) ← tanh(f[p..p+n)) in place, two at a time; byte address, count.
  ;;
  ;; Math.tanh is fdlibm's tanh, which this is, operation for operation, so the hidden states are the
  ;; same bit for bit as with Math.tanh (checked against it on 20 million inputs, special values and
  ;; every branch boundary included):
  ;;   |x| < 2^−28: x;  |x| ≥ 22: ±1;  |x| ≥ 1: 1 − 2/(expm1(2|x|) + 2);  else −t/(t + 2), t = expm1(−2|x|)
  ;; with fdlibm's expm1, whose branches become lane selects: every variant is computed and the right
  ;; one kept per lane. Calling Math.tanh from JavaScript cost ~15 ns an element (10% of a training
  ;; step at H 256), this ~5 ns. Why two passes: one element's chain of dependent operations (two
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
      (br $steps))))

  ;; Backpropagation through time over the window `forward` just processed (hs, ps with the softmax
  ;; outputs, the inputs and targets copied in): overwrites all five gradients, unclipped.
  (func (export "backward") (param $T i32)
    (local $t i32) (local $i i32) (local $k i32) (local $Hb i32) (local $Vb i32)
    (local $dy i32) (local $hc i32) (local $dr i32) (local $col i32) (local $p i32) (local $h f64) (local $g f64)
    (local.set $Hb (i32.shl (global.get $H) (i32.const 3)))
    (local.set $Vb (i32.shl (global.get $V) (i32.const 3)))
    ;; dWxh, dbh, dby and dhnext accumulate from zero; $gemmTN writes dWhy and dWhh whole.
    (memory.fill (global.get $dWxh) (i32.const 0) (i32.mul (local.get $Hb) (global.get $V)))
    (memory.fill (global.get $dbh) (i32.const 0) (local.get $Hb))
    (memory.fill (global.get $dby) (i32.const 0) (local.get $Vb))
    (memory.fill (global.get $dhnext) (i32.const 0) (local.get $Hb))
    ;; dy_t = p_t − onehot(target_t), in place over ps (the probabilities are not needed after this);
    ;; dby += dy_t
    (local.set $t (local.get $T))
    (block $done (loop $steps
      (br_if $done (i32.eqz (local.get $t)))
      (local.set $t (i32.sub (local.get $t) (i32.const 1)))
      (local.set $dy (i32.add (global.get $ps) (i32.mul (local.get $t) (local.get $Vb))))
      (local.set $p (i32.add (local.get $dy)
        (i32.shl (i32.load (i32.add (global.get $targets) (i32.shl (local.get $t) (i32.const 2)))) (i32.const 3))))
      (f64.store (local.get $p) (f64.sub (f64.load (local.get $p)) (f64.const 1)))
      (local.set $k (i32.const 0))
      (block $kDone (loop $each
        (br_if $kDone (i32.ge_u (local.get $k) (local.get $Vb)))
        (local.set $p (i32.add (global.get $dby) (local.get $k)))
        (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (f64.load (i32.add (local.get $dy) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 8)))
        (br $each)))
      (br $steps)))
    ;; dWhy = Σ_t dy_t h_tᵀ: (V, H) = DYᵀ (V, T) · HS[1..T] (T, H)
    (call $gemmTN (global.get $ps) (local.get $Vb) (i32.const 8) (i32.add (global.get $hs) (local.get $Hb))
      (global.get $dWhy) (global.get $V) (global.get $H) (local.get $T))
    ;; Whyᵀ dy_t for every t at once, off the sequential path, into dhraw's rows:
    ;; (T, H) = DY (T, V) · Why (V, H), i.e. $gemmTN over A = DYᵀ read through strides
    (call $gemmTN (global.get $ps) (i32.const 8) (local.get $Vb) (global.get $Why)
      (global.get $dhraw) (local.get $T) (global.get $H) (global.get $V))
    ;; Back through time.
    (local.set $t (local.get $T))
    (block $done (loop $steps
      (br_if $done (i32.eqz (local.get $t)))
      (local.set $t (i32.sub (local.get $t) (i32.const 1)))
      (local.set $hc (i32.add (global.get $hs) (i32.mul (i32.add (local.get $t) (i32.const 1)) (local.get $Hb)))) ;; h_t
      (local.set $dr (i32.add (global.get $dhraw) (i32.mul (local.get $t) (local.get $Hb))))
      ;; dhraw = (1 − h²) ⊙ (Whyᵀ dy + dhnext), back through tanh, over Whyᵀ dy in place;
      ;; dbh += dhraw; dWxh[:, x_t] += dhraw
      (local.set $col (i32.add (global.get $dWxh)
        (i32.shl (i32.load (i32.add (global.get $inputs) (i32.shl (local.get $t) (i32.const 2)))) (i32.const 3))))
      (local.set $i (i32.const 0))
      (block $iDone (loop $each
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $Hb)))
        (local.set $h (f64.load (i32.add (local.get $hc) (local.get $i))))
        (local.set $g (f64.mul
          (f64.sub (f64.const 1) (f64.mul (local.get $h) (local.get $h)))
          (f64.add (f64.load (i32.add (local.get $dr) (local.get $i))) (f64.load (i32.add (global.get $dhnext) (local.get $i))))))
        (f64.store (i32.add (local.get $dr) (local.get $i)) (local.get $g))
        (local.set $p (i32.add (global.get $dbh) (local.get $i)))
        (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (local.get $g)))
        (f64.store (local.get $col) (f64.add (f64.load (local.get $col)) (local.get $g)))
        (local.set $col (i32.add (local.get $col) (local.get $Vb))) ;; next row of dWxh
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $each)))
      ;; dhnext = Whhᵀ dhraw (not needed after the first step of the window)
      (if (local.get $t) (then
        (memory.fill (global.get $dhnext) (i32.const 0) (local.get $Hb))
        (call $addRowsTP (global.get $Whh) (global.get $packedWhh) (local.get $dr) (global.get $dhnext) (global.get $H) (global.get $H))))
      (br $steps)))
    ;; dWhh = Σ_t dhraw_t h_{t-1}ᵀ: (H, H) = DHRAWᵀ (H, T) · HS[0..T-1] (T, H)
    (call $gemmTN (global.get $dhraw) (local.get $Hb) (i32.const 8) (global.get $hs)
      (global.get $dWhh) (global.get $H) (global.get $H) (local.get $T)))

  ;; Adagrad over n elements: mem += g²; param += −lr·g / √(mem + ε), adagradUpdate's expression in
  ;; its order. Every step is a correctly rounded IEEE operation (sqrt and division included), two
  ;; elements at a time, so the result is the same bit for bit. Element offsets.
  (func (export "adagrad") (param $param i32) (param $grad i32) (param $mem i32) (param $n i32) (param $lr f64) (param $eps f64)
    (local $j i32) (local $end i32) (local $pairEnd i32) (local $g v128) (local $m v128) (local $nlr v128) (local $e v128)
    (local $gs f64) (local $ms f64)
    (local.set $param (i32.shl (local.get $param) (i32.const 3)))
    (local.set $grad (i32.shl (local.get $grad) (i32.const 3)))
    (local.set $mem (i32.shl (local.get $mem) (i32.const 3)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (local.set $pairEnd (i32.and (local.get $end) (i32.const -16)))
    (local.set $nlr (f64x2.splat (f64.neg (local.get $lr))))
    (local.set $e (f64x2.splat (local.get $eps)))
    (local.set $j (i32.const 0))
    (block $done (loop $pairs
      (br_if $done (i32.ge_u (local.get $j) (local.get $pairEnd)))
      (local.set $g (v128.load (i32.add (local.get $grad) (local.get $j))))
      (local.set $m (f64x2.add (v128.load (i32.add (local.get $mem) (local.get $j))) (f64x2.mul (local.get $g) (local.get $g))))
      (v128.store (i32.add (local.get $mem) (local.get $j)) (local.get $m))
      (v128.store (i32.add (local.get $param) (local.get $j)) (f64x2.add (v128.load (i32.add (local.get $param) (local.get $j)))
        (f64x2.div (f64x2.mul (local.get $nlr) (local.get $g)) (f64x2.sqrt (f64x2.add (local.get $m) (local.get $e))))))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $pairs)))
    (if (i32.lt_u (local.get $j) (local.get $end)) (then ;; odd n: the last element
      (local.set $gs (f64.load (i32.add (local.get $grad) (local.get $j))))
      (local.set $ms (f64.add (f64.load (i32.add (local.get $mem) (local.get $j))) (f64.mul (local.get $gs) (local.get $gs))))
      (f64.store (i32.add (local.get $mem) (local.get $j)) (local.get $ms))
      (f64.store (i32.add (local.get $param) (local.get $j)) (f64.add (f64.load (i32.add (local.get $param) (local.get $j)))
        (f64.div (f64.mul (f64.neg (local.get $lr)) (local.get $gs)) (f64.sqrt (f64.add (local.get $ms) (local.get $eps)))))))))

  ;; x ← clip(x, −limit, limit) over n elements, as clipInPlace: pmin(v, limit) is `limit < v ? limit : v`
  ;; and pmax(v, −limit) is `v < −limit ? −limit : v`, so NaN stays NaN and −0 stays −0. Element offsets.
  (func (export "clip") (param $x i32) (param $n i32) (param $limit f64)
    (local $j i32) (local $end i32) (local $pairEnd i32) (local $hi v128) (local $lo v128) (local $p i32)
    (local.set $x (i32.shl (local.get $x) (i32.const 3)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (local.set $pairEnd (i32.and (local.get $end) (i32.const -16)))
    (local.set $hi (f64x2.splat (local.get $limit)))
    (local.set $lo (f64x2.splat (f64.neg (local.get $limit))))
    ;; four pairs an iteration (the loop's own instructions were half the work), then pair by pair
    (local.set $j (i32.const 0))
    (block $done (loop $quads
      (br_if $done (i32.gt_u (i32.add (local.get $j) (i32.const 64)) (local.get $pairEnd)))
      (local.set $p (i32.add (local.get $x) (local.get $j)))
      (v128.store offset=0 (local.get $p) (f64x2.pmax (f64x2.pmin (v128.load offset=0 (local.get $p)) (local.get $hi)) (local.get $lo)))
      (v128.store offset=16 (local.get $p) (f64x2.pmax (f64x2.pmin (v128.load offset=16 (local.get $p)) (local.get $hi)) (local.get $lo)))
      (v128.store offset=32 (local.get $p) (f64x2.pmax (f64x2.pmin (v128.load offset=32 (local.get $p)) (local.get $hi)) (local.get $lo)))
      (v128.store offset=48 (local.get $p) (f64x2.pmax (f64x2.pmin (v128.load offset=48 (local.get $p)) (local.get $hi)) (local.get $lo)))
      (local.set $j (i32.add (local.get $j) (i32.const 64)))
      (br $quads)))
    (block $done (loop $pairs
      (br_if $done (i32.ge_u (local.get $j) (local.get $pairEnd)))
      (local.set $p (i32.add (local.get $x) (local.get $j)))
      (v128.store (local.get $p) (f64x2.pmax (f64x2.pmin (v128.load (local.get $p)) (local.get $hi)) (local.get $lo)))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $pairs)))
    (if (i32.lt_u (local.get $j) (local.get $end)) (then
      (local.set $p (i32.add (local.get $x) (local.get $j)))
      (v128.store64_lane 0 (local.get $p)
        (f64x2.pmax (f64x2.pmin (v128.load64_zero (local.get $p)) (local.get $hi)) (local.get $lo)))))))
