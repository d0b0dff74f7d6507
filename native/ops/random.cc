// Random draws: one row per kind of kernels/philox.h, arity 0, never recorded by autograd.
// The key (k0, k1) travels in Attrs::i0 and i1, the kind's parameters in s0 and s1. The shape
// rules validate the parameters so that the kernels never see a degenerate distribution.
// Compiled with -ffp-contract=off (CMakeLists.txt): the truncated normal's mass is computed
// here with kernels/portable_math.h.
#include <cfloat>
#include <cmath>
#include "../kernels/backend.h"
#include "../kernels/philox.h"
#include "ops.h"

namespace dv {
namespace {

using prng::RandomKind;

constexpr double kTwo32 = 4294967296.0;

Meta infer_common(const OpDef& op, const Attrs& a, bool integral) {
  for (int d = 0; d < a.dims.n; ++d)
    DV_CHECK(a.dims[d] >= 0, ErrorCode::InvalidArgument, op.name, ": negative dimension in shape ", a.dims);
  DV_CHECK(a.i0 >= 0 && a.i0 < int64_t{1} << 32 && a.i1 >= 0 && a.i1 < int64_t{1} << 32, ErrorCode::InvalidArgument,
           op.name, ": key words must be integers in [0, 2^32), got ", a.i0, ", ", a.i1);
  if (integral)
    DV_CHECK(a.dtype == DType::I32, ErrorCode::DTypeMismatch, op.name, ": draws int32, not ", dtype_name(a.dtype));
  else
    DV_CHECK(is_floating(a.dtype), ErrorCode::DTypeMismatch, op.name, ": draws float32 or float64, not ",
             dtype_name(a.dtype));
  return {a.dims, a.dtype, a.device};
}

Meta infer_bits(const OpDef& op, const Tensor*, int, const Attrs& a) { return infer_common(op, a, true); }

Meta infer_uniform(const OpDef& op, const Tensor*, int, const Attrs& a) {
  const double lo = a.s0, hi = a.s1;
  DV_CHECK(std::isfinite(lo) && std::isfinite(hi) && lo < hi && std::isfinite(hi - lo), ErrorCode::InvalidArgument,
           op.name, ": needs finite lo < hi, got [", lo, ", ", hi, ")");
  DV_CHECK(a.dtype != DType::F32 || static_cast<float>(lo) < static_cast<float>(hi), ErrorCode::InvalidArgument,
           op.name, ": lo and hi round to the same float32 value ", static_cast<float>(lo));
  return infer_common(op, a, false);
}

Meta infer_normal(const OpDef& op, const Tensor*, int, const Attrs& a) {
  DV_CHECK(std::isfinite(a.s0) && std::isfinite(a.s1) && a.s1 >= 0, ErrorCode::InvalidArgument, op.name,
           ": needs a finite mean and a finite std >= 0, got mean ", a.s0, ", std ", a.s1);
  return infer_common(op, a, false);
}

Meta infer_truncated_normal(const OpDef& op, const Tensor*, int, const Attrs& a) {
  const double lo = a.s0, hi = a.s1;
  DV_CHECK(lo < hi, ErrorCode::InvalidArgument, op.name, ": needs lo < hi, got [", lo, ", ", hi, "]");
  // Below the smallest normal float64 the draws would lose their precision (about 37.5 sd out).
  DV_CHECK(prng::truncated_normal_setup(lo, hi).mass >= DBL_MIN, ErrorCode::InvalidArgument, op.name, ": [", lo, ", ",
           hi, "] lies too far in a tail (its normal probability underflows float64)");
  return infer_common(op, a, false);
}

Meta infer_randint(const OpDef& op, const Tensor*, int, const Attrs& a) {
  const double lo = a.s0, hi = a.s1;
  DV_CHECK(std::floor(lo) == lo && std::floor(hi) == hi && lo >= -kTwo32 / 2 && hi <= kTwo32 / 2 && lo < hi,
           ErrorCode::InvalidArgument, op.name, ": needs integers -2^31 <= lo < hi <= 2^31, got [", lo, ", ", hi, ")");
  return infer_common(op, a, true);
}

template <RandomKind KIND>
Tensor forward_random(const Tensor*, int, const Attrs& a, const Meta& m) {
  Tensor out = empty(m.shape, m.dtype, m.device);
  Backend& be = backend(m.device);
  require_kernel(be.random, m.device, "random")(static_cast<int>(KIND), out, static_cast<uint32_t>(a.i0),
                                                static_cast<uint32_t>(a.i1), a.s0, a.s1);
  return out;
}

const OpDef kBits{"random_bits", Family::Random, 0, infer_bits, forward_random<RandomKind::Bits>, nullptr, 0};
const OpDef kUniform{"random_uniform", Family::Random, 0, infer_uniform, forward_random<RandomKind::Uniform>, nullptr, 0};
const OpDef kNormal{"random_normal", Family::Random, 0, infer_normal, forward_random<RandomKind::Normal>, nullptr, 0};
const OpDef kTruncatedNormal{"random_truncated_normal", Family::Random, 0, infer_truncated_normal,
                             forward_random<RandomKind::TruncatedNormal>, nullptr, 0};
const OpDef kRandInt{"random_randint", Family::Random, 0, infer_randint, forward_random<RandomKind::RandInt>, nullptr, 0};
OpRegistrar reg({&kBits, &kUniform, &kNormal, &kTruncatedNormal, &kRandInt});

const OpDef* row_of(int kind) {
  switch (static_cast<RandomKind>(kind)) {
    case RandomKind::Bits: return &kBits;
    case RandomKind::Uniform: return &kUniform;
    case RandomKind::Normal: return &kNormal;
    case RandomKind::TruncatedNormal: return &kTruncatedNormal;
    case RandomKind::RandInt: return &kRandInt;
    default: fail(ErrorCode::InvalidArgument, "unknown random kind ", kind);
  }
}

}  // namespace

Tensor ops::random(int kind, const Shape& shape, DType dtype, Device device, uint32_t k0, uint32_t k1, double p0,
                   double p1) {
  Attrs a;
  a.dims = shape;
  a.dtype = dtype;
  a.device = device;
  a.i0 = k0;
  a.i1 = k1;
  a.s0 = p0;
  a.s1 = p1;
  return apply(*row_of(kind), nullptr, 0, a);
}

}  // namespace dv
