// The op registry: one row per primitive op with its name, how the binding reads its
// arguments, its shape rule, its forward (kernels per device via the backend table) and its
// VJP, written with differentiable ops so that gradients can be differentiated again.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "../core/tensor.h"

namespace dv {

// Non-tensor arguments of an op. Each op reads the fields it needs.
struct Attrs {
  double s0 = 0, s1 = 0;  // scalars: exponent, clamp bounds, fill value, arange start/step
  double s2 = 0, s3 = 0;  // two more, for fused optimizer steps
  int64_t i0 = 0, i1 = 0, i2 = 0, i3 = 0;  // axis, slice start/stop/step
  uint32_t axes = 0;      // reduction axes (bit d = axis d)
  bool keepdims = false;
  Dims dims;              // target shape, permutation, or the shape an op restores
  DType dtype = DType::F32;
  Device device;
};

// How the binding reads an op's arguments from JavaScript.
enum class Family : uint8_t {
  Unary,        // (x)
  UnaryParams,  // (x, p0, p1)
  Binary,       // (a, b)  b may be a number
  Where,        // (cond, a, b)
  Reduce,       // (x, axes, keepdims)
  Reshape,      // (x, dims)   reshape, permute, expand
  Slice,        // (x, axis, start, stop, step)
  Cast,         // (x, dtype)
  Concat,       // ([xs], axis)
  IndexSelect,  // (x, axis, idx)  index_select, gather
  IndexAdd,     // (base, axis, idx, src)
  Create,       // (dims, dtype, device, p0, p1)   full, arange
  Random,       // (dims, dtype, device, k0, k1, p0, p1)   random_* (Philox draws)
  Conv,         // (x, [kh, kw, sh, sw, ph, pw, dh, dw], [H, W]?)   im2col, col2im
  Fused,        // (x, y, z[, w], s0, s1, s2, s3)   adam_step, adam_apply (result [3, numel]: a row per output)
  Internal,     // only reached from C++ (VJP helpers)
  Linear,       // (x, w, b)   x @ w + b
};

// The output's geometry, as the shape rule computes it.
struct Meta {
  Shape shape;
  DType dtype;
  Device device;
};

struct BackwardCtx;
struct OpDef;
using InferFn = Meta (*)(const OpDef& op, const Tensor* in, int n, const Attrs& a);
using ForwardFn = Tensor (*)(const Tensor* in, int n, const Attrs& a, const Meta& m);
using VjpFn = void (*)(BackwardCtx& ctx);

constexpr uint8_t kSaveIn0 = 1, kSaveIn1 = 2, kSaveIn2 = 4, kSaveAllInputs = 0x7f, kSaveOut = 0x80;

struct OpDef {
  const char* name;
  Family family;
  int arity;         // number of tensor inputs; -1 = variadic
  InferFn infer;     // the shape rule: validates and returns the output's geometry
  ForwardFn forward; // allocates (or views) and runs the device kernel
  VjpFn vjp;         // nullptr: not differentiable
  uint8_t saves;     // which inputs (bits 0-6) and whether the output (bit 7) the VJP reads
};

// Registry access (for the binding: name lookup and iteration).
const std::vector<const OpDef*>& op_table();
struct OpRegistrar {
  OpRegistrar(std::initializer_list<const OpDef*> ops);
};

// Runs an op: shape rule, forward, and (when gradients are recorded) a graph node.
Tensor apply(const OpDef& op, const Tensor* in, int n, const Attrs& attrs);
inline Tensor apply(const OpDef& op, std::initializer_list<Tensor> in, const Attrs& attrs = {}) {
  return apply(op, in.begin(), static_cast<int>(in.size()), attrs);
}

// Gradient recording mode (thread-local; on by default).
bool grad_enabled();
void set_grad_enabled(bool enabled);  // for the binding, whose caller restores the previous mode
struct GradMode {
  explicit GradMode(bool enabled);
  ~GradMode();
  GradMode(const GradMode&) = delete;
  GradMode& operator=(const GradMode&) = delete;

 private:
  bool previous_;
};

// Shared validation helpers for shape rules.
void require_same_device(const Tensor* in, int n, const char* op);
void require_floating(const Tensor& t, const char* op);
void require_same_dtype(const Tensor& a, const Tensor& b, const char* op);

}  // namespace dv
