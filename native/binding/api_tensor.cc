// Data in and out of tensors, metadata, disposal and memory statistics.
#include <cstring>
#include <vector>
#include "../cpu/parallel.h"
#include "../kernels/backend.h"
#include "../ops/ops.h"
#include "addon.h"

namespace dv::binding {
namespace {

napi_typedarray_type typed_array_type(DType t) {
  switch (t) {
    case DType::F32: return napi_float32_array;
    case DType::F64: return napi_float64_array;
    case DType::I32: return napi_int32_array;
    default: return napi_uint8_array;
  }
}

const char* typed_array_name(DType t) {
  switch (t) {
    case DType::F32: return "Float32Array";
    case DType::F64: return "Float64Array";
    case DType::I32: return "Int32Array";
    default: return "Uint8Array";
  }
}

// A contiguous tensor with t's values on t's device (t itself when already contiguous).
Tensor dense(const Tensor& t) {
  if (t.is_contiguous()) return t;
  Tensor c = empty(t.shape(), t.dtype(), t.device());
  backend(t.device()).copy(t, c);
  return c;
}

}  // namespace

Napi::Value Addon::FromArray(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    if (info.Length() < 1 || !info[0].IsTypedArray()) fail(ErrorCode::InvalidArgument, "data must be a typed array");
    Napi::TypedArray arr = info[0].As<Napi::TypedArray>();
    Dims shape = dims_arg(info, 1, "shape");
    DType dtype = dtype_arg(info, 2);
    Device device = device_arg(info, 3);
    if (arr.TypedArrayType() != typed_array_type(dtype))
      fail(ErrorCode::DTypeMismatch, "a ", dtype_name(dtype), " tensor is made from a ", typed_array_name(dtype));
    for (int d = 0; d < shape.n; ++d)
      DV_CHECK(shape[d] >= 0, ErrorCode::InvalidArgument, "negative dimension in shape ", shape);
    int64_t n = 1;
    for (int d = 0; d < shape.n; ++d)
      DV_CHECK(!__builtin_mul_overflow(n, shape[d], &n), ErrorCode::InvalidArgument, "shape ", shape, " is too large");
    if (static_cast<int64_t>(arr.ElementLength()) != n)
      fail(ErrorCode::ShapeMismatch, "data has ", arr.ElementLength(), " elements but shape ", shape, " needs ", n);
    // The element pointer straight from the view: Napi::TypedArray::ArrayBuffer() fails (and
    // Data() is null) when the array is backed by a SharedArrayBuffer.
    void* src = nullptr;
    size_t length = 0;
    if (napi_get_typedarray_info(info.Env(), arr, nullptr, &length, &src, nullptr, nullptr) != napi_ok ||
        (src == nullptr && length > 0))
      fail(ErrorCode::InvalidArgument, "cannot read the data of this typed array");
    if (dtype != DType::Bool) return wrap(info.Env(), ops::from_host(src, shape, dtype, device));
    // bool is stored as bytes 0/1; any other byte value would compare and cast wrongly.
    std::vector<uint8_t> bytes(static_cast<const uint8_t*>(src), static_cast<const uint8_t*>(src) + length);
    for (uint8_t& b : bytes) b = b != 0;
    return wrap(info.Env(), ops::from_host(bytes.data(), shape, dtype, device));
  });
}

Napi::Value Addon::ToArray(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Tensor t = dense(tensor(info, 0));
    Napi::Env env = info.Env();
    size_t bytes = t.nbytes();
    Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, bytes);
    if (bytes) backend(t.device()).to_host(t.device(), buf.Data(), t.raw(), bytes);
    switch (t.dtype()) {
      case DType::F32: return Napi::Float32Array::New(env, static_cast<size_t>(t.numel()), buf, 0);
      case DType::F64: return Napi::Float64Array::New(env, static_cast<size_t>(t.numel()), buf, 0);
      case DType::I32: return Napi::Int32Array::New(env, static_cast<size_t>(t.numel()), buf, 0);
      default: return Napi::Uint8Array::New(env, static_cast<size_t>(t.numel()), buf, 0);
    }
  });
}

