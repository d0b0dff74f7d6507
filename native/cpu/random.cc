// CPU random draws: Philox4x32-10 blocks split over the thread pool. Every element is a pure
// function of (key, index) (kernels/philox.h), so the split does not change any value.
// Compiled with -ffp-contract=off (CMakeLists.txt), as kernels/portable_math.h requires.
#include <algorithm>
#include "../kernels/backend.h"
#include "../kernels/philox.h"
#include "parallel.h"

namespace dv::cpu {
namespace {

template <class T>
void random_typed(const prng::RandomParams& params, T* out, int64_t n, bool f64) {
  const int64_t per_block = prng::elements_per_block(params.kind, f64);
  const int64_t blocks = (n + per_block - 1) / per_block;
  parallel_for(blocks, 1024, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      const int64_t first = b * per_block;
      const int count = static_cast<int>(std::min<int64_t>(per_block, n - first));
      prng::random_block<T>(params, static_cast<uint64_t>(b), out + first, count);
    }
  });
}

void random(int kind, const Tensor& out, uint32_t k0, uint32_t k1, double p0, double p1) {
  if (kind < 0 || kind >= static_cast<int>(prng::RandomKind::Count)) fail(ErrorCode::Internal, "unknown random kind ", kind);
  const auto k = static_cast<prng::RandomKind>(kind);
  const prng::RandomParams params = prng::random_params(k, k0, k1, p0, p1);
  const int64_t n = out.numel();
  const bool integral = k == prng::RandomKind::Bits || k == prng::RandomKind::RandInt;
  if (integral) {
    DV_CHECK(out.dtype() == DType::I32, ErrorCode::Internal, "random: integer kinds write int32");
    random_typed<int32_t>(params, out.data<int32_t>(), n, false);
  } else if (out.dtype() == DType::F64) {
    random_typed<double>(params, out.data<double>(), n, true);
  } else {
    DV_CHECK(out.dtype() == DType::F32, ErrorCode::Internal, "random: floating kinds write float32 or float64");
    random_typed<float>(params, out.data<float>(), n, false);
  }
}

BackendRegistrar reg(DeviceKind::CPU, [](Backend& b) { b.random = random; });

}  // namespace
}  // namespace dv::cpu
