// CUDA argsort: a stable merge sort of each row, bottom-up. In each pass every element finds
// its place in the merged run by a binary search in the other run (left elements before equal
// right ones, which keeps the sort stable), so a pass is one thread per element with no
// synchronisation beyond the pass. NaN sorts last in either direction, as on the CPU, so the
// result equals the CPU's index for index.
#include "runtime.cuh"

namespace dv::cuda {
namespace {

template <class T>
__device__ __forceinline__ bool before(T a, T c, bool descending) {
  if (math::is_nan(a)) return false;
  if (math::is_nan(c)) return true;
  return descending ? a > c : a < c;
}

__global__ void iota_rows(int32_t* out, int64_t n, int64_t total) {
  DV_CUDA_LOOP(e, total) out[e] = static_cast<int32_t>(e % n);
}

// Merges runs of `width` into runs of 2*width in every row.
template <class T>
__global__ void merge_pass(const T* x, const int32_t* in, int32_t* out, int64_t n, int64_t width, int64_t total,
                           bool descending) {
  DV_CUDA_LOOP(e, total) {
    const int64_t r = e / n, p = e % n;
    const T* row = x + r * n;
    const int32_t* src = in + r * n;
    const int64_t start = p / (2 * width) * (2 * width);
    const int64_t mid = start + width < n ? start + width : n;
    const int64_t end = start + 2 * width < n ? start + 2 * width : n;
    const int32_t key = src[p];
    const T v = row[key];
    int64_t lo, hi, rank;
    if (p < mid) {  // left run: count right elements strictly before v
      lo = mid, hi = end;
      while (lo < hi) {
        const int64_t m = (lo + hi) / 2;
        if (before(row[src[m]], v, descending)) lo = m + 1;
        else hi = m;
      }
      rank = (p - start) + (lo - mid);
    } else {  // right run: count left elements not after v
      lo = start, hi = mid;
      while (lo < hi) {
        const int64_t m = (lo + hi) / 2;
        if (!before(v, row[src[m]], descending)) lo = m + 1;
        else hi = m;
      }
      rank = (p - mid) + (lo - start);
    }
    out[r * n + start + rank] = key;
  }
}

void argsort(const Tensor& x, const Tensor& out, bool descending) {
  const int64_t n = x.ndim() == 0 ? 1 : x.dim(x.ndim() - 1);
  const int64_t total = x.numel();
  if (total == 0 || n == 0) return;
  const Device d = x.device();
  cudaStream_t s = stream_for(d);
  Scratch other(d, static_cast<size_t>(total) * sizeof(int32_t));
  int32_t* a = out.data<int32_t>();
  int32_t* b = other.as<int32_t>();
  iota_rows<<<blocks_for(total), kThreads, 0, s>>>(a, n, total);
  check_launch("argsort");
  dispatch_all(x.dtype(), [&](auto z) {
    using T = decltype(z);
    for (int64_t width = 1; width < n; width *= 2) {
      merge_pass<T><<<blocks_for(total), kThreads, 0, s>>>(x.data<T>(), a, b, n, width, total, descending);
      check_launch("argsort");
      std::swap(a, b);
    }
  });
  if (a != out.data<int32_t>())
    check(cudaMemcpyAsync(out.raw(), a, static_cast<size_t>(total) * sizeof(int32_t), cudaMemcpyDeviceToDevice, s),
          "argsort");
}

BackendRegistrar reg(DeviceKind::CUDA, [](Backend& b) { b.argsort = argsort; });

}  // namespace
}  // namespace dv::cuda
