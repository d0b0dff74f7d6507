#include "backend.h"

namespace dv {

Backend& backend_slot(DeviceKind kind) {
  static Backend slots[kNumDeviceKinds];
  return slots[static_cast<int>(kind)];
}

Backend& backend(Device device) {
  Backend& b = backend_slot(device.kind);
  if (!b.available) fail(ErrorCode::DeviceUnavailable, "device ", device.name(), " is not available on this machine");
  return b;
}

}  // namespace dv
