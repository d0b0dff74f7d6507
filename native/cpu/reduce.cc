// CPU reductions. The reduced index space of each output is cut into fixed blocks of
// kBlock elements whose partial results are combined in block order, so a result does not
// depend on the number of threads: the same input gives the same bits every time.
#include <cmath>
#include <limits>
#include <vector>
#include "../kernels/backend.h"
#include "loop.h"

namespace dv::cpu {
namespace {

constexpr int64_t kBlock = 16384;

template <class T>
struct Partial {
  T value;      // sum, extreme, or block maximum (logsumexp)
  T scaled;     // logsumexp: sum of exp(x - value)
  int64_t arg;  // argmax/argmin: flattened index
};

template <class T>
T sum_row(const T* x, int64_t n, int64_t s) {
  if (s == 1) {
    T lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
      for (int l = 0; l < 8; ++l) lane[l] += x[i + l];
    T acc = ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
    for (; i < n; ++i) acc += x[i];
    return acc;
  }
  T acc = 0;
  for (int64_t i = 0; i < n; ++i) acc += x[i * s];
  return acc;
}

// Folds one row into a partial. `pos` is the flattened reduced index of x[0].
template <class T>
void fold_row(ReduceOp op, Partial<T>& p, const T* x, int64_t n, int64_t s, int64_t pos) {
  switch (op) {
    case ReduceOp::Sum: p.value += sum_row(x, n, s); return;
    case ReduceOp::Max:
    case ReduceOp::ArgMax:
      for (int64_t i = 0; i < n; ++i) {
        T v = x[i * s];
        if (math::is_nan(p.value)) return;
        if (v > p.value || math::is_nan(v)) p.value = v, p.arg = pos + i;
      }
      return;
    case ReduceOp::Min:
    case ReduceOp::ArgMin:
      for (int64_t i = 0; i < n; ++i) {
        T v = x[i * s];
        if (math::is_nan(p.value)) return;
        if (v < p.value || math::is_nan(v)) p.value = v, p.arg = pos + i;
      }
      return;
    case ReduceOp::LogSumExp: {
      T m = p.value;
      for (int64_t i = 0; i < n; ++i) m = math::maximum(m, x[i * s]);
      if (m == -std::numeric_limits<T>::infinity() || !std::isfinite(m)) {
        p.value = m;
        if (!std::isfinite(m) && m != -std::numeric_limits<T>::infinity()) p.scaled = 1;
        return;
      }
      T acc = p.value == -std::numeric_limits<T>::infinity() ? T(0) : p.scaled * math::exp_(p.value - m);
      for (int64_t i = 0; i < n; ++i) acc += math::exp_(x[i * s] - m);
      p.value = m;
      p.scaled = acc;
      return;
    }
    default: return;
  }
}

template <class T>
Partial<T> identity(ReduceOp op) {
  constexpr T inf = std::numeric_limits<T>::infinity();
  switch (op) {
    case ReduceOp::Max: case ReduceOp::ArgMax: return {-inf, 0, -1};
    case ReduceOp::Min: case ReduceOp::ArgMin: return {inf, 0, -1};
    case ReduceOp::LogSumExp: return {-inf, 0, -1};
    default: return {0, 0, -1};
  }
}

template <class T>
void combine(ReduceOp op, Partial<T>& acc, const Partial<T>& b) {
  switch (op) {
    case ReduceOp::Sum: acc.value += b.value; return;
    case ReduceOp::Max: case ReduceOp::ArgMax:
      if (!math::is_nan(acc.value) && (b.value > acc.value || math::is_nan(b.value) || acc.arg < 0)) acc = b;
      return;
    case ReduceOp::Min: case ReduceOp::ArgMin:
      if (!math::is_nan(acc.value) && (b.value < acc.value || math::is_nan(b.value) || acc.arg < 0)) acc = b;
      return;
    case ReduceOp::LogSumExp: {
      // A NaN block makes the result NaN whichever side it is on; then +inf; -inf adds nothing.
      constexpr T ninf = -std::numeric_limits<T>::infinity();
      if (math::is_nan(acc.value) || b.value == ninf) return;
      if (math::is_nan(b.value) || acc.value == ninf) { acc = b; return; }
      if (!std::isfinite(acc.value)) return;
      if (!std::isfinite(b.value)) { acc = b; return; }
      T m = acc.value > b.value ? acc.value : b.value;
      acc.scaled = acc.scaled * math::exp_(acc.value - m) + b.scaled * math::exp_(b.value - m);
      acc.value = m;
      return;
    }
    default: return;
  }
}

// Sums over a strided axis into contiguous outputs (out[j] = sum_i x[i*rs + j], the bias
// gradient of a batch): rows are added to a row of accumulators, which vectorises, instead of
// walking each column with stride rs. Every out[j] is still summed in index order within
// blocks of kBlock rows and the blocks are added in order, exactly as the general path does,
// so the bits are the same; threads split the columns.
template <class T>
void column_sums(const T* x, T* out, int64_t rows, int64_t rs, int64_t cols) {
  const int64_t grain = std::max<int64_t>(16, kElementwiseGrain / std::max<int64_t>(rows, 1));
  parallel_for(cols, grain, [&](int64_t c0, int64_t c1) {
    const int64_t w = c1 - c0;
    std::vector<T> block;
    for (int64_t lo = 0; lo < rows; lo += kBlock) {
      const int64_t hi = std::min(rows, lo + kBlock);
      T* __restrict acc = out + c0;
      if (lo > 0) {
        block.assign(static_cast<size_t>(w), T(0));
        acc = block.data();
      } else {
        std::fill_n(acc, w, T(0));
      }
      for (int64_t i = lo; i < hi; ++i) {
        const T* __restrict row = x + i * rs + c0;
        for (int64_t j = 0; j < w; ++j) acc[j] += row[j];
      }
      if (lo > 0)
        for (int64_t j = 0; j < w; ++j) out[c0 + j] += acc[j];
    }
  });
}

template <class T>
void reduce_typed(ReduceOp op, const Tensor& x, const Tensor& out, uint32_t axes) {
  Shape kept_shape, red_shape;
  Strides kept_x, kept_out, red_x;
  Strides out_strides = contiguous_strides(out.shape());
  for (int d = 0; d < x.ndim(); ++d) {
    if (axes & (1u << d)) {
      red_shape.push_back(x.dim(d));
      red_x.push_back(x.strides()[d]);
    } else {
      kept_shape.push_back(x.dim(d));
      kept_x.push_back(x.strides()[d]);
      kept_out.push_back(out_strides[d]);
    }
  }
  const Loop<2> K = make_loop<2>(kept_shape, {kept_out, kept_x});
  const Loop<1> R = make_loop<1>(red_shape, {red_x});
  const int64_t outputs = numel(kept_shape), reduced = numel(red_shape);
  if (op == ReduceOp::Sum && reduced > 1 && outputs > 1 && R.nd == 1 && R.stride[0][0] != 1 && K.nd == 1 &&
      K.stride[0][0] == 1 && K.stride[1][0] == 1) {
    column_sums(x.data<T>(), out.data<T>(), reduced, R.stride[0][0], outputs);
    return;
  }
  const int64_t blocks = reduced == 0 ? 1 : (reduced + kBlock - 1) / kBlock;
  std::vector<Partial<T>> partials(static_cast<size_t>(outputs * blocks), identity<T>(op));

  // Offsets of output o in out and x (elements), via the kept-dimension loop.
  auto offsets = [&](int64_t o, int64_t& off_out, int64_t& off_x) {
    off_out = off_x = 0;
    for (int d = K.nd - 1; d >= 0; --d) {
      int64_t i = o % K.size[d];
      o /= K.size[d];
      off_out += i * K.stride[0][d];
      off_x += i * K.stride[1][d];
    }
  };
  const std::array<int64_t, 1> esize{static_cast<int64_t>(sizeof(T))};
  const int64_t grain = std::max<int64_t>(1, kElementwiseGrain / std::min(reduced > 0 ? reduced : 1, kBlock));
  parallel_for(outputs * blocks, grain, [&](int64_t begin, int64_t end) {
    for (int64_t w = begin; w < end; ++w) {
      int64_t o = w / blocks, blk = w % blocks, off_out, off_x;
      offsets(o, off_out, off_x);
      Partial<T>& p = partials[static_cast<size_t>(w)];
      int64_t lo = blk * kBlock, hi = std::min(reduced, lo + kBlock), pos = lo;
      if (hi <= lo) continue;
      std::array<char*, 1> base{reinterpret_cast<char*>(x.data<T>() + off_x)};
      run_range<1>(R, base, esize, lo, hi, [&](const std::array<char*, 1>& ptr, int64_t n, const std::array<int64_t, 1>& s) {
        fold_row<T>(op, p, reinterpret_cast<const T*>(ptr[0]), n, s[0], pos);
        pos += n;
      });
    }
  });
  // Combine block partials in order and write each output.
  parallel_for(outputs, 4096, [&](int64_t begin, int64_t end) {
    for (int64_t o = begin; o < end; ++o) {
      Partial<T> acc = partials[static_cast<size_t>(o * blocks)];
      for (int64_t b = 1; b < blocks; ++b) combine(op, acc, partials[static_cast<size_t>(o * blocks + b)]);
      int64_t off_out, off_x;
      offsets(o, off_out, off_x);
      if (op == ReduceOp::ArgMax || op == ReduceOp::ArgMin) {
        out.data<int32_t>()[off_out] = static_cast<int32_t>(acc.arg < 0 ? 0 : acc.arg);
      } else if (op == ReduceOp::LogSumExp) {
        out.data<T>()[off_out] = std::isfinite(acc.value) ? acc.value + math::log_(acc.scaled) : acc.value;
      } else {
        out.data<T>()[off_out] = acc.value;
      }
    }
  });
}

void reduce(ReduceOp op, const Tensor& x, const Tensor& out, uint32_t axes) {
  dispatch_float(x.dtype(), [&](auto zero) { reduce_typed<decltype(zero)>(op, x, out, axes); });
}

BackendRegistrar reg(DeviceKind::CPU, [](Backend& b) { b.reduce = reduce; });

}  // namespace
}  // namespace dv::cpu
