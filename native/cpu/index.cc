// CPU indexing kernels along one axis. The op layer passes contiguous tensors, so each is
// read as [outer, axis, inner]; indices are validated before anything is written.
#include <cstring>
#include "../kernels/backend.h"
#include "parallel.h"

namespace dv::cpu {
namespace {

struct Axis3 {
  int64_t outer = 1, dim = 1, inner = 1;
};

Axis3 split(const Shape& s, int axis) {
  Axis3 a;
  for (int d = 0; d < axis; ++d) a.outer *= s[d];
  a.dim = s[axis];
  for (int d = axis + 1; d < s.n; ++d) a.inner *= s[d];
  return a;
}

void check_indices(const Tensor& idx, int64_t bound, const char* op) {
  const int32_t* p = idx.data<int32_t>();
  for (int64_t i = 0, n = idx.numel(); i < n; ++i)
    DV_CHECK(p[i] >= 0 && p[i] < bound, ErrorCode::InvalidArgument, op, ": index ", p[i], " out of range [0, ", bound,
             ")");
}

void index_select(const Tensor& x, int axis, const Tensor& idx, const Tensor& out) {
  Axis3 xs = split(x.shape(), axis);
  check_indices(idx, xs.dim, "index_select");
  const int64_t len = idx.numel(), esz = static_cast<int64_t>(dtype_size(x.dtype()));
  const char* src = static_cast<const char*>(x.raw());
  char* dst = static_cast<char*>(out.raw());
  const int32_t* ip = idx.data<int32_t>();
  const int64_t row = xs.inner * esz;
  parallel_for(xs.outer * len, std::max<int64_t>(1, 65536 / std::max<int64_t>(row, 1)), [&](int64_t b, int64_t e) {
    for (int64_t w = b; w < e; ++w) {
      int64_t o = w / len, i = w % len;
      std::memcpy(dst + w * row, src + (o * xs.dim + ip[i]) * row, static_cast<size_t>(row));
    }
  });
}

template <class T>
void index_add_typed(const Tensor& out, int axis, const Tensor& idx, const Tensor& src) {
  Axis3 os = split(out.shape(), axis);
  const int64_t len = idx.numel();
  const int32_t* ip = idx.data<int32_t>();
  T* o = out.data<T>();
  const T* s = src.data<T>();
  // Parallel over outer slices only: within one, repeated indices accumulate in index order.
  parallel_for(os.outer, 1, [&](int64_t b, int64_t e) {
    for (int64_t ob = b; ob < e; ++ob)
      for (int64_t i = 0; i < len; ++i) {
        T* dst = o + (ob * os.dim + ip[i]) * os.inner;
        const T* from = s + (ob * len + i) * os.inner;
        for (int64_t j = 0; j < os.inner; ++j) dst[j] += from[j];
      }
  });
}

void index_add(const Tensor& out, int axis, const Tensor& idx, const Tensor& src) {
  check_indices(idx, out.dim(axis), "index_add");
  dispatch_float(out.dtype(), [&](auto z) { index_add_typed<decltype(z)>(out, axis, idx, src); });
}

template <class T>
void gather_typed(const Tensor& x, int axis, const Tensor& idx, const Tensor& out) {
  Axis3 xs = split(x.shape(), axis), is = split(idx.shape(), axis);
  const int32_t* ip = idx.data<int32_t>();
  const T* xp = x.data<T>();
  T* op = out.data<T>();
  parallel_for(is.outer, std::max<int64_t>(1, 65536 / std::max<int64_t>(1, is.dim * is.inner)), [&](int64_t b, int64_t e) {
    for (int64_t o = b; o < e; ++o)
      for (int64_t i = 0; i < is.dim; ++i)
        for (int64_t j = 0; j < is.inner; ++j) {
          int64_t w = (o * is.dim + i) * is.inner + j;
          op[w] = xp[(o * xs.dim + ip[w]) * xs.inner + j];
        }
  });
}

template <class T>
void scatter_add_typed(const Tensor& out, int axis, const Tensor& idx, const Tensor& src) {
  Axis3 os = split(out.shape(), axis), is = split(idx.shape(), axis);
  const int32_t* ip = idx.data<int32_t>();
  const T* sp = src.data<T>();
  T* op = out.data<T>();
  parallel_for(is.outer, 1, [&](int64_t b, int64_t e) {
    for (int64_t o = b; o < e; ++o)
      for (int64_t i = 0; i < is.dim; ++i)
        for (int64_t j = 0; j < is.inner; ++j) {
          int64_t w = (o * is.dim + i) * is.inner + j;
          op[(o * os.dim + ip[w]) * os.inner + j] += sp[w];
        }
  });
}

void gather(const Tensor& x, int axis, const Tensor& idx, const Tensor& out) {
  check_indices(idx, x.dim(axis), "gather");
  dispatch_all(x.dtype(), [&](auto z) { gather_typed<decltype(z)>(x, axis, idx, out); });
}

void scatter_add(const Tensor& out, int axis, const Tensor& idx, const Tensor& src) {
  check_indices(idx, out.dim(axis), "scatter_add");
  dispatch_float(out.dtype(), [&](auto z) { scatter_add_typed<decltype(z)>(out, axis, idx, src); });
}

BackendRegistrar reg(DeviceKind::CPU, [](Backend& b) {
  b.index_select = index_select;
  b.index_add = index_add;
  b.gather = gather;
  b.scatter_add = scatter_add;
});

}  // namespace
}  // namespace dv::cpu
