#include "args.h"
#include <cmath>

namespace dv::binding {

double number_arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsNumber()) fail(ErrorCode::InvalidArgument, what, " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

int64_t int_arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  double v = number_arg(info, i, what);
  if (!(std::fabs(v) <= 9007199254740991.0) || std::floor(v) != v)
    fail(ErrorCode::InvalidArgument, what, " must be an integer, got ", v);
  return static_cast<int64_t>(v);
}

bool bool_arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsBoolean()) fail(ErrorCode::InvalidArgument, what, " must be a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

Dims dims_arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsArray()) fail(ErrorCode::InvalidArgument, what, " must be an array of integers");
  Napi::Array arr = info[i].As<Napi::Array>();
  uint32_t n = arr.Length();
  if (n > kMaxDims) fail(ErrorCode::InvalidArgument, what, " has ", n, " entries; at most ", kMaxDims, " dimensions");
  Dims d;
  for (uint32_t k = 0; k < n; ++k) {
    Napi::Value v = arr.Get(k);
    if (v.IsEmpty() || !v.IsNumber()) fail(ErrorCode::InvalidArgument, what, "[", k, "] must be a number");
    double x = v.As<Napi::Number>().DoubleValue();
    if (!(std::fabs(x) <= 9007199254740991.0) || std::floor(x) != x)
      fail(ErrorCode::InvalidArgument, what, "[", k, "] must be an integer, got ", x);
    d.push_back(static_cast<int64_t>(x));
  }
  return d;
}

DType dtype_arg(const Napi::CallbackInfo& info, size_t i) {
  int64_t v = int_arg(info, i, "dtype");
  if (v < 0 || v >= kNumDTypes) fail(ErrorCode::InvalidArgument, "unknown dtype code ", v);
  return static_cast<DType>(v);
}

Device device_arg(const Napi::CallbackInfo& info, size_t i) {
  int64_t v = int_arg(info, i, "device");  // kind * 256 + index
  int64_t kind = v / 256, index = v % 256;
  if (v < 0 || kind >= kNumDeviceKinds || index >= 8) fail(ErrorCode::InvalidArgument, "unknown device code ", v);
  // There is one CPU device; "cpu:3" would make tensors that mix with no others.
  if (kind == static_cast<int64_t>(DeviceKind::CPU) && index != 0)
    fail(ErrorCode::InvalidArgument, "unknown device code ", v, ": the CPU is device cpu:0");
  return Device{static_cast<DeviceKind>(kind), static_cast<int8_t>(index)};
}

uint32_t axes_arg(const Napi::CallbackInfo& info, size_t i) {
  int64_t v = int_arg(info, i, "axes");
  if (v == -1) return 0xffffffffu;
  if (v < 0 || v >= (int64_t{1} << kMaxDims)) fail(ErrorCode::InvalidArgument, "axes bit set out of range: ", v);
  return static_cast<uint32_t>(v);
}

std::vector<double> ids_arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsArray()) fail(ErrorCode::InvalidArgument, what, " must be an array of tensors");
  Napi::Array arr = info[i].As<Napi::Array>();
  const uint32_t n = arr.Length();
  // No more tensors than handles can exist; a long (sparse) array must not reserve memory first.
  if (n > kMaxHandleList) fail(ErrorCode::InvalidArgument, what, " has ", n, " entries; at most ", kMaxHandleList);
  std::vector<double> ids;
  for (uint32_t k = 0; k < n; ++k) {
    Napi::Value v = arr.Get(k);
    if (v.IsEmpty() || !v.IsNumber()) fail(ErrorCode::InvalidArgument, what, "[", k, "] must be a tensor handle");
    ids.push_back(v.As<Napi::Number>().DoubleValue());
  }
  return ids;
}

void throw_js(Napi::Env env, const char* code, const std::string& message) {
  if (env.IsExceptionPending()) return;  // a JS exception (e.g. from a getter) already stands
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("code", Napi::String::New(env, code));
  err.ThrowAsJavaScriptException();
}

}  // namespace dv::binding
