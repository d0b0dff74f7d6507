#include "handles.h"
#include <cmath>
#include <string>

namespace dv::binding {

namespace {
std::string describe(double id) {
  if (std::floor(id) == id && std::fabs(id) < 9007199254740992.0) return std::to_string(static_cast<int64_t>(id));
  return std::to_string(id);
}
}  // namespace

double Handles::put(Tensor t) {
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    DV_CHECK(slots_.size() < static_cast<size_t>(kSlots), ErrorCode::OutOfMemory, "more than 2^24 live tensors");
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  slots_[slot].tensor = std::move(t);
  ++live_;
  return static_cast<double>(slot) + static_cast<double>(slots_[slot].generation) * kSlots;
}

bool Handles::decode(double id, uint32_t& slot, uint32_t& generation) const {
  if (!(id >= 0) || id >= 9007199254740992.0 || std::floor(id) != id) return false;
  double g = std::floor(id / kSlots);
  slot = static_cast<uint32_t>(id - g * kSlots);
  if (g > 4294967295.0) return false;
  generation = static_cast<uint32_t>(g);
  return slot < slots_.size();
}

const Tensor& Handles::get(double id) const {
  uint32_t slot, generation;
  if (!decode(id, slot, generation)) fail(ErrorCode::InvalidArgument, "not a tensor handle: ", describe(id));
  const Slot& s = slots_[slot];
  if (s.generation != generation || !s.tensor.defined())
    fail(ErrorCode::UseAfterDispose, "tensor handle ", describe(id), " was disposed");
  return s.tensor;
}

bool Handles::release(double id) {
  uint32_t slot, generation;
  if (!decode(id, slot, generation)) fail(ErrorCode::InvalidArgument, "not a tensor handle: ", describe(id));
  Slot& s = slots_[slot];
  if (s.generation != generation || !s.tensor.defined()) return false;
  s.tensor = Tensor();
  ++s.generation;  // wraps after 2^32 reuses; ids stay below 2^56, and decode rejects >= 2^53
  if (s.generation >= (1u << 28)) s.generation = 1;
  free_.push_back(slot);
  --live_;
  return true;
}

}  // namespace dv::binding
