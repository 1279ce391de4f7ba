;; The natural logarithm on both lanes of an f64x2: a snippet of functions, not a module, spliced by
;; scripts/build-wasm.mjs where a module has the line `;; @include ../../math/wasm/log.wat`. Needs no
;; memory, globals or imports.
;;
;; $log2 is src/math/elementary.ts's log (fdlibm's) operation for operation, so its lanes hold the same
;; bits as log() in JavaScript (test/math/elementary.test.ts checks it). fdlibm's branches become lane
;; selects; k, an integer there, is kept in i64 lanes and made a double by the 1.5·2^52 trick (exact
;; for |k| < 2^51).

  ;; ln x per lane: −∞ at ±0, NaN below 0, +∞ at +∞.
  (func $log2 (param $x v128) (result v128)
    (local $sub v128) (local $xs v128) (local $hx v128) (local $k v128) (local $i v128) (local $f v128)
    (local $dk v128) (local $kz v128) (local $R v128) (local $small v128) (local $s v128) (local $z v128)
    (local $w v128) (local $hfsq v128) (local $a v128) (local $b v128)
    ;; subnormal x: scaled into the normal range by 2^54, k starting at −54
    (local.set $sub (v128.and (f64x2.gt (local.get $x) (v128.const f64x2 0 0))
      (f64x2.lt (local.get $x) (v128.const f64x2 2.2250738585072014e-308 2.2250738585072014e-308))))
    (local.set $xs (v128.bitselect (f64x2.mul (local.get $x) (v128.const f64x2 18014398509481984 18014398509481984))
      (local.get $x) (local.get $sub)))
    ;; x = 2^k·m, m in [√2/2, √2): the exponent from the high word, the fraction normalised to m
    (local.set $hx (i64x2.shr_u (local.get $xs) (i32.const 32)))
    (local.set $k (i64x2.add (i64x2.sub (i64x2.shr_u (local.get $hx) (i32.const 20)) (v128.const i64x2 1023 1023))
      (v128.and (local.get $sub) (v128.const i64x2 -54 -54))))
    (local.set $hx (v128.and (local.get $hx) (v128.const i64x2 0xfffff 0xfffff)))
    (local.set $i (v128.and (i64x2.add (local.get $hx) (v128.const i64x2 0x95f64 0x95f64)) (v128.const i64x2 0x100000 0x100000)))
    (local.set $f (f64x2.sub
      (v128.or (i64x2.shl (v128.or (local.get $hx) (v128.xor (local.get $i) (v128.const i64x2 0x3ff00000 0x3ff00000))) (i32.const 32))
        (v128.and (local.get $xs) (v128.const i64x2 0xffffffff 0xffffffff)))
      (v128.const f64x2 1 1)))
    (local.set $k (i64x2.add (local.get $k) (i64x2.shr_u (local.get $i) (i32.const 20))))
    (local.set $dk (f64x2.sub (i64x2.add (local.get $k) (v128.const f64x2 6755399441055744 6755399441055744))
      (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $kz (i64x2.eq (local.get $k) (v128.const i64x2 0 0)))
    ;; |f| < 2^−20: f − R or dk·ln2_hi − ((R − dk·ln2_lo) − f), R = f²·(½ − f/3); f = 0 exactly: 0 or dk·ln2
    (local.set $R (f64x2.mul (f64x2.mul (local.get $f) (local.get $f))
      (f64x2.sub (v128.const f64x2 0.5 0.5) (f64x2.mul (v128.const f64x2 0.33333333333333333 0.33333333333333333) (local.get $f)))))
    (local.set $small (v128.bitselect (f64x2.sub (local.get $f) (local.get $R))
      (f64x2.sub (f64x2.mul (local.get $dk) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))
        (f64x2.sub (f64x2.sub (local.get $R)
          (f64x2.mul (local.get $dk) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))) (local.get $f)))
      (local.get $kz)))
    (local.set $small (v128.bitselect
      (v128.andnot
        (f64x2.add (f64x2.mul (local.get $dk) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))
          (f64x2.mul (local.get $dk) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10)))
        (local.get $kz)) ;; k = 0: +0
      (local.get $small) (f64x2.eq (local.get $f) (v128.const f64x2 0 0))))
    ;; otherwise s = f/(2 + f) and R = t2 + t1, the polynomial in s² split in even and odd terms
    (local.set $s (f64x2.div (local.get $f) (f64x2.add (v128.const f64x2 2 2) (local.get $f))))
    (local.set $z (f64x2.mul (local.get $s) (local.get $s)))
    (local.set $w (f64x2.mul (local.get $z) (local.get $z)))
    (local.set $R (f64x2.add
      (f64x2.mul (local.get $z) ;; t2 = z·(Lg1 + w·(Lg3 + w·(Lg5 + w·Lg7)))
        (f64x2.add (v128.const f64x2 6.666666666666735130e-01 6.666666666666735130e-01) (f64x2.mul (local.get $w)
        (f64x2.add (v128.const f64x2 2.857142874366239149e-01 2.857142874366239149e-01) (f64x2.mul (local.get $w)
        (f64x2.add (v128.const f64x2 1.818357216161805012e-01 1.818357216161805012e-01) (f64x2.mul (local.get $w)
          (v128.const f64x2 1.479819860511658591e-01 1.479819860511658591e-01))))))))
      (f64x2.mul (local.get $w) ;; t1 = w·(Lg2 + w·(Lg4 + w·Lg6))
        (f64x2.add (v128.const f64x2 3.999999999940941908e-01 3.999999999940941908e-01) (f64x2.mul (local.get $w)
        (f64x2.add (v128.const f64x2 2.222219843214978396e-01 2.222219843214978396e-01) (f64x2.mul (local.get $w)
          (v128.const f64x2 1.531383769920937332e-01 1.531383769920937332e-01))))))))
    ;; m's fraction in (0x6147a, 0x6b851): with hfsq = ½f·f,
    ;;   f − (hfsq − s·(hfsq + R))  or  dk·ln2_hi − ((hfsq − (s·(hfsq + R) + dk·ln2_lo)) − f)
    (local.set $hfsq (f64x2.mul (f64x2.mul (v128.const f64x2 0.5 0.5) (local.get $f)) (local.get $f)))
    (local.set $a (v128.bitselect
      (f64x2.sub (local.get $f) (f64x2.sub (local.get $hfsq) (f64x2.mul (local.get $s) (f64x2.add (local.get $hfsq) (local.get $R)))))
      (f64x2.sub (f64x2.mul (local.get $dk) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))
        (f64x2.sub (f64x2.sub (local.get $hfsq)
          (f64x2.add (f64x2.mul (local.get $s) (f64x2.add (local.get $hfsq) (local.get $R)))
            (f64x2.mul (local.get $dk) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))))
          (local.get $f)))
      (local.get $kz)))
    ;; else f − s·(f − R)  or  dk·ln2_hi − ((s·(f − R) − dk·ln2_lo) − f)
    (local.set $b (v128.bitselect
      (f64x2.sub (local.get $f) (f64x2.mul (local.get $s) (f64x2.sub (local.get $f) (local.get $R))))
      (f64x2.sub (f64x2.mul (local.get $dk) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))
        (f64x2.sub (f64x2.sub (f64x2.mul (local.get $s) (f64x2.sub (local.get $f) (local.get $R)))
          (f64x2.mul (local.get $dk) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10)))
          (local.get $f)))
      (local.get $kz)))
    (local.set $a (v128.bitselect (local.get $a) (local.get $b)
      (i64x2.gt_s (v128.or (i64x2.sub (local.get $hx) (v128.const i64x2 0x6147a 0x6147a))
        (i64x2.sub (v128.const i64x2 0x6b851 0x6b851) (local.get $hx))) (v128.const i64x2 0 0))))
    (local.set $a (v128.bitselect (local.get $small) (local.get $a)
      (i64x2.lt_s (v128.and (i64x2.add (local.get $hx) (v128.const i64x2 2 2)) (v128.const i64x2 0xfffff 0xfffff))
        (v128.const i64x2 3 3))))
    ;; the special values: −∞ at ±0, NaN below 0 (and for NaN), +∞ at +∞
    (local.set $a (v128.bitselect (v128.const f64x2 -inf -inf) (local.get $a) (f64x2.eq (local.get $x) (v128.const f64x2 0 0))))
    (local.set $a (v128.bitselect (v128.const f64x2 nan nan) (local.get $a)
      (v128.or (f64x2.lt (local.get $x) (v128.const f64x2 0 0)) (f64x2.ne (local.get $x) (local.get $x)))))
    (v128.bitselect (local.get $x) (local.get $a) (f64x2.eq (local.get $x) (v128.const f64x2 inf inf))))

  ;; f[p..p+n) ← ln f[p..p+n) in place; p a byte address (8-byte aligned), n a count. Writes nothing past
  ;; the n elements.
  (func $logInPlace (param $p i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done (loop $pairs
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (v128.store (local.get $p) (call $log2 (v128.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $pairs)))
    (if (i32.and (local.get $n) (i32.const 1)) (then
      (f64.store (local.get $end) (f64x2.extract_lane 0 (call $log2 (v128.load64_splat (local.get $end))))))))
