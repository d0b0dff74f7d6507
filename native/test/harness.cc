#include "harness.h"
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace dv::test {

bool on_cpu_only() {
  static const bool yes = [] {
    const char* v = std::getenv("DIVERGE_PARITY_ON_CPU");
    return v != nullptr && std::strcmp(v, "1") == 0;
  }();
  return yes;
}

std::vector<Case>& cases() {
  static std::vector<Case> all;
  return all;
}

namespace {
std::vector<std::string> g_failures;
const char* g_current = "";
}  // namespace

void failure(const std::string& what) { g_failures.push_back(std::string(g_current) + ": " + what); }

std::vector<double> values(const Tensor& t) {
  Tensor c = ops::contiguous(ops::cast(on(t, cpu_device()), DType::F64));
  const double* p = c.data<double>();
  return std::vector<double>(p, p + c.numel());
}

std::vector<unsigned char> bytes(const Tensor& t) {
  Tensor c = ops::contiguous(on(t, cpu_device()));
  const unsigned char* p = static_cast<const unsigned char*>(c.raw());
  return std::vector<unsigned char>(p, p + c.nbytes());
}

Tensor uniform(const Shape& s, DType t, uint32_t seed, double lo, double hi) {
  return ops::random(1, s, t, cpu_device(), seed, 0x5eed, lo, hi);
}

void expect_close(const std::string& what, const Tensor& got, const Tensor& ref, double rtol, double atol) {
  if (got.shape() != ref.shape()) return failure(what + ": shapes differ");
  const std::vector<double> g = values(got), r = values(ref);
  double worst = 0;
  int64_t bad = -1;
  for (size_t i = 0; i < g.size(); ++i) {
    const bool ok = std::isnan(r[i]) ? std::isnan(g[i])
                    : std::isinf(r[i]) ? g[i] == r[i]
                                       : std::fabs(g[i] - r[i]) <= atol + rtol * std::fabs(r[i]);
    const double err = std::isfinite(r[i]) ? std::fabs(g[i] - r[i]) : 0;
    if (err > worst) worst = err;
    if (!ok && bad < 0) bad = static_cast<int64_t>(i);
  }
  if (bad >= 0)
    failure(what + ": element " + std::to_string(bad) + " is " + std::to_string(g[bad]) + ", reference " +
            std::to_string(r[bad]) + " (largest error " + std::to_string(worst) + ")");
}

void expect_bits(const std::string& what, const Tensor& got, const Tensor& ref) {
  if (got.shape() != ref.shape() || got.dtype() != ref.dtype()) return failure(what + ": shape or dtype differs");
  const std::vector<unsigned char> g = bytes(got), r = bytes(ref);
  if (g != r) {
    size_t i = 0;
    while (i < g.size() && g[i] == r[i]) ++i;
    failure(what + ": bytes differ from byte " + std::to_string(i));
  }
}

}  // namespace dv::test

namespace {
// Every slot of the CUDA kernel table is filled (checked with or without a GPU).
int missing_cuda_kernels() {
  const dv::Backend& b = dv::backend_slot(dv::DeviceKind::CUDA);
  const std::pair<const char*, const void*> slots[] = {
      {"describe", (const void*)b.describe},       {"allocate", (const void*)b.allocate},
      {"release", (const void*)b.release},         {"to_host", (const void*)b.to_host},
      {"from_host", (const void*)b.from_host},     {"synchronize", (const void*)b.synchronize},
      {"reserved_bytes", (const void*)b.reserved_bytes}, {"empty_cache", (const void*)b.empty_cache},
      {"unary", (const void*)b.unary},             {"binary", (const void*)b.binary},
      {"where", (const void*)b.where},             {"copy", (const void*)b.copy},
      {"fill", (const void*)b.fill},               {"arange", (const void*)b.arange},
      {"reduce", (const void*)b.reduce},           {"matmul", (const void*)b.matmul},
      {"index_select", (const void*)b.index_select}, {"index_add", (const void*)b.index_add},
      {"gather", (const void*)b.gather},           {"scatter_add", (const void*)b.scatter_add},
      {"argsort", (const void*)b.argsort},         {"random", (const void*)b.random},
      {"im2col", (const void*)b.im2col},           {"col2im", (const void*)b.col2im}};
  int missing = 0;
  for (const auto& [name, fn] : slots)
    if (fn == nullptr) std::printf("FAIL the CUDA backend has no %s kernel\n", name), ++missing;
  return missing;
}
}  // namespace

int main() {
  using namespace dv;
  if (missing_cuda_kernels() > 0) return 1;
  if (test::on_cpu_only()) {
    std::printf("DIVERGE_PARITY_ON_CPU=1: the CPU against itself (checks the tests, not CUDA)\n");
  } else if (!backend_slot(DeviceKind::CUDA).available) {
    std::printf("SKIP: no CUDA device on this machine; the parity tests need one\n");
    return 77;
  }
  if (!test::on_cpu_only()) std::printf("CUDA: %s\n", backend_slot(DeviceKind::CUDA).describe());
  int failed = 0;
  for (const test::Case& c : test::cases()) {
    test::g_current = c.name;
    const size_t before = test::g_failures.size();
    try {
      c.body();
    } catch (const DivergeError& e) {
      test::failure(std::string("threw ") + error_code_name(e.code) + ": " + e.what());
    }
    const bool ok = test::g_failures.size() == before;
    failed += ok ? 0 : 1;
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", c.name);
    for (size_t i = before; i < test::g_failures.size(); ++i) std::printf("    %s\n", test::g_failures[i].c_str());
  }
  std::printf("%zu cases, %d failed\n", test::cases().size(), failed);
  return failed == 0 ? 0 : 1;
}
