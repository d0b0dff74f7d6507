// CUDA copies and creation: strided copy with dtype conversion (math::convert, as on the
// CPU), fill, and arange.
#include "runtime.cuh"

namespace dv::cuda {
namespace {

using math::convert;

template <class S, class D>
__global__ void copy_kernel(Geometry<2> g, const S* src, D* dst, int64_t n) {
  DV_CUDA_LOOP(i, n) {
    int64_t off[2];
    offsets<2>(g, i, off);
    dst[off[0]] = convert<S, D>(src[off[1]]);
  }
}

template <class S, class D>
__global__ void copy_dense(const S* src, D* dst, int64_t n) {
  DV_CUDA_LOOP(i, n) dst[i] = convert<S, D>(src[i]);
}

void copy(const Tensor& src, const Tensor& dst) {
  const int64_t n = dst.numel();
  if (n == 0) return;
  cudaStream_t s = stream_for(dst.device());
  const bool dense = src.is_contiguous() && dst.is_contiguous() && src.shape() == dst.shape();
  if (dense && src.dtype() == dst.dtype()) {
    check(cudaMemcpyAsync(dst.raw(), src.raw(), dst.nbytes(), cudaMemcpyDeviceToDevice, s), "copy");
    return;
  }
  dispatch_all(src.dtype(), [&](auto zs) {
    using S = decltype(zs);
    dispatch_all(dst.dtype(), [&](auto zd) {
      using D = decltype(zd);
      if (dense)
        copy_dense<S, D><<<blocks_for(n), kThreads, 0, s>>>(src.data<S>(), dst.data<D>(), n);
      else
        copy_kernel<S, D><<<blocks_for(n), kThreads, 0, s>>>(geometry_of<2>(dst.shape(), {&dst, &src}),
                                                             src.data<S>(), dst.data<D>(), n);
    });
  });
  check_launch("copy");
}

template <class T>
__global__ void fill_kernel(T* out, T v, int64_t n) {
  DV_CUDA_LOOP(i, n) out[i] = v;
}

void fill(const Tensor& out, double value) {
  const int64_t n = out.numel();
  if (n == 0) return;
  dispatch_all(out.dtype(), [&](auto zero) {
    using T = decltype(zero);
    fill_kernel<T><<<blocks_for(n), kThreads, 0, stream_for(out.device())>>>(out.data<T>(), convert<double, T>(value), n);
  });
  check_launch("fill");
}

// start + step * i in double, then converted: the CPU's formula, element by element.
template <class T>
__global__ void arange_kernel(T* out, double start, double step, int64_t n) {
  DV_CUDA_LOOP(i, n) out[i] = convert<double, T>(start + step * double(i));
}

void arange(const Tensor& out, double start, double step) {
  const int64_t n = out.numel();
  if (n == 0) return;
  dispatch_all(out.dtype(), [&](auto zero) {
    using T = decltype(zero);
    arange_kernel<T><<<blocks_for(n), kThreads, 0, stream_for(out.device())>>>(out.data<T>(), start, step, n);
  });
  check_launch("arange");
}

BackendRegistrar reg(DeviceKind::CUDA, [](Backend& b) {
  b.copy = copy;
  b.fill = fill;
  b.arange = arange;
});

}  // namespace
}  // namespace dv::cuda
