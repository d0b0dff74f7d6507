// One entry point per op family: the registry row says how its arguments are read.
#include <cmath>
#include "../ops/ops.h"
#include "addon.h"

namespace dv::binding {

const OpDef& op_arg(const Napi::CallbackInfo& info, size_t i, int family) {
  int64_t id = int_arg(info, i, "op");
  const auto& table = op_table();
  if (id < 0 || id >= static_cast<int64_t>(table.size())) fail(ErrorCode::InvalidArgument, "unknown op id ", id);
  const OpDef& op = *table[static_cast<size_t>(id)];
  if (static_cast<int>(op.family) != family)
    fail(ErrorCode::InvalidArgument, "op ", op.name, " cannot be called this way");
  return op;
}

namespace {
// A number operand as a 0-d tensor of the other operand's dtype. For int32 and bool it must
// be exactly representable: `lt(i, 2.5)` would otherwise compare with 2 and answer wrongly.
Tensor scalar_operand(const OpDef& op, const Tensor& other, double v) {
  const DType t = other.dtype();
  if (t == DType::I32)
    DV_CHECK(std::floor(v) == v && v >= -2147483648.0 && v <= 2147483647.0, ErrorCode::InvalidArgument, op.name,
             ": the number ", v, " is not an int32; cast the tensor to a floating dtype first");
  if (t == DType::Bool)
    DV_CHECK(v == 0 || v == 1, ErrorCode::InvalidArgument, op.name, ": the number ", v,
             " is not a bool (0 or 1); cast the tensor to a floating dtype first");
  return ops::scalar_like(other, v);
}

Attrs axis_attrs(const Napi::CallbackInfo& info, size_t i) {
  Attrs a;
  a.i0 = int_arg(info, i, "axis");
  return a;
}
}  // namespace

Napi::Value Addon::OpTable(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    const auto& table = op_table();
    Napi::Array out = Napi::Array::New(env, table.size());
    for (size_t i = 0; i < table.size(); ++i) {
      Napi::Object row = Napi::Object::New(env);
      row.Set("name", table[i]->name);
      row.Set("family", static_cast<double>(table[i]->family));
      row.Set("arity", static_cast<double>(table[i]->arity));
      row.Set("differentiable", table[i]->vjp != nullptr);
      out.Set(static_cast<uint32_t>(i), row);
    }
    return out;
  });
}

Napi::Value Addon::Unary(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const OpDef& op = op_arg(info, 0, static_cast<int>(Family::Unary));
    return wrap(info.Env(), apply(op, {tensor(info, 1)}));
  });
}

Napi::Value Addon::UnaryParams(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const OpDef& op = op_arg(info, 0, static_cast<int>(Family::UnaryParams));
    Attrs a;
    a.s0 = number_arg(info, 2, "parameter 0");
    a.s1 = info.Length() > 3 ? number_arg(info, 3, "parameter 1") : 0.0;
    return wrap(info.Env(), apply(op, {tensor(info, 1)}, a));
  });
}

Napi::Value Addon::Binary(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const OpDef& op = op_arg(info, 0, static_cast<int>(Family::Binary));
    // One operand may be a plain number: it becomes a 0-d tensor of the other's dtype.
    int64_t flags = info.Length() > 3 ? int_arg(info, 3, "scalar flags") : 0;
    if (flags == 0) return wrap(info.Env(), apply(op, {tensor(info, 1), tensor(info, 2)}));
    if (flags == 2) {
      const Tensor& a = tensor(info, 1);
      return wrap(info.Env(), apply(op, {a, scalar_operand(op, a, number_arg(info, 2, "scalar operand"))}));
    }
    if (flags == 1) {
      const Tensor& b = tensor(info, 2);
      return wrap(info.Env(), apply(op, {scalar_operand(op, b, number_arg(info, 1, "scalar operand")), b}));
    }
    fail(ErrorCode::InvalidArgument, "scalar flags must be 0, 1 or 2");
  });
}

Napi::Value Addon::Where(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    return wrap(info.Env(), ops::where(tensor(info, 0), tensor(info, 1), tensor(info, 2)));
  });
}

Napi::Value Addon::Linear(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    return wrap(info.Env(), ops::linear(tensor(info, 0), tensor(info, 1), tensor(info, 2)));
  });
}

Napi::Value Addon::Reduce(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const OpDef& op = op_arg(info, 0, static_cast<int>(Family::Reduce));
    const Tensor& x = tensor(info, 1);
    Attrs a;
    a.axes = axes_arg(info, 2);
    if (a.axes == 0xffffffffu) a.axes = ops::all_axes(x.ndim());
    a.keepdims = bool_arg(info, 3, "keepdims");
    return wrap(info.Env(), apply(op, {x}, a));
  });
}

Napi::Value Addon::Reshape(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const OpDef& op = op_arg(info, 0, static_cast<int>(Family::Reshape));
    Attrs a;
    a.dims = dims_arg(info, 2, "shape");
    return wrap(info.Env(), apply(op, {tensor(info, 1)}, a));
  });
}

