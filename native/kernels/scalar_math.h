// Scalar formulas shared by the CPU and CUDA kernels: written once, compiled for both.
#pragma once
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <type_traits>

#ifdef __CUDACC__
#define DV_HD __host__ __device__ __forceinline__
#else
#define DV_HD inline
#endif

namespace dv::math {

DV_HD float exp_(float x) { return expf(x); }
DV_HD double exp_(double x) { return exp(x); }
DV_HD float log_(float x) { return logf(x); }
DV_HD double log_(double x) { return log(x); }
DV_HD float log1p_(float x) { return log1pf(x); }
DV_HD double log1p_(double x) { return log1p(x); }
DV_HD float expm1_(float x) { return expm1f(x); }
DV_HD double expm1_(double x) { return expm1(x); }
DV_HD float sqrt_(float x) { return sqrtf(x); }
DV_HD double sqrt_(double x) { return sqrt(x); }
DV_HD float tanh_(float x) { return tanhf(x); }
DV_HD double tanh_(double x) { return tanh(x); }
DV_HD float sin_(float x) { return sinf(x); }
DV_HD double sin_(double x) { return sin(x); }
DV_HD float cos_(float x) { return cosf(x); }
DV_HD double cos_(double x) { return cos(x); }
DV_HD float pow_(float x, float y) { return powf(x, y); }
DV_HD double pow_(double x, double y) { return pow(x, y); }
DV_HD float abs_(float x) { return fabsf(x); }
DV_HD double abs_(double x) { return fabs(x); }
DV_HD float erf_(float x) { return erff(x); }
DV_HD double erf_(double x) { return erf(x); }

template <class T> DV_HD bool is_nan(T x) { return x != x; }

// c0 x^n + c1 x^(n-1) + ... + cn by Horner's rule, unrolled at compile time (a loop over a
// table of coefficients does not vectorise).
DV_HD double horner(double, double c) { return c; }
template <class... C> DV_HD double horner(double x, double c, double next, C... rest) {
  return horner(x, c * x + next, rest...);
}

// e^y in double for the float kernels, which round its results once: no calls and no
// branches, so that loops over it vectorise (libm's expf and log1pf do not). y is clamped to
// [-120, 120] (every float result is then saturated already); NaN passes. y = k ln2 + r with
// |r| <= ln2/2, a Taylor polynomial of degree 11 (truncation < 3e-13), then 2^k from its
// exponent bits. Adding 1.5 * 2^52 rounds y / ln2 to the integer k and holds k in the low
// bits of the mantissa (floor does not vectorise).
DV_HD double exp_for_float(double y) {
  y = y > 120.0 ? 120.0 : y;  // two selects, not nested ones: those do not vectorise
  y = y < -120.0 ? -120.0 : y;
  const double shifted = y * 1.4426950408889634 + 6755399441055744.0;  // rounds k to an integer
  const double k = shifted - 6755399441055744.0;
  const double r = y - k * 0.6931471805599453;
  // 1/n! for n = 11 .. 0
  const double p = horner(r, 1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720,
                          1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1.0, 1.0);
  int64_t bits;
  memcpy(&bits, &shifted, sizeof bits);
  bits = (bits - 0x4338000000000000LL + 1023) << 52;
  double scale;
  memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

// log(1 + t) for t in [0, 1] in double, as 2 atanh(s) with s = t / (2 + t) <= 1/3: ten terms of
// the odd series (relative truncation < 2e-11). For the float kernels, like exp_for_float.
DV_HD double log1p_unit_for_float(double t) {
  const double s = t / (2.0 + t), s2 = s * s;
  const double p = horner(s2, 1.0 / 19, 1.0 / 17, 1.0 / 15, 1.0 / 13, 1.0 / 11, 1.0 / 9, 1.0 / 7, 1.0 / 5, 1.0 / 3, 1.0);
  return 2.0 * s * p;
}

template <class T> DV_HD T sigmoid(T x) {
  if constexpr (std::is_same_v<T, float>) {
    const double d = x, e = exp_for_float(-fabs(d));
    return static_cast<float>((d >= 0.0 ? 1.0 : e) / (1.0 + e));
  } else {
    if (x >= T(0)) return T(1) / (T(1) + exp_(-x));
    T e = exp_(x);
    return e / (T(1) + e);
  }
}
// log(1 + e^x) = max(x, 0) + log1p(e^-|x|): never overflows, exact to the float rounding.
template <class T> DV_HD T softplus(T x) {
  if constexpr (std::is_same_v<T, float>) {
    const double d = x;
    const double tail = log1p_unit_for_float(exp_for_float(-fabs(d)));
    return static_cast<float>((d > 0.0 ? d : 0.0) + tail);
  } else {
    return (x > T(0) ? x : T(0)) + log1p_(exp_(-abs_(x)));
  }
}
template <class T> DV_HD T relu(T x) { return x <= T(0) ? T(0) : x; }  // NaN passes through
template <class T> DV_HD T sign(T x) { return x > T(0) ? T(1) : (x < T(0) ? T(-1) : x); }
template <class T> DV_HD T clamp(T x, T lo, T hi) { return x < lo ? lo : (x > hi ? hi : x); }
// NaN-propagating maximum and minimum (as torch.maximum / torch.minimum).
template <class T> DV_HD T maximum(T a, T b) { return is_nan(a) ? a : (is_nan(b) ? b : (a > b ? a : b)); }
template <class T> DV_HD T minimum(T a, T b) { return is_nan(a) ? a : (is_nan(b) ? b : (a < b ? a : b)); }

// Wright omega ω(u) = W(e^u), the principal Lambert W at e^u, for real u: the solution of
// ω + log ω = u. Computed in double from an asymptotic start and refined by Halley steps
// on f(w) = w + log w - u (cubic convergence; 4 steps reach double precision).
DV_HD double wright_omega(double u) {
  if (u != u) return u;
  if (u == INFINITY) return u;
  if (u < -745.0) return exp(u);  // ω(u) = e^u (1 - e^u + ...): e^u already underflows
  // Starting points within 30% of ω on each range; Halley's method converges from there.
  double w = u > 1.0 ? u - log(u) : (u > -2.0 ? exp(u) / (1.0 + exp(u)) : exp(u));
  for (int i = 0; i < 6; ++i) {
    double f = w + log(w) - u;
    double fp = 1.0 + 1.0 / w, fpp = -1.0 / (w * w);
    double step = f / (fp - 0.5 * f * fpp / fp);
    w -= step;
    if (w <= 0) w = 1e-300;
    if (fabs(step) <= 1e-16 * (1.0 + fabs(w))) break;
  }
  return w;
}
template <class T> DV_HD T wright_omega_t(T u) { return static_cast<T>(wright_omega(static_cast<double>(u))); }

// Principal branch W0(x) for x >= -1/e (NaN below): W0(x) = ω(log x) for x > 0, and a Halley
// iteration on w e^w = x for -1/e <= x <= 0.
DV_HD double lambert_w0(double x) {
  const double branch = -0.36787944117144233;  // -1/e
  if (x != x || x < branch) return NAN;
  if (x == 0) return 0;
  if (x > 0) return wright_omega(log(x));
  if (x == branch) return -1.0;
  double p = sqrt(2.0 * (2.718281828459045 * x + 1.0));  // series about the branch point
  double w = -1.0 + p - p * p / 3.0 + 11.0 / 72.0 * p * p * p;
  for (int i = 0; i < 8; ++i) {
    double e = exp(w), f = w * e - x;
    double step = f / (e * (w + 1.0) - (w + 2.0) * f / (2.0 * w + 2.0));
    w -= step;
    if (fabs(step) <= 1e-16 * (1.0 + fabs(w))) break;
  }
  return w;
}
template <class T> DV_HD T lambert_w0_t(T x) { return static_cast<T>(lambert_w0(static_cast<double>(x))); }

// Conversion between element types, defined for every input: to bool, non-zero (NaN
// included) is 1; float to int32 truncates, saturates out of range, and maps NaN to 0 (what
// CUDA's conversion instructions do; a plain C++ cast is undefined there).
template <class S, class D>
DV_HD D convert(S v) {
  if constexpr (std::is_same_v<D, uint8_t>) {
    return v != S(0) ? 1 : 0;
  } else if constexpr (std::is_same_v<D, int32_t> && std::is_floating_point_v<S>) {
    if (is_nan(v)) return 0;
    if (v <= S(-2147483648.0)) return INT32_MIN;
    if (v >= S(2147483647.0)) return INT32_MAX;  // float: 2^31, the first value out of range
    return static_cast<int32_t>(v);
  } else {
    return static_cast<D>(v);
  }
}

// softplus(l) - l y = (max(l, 0) - l y) + log1p(e^-|l|): the bracket first, so that a
// confident right answer (l large, y = 1) keeps its relative accuracy instead of cancelling
// two large terms. Float evaluates in double (where l y is exact) and rounds once.
template <class T> DV_HD T bce_logits(T l, T y) {
  if constexpr (std::is_same_v<T, float>) {
    const double d = l;
    return static_cast<float>(((d > 0.0 ? d : 0.0) - d * double(y)) + log1p_unit_for_float(exp_for_float(-fabs(d))));
  } else {
    return ((l > T(0) ? l : T(0)) - l * y) + log1p_(exp_(-abs_(l)));
  }
}
template <class T> DV_HD T sigmoid_sub(T l, T y) {
  if constexpr (std::is_same_v<T, float>) {
    const double d = l, e = exp_for_float(-fabs(d));
    return static_cast<float>((d >= 0.0 ? 1.0 : e) / (1.0 + e) - double(y));
  } else {
    return sigmoid(l) - y;
  }
}

// Elementwise unary operations with up to two scalar parameters.
enum class UnaryOp : uint8_t {
  Neg, Exp, Log, Log1p, Expm1, Sqrt, Rsqrt, Abs, Sign, Tanh, Sigmoid, Relu, Sin, Cos,
  Erf, LambertW, WrightOmega, Softplus,
  Square,     // x * x: what PowScalar with p0 = 2 runs as (no pow call in the loop)
  PowScalar,  // x ** p0
  Clamp,      // min(max(x, p0), p1)
  Count
};

template <class T>
DV_HD T apply_unary(UnaryOp op, T x, T p0, T p1) {
  switch (op) {
    case UnaryOp::Neg: return -x;
    case UnaryOp::Exp: return exp_(x);
    case UnaryOp::Log: return log_(x);
    case UnaryOp::Log1p: return log1p_(x);
    case UnaryOp::Expm1: return expm1_(x);
    case UnaryOp::Sqrt: return sqrt_(x);
    case UnaryOp::Rsqrt: return T(1) / sqrt_(x);
    case UnaryOp::Abs: return abs_(x);
    case UnaryOp::Sign: return sign(x);
    case UnaryOp::Tanh: return tanh_(x);
    case UnaryOp::Sigmoid: return sigmoid(x);
    case UnaryOp::Relu: return relu(x);
    case UnaryOp::Sin: return sin_(x);
    case UnaryOp::Cos: return cos_(x);
    case UnaryOp::Erf: return erf_(x);
    case UnaryOp::LambertW: return lambert_w0_t(x);
    case UnaryOp::WrightOmega: return wright_omega_t(x);
    case UnaryOp::Softplus: return softplus(x);
    case UnaryOp::Square: return x * x;
    case UnaryOp::PowScalar: return pow_(x, p0);
    case UnaryOp::Clamp: return clamp(x, p0, p1);
    default: return x;
  }
}

// Elementwise binary operations. Comparisons produce bool (stored as uint8_t).
enum class BinaryOp : uint8_t {
  Add, Sub, Mul, Div, Pow, Maximum, Minimum,
  MaskPositive,  // b > 0 ? a : 0  (the ReLU derivative applied to a gradient a)
  BceLogits,     // softplus(a) - a b: binary cross-entropy of logit a against target b
  SigmoidSub,    // sigmoid(a) - b: BceLogits's derivative in a
  Eq, Ne, Lt, Le, Gt, Ge,
  Count
};

inline constexpr bool is_comparison(BinaryOp op) { return op >= BinaryOp::Eq; }

template <class T>
DV_HD T apply_binary(BinaryOp op, T a, T b) {
  switch (op) {
    case BinaryOp::Add: return a + b;
    case BinaryOp::Sub: return a - b;
    case BinaryOp::Mul: return a * b;
    case BinaryOp::Div: return a / b;
    case BinaryOp::Pow: return pow_(a, b);
    case BinaryOp::Maximum: return maximum(a, b);
    case BinaryOp::Minimum: return minimum(a, b);
    case BinaryOp::MaskPositive: return b > T(0) ? a : T(0);
    case BinaryOp::BceLogits: return bce_logits(a, b);
    case BinaryOp::SigmoidSub: return sigmoid_sub(a, b);
    default: return a;
  }
}

template <class T>
DV_HD uint8_t apply_compare(BinaryOp op, T a, T b) {
  switch (op) {
    case BinaryOp::Eq: return a == b;
    case BinaryOp::Ne: return a != b;
    case BinaryOp::Lt: return a < b;
    case BinaryOp::Le: return a <= b;
    case BinaryOp::Gt: return a > b;
    case BinaryOp::Ge: return a >= b;
    default: return 0;
  }
}

// Adam's step for one element, rounded as the unfused binary ops with number operands round:
// each number becomes a T first (1 - b1 and 1 - b2 are taken in double, as JavaScript does),
// and every product, sum, square root and quotient rounds to T.
// m' = m b1 + g (1 - b1); v' = v b2 + (g g)(1 - b2); u = (m' a) / (sqrt(v') + b).
template <class T>
struct AdamScalars {
  T b1, c1, b2, c2, a, b;
  AdamScalars(double b1_, double b2_, double a_, double b_)
      : b1(T(b1_)), c1(T(1.0 - b1_)), b2(T(b2_)), c2(T(1.0 - b2_)), a(T(a_)), b(T(b_)) {}
};

template <class T>
DV_HD void adam_element(const AdamScalars<T>& k, T g, T m, T v, T& m_out, T& v_out, T& u_out) {
  const T m1 = m * k.b1 + g * k.c1;
  const T gg = g * g;
  const T v1 = v * k.b2 + gg * k.c2;
  m_out = m1;
  v_out = v1;
  u_out = (m1 * k.a) / (sqrt_(v1) + k.b);
}
// The same, then the parameter moved: p_out = p + u, rounded as add(p, u) would round it.
template <class T>
DV_HD void adam_apply_element(const AdamScalars<T>& k, T g, T m, T v, T p, T& m_out, T& v_out, T& p_out) {
  T u;
  adam_element<T>(k, g, m, v, m_out, v_out, u);
  p_out = p + u;
}

enum class ReduceOp : uint8_t { Sum, Max, Min, ArgMax, ArgMin, LogSumExp, Count };

}  // namespace dv::math
