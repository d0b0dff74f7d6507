#pragma once
#include <cstddef>
#include <cstdint>

namespace dv {

// Element types. float32 trains, float64 checks gradients; int32 indexes, bool masks.
enum class DType : uint8_t { F32 = 0, F64 = 1, I32 = 2, Bool = 3 };
constexpr int kNumDTypes = 4;

inline size_t dtype_size(DType t) {
  switch (t) {
    case DType::F32: return 4;
    case DType::F64: return 8;
    case DType::I32: return 4;
    case DType::Bool: return 1;
  }
  return 0;
}

inline const char* dtype_name(DType t) {
  switch (t) {
    case DType::F32: return "float32";
    case DType::F64: return "float64";
    case DType::I32: return "int32";
    case DType::Bool: return "bool";
  }
  return "?";
}

inline bool is_floating(DType t) { return t == DType::F32 || t == DType::F64; }

// Calls f with a value of the C++ type for a floating dtype: dispatch_float(t, [&](auto zero) {...}).
template <class F>
auto dispatch_float(DType t, F&& f) {
  if (t == DType::F64) return f(double{});
  return f(float{});
}

// Same for every dtype (bool as uint8_t).
template <class F>
auto dispatch_all(DType t, F&& f) {
  switch (t) {
    case DType::F64: return f(double{});
    case DType::I32: return f(int32_t{});
    case DType::Bool: return f(uint8_t{});
    default: return f(float{});
  }
}

}  // namespace dv
