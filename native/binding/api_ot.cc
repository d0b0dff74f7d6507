// Exact optimal transport: transport(a, b, cost, maxIterations, massTolerance) solves the
// transportation problem by the network simplex of native/cpu/network_simplex.cc and returns
// { cost, plan (Float64Array n·m, row-major), u, v (Float64Array), iterations }.
#include <cmath>
#include <cstring>
#include <vector>
#include "../cpu/network_simplex.h"
#include "../kernels/backend.h"
#include "addon.h"

namespace dv::binding {
namespace {

// A float tensor's values as float64 on the host.
std::vector<double> host_values(const Tensor& t, const char* what) {
  if (t.dtype() != DType::F32 && t.dtype() != DType::F64)
    fail(ErrorCode::DTypeMismatch, "transport: ", what, " must be float32 or float64, got ", dtype_name(t.dtype()));
  Tensor c = t;
  if (!t.is_contiguous()) {
    c = empty(t.shape(), t.dtype(), t.device());
    backend(t.device()).copy(t, c);
  }
  const size_t n = static_cast<size_t>(c.numel());
  std::vector<double> out(n);
  if (c.dtype() == DType::F64) {
    if (n) backend(c.device()).to_host(out.data(), c.raw(), n * sizeof(double));
  } else {
    std::vector<float> tmp(n);
    if (n) backend(c.device()).to_host(tmp.data(), c.raw(), n * sizeof(float));
    for (size_t i = 0; i < n; ++i) out[i] = tmp[i];
  }
  return out;
}

double checked_mass(const std::vector<double>& w, const char* what) {
  double total = 0;
  for (size_t i = 0; i < w.size(); ++i) {
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
    std::vector<double> a = host_values(ta, "a"), b = host_values(tb, "b"), c = host_values(tc, "cost");
    const double sa = checked_mass(a, "a"), sb = checked_mass(b, "b");
    DV_CHECK(std::fabs(sa - sb) <= mass_tolerance * std::max(sa, sb), ErrorCode::InvalidArgument,
             "transport: the measures have different masses (", sa, " and ", sb, "); relative tolerance ",
             mass_tolerance);
    for (size_t k = 0; k < c.size(); ++k)
      DV_CHECK(std::isfinite(c[k]), ErrorCode::InvalidArgument, "transport: cost[", k / m, ", ", k % m, "] = ", c[k],
               "; costs must be finite");
    if (sa != sb)
      for (double& x : b) x *= sa / sb;  // balance exactly (up to rounding) within the tolerance
    ot::TransportResult r = ot::solve_transport(a.data(), n, b.data(), m, c.data(), max_iterations);
    Napi::Env env = info.Env();
    Napi::Object out = Napi::Object::New(env);
    out.Set("cost", r.cost);
    out.Set("plan", to_js(env, r.plan));
    out.Set("u", to_js(env, r.u));
    out.Set("v", to_js(env, r.v));
    out.Set("iterations", static_cast<double>(r.iterations));
    return out;
  });
}

}  // namespace dv::binding
