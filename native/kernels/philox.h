// Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random
// numbers: as easy as 1, 2, 3", SC'11) and the transforms from its 32-bit words to values.
// Everything here is DV_HD so that the CPU and CUDA kernels compute the same bits; see
// portable_math.h for the compilation rule (no floating-point contraction) this relies on.
//
// Layout: element i of an output is a pure function of (key, i). Philox block b encrypts the
// counter (b mod 2^32, b div 2^32, 0, 0) under the key (k0, k1) into four words w0..w3; a kind
// that consumes one word per element (elements_per_block = 4) reads element i from block i/4,
// word i%4; a kind that consumes two words per element (elements_per_block = 2) reads words
// (w[2j], w[2j+1]), j = i%2, of block i/2. Box-Muller pairs are described at normal_block.
// No element depends on the thread count or the device.
#pragma once
#include <type_traits>
#include "portable_math.h"

namespace dv::prng {

// The draw kinds of Backend::random (the numeric codes are part of the binding's contract).
enum class RandomKind : int {
  Bits = 0,             // int32: the raw words, reinterpreted as two's complement
  Uniform = 1,          // float: uniform on [p0, p1)
  Normal = 2,           // float: normal with mean p0 and standard deviation p1
  TruncatedNormal = 3,  // float: standard normal conditioned on [p0, p1]
  RandInt = 4,          // int32: uniform integers in [p0, p1)
  Count = 5
};

struct Words {
  uint32_t w[4];
};

constexpr uint32_t kPhiloxM0 = 0xD2511F53u, kPhiloxM1 = 0xCD9E8D57u;  // round multipliers
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u, kPhiloxW1 = 0xBB67AE85u;  // Weyl key increments

DV_HD uint32_t mulhi32(uint32_t a, uint32_t b) {
  return static_cast<uint32_t>((static_cast<uint64_t>(a) * b) >> 32);
}

// One Philox round: two 32x32 -> 64-bit products, the high halves mixed with the other
// counter words and the round key.
DV_HD Words philox_round(Words c, uint32_t k0, uint32_t k1) {
  const uint32_t hi0 = mulhi32(kPhiloxM0, c.w[0]), lo0 = kPhiloxM0 * c.w[0];
  const uint32_t hi1 = mulhi32(kPhiloxM1, c.w[2]), lo1 = kPhiloxM1 * c.w[2];
  return Words{{hi1 ^ c.w[1] ^ k0, lo1, hi0 ^ c.w[3] ^ k1, lo0}};
}

// Philox4x32-10: ten rounds, the key bumped by the Weyl increments between rounds.
DV_HD Words philox4x32_10(Words counter, uint32_t k0, uint32_t k1) {
  Words c = philox_round(counter, k0, k1);
  for (int r = 1; r < 10; ++r) {
    k0 += kPhiloxW0;
    k1 += kPhiloxW1;
    c = philox_round(c, k0, k1);
  }
  return c;
}

DV_HD Words philox_block(uint64_t block, uint32_t k0, uint32_t k1) {
  return philox4x32_10(Words{{static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), 0u, 0u}}, k0, k1);
}

// ---- Words to values. Each transform is exact or rounds once, identically on every device.

// Uniform float32 in [0, 1): the top 24 bits of w, times 2^-24 (every value exact).
DV_HD float uniform_f32(uint32_t w) { return static_cast<float>(w >> 8) * 0x1p-24f; }

// The 53-bit integer made of the top 32 bits of `a` and the top 21 bits of `b`.
DV_HD uint64_t bits53(uint32_t a, uint32_t b) { return (static_cast<uint64_t>(a) << 21) | (b >> 11); }
// Uniform float64 in [0, 1): bits53(a, b) * 2^-53 (exact).
DV_HD double uniform_f64(uint32_t a, uint32_t b) { return static_cast<double>(bits53(a, b)) * 0x1p-53; }
// Uniform float64 in (0, 1): (bits53(a, b) + 1/2) * 2^-53, never 0 or 1 (exact).
DV_HD double uniform_open_f64(uint32_t a, uint32_t b) {
  return (static_cast<double>(bits53(a, b)) + 0.5) * 0x1p-53;
}

// Integers in [lo, lo + range), range <= 2^32, by multiply-shift on 64 random bits:
// lo + floor(k * range / 2^64) with k = a * 2^32 + b. Each value has 2^64/range preimages
// rounded up or down, so its probability is off from 1/range by less than 2^-64.
DV_HD int64_t randint_from(uint32_t a, uint32_t b, int64_t lo, uint64_t range) {
  const uint64_t high = static_cast<uint64_t>(a) * range + ((static_cast<uint64_t>(b) * range) >> 32);
  return lo + static_cast<int64_t>(high >> 32);
}

// Box-Muller: u1 in (0, 1], u2 in [0, 1) give r = sqrt(-2 ln u1) and the pair
// (r cos 2 pi u2, r sin 2 pi u2) of independent standard normals.
DV_HD void box_muller(double u1, double u2, double* z_cos, double* z_sin) {
  const double r = sqrt(-2.0 * plog(u1));
  double s, c;
  psincos_2pi(u2, &s, &c);
  *z_cos = r * c;
  *z_sin = r * s;
}

// The standard normal truncated to [lo, hi] by the inverse CDF: u uniform in (Phi(lo), Phi(hi)),
// x = Phi^-1(u) = sqrt 2 erfinv(2u - 1) (normal_quantile), clamped to [lo, hi] against rounding.
// An interval on the positive side is mirrored to the negative one (and the draw negated),
// where Phi keeps its relative precision. `mass` = Phi(hi) - Phi(lo) after mirroring; the
// caller rejects intervals whose mass is below the smallest normal float64 (beyond about 37.5
// standard deviations).
struct TruncatedNormal {
  double lo, hi;  // the (possibly mirrored) interval
  double cdf_lo, mass;
  double sign;    // -1 when mirrored
};

