// Elementwise binary ops with NumPy broadcasting, comparisons, and where. The engine sums
// gradients back to each input's shape, so VJPs here return broadcast-shaped gradients.
#include "../kernels/backend.h"
#include "autograd.h"
#include "ops.h"

namespace dv {
namespace {

Meta infer_binary(const OpDef& op, const Tensor* in, int, const Attrs&) {
  require_same_device(in, 2, op.name);
  require_floating(in[0], op.name);
  require_same_dtype(in[0], in[1], op.name);
  return {broadcast_shapes(in[0].shape(), in[1].shape(), op.name), in[0].dtype(), in[0].device()};
}

Meta infer_compare(const OpDef& op, const Tensor* in, int, const Attrs&) {
  require_same_device(in, 2, op.name);
  require_same_dtype(in[0], in[1], op.name);
  return {broadcast_shapes(in[0].shape(), in[1].shape(), op.name), DType::Bool, in[0].device()};
}

template <BinaryOp OP>
Tensor forward_binary(const Tensor* in, int, const Attrs&, const Meta& m) {
  Tensor out = empty(m.shape, m.dtype, m.device);
  backend(m.device).binary(OP, in[0], in[1], out);
  return out;
}

Meta infer_where(const OpDef& op, const Tensor* in, int, const Attrs&) {
  require_same_device(in, 3, "where");
  DV_CHECK(in[0].dtype() == DType::Bool, ErrorCode::DTypeMismatch, "where: condition must be bool, got ",
           dtype_name(in[0].dtype()));
  require_same_dtype(in[1], in[2], "where");
  Shape s = broadcast_shapes(broadcast_shapes(in[0].shape(), in[1].shape(), "where"), in[2].shape(), "where");
  return {s, in[1].dtype(), in[0].device()};
}

Tensor forward_where(const Tensor* in, int, const Attrs&, const Meta& m) {
  Tensor out = empty(m.shape, m.dtype, m.device);
  backend(m.device).where(in[0], in[1], in[2], out);
  return out;
}

using namespace ops;

void vjp_add(BackwardCtx& c) { c.grads[0] = c.grads[1] = c.grad; }
void vjp_sub(BackwardCtx& c) {
  c.grads[0] = c.grad;
  if (c.needs(1)) c.grads[1] = neg(c.grad);
}
void vjp_mul(BackwardCtx& c) {
  if (c.needs(0)) c.grads[0] = mul(c.grad, c.input(1));
  if (c.needs(1)) c.grads[1] = mul(c.grad, c.input(0));
}
void vjp_div(BackwardCtx& c) {
  Tensor b = c.input(1);
  Tensor ga = div(c.grad, b);
  if (c.needs(0)) c.grads[0] = ga;
  if (c.needs(1)) c.grads[1] = neg(mul(ga, div(c.input(0), b)));
}
void vjp_pow(BackwardCtx& c) {  // y = a^b
  Tensor a = c.input(0), b = c.input(1);
  if (c.needs(0)) c.grads[0] = mul(c.grad, mul(b, pow(a, sub(b, scalar_like(b, 1.0)))));
  if (c.needs(1)) {  // dy/db = y log a, taken as 0 where a == 0 (as PyTorch does)
    Tensor dydb = mul(c.output(), log(a));
    c.grads[1] = mul(c.grad, where(eq(a, scalar_like(a, 0.0)), scalar_like(a, 0.0), dydb));
  }
}
// maximum/minimum: the gradient goes to the selected input, split evenly on ties.
void vjp_extreme(BackwardCtx& c, bool is_max) {
  Tensor a = c.input(0), b = c.input(1), zero = scalar_like(c.grad, 0.0), half = mul(c.grad, 0.5);
  Tensor tie = eq(a, b);
  if (c.needs(0)) c.grads[0] = where(is_max ? gt(a, b) : lt(a, b), c.grad, where(tie, half, zero));
  if (c.needs(1)) c.grads[1] = where(is_max ? lt(a, b) : gt(a, b), c.grad, where(tie, half, zero));
}
void vjp_maximum(BackwardCtx& c) { vjp_extreme(c, true); }
void vjp_minimum(BackwardCtx& c) { vjp_extreme(c, false); }
void vjp_mask_positive(BackwardCtx& c) {  // linear in g; piecewise constant in x
  if (c.needs(0)) c.grads[0] = mask_positive(c.grad, c.input(1));
}
// d/dl = sigmoid(l) - y, d/dy = -l.
void vjp_bce_logits(BackwardCtx& c) {
  if (c.needs(0)) c.grads[0] = mul(c.grad, sigmoid_sub(c.input(0), c.input(1)));
  if (c.needs(1)) c.grads[1] = neg(mul(c.grad, c.input(0)));
}
void vjp_sigmoid_sub(BackwardCtx& c) {  // d/dl = s (1 - s), s = sigmoid(l); d/dy = -1
  if (c.needs(0)) {
    Tensor s = sigmoid(c.input(0));
    c.grads[0] = mul(c.grad, mul(s, rsub(s, 1.0)));
  }
  if (c.needs(1)) c.grads[1] = neg(c.grad);
}
void vjp_where(BackwardCtx& c) {
  Tensor cond = c.input(0), zero = scalar_like(c.grad, 0.0);
  if (c.needs(1)) c.grads[1] = where(cond, c.grad, zero);
  if (c.needs(2)) c.grads[2] = where(cond, zero, c.grad);
}

#define DV_BINARY(var, name, OP, vjp, saves) \
  const OpDef var{name, Family::Binary, 2, infer_binary, forward_binary<BinaryOp::OP>, vjp, saves};
DV_BINARY(kAdd, "add", Add, vjp_add, 0)
DV_BINARY(kSub, "sub", Sub, vjp_sub, 0)
DV_BINARY(kMul, "mul", Mul, vjp_mul, kSaveIn0 | kSaveIn1)
DV_BINARY(kDiv, "div", Div, vjp_div, kSaveIn0 | kSaveIn1)
DV_BINARY(kPow, "pow", Pow, vjp_pow, kSaveIn0 | kSaveIn1 | kSaveOut)
DV_BINARY(kMaximum, "maximum", Maximum, vjp_maximum, kSaveIn0 | kSaveIn1)
DV_BINARY(kMinimum, "minimum", Minimum, vjp_minimum, kSaveIn0 | kSaveIn1)
DV_BINARY(kMaskPositive, "mask_positive", MaskPositive, vjp_mask_positive, kSaveIn1)
DV_BINARY(kBceLogits, "bce_logits", BceLogits, vjp_bce_logits, kSaveIn0 | kSaveIn1)
DV_BINARY(kSigmoidSub, "sigmoid_sub", SigmoidSub, vjp_sigmoid_sub, kSaveIn0)
#undef DV_BINARY
#define DV_COMPARE(var, name, OP) \
  const OpDef var{name, Family::Binary, 2, infer_compare, forward_binary<BinaryOp::OP>, nullptr, 0};
DV_COMPARE(kEq, "eq", Eq)
DV_COMPARE(kNe, "ne", Ne)
DV_COMPARE(kLt, "lt", Lt)
DV_COMPARE(kLe, "le", Le)
DV_COMPARE(kGt, "gt", Gt)
DV_COMPARE(kGe, "ge", Ge)
#undef DV_COMPARE
const OpDef kWhere{"where", Family::Where, 3, infer_where, forward_where, vjp_where, kSaveIn0};

OpRegistrar reg({&kAdd, &kSub, &kMul, &kDiv, &kPow, &kMaximum, &kMinimum, &kMaskPositive, &kBceLogits, &kSigmoidSub, &kEq, &kNe, &kLt, &kLe, &kGt,
                 &kGe, &kWhere});

}  // namespace

namespace ops {
Tensor add(const Tensor& a, const Tensor& b) { return apply(kAdd, {a, b}); }
Tensor sub(const Tensor& a, const Tensor& b) { return apply(kSub, {a, b}); }
Tensor mul(const Tensor& a, const Tensor& b) { return apply(kMul, {a, b}); }
Tensor div(const Tensor& a, const Tensor& b) { return apply(kDiv, {a, b}); }
Tensor pow(const Tensor& a, const Tensor& b) { return apply(kPow, {a, b}); }
Tensor maximum(const Tensor& a, const Tensor& b) { return apply(kMaximum, {a, b}); }
Tensor minimum(const Tensor& a, const Tensor& b) { return apply(kMinimum, {a, b}); }
Tensor mask_positive(const Tensor& g, const Tensor& x) { return apply(kMaskPositive, {g, x}); }
Tensor sigmoid_sub(const Tensor& l, const Tensor& y) { return apply(kSigmoidSub, {l, y}); }
Tensor bce_logits(const Tensor& l, const Tensor& y) { return apply(kBceLogits, {l, y}); }
Tensor add(const Tensor& a, double b) { return add(a, scalar_like(a, b)); }
Tensor mul(const Tensor& a, double b) { return mul(a, scalar_like(a, b)); }
Tensor rsub(const Tensor& a, double b) { return sub(scalar_like(a, b), a); }
Tensor eq(const Tensor& a, const Tensor& b) { return apply(kEq, {a, b}); }
Tensor ne(const Tensor& a, const Tensor& b) { return apply(kNe, {a, b}); }
Tensor lt(const Tensor& a, const Tensor& b) { return apply(kLt, {a, b}); }
Tensor le(const Tensor& a, const Tensor& b) { return apply(kLe, {a, b}); }
Tensor gt(const Tensor& a, const Tensor& b) { return apply(kGt, {a, b}); }
Tensor ge(const Tensor& a, const Tensor& b) { return apply(kGe, {a, b}); }
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) { return apply(kWhere, {cond, a, b}); }
}  // namespace ops
}  // namespace dv
