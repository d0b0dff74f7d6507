// Reductions over a set of axes, with or without kept (size-1) dimensions.
#include "../kernels/backend.h"
#include "autograd.h"
#include "ops.h"

namespace dv {
namespace {

Shape kept_shape(const Shape& s, uint32_t axes) {
  Shape k = s;
  for (int d = 0; d < s.n; ++d)
    if (axes & (1u << d)) k[d] = 1;
  return k;
}

Shape reduced_shape(const Shape& s, uint32_t axes, bool keepdims) {
  if (keepdims) return kept_shape(s, axes);
  Shape r;
  for (int d = 0; d < s.n; ++d)
    if (!(axes & (1u << d))) r.push_back(s[d]);
  return r;
}

Meta infer_reduce_common(const Tensor* in, const Attrs& a, const char* name, bool needs_elements) {
  const Tensor& x = in[0];
  require_floating(x, name);
  DV_CHECK((a.axes >> x.ndim()) == 0, ErrorCode::InvalidArgument, name, ": axis out of range for ", x.ndim(),
           "-D tensor");
  if (needs_elements)
    for (int d = 0; d < x.ndim(); ++d)
      DV_CHECK(!((a.axes >> d) & 1u) || x.dim(d) > 0, ErrorCode::InvalidArgument, name,
               ": cannot reduce an empty axis ", d);
  return {reduced_shape(x.shape(), a.axes, a.keepdims), x.dtype(), x.device()};
}

template <ReduceOp OP>
Meta infer_reduce(const OpDef& op, const Tensor* in, int, const Attrs& a) {
  const char* name = op.name;
  bool needs_elements = OP != ReduceOp::Sum && OP != ReduceOp::LogSumExp;
  Meta m = infer_reduce_common(in, a, name, needs_elements);
  if (OP == ReduceOp::ArgMax || OP == ReduceOp::ArgMin) m.dtype = DType::I32;
  return m;
}

template <ReduceOp OP>
Tensor forward_reduce(const Tensor* in, int, const Attrs& a, const Meta& m) {
  const Tensor& x = in[0];
  Tensor out = empty(kept_shape(x.shape(), a.axes), m.dtype, m.device);
  backend(m.device).reduce(OP, x, out, a.axes);
  if (a.keepdims) return out;
  return make_view(out, m.shape, contiguous_strides(m.shape), 0);
}

using namespace ops;

// The incoming gradient with the reduced axes restored as size-1 dimensions.
Tensor grad_keepdims(BackwardCtx& c) {
  const Attrs& a = c.attrs();
  return a.keepdims ? c.grad : reshape(c.grad, kept_shape(c.input_shape(0), a.axes));
}

void vjp_sum(BackwardCtx& c) { c.grads[0] = expand(grad_keepdims(c), c.input_shape(0)); }

void vjp_extreme(BackwardCtx& c) {  // shared evenly among the elements that attain the extreme
  Tensor x = c.input(0), g = grad_keepdims(c);
  Tensor y = c.attrs().keepdims ? c.output() : reshape(c.output(), kept_shape(x.shape(), c.attrs().axes));
  Tensor mask = cast(eq(x, y), x.dtype());
  Tensor count = sum(mask, c.attrs().axes, true);
  c.grads[0] = mul(div(g, count), mask);
}

void vjp_logsumexp(BackwardCtx& c) {
  Tensor x = c.input(0), g = grad_keepdims(c);
  Tensor y = c.attrs().keepdims ? c.output() : reshape(c.output(), kept_shape(x.shape(), c.attrs().axes));
  c.grads[0] = mul(g, exp(sub(x, y)));
}

#define DV_REDUCE(var, name, OP, vjp, saves) \
  const OpDef var{name, Family::Reduce, 1, infer_reduce<ReduceOp::OP>, forward_reduce<ReduceOp::OP>, vjp, saves};
DV_REDUCE(kSum, "sum", Sum, vjp_sum, 0)
DV_REDUCE(kAmax, "amax", Max, vjp_extreme, kSaveIn0 | kSaveOut)
DV_REDUCE(kAmin, "amin", Min, vjp_extreme, kSaveIn0 | kSaveOut)
DV_REDUCE(kArgmax, "argmax", ArgMax, nullptr, 0)
DV_REDUCE(kArgmin, "argmin", ArgMin, nullptr, 0)
DV_REDUCE(kLogsumexp, "logsumexp", LogSumExp, vjp_logsumexp, kSaveIn0 | kSaveOut)
#undef DV_REDUCE

OpRegistrar reg({&kSum, &kAmax, &kAmin, &kArgmax, &kArgmin, &kLogsumexp});

Tensor reduce_with(const OpDef& op, const Tensor& x, uint32_t axes, bool keepdims) {
  Attrs a;
  a.axes = axes;
  a.keepdims = keepdims;
  return apply(op, {x}, a);
}

}  // namespace

namespace ops {
uint32_t all_axes(int ndim) { return ndim >= 32 ? ~0u : ((1u << ndim) - 1u); }
Tensor sum(const Tensor& x, uint32_t axes, bool keepdims) { return reduce_with(kSum, x, axes, keepdims); }
Tensor amax(const Tensor& x, uint32_t axes, bool keepdims) { return reduce_with(kAmax, x, axes, keepdims); }
Tensor amin(const Tensor& x, uint32_t axes, bool keepdims) { return reduce_with(kAmin, x, axes, keepdims); }
Tensor argmax(const Tensor& x, uint32_t axes, bool keepdims) { return reduce_with(kArgmax, x, axes, keepdims); }
Tensor argmin(const Tensor& x, uint32_t axes, bool keepdims) { return reduce_with(kArgmin, x, axes, keepdims); }
Tensor logsumexp(const Tensor& x, uint32_t axes, bool keepdims) { return reduce_with(kLogsumexp, x, axes, keepdims); }

Tensor sum_to(const Tensor& g, const Shape& shape) {
  const int lead = g.ndim() - shape.n;
  DV_CHECK(lead >= 0, ErrorCode::Internal, "sum_to: gradient of rank ", g.ndim(), " for input of rank ", shape.n);
  uint32_t axes = 0;
  for (int d = 0; d < g.ndim(); ++d)
    if (d < lead || (shape[d - lead] == 1 && g.dim(d) != 1)) axes |= 1u << d;
  Tensor s = axes ? sum(g, axes, true) : g;
  return s.shape() == shape ? s : reshape(s, shape);
}
}  // namespace ops
}  // namespace dv
