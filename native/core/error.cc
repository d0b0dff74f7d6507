#include "error.h"

namespace dv {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument: return "InvalidArgument";
    case ErrorCode::ShapeMismatch: return "ShapeMismatch";
    case ErrorCode::DTypeMismatch: return "DTypeMismatch";
    case ErrorCode::DeviceMismatch: return "DeviceMismatch";
    case ErrorCode::UseAfterDispose: return "UseAfterDispose";
    case ErrorCode::OutOfMemory: return "OutOfMemory";
    case ErrorCode::DeviceUnavailable: return "DeviceUnavailable";
    case ErrorCode::NotDifferentiable: return "NotDifferentiable";
    case ErrorCode::GraphReleased: return "GraphReleased";
    case ErrorCode::Internal: return "Internal";
    case ErrorCode::IterationLimit: return "IterationLimit";
  }
  return "Internal";
}

}  // namespace dv
