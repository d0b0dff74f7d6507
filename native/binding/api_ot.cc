// Exact optimal transport: transport(a, b, cost, maxIterations, massTolerance) solves the
// transportation problem by the network simplex of native/cpu/network_simplex.cc and returns
// { cost, plan (a float64 [n, m] tensor handle), u, v (Float64Array), iterations }.
#include <cmath>
#include <cstring>
#include <vector>
#include "../cpu/network_simplex.h"
#include "../kernels/backend.h"
#include "addon.h"

namespace dv::binding {
namespace {

// A float tensor's values as float64 on the host: a view of the tensor itself when it is a
// contiguous float64 CPU tensor, else a converted copy held in `store`.
const double* host_values(const Tensor& t, const char* what, std::vector<double>& store) {
  if (t.dtype() != DType::F32 && t.dtype() != DType::F64)
    fail(ErrorCode::DTypeMismatch, "transport: ", what, " must be float32 or float64, got ", dtype_name(t.dtype()));
  if (t.dtype() == DType::F64 && t.is_contiguous() && t.device().kind == DeviceKind::CPU) return t.data<double>();
  Tensor c = t;
  if (!t.is_contiguous()) {
    c = empty(t.shape(), t.dtype(), t.device());
    backend(t.device()).copy(t, c);
  }
  const size_t n = static_cast<size_t>(c.numel());
  store.resize(n);
  if (c.dtype() == DType::F64) {
    if (n) backend(c.device()).to_host(c.device(), store.data(), c.raw(), n * sizeof(double));
  } else {
    std::vector<float> tmp(n);
    if (n) backend(c.device()).to_host(c.device(), tmp.data(), c.raw(), n * sizeof(float));
    for (size_t i = 0; i < n; ++i) store[i] = tmp[i];
  }
  return store.data();
}

double checked_mass(const double* w, int64_t size, const char* what) {
  double total = 0;
  for (int64_t i = 0; i < size; ++i) {
    DV_CHECK(std::isfinite(w[i]) && w[i] >= 0, ErrorCode::InvalidArgument, "transport: ", what, "[", i,
             "] = ", w[i], "; weights must be finite and non-negative");
    total += w[i];
  }
  DV_CHECK(total > 0 && std::isfinite(total), ErrorCode::InvalidArgument, "transport: ", what,
           " must have a positive finite total mass, got ", total);
  return total;
}

Napi::Float64Array to_js(Napi::Env env, const std::vector<double>& v) {
  Napi::Float64Array out = Napi::Float64Array::New(env, v.size());
  if (!v.empty()) std::memcpy(out.Data(), v.data(), v.size() * sizeof(double));
  return out;
}

}  // namespace

Napi::Value Addon::Transport(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const Tensor& ta = tensor(info, 0);
    const Tensor& tb = tensor(info, 1);
    const Tensor& tc = tensor(info, 2);
    const int64_t max_iterations = int_arg(info, 3, "maxIterations");
    const double mass_tolerance = number_arg(info, 4, "massTolerance");
    DV_CHECK(max_iterations >= 1, ErrorCode::InvalidArgument, "transport: maxIterations must be at least 1, got ",
             max_iterations);
    DV_CHECK(mass_tolerance >= 0 && mass_tolerance < 1, ErrorCode::InvalidArgument,
             "transport: massTolerance must lie in [0, 1), got ", mass_tolerance);
    DV_CHECK(ta.shape().n == 1 && tb.shape().n == 1 && tc.shape().n == 2, ErrorCode::ShapeMismatch,
             "transport: weights must be vectors [n], [m] and the cost a matrix [n, m]; got ", ta.shape(), ", ",
             tb.shape(), " and ", tc.shape());
    const int64_t n = ta.shape()[0], m = tb.shape()[0];
    DV_CHECK(tc.shape()[0] == n && tc.shape()[1] == m, ErrorCode::ShapeMismatch, "transport: cost is ",
             tc.shape(), " but the weights need [", n, ", ", m, "]");
    DV_CHECK(n >= 1 && m >= 1, ErrorCode::ShapeMismatch, "transport: both measures need at least one point");
    std::vector<double> sa_store, sb_store, sc_store;
    const double* a = host_values(ta, "a", sa_store);
    const double* b = host_values(tb, "b", sb_store);
    const double* c = host_values(tc, "cost", sc_store);
    const double sa = checked_mass(a, n, "a"), sb = checked_mass(b, m, "b");
    DV_CHECK(std::fabs(sa - sb) <= mass_tolerance * std::max(sa, sb), ErrorCode::InvalidArgument,
             "transport: the measures have different masses (", sa, " and ", sb, "); relative tolerance ",
             mass_tolerance);
    for (int64_t k = 0; k < n * m; ++k)
      DV_CHECK(std::isfinite(c[k]), ErrorCode::InvalidArgument, "transport: cost[", k / m, ", ", k % m, "] = ", c[k],
               "; costs must be finite");
    if (sa != sb) {  // balance exactly (up to rounding) within the tolerance
      if (sb_store.empty()) sb_store.assign(b, b + m);
      for (double& x : sb_store) x *= sa / sb;
      b = sb_store.data();
    }
    Tensor plan = empty(Shape{n, m}, DType::F64, cpu_device());
    std::memset(plan.raw(), 0, plan.nbytes());
    ot::TransportResult r = ot::solve_transport(a, n, b, m, c, plan.data<double>(), max_iterations);
    Napi::Env env = info.Env();
    Napi::Object out = Napi::Object::New(env);
    out.Set("cost", r.cost);
    out.Set("plan", wrap(env, std::move(plan)));
    out.Set("u", to_js(env, r.u));
    out.Set("v", to_js(env, r.v));
    out.Set("iterations", static_cast<double>(r.iterations));
    return out;
  });
}

}  // namespace dv::binding
