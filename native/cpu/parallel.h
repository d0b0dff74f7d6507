// One CPU thread pool for every kernel (OpenBLAS is set to one thread and driven from here).
// Idle workers spin briefly, then block on a condition variable: on shared machines a
// spinning pool waiting for a descheduled peer is many times slower than a blocking one.
#pragma once
#include <cstdint>
#include <type_traits>
#include <utility>

namespace dv::cpu {

int num_threads();
void set_num_threads(int n);  // clamps to [1, 64]

// A non-owning reference to a callable (no allocation, unlike std::function).
class RangeFn {
 public:
  template <class F>
  RangeFn(F& f) : obj_(&f), call_([](void* o, int64_t b, int64_t e) { (*static_cast<F*>(o))(b, e); }) {}
  void operator()(int64_t b, int64_t e) const { call_(obj_, b, e); }

 private:
  void* obj_;
  void (*call_)(void*, int64_t, int64_t);
};

void parallel_for_impl(int64_t n, int64_t grain, RangeFn fn);

// Runs fn(begin, end) over [0, n), in contiguous chunks of at least `grain` items,
// on the calling thread alone when the range is too small to be worth splitting.
template <class F>
void parallel_for(int64_t n, int64_t grain, F&& fn) {
  if (n <= 0) return;
  if (n <= grain || num_threads() == 1) {
    fn(int64_t{0}, n);
    return;
  }
  std::remove_reference_t<F>& ref = fn;
  parallel_for_impl(n, grain, RangeFn(ref));
}

}  // namespace dv::cpu
