// CPU memory: 64-byte aligned buffers (whole cache lines, full-width vector loads).
#include <unistd.h>
#include <cstdlib>
#include <cstring>
#include "../kernels/backend.h"

namespace dv::cpu {
namespace {

// Physical memory: Linux overcommits, so a huge allocation could "succeed" and the process
// be killed when the pages are touched. Refuse what cannot fit instead.
int64_t physical_bytes() {
  static const int64_t bytes = [] {
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && size > 0 ? int64_t(pages) * int64_t(size) : int64_t{1} << 40;
  }();
  return bytes;
}

void* allocate(Device, size_t bytes) {
  const int64_t live = memory_stats(cpu_device()).live_bytes.load();
  if (static_cast<int64_t>(bytes) > physical_bytes() - live)
    fail(ErrorCode::OutOfMemory, "cannot allocate ", bytes, " bytes on the CPU: ", live, " of ", physical_bytes(),
         " bytes are in use");
  void* p = nullptr;
  if (posix_memalign(&p, 64, bytes == 0 ? 64 : bytes) != 0 || p == nullptr)
    fail(ErrorCode::OutOfMemory, "cannot allocate ", bytes, " bytes on the CPU");
  return p;
}

void release(Device, void* p, size_t) { std::free(p); }
void copy_bytes(Device, void* dst, const void* src, size_t n) {
  if (n) std::memcpy(dst, src, n);
}
void synchronize(Device) {}

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
