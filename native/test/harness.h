// A small test harness for the CUDA parity tests: named cases, checks that record failures
// and keep going, and helpers that move tensors between devices and compare them.
#pragma once
#include <cstdio>
#include <functional>
#include <string>
#include <vector>
#include "../kernels/backend.h"
#include "../ops/ops.h"

namespace dv::test {

struct Case {
  const char* name;
  std::function<void()> body;
};
std::vector<Case>& cases();
struct Register {
  Register(const char* name, std::function<void()> body) { cases().push_back({name, std::move(body)}); }
};
#define DV_TEST(name)                                      \
  static void name();                                      \
  static ::dv::test::Register name##_registered(#name, name); \
  static void name()

// Records a failure of the running case (printed with the case name at the end).
void failure(const std::string& what);
#define DV_EXPECT(cond, msg)                                                         \
  do {                                                                               \
    if (!(cond)) ::dv::test::failure(std::string(msg) + " [" #cond "] at line " + std::to_string(__LINE__)); \
  } while (0)

// The device under test: cuda:0, or the CPU itself with DIVERGE_PARITY_ON_CPU=1, which checks
// the tests' own logic (every comparison CPU against CPU must pass) where no GPU exists.
bool on_cpu_only();
inline Device gpu() { return on_cpu_only() ? cpu_device() : Device{DeviceKind::CUDA, 0}; }
inline Tensor on(const Tensor& t, Device d) { return ops::to_device(t, d); }

// Host copies of a tensor's elements.
std::vector<double> values(const Tensor& t);   // any dtype, as double
std::vector<unsigned char> bytes(const Tensor& t);  // the raw elements, contiguous

// Uniform draws on the CPU from a fixed key: the inputs of every comparison.
Tensor uniform(const Shape& s, DType t, uint32_t seed, double lo = -2, double hi = 2);

// |got - ref| <= atol + rtol |ref| elementwise (NaN only where ref is NaN; infinities equal).
void expect_close(const std::string& what, const Tensor& got, const Tensor& ref, double rtol, double atol);
// The same elements, bit for bit.
void expect_bits(const std::string& what, const Tensor& got, const Tensor& ref);

// Tolerances against a float64 reference, by the dtype under test.
inline double rtol_for(DType t) { return t == DType::F64 ? 1e-12 : 2e-6; }
inline double atol_for(DType t) { return t == DType::F64 ? 1e-13 : 1e-6; }

}  // namespace dv::test
