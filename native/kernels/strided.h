// Strided iteration spaces shared by the CPU and CUDA kernels: N operands of one shape, with
// dimensions coalesced so that the innermost run is as long as possible.
#pragma once
#include <array>
#include <cstdint>
#include "../core/shape.h"

namespace dv {

template <int N>
struct Loop {
  int nd = 0;                                         // >= 1 after make_loop
  std::array<int64_t, kMaxDims> size{};
  std::array<std::array<int64_t, kMaxDims>, N> stride{};  // in elements
  int64_t inner() const { return size[nd - 1]; }
};

// strides[k] are operand k's strides for `shape` (broadcast strides allowed).
template <int N>
Loop<N> make_loop(const Shape& shape, const std::array<Strides, N>& strides) {
  Loop<N> L;
  for (int d = 0; d < shape.n; ++d) {
    if (shape[d] == 1) continue;
    bool merge = L.nd > 0;
    for (int k = 0; k < N && merge; ++k)
      merge = L.stride[k][L.nd - 1] == strides[k][d] * shape[d];
    if (merge) {
      L.size[L.nd - 1] *= shape[d];
      for (int k = 0; k < N; ++k) L.stride[k][L.nd - 1] = strides[k][d];
    } else {
      L.size[L.nd] = shape[d];
      for (int k = 0; k < N; ++k) L.stride[k][L.nd] = strides[k][d];
      ++L.nd;
    }
  }
  if (L.nd == 0) {  // a scalar
    L.nd = 1;
    L.size[0] = 1;
    for (int k = 0; k < N; ++k) L.stride[k][0] = 1;
  }
  return L;
}

}  // namespace dv
