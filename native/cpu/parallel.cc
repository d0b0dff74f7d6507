#include "parallel.h"
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace dv::cpu {
namespace {

thread_local bool t_in_pool = false;

inline void cpu_relax() {
#if defined(__x86_64__)
  _mm_pause();
#endif
}

int default_threads() {
  if (const char* env = std::getenv("DIVERGE_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1) return std::min(n, 64);
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(std::min(hw, 64u));
}

// Spin iterations (each a pause instruction) before blocking.
constexpr int kWorkerSpin = 2000;
constexpr int kCallerSpin = 4000;

class Pool {
 public:
  explicit Pool(int threads) { start(threads); }

  int size() const { return size_; }

  void resize(int threads) {
    std::lock_guard<std::mutex> guard(submit_);
    stop();
    start(threads);
  }

  // False when the pool cannot take the job (busy, or called from inside a job).
  bool run(int64_t n, int64_t grain, RangeFn fn) {
    if (t_in_pool) return false;
    std::unique_lock<std::mutex> guard(submit_, std::try_to_lock);
    if (!guard.owns_lock()) return false;
    int64_t chunks = std::min<int64_t>(size_, (n + grain - 1) / grain);
    if (chunks <= 1) return false;
    fn_ = &fn;
    n_ = n;
    remaining_.store(chunks, std::memory_order_relaxed);
    ++generation_;
    // The ticket packs (generation, chunk count, next chunk), so a worker can never take a
    // chunk of one job with the parameters of another.
    {
      std::lock_guard<std::mutex> lk(mu_);
      ticket_.store((generation_ << 40) | (uint64_t(chunks) << 32), std::memory_order_release);
    }
    wake_.notify_all();
    t_in_pool = true;
    drain();
    t_in_pool = false;
    for (int spin = 0; remaining_.load(std::memory_order_acquire) != 0; ++spin) {
      if (spin < kCallerSpin) {
        cpu_relax();
        continue;
      }
      std::unique_lock<std::mutex> lk(mu_);
      done_.wait(lk, [this] { return remaining_.load(std::memory_order_acquire) == 0; });
    }
    return true;
  }

 private:
  static bool has_work(uint64_t t) { return (t & 0xffffffffu) < ((t >> 32) & 0xff); }

  void drain() {
    uint64_t t = ticket_.load(std::memory_order_acquire);
    while (has_work(t)) {
      if (!ticket_.compare_exchange_weak(t, t + 1, std::memory_order_acq_rel)) continue;
      int64_t c = static_cast<int64_t>(t & 0xffffffffu), chunks = static_cast<int64_t>((t >> 32) & 0xff);
      (*fn_)(n_ * c / chunks, n_ * (c + 1) / chunks);
      if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lk(mu_);
        done_.notify_all();
      }
      t = ticket_.load(std::memory_order_acquire);
    }
  }

  void work() {
    t_in_pool = true;
    for (;;) {
      for (int spin = 0; spin < kWorkerSpin; ++spin) {
        if (has_work(ticket_.load(std::memory_order_acquire)) || stopping_.load(std::memory_order_relaxed)) break;
        cpu_relax();
      }
      {
        std::unique_lock<std::mutex> lk(mu_);
        wake_.wait(lk, [this] { return stopping_.load() || has_work(ticket_.load(std::memory_order_acquire)); });
        if (stopping_.load()) return;
      }
      drain();
    }
  }

  void start(int threads) {
    size_ = threads;
    stopping_ = false;
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  std::mutex submit_;  // one parallel region at a time
  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> ticket_{0};
  std::atomic<int64_t> remaining_{0};
  uint64_t generation_ = 0;
  int size_ = 1;
  const RangeFn* fn_ = nullptr;
  int64_t n_ = 0;
};

Pool& pool() {
  static Pool* p = new Pool(default_threads());  // never destroyed: no thread joins at process exit
  return *p;
}

}  // namespace

int num_threads() { return pool().size(); }

void set_num_threads(int n) {
  n = std::clamp(n, 1, 64);
  if (n != pool().size()) pool().resize(n);
}

void parallel_for_impl(int64_t n, int64_t grain, RangeFn fn) {
  if (!pool().run(n, grain, fn)) fn(0, n);
}

}  // namespace dv::cpu
