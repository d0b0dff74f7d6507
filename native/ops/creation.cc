// Creation: filled tensors, ranges, and tensors copied from host memory. Never recorded.
#include <cmath>
#include "../kernels/backend.h"
#include "ops.h"

namespace dv {
namespace {

Meta infer_create(const OpDef& op, const Tensor*, int, const Attrs& a) {
  for (int d = 0; d < a.dims.n; ++d)
    DV_CHECK(a.dims[d] >= 0, ErrorCode::InvalidArgument, "negative dimension in shape ", a.dims);
  return {a.dims, a.dtype, a.device};
}

Tensor forward_full(const Tensor*, int, const Attrs& a, const Meta& m) {
  Tensor out = empty(m.shape, m.dtype, m.device);
  backend(m.device).fill(out, a.s0);
  return out;
}

Meta infer_arange(const OpDef& op, const Tensor* in, int n, const Attrs& a) {
  DV_CHECK(a.dims.n == 1, ErrorCode::InvalidArgument, "arange: expects a 1-D shape");
  DV_CHECK(std::isfinite(a.s0) && std::isfinite(a.s1), ErrorCode::InvalidArgument, "arange: start and step must be finite");
  return infer_create(op, in, n, a);
}

Tensor forward_arange(const Tensor*, int, const Attrs& a, const Meta& m) {
  Tensor out = empty(m.shape, m.dtype, m.device);
  backend(m.device).arange(out, a.s0, a.s1);
  return out;
}

const OpDef kFull{"full", Family::Create, 0, infer_create, forward_full, nullptr, 0};
const OpDef kArange{"arange", Family::Create, 0, infer_arange, forward_arange, nullptr, 0};
OpRegistrar reg({&kFull, &kArange});

}  // namespace

namespace ops {
Tensor full(const Shape& shape, double value, DType dtype, Device device) {
  Attrs a;
  a.dims = shape;
  a.s0 = value;
  a.dtype = dtype;
  a.device = device;
  return apply(kFull, nullptr, 0, a);
}
Tensor arange(int64_t n, double start, double step, DType dtype, Device device) {
  Attrs a;
  a.dims = Shape{n};
  a.s0 = start;
  a.s1 = step;
  a.dtype = dtype;
  a.device = device;
  return apply(kArange, nullptr, 0, a);
}
Tensor scalar_like(const Tensor& t, double value) { return full(Shape{}, value, t.dtype(), t.device()); }
Tensor zeros_like(const Tensor& t) { return full(t.shape(), 0.0, t.dtype(), t.device()); }
Tensor ones_like(const Tensor& t) { return full(t.shape(), 1.0, t.dtype(), t.device()); }
Tensor from_host(const void* data, const Shape& shape, DType dtype, Device device) {
  Tensor out = empty(shape, dtype, device);
  backend(device).from_host(device, out.raw(), data, out.nbytes());
  return out;
}
}  // namespace ops
}  // namespace dv
