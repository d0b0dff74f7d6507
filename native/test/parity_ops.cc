// CUDA against the CPU, op by op, on random shapes and values. Floating ops are compared with
// the CPU's float64 result on the same inputs (the CUDA libm rounds differently from the host's
// in the last place); ops that only move, convert or add in a fixed order must match the CPU
// bit for bit.
#include <cmath>
#include "harness.h"

namespace dv::test {
namespace {

using UnaryFn = Tensor (*)(const Tensor&);
using BinaryFn = Tensor (*)(const Tensor&, const Tensor&);
constexpr DType kFloats[] = {DType::F32, DType::F64};

// f on CUDA (dtype t) against f on the CPU in float64, from the same dtype-t inputs.
template <class F>
void compare_unary(const char* name, F f, const Tensor& x, double rtol, double atol) {
  const Tensor got = f(on(x, gpu()));
  const Tensor ref = f(ops::cast(x, DType::F64));
  expect_close(std::string(name) + " " + dtype_name(x.dtype()), got, ref, rtol, atol);
}

DV_TEST(unary_ops) {
  const std::pair<const char*, UnaryFn> any[] = {
      {"neg", ops::neg},   {"exp", ops::exp},         {"expm1", ops::expm1},   {"abs", ops::abs},
      {"sign", ops::sign}, {"tanh", ops::tanh},       {"sigmoid", ops::sigmoid}, {"relu", ops::relu},
      {"sin", ops::sin},   {"cos", ops::cos},         {"erf", ops::erf},       {"wright_omega", ops::wright_omega},
      {"softplus", ops::softplus}};
  const std::pair<const char*, UnaryFn> positive[] = {{"log", ops::log},     {"log1p", ops::log1p},
                                                      {"sqrt", ops::sqrt},   {"rsqrt", ops::rsqrt},
                                                      {"lambert_w", ops::lambert_w}};
  for (DType t : kFloats) {
    const Tensor x = uniform(Shape{37, 29}, t, 1, -3, 3), xp = uniform(Shape{37, 29}, t, 2, 0.01, 5);
    for (auto& [name, f] : any) compare_unary(name, f, x, 4 * rtol_for(t), atol_for(t));
    for (auto& [name, f] : positive) compare_unary(name, f, xp, 4 * rtol_for(t), atol_for(t));
    compare_unary("square", [](const Tensor& v) { return ops::pow_scalar(v, 2); }, x, rtol_for(t), atol_for(t));
    compare_unary("pow 1.5", [](const Tensor& v) { return ops::pow_scalar(v, 1.5); }, xp, 4 * rtol_for(t), atol_for(t));
    compare_unary("clamp", [](const Tensor& v) { return ops::clamp(v, -0.5, 0.75); }, x, 0, 0);
    // A strided (transposed) input.
    compare_unary("exp of transpose", [](const Tensor& v) { return ops::exp(ops::transpose_last(v)); }, x,
                  4 * rtol_for(t), atol_for(t));
  }
}

DV_TEST(binary_ops_broadcast) {
  const std::pair<const char*, BinaryFn> arith[] = {{"add", ops::add},         {"sub", ops::sub},
                                                    {"mul", ops::mul},         {"div", ops::div},
                                                    {"maximum", ops::maximum}, {"minimum", ops::minimum},
                                                    {"mask_positive", ops::mask_positive}, {"sigmoid_sub", ops::sigmoid_sub},
                                                    {"bce_logits", ops::bce_logits}};
  const std::pair<const char*, BinaryFn> compare[] = {{"eq", ops::eq}, {"ne", ops::ne}, {"lt", ops::lt},
                                                      {"le", ops::le}, {"gt", ops::gt}, {"ge", ops::ge}};
  for (DType t : kFloats) {
    const Tensor a = uniform(Shape{3, 1, 5}, t, 3), b = uniform(Shape{4, 5}, t, 4);
    const Tensor a64 = ops::cast(a, DType::F64), b64 = ops::cast(b, DType::F64);
    for (auto& [name, f] : arith)
      expect_close(std::string(name) + " " + dtype_name(t), f(on(a, gpu()), on(b, gpu())), f(a64, b64), rtol_for(t),
                   atol_for(t));
    const Tensor pa = uniform(Shape{5, 4}, t, 5, 0.1, 3);
    expect_close(std::string("pow ") + dtype_name(t), ops::pow(on(pa, gpu()), on(ops::transpose_last(b), gpu())),
                 ops::pow(ops::cast(pa, DType::F64), ops::transpose_last(b64)), 4 * rtol_for(t), atol_for(t));
    for (auto& [name, f] : compare) expect_bits(name, f(on(a, gpu()), on(b, gpu())), f(a, b));
  }
  const Tensor u = uniform(Shape{4, 1}, DType::F32, 6);
  const Tensor c = ops::gt(u, ops::scalar_like(u, 0));
  const Tensor x = uniform(Shape{4, 5}, DType::F64, 7), y = uniform(Shape{5}, DType::F64, 8);
  expect_bits("where", ops::where(on(c, gpu()), on(x, gpu()), on(y, gpu())), ops::where(c, x, y));
}

DV_TEST(copy_cast_fill_arange) {
  const DType all[] = {DType::F32, DType::F64, DType::I32, DType::Bool};
  Tensor src = uniform(Shape{5, 6, 7}, DType::F64, 9, -1e10, 1e10);
  src = ops::where(ops::gt(src, ops::scalar_like(src, 9e9)), ops::scalar_like(src, NAN), src);  // NaN converts too
  for (DType from : all) {
    const Tensor x = ops::permute(ops::cast(src, from), Dims{2, 0, 1});  // strided source
    for (DType to : all)
      expect_bits(std::string("cast ") + dtype_name(from) + " -> " + dtype_name(to), ops::cast(on(x, gpu()), to),
                  ops::cast(x, to));
    expect_bits(std::string("contiguous ") + dtype_name(from), ops::contiguous(on(x, gpu())), ops::contiguous(x));
  }
  for (DType t : all) {
    expect_bits("full", ops::full(Shape{3, 1000}, -2.5, t, gpu()), ops::full(Shape{3, 1000}, -2.5, t, cpu_device()));
    expect_bits("arange", ops::arange(1001, -3, 0.37, t, gpu()), ops::arange(1001, -3, 0.37, t, cpu_device()));
  }
  const Tensor p1 = uniform(Shape{4, 3}, DType::F32, 10), p2 = uniform(Shape{4, 5}, DType::F32, 35);
  expect_bits("concat", ops::concat({on(p1, gpu()), on(p2, gpu())}, 1), ops::concat({p1, p2}, 1));
}

DV_TEST(reductions) {
  const Shape shapes[] = {Shape{7, 300, 5}, Shape{2, 3, 40000}, Shape{2, 40000, 3}, Shape{65, 3, 129}};
  const uint32_t axes_sets[] = {1u, 2u, 4u, 3u, 5u, 6u, 7u};
  for (DType t : kFloats) {
    for (const Shape& s : shapes) {
      const Tensor x = uniform(s, t, 11);
      const Tensor x64 = ops::cast(x, DType::F64);
      for (uint32_t axes : axes_sets) {
        const Tensor g = on(x, gpu());
        const std::string tag = std::string(dtype_name(t)) + " axes " + std::to_string(axes);
        double reduced = 1;  // terms per output
        for (int d = 0; d < s.n; ++d)
          if (axes & (1u << d)) reduced *= static_cast<double>(s[d]);
        // Sums in another order: rounding errors of a sum of R terms |x| <= 2 grow like
        // sqrt(depth) u R (u the unit roundoff, depth the longest chain of additions, a few
        // thousand here at most); 64 u R * 2 leaves a wide margin over that.
        const double u = t == DType::F64 ? 0x1p-53 : 0x1p-24;
        expect_close("sum " + tag, ops::sum(g, axes, false), ops::sum(x64, axes, false), 0, 64 * u * reduced * 2);
        expect_close("logsumexp " + tag, ops::logsumexp(g, axes, true), ops::logsumexp(x64, axes, true),
                     4 * rtol_for(t), 4 * atol_for(t));
        expect_bits("amax " + tag, ops::amax(g, axes, false), ops::amax(x, axes, false));
        expect_bits("amin " + tag, ops::amin(g, axes, false), ops::amin(x, axes, false));
        expect_bits("argmax " + tag, ops::argmax(g, axes, false), ops::argmax(x, axes, false));
        expect_bits("argmin " + tag, ops::argmin(g, axes, false), ops::argmin(x, axes, false));
        expect_bits("sum repeats " + tag, ops::sum(g, axes, false), ops::sum(g, axes, false));
      }
    }
  }
  // Ties go to the first position, NaN wins, -inf is ignored by logsumexp, an empty sum is 0.
  const double raw[] = {1, 3, 3, -INFINITY, 2, NAN, 5, NAN, -INFINITY, -INFINITY, 0, 0};
  const Tensor special = ops::from_host(raw, Shape{3, 4}, DType::F64, cpu_device());
  for (uint32_t axes : {1u, 2u, 3u}) {
    const Tensor g = on(special, gpu());
    expect_bits("argmax special", ops::argmax(g, axes, false), ops::argmax(special, axes, false));
    expect_bits("argmin special", ops::argmin(g, axes, false), ops::argmin(special, axes, false));
    expect_bits("amax special", ops::amax(g, axes, false), ops::amax(special, axes, false));
    expect_close("logsumexp special", ops::logsumexp(g, axes, false), ops::logsumexp(special, axes, false), 1e-15, 0);
  }
  const Tensor empty_rows = ops::full(Shape{3, 0}, 0, DType::F32, gpu());
  expect_bits("empty sum", ops::sum(empty_rows, 2u, false), ops::full(Shape{3}, 0, DType::F32, cpu_device()));
}

DV_TEST(matmul_batched_broadcast_transposed) {
  for (DType t : kFloats) {
    const double tol = t == DType::F64 ? 1e-12 : 2e-5;
    auto check = [&](const char* what, const Tensor& a, const Tensor& b) {
      expect_close(std::string(what) + " " + dtype_name(t), ops::matmul(on(a, gpu()), on(b, gpu())),
                   ops::matmul(ops::cast(a, DType::F64), ops::cast(b, DType::F64)), tol, tol);
    };
    check("2-D", uniform(Shape{33, 70}, t, 12), uniform(Shape{70, 17}, t, 13));
    check("vector", uniform(Shape{1, 64}, t, 14), uniform(Shape{64, 1}, t, 15));
    check("batched broadcast", uniform(Shape{2, 1, 9, 6}, t, 16), uniform(Shape{3, 6, 11}, t, 17));
    check("transposed a", ops::transpose_last(uniform(Shape{40, 25}, t, 18)), uniform(Shape{40, 19}, t, 19));
    check("transposed b", uniform(Shape{21, 40}, t, 20), ops::transpose_last(uniform(Shape{30, 40}, t, 21)));
    check("permuted batch", ops::permute(uniform(Shape{5, 4, 3}, t, 22), Dims{1, 0, 2}), uniform(Shape{4, 3, 2}, t, 23));
    check("k = 0", uniform(Shape{3, 0}, t, 24), uniform(Shape{0, 4}, t, 25));
    // linear: the bias is the starting value of the accumulation (cuBLAS beta = 1, or the tiled kernel's add)
    const Tensor x = uniform(Shape{2, 9, 30}, t, 26), w = uniform(Shape{30, 11}, t, 27), b = uniform(Shape{11}, t, 28);
    expect_close(std::string("linear ") + dtype_name(t), ops::linear(on(x, gpu()), on(w, gpu()), on(b, gpu())),
                 ops::add(ops::matmul(ops::cast(x, DType::F64), ops::cast(w, DType::F64)), ops::cast(b, DType::F64)),
                 tol, tol);
  }
}

DV_TEST(indexing_matches_bits) {
  const int32_t raw_idx[] = {3, 0, 3, 1, 3, 2, 0};
  const Tensor idx = ops::from_host(raw_idx, Shape{7}, DType::I32, cpu_device());
  for (DType t : kFloats) {
    const Tensor x = uniform(Shape{5, 4, 6}, t, 26), src = uniform(Shape{5, 7, 6}, t, 27);
    const Tensor gx = on(x, gpu()), gi = on(idx, gpu()), gs = on(src, gpu());
    expect_bits("index_select", ops::index_select(gx, 1, gi), ops::index_select(x, 1, idx));
    expect_bits("index_add (repeated indices)", ops::index_add(gx, 1, gi, gs), ops::index_add(x, 1, idx, src));
    const Tensor gidx = ops::random(4, Shape{5, 9, 6}, DType::I32, cpu_device(), 28, 1, 0, 4);
    const Tensor gsrc = uniform(Shape{5, 9, 6}, t, 29);
    expect_bits("gather", ops::gather(gx, 1, on(gidx, gpu())), ops::gather(x, 1, gidx));
    expect_bits("scatter_add", ops::scatter_add(gx, 1, on(gidx, gpu()), on(gsrc, gpu())),
                ops::scatter_add(x, 1, gidx, gsrc));
  }
  const int32_t bad[] = {0, 9};
  bool threw = false;
  try {
    ops::index_select(on(uniform(Shape{4}, DType::F32, 30), gpu()), 0,
                      on(ops::from_host(bad, Shape{2}, DType::I32, cpu_device()), gpu()));
  } catch (const DivergeError& e) {
    threw = e.code == ErrorCode::InvalidArgument;
  }
  DV_EXPECT(threw, "an index out of range is InvalidArgument");
}

DV_TEST(argsort_stable_nan_last) {
  Tensor x = ops::cast(ops::random(4, Shape{6, 1000}, DType::I32, cpu_device(), 31, 2, 0, 20), DType::F32);  // ties
  x = ops::where(ops::eq(x, ops::scalar_like(x, 7)), ops::scalar_like(x, NAN), x);
  for (bool desc : {false, true}) {
    expect_bits("argsort f32", ops::argsort(on(x, gpu()), desc), ops::argsort(x, desc));
    const Tensor xi = ops::cast(x, DType::I32);
    expect_bits("argsort i32", ops::argsort(on(xi, gpu()), desc), ops::argsort(xi, desc));
    const Tensor odd = uniform(Shape{3, 777}, DType::F64, 32);
    expect_bits("argsort f64", ops::argsort(on(odd, gpu()), desc), ops::argsort(odd, desc));
  }
}

DV_TEST(im2col_col2im_bits) {
  const Dims geometries[] = {Dims{3, 3, 1, 1, 1, 1, 1, 1}, Dims{3, 2, 2, 1, 0, 1, 1, 2}, Dims{5, 5, 2, 2, 2, 2, 1, 1},
                             Dims{7, 7, 1, 1, 0, 0, 1, 1}};
  for (DType t : kFloats) {
    const Tensor x = uniform(Shape{3, 4, 7, 7}, t, 33);
    for (const Dims& g : geometries) {
      const Tensor cols = ops::im2col(x, g);
      expect_bits("im2col", ops::im2col(on(x, gpu()), g), cols);
      const Tensor c2 = uniform(cols.shape(), t, 34);
      expect_bits("col2im", ops::col2im(on(c2, gpu()), g, 7, 7), ops::col2im(c2, g, 7, 7));
    }
  }
}

}  // namespace
}  // namespace dv::test