Napi::Value Addon::Slice(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const Tensor& x = tensor(info, 0);
    int64_t axis = int_arg(info, 1, "axis"), start = int_arg(info, 2, "start"), stop = int_arg(info, 3, "stop"),
            step = int_arg(info, 4, "step");
    return wrap(info.Env(), ops::slice(x, normalize_axis(axis, x.ndim(), "slice"), start, stop, step));
  });
}

Napi::Value Addon::Cast(const Napi::CallbackInfo& info) {
  return guarded(info, [&] { return wrap(info.Env(), ops::cast(tensor(info, 0), dtype_arg(info, 1))); });
}

Napi::Value Addon::Concat(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    std::vector<double> ids = ids_arg(info, 0, "tensors");
    std::vector<Tensor> xs;
    xs.reserve(ids.size());
    for (double id : ids) xs.push_back(handles.get(id));
    int64_t axis = int_arg(info, 1, "axis");
    DV_CHECK(!xs.empty(), ErrorCode::InvalidArgument, "concat: needs at least one tensor");
    return wrap(info.Env(), ops::concat(xs, normalize_axis(axis, xs[0].ndim(), "concat")));
  });
}

Napi::Value Addon::IndexSelect(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const OpDef& op = op_arg(info, 0, static_cast<int>(Family::IndexSelect));
    return wrap(info.Env(), apply(op, {tensor(info, 1), tensor(info, 3)}, axis_attrs(info, 2)));
  });
}

Napi::Value Addon::IndexAdd(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const OpDef& op = op_arg(info, 0, static_cast<int>(Family::IndexAdd));
    return wrap(info.Env(), apply(op, {tensor(info, 1), tensor(info, 3), tensor(info, 4)}, axis_attrs(info, 2)));
  });
}

Napi::Value Addon::Create(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const OpDef& op = op_arg(info, 0, static_cast<int>(Family::Create));
    Attrs a;
    a.dims = dims_arg(info, 1, "shape");
    a.dtype = dtype_arg(info, 2);
    a.device = device_arg(info, 3);
    a.s0 = info.Length() > 4 ? number_arg(info, 4, "parameter 0") : 0.0;
    a.s1 = info.Length() > 5 ? number_arg(info, 5, "parameter 1") : 0.0;
    return wrap(info.Env(), apply(op, nullptr, 0, a));
  });
}

Napi::Value Addon::Random(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const OpDef& op = op_arg(info, 0, static_cast<int>(Family::Random));
    Attrs a;
    a.dims = dims_arg(info, 1, "shape");
    a.dtype = dtype_arg(info, 2);
    a.device = device_arg(info, 3);
    a.i0 = int_arg(info, 4, "key word 0");
    a.i1 = int_arg(info, 5, "key word 1");
    if (a.i0 < 0 || a.i0 >= (int64_t{1} << 32) || a.i1 < 0 || a.i1 >= (int64_t{1} << 32))
      fail(ErrorCode::InvalidArgument, "random: key words must be integers in [0, 2^32), got ", a.i0, ", ", a.i1);
    a.s0 = number_arg(info, 6, "parameter 0");
    a.s1 = number_arg(info, 7, "parameter 1");
    return wrap(info.Env(), apply(op, nullptr, 0, a));
  });
}

Napi::Value Addon::Conv(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const OpDef& op = op_arg(info, 0, static_cast<int>(Family::Conv));
    Attrs a;
    a.dims = dims_arg(info, 2, "convolution geometry");
    if (info.Length() > 3 && !info[3].IsUndefined()) {
      Dims hw = dims_arg(info, 3, "image size");
      DV_CHECK(hw.n == 2, ErrorCode::InvalidArgument, "image size must be [H, W], got ", hw);
      a.i0 = hw[0];
      a.i1 = hw[1];
      a.i2 = 1;
    }
    return wrap(info.Env(), apply(op, {tensor(info, 1)}, a));
  });
}

// Fused ops: the op's tensors (three or four) and four numbers; the [3, numel] result comes
// back as three views of its rows, each with the first input's shape.
Napi::Value Addon::Fused(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const OpDef& op = op_arg(info, 0, static_cast<int>(Family::Fused));
    const size_t n = static_cast<size_t>(op.arity);
    std::vector<Tensor> in;
    for (size_t i = 1; i <= n; ++i) in.push_back(tensor(info, i));  // copies: wrap() below adds handles
    const Tensor g = in[0];
    Attrs a;
    a.s0 = number_arg(info, n + 1, "parameter 0");
    a.s1 = number_arg(info, n + 2, "parameter 1");
    a.s2 = number_arg(info, n + 3, "parameter 2");
    a.s3 = number_arg(info, n + 4, "parameter 3");
    Tensor rows = apply(op, in.data(), static_cast<int>(n), a);
    Napi::Env env = info.Env();
    Napi::Array out = Napi::Array::New(env, 3);
    for (uint32_t i = 0; i < 3; ++i) out.Set(i, wrap(env, ops::reshape(ops::slice(rows, 0, i, i + 1, 1), g.shape())));
    return out;
  });
}

}  // namespace dv::binding
