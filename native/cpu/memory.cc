// CPU memory: 64-byte aligned buffers (whole cache lines, full-width vector loads).
#include <cstdlib>
#include <cstring>
#include "../kernels/backend.h"

namespace dv::cpu {
namespace {

void* allocate(size_t bytes) {
  void* p = nullptr;
  if (posix_memalign(&p, 64, bytes == 0 ? 64 : bytes) != 0 || p == nullptr)
    fail(ErrorCode::OutOfMemory, "cannot allocate ", bytes, " bytes on the CPU");
  return p;
}

void release(void* p, size_t) { std::free(p); }
void copy_bytes(void* dst, const void* src, size_t n) {
  if (n) std::memcpy(dst, src, n);
}
void synchronize() {}

BackendRegistrar reg(DeviceKind::CPU, [](Backend& b) {
  b.name = "cpu";
  b.available = true;
  b.allocate = allocate;
  b.release = release;
  b.to_host = copy_bytes;
  b.from_host = copy_bytes;
  b.synchronize = synchronize;
});

}  // namespace
}  // namespace dv::cpu
