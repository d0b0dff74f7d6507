// Tensor handles as JavaScript numbers: slot + generation * 2^24. A disposed or forged
// handle is detected (generation mismatch) and reported, never dereferenced.
#pragma once
#include <cstdint>
#include <vector>
#include "../core/tensor.h"

namespace dv::binding {

class Handles {
 public:
  double put(Tensor t);
  const Tensor& get(double id) const;  // throws UseAfterDispose or InvalidArgument
  bool release(double id);             // false if it was already released (dispose is idempotent)
  int64_t live() const { return live_; }

 private:
  struct Slot {
    Tensor tensor;
    uint32_t generation = 1;
  };
  static constexpr double kSlots = 16777216.0;  // 2^24
  bool decode(double id, uint32_t& slot, uint32_t& generation) const;

  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  int64_t live_ = 0;
};

}  // namespace dv::binding
