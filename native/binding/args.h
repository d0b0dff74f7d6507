// Reading JavaScript arguments. Every check throws DivergeError(InvalidArgument) with a
// message naming the argument; the guard turns it into a JS error with a code.
#pragma once
#include <napi.h>
#include "../core/error.h"
#include "../core/tensor.h"
#include "handles.h"

namespace dv::binding {

double number_arg(const Napi::CallbackInfo& info, size_t i, const char* what);
int64_t int_arg(const Napi::CallbackInfo& info, size_t i, const char* what);
bool bool_arg(const Napi::CallbackInfo& info, size_t i, const char* what);
Dims dims_arg(const Napi::CallbackInfo& info, size_t i, const char* what);
DType dtype_arg(const Napi::CallbackInfo& info, size_t i);
Device device_arg(const Napi::CallbackInfo& info, size_t i);
uint32_t axes_arg(const Napi::CallbackInfo& info, size_t i);  // a bit set; -1 for all axes
constexpr uint32_t kMaxHandleList = 1u << 24;  // the handle table holds at most 2^24 tensors
std::vector<double> ids_arg(const Napi::CallbackInfo& info, size_t i, const char* what);

// Throws a JavaScript Error with `code` (a stable name) and `message`.
void throw_js(Napi::Env env, const char* code, const std::string& message);

// Runs body, converting any C++ exception into a JavaScript error (none crosses N-API).
template <class Body>
Napi::Value guarded(const Napi::CallbackInfo& info, Body&& body) {
  Napi::Env env = info.Env();
  try {
    return body();
  } catch (const DivergeError& e) {
    throw_js(env, error_code_name(e.code), e.what());
  } catch (const std::bad_alloc&) {
    throw_js(env, "OutOfMemory", "out of host memory");
  } catch (const std::exception& e) {
    throw_js(env, "Internal", e.what());
  } catch (...) {
    throw_js(env, "Internal", "unknown native failure");
  }
  return env.Undefined();
}

}  // namespace dv::binding
