// Native failures: a stable code plus a message. Thrown as DivergeError inside the
// native library and converted to a JavaScript error with a `code` at the binding.
#pragma once
#include <stdexcept>
#include <string>
#include <sstream>

namespace dv {

enum class ErrorCode : int {
  InvalidArgument = 1,
  ShapeMismatch,
  DTypeMismatch,
  DeviceMismatch,
  UseAfterDispose,
  OutOfMemory,
  DeviceUnavailable,
  NotDifferentiable,
  GraphReleased,
  Internal,
  IterationLimit,  // an iterative solver used up its iteration budget
};

const char* error_code_name(ErrorCode code);

struct DivergeError : std::runtime_error {
  ErrorCode code;
  DivergeError(ErrorCode c, const std::string& message) : std::runtime_error(message), code(c) {}
};

// Builds a message from stream-able parts: fail(ErrorCode::ShapeMismatch, "add: ", a, " vs ", b).
template <class... Parts>
[[noreturn]] void fail(ErrorCode code, const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  throw DivergeError(code, out.str());
}

#define DV_CHECK(cond, code, ...)                 \
  do {                                            \
    if (!(cond)) ::dv::fail(code, __VA_ARGS__);   \
  } while (0)

}  // namespace dv
