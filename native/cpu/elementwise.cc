// CPU elementwise kernels: unary, binary (with broadcasting), where, strided copy/cast, fill.
#include <utility>
#include "../kernels/backend.h"
#include "loop.h"

namespace dv::cpu {
namespace {

using math::apply_binary;
using math::apply_compare;
using math::apply_unary;

template <class T, UnaryOp OP>
void unary_typed(const Tensor& x, const Tensor& out, T p0, T p1) {
  for_each<2>(out.shape(), {out, x}, [=](const std::array<char*, 2>& p, int64_t n, const std::array<int64_t, 2>& s) {
    T* o = reinterpret_cast<T*>(p[0]);
    const T* a = reinterpret_cast<const T*>(p[1]);
    if (s[1] == 1) {
      for (int64_t i = 0; i < n; ++i) o[i] = apply_unary<T>(OP, a[i], p0, p1);
    } else {
      for (int64_t i = 0; i < n; ++i) o[i] = apply_unary<T>(OP, a[i * s[1]], p0, p1);
    }
  });
}

void unary(UnaryOp op, const Tensor& x, const Tensor& out, double p0, double p1) {
  dispatch_float(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    with_op_code<UnaryOp, 0, kUnaryOps>(op, [&](auto code) { unary_typed<T, code>(x, out, T(p0), T(p1)); });
  });
}

template <class T, class R, class F>
void binary_loop(const Tensor& a, const Tensor& b, const Tensor& out, F f) {
  for_each<3>(out.shape(), {out, a, b}, [=](const std::array<char*, 3>& p, int64_t n, const std::array<int64_t, 3>& s) {
    R* o = reinterpret_cast<R*>(p[0]);
    const T* x = reinterpret_cast<const T*>(p[1]);
    const T* y = reinterpret_cast<const T*>(p[2]);
    if (s[1] == 1 && s[2] == 1) {
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
    } else if (s[1] == 1 && s[2] == 0) {
      const T c = y[0];
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], c);
    } else if (s[1] == 0 && s[2] == 1) {
      const T c = x[0];
      for (int64_t i = 0; i < n; ++i) o[i] = f(c, y[i]);
    } else {
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i * s[1]], y[i * s[2]]);
    }
  });
}

void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  if (math::is_comparison(op)) {
    dispatch_all(a.dtype(), [&](auto zero) {
      using T = decltype(zero);
      with_op_code<BinaryOp, kFirstCompare, kBinaryOps>(op, [&](auto code) {
        binary_loop<T, uint8_t>(a, b, out, [](T x, T y) { return apply_compare<T>(decltype(code)::value, x, y); });
      });
    });
  } else {
    dispatch_float(a.dtype(), [&](auto zero) {
      using T = decltype(zero);
      with_op_code<BinaryOp, 0, kFirstCompare>(op, [&](auto code) {
        binary_loop<T, T>(a, b, out, [](T x, T y) { return apply_binary<T>(decltype(code)::value, x, y); });
      });
    });
  }
}

void where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  dispatch_all(out.dtype(), [&](auto zero) {
    using T = decltype(zero);
    for_each<4>(out.shape(), {out, cond, a, b},
                [](const std::array<char*, 4>& p, int64_t n, const std::array<int64_t, 4>& s) {
                  T* o = reinterpret_cast<T*>(p[0]);
                  const uint8_t* c = reinterpret_cast<const uint8_t*>(p[1]);
                  const T* x = reinterpret_cast<const T*>(p[2]);
                  const T* y = reinterpret_cast<const T*>(p[3]);
                  // Contiguous operands, or one side a broadcast scalar (the zero of a masked
                  // gradient): loops the compiler vectorises; the general one does not.
                  if (s[1] == 1 && s[2] == 1 && s[3] == 1) {
                    for (int64_t i = 0; i < n; ++i) o[i] = c[i] ? x[i] : y[i];
                  } else if (s[1] == 1 && s[2] == 1 && s[3] == 0) {
                    const T v = y[0];
                    for (int64_t i = 0; i < n; ++i) o[i] = c[i] ? x[i] : v;
                  } else if (s[1] == 1 && s[2] == 0 && s[3] == 1) {
                    const T v = x[0];
                    for (int64_t i = 0; i < n; ++i) o[i] = c[i] ? v : y[i];
                  } else {
                    for (int64_t i = 0; i < n; ++i) o[i] = c[i * s[1]] ? x[i * s[2]] : y[i * s[3]];
                  }
                });
  });
}

