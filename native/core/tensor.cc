#include "tensor.h"
#include "../kernels/backend.h"

namespace dv {

MemoryStats& memory_stats(Device d) {
  static MemoryStats stats[kNumDeviceKinds][8];
  return stats[static_cast<int>(d.kind)][d.index & 7];
}

Storage::Storage(size_t n, Device dev) : bytes(n), device(dev) {
  data = backend(dev).allocate(dev, n);
  MemoryStats& s = memory_stats(dev);
  int64_t live = s.live_bytes.fetch_add(static_cast<int64_t>(n)) + static_cast<int64_t>(n);
  int64_t peak = s.peak_bytes.load();
  while (live > peak && !s.peak_bytes.compare_exchange_weak(peak, live)) {
  }
}

Storage::~Storage() {
  backend(device).release(device, data, bytes);
  memory_stats(device).live_bytes.fetch_sub(static_cast<int64_t>(bytes));
}

TensorImpl::TensorImpl(StoragePtr s, int64_t off, const Shape& sh, const Strides& st, DType dt)
    : storage(std::move(s)), offset(off), shape(sh), strides(st), dtype(dt), device(storage->device) {
  memory_stats(device).live_tensors.fetch_add(1);
}

TensorImpl::~TensorImpl() { memory_stats(device).live_tensors.fetch_sub(1); }

bool Tensor::is_contiguous() const {
  int64_t expected = 1;
  for (int i = ndim() - 1; i >= 0; --i) {
    if (dim(i) == 1) continue;
    if (strides()[i] != expected) return false;
    expected *= dim(i);
  }
  return true;
}

Tensor empty(const Shape& shape, DType dtype, Device device) {
  for (int i = 0; i < shape.n; ++i)
    DV_CHECK(shape[i] >= 0, ErrorCode::InvalidArgument, "negative dimension in shape ", shape);
  constexpr int64_t kMaxBytes = int64_t{1} << 40;  // refuse absurd sizes before asking the allocator
  int64_t n = 1;
  for (int i = 0; i < shape.n; ++i)
    DV_CHECK(!__builtin_mul_overflow(n, shape[i], &n) && n <= kMaxBytes / static_cast<int64_t>(dtype_size(dtype)),
             ErrorCode::OutOfMemory, "tensor of shape ", shape, " (", dtype_name(dtype), ") is too large");
  auto storage = std::make_shared<Storage>(static_cast<size_t>(n) * dtype_size(dtype), device);
  return Tensor(std::make_shared<TensorImpl>(std::move(storage), 0, shape, contiguous_strides(shape), dtype));
}

Tensor make_view(const Tensor& base, const Shape& shape, const Strides& strides, int64_t offset) {
  return Tensor(std::make_shared<TensorImpl>(base.impl()->storage, offset, shape, strides, base.dtype()));
}

}  // namespace dv
