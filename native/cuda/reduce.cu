// CUDA reductions, without atomics and in an order fixed by the shape alone, so a result
// repeats bit for bit. The reduced index space of each output is cut into G chunks (G from the
// reduced length); a chunk is folded either by one block (strided over its threads, then a
// shared-memory tree) when the reduced elements are contiguous, or by one thread walking it in
// order otherwise (then neighbouring threads read neighbouring outputs). A second pass combines
// the G partials of an output in chunk order. Arg-reductions break ties (and pick among NaNs)
// by the smaller position, which makes the combine order-free and matches the CPU's
// first-occurrence rule.
#include "runtime.cuh"

namespace dv::cuda {
namespace {

template <class T>
struct Partial {
  T value;      // sum, extreme, or running maximum (logsumexp)
  T scaled;     // logsumexp: sum of exp(x - value)
  int64_t arg;  // position of the extreme; -1 for the identity
};

template <class T>
__device__ __forceinline__ Partial<T> identity(ReduceOp op) {
  switch (op) {
    case ReduceOp::Max: case ReduceOp::ArgMax: case ReduceOp::LogSumExp: return {T(-INFINITY), T(0), -1};
    case ReduceOp::Min: case ReduceOp::ArgMin: return {T(INFINITY), T(0), -1};
    default: return {T(0), T(0), -1};
  }
}

// a then b: for an extreme, the NaN with the smaller position, else the larger (smaller)
// value, ties to the smaller position.
template <class T>
__device__ __forceinline__ Partial<T> pick(bool larger, const Partial<T>& a, const Partial<T>& b) {
  if (a.arg < 0) return b;
  if (b.arg < 0) return a;
  const bool an = math::is_nan(a.value), bn = math::is_nan(b.value);
  if (an || bn) return an && bn ? (b.arg < a.arg ? b : a) : (an ? a : b);
  if (a.value == b.value) return b.arg < a.arg ? b : a;
  return (larger ? b.value > a.value : b.value < a.value) ? b : a;
}

template <class T>
__device__ __forceinline__ Partial<T> combine(ReduceOp op, const Partial<T>& a, const Partial<T>& b) {
  switch (op) {
    case ReduceOp::Sum: return {a.value + b.value, T(0), -1};
    case ReduceOp::Max: case ReduceOp::ArgMax: return pick(true, a, b);
    case ReduceOp::Min: case ReduceOp::ArgMin: return pick(false, a, b);
    case ReduceOp::LogSumExp: {
      // NaN wins, then +inf; -inf adds nothing (as the CPU's combine).
      const T ninf = T(-INFINITY);
      if (math::is_nan(a.value) || b.value == ninf) return a;
      if (math::is_nan(b.value) || a.value == ninf) return b;
      if (!isfinite(a.value)) return a;
      if (!isfinite(b.value)) return b;
      const T m = a.value > b.value ? a.value : b.value;
      return {m, a.scaled * math::exp_(a.value - m) + b.scaled * math::exp_(b.value - m), -1};
    }
    default: return a;
  }
}

template <class T>
__device__ __forceinline__ Partial<T> element(T v, int64_t pos) { return {v, T(1), pos}; }

struct Plan {
  Geometry<1> kept, red;  // x offsets of output o (row-major kept index) and reduced position r
  int64_t outputs, reduced, chunks, chunk;
};

template <class T>
__device__ __forceinline__ int64_t offset1(const Geometry<1>& g, int64_t i) {
  int64_t off[1];
  offsets<1>(g, i, off);
  return off[0];
}

// Writes output o from its final partial (arg ops write int32).
template <class T>
__device__ __forceinline__ void finish(ReduceOp op, const Partial<T>& p, void* out, int64_t o) {
  if (op == ReduceOp::ArgMax || op == ReduceOp::ArgMin)
    static_cast<int32_t*>(out)[o] = static_cast<int32_t>(p.arg < 0 ? 0 : p.arg);
  else if (op == ReduceOp::LogSumExp)
    static_cast<T*>(out)[o] = isfinite(p.value) ? p.value + math::log_(p.scaled) : p.value;
  else
    static_cast<T*>(out)[o] = p.value;
}

// One thread per (output, chunk), walking the chunk in order.
template <class T>
__global__ void reduce_by_thread(ReduceOp op, const T* x, Plan plan, Partial<T>* partials, void* out) {
  DV_CUDA_LOOP(w, plan.outputs * plan.chunks) {
    const int64_t o = w / plan.chunks, g = w % plan.chunks;
    const T* base = x + offset1<T>(plan.kept, o);
    const int64_t lo = g * plan.chunk, hi = lo + plan.chunk < plan.reduced ? lo + plan.chunk : plan.reduced;
    Partial<T> acc = identity<T>(op);
    for (int64_t r = lo; r < hi; ++r) acc = combine(op, acc, element(base[offset1<T>(plan.red, r)], r));
    if (plan.chunks == 1) finish(op, acc, out, o);
    else partials[w] = acc;
  }
}

// One block per (output, chunk): thread t folds positions t, t + blockDim, ..., then a tree.
template <class T>
__global__ void reduce_by_block(ReduceOp op, const T* x, Plan plan, Partial<T>* partials, void* out) {
  __shared__ Partial<T> tree[kThreads];
  for (int64_t w = blockIdx.x; w < plan.outputs * plan.chunks; w += gridDim.x) {
    const int64_t o = w / plan.chunks, g = w % plan.chunks;
    const T* base = x + offset1<T>(plan.kept, o);
    const int64_t lo = g * plan.chunk, hi = lo + plan.chunk < plan.reduced ? lo + plan.chunk : plan.reduced;
    Partial<T> acc = identity<T>(op);
    for (int64_t r = lo + threadIdx.x; r < hi; r += blockDim.x)
      acc = combine(op, acc, element(base[offset1<T>(plan.red, r)], r));
    tree[threadIdx.x] = acc;
    __syncthreads();
    for (int half = kThreads / 2; half > 0; half /= 2) {
      if (threadIdx.x < half) tree[threadIdx.x] = combine(op, tree[threadIdx.x], tree[threadIdx.x + half]);
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      if (plan.chunks == 1) finish(op, tree[0], out, o);
      else partials[w] = tree[0];
    }
    __syncthreads();
  }
}

template <class T>
__global__ void combine_chunks(ReduceOp op, const Partial<T>* partials, Plan plan, void* out) {
  DV_CUDA_LOOP(o, plan.outputs) {
    Partial<T> acc = partials[o * plan.chunks];
    for (int64_t g = 1; g < plan.chunks; ++g) acc = combine(op, acc, partials[o * plan.chunks + g]);
    finish(op, acc, out, o);
  }
}

constexpr int64_t kChunk = 4096;  // reduced elements per chunk, at least
constexpr int64_t kMaxChunks = 1024;

template <class T>
void reduce_typed(ReduceOp op, const Tensor& x, const Tensor& out, uint32_t axes) {
  Shape kept_shape, red_shape;
  Strides kept_x, red_x;
  for (int d = 0; d < x.ndim(); ++d) {
    if (axes & (1u << d)) red_shape.push_back(x.dim(d)), red_x.push_back(x.strides()[d]);
    else kept_shape.push_back(x.dim(d)), kept_x.push_back(x.strides()[d]);
  }
  Plan plan;
  plan.kept = geometry<1>(kept_shape, {kept_x});
  plan.red = geometry<1>(red_shape, {red_x});
  plan.outputs = numel(kept_shape);
  plan.reduced = numel(red_shape);
  if (plan.outputs == 0) return;
  plan.chunks = std::min<int64_t>(std::max<int64_t>(plan.reduced / kChunk, 1), kMaxChunks);
  plan.chunk = std::max<int64_t>((plan.reduced + plan.chunks - 1) / plan.chunks, 1);
  const Device d = x.device();
  cudaStream_t s = stream_for(d);
  // Partials only when an output has several chunks (else each output is written at once).
  Scratch partials(d, plan.chunks > 1 ? static_cast<size_t>(plan.outputs * plan.chunks) * sizeof(Partial<T>) : 0);
  const int64_t work = plan.outputs * plan.chunks;
  const bool contiguous_run = plan.reduced >= 256 && plan.red.stride[0][plan.red.nd - 1] == 1;
  if (contiguous_run)
    reduce_by_block<T><<<blocks_for(work, 1), kThreads, 0, s>>>(op, x.data<T>(), plan, partials.as<Partial<T>>(), out.raw());
  else
    reduce_by_thread<T><<<blocks_for(work), kThreads, 0, s>>>(op, x.data<T>(), plan, partials.as<Partial<T>>(), out.raw());
  check_launch("reduce");
  if (plan.chunks > 1) {
    combine_chunks<T><<<blocks_for(plan.outputs), kThreads, 0, s>>>(op, partials.as<Partial<T>>(), plan, out.raw());
    check_launch("reduce");
  }
}

void reduce(ReduceOp op, const Tensor& x, const Tensor& out, uint32_t axes) {
  dispatch_float(x.dtype(), [&](auto zero) { reduce_typed<decltype(zero)>(op, x, out, axes); });
}

BackendRegistrar reg(DeviceKind::CUDA, [](Backend& b) { b.reduce = reduce; });

}  // namespace
}  // namespace dv::cuda
