#include "addon.h"

namespace dv::binding {

Addon::Addon(Napi::Env env, Napi::Object exports) {
  DefineAddon(exports, {
      InstanceMethod("opTable", &Addon::OpTable),
      InstanceMethod("unary", &Addon::Unary),
      InstanceMethod("unaryParams", &Addon::UnaryParams),
      InstanceMethod("binary", &Addon::Binary),
      InstanceMethod("where", &Addon::Where),
      InstanceMethod("linear", &Addon::Linear),
      InstanceMethod("reduce", &Addon::Reduce),
      InstanceMethod("reshape", &Addon::Reshape),
      InstanceMethod("slice", &Addon::Slice),
      InstanceMethod("cast", &Addon::Cast),
      InstanceMethod("concat", &Addon::Concat),
      InstanceMethod("indexSelect", &Addon::IndexSelect),
      InstanceMethod("indexAdd", &Addon::IndexAdd),
      InstanceMethod("create", &Addon::Create),
      InstanceMethod("random", &Addon::Random),
      InstanceMethod("conv", &Addon::Conv),
      InstanceMethod("fused", &Addon::Fused),
      InstanceMethod("fromArray", &Addon::FromArray),
      InstanceMethod("toArray", &Addon::ToArray),
      InstanceMethod("item", &Addon::Item),
      InstanceMethod("meta", &Addon::Meta),
      InstanceMethod("dispose", &Addon::Dispose),
      InstanceMethod("disposeMany", &Addon::DisposeMany),
      InstanceMethod("stats", &Addon::Stats),
      InstanceMethod("emptyCache", &Addon::EmptyCache),
      InstanceMethod("toDevice", &Addon::ToDevice),
      InstanceMethod("devices", &Addon::Devices),
      InstanceMethod("setNumThreads", &Addon::SetNumThreads),
      InstanceMethod("numThreads", &Addon::NumThreads),
      InstanceMethod("setRequiresGrad", &Addon::SetRequiresGrad),
      InstanceMethod("detach", &Addon::Detach),
      InstanceMethod("gradients", &Addon::Gradients),
      InstanceMethod("setGradEnabled", &Addon::SetGradEnabled),
      InstanceMethod("transport", &Addon::Transport),
  });
  (void)env;
}

const Tensor& Addon::tensor(const Napi::CallbackInfo& info, size_t i) const {
  if (i >= info.Length() || !info[i].IsNumber()) fail(ErrorCode::InvalidArgument, "argument ", i, " must be a tensor");
  return handles.get(info[i].As<Napi::Number>().DoubleValue());
}

Napi::Value Addon::wrap(Napi::Env env, Tensor t) { return Napi::Number::New(env, handles.put(std::move(t))); }

}  // namespace dv::binding

using DivergeAddon = dv::binding::Addon;
NODE_API_ADDON(DivergeAddon)
