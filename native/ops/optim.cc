// Fused optimizer steps. Not differentiable: an optimizer's update is never differentiated.
// adam_step(g, m, v; b1, b2, a, b) returns one [3, numel] tensor whose rows are m', v' and the
// update u (math::adam_element); adam_apply(g, m, v, p; ...) returns m', v' and p + u (the
// parameters moved in the same pass). The binding hands the rows back as three views.
#include <cmath>
#include "../kernels/backend.h"
#include "ops.h"

namespace dv {
namespace {

Meta infer_adam_step(const OpDef& op, const Tensor* in, int n, const Attrs& a) {
  require_same_device(in, n, op.name);
  require_floating(in[0], op.name);
  for (int i = 1; i < n; ++i) {
    require_same_dtype(in[0], in[i], op.name);
    DV_CHECK(in[i].shape() == in[0].shape(), ErrorCode::ShapeMismatch, op.name,
             n == 3 ? ": g, m and v must have one shape, got " : ": g, m, v and p must have one shape, got ",
             in[0].shape(), " and ", in[i].shape());
  }
  for (double s : {a.s0, a.s1, a.s2, a.s3})
    DV_CHECK(std::isfinite(s), ErrorCode::InvalidArgument, op.name, ": the scalars must be finite, got ", s);
  Shape out;
  out.push_back(3);
  out.push_back(in[0].numel());
  return {out, in[0].dtype(), in[0].device()};
}

Tensor forward_adam_step(const Tensor* in, int n, const Attrs& a, const Meta& m) {
  Backend& be = backend(m.device);
  Tensor dense[4];
  for (int i = 0; i < n; ++i) {
    dense[i] = in[i];
    if (!in[i].is_contiguous()) {
      dense[i] = empty(in[i].shape(), in[i].dtype(), in[i].device());
      be.copy(in[i], dense[i]);
    }
  }
  Tensor out = empty(m.shape, m.dtype, m.device);
  require_kernel(be.adam_step, m.device, "adam_step")(dense[0], dense[1], dense[2], n == 4 ? &dense[3] : nullptr, out,
                                                      a.s0, a.s1, a.s2, a.s3);
  return out;
}

const OpDef kAdamStep{"adam_step", Family::Fused, 3, infer_adam_step, forward_adam_step, nullptr, 0};
const OpDef kAdamApply{"adam_apply", Family::Fused, 4, infer_adam_step, forward_adam_step, nullptr, 0};
OpRegistrar reg({&kAdamStep, &kAdamApply});

}  // namespace
}  // namespace dv
