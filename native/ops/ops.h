// The C++ face of the registry: one function per op, used by VJPs and the binding.
// Composite functions (sum_to, zeros_like, ...) are written from these.
#pragma once
#include <vector>
#include "op.h"

namespace dv::ops {

// Unary
Tensor neg(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor log1p(const Tensor& x);
Tensor expm1(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor rsqrt(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor sign(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor relu(const Tensor& x);
Tensor softplus(const Tensor& x);
Tensor sin(const Tensor& x);
Tensor erf(const Tensor& x);
Tensor lambert_w(const Tensor& x);     // principal branch W0, x >= -1/e
Tensor wright_omega(const Tensor& x);  // ω(u) = W0(e^u), for any real u
Tensor cos(const Tensor& x);
Tensor pow_scalar(const Tensor& x, double p);
Tensor clamp(const Tensor& x, double lo, double hi);

// Binary (NumPy broadcasting); a number operand becomes a 0-d tensor of the other's dtype.
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor pow(const Tensor& a, const Tensor& b);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor mask_positive(const Tensor& g, const Tensor& x);  // x > 0 ? g : 0
Tensor sigmoid_sub(const Tensor& l, const Tensor& y);  // sigmoid(l) - y
Tensor bce_logits(const Tensor& l, const Tensor& y);   // softplus(l) - l y
Tensor add(const Tensor& a, double b);
Tensor mul(const Tensor& a, double b);
Tensor rsub(const Tensor& a, double b);  // b - a
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);

// Reductions over a bit set of axes.
Tensor sum(const Tensor& x, uint32_t axes, bool keepdims);
Tensor amax(const Tensor& x, uint32_t axes, bool keepdims);
Tensor amin(const Tensor& x, uint32_t axes, bool keepdims);
Tensor argmax(const Tensor& x, uint32_t axes, bool keepdims);
Tensor argmin(const Tensor& x, uint32_t axes, bool keepdims);
Tensor logsumexp(const Tensor& x, uint32_t axes, bool keepdims);
uint32_t all_axes(int ndim);

Tensor matmul(const Tensor& a, const Tensor& b);
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b);  // x @ w + b, b: [n]

// Views and copies.
Tensor reshape(const Tensor& x, const Shape& shape);
Tensor permute(const Tensor& x, const Dims& perm);
Tensor transpose_last(const Tensor& x);  // swaps the last two axes
Tensor expand(const Tensor& x, const Shape& shape);
Tensor slice(const Tensor& x, int axis, int64_t start, int64_t stop, int64_t step);
Tensor slice_scatter(const Tensor& src, const Shape& shape, int axis, int64_t start, int64_t stop, int64_t step);
Tensor contiguous(const Tensor& x);
Tensor cast(const Tensor& x, DType dtype);
Tensor concat(const std::vector<Tensor>& xs, int axis);

// Indexing along an axis with int32 indices.
Tensor index_select(const Tensor& x, int axis, const Tensor& idx);
Tensor index_add(const Tensor& base, int axis, const Tensor& idx, const Tensor& src);
Tensor gather(const Tensor& x, int axis, const Tensor& idx);
Tensor scatter_add(const Tensor& base, int axis, const Tensor& idx, const Tensor& src);

// Stable argsort along the last axis (int32; NaN last).
Tensor argsort(const Tensor& x, bool descending);

// Convolution patches (NCHW); params = {kh, kw, sh, sw, ph, pw, dh, dw}. im2col: [N, C, H, W]
// to columns [N, C*kh*kw, Hout*Wout]; col2im, its adjoint: columns to an h x w image batch,
// summing the entries that read each pixel.
Tensor im2col(const Tensor& x, const Dims& params);
Tensor col2im(const Tensor& cols, const Dims& params, int64_t h, int64_t w);

// Creation (never recorded).
Tensor full(const Shape& shape, double value, DType dtype, Device device);
Tensor arange(int64_t n, double start, double step, DType dtype, Device device);
Tensor scalar_like(const Tensor& t, double value);
Tensor zeros_like(const Tensor& t);
Tensor ones_like(const Tensor& t);
Tensor from_host(const void* data, const Shape& shape, DType dtype, Device device);
// Counter-based random draws (kernels/philox.h): `kind` is a prng::RandomKind code; the key is
// (k0, k1); p0, p1 are the kind's parameters. Never recorded.
Tensor random(int kind, const Shape& shape, DType dtype, Device device, uint32_t k0, uint32_t k1, double p0, double p1);

// A copy on another device (differentiable: the gradient returns to x's device).
Tensor to_device(const Tensor& x, Device device);

// Composites.
Tensor sum_to(const Tensor& g, const Shape& shape);  // the un-broadcast of the autograd engine

}  // namespace dv::ops
