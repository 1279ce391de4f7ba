#!/usr/bin/env python3
"""Writes test/fixtures/elementary-reference.json: exp, log, tanh, cos and sin of dense sweeps of
doubles, computed with Python's decimal module at 100+ significant digits, for
test/math/elementary.test.ts to check src/math/elementary.ts against (within 1 ulp). Standard library
only. Run from the project root: python3 scripts/elementary-reference.py

Each sweep's inputs are not stored: they are made by the same IEEE double expressions here and in the
test (see sweeps() and its copy in the test). For each input the file holds the true value rounded to
the nearest double (`nearest`) and how far the true value lies from it, in units of the spacing of
doubles above |nearest| (`offset`, rounded to 1e-4): true = nearest + offset * ulp(nearest).
"""
import json
import math
import struct
from decimal import Decimal, getcontext, localcontext

getcontext().prec = 120


def from_bits(b):
    return struct.unpack('<d', struct.pack('<Q', b))[0]


def sweep(lo, width, n):
    """lo + width * (i / (n - 1)) for i < n, in doubles (the test computes the same expression)."""
    return [lo + width * (i / (n - 1)) for i in range(n)]


def sweeps():
    stride = 0x7FEFFFFFFFFFFFFF // 1499
    return {
        'exp': sweep(-745.1, 1454.8, 2000) + sweep(-2.0, 4.0, 1000) + [(i - 250) * 7.3e-11 for i in range(501)],
        'log': [from_bits(1 + i * stride) for i in range(1500)] + sweep(0.25, 3.75, 1500)
        + [1 + (i - 500) * 9.094947017729282e-13 for i in range(1001)],
        'tanh': sweep(-23.0, 46.0, 1500) + sweep(-1.5, 3.0, 1000),
        'cos': sweep(0.0, 6.283185307179586, 1500) + sweep(-1647099.0, 3294198.0, 500),
        'sin': sweep(0.0, 6.283185307179586, 1500) + sweep(-1647099.0, 3294198.0, 500),
    }


def arctan_inverse(n):
    """atan(1/n) by its series, at the context's precision."""
    x = Decimal(1) / n
    x2 = x * x
    term, total, k = x, x, 1
    while True:
        term = -term * x2
        k += 2
        step = term / k
        if total + step == total:
            return total
        total += step


with localcontext() as ctx:
    ctx.prec = 140
    PI = 16 * arctan_inverse(5) - 4 * arctan_inverse(239)  # Machin's formula


def taylor_cos_sin(r):
    """(cos r, sin r) for |r| ≤ π/4 by their series."""
    r2 = r * r
    c, s = Decimal(1), r
    tc, ts, k = Decimal(1), r, 0
    while True:
        k += 2
        tc = -tc * r2 / ((k - 1) * k)
        ts = -ts * r2 / (k * (k + 1))
        if c + tc == c and s + ts == s:
            return c, s
        c += tc
        s += ts


def cos_sin(x):
    half_pi = PI / 2
    n = int((x / half_pi).to_integral_value())
    c, s = taylor_cos_sin(x - n * half_pi)
    return [(c, s), (-s, c), (-c, -s), (s, -c)][n % 4]


def tanh(x):
    if x == 0:
        return Decimal(0)
    e = (2 * abs(x)).exp()
    t = (e - 1) / (e + 1)
    return t if x > 0 else -t


REFERENCE = {
    'exp': lambda x: x.exp(),
    'log': lambda x: x.ln(),
    'tanh': tanh,
    'cos': lambda x: cos_sin(x)[0],
    'sin': lambda x: cos_sin(x)[1],
}


def nearest_and_offset(true):
    nearest = float(true)  # correctly rounded (decimal → float rounds to nearest)
    ulp = math.ulp(nearest)
    offset = float(round((true - Decimal(nearest)) / Decimal(ulp), 4))
    return nearest, offset + 0.0  # no −0 in the file


out = {
    'about': 'exp, log, tanh, cos, sin of the sweeps in scripts/elementary-reference.py, at 120 digits with '
    'Python\'s decimal: per input the nearest double and the true value\'s offset from it in ulps '
    '(true = nearest + offset * ulp(nearest)). Made by scripts/elementary-reference.py.',
}
for name, xs in sweeps().items():
    f = REFERENCE[name]
    pairs = [nearest_and_offset(f(Decimal(x))) for x in xs]
    out[name] = {'count': len(xs), 'nearest': [p[0] for p in pairs], 'offset': [p[1] for p in pairs]}

with open('test/fixtures/elementary-reference.json', 'w') as fh:
    fh.write('{\n')
    items = list(out.items())
    for i, (k, v) in enumerate(items):
        fh.write(f'  {json.dumps(k)}: {json.dumps(v, separators=(",", ":"))}{"," if i < len(items) - 1 else ""}\n')
    fh.write('}\n')
print('wrote test/fixtures/elementary-reference.json:', ', '.join(f'{k} {v["count"]}' for k, v in items[1:]))
