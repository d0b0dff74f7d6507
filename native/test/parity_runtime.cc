// CUDA random bits, memory, transfers and autograd against the CPU.
#include <cmath>
#include "../ops/autograd.h"
#include "harness.h"

namespace dv::test {
namespace {

DV_TEST(philox_bits_equal_cpu) {
  struct Draw {
    int kind;
    DType dtype;
    double p0, p1;
  };
  const Draw draws[] = {{0, DType::I32, 0, 0},        {1, DType::F32, -1.5, 2.5},   {1, DType::F64, -1.5, 2.5},
                        {2, DType::F32, 0.5, 2},      {2, DType::F64, 0.5, 2},      {3, DType::F32, -1, 2},
                        {3, DType::F64, 3, 9},        {3, DType::F64, -30, -29},    {4, DType::I32, -5, 1000000},
                        {4, DType::I32, -2147483648.0, 2147483648.0}};
  const int64_t sizes[] = {1, 3, 1001, 4099};
  for (const Draw& d : draws)
    for (int64_t n : sizes)
      for (uint32_t key : {0u, 0xdeadbeefu}) {
        const Tensor g = ops::random(d.kind, Shape{n}, d.dtype, gpu(), key, ~key, d.p0, d.p1);
        const Tensor c = ops::random(d.kind, Shape{n}, d.dtype, cpu_device(), key, ~key, d.p0, d.p1);
        expect_bits("kind " + std::to_string(d.kind) + " " + dtype_name(d.dtype) + " n=" + std::to_string(n), g, c);
      }
}

DV_TEST(transfers_round_trip) {
  const Tensor x = ops::permute(uniform(Shape{3, 4, 5}, DType::F64, 40), Dims{2, 0, 1});
  const Tensor g = on(x, gpu());
  DV_EXPECT(g.device() == gpu(), "to_device puts the copy on the GPU");
  expect_bits("round trip", on(g, cpu_device()), ops::contiguous(x));
  if (gpu().is_cpu()) return;
  bool mismatch = false;
  try {
    ops::add(g, x);
  } catch (const DivergeError& e) {
    mismatch = e.code == ErrorCode::DeviceMismatch;
  }
  DV_EXPECT(mismatch, "mixing devices is DeviceMismatch");
}

DV_TEST(caching_allocator_stats) {
  if (gpu().is_cpu()) return;  // the CPU has no cache
  Backend& b = backend(gpu());
  MemoryStats& s = memory_stats(gpu());
  b.empty_cache(gpu());
  const int64_t reserved0 = b.reserved_bytes(gpu()), live0 = s.live_bytes.load();
  {
    Tensor a = empty(Shape{1000}, DType::F32, gpu());
    DV_EXPECT(s.live_bytes.load() == live0 + 4000, "live bytes count the tensor");
    DV_EXPECT(b.reserved_bytes(gpu()) == reserved0 + 4096, "a 4000-byte block is reserved in the 4096 class");
  }
  DV_EXPECT(s.live_bytes.load() == live0, "freeing returns the live bytes");
  DV_EXPECT(b.reserved_bytes(gpu()) == reserved0 + 4096, "the freed block stays cached");
  {
    Tensor again = empty(Shape{900}, DType::F32, gpu());
    DV_EXPECT(b.reserved_bytes(gpu()) == reserved0 + 4096, "a block of the same class is reused");
    Tensor large = empty(Shape{(3 << 20) / 4 + 1}, DType::F32, gpu());
    DV_EXPECT(b.reserved_bytes(gpu()) == reserved0 + 4096 + (4 << 20), "large blocks round to 2 MiB multiples");
  }
  b.empty_cache(gpu());
  DV_EXPECT(b.reserved_bytes(gpu()) == reserved0, "empty_cache hands cached blocks back");
  bool oom = false;
  try {
    Tensor huge = empty(Shape{int64_t{1} << 37}, DType::F32, gpu());  // 512 GiB
  } catch (const DivergeError& e) {
    oom = e.code == ErrorCode::OutOfMemory;
  }
  DV_EXPECT(oom, "an allocation beyond the device is OutOfMemory");
  DV_EXPECT(s.live_bytes.load() == live0, "a failed allocation leaves nothing live");
  expect_bits("allocations work after OutOfMemory", on(ops::full(Shape{10}, 1, DType::F32, gpu()), cpu_device()),
              ops::full(Shape{10}, 1, DType::F32, cpu_device()));
}

// loss = sum(logsumexp(tanh(x w) * sigmoid(x w), 1)); first gradients with create_graph, then
// the gradient of |dloss/dw|^2 with respect to x: both against the CPU in float64.
std::vector<Tensor> second_order(Device d) {
  Tensor x = on(uniform(Shape{8, 5}, DType::F64, 41), d), w = on(uniform(Shape{5, 3}, DType::F64, 42), d);
  set_requires_grad(x, true);
  set_requires_grad(w, true);
  const Tensor h = ops::matmul(x, w);
  const Tensor loss = ops::sum(ops::logsumexp(ops::mul(ops::tanh(h), ops::sigmoid(h)), 2u, false), 1u, false);
  const std::vector<Tensor> g = gradients({loss}, {Tensor()}, {x, w}, true, true);
  const Tensor penalty = ops::sum(ops::mul(g[1], g[1]), 3u, false);
  const std::vector<Tensor> gg = gradients({penalty}, {Tensor()}, {x}, false, false);
  return {g[0], g[1], gg[0]};
}

DV_TEST(autograd_create_graph) {
  const std::vector<Tensor> gpu_grads = second_order(gpu()), cpu_grads = second_order(cpu_device());
  const char* names[] = {"dloss/dx", "dloss/dw", "d|dloss/dw|^2/dx"};
  for (int i = 0; i < 3; ++i) {
    DV_EXPECT(gpu_grads[i].device() == gpu(), "gradients stay on the GPU");
    expect_close(names[i], gpu_grads[i], cpu_grads[i], 1e-11, 1e-12);
  }
  // Gradients through a transfer return to the source device.
  Tensor x = uniform(Shape{4}, DType::F64, 43);
  set_requires_grad(x, true);
  const Tensor y = ops::sum(ops::exp(on(x, gpu())), 1u, false);
  const std::vector<Tensor> g = gradients({y}, {Tensor()}, {x}, false, false);
  DV_EXPECT(g[0].device() == cpu_device(), "the gradient of a transfer is on the source device");
  expect_close("d sum exp(x) / dx through a transfer", g[0], ops::exp(x), 1e-14, 0);
}

}  // namespace
}  // namespace dv::test
