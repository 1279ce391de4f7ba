;; e^x on both lanes of an f64x2: a snippet of functions, not a module. scripts/build-wasm.mjs splices
;; it into any module whose text has the line `;; @include ../../math/wasm/exp.wat` (the path relative
;; to that module's file). It needs nothing else from the module: no memory, no globals, no imports.
;;
;; $exp2 is src/math/elementary.ts's exp (fdlibm's) operation for operation, so its lanes hold the same
;; bits as exp() in JavaScript; test/math/elementary.test.ts checks that on millions of arguments.
;; fdlibm's branches become lane selects: every variant is computed and the right one kept per lane.
;; Two differences of form, not of value: (x·c)/(c − 2) is computed as −((x·c)/(2 − c)), which is the
;; same double (negation is exact), so one division serves both branches; and y·2^k is computed as
;; y·2^(k>>1)·2^(k − (k>>1)), exact until the last product, which rounds once as fdlibm's exponent edit
;; or its ·2^−1000 does.

  ;; e^x per lane.
  (func $exp2 (param $x v128) (result v128)
    (local $ax v128) (local $neg v128) (local $k v128) (local $hi v128) (local $lo v128) (local $r v128)
    (local $t v128) (local $c v128) (local $q v128) (local $ki v128) (local $k1 v128) (local $y v128)
    (local.set $ax (v128.and (local.get $x) (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff)))
    (local.set $neg (i64x2.lt_s (local.get $x) (v128.const i64x2 0 0))) ;; the sign bit
    ;; x = k·ln2 + r: k = 0 up to ½ln2 (high word 0x3fd62e42), ±1 below 1.5ln2 (0x3ff0a2b2), else
    ;; (int)(x/ln2 ± ½)
    (local.set $k (f64x2.trunc (f64x2.add
      (f64x2.mul (local.get $x) (v128.const f64x2 1.44269504088896338700e+00 1.44269504088896338700e+00))
      (v128.bitselect (v128.const f64x2 -0.5 -0.5) (v128.const f64x2 0.5 0.5) (local.get $neg)))))
    (local.set $k (v128.bitselect (local.get $k)
      (v128.bitselect (v128.const f64x2 -1 -1) (v128.const f64x2 1 1) (local.get $neg))
      (i64x2.ge_s (local.get $ax) (v128.const i64x2 0x3ff0a2b200000000 0x3ff0a2b200000000))))
    (local.set $k (v128.and (local.get $k)
      (i64x2.ge_s (local.get $ax) (v128.const i64x2 0x3fd62e4300000000 0x3fd62e4300000000))))
    ;; r = hi − lo (k = 0: hi = x, lo = 0, r = x)
    (local.set $hi (f64x2.sub (local.get $x)
      (f64x2.mul (local.get $k) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01)))) ;; ln2_hi
    (local.set $lo (f64x2.mul (local.get $k) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))) ;; ln2_lo
    (local.set $r (f64x2.sub (local.get $hi) (local.get $lo)))
    ;; c = r − t·(P1 + t·(P2 + t·(P3 + t·(P4 + t·P5)))), t = r²; q = r·c/(2 − c)
    (local.set $t (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $c (f64x2.sub (local.get $r) (f64x2.mul (local.get $t)
      (f64x2.add (v128.const f64x2 1.66666666666666019037e-01 1.66666666666666019037e-01) (f64x2.mul (local.get $t)
      (f64x2.add (v128.const f64x2 -2.77777777770155933842e-03 -2.77777777770155933842e-03) (f64x2.mul (local.get $t)
      (f64x2.add (v128.const f64x2 6.61375632143793436117e-05 6.61375632143793436117e-05) (f64x2.mul (local.get $t)
      (f64x2.add (v128.const f64x2 -1.65339022054652515390e-06 -1.65339022054652515390e-06) (f64x2.mul (local.get $t)
        (v128.const f64x2 4.13813679705723846039e-08 4.13813679705723846039e-08))))))))))))
    (local.set $q (f64x2.div (f64x2.mul (local.get $r) (local.get $c))
      (f64x2.sub (v128.const f64x2 2 2) (local.get $c))))
    ;; k ≠ 0: y = 1 − ((lo − q) − hi), times 2^k in two exact halves (k as an integer: k + 1.5·2^52
    ;; holds it in its low bits)
    (local.set $y (f64x2.sub (v128.const f64x2 1 1)
      (f64x2.sub (f64x2.sub (local.get $lo) (local.get $q)) (local.get $hi))))
    (local.set $ki (i64x2.sub (f64x2.add (local.get $k) (v128.const f64x2 6755399441055744 6755399441055744))
      (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $k1 (i64x2.shr_s (local.get $ki) (i32.const 1)))
    (local.set $y (f64x2.mul (f64x2.mul (local.get $y)
        (i64x2.shl (i64x2.add (local.get $k1) (v128.const i64x2 1023 1023)) (i32.const 52)))
      (i64x2.shl (i64x2.add (i64x2.sub (local.get $ki) (local.get $k1)) (v128.const i64x2 1023 1023)) (i32.const 52))))
    ;; k = 0: 1 − (−q − x)
    (local.set $y (v128.bitselect
      (f64x2.sub (v128.const f64x2 1 1) (f64x2.sub (f64x2.neg (local.get $q)) (local.get $r)))
      (local.get $y) (i64x2.eq (local.get $ki) (v128.const i64x2 0 0))))
    ;; |x| < 2^−28: 1 + x; e itself at x = 1 (correctly rounded, as V8 has it; the polynomial gives
    ;; 1 ulp more); overflow to ∞ above 709.78…, 0 below −745.13…; NaN stays NaN
    (local.set $y (v128.bitselect (f64x2.add (v128.const f64x2 1 1) (local.get $x)) (local.get $y)
      (i64x2.lt_s (local.get $ax) (v128.const i64x2 0x3e30000000000000 0x3e30000000000000))))
    (local.set $y (v128.bitselect (v128.const f64x2 2.718281828459045 2.718281828459045) (local.get $y)
      (f64x2.eq (local.get $x) (v128.const f64x2 1 1))))
    (local.set $y (v128.bitselect (v128.const f64x2 inf inf) (local.get $y)
      (f64x2.gt (local.get $x) (v128.const f64x2 7.09782712893383973096e+02 7.09782712893383973096e+02))))
    (local.set $y (v128.and (local.get $y)
      (f64x2.ge (local.get $x) (v128.const f64x2 -7.45133219101941108420e+02 -7.45133219101941108420e+02)))) ;; NaN → 0 here
    (v128.bitselect (local.get $x) (local.get $y) (f64x2.ne (local.get $x) (local.get $x))))

  ;; f[p..p+n) ← e^f[p..p+n) in place; p a byte address (8-byte aligned), n a count. Writes nothing past
  ;; the n elements: an odd last one is done alone.
  (func $expInPlace (param $p i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done (loop $pairs
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (v128.store (local.get $p) (call $exp2 (v128.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $pairs)))
    (if (i32.and (local.get $n) (i32.const 1)) (then
      (f64.store (local.get $end) (f64x2.extract_lane 0 (call $exp2 (v128.load64_splat (local.get $end))))))))
