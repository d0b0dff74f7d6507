// The addon instance (one per JavaScript environment): its handle table and its methods.
#pragma once
#include "args.h"

namespace dv::binding {

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports);

  Handles handles;
  const Tensor& tensor(const Napi::CallbackInfo& info, size_t i) const;  // argument i as a tensor
  Napi::Value wrap(Napi::Env env, Tensor t);                           // a new handle

 private:
  // api_ops.cc: one entry point per op family.
  Napi::Value OpTable(const Napi::CallbackInfo& info);
  Napi::Value Unary(const Napi::CallbackInfo& info);
  Napi::Value UnaryParams(const Napi::CallbackInfo& info);
  Napi::Value Binary(const Napi::CallbackInfo& info);
  Napi::Value Where(const Napi::CallbackInfo& info);
  Napi::Value Linear(const Napi::CallbackInfo& info);
  Napi::Value Reduce(const Napi::CallbackInfo& info);
  Napi::Value Reshape(const Napi::CallbackInfo& info);
  Napi::Value Slice(const Napi::CallbackInfo& info);
  Napi::Value Cast(const Napi::CallbackInfo& info);
  Napi::Value Concat(const Napi::CallbackInfo& info);
  Napi::Value IndexSelect(const Napi::CallbackInfo& info);
  Napi::Value IndexAdd(const Napi::CallbackInfo& info);
  Napi::Value Create(const Napi::CallbackInfo& info);
  Napi::Value Random(const Napi::CallbackInfo& info);
  Napi::Value Conv(const Napi::CallbackInfo& info);
  Napi::Value Fused(const Napi::CallbackInfo& info);

  // api_tensor.cc: data in and out, metadata, lifetime, statistics.
  Napi::Value FromArray(const Napi::CallbackInfo& info);
  Napi::Value ToArray(const Napi::CallbackInfo& info);
  Napi::Value Item(const Napi::CallbackInfo& info);
  Napi::Value Meta(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value DisposeMany(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  Napi::Value EmptyCache(const Napi::CallbackInfo& info);
  Napi::Value ToDevice(const Napi::CallbackInfo& info);
  Napi::Value Devices(const Napi::CallbackInfo& info);
  Napi::Value SetNumThreads(const Napi::CallbackInfo& info);
  Napi::Value NumThreads(const Napi::CallbackInfo& info);

  // api_ot.cc: exact optimal transport (network simplex).
  Napi::Value Transport(const Napi::CallbackInfo& info);

  // api_autograd.cc
  Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info);
  Napi::Value Detach(const Napi::CallbackInfo& info);
  Napi::Value Gradients(const Napi::CallbackInfo& info);
  Napi::Value SetGradEnabled(const Napi::CallbackInfo& info);
};

// The op registered under index i, checked to belong to `family`.
const struct OpDef& op_arg(const Napi::CallbackInfo& info, size_t i, int family);

}  // namespace dv::binding
