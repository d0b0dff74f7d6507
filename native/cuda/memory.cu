// CUDA memory: one stream and one caching pool per device. Blocks are rounded up to size
// classes (powers of two from 512 bytes to 1 MiB, then multiples of 2 MiB) and kept on free
// lists when released, so a training step reuses the previous step's blocks instead of calling
// cudaMalloc/cudaFree (which synchronise the device). Every kernel runs on the device's one
// stream, so a block released by one kernel and handed to the next is safe without a wait.
// An allocation that fails empties the cache and tries once more before OutOfMemory.
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include "runtime.cuh"

namespace dv::cuda {

void check(cudaError_t e, const char* what) {
  if (e == cudaSuccess) return;
  cudaGetLastError();  // clear a non-sticky error so that later calls do not report it again
  if (e == cudaErrorMemoryAllocation) fail(ErrorCode::OutOfMemory, what, ": ", cudaGetErrorString(e));
  fail(ErrorCode::Internal, what, ": ", cudaGetErrorString(e));
}

namespace {

constexpr int kMaxDevices = 8;

struct Pool {
  std::mutex mutex;
  std::atomic<cudaStream_t> stream{nullptr};  // created once, then read without the lock
  std::unordered_map<void*, size_t> live;  // block -> class size
  std::multimap<size_t, void*> cached;     // class size -> free block
  int64_t reserved = 0;                    // bytes obtained from cudaMalloc and not yet freed
};

// Never destroyed: freeing device memory from a static destructor can run after the CUDA
// runtime has shut down.
Pool& pool(Device d) {
  static Pool* pools = new Pool[kMaxDevices];
  return pools[d.index & (kMaxDevices - 1)];
}

size_t size_class(size_t n) {
  constexpr size_t kSmall = size_t{1} << 20, kLarge = size_t{2} << 20;
  if (n <= 512) return 512;
  if (n <= kSmall) {
    size_t c = 512;
    while (c < n) c <<= 1;
    return c;
  }
  return (n + kLarge - 1) / kLarge * kLarge;
}

// Makes d current on this thread (remembered: every launch asks, and only this file sets it).
thread_local int t_current_device = -1;
void select(Device d) {
  if (t_current_device == d.index) return;
  cudaError_t e = cudaSetDevice(d.index);
  if (e != cudaSuccess) {
    cudaGetLastError();
    fail(ErrorCode::DeviceUnavailable, "device ", d.name(), " is not available: ", cudaGetErrorString(e));
  }
  t_current_device = d.index;
}

// Frees every cached block of p (caller holds p.mutex). Waits for the stream first: a cached
// block may still be read by queued kernels.
void release_cached(Pool& p) {
  if (cudaStream_t s = p.stream.load()) cudaStreamSynchronize(s);
  for (auto& [bytes, ptr] : p.cached) {
    cudaFree(ptr);
    p.reserved -= static_cast<int64_t>(bytes);
  }
  p.cached.clear();
}

void* allocate(Device d, size_t bytes) {
  select(d);
  Pool& p = pool(d);
  const size_t c = size_class(bytes);
  std::lock_guard<std::mutex> lock(p.mutex);
  auto hit = p.cached.find(c);
  if (hit != p.cached.end()) {
    void* ptr = hit->second;
    p.cached.erase(hit);
    p.live.emplace(ptr, c);
    return ptr;
  }
  void* ptr = nullptr;
  cudaError_t e = cudaMalloc(&ptr, c);
  if (e == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    release_cached(p);
    e = cudaMalloc(&ptr, c);
  }
  if (e == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    size_t free_b = 0, total_b = 0;
    cudaMemGetInfo(&free_b, &total_b);
    fail(ErrorCode::OutOfMemory, "cannot allocate ", bytes, " bytes on ", d.name(), ": ", p.reserved,
         " bytes reserved by this process, ", free_b, " of ", total_b, " free on the device");
  }
  check(e, "cudaMalloc");
  p.reserved += static_cast<int64_t>(c);
  p.live.emplace(ptr, c);
  return ptr;
}

// Never throws (called from Storage's destructor).
void release(Device d, void* ptr, size_t) {
  Pool& p = pool(d);
  std::lock_guard<std::mutex> lock(p.mutex);
  auto it = p.live.find(ptr);
  if (it == p.live.end()) return;
  p.cached.emplace(it->second, ptr);
  p.live.erase(it);
}

int64_t reserved_bytes(Device d) {
  Pool& p = pool(d);
  std::lock_guard<std::mutex> lock(p.mutex);
  return p.reserved;
}

void empty_cache(Device d) {
  select(d);
  Pool& p = pool(d);
  std::lock_guard<std::mutex> lock(p.mutex);
  release_cached(p);
}

void to_host(Device d, void* dst, const void* src, size_t n) {
  if (n == 0) return;
  cudaStream_t s = stream_for(d);
  check(cudaMemcpyAsync(dst, src, n, cudaMemcpyDeviceToHost, s), "copy to host");
  check(cudaStreamSynchronize(s), "copy to host");
}

void from_host(Device d, void* dst, const void* src, size_t n) {
  if (n == 0) return;
  cudaStream_t s = stream_for(d);
  check(cudaMemcpyAsync(dst, src, n, cudaMemcpyHostToDevice, s), "copy to device");
  check(cudaStreamSynchronize(s), "copy to device");
}

void synchronize(Device d) { check(cudaStreamSynchronize(stream_for(d)), "synchronize"); }

bool device_present() {
  int count = 0;
  const bool ok = cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
  cudaGetLastError();
  return ok;
}

const char* describe() {
  static std::string line;
  if (!device_present()) return "no CUDA device";
  if (line.empty()) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess) return "CUDA device 0 did not answer";
    int runtime = 0;
    cudaRuntimeGetVersion(&runtime);
    line = std::string(prop.name) + "; sm_" + std::to_string(prop.major) + std::to_string(prop.minor) + "; " +
           std::to_string(prop.totalGlobalMem >> 20) + " MiB; CUDA runtime " + std::to_string(runtime / 1000) + "." +
           std::to_string(runtime % 1000 / 10) +
#ifdef DIVERGE_CUBLAS
           "; GEMM cuBLAS";
#else
           "; GEMM tiled kernel (no cuBLAS)";
#endif
  }
  return line.c_str();
}

BackendRegistrar reg(DeviceKind::CUDA, [](Backend& b) {
  b.name = "cuda";
  b.available = device_present();
  b.describe = describe;
  b.allocate = allocate;
  b.release = release;
  b.to_host = to_host;
  b.from_host = from_host;
  b.synchronize = synchronize;
  b.reserved_bytes = reserved_bytes;
  b.empty_cache = empty_cache;
});

}  // namespace

cudaStream_t stream_for(Device d) {
  select(d);
  Pool& p = pool(d);
  if (cudaStream_t s = p.stream.load(std::memory_order_acquire)) return s;
  std::lock_guard<std::mutex> lock(p.mutex);
  cudaStream_t s = p.stream.load();
  if (!s) {
    check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "cudaStreamCreate");
    p.stream.store(s, std::memory_order_release);
  }
  return s;
}

Scratch::Scratch(Device d, size_t n) : device(d), bytes(n) { ptr = n ? allocate(d, n) : nullptr; }
Scratch::~Scratch() {
  if (ptr) release(device, ptr, bytes);
}

}  // namespace dv::cuda
