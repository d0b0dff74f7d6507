// Double-precision special functions that give the same bits on every device.
//
// The host libm and CUDA's libdevice round log, sin, erf, ... differently in the last place,
// so random draws built on them would differ between CPU and GPU. These functions use only
// operations IEEE 754 rounds correctly everywhere (+ - * /, sqrt, fma, floor, frexp, ldexp),
// and spell every multiply-add as an explicit fma: the file that includes this header must be
// compiled without floating-point contraction (-ffp-contract=off for the host compiler,
// --fmad=false for nvcc), so that no other product and sum is fused differently per device.
// Accuracy: about 1-2 ulp for pexp, plog, psincos_2pi, perf, perfc, perfcx; perfinv and
// normal_quantile are refined by Newton steps to a few ulp (see test/random/erfinv.test.ts).
#pragma once
#include "scalar_math.h"

namespace dv::prng {

constexpr double kLn2Hi = 0x1.62e42fefa39efp-1;  // ln 2 = kLn2Hi + kLn2Lo
constexpr double kLn2Lo = 0x1.abc9e3b39803fp-56;
constexpr double kInvLn2 = 1.4426950408889634;
constexpr double kPiOver2 = 1.5707963267948966;
constexpr double kTwoOverSqrtPi = 1.1283791670955126;
constexpr double kSqrtPiOver2 = 0.886226925452758;
constexpr double kInvSqrtPi = 0.5641895835477563;
constexpr double kSqrtPi = 1.772453850905516;
constexpr double kSqrt2 = 1.4142135623730951;
constexpr double kInvSqrt2 = 0.7071067811865476;
constexpr double kPi = 3.141592653589793;

// e^x: x = k ln2 + r with |r| <= ln2/2 (Cody-Waite with fma), Taylor series of degree 14
// (truncation < 1e-19), then scaled by 2^k.
DV_HD double pexp(double x) {
  if (x != x) return x;
  if (x > 709.8) return INFINITY;
  if (x < -745.2) return 0.0;
  const double k = floor(fma(x, kInvLn2, 0.5));
  double r = fma(-k, kLn2Hi, x);
  r = fma(-k, kLn2Lo, r);
  // 1/n! for n = 14 .. 0
  const double c[15] = {1.1470745597729725e-11, 1.6059043836821613e-10, 2.08767569878681e-09,
                        2.505210838544172e-08,  2.755731922398589e-07,  2.7557319223985893e-06,
                        2.48015873015873e-05,   0.0001984126984126984,  0.001388888888888889,
                        0.008333333333333333,   0.041666666666666664,   0.16666666666666666,
                        0.5,                    1.0,                    1.0};
  double p = c[0];
  for (int i = 1; i < 15; ++i) p = fma(p, r, c[i]);
  // Two steps so that results near the underflow threshold are not rounded twice too early.
  const int ki = static_cast<int>(k);
  return ki < -1000 ? ldexp(ldexp(p, ki + 600), -600) : ldexp(p, ki);
}

// ln x: x = 2^k m with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s), s = (m-1)/(m+1), series in
// s^2 <= 0.0295 to s^23 (truncation < 1e-18). The quotient s carries a correction term.
DV_HD double plog(double x) {
  if (x != x || x < 0) return NAN;
  if (x == 0) return -INFINITY;
  if (x == INFINITY) return x;
  int e = 0;
  double m = frexp(x, &e);  // m in [0.5, 1)
  if (m < kInvSqrt2) {
    m *= 2.0;
    e -= 1;
  }
  const double f = m - 1.0;  // exact (Sterbenz)
  const double d = 2.0 + f;
  const double d_err = (2.0 - d) + f;  // d + d_err == 2 + f exactly
  const double s = f / d;
  const double s_lo = fma(-s, d_err, fma(-s, d, f)) / d;  // s + s_lo ~ f / (2 + f)
  const double z = s * s;
  // 2 / (2n + 1) for n = 11 .. 1
  const double c[11] = {0.08695652173913043, 0.09523809523809523, 0.10526315789473684, 0.11764705882352941,
                        0.13333333333333333, 0.15384615384615385, 0.18181818181818182, 0.2222222222222222,
                        0.2857142857142857,  0.4,                 0.6666666666666666};
  double p = c[0];
  for (int i = 1; i < 11; ++i) p = fma(p, z, c[i]);
  const double tail = fma(s * z, p, 2.0 * s_lo);
  const double ln_m = fma(2.0, s, tail);
  const double k = static_cast<double>(e);
  return fma(k, kLn2Hi, fma(k, kLn2Lo, ln_m));
}

// sin(2 pi u) and cos(2 pi u) for u in [0, 1]: 4u = q + r with integer q and |r| <= 1/2 (exact),
// angle a = r pi/2 in [-pi/4, pi/4], Taylor series to a^19 / a^20, then the quadrant q.
DV_HD void psincos_2pi(double u, double* sin_out, double* cos_out) {
  const double t = 4.0 * u;
  const double q = floor(t + 0.5);
  const double a = (t - q) * kPiOver2;
  const double z = a * a;
  // (-1)^n / (2n+1)! for n = 9 .. 1, and (-1)^n / (2n)! for n = 10 .. 1
  const double cs[9] = {-8.22063524662433e-18,  2.8114572543455206e-15, -7.647163731819816e-13,
                        1.6059043836821613e-10, -2.505210838544172e-08, 2.7557319223985893e-06,
                        -0.0001984126984126984, 0.008333333333333333,   -0.16666666666666666};
  const double cc[10] = {4.110317623312165e-19,  -1.5619206968586225e-16, 4.779477332387385e-14,
                         -1.1470745597729725e-11, 2.08767569878681e-09,    -2.755731922398589e-07,
                         2.48015873015873e-05,    -0.001388888888888889,   0.041666666666666664,
                         -0.5};
  double ps = cs[0];
  for (int i = 1; i < 9; ++i) ps = fma(ps, z, cs[i]);
  double pc = cc[0];
  for (int i = 1; i < 10; ++i) pc = fma(pc, z, cc[i]);
  const double s = fma(a * z, ps, a);
  const double c = fma(z, pc, 1.0);
  switch (static_cast<int>(q) & 3) {
    case 0: *sin_out = s; *cos_out = c; break;
    case 1: *sin_out = c; *cos_out = -s; break;
    case 2: *sin_out = -s; *cos_out = -c; break;
    default: *sin_out = -c; *cos_out = s; break;
  }
}

// erf(x) for |x| <= 1/2 by its Maclaurin series 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1)),
// to n = 13 (truncation < 1e-19).
DV_HD double perf_small(double x) {
  const double z = x * x;
  // (-1)^n / (n! (2n+1)) for n = 13 .. 0
  const double c[14] = {-5.9477940136376354e-12, 8.35070279514724e-11,   -1.0892221037148573e-09,
                        1.3122532963802806e-08,  -1.4503852223150468e-07, 1.4589169000933706e-06,
                        -1.3227513227513228e-05, 0.00010683760683760684,  -0.0007575757575757576,
                        0.004629629629629629,    -0.023809523809523808,   0.1,
                        -0.3333333333333333,     1.0};
  double p = c[0];
  for (int i = 1; i < 14; ++i) p = fma(p, z, c[i]);
  return x * (kTwoOverSqrtPi * p);
}

// erfcx(x) = e^(x^2) erfc(x) for x >= 0: (x + 3) erfcx(x) is a Chebyshev series in
// t = (x - 3) / (x + 3), which maps [0, inf) onto [-1, 1). The 27 coefficients interpolate it at
// 96 Chebyshev nodes (computed at 50 digits with mpmath; scripts/erfcx_chebyshev.py); the
// dropped ones sum to < 4e-19. Evaluated with Clenshaw's recurrence.
DV_HD double perfcx(double x) {
  if (x != x) return x;
  if (x > 1e15) return kInvSqrtPi / x;  // relative error 1/(2x^2)
  const double c[27] = {
      1.413438223980872,       -1.1314768490746974,    0.35410810034248635,    -0.08508704009908545,
      0.014615273272816639,    -0.0013795571636296329, -6.429066714315945e-05, 3.9043421097724045e-05,
      -2.642785074856054e-06,  -8.239440143910853e-07, 1.3247975697671355e-07, 1.919522515672645e-08,
      -5.030507163745393e-09,  -5.842006410267007e-10, 1.8742323910408168e-10, 2.4373672656733487e-11,
      -6.990943839667697e-12,  -1.2573115617676e-12,   2.458000580643909e-13,  7.005741632378779e-14,
      -6.732775694749609e-15,  -3.843430589415152e-15, 3.3163748896188907e-18, 1.9337385406947118e-16,
      1.957552792661546e-17,   -8.038651660274454e-18, -2.004710038536238e-18};
  const double t = (x - 3.0) / (x + 3.0);
  const double t2 = 2.0 * t;
  double b1 = 0.0, b2 = 0.0;
  for (int k = 26; k >= 1; --k) {
    const double b0 = fma(t2, b1, c[k] - b2);
    b2 = b1;
    b1 = b0;
  }
  return fma(t, b1, c[0] - b2) / (x + 3.0);
}

// e^(-x^2) * m for x >= 0, with x^2 split exactly into hi + lo so that the tails keep their
// relative accuracy (x^2 rounds by up to 6e-14 near x = 26).
DV_HD double exp_neg_square_times(double x, double m) {
  const double hi = x * x;
  if (hi == INFINITY) return 0.0;
  const double lo = fma(x, x, -hi);
  const double v = pexp(-hi) * m;
  return fma(-lo, v, v);
}

// erfc(x) = 1 - erf(x), with relative accuracy in the upper tail.
// (Not recursive: CUDA's __forceinline__ refuses recursion; erfc(x) = 2 - erfc(-x) for x < 0.)
DV_HD double perfc(double x) {
  if (x != x) return x;
  const double a = x < 0 ? -x : x;
  const double v = a < 0.5 ? 1.0 - perf_small(a) : exp_neg_square_times(a, perfcx(a));
  return x < 0 ? 2.0 - v : v;
}

DV_HD double perf(double x) {
  if (x != x) return x;
  const double a = fabs(x);
  if (a <= 0.5) return perf_small(x);
  const double v = 1.0 - perfc(a);
  return x < 0 ? -v : v;
}

// The x >= 0 with erf(x) = a, given a in [0, 1] and c = 1 - a, both exact (the caller forms c
// exactly, or passes a <= 1/2 where c only seeds the first guess).
// First guess: Giles' single-precision approximation ("Approximating the erfinv function",
// GPU Computing Gems, 2011) in w = -ln((1 - a)(1 + a)); past w = 16 (c < 1.7e-7) the tail
// asymptote x^2 = -ln c - ln(x sqrt(pi)). Then Newton steps: on erf(x) - a where a <= 1/2,
// and on ln erfc(x) - ln c = ln erfcx(x) - x^2 - ln c elsewhere, which is concave in x (erfc is
// log-concave), so the steps converge monotonically and keep full relative accuracy in c.
DV_HD double erfinv_core(double a, double c) {
  if (a != a || c != c) return NAN;
  if (c <= 0) return INFINITY;
  if (a <= 0) return 0.0;
  const double w = -plog(c * (1.0 + a));
  double x;
  int steps = 2;  // Giles' guess is good to about 1e-7 relative: two quadratic steps suffice
  if (w < 5.0) {
    const double g[9] = {2.81022636e-08,  3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                         -0.00125372503, -0.00417768164, 0.246640727,    1.50140941};
    const double v = w - 2.5;
    double p = g[0];
    for (int i = 1; i < 9; ++i) p = fma(p, v, g[i]);
    x = p * a;
  } else if (w < 16.0) {
    const double g[9] = {-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                         -0.0076224613,   0.00943887047,  1.00167406,    2.83297682};
    const double v = sqrt(w) - 3.0;
    double p = g[0];
    for (int i = 1; i < 9; ++i) p = fma(p, v, g[i]);
    x = p * a;
  } else {
    const double L = -plog(c);
    const double x0 = sqrt(L - 0.5 * plog(kPi * L));
    x = sqrt(L - plog(x0 * kSqrtPi));
    steps = 4;  // from about 1e-3 relative; 3 reach float64 in tests, one more for margin
  }
  if (a <= 0.5) {
    for (int i = 0; i < steps; ++i) {
      const double r = perf_small(x) - a;
      x = x - r * (kSqrtPiOver2 * pexp(x * x));
    }
    return x;
  }
  const double ln_c = plog(c);
  for (int i = 0; i < steps; ++i) {
    if (x < 0) x = 0;
    const double ex = perfcx(x);
    const double hi = x * x;
    const double lo = fma(x, x, -hi);
    const double g = ((plog(ex) - ln_c) - hi) - lo;  // ln erfc(x) - ln c
    x = fma(g * ex, kSqrtPiOver2, x);                  // x - g / (d/dx ln erfc(x))
  }
  return x;
}

// erfinv(y) for y in [-1, 1] (NaN outside).
DV_HD double perfinv(double y) {
  if (!(y >= -1.0 && y <= 1.0)) return NAN;
  const double a = fabs(y);
  const double v = erfinv_core(a, 1.0 - a);  // 1 - a is exact for a >= 1/2
  return y < 0 ? -v : v;
}

// erfcinv(c) = erfinv(1 - c) for c in [0, 2], formed without rounding 1 - c in the tails.
DV_HD double perfcinv(double c) {
  if (!(c >= 0.0 && c <= 2.0)) return NAN;
  if (c > 1.0) return -erfinv_core(c - 1.0, 2.0 - c);  // both exact (Sterbenz)
  return erfinv_core(1.0 - c, c);
}

// The standard normal CDF and its inverse: Phi(x) = erfc(-x/sqrt 2) / 2 and
// Phi^-1(u) = sqrt 2 erfinv(2u - 1), evaluated as -sqrt 2 erfcinv(2u) for u < 1/2 and as
// sqrt 2 erfcinv(2(1 - u)) above, so that neither tail loses precision to 2u - 1.
// For x < -1 the argument x/sqrt 2 is not rounded inside the exponential: Phi(x) =
// e^(-x^2/2) erfcx(-x/sqrt 2) / 2 with x^2 split exactly, so the lower tail keeps its relative
// accuracy (a rounded x/sqrt 2 alone would cost x^2 ulp).
DV_HD double normal_cdf(double x) {
  if (!(x < -1.0)) return 0.5 * perfc(-x * kInvSqrt2);
  const double hi = x * x;
  if (hi == INFINITY) return 0.0;
  const double lo = fma(x, x, -hi);
  const double v = pexp(-0.5 * hi) * (0.5 * perfcx(-x * kInvSqrt2));
  return fma(-0.5 * lo, v, v);
}
DV_HD double normal_quantile(double u) {
  if (!(u >= 0.0 && u <= 1.0)) return NAN;
  if (u < 0.5) return -kSqrt2 * perfcinv(2.0 * u);
  return kSqrt2 * perfcinv(2.0 * (1.0 - u));
}

}  // namespace dv::prng
