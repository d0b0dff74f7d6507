// The per-device kernel table. ops/ calls kernels only through backend(device); the cpu/ and
// cuda/ folders fill the table in (each file registers its family at its bottom).
// Every output tensor handed to a kernel is freshly allocated and contiguous unless stated.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>
#include "../core/error.h"
#include "../core/tensor.h"
#include "scalar_math.h"

namespace dv {

using math::BinaryOp;
using math::ReduceOp;
using math::UnaryOp;

// Calls f(std::integral_constant<E, code>{}) for the run-time op code `op`, one of
// [First, Last): one instantiation per enum value, built from the enum itself, so a backend
// keeps no list of ops to update when one is added. Anything else is an internal error.
template <class E, size_t First, size_t Last, class F, size_t... I>
void with_op_code_in(E op, F&& f, std::index_sequence<I...>) {
  const bool found =
      ((static_cast<size_t>(op) == First + I && (f(std::integral_constant<E, static_cast<E>(First + I)>{}), true)) ||
       ...);
  if (!found) fail(ErrorCode::Internal, "no kernel for op code ", static_cast<int>(op));
}
template <class E, size_t First, size_t Last, class F>
void with_op_code(E op, F&& f) {
  with_op_code_in<E, First, Last>(op, f, std::make_index_sequence<Last - First>{});
}

constexpr size_t kUnaryOps = static_cast<size_t>(UnaryOp::Count);
constexpr size_t kFirstCompare = static_cast<size_t>(BinaryOp::Eq);  // arithmetic ops come before
constexpr size_t kBinaryOps = static_cast<size_t>(BinaryOp::Count);

struct ConvGeometry;  // kernels/conv_geometry.h

struct Backend {
  const char* name = "none";
  bool available = false;
  // A line about the implementation (library, kernels chosen for this machine), for manifests.
  const char* (*describe)() = nullptr;

  // Memory, on one device of this backend's kind.
  void* (*allocate)(Device d, size_t bytes) = nullptr;  // throws OutOfMemory
  void (*release)(Device d, void* ptr, size_t bytes) = nullptr;
  // Both return once host memory may be read or reused.
  void (*to_host)(Device d, void* host_dst, const void* src, size_t bytes) = nullptr;
  void (*from_host)(Device d, void* dst, const void* host_src, size_t bytes) = nullptr;
  void (*synchronize)(Device d) = nullptr;
  // A caching allocator's reserve: bytes held from the driver (live and cached), and the
  // call that hands the cached part back. Absent where memory is not cached (the CPU).
  int64_t (*reserved_bytes)(Device d) = nullptr;
  void (*empty_cache)(Device d) = nullptr;

  // Elementwise. Inputs may be strided views (broadcast strides included).
  void (*unary)(UnaryOp op, const Tensor& x, const Tensor& out, double p0, double p1) = nullptr;
  void (*binary)(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) = nullptr;
  void (*where)(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) = nullptr;
  // Strided copy with dtype conversion; dst may be a strided view (same shape as src).
  void (*copy)(const Tensor& src, const Tensor& dst) = nullptr;
  void (*fill)(const Tensor& out, double value) = nullptr;
  void (*arange)(const Tensor& out, double start, double step) = nullptr;

  // Adam's fused step (math::adam_element): g, m, v (and p when not null) contiguous, of one
  // shape and floating dtype; out is [3, numel] and receives m', v' and the update u, one row
  // each, or p + u in the last row when p is given.
  void (*adam_step)(const Tensor& g, const Tensor& m, const Tensor& v, const Tensor* p, const Tensor& out, double b1,
                    double b2, double a, double b) = nullptr;

  // Reduction over the axes in `axes` (bit i = axis i); out has x's rank with those axes of size 1.
  void (*reduce)(ReduceOp op, const Tensor& x, const Tensor& out, uint32_t axes) = nullptr;

  // out[..., m, n] = a[..., m, k] @ b[..., k, n], batch dimensions broadcast.
  // out = a @ b, or out += a @ b with `accumulate` (out then holds the starting values).
  void (*matmul)(const Tensor& a, const Tensor& b, const Tensor& out, bool accumulate) = nullptr;

  // Indexing along `axis`. idx is int32, contiguous.
  void (*index_select)(const Tensor& x, int axis, const Tensor& idx, const Tensor& out) = nullptr;
  // out (pre-filled) [.., idx[i], ..] += src[.., i, ..]
  void (*index_add)(const Tensor& out, int axis, const Tensor& idx, const Tensor& src) = nullptr;
  // out[.., i, ..] = x[.., idx[.., i, ..], ..] (idx has out's shape)
  void (*gather)(const Tensor& x, int axis, const Tensor& idx, const Tensor& out) = nullptr;
  // out (pre-filled) [.., idx[.., i, ..], ..] += src[.., i, ..]
  void (*scatter_add)(const Tensor& out, int axis, const Tensor& idx, const Tensor& src) = nullptr;

  // Stable argsort of each row of a contiguous [rows, n] tensor into int32 out (NaN last).
  void (*argsort)(const Tensor& x, const Tensor& out, bool descending) = nullptr;

  // Counter-based random bits (Philox4x32-10): out gets `kind` draws for key (k0,k1).
  void (*random)(int kind, const Tensor& out, uint32_t k0, uint32_t k1, double p0, double p1) = nullptr;

  // Convolution helpers (kernels/conv_geometry.h). x is an image batch [N, C, H, W] whose H x W
  // planes are contiguous (strides [any, any, W, 1]); cols is [N, C*kh*kw, Hout*Wout] with
  // contiguous rows (strides [any, any, 1]). Entry (n, (c*kh + i)*kw + j, oh*Wout + ow) reads
  // x[n, c, oh*sh - ph + i*dh, ow*sw - pw + j*dw], or 0 where that falls in the padding.
  // im2col writes every entry of cols. col2im is its adjoint: it overwrites x (contiguous,
  // need not be initialised) with, per pixel, the sum of the column entries that read it,
  // added in a fixed order so that results repeat bit for bit.
  void (*im2col)(const Tensor& x, const ConvGeometry& g, const Tensor& cols) = nullptr;
  void (*col2im)(const Tensor& cols, const ConvGeometry& g, const Tensor& x) = nullptr;
};

Backend& backend_slot(DeviceKind kind);
// The backend of a device; throws DeviceUnavailable if it has none on this machine.
Backend& backend(Device device);

// Registers part of a backend at static-initialisation time (bottom of each kernel file).
struct BackendRegistrar {
  template <class F>
  BackendRegistrar(DeviceKind kind, F&& fill) { fill(backend_slot(kind)); }
};

// Looks up a kernel, failing clearly where a backend lacks it.
template <class Fn>
Fn require_kernel(Fn fn, const Device& d, const char* what) {
  if (!fn) fail(ErrorCode::DeviceUnavailable, what, " is not implemented on ", d.name());
  return fn;
}

}  // namespace dv