DV_HD TruncatedNormal truncated_normal_setup(double lo, double hi) {
  TruncatedNormal t{lo, hi, 0.0, 0.0, 1.0};
  if (lo + hi > 0) {  // NaN (lo = -inf, hi = inf) stays unmirrored
    t.lo = -hi;
    t.hi = -lo;
    t.sign = -1.0;
  }
  t.cdf_lo = normal_cdf(t.lo);
  t.mass = normal_cdf(t.hi) - t.cdf_lo;
  return t;
}

// v in (0, 1) (uniform_open_f64), so u = Phi(lo) + mass * v lies inside the interval.
DV_HD double truncated_normal_draw(const TruncatedNormal& t, double v) {
  double x = normal_quantile(fma(t.mass, v, t.cdf_lo));
  x = x < t.lo ? t.lo : (x > t.hi ? t.hi : x);
  return t.sign * x;
}

// ---- Blocks: what one Philox block yields for each kind.

struct RandomParams {
  RandomKind kind;
  uint32_t k0, k1;
  double p0, p1;
  TruncatedNormal tn;    // TruncatedNormal only
  int64_t int_lo;        // RandInt only
  uint64_t int_range;    // RandInt only
};

DV_HD int elements_per_block(RandomKind kind, bool is_f64) {
  switch (kind) {
    case RandomKind::Bits: return 4;
    case RandomKind::Uniform:
    case RandomKind::Normal: return is_f64 ? 2 : 4;
    default: return 2;
  }
}

// Host side: the parameters a kernel needs, from the op's scalars (validated by the op).
inline RandomParams random_params(RandomKind kind, uint32_t k0, uint32_t k1, double p0, double p1) {
  RandomParams p{kind, k0, k1, p0, p1, TruncatedNormal{0, 0, 0, 0, 1}, 0, 0};
  if (kind == RandomKind::TruncatedNormal) p.tn = truncated_normal_setup(p0, p1);
  if (kind == RandomKind::RandInt) {
    p.int_lo = static_cast<int64_t>(p0);
    p.int_range = static_cast<uint64_t>(static_cast<int64_t>(p1) - p.int_lo);
  }
  return p;
}

DV_HD float nextafter_down(float x) { return nextafterf(x, -INFINITY); }
DV_HD double nextafter_down(double x) { return nextafter(x, -INFINITY); }

// lo + (hi - lo) u rounded once to T, kept below hi (rounding to T may reach hi).
template <class T>
DV_HD T uniform_in(double u, double lo, double hi) {
  const T r = static_cast<T>(fma(hi - lo, u, lo));
  const T top = static_cast<T>(hi);
  return r < top ? r : nextafter_down(top);
}

// Normal draws of a block. float32: words (w0, w1) and (w2, w3) are two Box-Muller pairs, 32
// bits each: u1 = (w + 1) 2^-32 from the first word, u2 = w' 2^-32 from the second; element
// 2p is r cos, element 2p+1 is r sin. float64: u1 = (bits53(w0, w1) + 1) 2^-53 and
// u2 = bits53(w2, w3) 2^-53 form one pair for elements 0 (cos) and 1 (sin). The draw is
// mean + std z computed with one fma in float64, then rounded to T.
template <class T>
DV_HD void normal_block(const Words& w, double mean, double std_dev, T* out, int count) {
  double z[4];
  if (sizeof(T) == 8) {
    const double u1 = (static_cast<double>(bits53(w.w[0], w.w[1])) + 1.0) * 0x1p-53;
    box_muller(u1, uniform_f64(w.w[2], w.w[3]), &z[0], &z[1]);
  } else {
    for (int p = 0; p < 2; ++p)
      box_muller((static_cast<double>(w.w[2 * p]) + 1.0) * 0x1p-32, static_cast<double>(w.w[2 * p + 1]) * 0x1p-32,
                 &z[2 * p], &z[2 * p + 1]);
  }
  for (int j = 0; j < count; ++j) out[j] = static_cast<T>(fma(std_dev, z[j], mean));
}

// Writes the first `count` (<= elements_per_block) elements of block `block` to out, whose
// element type T is int32_t for Bits and RandInt, float or double otherwise.
template <class T>
DV_HD void random_block(const RandomParams& p, uint64_t block, T* out, int count) {
  const Words w = philox_block(block, p.k0, p.k1);
  if constexpr (std::is_same<T, int32_t>::value) {
    if (p.kind == RandomKind::Bits) {
      for (int j = 0; j < count; ++j) out[j] = static_cast<int32_t>(w.w[j]);
    } else {
      for (int j = 0; j < count; ++j)
        out[j] = static_cast<int32_t>(randint_from(w.w[2 * j], w.w[2 * j + 1], p.int_lo, p.int_range));
    }
  } else {
    constexpr bool f64 = sizeof(T) == 8;
    if (p.kind == RandomKind::Uniform) {
      for (int j = 0; j < count; ++j) {
        const double u = f64 ? uniform_f64(w.w[2 * j], w.w[2 * j + 1]) : static_cast<double>(uniform_f32(w.w[j]));
        out[j] = uniform_in<T>(u, p.p0, p.p1);
      }
    } else if (p.kind == RandomKind::Normal) {
      normal_block<T>(w, p.p0, p.p1, out, count);
    } else {
      for (int j = 0; j < count; ++j)
        out[j] = static_cast<T>(truncated_normal_draw(p.tn, uniform_open_f64(w.w[2 * j], w.w[2 * j + 1])));
    }
  }
}

}  // namespace dv::prng
