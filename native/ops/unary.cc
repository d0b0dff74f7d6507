// Elementwise unary ops: shape rule (same shape, floating dtype), forward, derivative.
#include "../kernels/backend.h"
#include "autograd.h"
#include "ops.h"

namespace dv {
namespace {

Meta infer_unary(const OpDef& op, const Tensor* in, int, const Attrs&) {
  require_floating(in[0], op.name);
  return {in[0].shape(), in[0].dtype(), in[0].device()};
}

Meta infer_clamp(const OpDef& op, const Tensor* in, int n, const Attrs& a) {
  DV_CHECK(a.s0 == a.s0 && a.s1 == a.s1, ErrorCode::InvalidArgument, "clamp: bounds must not be NaN (got ", a.s0, ", ",
           a.s1, ")");
  DV_CHECK(!(a.s0 > a.s1), ErrorCode::InvalidArgument, "clamp: lower bound ", a.s0, " exceeds upper bound ", a.s1);
  return infer_unary(op, in, n, a);
}

template <UnaryOp OP>
Tensor forward_unary(const Tensor* in, int, const Attrs& a, const Meta& m) {
  Tensor out = empty(m.shape, m.dtype, m.device);
  backend(m.device).unary(OP, in[0], out, a.s0, a.s1);
  return out;
}

// x^2 runs as x·x: exact, and faster than the general power on every backend.
Tensor forward_pow_scalar(const Tensor* in, int n, const Attrs& a, const Meta& m) {
  return a.s0 == 2 ? forward_unary<UnaryOp::Square>(in, n, a, m) : forward_unary<UnaryOp::PowScalar>(in, n, a, m);
}

using namespace ops;

void vjp_neg(BackwardCtx& c) { c.grads[0] = neg(c.grad); }
void vjp_exp(BackwardCtx& c) { c.grads[0] = mul(c.grad, c.output()); }
void vjp_log(BackwardCtx& c) { c.grads[0] = div(c.grad, c.input(0)); }
void vjp_log1p(BackwardCtx& c) { c.grads[0] = div(c.grad, add(c.input(0), 1.0)); }
void vjp_expm1(BackwardCtx& c) { c.grads[0] = mul(c.grad, add(c.output(), 1.0)); }
void vjp_sqrt(BackwardCtx& c) { c.grads[0] = div(mul(c.grad, 0.5), c.output()); }
void vjp_rsqrt(BackwardCtx& c) {  // d/dx x^-1/2 = -1/2 y^3
  Tensor y = c.output();
  c.grads[0] = mul(c.grad, mul(pow_scalar(y, 3.0), -0.5));
}
void vjp_abs(BackwardCtx& c) { c.grads[0] = mul(c.grad, sign(c.input(0))); }
void vjp_sign(BackwardCtx&) {}  // zero almost everywhere: no contribution
void vjp_tanh(BackwardCtx& c) {
  Tensor y = c.output();
  c.grads[0] = mul(c.grad, rsub(mul(y, y), 1.0));
}
void vjp_sigmoid(BackwardCtx& c) {
  Tensor y = c.output();
  c.grads[0] = mul(c.grad, mul(y, rsub(y, 1.0)));
}
void vjp_softplus(BackwardCtx& c) { c.grads[0] = mul(c.grad, sigmoid(c.input(0))); }
void vjp_relu(BackwardCtx& c) { c.grads[0] = mask_positive(c.grad, c.output()); }
void vjp_erf(BackwardCtx& c) {  // 2/sqrt(pi) e^{-x^2}
  Tensor x = c.input(0);
  c.grads[0] = mul(c.grad, mul(exp(neg(mul(x, x))), 1.1283791670955126));
}
void vjp_lambert_w(BackwardCtx& c) {  // W' = e^{-W} / (1 + W) (finite at 0, unlike W / (x (1 + W)))
  Tensor w = c.output();
  c.grads[0] = mul(c.grad, div(exp(neg(w)), add(w, 1.0)));
}
void vjp_wright_omega(BackwardCtx& c) {  // ω' = ω / (1 + ω)
  Tensor w = c.output();
  c.grads[0] = mul(c.grad, div(w, add(w, 1.0)));
}
void vjp_sin(BackwardCtx& c) { c.grads[0] = mul(c.grad, cos(c.input(0))); }
void vjp_cos(BackwardCtx& c) { c.grads[0] = neg(mul(c.grad, sin(c.input(0)))); }
void vjp_pow_scalar(BackwardCtx& c) {
  double p = c.attrs().s0;
  if (p == 0) return;
  Tensor x = c.input(0);
  Tensor dydx = p == 1 ? scalar_like(x, 1.0) : (p == 2 ? mul(x, 2.0) : mul(pow_scalar(x, p - 1), p));
  c.grads[0] = mul(c.grad, dydx);
}
void vjp_clamp(BackwardCtx& c) {  // passes the gradient where lo <= x <= hi
  Tensor x = c.input(0), zero = scalar_like(c.grad, 0.0);
  Tensor inside = where(ge(x, scalar_like(x, c.attrs().s0)), c.grad, zero);
  c.grads[0] = where(le(x, scalar_like(x, c.attrs().s1)), inside, zero);
}

#define DV_UNARY(var, name, OP, vjp, saves) \
  const OpDef var{name, Family::Unary, 1, infer_unary, forward_unary<UnaryOp::OP>, vjp, saves};

DV_UNARY(kNeg, "neg", Neg, vjp_neg, 0)
DV_UNARY(kExp, "exp", Exp, vjp_exp, kSaveOut)
DV_UNARY(kLog, "log", Log, vjp_log, kSaveIn0)
DV_UNARY(kLog1p, "log1p", Log1p, vjp_log1p, kSaveIn0)
DV_UNARY(kExpm1, "expm1", Expm1, vjp_expm1, kSaveOut)
DV_UNARY(kSqrt, "sqrt", Sqrt, vjp_sqrt, kSaveOut)
DV_UNARY(kRsqrt, "rsqrt", Rsqrt, vjp_rsqrt, kSaveOut)
DV_UNARY(kAbs, "abs", Abs, vjp_abs, kSaveIn0)
DV_UNARY(kSign, "sign", Sign, vjp_sign, 0)
DV_UNARY(kTanh, "tanh", Tanh, vjp_tanh, kSaveOut)
DV_UNARY(kSigmoid, "sigmoid", Sigmoid, vjp_sigmoid, kSaveOut)
DV_UNARY(kRelu, "relu", Relu, vjp_relu, kSaveOut)
DV_UNARY(kSoftplus, "softplus", Softplus, vjp_softplus, kSaveIn0)
DV_UNARY(kErf, "erf", Erf, vjp_erf, kSaveIn0)
DV_UNARY(kLambertW, "lambert_w", LambertW, vjp_lambert_w, kSaveOut)
DV_UNARY(kWrightOmega, "wright_omega", WrightOmega, vjp_wright_omega, kSaveOut)
DV_UNARY(kSin, "sin", Sin, vjp_sin, kSaveIn0)
DV_UNARY(kCos, "cos", Cos, vjp_cos, kSaveIn0)
#undef DV_UNARY

const OpDef kPowScalar{"pow_scalar", Family::UnaryParams, 1, infer_unary, forward_pow_scalar,
                       vjp_pow_scalar, kSaveIn0};
const OpDef kClamp{"clamp", Family::UnaryParams, 1, infer_clamp, forward_unary<UnaryOp::Clamp>, vjp_clamp, kSaveIn0};

OpRegistrar reg({&kNeg, &kExp, &kLog, &kLog1p, &kExpm1, &kSqrt, &kRsqrt, &kAbs, &kSign, &kTanh, &kSigmoid, &kRelu, &kSoftplus,
                 &kErf, &kLambertW, &kWrightOmega, &kSin, &kCos, &kPowScalar, &kClamp});

}  // namespace

namespace ops {
Tensor neg(const Tensor& x) { return apply(kNeg, {x}); }
Tensor exp(const Tensor& x) { return apply(kExp, {x}); }
Tensor log(const Tensor& x) { return apply(kLog, {x}); }
Tensor log1p(const Tensor& x) { return apply(kLog1p, {x}); }
Tensor expm1(const Tensor& x) { return apply(kExpm1, {x}); }
Tensor sqrt(const Tensor& x) { return apply(kSqrt, {x}); }
Tensor rsqrt(const Tensor& x) { return apply(kRsqrt, {x}); }
Tensor abs(const Tensor& x) { return apply(kAbs, {x}); }
Tensor sign(const Tensor& x) { return apply(kSign, {x}); }
Tensor tanh(const Tensor& x) { return apply(kTanh, {x}); }
Tensor sigmoid(const Tensor& x) { return apply(kSigmoid, {x}); }
Tensor relu(const Tensor& x) { return apply(kRelu, {x}); }
Tensor softplus(const Tensor& x) { return apply(kSoftplus, {x}); }
Tensor sin(const Tensor& x) { return apply(kSin, {x}); }
Tensor erf(const Tensor& x) { return apply(kErf, {x}); }
Tensor lambert_w(const Tensor& x) { return apply(kLambertW, {x}); }
Tensor wright_omega(const Tensor& x) { return apply(kWrightOmega, {x}); }
Tensor cos(const Tensor& x) { return apply(kCos, {x}); }
Tensor pow_scalar(const Tensor& x, double p) {
  Attrs a;
  a.s0 = p;
  return apply(kPowScalar, {x}, a);
}
Tensor clamp(const Tensor& x, double lo, double hi) {
  Attrs a;
  a.s0 = lo;
  a.s1 = hi;
  return apply(kClamp, {x}, a);
}
}  // namespace ops
}  // namespace dv
