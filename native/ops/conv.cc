// im2col and col2im: the patches of an NCHW image batch as columns [N, C*kh*kw, Hout*Wout],
// and back, summing overlaps. Both are linear and each is the other's VJP, so derivatives of
// every order come for free; conv2d and conv_transpose2d (TypeScript) are these plus matmul.
// Attrs: dims = {kh, kw, sh, sw, ph, pw, dh, dw}; col2im also reads i0, i1 = the image's
// H, W, and i2 = 1 to say they were given.
#include <climits>
#include "../kernels/backend.h"
#include "../kernels/conv_geometry.h"
#include "autograd.h"
#include "ops.h"

namespace dv {
namespace {

constexpr int64_t kMaxParam = INT32_MAX;

void check_params(const Attrs& a, const char* op) {
  const Dims& p = a.dims;
  DV_CHECK(p.n == 8, ErrorCode::InvalidArgument, op, ": expects 8 geometry values [kh, kw, sh, sw, ph, pw, dh, dw], got ",
           p);
  static const char* const kNames[4] = {"kernel size", "stride", "padding", "dilation"};
  for (int k = 0; k < 4; ++k) {
    const int64_t lo = k == 2 ? 0 : 1;
    for (int axis = 0; axis < 2; ++axis) {
      const int64_t v = p[2 * k + axis];
      DV_CHECK(v >= lo && v <= kMaxParam, ErrorCode::InvalidArgument, op, ": ", kNames[k], " must be ",
               lo == 0 ? "non-negative" : "positive", " (and at most ", kMaxParam, "), got ", v, " along ",
               axis == 0 ? "height" : "width");
    }
  }
}

// The validated geometry of an n x c x h x w image batch under the op's parameters.
ConvGeometry geometry(const Attrs& a, int64_t n, int64_t c, int64_t h, int64_t w, const char* op) {
  check_params(a, op);
  const Dims& p = a.dims;
  ConvGeometry g;
  g.n = n, g.c = c, g.h = h, g.w = w;
  g.kh = p[0], g.kw = p[1], g.sh = p[2], g.sw = p[3], g.ph = p[4], g.pw = p[5], g.dh = p[6], g.dw = p[7];
  DV_CHECK(h >= 1 && w >= 1, ErrorCode::ShapeMismatch, op, ": the image size must be positive, got ", h, "x", w);
  g.hout = conv_output_size(h, g.kh, g.sh, g.ph, g.dh);
  g.wout = conv_output_size(w, g.kw, g.sw, g.pw, g.dw);
  DV_CHECK(g.hout >= 1 && g.wout >= 1, ErrorCode::ShapeMismatch, op, ": a ", g.kh, "x", g.kw, " kernel with dilation ",
           g.dh, "x", g.dw, " does not fit a ", h, "x", w, " image padded by ", g.ph, "x", g.pw);
  int64_t rows = 0, positions = 0;
  DV_CHECK(!__builtin_mul_overflow(c, g.kh * g.kw, &rows) && !__builtin_mul_overflow(g.hout, g.wout, &positions),
           ErrorCode::InvalidArgument, op, ": the columns would be too large");
  return g;
}

// x with contiguous H x W planes (the kernels' contract), copying only when it has none.
Tensor with_contiguous_planes(const Tensor& x) {
  const Strides& s = x.strides();
  if ((x.dim(3) == 1 || s[3] == 1) && (x.dim(2) == 1 || s[2] == x.dim(3))) return x;
  Tensor c = empty(x.shape(), x.dtype(), x.device());
  backend(x.device()).copy(x, c);
  return c;
}

// cols with contiguous rows (the kernels' contract), copying only when it has none.
Tensor with_contiguous_rows(const Tensor& cols) {
  if (cols.dim(2) == 1 || cols.strides()[2] == 1) return cols;
  Tensor c = empty(cols.shape(), cols.dtype(), cols.device());
  backend(cols.device()).copy(cols, c);
  return c;
}

Meta infer_im2col(const OpDef&, const Tensor* in, int, const Attrs& a) {
  const Tensor& x = in[0];
  require_floating(x, "im2col");
  DV_CHECK(a.i2 == 0, ErrorCode::InvalidArgument, "im2col: takes no image size");
  DV_CHECK(x.ndim() == 4, ErrorCode::ShapeMismatch, "im2col: expects an image batch [N, C, H, W], got ", x.shape());
  ConvGeometry g = geometry(a, x.dim(0), x.dim(1), x.dim(2), x.dim(3), "im2col");
  return {Shape{g.n, g.rows(), g.positions()}, x.dtype(), x.device()};
}

// The columns are stored as [C*kh*kw, N, L] and returned as an [N, C*kh*kw, L] view: conv2d
// then reads them as one [C*kh*kw, N*L] matrix and multiplies the whole batch in one GEMM.
Tensor forward_im2col(const Tensor* in, int, const Attrs& a, const Meta& m) {
  const Tensor x = with_contiguous_planes(in[0]);
  const ConvGeometry g = geometry(a, x.dim(0), x.dim(1), x.dim(2), x.dim(3), "im2col");
  const int64_t n = m.shape[0], rows = m.shape[1], positions = m.shape[2];
  Tensor store = empty(Shape{rows, n, positions}, m.dtype, m.device);
  Tensor cols = make_view(store, m.shape, Strides{positions, n * positions, 1}, 0);
  if (cols.numel() > 0) require_kernel(backend(m.device).im2col, m.device, "im2col")(x, g, cols);
  return cols;
}

Meta infer_col2im(const OpDef&, const Tensor* in, int, const Attrs& a) {
  const Tensor& cols = in[0];
  require_floating(cols, "col2im");
  DV_CHECK(a.i2 == 1, ErrorCode::InvalidArgument, "col2im: needs the image size [H, W]");
  DV_CHECK(cols.ndim() == 3, ErrorCode::ShapeMismatch, "col2im: expects columns [N, C*kh*kw, Hout*Wout], got ",
           cols.shape());
  check_params(a, "col2im");
  const int64_t area = a.dims[0] * a.dims[1];
  DV_CHECK(cols.dim(1) % area == 0, ErrorCode::ShapeMismatch, "col2im: ", cols.dim(1),
           " rows are not a whole number of channels of a ", a.dims[0], "x", a.dims[1], " kernel");
  ConvGeometry g = geometry(a, cols.dim(0), cols.dim(1) / area, a.i0, a.i1, "col2im");
  DV_CHECK(cols.dim(2) == g.positions(), ErrorCode::ShapeMismatch, "col2im: ", cols.dim(2), " columns, but a ", g.h,
           "x", g.w, " image has ", g.hout, "x", g.wout, " = ", g.positions(), " kernel positions");
  return {Shape{g.n, g.c, g.h, g.w}, cols.dtype(), cols.device()};
}

Tensor forward_col2im(const Tensor* in, int, const Attrs& a, const Meta& m) {
  const Tensor cols = with_contiguous_rows(in[0]);
  const ConvGeometry g = geometry(a, m.shape[0], m.shape[1], m.shape[2], m.shape[3], "col2im");
  Tensor x = empty(m.shape, m.dtype, m.device);
  if (x.numel() > 0) require_kernel(backend(m.device).col2im, m.device, "col2im")(cols, g, x);
  return x;
}

void vjp_im2col(BackwardCtx& c) {
  const Shape& s = c.input_shape(0);
  c.grads[0] = ops::col2im(c.grad, c.attrs().dims, s[2], s[3]);
}

void vjp_col2im(BackwardCtx& c) { c.grads[0] = ops::im2col(c.grad, c.attrs().dims); }

const OpDef kIm2col{"im2col", Family::Conv, 1, infer_im2col, forward_im2col, vjp_im2col, 0};
const OpDef kCol2im{"col2im", Family::Conv, 1, infer_col2im, forward_col2im, vjp_col2im, 0};
OpRegistrar reg({&kIm2col, &kCol2im});

}  // namespace

Tensor ops::im2col(const Tensor& x, const Dims& params) {
  Attrs a;
  a.dims = params;
  return apply(kIm2col, {x}, a);
}

Tensor ops::col2im(const Tensor& cols, const Dims& params, int64_t h, int64_t w) {
  Attrs a;
  a.dims = params;
  a.i0 = h;
  a.i1 = w;
  a.i2 = 1;
  return apply(kCol2im, {cols}, a);
}

}  // namespace dv
