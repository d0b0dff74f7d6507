// argsort along the last axis (int32, stable, NaN last); s0 != 0 sorts descending. Not
// differentiable itself: the differentiable sort is gather(x, argsort(x)).
#include <climits>
#include "../kernels/backend.h"
#include "ops.h"

namespace dv {
namespace {

Meta infer_argsort(const OpDef& op, const Tensor* in, int, const Attrs&) {
  DV_CHECK(in[0].ndim() >= 1, ErrorCode::ShapeMismatch, op.name, ": needs at least one dimension");
  DV_CHECK(in[0].dim(in[0].ndim() - 1) <= INT32_MAX, ErrorCode::InvalidArgument, op.name, ": axis too long");
  return {in[0].shape(), DType::I32, in[0].device()};
}

Tensor forward_argsort(const Tensor* in, int, const Attrs& a, const Meta& m) {
  Tensor x = in[0];
  Backend& be = backend(m.device);
  if (!x.is_contiguous()) {
    Tensor c = empty(x.shape(), x.dtype(), x.device());
    be.copy(x, c);
    x = c;
  }
  Tensor out = empty(m.shape, m.dtype, m.device);
  require_kernel(be.argsort, m.device, "argsort")(x, out, a.s0 != 0);
  return out;
}

const OpDef kArgsort{"argsort", Family::UnaryParams, 1, infer_argsort, forward_argsort, nullptr, 0};
OpRegistrar reg({&kArgsort});

}  // namespace

Tensor ops::argsort(const Tensor& x, bool descending) {
  Attrs a;
  a.s0 = descending ? 1 : 0;
  return apply(kArgsort, {x}, a);
}

}  // namespace dv
