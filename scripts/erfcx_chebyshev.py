"""Regenerates the Chebyshev coefficients of perfcx in native/kernels/portable_math.h.

(x + 3) erfcx(x), with erfcx(x) = exp(x^2) erfc(x), as a function of t = (x - 3) / (x + 3) on
[-1, 1] (x in [0, inf)), interpolated at 96 Chebyshev nodes at 50 significant digits; the
coefficients are printed as float64 until every later one is below 3e-19.
Needs mpmath (pip install mpmath); not part of the build.
"""
import mpmath as mp

mp.mp.dps = 50
K = mp.mpf(3)
NODES = 96


def f(t):
    if t == 1:
        return 1 / mp.sqrt(mp.pi)
    x = K * (1 + t) / (1 - t)
    return mp.exp(x * x) * mp.erfc(x) * (x + K)


ts = [mp.cos(mp.pi * (j + mp.mpf(1) / 2) / NODES) for j in range(NODES)]
fs = [f(t) for t in ts]
cs = [2 * mp.fsum(fs[j] * mp.cos(mp.pi * k * (j + mp.mpf(1) / 2) / NODES) for j in range(NODES)) / NODES for k in range(NODES)]
cs[0] /= 2  # perfcx adds c0 once (Clenshaw with the halved first coefficient)
n = next(k for k in range(NODES) if all(abs(c) < 3e-19 for c in cs[k:]))
print(",\n".join(repr(float(c)) for c in cs[:n]))
