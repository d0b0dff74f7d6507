// What every CUDA kernel file shares: error checks, the stream of a device, launch sizes, and
// strided geometry that a kernel can index. Kernels run on one stream per device (memory.cu),
// so the caching allocator may hand a freed block to the next kernel without waiting: the
// stream orders them.
#pragma once
#include <cuda_runtime.h>
#include <cstdint>
#include "../kernels/backend.h"
#include "../kernels/strided.h"

namespace dv::cuda {

// Turns a CUDA error into a DivergeError (OutOfMemory for allocation failures).
void check(cudaError_t e, const char* what);
// After a launch: a bad configuration or an earlier asynchronous fault surfaces here.
inline void check_launch(const char* what) { check(cudaGetLastError(), what); }

// Makes d the current device and returns its stream (created on first use).
cudaStream_t stream_for(Device d);
// A device buffer for a kernel's scratch space (none for 0 bytes), returned to the pool when it
// goes out of scope (stream-ordered, like every block of the pool).
struct Scratch {
  Device device;
  void* ptr = nullptr;
  size_t bytes = 0;
  Scratch(Device d, size_t n);
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  template <class T>
  T* as() const { return static_cast<T*>(ptr); }
};

constexpr int kThreads = 256;
inline unsigned blocks_for(int64_t n, int threads = kThreads) {
  int64_t b = (n + threads - 1) / threads;
  return static_cast<unsigned>(b < 1 ? 1 : (b > 0x7fffffff ? 0x7fffffff : b));
}

// Grid-stride loop over [0, n): correct for any grid size.
#define DV_CUDA_LOOP(i, n)                                                                   \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); \
       i += static_cast<int64_t>(blockDim.x) * gridDim.x)

// A coalesced strided iteration space (kernels/strided.h) in a form a kernel takes by value.
template <int N>
struct Geometry {
  int nd;
  int64_t size[kMaxDims];
  int64_t stride[N][kMaxDims];
};

template <int N>
Geometry<N> geometry(const Shape& shape, const std::array<Strides, N>& strides) {
  const Loop<N> L = make_loop<N>(shape, strides);
  Geometry<N> g{};
  g.nd = L.nd;
  for (int d = 0; d < L.nd; ++d) {
    g.size[d] = L.size[d];
    for (int k = 0; k < N; ++k) g.stride[k][d] = L.stride[k][d];
  }
  return g;
}

// Geometry of the tensors ts read as `shape` (broadcast strides allowed).
template <int N>
Geometry<N> geometry_of(const Shape& shape, const std::array<const Tensor*, N>& ts) {
  std::array<Strides, N> st;
  for (int k = 0; k < N; ++k) st[k] = broadcast_strides(ts[k]->shape(), ts[k]->strides(), shape);
  return geometry<N>(shape, st);
}

// Element offsets of the i-th element (row-major over the geometry) in each operand.
template <int N>
__device__ __forceinline__ void offsets(const Geometry<N>& g, int64_t i, int64_t (&off)[N]) {
  for (int k = 0; k < N; ++k) off[k] = 0;
  for (int d = g.nd - 1; d >= 0; --d) {
    const int64_t s = g.size[d];
    const int64_t q = i / s, r = i - q * s;
    i = q;
    for (int k = 0; k < N; ++k) off[k] += r * g.stride[k][d];
  }
}

// A tensor read as [outer, dim, inner] around one axis (contiguous tensors only).
struct Axis3 {
  int64_t outer = 1, dim = 1, inner = 1;
};
inline Axis3 split_axis(const Shape& s, int axis) {
  Axis3 a;
  for (int d = 0; d < axis; ++d) a.outer *= s[d];
  a.dim = s[axis];
  for (int d = axis + 1; d < s.n; ++d) a.inner *= s[d];
  return a;
}

}  // namespace dv::cuda
