// Storage: one device buffer, freed through its device's backend when the last view goes.
#pragma once
#include <atomic>
#include <cstddef>
#include <memory>
#include "device.h"

namespace dv {

// Per-device counters behind Tensor.liveCount()/liveBytes() in TypeScript.
struct MemoryStats {
  std::atomic<int64_t> live_tensors{0};
  std::atomic<int64_t> live_bytes{0};
  std::atomic<int64_t> peak_bytes{0};
};
MemoryStats& memory_stats(Device d);

struct Storage {
  void* data = nullptr;
  size_t bytes = 0;
  Device device;

  Storage(size_t bytes, Device device);  // allocates through the device backend
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
};

using StoragePtr = std::shared_ptr<Storage>;

}  // namespace dv
