// Autograd entry points: leaves, detach, the engine, and the recording switch.
#include "../ops/autograd.h"
#include "addon.h"

namespace dv::binding {

Napi::Value Addon::SetRequiresGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    set_requires_grad(tensor(info, 0), bool_arg(info, 1, "requiresGrad"));
    return info.Env().Undefined();
  });
}

Napi::Value Addon::Detach(const Napi::CallbackInfo& info) {
  return guarded(info, [&] { return wrap(info.Env(), detach(tensor(info, 0))); });
}

// gradients(outputs, gradOutputs (handles or -1 for "ones"), inputs, createGraph, retainGraph)
Napi::Value Addon::Gradients(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    auto read = [&](size_t i, const char* what, bool allow_missing) {
      std::vector<Tensor> ts;
      for (double id : ids_arg(info, i, what)) ts.push_back(allow_missing && id == -1 ? Tensor() : handles.get(id));
      return ts;
    };
    std::vector<Tensor> outputs = read(0, "outputs", false);
    std::vector<Tensor> grad_outputs = read(1, "output gradients", true);
    std::vector<Tensor> inputs = read(2, "inputs", false);
    bool create_graph = bool_arg(info, 3, "createGraph");
    bool retain_graph = bool_arg(info, 4, "retainGraph");
    std::vector<Tensor> grads = gradients(outputs, grad_outputs, inputs, create_graph, retain_graph);
    Napi::Env env = info.Env();
    Napi::Array out = Napi::Array::New(env, grads.size());
    for (size_t i = 0; i < grads.size(); ++i) out.Set(static_cast<uint32_t>(i), wrap(env, grads[i]));
    return out;
  });
}

Napi::Value Addon::SetGradEnabled(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    bool previous = grad_enabled();
    bool enabled = bool_arg(info, 0, "enabled");
    set_grad_enabled(enabled);
    return Napi::Boolean::New(info.Env(), previous);
  });
}

}  // namespace dv::binding
