// CUDA device memory and availability. The backend registers itself as available only when
// a device answers, so on a machine without a GPU or driver the Cuda layer fails cleanly.
#include <cuda_runtime.h>
#include "../kernels/backend.h"

namespace dv::cuda {
namespace {

void check(cudaError_t e, const char* what) {
  if (e == cudaErrorMemoryAllocation) fail(ErrorCode::OutOfMemory, what, ": ", cudaGetErrorString(e));
  if (e != cudaSuccess) fail(ErrorCode::Internal, what, ": ", cudaGetErrorString(e));
}

void* allocate(size_t bytes) {
  void* p = nullptr;
  check(cudaMalloc(&p, bytes == 0 ? 256 : bytes), "cudaMalloc");
  return p;
}
void release(void* p, size_t) { cudaFree(p); }
void to_host(void* dst, const void* src, size_t n) { check(cudaMemcpy(dst, src, n, cudaMemcpyDeviceToHost), "copy to host"); }
void from_host(void* dst, const void* src, size_t n) { check(cudaMemcpy(dst, src, n, cudaMemcpyHostToDevice), "copy to device"); }
void synchronize() { check(cudaDeviceSynchronize(), "synchronize"); }

bool device_present() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

BackendRegistrar reg(DeviceKind::CUDA, [](Backend& b) {
  b.name = "cuda";
  b.available = device_present();
  b.allocate = allocate;
  b.release = release;
  b.to_host = to_host;
  b.from_host = from_host;
  b.synchronize = synchronize;
});

}  // namespace
}  // namespace dv::cuda
