// CPU memory: 64-byte aligned buffers (whole cache lines, full-width vector loads), with a
// small cache of freed buffers. Buffers of 1 MiB and more are mapped directly: left to malloc,
// glibc raises its mmap threshold to the largest size freed so far and then serves them from
// its heap, which small long-lived objects pin; the heap then only grows (DCGAN's RSS rose by
// about 7 MB per iteration that way). A training step allocates the same sizes every iteration;
// handing a freed buffer back avoids glibc's slow aligned-allocation path and, for large
// buffers, the page faults of memory that glibc returned to the system in between.
#include <sys/mman.h>
#include <unistd.h>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>
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

// Freed buffers by exact (rounded) size. At most 128 MiB in all (DIVERGE_CPU_CACHE_MB
// overrides; 0 turns the cache off), none larger than a quarter of that. Never destroyed: tensors
// may be freed during process exit, after static destructors have run.
class BufferCache {
 public:
  BufferCache() {
    const char* env = std::getenv("DIVERGE_CPU_CACHE_MB");
    const long mb = env != nullptr ? std::strtol(env, nullptr, 10) : 128;
    limit_ = mb > 0 ? size_t(mb) << 20 : 0;
  }
  void* take(size_t bytes) {
    if (limit_ == 0 || bytes > limit_ / 4) return nullptr;
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = free_.find(bytes);
    if (it == free_.end() || it->second.empty()) return nullptr;
    void* p = it->second.back();
    it->second.pop_back();
    cached_ -= bytes;
    return p;
  }
  // Hands every cached buffer to `free_buffer` (empty_cache).
  template <class F>
  void drain(F&& free_buffer) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [bytes, list] : free_)
      for (void* p : list) free_buffer(p, bytes);
    free_.clear();
    cached_ = 0;
  }
  size_t cached() {
    std::lock_guard<std::mutex> lock(mutex_);
    return cached_;
  }
  bool give(void* p, size_t bytes) {
    if (limit_ == 0 || bytes > limit_ / 4) return false;
    std::lock_guard<std::mutex> lock(mutex_);
    if (cached_ + bytes > limit_) return false;
    free_[bytes].push_back(p);
    cached_ += bytes;
    return true;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<size_t, std::vector<void*>> free_;
  size_t cached_ = 0, limit_ = 0;
};

BufferCache& cache() {
  static BufferCache* c = new BufferCache();
  return *c;
}

size_t rounded(size_t bytes) { return bytes == 0 ? 64 : (bytes + 63) / 64 * 64; }

constexpr size_t kMapBytes = size_t{1} << 20;

void* allocate(Device, size_t bytes) {
  const int64_t live = memory_stats(cpu_device()).live_bytes.load();
  if (static_cast<int64_t>(bytes) > physical_bytes() - live)
    fail(ErrorCode::OutOfMemory, "cannot allocate ", bytes, " bytes on the CPU: ", live, " of ", physical_bytes(),
         " bytes are in use");
  const size_t size = rounded(bytes);
  if (void* p = cache().take(size)) return p;
  if (size >= kMapBytes) {
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) fail(ErrorCode::OutOfMemory, "cannot allocate ", bytes, " bytes on the CPU");
    return p;
  }
  void* p = nullptr;
  if (posix_memalign(&p, 64, size) != 0 || p == nullptr)
    fail(ErrorCode::OutOfMemory, "cannot allocate ", bytes, " bytes on the CPU");
  return p;
}

void free_buffer(void* p, size_t size) {
  if (size >= kMapBytes)
    munmap(p, size);
  else
    std::free(p);
}

void release(Device, void* p, size_t bytes) {
  const size_t size = rounded(bytes);
  if (p == nullptr || cache().give(p, size)) return;
  free_buffer(p, size);
}
// Live tensors plus the freed buffers kept for reuse.
int64_t reserved_bytes(Device d) { return memory_stats(d).live_bytes.load() + static_cast<int64_t>(cache().cached()); }
void empty_cache(Device) { cache().drain(free_buffer); }
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
  b.reserved_bytes = reserved_bytes;
  b.empty_cache = empty_cache;
});

}  // namespace
}  // namespace dv::cpu
