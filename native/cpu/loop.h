// Strided iteration over N operands of one shape, with dimensions coalesced so that the
// inner loop is as long as possible. Operand 0 is usually the (contiguous) output.
#pragma once
#include <array>
#include <cstdint>
#include "../core/tensor.h"
#include "../kernels/strided.h"
#include "parallel.h"

namespace dv::cpu {

// Calls row(ptrs, count, inner_strides) for the elements [begin, end) of the flattened
// iteration space, one piece of a row at a time. ptrs are typed by the caller via base+offset.
template <int N, class Row>
void run_range(const Loop<N>& L, const std::array<char*, N>& base, const std::array<int64_t, N>& elem_size,
               int64_t begin, int64_t end, Row&& row) {
  const int last = L.nd - 1;
  const int64_t inner = L.size[last];
  std::array<int64_t, kMaxDims> idx{};
  int64_t outer = begin / inner, col = begin % inner;
  for (int d = last - 1; d >= 0; --d) {
    idx[d] = outer % L.size[d];
    outer /= L.size[d];
  }
  std::array<int64_t, N> inner_stride;
  for (int k = 0; k < N; ++k) inner_stride[k] = L.stride[k][last];
  int64_t pos = begin;
  while (pos < end) {
    int64_t count = std::min(inner - col, end - pos);
    std::array<char*, N> p;
    for (int k = 0; k < N; ++k) {
      int64_t off = col * L.stride[k][last];
      for (int d = 0; d < last; ++d) off += idx[d] * L.stride[k][d];
      p[k] = base[k] + off * elem_size[k];
    }
    row(p, count, inner_stride);
    pos += count;
    col = 0;
    for (int d = last - 1; d >= 0; --d) {
      if (++idx[d] < L.size[d]) break;
      idx[d] = 0;
    }
  }
}

// Elements per thread below which elementwise work stays on one thread.
constexpr int64_t kElementwiseGrain = 32768;

template <int N, class Row>
void for_each(const Shape& shape, const std::array<Tensor, N>& ts, Row&& row, int64_t grain = kElementwiseGrain) {
  // Fast path: every operand contiguous with the full shape, or a single element. Then the
  // whole range is one row and the coalescing below (and its zeroed index arrays, a large
  // part of a tiny op's cost) is not needed.
  const int64_t total = numel(shape);
  std::array<int64_t, N> flat_stride;
  bool flat = true;
  for (int k = 0; k < N && flat; ++k) {
    if (ts[k].numel() == 1) {
      flat_stride[k] = 0;
    } else {
      flat_stride[k] = 1;
      flat = ts[k].numel() == total && ts[k].is_contiguous();
    }
  }
  if (flat) {
    parallel_for(total, grain, [&](int64_t b, int64_t e) {
      std::array<char*, N> p;
      for (int k = 0; k < N; ++k)
        p[k] = static_cast<char*>(ts[k].raw()) + b * flat_stride[k] * static_cast<int64_t>(dtype_size(ts[k].dtype()));
      row(p, e - b, flat_stride);
    });
    return;
  }
  std::array<Strides, N> strides;
  std::array<char*, N> base;
  std::array<int64_t, N> esize;
  for (int k = 0; k < N; ++k) {
    strides[k] = broadcast_strides(ts[k].shape(), ts[k].strides(), shape);
    base[k] = static_cast<char*>(ts[k].raw());
    esize[k] = static_cast<int64_t>(dtype_size(ts[k].dtype()));
  }
  Loop<N> L = make_loop<N>(shape, strides);
  parallel_for(numel(shape), grain, [&](int64_t b, int64_t e) { run_range<N>(L, base, esize, b, e, row); });
}

}  // namespace dv::cpu
