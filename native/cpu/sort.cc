// CPU argsort: a stable sort of each row; NaN sorts last in either direction.
#include <algorithm>
#include <numeric>
#include "../kernels/backend.h"
#include "parallel.h"

namespace dv::cpu {
namespace {

template <class T>
void argsort_typed(const Tensor& x, const Tensor& out, bool descending) {
  const int64_t n = x.ndim() == 0 ? 1 : x.dim(x.ndim() - 1);
  const int64_t rows = n == 0 ? 0 : x.numel() / n;
  const T* xp = x.data<T>();
  int32_t* op = out.data<int32_t>();
  parallel_for(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(n, 1)), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const T* row = xp + r * n;
      int32_t* idx = op + r * n;
      std::iota(idx, idx + n, 0);
      auto before = [&](int32_t i, int32_t j) {
        T a = row[i], c = row[j];
        if (math::is_nan(a)) return false;
        if (math::is_nan(c)) return true;
        return descending ? a > c : a < c;
      };
      std::stable_sort(idx, idx + n, before);
    }
  });
}

void argsort(const Tensor& x, const Tensor& out, bool descending) {
  dispatch_all(x.dtype(), [&](auto z) { argsort_typed<decltype(z)>(x, out, descending); });
}

BackendRegistrar reg(DeviceKind::CPU, [](Backend& b) { b.argsort = argsort; });

}  // namespace
}  // namespace dv::cpu