Napi::Value Addon::Item(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const Tensor& t = tensor(info, 0);
    DV_CHECK(t.numel() == 1, ErrorCode::ShapeMismatch, "item: tensor of shape ", t.shape(), " is not a single value");
    alignas(8) unsigned char raw[8] = {0};
    backend(t.device()).to_host(t.device(), raw, t.raw(), dtype_size(t.dtype()));
    double v = 0;
    switch (t.dtype()) {
      case DType::F32: { float f; std::memcpy(&f, raw, 4); v = f; break; }
      case DType::F64: std::memcpy(&v, raw, 8); break;
      case DType::I32: { int32_t i; std::memcpy(&i, raw, 4); v = i; break; }
      default: v = raw[0] ? 1 : 0;
    }
    return Napi::Number::New(info.Env(), v);
  });
}

// [dtype, device code, requires grad (0/1), ndim, ...dims]
Napi::Value Addon::Meta(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const Tensor& t = tensor(info, 0);
    Napi::Env env = info.Env();
    Napi::Array out = Napi::Array::New(env, 4 + t.ndim());
    out.Set(0u, static_cast<double>(t.dtype()));
    out.Set(1u, static_cast<double>(static_cast<int>(t.device().kind) * 256 + t.device().index));
    out.Set(2u, t.requires_grad() ? 1.0 : 0.0);
    out.Set(3u, static_cast<double>(t.ndim()));
    for (int d = 0; d < t.ndim(); ++d) out.Set(static_cast<uint32_t>(4 + d), static_cast<double>(t.dim(d)));
    return out;
  });
}

Napi::Value Addon::Dispose(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    return Napi::Boolean::New(info.Env(), handles.release(number_arg(info, 0, "tensor handle")));
  });
}

Napi::Value Addon::DisposeMany(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    std::vector<double> ids = ids_arg(info, 0, "tensors");
    double released = 0;
    for (double id : ids) released += handles.release(id) ? 1 : 0;
    return Napi::Number::New(info.Env(), released);
  });
}

// [live tensors, live bytes, peak bytes, live handles of this environment, reserved bytes]
// Reserved bytes: what a caching allocator holds from the driver; the live bytes where
// memory is not cached (the CPU).
Napi::Value Addon::Stats(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const Device d = device_arg(info, 0);
    MemoryStats& s = memory_stats(d);
    const Backend& b = backend_slot(d.kind);
    Napi::Env env = info.Env();
    Napi::Array out = Napi::Array::New(env, 5);
    out.Set(0u, static_cast<double>(s.live_tensors.load()));
    out.Set(1u, static_cast<double>(s.live_bytes.load()));
    out.Set(2u, static_cast<double>(s.peak_bytes.load()));
    out.Set(3u, static_cast<double>(handles.live()));
    const bool cached = b.available && b.reserved_bytes;
    out.Set(4u, static_cast<double>(cached ? b.reserved_bytes(d) : s.live_bytes.load()));
    return out;
  });
}

// Hands a device's cached blocks back to the driver; returns the reserved bytes left.
Napi::Value Addon::EmptyCache(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const Device d = device_arg(info, 0);
    Backend& b = backend(d);
    if (b.empty_cache) b.empty_cache(d);
    return Napi::Number::New(info.Env(), static_cast<double>(b.reserved_bytes ? b.reserved_bytes(d) : 0));
  });
}

Napi::Value Addon::ToDevice(const Napi::CallbackInfo& info) {
  return guarded(info, [&] { return wrap(info.Env(), ops::to_device(tensor(info, 0), device_arg(info, 1))); });
}

Napi::Value Addon::Devices(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    Napi::Env env = info.Env();
    Napi::Array out = Napi::Array::New(env, kNumDeviceKinds);
    for (int k = 0; k < kNumDeviceKinds; ++k) {
      Backend& b = backend_slot(static_cast<DeviceKind>(k));
      Napi::Object row = Napi::Object::New(env);
      row.Set("kind", k);
      row.Set("name", b.name);
      row.Set("available", b.available);
      row.Set("detail", b.describe ? b.describe() : "");
      out.Set(static_cast<uint32_t>(k), row);
    }
    return out;
  });
}

Napi::Value Addon::SetNumThreads(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    int64_t n = int_arg(info, 0, "threads");
    DV_CHECK(n >= 1 && n <= 64, ErrorCode::InvalidArgument, "threads must be between 1 and 64, got ", n);
    cpu::set_num_threads(static_cast<int>(n));
    return Napi::Number::New(info.Env(), cpu::num_threads());
  });
}

Napi::Value Addon::NumThreads(const Napi::CallbackInfo& info) {
  return guarded(info, [&] { return Napi::Number::New(info.Env(), cpu::num_threads()); });
}

}  // namespace dv::binding
