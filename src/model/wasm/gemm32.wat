;; The matrix building blocks of gemm.wat in float32 (f32x4), for the gated kernels' `--precision f32`:
;; the same products, transposes, gathers and sums, four floats a load instead of two doubles.
;; Dimension key: M = rows of the left operand, N = rows of the right operand, K = the summed dimension.
;;
;; The product is gemm.wat's: C (M, N) = A (M, K) · Bᵀ with B given as (N, K) rows, in blocks of 2 rows
;; of A × 4 rows of B (eight f32x4 accumulators, six loads for eight vector multiply-adds, two quads of
;; k a pass), A in bands of 16 rows.
;;
;; Numbers, and why threads cannot change them: each C element is summed by one fixed recipe,
;; whichever path (the 2×4 block or the single-element edge) computes it: k ≡ l (mod 4) in lane l, in
;; increasing k, over the first K − K % 4 elements; then (lane 0 + lane 1) + (lane 2 + lane 3); then the
;; last K % 4 products in increasing k; then (when accumulating) C + that sum. Every product and sum
;; is an IEEE float32 one (wasm has no fused multiply-add), so src/model/batched/matrix32.ts repeats
;; the recipe in JavaScript with Math.fround, bit for bit, and any split of C's rows or columns
;; between threads gives the same bits.
;;
;; All offsets and strides are in f32 elements (i32 elements for index lists).
(module
  (import "env" "memory" (memory 1))

  ;; C ← s, or C ← C + s when $acc is 1.
  (func $put (param $c i32) (param $s f32) (param $acc i32)
    (if (local.get $acc)
      (then (f32.store (local.get $c) (f32.add (f32.load (local.get $c)) (local.get $s))))
      (else (f32.store (local.get $c) (local.get $s)))))

  ;; Finishes one element from its four lanes: (lane 0 + lane 1) + (lane 2 + lane 3), then + a[k]·b[k]
  ;; for the last K % 4 elements in increasing k (byte offsets $k up to $end), then $put.
  (func $finish (param $v v128) (param $a i32) (param $b i32) (param $k i32) (param $end i32)
                (param $c i32) (param $acc i32)
    (local $s f32)
    (local.set $s (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))
    (block $done (loop $tail
      (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
      (local.set $s (f32.add (local.get $s)
        (f32.mul (f32.load (i32.add (local.get $a) (local.get $k))) (f32.load (i32.add (local.get $b) (local.get $k))))))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br $tail)))
    (call $put (local.get $c) (local.get $s) (local.get $acc)))

  ;; One element by the same recipe as the 2×4 block: rows at byte addresses $a and $b.
  (func $dot (param $a i32) (param $b i32) (param $quadBytes i32) (param $end i32) (param $c i32) (param $acc i32)
    (local $k i32) (local $v v128)
    (block $done (loop $quads
      (br_if $done (i32.ge_u (local.get $k) (local.get $quadBytes)))
      (local.set $v (f32x4.add (local.get $v)
        (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $k))) (v128.load (i32.add (local.get $b) (local.get $k))))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $quads)))
    (call $finish (local.get $v) (local.get $a) (local.get $b) (local.get $k) (local.get $end) (local.get $c) (local.get $acc)))

  ;; C (M, N) ← A (M, K) · Bᵀ, B given as (N, K); C += … when $acc is 1; leading dimensions lda, ldb,
  ;; ldc. gemm.wat's loops over float32: with K ≤ 512 a 16-row band (≤ 32 KiB) and four B rows stay in L1.
  (func (export "gemmNT") (param $A i32) (param $lda i32) (param $B i32) (param $ldb i32) (param $C i32) (param $ldc i32)
                          (param $M i32) (param $N i32) (param $K i32) (param $acc i32)
    (local $quadBytes i32) (local $octBytes i32) (local $end i32) (local $i i32) (local $j i32) (local $k i32)
    (local $i0 i32) (local $iEnd i32) (local $pairEnd i32)
    (local $a0 i32) (local $a1 i32) (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $c0 i32) (local $c1 i32)
    (local $x0 v128) (local $x1 v128) (local $y v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local.set $A (i32.shl (local.get $A) (i32.const 2)))
    (local.set $B (i32.shl (local.get $B) (i32.const 2)))
    (local.set $C (i32.shl (local.get $C) (i32.const 2)))
    (local.set $lda (i32.shl (local.get $lda) (i32.const 2)))
    (local.set $ldb (i32.shl (local.get $ldb) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 2)))
    (local.set $quadBytes (i32.shl (i32.and (local.get $K) (i32.const -4)) (i32.const 2)))
    (local.set $octBytes (i32.and (local.get $quadBytes) (i32.const -32)))
    (local.set $end (i32.shl (local.get $K) (i32.const 2)))
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
          (local.set $s00 (v128.const f32x4 0 0 0 0)) (local.set $s01 (v128.const f32x4 0 0 0 0))
          (local.set $s02 (v128.const f32x4 0 0 0 0)) (local.set $s03 (v128.const f32x4 0 0 0 0))
          (local.set $s10 (v128.const f32x4 0 0 0 0)) (local.set $s11 (v128.const f32x4 0 0 0 0))
          (local.set $s12 (v128.const f32x4 0 0 0 0)) (local.set $s13 (v128.const f32x4 0 0 0 0))
          (local.set $k (i32.const 0))
          ;; Each lane's sum goes on in increasing k: two quads a pass, then a last single quad.
          (block $kDone (loop $ks
            (br_if $kDone (i32.ge_u (local.get $k) (local.get $octBytes)))
          (local.set $x0 (v128.load offset=0 (i32.add (local.get $a0) (local.get $k))))
          (local.set $x1 (v128.load offset=0 (i32.add (local.get $a1) (local.get $k))))
          (local.set $y (v128.load offset=0 (i32.add (local.get $b0) (local.get $k))))
          (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=0 (i32.add (local.get $b1) (local.get $k))))
          (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=0 (i32.add (local.get $b2) (local.get $k))))
          (local.set $s02 (f32x4.add (local.get $s02) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s12 (f32x4.add (local.get $s12) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=0 (i32.add (local.get $b3) (local.get $k))))
          (local.set $s03 (f32x4.add (local.get $s03) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s13 (f32x4.add (local.get $s13) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $x0 (v128.load offset=16 (i32.add (local.get $a0) (local.get $k))))
          (local.set $x1 (v128.load offset=16 (i32.add (local.get $a1) (local.get $k))))
          (local.set $y (v128.load offset=16 (i32.add (local.get $b0) (local.get $k))))
          (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=16 (i32.add (local.get $b1) (local.get $k))))
          (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=16 (i32.add (local.get $b2) (local.get $k))))
          (local.set $s02 (f32x4.add (local.get $s02) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s12 (f32x4.add (local.get $s12) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=16 (i32.add (local.get $b3) (local.get $k))))
          (local.set $s03 (f32x4.add (local.get $s03) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s13 (f32x4.add (local.get $s13) (f32x4.mul (local.get $x1) (local.get $y))))
            (local.set $k (i32.add (local.get $k) (i32.const 32)))
            (br $ks)))
          (if (i32.lt_u (local.get $k) (local.get $quadBytes)) (then
          (local.set $x0 (v128.load offset=0 (i32.add (local.get $a0) (local.get $k))))
          (local.set $x1 (v128.load offset=0 (i32.add (local.get $a1) (local.get $k))))
          (local.set $y (v128.load offset=0 (i32.add (local.get $b0) (local.get $k))))
          (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=0 (i32.add (local.get $b1) (local.get $k))))
          (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=0 (i32.add (local.get $b2) (local.get $k))))
          (local.set $s02 (f32x4.add (local.get $s02) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s12 (f32x4.add (local.get $s12) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load offset=0 (i32.add (local.get $b3) (local.get $k))))
          (local.set $s03 (f32x4.add (local.get $s03) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $s13 (f32x4.add (local.get $s13) (f32x4.mul (local.get $x1) (local.get $y))))
            (local.set $k (local.get $quadBytes))))
          (local.set $c0 (i32.add (i32.add (local.get $C) (i32.mul (local.get $i) (local.get $ldc))) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $c1 (i32.add (local.get $c0) (local.get $ldc)))
          (call $finish (local.get $s00) (local.get $a0) (local.get $b0) (local.get $k) (local.get $end) (local.get $c0) (local.get $acc))
          (call $finish (local.get $s01) (local.get $a0) (local.get $b1) (local.get $k) (local.get $end) (i32.add (local.get $c0) (i32.const 4)) (local.get $acc))
          (call $finish (local.get $s02) (local.get $a0) (local.get $b2) (local.get $k) (local.get $end) (i32.add (local.get $c0) (i32.const 8)) (local.get $acc))
          (call $finish (local.get $s03) (local.get $a0) (local.get $b3) (local.get $k) (local.get $end) (i32.add (local.get $c0) (i32.const 12)) (local.get $acc))
          (call $finish (local.get $s10) (local.get $a1) (local.get $b0) (local.get $k) (local.get $end) (local.get $c1) (local.get $acc))
          (call $finish (local.get $s11) (local.get $a1) (local.get $b1) (local.get $k) (local.get $end) (i32.add (local.get $c1) (i32.const 4)) (local.get $acc))
          (call $finish (local.get $s12) (local.get $a1) (local.get $b2) (local.get $k) (local.get $end) (i32.add (local.get $c1) (i32.const 8)) (local.get $acc))
          (call $finish (local.get $s13) (local.get $a1) (local.get $b3) (local.get $k) (local.get $end) (i32.add (local.get $c1) (i32.const 12)) (local.get $acc))
          (local.set $i (i32.add (local.get $i) (i32.const 2)))
          (br $pairs)))
        ;; A band of odd height: its last row against the four B rows, one element at a time.
        (if (i32.lt_u (local.get $i) (local.get $iEnd)) (then
          (local.set $a0 (i32.add (local.get $A) (i32.mul (local.get $i) (local.get $lda))))
          (local.set $c0 (i32.add (i32.add (local.get $C) (i32.mul (local.get $i) (local.get $ldc))) (i32.shl (local.get $j) (i32.const 2))))
          (call $dot (local.get $a0) (local.get $b0) (local.get $quadBytes) (local.get $end) (local.get $c0) (local.get $acc))
          (call $dot (local.get $a0) (local.get $b1) (local.get $quadBytes) (local.get $end) (i32.add (local.get $c0) (i32.const 4)) (local.get $acc))
          (call $dot (local.get $a0) (local.get $b2) (local.get $quadBytes) (local.get $end) (i32.add (local.get $c0) (i32.const 8)) (local.get $acc))
          (call $dot (local.get $a0) (local.get $b3) (local.get $quadBytes) (local.get $end) (i32.add (local.get $c0) (i32.const 12)) (local.get $acc))))
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
          (local.get $quadBytes) (local.get $end)
          (i32.add (i32.add (local.get $C) (i32.mul (local.get $i) (local.get $ldc))) (i32.shl (local.get $j) (i32.const 2)))
          (local.get $acc))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $rest))))

  ;; dst (cols, rows) ← srcᵀ, src (rows, cols); leading dimensions lds, ldd. As gemm.wat's: bands of 8
  ;; columns, four source rows at a time.
  (func (export "transpose") (param $src i32) (param $lds i32) (param $dst i32) (param $ldd i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $s i32) (local $d i32) (local $j0 i32) (local $jEnd i32)
    (local.set $src (i32.shl (local.get $src) (i32.const 2)))
    (local.set $dst (i32.shl (local.get $dst) (i32.const 2)))
    (local.set $lds (i32.shl (local.get $lds) (i32.const 2)))
    (local.set $ldd (i32.shl (local.get $ldd) (i32.const 2)))
    (block $bandsDone (loop $bands
      (br_if $bandsDone (i32.ge_u (local.get $j0) (local.get $cols)))
      (local.set $jEnd (i32.add (local.get $j0) (i32.const 8)))
      (if (i32.gt_u (local.get $jEnd) (local.get $cols)) (then (local.set $jEnd (local.get $cols))))
      (local.set $i (i32.const 0))
      (block $quadsDone (loop $quads
        (br_if $quadsDone (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $rows)))
        (local.set $s (i32.add (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $lds))) (i32.shl (local.get $j0) (i32.const 2))))
        (local.set $d (i32.add (i32.add (local.get $dst) (i32.mul (local.get $j0) (local.get $ldd))) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $j (local.get $j0))
        (block $colsDone (loop $cols
          (br_if $colsDone (i32.ge_u (local.get $j) (local.get $jEnd)))
          (f32.store offset=0 (local.get $d) (f32.load (local.get $s)))
          (f32.store offset=4 (local.get $d) (f32.load (i32.add (local.get $s) (local.get $lds))))
          (f32.store offset=8 (local.get $d) (f32.load (i32.add (local.get $s) (i32.shl (local.get $lds) (i32.const 1)))))
          (f32.store offset=12 (local.get $d) (f32.load (i32.add (local.get $s) (i32.mul (local.get $lds) (i32.const 3)))))
          (local.set $s (i32.add (local.get $s) (i32.const 4)))
          (local.set $d (i32.add (local.get $d) (local.get $ldd)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $quads)))
      (block $restDone (loop $rest
        (br_if $restDone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $s (i32.add (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $lds))) (i32.shl (local.get $j0) (i32.const 2))))
        (local.set $d (i32.add (i32.add (local.get $dst) (i32.mul (local.get $j0) (local.get $ldd))) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $j (local.get $j0))
        (block $colsDone (loop $cols
          (br_if $colsDone (i32.ge_u (local.get $j) (local.get $jEnd)))
          (f32.store (local.get $d) (f32.load (local.get $s)))
          (local.set $s (i32.add (local.get $s) (i32.const 4)))
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
    (local $m i32) (local $k i32) (local $row i32) (local $bytes i32) (local $quadBytes i32)
    (local.set $src (i32.shl (local.get $src) (i32.const 2)))
    (local.set $idx (i32.shl (local.get $idx) (i32.const 2)))
    (local.set $bias (i32.shl (local.get $bias) (i32.const 2)))
    (local.set $dst (i32.shl (local.get $dst) (i32.const 2)))
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $quadBytes (i32.and (local.get $bytes) (i32.const -16)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $m) (local.get $count)))
      (local.set $row (i32.add (local.get $src) (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $m) (i32.const 2)))) (local.get $bytes))))
      (local.set $k (i32.const 0))
      (block $pairsDone (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $k) (local.get $quadBytes)))
        (v128.store (i32.add (local.get $dst) (local.get $k))
          (f32x4.add (v128.load (i32.add (local.get $row) (local.get $k))) (v128.load (i32.add (local.get $bias) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $pairs)))
      (block $tailDone (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $k) (local.get $bytes)))
        (f32.store (i32.add (local.get $dst) (local.get $k))
          (f32.add (f32.load (i32.add (local.get $row) (local.get $k))) (f32.load (i32.add (local.get $bias) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $tail)))
      (local.set $dst (i32.add (local.get $dst) (local.get $bytes)))
      (local.set $m (i32.add (local.get $m) (i32.const 1)))
      (br $rows))))

  ;; dst row idx[m] += src row m for m = 0, 1, …, count − 1 in turn (rows of n, contiguous): the input
  ;; projection's gradient, one-hot characters' columns of dW_ih summed in position order.
  (func (export "scatterAddRows") (param $src i32) (param $idx i32) (param $count i32) (param $dst i32) (param $n i32)
    (local $m i32) (local $k i32) (local $row i32) (local $bytes i32) (local $quadBytes i32)
    (local.set $src (i32.shl (local.get $src) (i32.const 2)))
    (local.set $idx (i32.shl (local.get $idx) (i32.const 2)))
    (local.set $dst (i32.shl (local.get $dst) (i32.const 2)))
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $quadBytes (i32.and (local.get $bytes) (i32.const -16)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $m) (local.get $count)))
      (local.set $row (i32.add (local.get $dst) (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $m) (i32.const 2)))) (local.get $bytes))))
      (local.set $k (i32.const 0))
      (block $pairsDone (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $k) (local.get $quadBytes)))
        (v128.store (i32.add (local.get $row) (local.get $k))
          (f32x4.add (v128.load (i32.add (local.get $row) (local.get $k))) (v128.load (i32.add (local.get $src) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $pairs)))
      (block $tailDone (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $k) (local.get $bytes)))
        (f32.store (i32.add (local.get $row) (local.get $k))
          (f32.add (f32.load (i32.add (local.get $row) (local.get $k))) (f32.load (i32.add (local.get $src) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $tail)))
      (local.set $src (i32.add (local.get $src) (local.get $bytes)))
      (local.set $m (i32.add (local.get $m) (i32.const 1)))
      (br $rows))))

  ;; dst (n) ← Σ_m src row m, m = 0 … rows − 1 in turn (rows of n, contiguous): bias gradients.
  (func (export "sumRows") (param $src i32) (param $rows i32) (param $dst i32) (param $n i32)
    (local $m i32) (local $k i32) (local $bytes i32) (local $quadBytes i32) (local $row i32)
    (local.set $src (i32.shl (local.get $src) (i32.const 2)))
    (local.set $dst (i32.shl (local.get $dst) (i32.const 2)))
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $quadBytes (i32.and (local.get $bytes) (i32.const -16)))
    (memory.fill (local.get $dst) (i32.const 0) (local.get $bytes))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $m) (local.get $rows)))
      (local.set $row (i32.add (local.get $src) (i32.mul (local.get $m) (local.get $bytes))))
      (local.set $k (i32.const 0))
      (block $pairsDone (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $k) (local.get $quadBytes)))
        (v128.store (i32.add (local.get $dst) (local.get $k))
          (f32x4.add (v128.load (i32.add (local.get $dst) (local.get $k))) (v128.load (i32.add (local.get $row) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $pairs)))
      (block $tailDone (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $k) (local.get $bytes)))
        (f32.store (i32.add (local.get $dst) (local.get $k))
          (f32.add (f32.load (i32.add (local.get $dst) (local.get $k))) (f32.load (i32.add (local.get $row) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $tail)))
      (local.set $m (i32.add (local.get $m) (i32.const 1)))
      (br $rows)))))
