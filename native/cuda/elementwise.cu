// CUDA elementwise kernels: unary, binary (with broadcasting) and where. The scalar formulas
// are those of the CPU (kernels/scalar_math.h); one kernel instantiation per op code.
#include <utility>
#include "runtime.cuh"

namespace dv::cuda {
namespace {

using math::apply_binary;
using math::apply_compare;
using math::apply_unary;

// True when every operand is contiguous with out's shape: index i is element i everywhere.
bool dense_like(const Tensor& out, std::initializer_list<const Tensor*> ins) {
  if (!out.is_contiguous()) return false;
  for (const Tensor* t : ins)
    if (t->shape() != out.shape() || !t->is_contiguous()) return false;
  return true;
}

template <class T, UnaryOp OP>
__global__ void unary_dense(const T* x, T* out, int64_t n, T p0, T p1) {
  DV_CUDA_LOOP(i, n) out[i] = apply_unary<T>(OP, x[i], p0, p1);
}

template <class T, UnaryOp OP>
__global__ void unary_strided(Geometry<2> g, const T* x, T* out, int64_t n, T p0, T p1) {
  DV_CUDA_LOOP(i, n) {
    int64_t off[2];
    offsets<2>(g, i, off);
    out[off[0]] = apply_unary<T>(OP, x[off[1]], p0, p1);
  }
}

template <class T, UnaryOp OP>
void unary_typed(const Tensor& x, const Tensor& out, T p0, T p1) {
  const int64_t n = out.numel();
  if (n == 0) return;
  cudaStream_t s = stream_for(out.device());
  if (dense_like(out, {&x})) {
    unary_dense<T, OP><<<blocks_for(n), kThreads, 0, s>>>(x.data<T>(), out.data<T>(), n, p0, p1);
  } else {
    unary_strided<T, OP><<<blocks_for(n), kThreads, 0, s>>>(geometry_of<2>(out.shape(), {&out, &x}), x.data<T>(),
                                                            out.data<T>(), n, p0, p1);
  }
  check_launch("unary");
}

void unary(UnaryOp op, const Tensor& x, const Tensor& out, double p0, double p1) {
  dispatch_float(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    with_op_code<UnaryOp, 0, kUnaryOps>(op, [&](auto code) { unary_typed<T, code>(x, out, T(p0), T(p1)); });
  });
}

// R is the result type (T, or uint8_t for comparisons).
template <class T, class R, BinaryOp OP>
__device__ __forceinline__ R binary_value(T a, T b) {
  if constexpr (std::is_same_v<R, uint8_t>) return apply_compare<T>(OP, a, b);
  else return apply_binary<T>(OP, a, b);
}

template <class T, class R, BinaryOp OP>
__global__ void binary_dense(const T* a, const T* b, R* out, int64_t n) {
  DV_CUDA_LOOP(i, n) out[i] = binary_value<T, R, OP>(a[i], b[i]);
}

template <class T, class R, BinaryOp OP>
__global__ void binary_strided(Geometry<3> g, const T* a, const T* b, R* out, int64_t n) {
  DV_CUDA_LOOP(i, n) {
    int64_t off[3];
    offsets<3>(g, i, off);
    out[off[0]] = binary_value<T, R, OP>(a[off[1]], b[off[2]]);
  }
}

template <class T, class R, BinaryOp OP>
void binary_typed(const Tensor& a, const Tensor& b, const Tensor& out) {
  const int64_t n = out.numel();
  if (n == 0) return;
  cudaStream_t s = stream_for(out.device());
  if (dense_like(out, {&a, &b})) {
    binary_dense<T, R, OP><<<blocks_for(n), kThreads, 0, s>>>(a.data<T>(), b.data<T>(), out.data<R>(), n);
  } else {
    binary_strided<T, R, OP><<<blocks_for(n), kThreads, 0, s>>>(geometry_of<3>(out.shape(), {&out, &a, &b}),
                                                                a.data<T>(), b.data<T>(), out.data<R>(), n);
  }
  check_launch("binary");
}

void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  if (math::is_comparison(op)) {
    dispatch_all(a.dtype(), [&](auto zero) {
      using T = decltype(zero);
      with_op_code<BinaryOp, kFirstCompare, kBinaryOps>(op, [&](auto code) { binary_typed<T, uint8_t, code>(a, b, out); });
    });
  } else {
    dispatch_float(a.dtype(), [&](auto zero) {
      using T = decltype(zero);
      with_op_code<BinaryOp, 0, kFirstCompare>(op, [&](auto code) { binary_typed<T, T, code>(a, b, out); });
    });
  }
}

template <class T>
__global__ void where_kernel(Geometry<4> g, const uint8_t* c, const T* a, const T* b, T* out, int64_t n) {
  DV_CUDA_LOOP(i, n) {
    int64_t off[4];
    offsets<4>(g, i, off);
    out[off[0]] = c[off[1]] ? a[off[2]] : b[off[3]];
  }
}

void where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  const int64_t n = out.numel();
  if (n == 0) return;
  dispatch_all(out.dtype(), [&](auto zero) {
    using T = decltype(zero);
    where_kernel<T><<<blocks_for(n), kThreads, 0, stream_for(out.device())>>>(
        geometry_of<4>(out.shape(), {&out, &cond, &a, &b}), cond.data<uint8_t>(), a.data<T>(), b.data<T>(),
        out.data<T>(), n);
  });
  check_launch("where");
}

template <class T>
__global__ void adam_kernel(math::AdamScalars<T> k, const T* g, const T* m, const T* v, const T* p, T* out, int64_t n) {
  if (p == nullptr) {
    DV_CUDA_LOOP(i, n) math::adam_element<T>(k, g[i], m[i], v[i], out[i], out[n + i], out[2 * n + i]);
  } else {
    DV_CUDA_LOOP(i, n) math::adam_apply_element<T>(k, g[i], m[i], v[i], p[i], out[i], out[n + i], out[2 * n + i]);
  }
}

void adam_step(const Tensor& g, const Tensor& m, const Tensor& v, const Tensor* p, const Tensor& out, double b1,
               double b2, double a, double b) {
  const int64_t n = g.numel();
  if (n == 0) return;
  dispatch_float(g.dtype(), [&](auto zero) {
    using T = decltype(zero);
    adam_kernel<T><<<blocks_for(n), kThreads, 0, stream_for(out.device())>>>(
        math::AdamScalars<T>(b1, b2, a, b), g.data<T>(), m.data<T>(), v.data<T>(),
        p == nullptr ? nullptr : p->data<T>(), out.data<T>(), n);
  });
  check_launch("adam_step");
}

BackendRegistrar reg(DeviceKind::CUDA, [](Backend& b) {
  b.unary = unary;
  b.binary = binary;
  b.where = where;
  b.adam_step = adam_step;
});

}  // namespace
}  // namespace dv::cuda
