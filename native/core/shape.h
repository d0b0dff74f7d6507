// Shapes and strides: at most kMaxDims dimensions, held inline (no heap allocation).
#pragma once
#include <array>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include "error.h"

namespace dv {

constexpr int kMaxDims = 8;

struct Dims {
  std::array<int64_t, kMaxDims> v{};
  int n = 0;

  Dims() = default;
  Dims(std::initializer_list<int64_t> xs) {
    DV_CHECK(xs.size() <= kMaxDims, ErrorCode::InvalidArgument, "at most ", kMaxDims, " dimensions");
    for (int64_t x : xs) v[n++] = x;
  }
  static Dims of_size(int n, int64_t fill) {
    Dims d;
    d.n = n;
    for (int i = 0; i < n; ++i) d.v[i] = fill;
    return d;
  }
  int size() const { return n; }
  int64_t operator[](int i) const { return v[i]; }
  int64_t& operator[](int i) { return v[i]; }
  int64_t back() const { return v[n - 1]; }
  void push_back(int64_t x) {
    DV_CHECK(n < kMaxDims, ErrorCode::InvalidArgument, "at most ", kMaxDims, " dimensions");
    v[n++] = x;
  }
  const int64_t* begin() const { return v.data(); }
  const int64_t* end() const { return v.data() + n; }
  bool operator==(const Dims& o) const {
    if (n != o.n) return false;
    for (int i = 0; i < n; ++i)
      if (v[i] != o.v[i]) return false;
    return true;
  }
  bool operator!=(const Dims& o) const { return !(*this == o); }
};

using Shape = Dims;
using Strides = Dims;

inline int64_t numel(const Shape& s) {
  int64_t p = 1;
  for (int i = 0; i < s.n; ++i) p *= s.v[i];
  return p;
}

// No tensor, view or not, may have this many elements: every op on it would take hours, and
// element counts stay far from int64 overflow.
constexpr int64_t kMaxElements = int64_t{1} << 40;

// The element count of s, or -1 when it reaches kMaxElements (or would overflow).
inline int64_t bounded_numel(const Shape& s) {
  int64_t p = 1;
  for (int i = 0; i < s.n; ++i)
    if (s.v[i] == 0) return 0;
  for (int i = 0; i < s.n; ++i)
    if (__builtin_mul_overflow(p, s.v[i], &p) || p >= kMaxElements) return -1;
  return p;
}

inline Strides contiguous_strides(const Shape& s) {
  Strides st = Dims::of_size(s.n, 1);
  int64_t acc = 1;
  for (int i = s.n - 1; i >= 0; --i) {
    st.v[i] = acc;
    acc *= s.v[i] > 0 ? s.v[i] : 1;
  }
  return st;
}

// Normalises a possibly negative axis against ndim; throws InvalidArgument when out of range.
inline int normalize_axis(int64_t axis, int ndim, const char* op) {
  if (axis < 0) axis += ndim;
  DV_CHECK(axis >= 0 && axis < ndim, ErrorCode::InvalidArgument, op, ": axis ", axis,
           " out of range for ", ndim, "-D tensor");
  return static_cast<int>(axis);
}

inline std::ostream& operator<<(std::ostream& out, const Dims& d) {
  out << '[';
  for (int i = 0; i < d.n; ++i) out << (i ? "," : "") << d.v[i];
  return out << ']';
}

// NumPy broadcasting of two shapes; throws ShapeMismatch.
inline Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  int n = a.n > b.n ? a.n : b.n;
  Shape out = Dims::of_size(n, 1);
  for (int i = 0; i < n; ++i) {
    int64_t da = i < n - a.n ? 1 : a.v[i - (n - a.n)];
    int64_t db = i < n - b.n ? 1 : b.v[i - (n - b.n)];
    if (da != db && da != 1 && db != 1) fail(ErrorCode::ShapeMismatch, op, ": shapes ", a, " and ", b, " do not broadcast");
    out.v[i] = da == 1 ? db : da;
  }
  return out;
}

// Strides that read a tensor of shape `s` (strides `st`) as if broadcast to `target`.
inline Strides broadcast_strides(const Shape& s, const Strides& st, const Shape& target) {
  Strides out = Dims::of_size(target.n, 0);
  int off = target.n - s.n;
  for (int i = 0; i < s.n; ++i) out.v[i + off] = s.v[i] == 1 ? 0 : st.v[i];
  return out;
}

}  // namespace dv
