// Batched matrix product: a[..., m, k] @ b[..., k, n], batch dimensions broadcast; and the
// affine map linear(x, w, b) = x @ w + b with b[n], whose bias is the product's starting value
// (BLAS accumulates onto it: no separate pass over the output to add it).
#include <climits>
#include "../kernels/backend.h"
#include "autograd.h"
#include "ops.h"

namespace dv {
namespace {

Meta infer_matmul(const OpDef& op, const Tensor* in, int, const Attrs&) {
  const Tensor &a = in[0], &b = in[1];
  require_same_device(in, 2, "matmul");
  require_floating(a, "matmul");
  require_same_dtype(a, b, "matmul");
  DV_CHECK(a.ndim() >= 2 && b.ndim() >= 2, ErrorCode::ShapeMismatch, "matmul: operands must be at least 2-D, got ",
           a.shape(), " and ", b.shape());
  const int64_t m = a.dim(a.ndim() - 2), k = a.dim(a.ndim() - 1), k2 = b.dim(b.ndim() - 2), n = b.dim(b.ndim() - 1);
  DV_CHECK(k == k2, ErrorCode::ShapeMismatch, "matmul: inner dimensions differ: ", a.shape(), " @ ", b.shape());
  DV_CHECK(m <= INT_MAX && n <= INT_MAX && k <= INT_MAX, ErrorCode::InvalidArgument, "matmul: dimension too large");
  Shape ba, bb;
  for (int d = 0; d < a.ndim() - 2; ++d) ba.push_back(a.dim(d));
  for (int d = 0; d < b.ndim() - 2; ++d) bb.push_back(b.dim(d));
  Shape out = broadcast_shapes(ba, bb, "matmul");
  out.push_back(m);
  out.push_back(n);
  return {out, a.dtype(), a.device()};
}

Tensor forward_matmul(const Tensor* in, int, const Attrs&, const Meta& m) {
  Tensor out = empty(m.shape, m.dtype, m.device);
  if (out.numel() > 0) backend(m.device).matmul(in[0], in[1], out, false);
  return out;
}

Meta infer_linear(const OpDef& op, const Tensor* in, int, const Attrs& a) {
  Meta m = infer_matmul(op, in, 2, a);
  const Tensor& b = in[2];
  require_same_device(in, 3, "linear");
  require_same_dtype(in[0], b, "linear");
  DV_CHECK(b.ndim() == 1 && b.dim(0) == m.shape[m.shape.n - 1], ErrorCode::ShapeMismatch, "linear: the bias must be [",
           m.shape[m.shape.n - 1], "] for ", in[0].shape(), " @ ", in[1].shape(), ", got ", b.shape());
  return m;
}

Tensor forward_linear(const Tensor* in, int, const Attrs&, const Meta& m) {
  Tensor out = empty(m.shape, m.dtype, m.device);
  if (out.numel() == 0) return out;
  Backend& be = backend(m.device);
  Strides rows;  // the bias repeated down every row: stride 0 but along the last axis
  for (int d = 0; d < m.shape.n; ++d) rows.push_back(d + 1 == m.shape.n ? in[2].strides()[0] : 0);
  be.copy(make_view(in[2], m.shape, rows, in[2].offset()), out);
  be.matmul(in[0], in[1], out, true);
  return out;
}

void vjp_matmul(BackwardCtx& c) {
  using namespace ops;
  if (c.needs(0)) c.grads[0] = matmul(c.grad, transpose_last(c.input(1)));
  if (c.needs(1)) c.grads[1] = matmul(transpose_last(c.input(0)), c.grad);
}
void vjp_linear(BackwardCtx& c) {  // the bias's gradient is summed to [n] by the engine
  vjp_matmul(c);
  if (c.needs(2)) c.grads[2] = c.grad;
}

const OpDef kMatmul{"matmul", Family::Binary, 2, infer_matmul, forward_matmul, vjp_matmul, kSaveIn0 | kSaveIn1};
const OpDef kLinear{"linear", Family::Linear, 3, infer_linear, forward_linear, vjp_linear, kSaveIn0 | kSaveIn1};
OpRegistrar reg({&kMatmul, &kLinear});

}  // namespace

Tensor ops::matmul(const Tensor& a, const Tensor& b) { return apply(kMatmul, {a, b}); }
Tensor ops::linear(const Tensor& x, const Tensor& w, const Tensor& b) { return apply(kLinear, {x, w, b}); }

}  // namespace dv
