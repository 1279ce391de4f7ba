;; Matrix building blocks of the batched (gated) kernels, 128-bit SIMD, float64 (f64x2): the products
;; of the LSTM/GRU forward and backward passes, the input projection's column gather, bias sums.
;; Dimension key: M = rows of the left operand (B·T positions, or B streams of one step), N = rows of
;; the right operand (output features), K = the summed dimension.
;;
;; Every product is one shape, C (M, N) = A (M, K) · Bᵀ, with B given as (N, K) rows: a weight matrix
;; as PyTorch stores it (out, in) is already such a B, and the other two shapes the backward pass needs
;; (A·B and Aᵀ·B) become it after a transpose of one operand (`transpose`, O(size), against the
;; product's O(size·K)). Rows are contiguous in the summed dimension, so each C element is a dot product
;; of two contiguous rows, loaded two doubles at a time.
;;
;; Numbers, and why threads cannot change them: each C element is summed by one fixed recipe,
;; whichever path (the 2×4 block or the single-element edge) computes it: even k in lane 0 and odd k in
;; lane 1, in increasing k, then lane 0 + lane 1, then the last product when K is odd, then (when
;; accumulating) C + that sum. So any split of C's rows or columns between threads gives the same bits.
;; No fused multiply-add exists in wasm SIMD: every product and sum is an IEEE one.
;;
;; All offsets and strides are in f64 elements (i32 elements for index lists); the host owns the
;; memory and its layout (src/model/batched/memory.ts).
(module
  (import "env" "memory" (memory 1))

  ;; C ← s, or C ← C + s when $acc is 1.
  (func $put (param $c i32) (param $s f64) (param $acc i32)
    (if (local.get $acc)
      (then (f64.store (local.get $c) (f64.add (f64.load (local.get $c)) (local.get $s))))
      (else (f64.store (local.get $c) (local.get $s)))))

  ;; Finishes one element from its two lanes: lane 0 + lane 1, + a[k]·b[k] when K is odd ($k is then
  ;; the byte offset of the last element), then $put.
  (func $finish (param $v v128) (param $a i32) (param $b i32) (param $k i32) (param $odd i32)
                (param $c i32) (param $acc i32)
    (local $s f64)
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v))))
    (if (local.get $odd) (then
      (local.set $s (f64.add (local.get $s)
        (f64.mul (f64.load (i32.add (local.get $a) (local.get $k))) (f64.load (i32.add (local.get $b) (local.get $k))))))))
    (call $put (local.get $c) (local.get $s) (local.get $acc)))

  ;; One element by the same recipe as the 2×4 block: rows at byte addresses $a and $b.
  (func $dot (param $a i32) (param $b i32) (param $pairBytes i32) (param $odd i32) (param $c i32) (param $acc i32)
    (local $k i32) (local $v v128)
    (block $done (loop $pairs
      (br_if $done (i32.ge_u (local.get $k) (local.get $pairBytes)))
      (local.set $v (f64x2.add (local.get $v)
        (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $k))) (v128.load (i32.add (local.get $b) (local.get $k))))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $pairs)))
    (call $finish (local.get $v) (local.get $a) (local.get $b) (local.get $k) (local.get $odd) (local.get $c) (local.get $acc)))

  ;; C (M, N) ← A (M, K) · Bᵀ, B given as (N, K); C += … when $acc is 1. Leading dimensions lda, ldb,
  ;; ldc (row strides, ≥ the row lengths) let a caller work on a block of a larger matrix.
  ;; Blocks of 2 rows of A × 4 rows of B: eight accumulators, six loads for eight multiply-adds (a
  ;; plain dot product needs two loads for one), two pairs of k per pass. A is taken 16 rows at a
  ;; time and each 16-row band meets every 4 rows of B in turn: with K ≤ 256 (the recurrent and
  ;; output products) the band (≤ 32 KiB) and the four B rows (≤ 8 KiB) stay in L1 while they meet;
  ;; longer sums (the weight gradients, K = B·T) stream from L2 at about the same speed (measured).
  (func (export "gemmNT") (param $A i32) (param $lda i32) (param $B i32) (param $ldb i32) (param $C i32) (param $ldc i32)
                          (param $M i32) (param $N i32) (param $K i32) (param $acc i32)
    (local $pairBytes i32) (local $twoPairBytes i32) (local $odd i32) (local $i i32) (local $j i32) (local $k i32)
    (local $i0 i32) (local $iEnd i32) (local $pairEnd i32)
    (local $a0 i32) (local $a1 i32) (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $c0 i32) (local $c1 i32)
    (local $x0 v128) (local $x1 v128) (local $y v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local.set $A (i32.shl (local.get $A) (i32.const 3)))
    (local.set $B (i32.shl (local.get $B) (i32.const 3)))
    (local.set $C (i32.shl (local.get $C) (i32.const 3)))
    (local.set $lda (i32.shl (local.get $lda) (i32.const 3)))
    (local.set $ldb (i32.shl (local.get $ldb) (i32.const 3)))
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 3)))
    (local.set $pairBytes (i32.shl (i32.and (local.get $K) (i32.const -2)) (i32.const 3)))
    (local.set $twoPairBytes (i32.and (local.get $pairBytes) (i32.const -32)))
    (local.set $odd (i32.and (local.get $K) (i32.const 1)))
    (block $bandsDone (loop $bands
      (br_if $bandsDone (i32.ge_u (local.get $i0) (local.get $M)))
      (local.set $iEnd (i32.add (local.get $i0) (i32.const 16)))
      (if (i32.gt_u (local.get $iEnd) (local.get $M)) (then (local.set $iEnd (local.get $M))))
      (local.set $pairEnd (i32.sub (local.get $iEnd) (i32.and (i32.sub (local.get $iEnd) (local.get $i0)) (i32.const 1))))
      (local.set $j (i32.const 0))
      (block $quadsDone (loop $quads
        (br_if $quadsDone (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $N)))
        (local.set $b0 (i32.add (local.get $B) (i32.mul (local.get $j) (local.get $ldb))))
        (local.set $b1 (i32.add (local.get $b0) (local.get $ldb)))
        (local.set $b2 (i32.add (local.get $b1) (local.get $ldb)))
        (local.set $b3 (i32.add (local.get $b2) (local.get $ldb)))
        (local.set $i (local.get $i0))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.ge_u (local.get $i) (local.get $pairEnd)))
          (local.set $a0 (i32.add (local.get $A) (i32.mul (local.get $i) (local.get $lda))))
          (local.set $a1 (i32.add (local.get $a0) (local.get $lda)))
          (local.set $s00 (v128.const f64x2 0 0)) (local.set $s01 (v128.const f64x2 0 0))
          (local.set $s02 (v128.const f64x2 0 0)) (local.set $s03 (v128.const f64x2 0 0))
          (local.set $s10 (v128.const f64x2 0 0)) (local.set $s11 (v128.const f64x2 0 0))
          (local.set $s12 (v128.const f64x2 0 0)) (local.set $s13 (v128.const f64x2 0 0))
          (local.set $k (i32.const 0))
          ;; Each lane's sum goes on in increasing k: two pairs a pass, then a last single pair.
          (block $kDone (loop $ks
            (br_if $kDone (i32.ge_u (local.get $k) (local.get $twoPairBytes)))
          (local.set $x0 (v128.load offset=0 (i32.add (local.get $a0) (local.get $k))))
          (local.set $x1 (v128.load offset=0 (i32.add (local.get $a1) (local.get $k))))
          (local.set $y (v128.load offset=0 (i32.add (local.get $b0) (local.get $k))))
          (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x0) (local.get $y))))
          (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=0 (i32.add (local.get $b1) (local.get $k))))
          (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0) (local.get $y))))
          (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=0 (i32.add (local.get $b2) (local.get $k))))
          (local.set $s02 (f64x2.add (local.get $s02) (f64x2.mul (local.get $x0) (local.get $y))))
          (local.set $s12 (f64x2.add (local.get $s12) (f64x2.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=0 (i32.add (local.get $b3) (local.get $k))))
          (local.set $s03 (f64x2.add (local.get $s03) (f64x2.mul (local.get $x0) (local.get $y))))
          (local.set $s13 (f64x2.add (local.get $s13) (f64x2.mul (local.get $x1) (local.get $y))))
          (local.set $x0 (v128.load offset=16 (i32.add (local.get $a0) (local.get $k))))
          (local.set $x1 (v128.load offset=16 (i32.add (local.get $a1) (local.get $k))))
          (local.set $y (v128.load offset=16 (i32.add (local.get $b0) (local.get $k))))
          (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x0) (local.get $y))))
          (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=16 (i32.add (local.get $b1) (local.get $k))))
          (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0) (local.get $y))))
          (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=16 (i32.add (local.get $b2) (local.get $k))))
          (local.set $s02 (f64x2.add (local.get $s02) (f64x2.mul (local.get $x0) (local.get $y))))
          (local.set $s12 (f64x2.add (local.get $s12) (f64x2.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=16 (i32.add (local.get $b3) (local.get $k))))
          (local.set $s03 (f64x2.add (local.get $s03) (f64x2.mul (local.get $x0) (local.get $y))))
          (local.set $s13 (f64x2.add (local.get $s13) (f64x2.mul (local.get $x1) (local.get $y))))
            (local.set $k (i32.add (local.get $k) (i32.const 32)))
            (br $ks)))
          (if (i32.lt_u (local.get $k) (local.get $pairBytes)) (then
          (local.set $x0 (v128.load offset=0 (i32.add (local.get $a0) (local.get $k))))
          (local.set $x1 (v128.load offset=0 (i32.add (local.get $a1) (local.get $k))))
          (local.set $y (v128.load offset=0 (i32.add (local.get $b0) (local.get $k))))
          (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x0) (local.get $y))))
          (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=0 (i32.add (local.get $b1) (local.get $k))))
          (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0) (local.get $y))))
          (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=0 (i32.add (local.get $b2) (local.get $k))))
          (local.set $s02 (f64x2.add (local.get $s02) (f64x2.mul (local.get $x0) (local.get $y))))
          (local.set $s12 (f64x2.add (local.get $s12) (f64x2.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=0 (i32.add (local.get $b3) (local.get $k))))
          (local.set $s03 (f64x2.add (local.get $s03) (f64x2.mul (local.get $x0) (local.get $y))))
          (local.set $s13 (f64x2.add (local.get $s13) (f64x2.mul (local.get $x1) (local.get $y))))
            (local.set $k (local.get $pairBytes))))
          (local.set $c0 (i32.add (i32.add (local.get $C) (i32.mul (local.get $i) (local.get $ldc))) (i32.shl (local.get $j) (i32.const 3))))
          (local.set $c1 (i32.add (local.get $c0) (local.get $ldc)))
          (call $finish (local.get $s00) (local.get $a0) (local.get $b0) (local.get $k) (local.get $odd) (local.get $c0) (local.get $acc))
          (call $finish (local.get $s01) (local.get $a0) (local.get $b1) (local.get $k) (local.get $odd) (i32.add (local.get $c0) (i32.const 8)) (local.get $acc))
          (call $finish (local.get $s02) (local.get $a0) (local.get $b2) (local.get $k) (local.get $odd) (i32.add (local.get $c0) (i32.const 16)) (local.get $acc))
          (call $finish (local.get $s03) (local.get $a0) (local.get $b3) (local.get $k) (local.get $odd) (i32.add (local.get $c0) (i32.const 24)) (local.get $acc))
          (call $finish (local.get $s10) (local.get $a1) (local.get $b0) (local.get $k) (local.get $odd) (local.get $c1) (local.get $acc))
          (call $finish (local.get $s11) (local.get $a1) (local.get $b1) (local.get $k) (local.get $odd) (i32.add (local.get $c1) (i32.const 8)) (local.get $acc))
          (call $finish (local.get $s12) (local.get $a1) (local.get $b2) (local.get $k) (local.get $odd) (i32.add (local.get $c1) (i32.const 16)) (local.get $acc))
          (call $finish (local.get $s13) (local.get $a1) (local.get $b3) (local.get $k) (local.get $odd) (i32.add (local.get $c1) (i32.const 24)) (local.get $acc))
          (local.set $i (i32.add (local.get $i) (i32.const 2)))
          (br $pairs)))
        ;; A band of odd height: its last row against the four B rows, one element at a time.
        (if (i32.lt_u (local.get $i) (local.get $iEnd)) (then
          (local.set $a0 (i32.add (local.get $A) (i32.mul (local.get $i) (local.get $lda))))
          (local.set $c0 (i32.add (i32.add (local.get $C) (i32.mul (local.get $i) (local.get $ldc))) (i32.shl (local.get $j) (i32.const 3))))
          (call $dot (local.get $a0) (local.get $b0) (local.get $pairBytes) (local.get $odd) (local.get $c0) (local.get $acc))
          (call $dot (local.get $a0) (local.get $b1) (local.get $pairBytes) (local.get $odd) (i32.add (local.get $c0) (i32.const 8)) (local.get $acc))
          (call $dot (local.get $a0) (local.get $b2) (local.get $pairBytes) (local.get $odd) (i32.add (local.get $c0) (i32.const 16)) (local.get $acc))
          (call $dot (local.get $a0) (local.get $b3) (local.get $pairBytes) (local.get $odd) (i32.add (local.get $c0) (i32.const 24)) (local.get $acc))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $quads)))
      (local.set $i0 (local.get $iEnd))
      (br $bands)))
    ;; The last N % 4 columns, one element at a time.
    (block $restDone (loop $rest
      (br_if $restDone (i32.ge_u (local.get $j) (local.get $N)))
      (local.set $b0 (i32.add (local.get $B) (i32.mul (local.get $j) (local.get $ldb))))
      (local.set $i (i32.const 0))
      (block $rowsDone (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $M)))
        (call $dot (i32.add (local.get $A) (i32.mul (local.get $i) (local.get $lda))) (local.get $b0)
          (local.get $pairBytes) (local.get $odd)
          (i32.add (i32.add (local.get $C) (i32.mul (local.get $i) (local.get $ldc))) (i32.shl (local.get $j) (i32.const 3)))
          (local.get $acc))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $rest))))

  ;; dst (cols, rows) ← srcᵀ, src (rows, cols); leading dimensions lds, ldd. In bands of 8 columns,
  ;; four source rows at a time: each destination row gets four neighbouring numbers per pass, and the
  ;; band's 8 destination lines stay in L1 until they are whole. Only 8: rows a power of two apart
  ;; (2048 doubles = 16 KiB) fall into one L1 set, which holds 12 lines (measured: 1.3 → 0.8 ns an
  ;; element at 2048 × 1024 against bands of 32).
  (func (export "transpose") (param $src i32) (param $lds i32) (param $dst i32) (param $ldd i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $s i32) (local $d i32) (local $j0 i32) (local $jEnd i32)
    (local.set $src (i32.shl (local.get $src) (i32.const 3)))
    (local.set $dst (i32.shl (local.get $dst) (i32.const 3)))
    (local.set $lds (i32.shl (local.get $lds) (i32.const 3)))
    (local.set $ldd (i32.shl (local.get $ldd) (i32.const 3)))
    (block $bandsDone (loop $bands
      (br_if $bandsDone (i32.ge_u (local.get $j0) (local.get $cols)))
      (local.set $jEnd (i32.add (local.get $j0) (i32.const 8)))
      (if (i32.gt_u (local.get $jEnd) (local.get $cols)) (then (local.set $jEnd (local.get $cols))))
      (local.set $i (i32.const 0))
      (block $quadsDone (loop $quads
        (br_if $quadsDone (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $rows)))
        (local.set $s (i32.add (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $lds))) (i32.shl (local.get $j0) (i32.const 3))))
        (local.set $d (i32.add (i32.add (local.get $dst) (i32.mul (local.get $j0) (local.get $ldd))) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $j (local.get $j0))
        (block $colsDone (loop $cols
          (br_if $colsDone (i32.ge_u (local.get $j) (local.get $jEnd)))
          (f64.store offset=0 (local.get $d) (f64.load (local.get $s)))
          (f64.store offset=8 (local.get $d) (f64.load (i32.add (local.get $s) (local.get $lds))))
          (f64.store offset=16 (local.get $d) (f64.load (i32.add (local.get $s) (i32.shl (local.get $lds) (i32.const 1)))))
          (f64.store offset=24 (local.get $d) (f64.load (i32.add (local.get $s) (i32.mul (local.get $lds) (i32.const 3)))))
          (local.set $s (i32.add (local.get $s) (i32.const 8)))
          (local.set $d (i32.add (local.get $d) (local.get $ldd)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $quads)))
      (block $restDone (loop $rest
        (br_if $restDone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $s (i32.add (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $lds))) (i32.shl (local.get $j0) (i32.const 3))))
        (local.set $d (i32.add (i32.add (local.get $dst) (i32.mul (local.get $j0) (local.get $ldd))) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $j (local.get $j0))
        (block $colsDone (loop $cols
          (br_if $colsDone (i32.ge_u (local.get $j) (local.get $jEnd)))
          (f64.store (local.get $d) (f64.load (local.get $s)))
          (local.set $s (i32.add (local.get $s) (i32.const 8)))
          (local.set $d (i32.add (local.get $d) (local.get $ldd)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rest)))
      (local.set $j0 (local.get $jEnd))
      (br $bands))))

  ;; dst (count, n) row m ← src row idx[m] + bias, src (·, n) and bias (n) contiguous: the input
  ;; projection of one-hot characters (W_ihᵀ's rows are W_ih's columns). $idx is an i32 offset.
  (func (export "gatherRows") (param $src i32) (param $idx i32) (param $count i32) (param $bias i32) (param $dst i32) (param $n i32)
    (local $m i32) (local $k i32) (local $row i32) (local $bytes i32) (local $pairBytes i32)
    (local.set $src (i32.shl (local.get $src) (i32.const 3)))
    (local.set $idx (i32.shl (local.get $idx) (i32.const 2)))
    (local.set $bias (i32.shl (local.get $bias) (i32.const 3)))
    (local.set $dst (i32.shl (local.get $dst) (i32.const 3)))
    (local.set $bytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $pairBytes (i32.and (local.get $bytes) (i32.const -16)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $m) (local.get $count)))
      (local.set $row (i32.add (local.get $src) (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $m) (i32.const 2)))) (local.get $bytes))))
      (local.set $k (i32.const 0))
      (block $pairsDone (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $k) (local.get $pairBytes)))
        (v128.store (i32.add (local.get $dst) (local.get $k))
          (f64x2.add (v128.load (i32.add (local.get $row) (local.get $k))) (v128.load (i32.add (local.get $bias) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $pairs)))
      (if (i32.lt_u (local.get $k) (local.get $bytes)) (then
        (f64.store (i32.add (local.get $dst) (local.get $k))
          (f64.add (f64.load (i32.add (local.get $row) (local.get $k))) (f64.load (i32.add (local.get $bias) (local.get $k)))))))
      (local.set $dst (i32.add (local.get $dst) (local.get $bytes)))
      (local.set $m (i32.add (local.get $m) (i32.const 1)))
      (br $rows))))

  ;; dst row idx[m] += src row m for m = 0, 1, …, count − 1 in turn (rows of n, contiguous): the input
  ;; projection's gradient, one-hot characters' columns of dW_ih summed in position order.
  (func (export "scatterAddRows") (param $src i32) (param $idx i32) (param $count i32) (param $dst i32) (param $n i32)
    (local $m i32) (local $k i32) (local $row i32) (local $bytes i32) (local $pairBytes i32)
    (local.set $src (i32.shl (local.get $src) (i32.const 3)))
    (local.set $idx (i32.shl (local.get $idx) (i32.const 2)))
    (local.set $dst (i32.shl (local.get $dst) (i32.const 3)))
    (local.set $bytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $pairBytes (i32.and (local.get $bytes) (i32.const -16)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $m) (local.get $count)))
      (local.set $row (i32.add (local.get $dst) (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $m) (i32.const 2)))) (local.get $bytes))))
      (local.set $k (i32.const 0))
      (block $pairsDone (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $k) (local.get $pairBytes)))
        (v128.store (i32.add (local.get $row) (local.get $k))
          (f64x2.add (v128.load (i32.add (local.get $row) (local.get $k))) (v128.load (i32.add (local.get $src) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $pairs)))
      (if (i32.lt_u (local.get $k) (local.get $bytes)) (then
        (f64.store (i32.add (local.get $row) (local.get $k))
          (f64.add (f64.load (i32.add (local.get $row) (local.get $k))) (f64.load (i32.add (local.get $src) (local.get $k)))))))
      (local.set $src (i32.add (local.get $src) (local.get $bytes)))
      (local.set $m (i32.add (local.get $m) (i32.const 1)))
      (br $rows))))

  ;; dst (n) ← Σ_m src row m, m = 0 … rows − 1 in turn (rows of n, contiguous): bias gradients.
  (func (export "sumRows") (param $src i32) (param $rows i32) (param $dst i32) (param $n i32)
    (local $m i32) (local $k i32) (local $bytes i32) (local $pairBytes i32) (local $row i32)
    (local.set $src (i32.shl (local.get $src) (i32.const 3)))
    (local.set $dst (i32.shl (local.get $dst) (i32.const 3)))
    (local.set $bytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $pairBytes (i32.and (local.get $bytes) (i32.const -16)))
    (memory.fill (local.get $dst) (i32.const 0) (local.get $bytes))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $m) (local.get $rows)))
      (local.set $row (i32.add (local.get $src) (i32.mul (local.get $m) (local.get $bytes))))
      (local.set $k (i32.const 0))
      (block $pairsDone (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $k) (local.get $pairBytes)))
        (v128.store (i32.add (local.get $dst) (local.get $k))
          (f64x2.add (v128.load (i32.add (local.get $dst) (local.get $k))) (v128.load (i32.add (local.get $row) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $pairs)))
      (if (i32.lt_u (local.get $k) (local.get $bytes)) (then
        (f64.store (i32.add (local.get $dst) (local.get $k))
          (f64.add (f64.load (i32.add (local.get $dst) (local.get $k))) (f64.load (i32.add (local.get $row) (local.get $k)))))))
      (local.set $m (i32.add (local.get $m) (i32.const 1)))
      (br $rows)))))
