;; The wasm kernel's backward pass, 128-bit SIMD (f64x2, two doubles per instruction):
;; backpropagation through time, the Adagrad update and clipping.
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
;; the reference kernel also computes. Here Whyᵀ·dy is reassociated (summed over k downwards by
;; $gemmTN): rounding-level differences. Everything else, Adagrad and clipping included, is the
;; reference's operations in the reference's order, bit for bit.
(module
  (import "env" "memory" (memory 1))

  ;; Sizes and byte addresses, set once by $init.
  (global $H (mut i32) (i32.const 0))
  (global $V (mut i32) (i32.const 0))
  (global $Whh (mut i32) (i32.const 0)) ;; (H, H)
  (global $Why (mut i32) (i32.const 0)) ;; (V, H)
  (global $dWxh (mut i32) (i32.const 0)) ;; (H, V)
  (global $dWhh (mut i32) (i32.const 0)) ;; (H, H)
  (global $dWhy (mut i32) (i32.const 0)) ;; (V, H)
  (global $dbh (mut i32) (i32.const 0)) ;; (H)
  (global $dby (mut i32) (i32.const 0)) ;; (V)
  (global $hs (mut i32) (i32.const 0)) ;; (T + 1, H) row 0 = hprev
  (global $ps (mut i32) (i32.const 0)) ;; (T, V) logits, then softmax outputs; backward turns them into dy
  (global $dhnext (mut i32) (i32.const 0)) ;; (H)
  (global $dhraw (mut i32) (i32.const 0)) ;; (T, H) Whyᵀ dy_t, then every step's dhraw, for dWhh at the end
  (global $inputs (mut i32) (i32.const 0)) ;; (T) i32
  (global $targets (mut i32) (i32.const 0)) ;; (T) i32
  (global $gemmA (mut i32) (i32.const 0)) ;; $gemmTN's panels of A, splatted: (2 · maxT · max(H, V)) scratch
  (global $gemmB (mut i32) (i32.const 0)) ;; $gemmTN's panels of B: (max(maxT, V) · H) scratch
  (global $packedWhh (mut i32) (i32.const 0)) ;; Whh in panels of six rows (forward.wat's $pack6), for one window
  (global $tail (mut i32) (i32.const 0)) ;; (6) scratch of $addRowsTP

  ;; Reads the sizes and addresses from the i32 table at element offset d into the globals; the table
  ;; (wasmKernel.ts writes it) is H, V, Wxh, Whh, Why, bh, by, dWxh, dWhh, dWhy, dbh, dby, hs, ps,
  ;; dhnext, dhraw, inputs, targets, gemmA, gemmB, packedWhh, packedWhy, tail, tanhS, consts: counts,
  ;; then offsets in f64 elements (i32 elements for inputs and targets). This module reads its part.
  (func (export "init") (param $d i32)
    (local.set $d (i32.shl (local.get $d) (i32.const 2)))
    (global.set $H (i32.load offset=0 (local.get $d)))
    (global.set $V (i32.load offset=4 (local.get $d)))
    (global.set $Whh (i32.shl (i32.load offset=12 (local.get $d)) (i32.const 3)))
    (global.set $Why (i32.shl (i32.load offset=16 (local.get $d)) (i32.const 3)))
    (global.set $dWxh (i32.shl (i32.load offset=28 (local.get $d)) (i32.const 3)))
    (global.set $dWhh (i32.shl (i32.load offset=32 (local.get $d)) (i32.const 3)))
    (global.set $dWhy (i32.shl (i32.load offset=36 (local.get $d)) (i32.const 3)))
    (global.set $dbh (i32.shl (i32.load offset=40 (local.get $d)) (i32.const 3)))
    (global.set $dby (i32.shl (i32.load offset=44 (local.get $d)) (i32.const 3)))
    (global.set $hs (i32.shl (i32.load offset=48 (local.get $d)) (i32.const 3)))
    (global.set $ps (i32.shl (i32.load offset=52 (local.get $d)) (i32.const 3)))
    (global.set $dhnext (i32.shl (i32.load offset=56 (local.get $d)) (i32.const 3)))
    (global.set $dhraw (i32.shl (i32.load offset=60 (local.get $d)) (i32.const 3)))
    (global.set $inputs (i32.shl (i32.load offset=64 (local.get $d)) (i32.const 2)))
    (global.set $targets (i32.shl (i32.load offset=68 (local.get $d)) (i32.const 2)))
    (global.set $gemmA (i32.shl (i32.load offset=72 (local.get $d)) (i32.const 3)))
    (global.set $gemmB (i32.shl (i32.load offset=76 (local.get $d)) (i32.const 3)))
    (global.set $packedWhh (i32.shl (i32.load offset=80 (local.get $d)) (i32.const 3)))
    (global.set $tail (i32.shl (i32.load offset=88 (local.get $d)) (i32.const 3))))

  ;; out[j] += Σ_r d[r] W[r, j] for j < cols, i.e. out += Wᵀ d, with W's panels P (forward.wat's $pack6
  ;; lays them out: panel p holds rows 6p..6p+5 pair by pair, the last panel padded with zeros); byte
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
