// CUDA indexing kernels along one axis (tensors contiguous, read as [outer, axis, inner]).
// Indices are validated on the device before anything is written. The accumulating kernels
// (index_add, scatter_add) give each thread one column (outer, inner) of the output and walk the
// indices in order, so every output element receives its additions in the CPU's order, from
// one thread: no atomics, and the same bits as the CPU.
#include "runtime.cuh"

namespace dv::cuda {
namespace {

// found[0] = the smallest position whose index is out of [0, bound) (integer atomics only
// pick which bad index the message names; no value depends on them).
__global__ void find_bad_index(const int32_t* idx, int64_t n, int64_t bound, unsigned long long* found) {
  DV_CUDA_LOOP(i, n) {
    if (idx[i] < 0 || idx[i] >= bound) atomicMin(found, static_cast<unsigned long long>(i));
  }
}

void check_indices(const Tensor& idx, int64_t bound, const char* op) {
  const int64_t n = idx.numel();
  if (n == 0) return;
  const Device d = idx.device();
  cudaStream_t s = stream_for(d);
  Scratch found(d, sizeof(unsigned long long));
  const unsigned long long none = ~0ull;
  check(cudaMemcpyAsync(found.ptr, &none, sizeof none, cudaMemcpyHostToDevice, s), op);
  find_bad_index<<<blocks_for(n), kThreads, 0, s>>>(idx.data<int32_t>(), n, bound, found.as<unsigned long long>());
  check_launch(op);
  unsigned long long at = none;
  check(cudaMemcpyAsync(&at, found.ptr, sizeof at, cudaMemcpyDeviceToHost, s), op);
  check(cudaStreamSynchronize(s), op);
  if (at == none) return;
  int32_t bad = 0;
  check(cudaMemcpy(&bad, idx.data<int32_t>() + at, sizeof bad, cudaMemcpyDeviceToHost), op);
  fail(ErrorCode::InvalidArgument, op, ": index ", bad, " out of range [0, ", bound, ")");
}

// Element copy, any dtype, as bytes of width W.
template <class W>
__global__ void index_select_kernel(const W* x, const int32_t* idx, W* out, Axis3 xs, int64_t len, int64_t total) {
  DV_CUDA_LOOP(e, total) {
    const int64_t j = e % xs.inner, i = (e / xs.inner) % len, o = e / (xs.inner * len);
    out[e] = x[(o * xs.dim + idx[i]) * xs.inner + j];
  }
}

template <class F>
void by_width(DType t, F&& f) {
  switch (dtype_size(t)) {
    case 8: return f(uint64_t{});
    case 4: return f(uint32_t{});
    default: return f(uint8_t{});
  }
}

void index_select(const Tensor& x, int axis, const Tensor& idx, const Tensor& out) {
  const Axis3 xs = split_axis(x.shape(), axis);
  check_indices(idx, xs.dim, "index_select");
  const int64_t total = out.numel();
  if (total == 0) return;
  by_width(x.dtype(), [&](auto w) {
    using W = decltype(w);
    index_select_kernel<W><<<blocks_for(total), kThreads, 0, stream_for(x.device())>>>(
        static_cast<const W*>(x.raw()), idx.data<int32_t>(), static_cast<W*>(out.raw()), xs, idx.numel(), total);
  });
  check_launch("index_select");
}

template <class T>
__global__ void index_add_kernel(T* out, const int32_t* idx, const T* src, Axis3 os, int64_t len) {
  DV_CUDA_LOOP(col, os.outer * os.inner) {
    const int64_t o = col / os.inner, j = col % os.inner;
    for (int64_t i = 0; i < len; ++i) out[(o * os.dim + idx[i]) * os.inner + j] += src[(o * len + i) * os.inner + j];
  }
}

void index_add(const Tensor& out, int axis, const Tensor& idx, const Tensor& src) {
  const Axis3 os = split_axis(out.shape(), axis);
  check_indices(idx, os.dim, "index_add");
  if (os.outer * os.inner == 0 || idx.numel() == 0) return;
  dispatch_float(out.dtype(), [&](auto z) {
    using T = decltype(z);
    index_add_kernel<T><<<blocks_for(os.outer * os.inner), kThreads, 0, stream_for(out.device())>>>(
        out.data<T>(), idx.data<int32_t>(), src.data<T>(), os, idx.numel());
  });
  check_launch("index_add");
}

template <class W>
__global__ void gather_kernel(const W* x, const int32_t* idx, W* out, Axis3 xs, Axis3 is, int64_t total) {
  DV_CUDA_LOOP(w, total) {
    const int64_t j = w % is.inner, o = w / (is.inner * is.dim);
    out[w] = x[(o * xs.dim + idx[w]) * xs.inner + j];
  }
}

void gather(const Tensor& x, int axis, const Tensor& idx, const Tensor& out) {
  check_indices(idx, x.dim(axis), "gather");
  const int64_t total = out.numel();
  if (total == 0) return;
  const Axis3 xs = split_axis(x.shape(), axis), is = split_axis(idx.shape(), axis);
  by_width(x.dtype(), [&](auto w) {
    using W = decltype(w);
    gather_kernel<W><<<blocks_for(total), kThreads, 0, stream_for(x.device())>>>(
        static_cast<const W*>(x.raw()), idx.data<int32_t>(), static_cast<W*>(out.raw()), xs, is, total);
  });
  check_launch("gather");
}

template <class T>
__global__ void scatter_add_kernel(T* out, const int32_t* idx, const T* src, Axis3 os, Axis3 is) {
  DV_CUDA_LOOP(col, is.outer * is.inner) {
    const int64_t o = col / is.inner, j = col % is.inner;
    for (int64_t i = 0; i < is.dim; ++i) {
      const int64_t w = (o * is.dim + i) * is.inner + j;
      out[(o * os.dim + idx[w]) * os.inner + j] += src[w];
    }
  }
}

void scatter_add(const Tensor& out, int axis, const Tensor& idx, const Tensor& src) {
  check_indices(idx, out.dim(axis), "scatter_add");
  const Axis3 os = split_axis(out.shape(), axis), is = split_axis(idx.shape(), axis);
  if (is.outer * is.inner == 0 || is.dim == 0) return;
  dispatch_float(out.dtype(), [&](auto z) {
    using T = decltype(z);
    scatter_add_kernel<T><<<blocks_for(is.outer * is.inner), kThreads, 0, stream_for(out.device())>>>(
        out.data<T>(), idx.data<int32_t>(), src.data<T>(), os, is);
  });
  check_launch("scatter_add");
}

BackendRegistrar reg(DeviceKind::CUDA, [](Backend& b) {
  b.index_select = index_select;
  b.index_add = index_add;
  b.gather = gather;
  b.scatter_add = scatter_add;
});

}  // namespace
}  // namespace dv::cuda
