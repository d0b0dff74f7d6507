// CUDA random draws: one thread per Philox block, the same block layout and transforms as
// the CPU (kernels/philox.h), so a key gives the same bits on both devices. Built with
// --fmad=false (cuda.cmake), as kernels/portable_math.h requires.
#include "../kernels/philox.h"
#include "runtime.cuh"

namespace dv::cuda {
namespace {

template <class T>
__global__ void random_kernel(prng::RandomParams params, T* out, int64_t n, int per_block, int64_t blocks) {
  DV_CUDA_LOOP(b, blocks) {
    const int64_t first = b * per_block;
    const int64_t left = n - first;
    const int count = static_cast<int>(left < per_block ? left : per_block);
    prng::random_block<T>(params, static_cast<uint64_t>(b), out + first, count);
  }
}

template <class T>
void launch(const prng::RandomParams& params, const Tensor& out, bool f64) {
  const int64_t n = out.numel();
  if (n == 0) return;
  const int per_block = prng::elements_per_block(params.kind, f64);
  const int64_t blocks = (n + per_block - 1) / per_block;
  random_kernel<T><<<blocks_for(blocks), kThreads, 0, stream_for(out.device())>>>(params, out.data<T>(), n, per_block,
                                                                                   blocks);
  check_launch("random");
}

void random(int kind, const Tensor& out, uint32_t k0, uint32_t k1, double p0, double p1) {
  if (kind < 0 || kind >= static_cast<int>(prng::RandomKind::Count)) fail(ErrorCode::Internal, "unknown random kind ", kind);
  const auto k = static_cast<prng::RandomKind>(kind);
  const prng::RandomParams params = prng::random_params(k, k0, k1, p0, p1);
  const bool integral = k == prng::RandomKind::Bits || k == prng::RandomKind::RandInt;
  if (integral) {
    DV_CHECK(out.dtype() == DType::I32, ErrorCode::Internal, "random: integer kinds write int32");
    launch<int32_t>(params, out, false);
  } else if (out.dtype() == DType::F64) {
    launch<double>(params, out, true);
  } else {
    DV_CHECK(out.dtype() == DType::F32, ErrorCode::Internal, "random: floating kinds write float32 or float64");
    launch<float>(params, out, false);
  }
}

BackendRegistrar reg(DeviceKind::CUDA, [](Backend& b) { b.random = random; });

}  // namespace
}  // namespace dv::cuda
