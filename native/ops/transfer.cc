// Transfers between devices: to_device copies a tensor to another device (through host memory
// where neither end is the CPU); its gradient goes back the same way.
#include <vector>
#include "../kernels/backend.h"
#include "autograd.h"
#include "ops.h"

namespace dv {
namespace {

int64_t device_code(Device d) { return static_cast<int64_t>(d.kind) * 256 + d.index; }
Device device_of(int64_t code) { return Device{static_cast<DeviceKind>(code / 256), static_cast<int8_t>(code % 256)}; }

Meta infer_to_device(const OpDef& op, const Tensor* in, int, const Attrs& a) {
  backend(a.device);  // DeviceUnavailable before anything is allocated
  return {in[0].shape(), in[0].dtype(), a.device};
}

Tensor forward_to_device(const Tensor* in, int, const Attrs& a, const Meta& m) {
  Tensor x = in[0];
  if (x.device() == m.device) return make_view(x, x.shape(), x.strides(), x.offset());
  if (!x.is_contiguous()) {
    Tensor c = empty(x.shape(), x.dtype(), x.device());
    backend(x.device()).copy(x, c);
    x = c;
  }
  Tensor out = empty(m.shape, m.dtype, m.device);
  const size_t bytes = out.nbytes();
  if (bytes == 0) return out;
  if (x.device().is_cpu()) {
    backend(m.device).from_host(m.device, out.raw(), x.raw(), bytes);
  } else if (m.device.is_cpu()) {
    backend(x.device()).to_host(x.device(), out.raw(), x.raw(), bytes);
  } else {
    std::vector<unsigned char> host(bytes);
    backend(x.device()).to_host(x.device(), host.data(), x.raw(), bytes);
    backend(m.device).from_host(m.device, out.raw(), host.data(), bytes);
  }
  return out;
}

void vjp_to_device(BackwardCtx& c) { c.grads[0] = ops::to_device(c.grad, device_of(c.attrs().i0)); }

const OpDef kToDevice{"to_device", Family::Internal, 1, infer_to_device, forward_to_device, vjp_to_device, 0};
OpRegistrar reg({&kToDevice});

}  // namespace

namespace ops {
Tensor to_device(const Tensor& x, Device device) {
  Attrs a;
  a.device = device;
  a.i0 = device_code(x.device());
  return apply(kToDevice, {x}, a);
}
}  // namespace ops
}  // namespace dv