using math::convert;

void copy(const Tensor& src, const Tensor& dst) {
  dispatch_all(src.dtype(), [&](auto zs) {
    using S = decltype(zs);
    dispatch_all(dst.dtype(), [&](auto zd) {
      using D = decltype(zd);
      for_each<2>(dst.shape(), {dst, src}, [](const std::array<char*, 2>& p, int64_t n, const std::array<int64_t, 2>& s) {
        D* o = reinterpret_cast<D*>(p[0]);
        const S* x = reinterpret_cast<const S*>(p[1]);
        if (s[0] == 1 && s[1] == 1) {
          for (int64_t i = 0; i < n; ++i) o[i] = convert<S, D>(x[i]);
        } else {
          for (int64_t i = 0; i < n; ++i) o[i * s[0]] = convert<S, D>(x[i * s[1]]);
        }
      });
    });
  });
}

void fill(const Tensor& out, double value) {
  dispatch_all(out.dtype(), [&](auto zero) {
    using T = decltype(zero);
    T v = convert<double, T>(value);
    T* o = out.data<T>();
    parallel_for(out.numel(), kElementwiseGrain, [=](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) o[i] = v;
    });
  });
}

void arange(const Tensor& out, double start, double step) {
  dispatch_all(out.dtype(), [&](auto zero) {
    using T = decltype(zero);
    T* o = out.data<T>();
    for (int64_t i = 0, n = out.numel(); i < n; ++i) o[i] = convert<double, T>(start + step * double(i));
  });
}

// Restrict parameters (the outputs are fresh rows of `out`; nothing aliases) let the compiler
// vectorise without run-time alias checks, of which six pointers need too many (not inlined:
// GCC drops restrict once the body is inlined into the caller).
template <class T>
__attribute__((noinline)) void adam_range(const math::AdamScalars<T> k, const T* __restrict g, const T* __restrict m,
                                          const T* __restrict v, T* __restrict m1, T* __restrict v1, T* __restrict u,
                                          int64_t lo, int64_t hi) {
  for (int64_t i = lo; i < hi; ++i) math::adam_element<T>(k, g[i], m[i], v[i], m1[i], v1[i], u[i]);
}
template <class T>
__attribute__((noinline)) void adam_apply_range(const math::AdamScalars<T> k, const T* __restrict g,
                                                const T* __restrict m, const T* __restrict v, const T* __restrict p,
                                                T* __restrict m1, T* __restrict v1, T* __restrict p1, int64_t lo,
                                                int64_t hi) {
  for (int64_t i = lo; i < hi; ++i) math::adam_apply_element<T>(k, g[i], m[i], v[i], p[i], m1[i], v1[i], p1[i]);
}

// One pass over g, m and v (and p); each element is independent, so the split across threads
// does not change a bit.
void adam_step(const Tensor& g, const Tensor& m, const Tensor& v, const Tensor* p, const Tensor& out, double b1,
               double b2, double a, double b) {
  dispatch_float(g.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const math::AdamScalars<T> k(b1, b2, a, b);
    const int64_t n = g.numel();
    const T* gp = g.data<T>();
    const T* mp = m.data<T>();
    const T* vp = v.data<T>();
    const T* pp = p == nullptr ? nullptr : p->data<T>();
    T* o = out.data<T>();
    parallel_for(n, kElementwiseGrain, [=](int64_t lo, int64_t hi) {
      if (pp == nullptr)
        adam_range<T>(k, gp, mp, vp, o, o + n, o + 2 * n, lo, hi);
      else
        adam_apply_range<T>(k, gp, mp, vp, pp, o, o + n, o + 2 * n, lo, hi);
    });
  });
}

BackendRegistrar reg(DeviceKind::CPU, [](Backend& b) {
  b.unary = unary;
  b.binary = binary;
  b.where = where;
  b.copy = copy;
  b.fill = fill;
  b.arange = arange;
  b.adam_step = adam_step;
});

}  // namespace
}  // namespace dv::cpu
