;; The wasm kernel's softmax and loss, 128-bit SIMD (f64x2): each row of logits the forward pass left
;; in ps becomes softmax probabilities in place, and the window's loss Σ_t −ln p_t[targets_t] is
;; returned. exp and log are the snippets in src/math/wasm/ (spliced in at build time), the same bits
;; as src/math/elementary.ts's exp and log, so this module gives the numbers the JavaScript softmax in
;; src/model/rnn/classic/reference.ts gives: same operations, same order (the row's sum and the loss are summed in
;; order, one element at a time; only the elementwise work is in pairs). Its own module, so each of the
;; kernel's modules stays under the 4 kB Chrome compiles synchronously on a browser's main thread.
;; Dimension key: V = vocabSize, T = window length.
(module
  (import "env" "memory" (memory 1))

  (global $V (mut i32) (i32.const 0))
  (global $ps (mut i32) (i32.const 0)) ;; (T, V) logits in, softmax outputs out
  (global $targets (mut i32) (i32.const 0)) ;; (T) i32
  (global $scratch (mut i32) (i32.const 0)) ;; (T + 1): each step's p_t[targets_t], then its log

  ;; Reads its part of the table wasmKernel.ts writes (see forward.wat's init): V, ps, targets and the
  ;; loss scratch (field 25).
  (func (export "init") (param $d i32)
    (local.set $d (i32.shl (local.get $d) (i32.const 2)))
    (global.set $V (i32.load offset=4 (local.get $d)))
    (global.set $ps (i32.shl (i32.load offset=52 (local.get $d)) (i32.const 3)))
    (global.set $targets (i32.shl (i32.load offset=68 (local.get $d)) (i32.const 2)))
    (global.set $scratch (i32.shl (i32.load offset=100 (local.get $d)) (i32.const 3))))

  ;; @include ../../math/wasm/exp.wat
  ;; @include ../../math/wasm/log.wat

  ;; The row of V logits at byte address p ← exp(x − max) / Σ exp(x − max), in place.
  (func $softmaxRow (param $p i32)
    (local $end i32) (local $pairsEnd i32) (local $q i32) (local $max f64) (local $sum f64) (local $m v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (global.get $V) (i32.const 3))))
    (local.set $pairsEnd (i32.add (local.get $p) (i32.shl (i32.and (global.get $V) (i32.const -2)) (i32.const 3))))
    (local.set $max (f64.const -inf))
    (local.set $q (local.get $p))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
      (if (f64.gt (f64.load (local.get $q)) (local.get $max)) (then (local.set $max (f64.load (local.get $q)))))
      (local.set $q (i32.add (local.get $q) (i32.const 8)))
      (br $each)))
    ;; x − max, in pairs
    (local.set $m (f64x2.splat (local.get $max)))
    (local.set $q (local.get $p))
    (block $done (loop $pairs
      (br_if $done (i32.ge_u (local.get $q) (local.get $pairsEnd)))
      (v128.store (local.get $q) (f64x2.sub (v128.load (local.get $q)) (local.get $m)))
      (local.set $q (i32.add (local.get $q) (i32.const 16)))
      (br $pairs)))
    (if (i32.lt_u (local.get $q) (local.get $end)) (then
      (f64.store (local.get $q) (f64.sub (f64.load (local.get $q)) (local.get $max)))))
    (call $expInPlace (local.get $p) (global.get $V))
    ;; Σ in order, as the reference sums
    (local.set $sum (f64.const 0))
    (local.set $q (local.get $p))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
      (local.set $sum (f64.add (local.get $sum) (f64.load (local.get $q))))
      (local.set $q (i32.add (local.get $q) (i32.const 8)))
      (br $each)))
    ;; ÷ Σ, in pairs
    (local.set $m (f64x2.splat (local.get $sum)))
    (local.set $q (local.get $p))
    (block $done (loop $pairs
      (br_if $done (i32.ge_u (local.get $q) (local.get $pairsEnd)))
      (v128.store (local.get $q) (f64x2.div (v128.load (local.get $q)) (local.get $m)))
      (local.set $q (i32.add (local.get $q) (i32.const 16)))
      (br $pairs)))
    (if (i32.lt_u (local.get $q) (local.get $end)) (then
      (f64.store (local.get $q) (f64.div (f64.load (local.get $q)) (local.get $sum))))))

  ;; Rows 0..T−1 of ps ← their softmax; returns Σ_t −ln p_t[targets_t], summed from t = 0 up.
  (func (export "softmaxLoss") (param $T i32) (result f64)
    (local $t i32) (local $row i32) (local $Vb i32) (local $loss f64)
    (local.set $Vb (i32.shl (global.get $V) (i32.const 3)))
    (local.set $row (global.get $ps))
    (local.set $t (i32.const 0))
    (block $done (loop $steps
      (br_if $done (i32.ge_u (local.get $t) (local.get $T)))
      (call $softmaxRow (local.get $row))
      (f64.store (i32.add (global.get $scratch) (i32.shl (local.get $t) (i32.const 3)))
        (f64.load (i32.add (local.get $row)
          (i32.shl (i32.load (i32.add (global.get $targets) (i32.shl (local.get $t) (i32.const 2)))) (i32.const 3)))))
      (local.set $row (i32.add (local.get $row) (local.get $Vb)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $steps)))
    (call $logInPlace (global.get $scratch) (local.get $T))
    (local.set $loss (f64.const 0))
    (local.set $t (i32.const 0))
    (block $done (loop $steps
      (br_if $done (i32.ge_u (local.get $t) (local.get $T)))
      (local.set $loss (f64.add (local.get $loss)
        (f64.neg (f64.load (i32.add (global.get $scratch) (i32.shl (local.get $t) (i32.const 3)))))))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $steps)))
    (local.get $loss))

  ;; For tests: f[p..p+n) ← exp or ln of themselves in place (element offset, count), the snippets as
  ;; the softmax runs them.
  (func (export "expInPlace") (param $p i32) (param $n i32)
    (call $expInPlace (i32.shl (local.get $p) (i32.const 3)) (local.get $n)))
  (func (export "logInPlace") (param $p i32) (param $n i32)
    (call $logInPlace (i32.shl (local.get $p) (i32.const 3)) (local.get $n))))
