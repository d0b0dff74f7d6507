// Shape ops. reshape, permute, expand and slice are views (no copy) where the strides
// allow; contiguous, cast and concat copy.
#include "../kernels/backend.h"
#include "autograd.h"
#include "ops.h"

namespace dv {
namespace {

// Strides that let `shape` view data laid out as (old_shape, old_strides), if any exist.
bool view_strides(const Shape& old_shape, const Strides& old_strides, const Shape& shape, Strides& out) {
  out = contiguous_strides(shape);
  if (old_shape.n == 0 || numel(old_shape) == 0) return true;
  int view_d = shape.n - 1;
  int64_t chunk_base = old_strides[old_shape.n - 1], tensor_numel = 1, view_numel = 1;
  for (int d = old_shape.n - 1; d >= 0; --d) {
    tensor_numel *= old_shape[d];
    if (d == 0 || (old_shape[d - 1] != 1 && old_strides[d - 1] != tensor_numel * chunk_base)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        out[view_d] = view_numel * chunk_base;
        view_numel *= shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return false;
      if (d > 0) {
        chunk_base = old_strides[d - 1];
        tensor_numel = view_numel = 1;
      }
    }
  }
  return view_d == -1;
}

Meta infer_reshape(const OpDef& op, const Tensor* in, int, const Attrs& a) {
  Shape s = a.dims;
  int infer_at = -1;
  int64_t known = 1;
  for (int d = 0; d < s.n; ++d) {
    if (s[d] == -1) {
      DV_CHECK(infer_at < 0, ErrorCode::InvalidArgument, "reshape: more than one -1 in ", s);
      infer_at = d;
    } else {
      DV_CHECK(s[d] >= 0, ErrorCode::InvalidArgument, "reshape: negative dimension in ", s);
      DV_CHECK(!__builtin_mul_overflow(known, s[d], &known), ErrorCode::InvalidArgument, "reshape: shape ", s,
               " is too large");
    }
  }
  const int64_t total = in[0].numel();
  if (infer_at >= 0) {
    DV_CHECK(known > 0 && total % known == 0, ErrorCode::ShapeMismatch, "reshape: cannot view ", in[0].shape(),
             " as ", s);
    s[infer_at] = total / known;
    known *= s[infer_at];
  }
  DV_CHECK(known == total, ErrorCode::ShapeMismatch, "reshape: cannot view ", in[0].shape(), " (", total,
           " elements) as ", s);
  return {s, in[0].dtype(), in[0].device()};
}

Tensor forward_reshape(const Tensor* in, int, const Attrs&, const Meta& m) {
  const Tensor& x = in[0];
  Strides st;
  if (view_strides(x.shape(), x.strides(), m.shape, st)) return make_view(x, m.shape, st, x.offset());
  Tensor c = empty(x.shape(), x.dtype(), x.device());
  backend(x.device()).copy(x, c);
  return make_view(c, m.shape, contiguous_strides(m.shape), 0);
}

Meta infer_permute(const OpDef& op, const Tensor* in, int, const Attrs& a) {
  const Tensor& x = in[0];
  DV_CHECK(a.dims.n == x.ndim(), ErrorCode::InvalidArgument, "permute: ", a.dims, " is not a permutation of ",
           x.ndim(), " axes");
  uint32_t seen = 0;
  Shape s = x.shape();
  for (int d = 0; d < a.dims.n; ++d) {
    int64_t p = a.dims[d];
    DV_CHECK(p >= 0 && p < x.ndim() && !(seen & (1u << p)), ErrorCode::InvalidArgument, "permute: ", a.dims,
             " is not a permutation of ", x.ndim(), " axes");
    seen |= 1u << p;
    s[d] = x.dim(static_cast<int>(p));
  }
  return {s, x.dtype(), x.device()};
}

Tensor forward_permute(const Tensor* in, int, const Attrs& a, const Meta& m) {
  const Tensor& x = in[0];
  Strides st = x.strides();
  for (int d = 0; d < a.dims.n; ++d) st[d] = x.strides()[static_cast<int>(a.dims[d])];
  return make_view(x, m.shape, st, x.offset());
}

Meta infer_expand(const OpDef& op, const Tensor* in, int, const Attrs& a) {
  const Tensor& x = in[0];
  const int lead = a.dims.n - x.ndim();
  DV_CHECK(lead >= 0, ErrorCode::ShapeMismatch, "expand: cannot expand ", x.shape(), " to fewer dimensions ", a.dims);
  Shape s = a.dims;
  for (int d = 0; d < s.n; ++d) {
    int64_t from = d < lead ? 1 : x.dim(d - lead);
    if (s[d] == -1 && d >= lead) s[d] = from;
    DV_CHECK(s[d] >= 0 && (from == s[d] || from == 1), ErrorCode::ShapeMismatch, "expand: cannot expand ", x.shape(),
             " to ", a.dims);
  }
  DV_CHECK(bounded_numel(s) >= 0, ErrorCode::InvalidArgument, "expand: shape ", s, " has 2^40 or more elements");
  return {s, x.dtype(), x.device()};
}

Tensor forward_expand(const Tensor* in, int, const Attrs&, const Meta& m) {
  const Tensor& x = in[0];
  return make_view(x, m.shape, broadcast_strides(x.shape(), x.strides(), m.shape), x.offset());
}

struct SliceSpec {
  int axis;
  int64_t start, len, step;
};

SliceSpec normalize_slice(const Shape& s, const Attrs& a) {
  SliceSpec r;
  r.axis = normalize_axis(a.i0, s.n, "slice");
  const int64_t n = s[r.axis];
  int64_t start = a.i1, stop = a.i2;
  r.step = a.i3;
  DV_CHECK(r.step >= 1, ErrorCode::InvalidArgument, "slice: step must be at least 1, got ", r.step);
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  start = std::min(std::max<int64_t>(start, 0), n);
  stop = std::min(std::max<int64_t>(stop, 0), n);
  r.start = start;
  r.len = stop > start ? (stop - start + r.step - 1) / r.step : 0;
  return r;
}

Meta infer_slice(const OpDef& op, const Tensor* in, int, const Attrs& a) {
  SliceSpec sp = normalize_slice(in[0].shape(), a);
  Shape s = in[0].shape();
  s[sp.axis] = sp.len;
  return {s, in[0].dtype(), in[0].device()};
}

Tensor slice_view(const Tensor& x, const SliceSpec& sp, const Shape& shape) {
  Strides st = x.strides();
  st[sp.axis] *= sp.step;
  return make_view(x, shape, st, x.offset() + sp.start * x.strides()[sp.axis]);
}

Tensor forward_slice(const Tensor* in, int, const Attrs& a, const Meta& m) {
  return slice_view(in[0], normalize_slice(in[0].shape(), a), m.shape);
}

// slice_scatter: zeros of shape a.dims with src written into the slice (the VJP of slice).
Meta infer_slice_scatter(const OpDef& op, const Tensor* in, int, const Attrs& a) {
  Meta m{a.dims, in[0].dtype(), in[0].device()};
  Shape expect = a.dims;
  expect[normalize_slice(a.dims, a).axis] = normalize_slice(a.dims, a).len;
  DV_CHECK(expect == in[0].shape(), ErrorCode::ShapeMismatch, "slice_scatter: source ", in[0].shape(),
           " does not fit the slice ", expect);
  return m;
}

Tensor forward_slice_scatter(const Tensor* in, int, const Attrs& a, const Meta& m) {
  Tensor out = empty(m.shape, m.dtype, m.device);
  Backend& be = backend(m.device);
  be.fill(out, 0.0);
  be.copy(in[0], slice_view(out, normalize_slice(m.shape, a), in[0].shape()));
  return out;
}

Meta infer_same(const OpDef& op, const Tensor* in, int, const Attrs&) { return {in[0].shape(), in[0].dtype(), in[0].device()}; }
Tensor forward_contiguous(const Tensor* in, int, const Attrs&, const Meta& m) {
  if (in[0].is_contiguous()) return make_view(in[0], m.shape, contiguous_strides(m.shape), in[0].offset());
  Tensor out = empty(m.shape, m.dtype, m.device);
  backend(m.device).copy(in[0], out);
  return out;
}

Meta infer_cast(const OpDef& op, const Tensor* in, int, const Attrs& a) { return {in[0].shape(), a.dtype, in[0].device()}; }
Tensor forward_cast(const Tensor* in, int, const Attrs& a, const Meta& m) {
  if (a.dtype == in[0].dtype()) return make_view(in[0], in[0].shape(), in[0].strides(), in[0].offset());
  Tensor out = empty(m.shape, m.dtype, m.device);
  backend(m.device).copy(in[0], out);
  return out;
}

Meta infer_concat(const OpDef& op, const Tensor* in, int n, const Attrs& a) {
  DV_CHECK(n >= 1, ErrorCode::InvalidArgument, "concat: needs at least one tensor");
  require_same_device(in, n, "concat");
  const int axis = normalize_axis(a.i0, in[0].ndim(), "concat");
  Shape s = in[0].shape();
  s[axis] = 0;
  for (int i = 0; i < n; ++i) {
    require_same_dtype(in[0], in[i], "concat");
    DV_CHECK(in[i].ndim() == s.n, ErrorCode::ShapeMismatch, "concat: ranks differ: ", in[0].shape(), " and ",
             in[i].shape());
    for (int d = 0; d < s.n; ++d)
      DV_CHECK(d == axis || in[i].dim(d) == s[d], ErrorCode::ShapeMismatch, "concat: shapes ", in[0].shape(), " and ",
               in[i].shape(), " differ off axis ", axis);
    s[axis] += in[i].dim(axis);
  }
  return {s, in[0].dtype(), in[0].device()};
}

Tensor forward_concat(const Tensor* in, int n, const Attrs& a, const Meta& m) {
  const int axis = normalize_axis(a.i0, m.shape.n, "concat");
  Tensor out = empty(m.shape, m.dtype, m.device);
  int64_t at = 0;
  for (int i = 0; i < n; ++i) {
    backend(m.device).copy(in[i], slice_view(out, {axis, at, in[i].dim(axis), 1}, in[i].shape()));
    at += in[i].dim(axis);
  }
  return out;
}

using namespace ops;

void vjp_reshape(BackwardCtx& c) { c.grads[0] = reshape(c.grad, c.input_shape(0)); }
void vjp_permute(BackwardCtx& c) {
  Dims inv = c.attrs().dims;
  for (int d = 0; d < inv.n; ++d) inv[static_cast<int>(c.attrs().dims[d])] = d;
  c.grads[0] = permute(c.grad, inv);
}
void vjp_identity(BackwardCtx& c) { c.grads[0] = c.grad; }  // expand: the engine sums back
void vjp_slice(BackwardCtx& c) {
  const Attrs& a = c.attrs();
  c.grads[0] = slice_scatter(c.grad, c.input_shape(0), static_cast<int>(a.i0), a.i1, a.i2, a.i3);
}
void vjp_slice_scatter(BackwardCtx& c) {
  const Attrs& a = c.attrs();
  c.grads[0] = slice(c.grad, static_cast<int>(a.i0), a.i1, a.i2, a.i3);
}
void vjp_cast(BackwardCtx& c) { c.grads[0] = cast(c.grad, c.node.inputs[0].dtype); }
void vjp_concat(BackwardCtx& c) {
  const int axis = normalize_axis(c.attrs().i0, c.grad.ndim(), "concat");
  int64_t at = 0;
  for (int i = 0; i < c.arity(); ++i) {
    int64_t len = c.input_shape(i)[axis];
    if (c.needs(i)) c.grads[i] = slice(c.grad, axis, at, at + len, 1);
    at += len;
  }
}

const OpDef kReshape{"reshape", Family::Reshape, 1, infer_reshape, forward_reshape, vjp_reshape, 0};
const OpDef kPermute{"permute", Family::Reshape, 1, infer_permute, forward_permute, vjp_permute, 0};
const OpDef kExpand{"expand", Family::Reshape, 1, infer_expand, forward_expand, vjp_identity, 0};
const OpDef kSlice{"slice", Family::Slice, 1, infer_slice, forward_slice, vjp_slice, 0};
const OpDef kSliceScatter{"slice_scatter", Family::Internal, 1, infer_slice_scatter, forward_slice_scatter,
                          vjp_slice_scatter, 0};
const OpDef kContiguous{"contiguous", Family::Unary, 1, infer_same, forward_contiguous, vjp_identity, 0};
const OpDef kCast{"cast", Family::Cast, 1, infer_cast, forward_cast, vjp_cast, 0};
const OpDef kConcat{"concat", Family::Concat, -1, infer_concat, forward_concat, vjp_concat, 0};
OpRegistrar reg({&kReshape, &kPermute, &kExpand, &kSlice, &kSliceScatter, &kContiguous, &kCast, &kConcat});

}  // namespace

namespace ops {
Tensor reshape(const Tensor& x, const Shape& shape) {
  Attrs a;
  a.dims = shape;
  return apply(kReshape, {x}, a);
}
Tensor permute(const Tensor& x, const Dims& perm) {
  Attrs a;
  a.dims = perm;
  return apply(kPermute, {x}, a);
}
Tensor transpose_last(const Tensor& x) {
  Dims perm = Dims::of_size(x.ndim(), 0);
  for (int d = 0; d < x.ndim(); ++d) perm[d] = d;
  std::swap(perm[x.ndim() - 1], perm[x.ndim() - 2]);
  return permute(x, perm);
}
Tensor expand(const Tensor& x, const Shape& shape) {
  Attrs a;
  a.dims = shape;
  return apply(kExpand, {x}, a);
}
Tensor slice(const Tensor& x, int axis, int64_t start, int64_t stop, int64_t step) {
  Attrs a;
  a.i0 = axis, a.i1 = start, a.i2 = stop, a.i3 = step;
  return apply(kSlice, {x}, a);
}
Tensor slice_scatter(const Tensor& src, const Shape& shape, int axis, int64_t start, int64_t stop, int64_t step) {
  Attrs a;
  a.dims = shape;
  a.i0 = axis, a.i1 = start, a.i2 = stop, a.i3 = step;
  return apply(kSliceScatter, {src}, a);
}
Tensor contiguous(const Tensor& x) { return apply(kContiguous, {x}); }
Tensor cast(const Tensor& x, DType dtype) {
  Attrs a;
  a.dtype = dtype;
  return apply(kCast, {x}, a);
}
Tensor concat(const std::vector<Tensor>& xs, int axis) {
  Attrs a;
  a.i0 = axis;
  return apply(kConcat, xs.data(), static_cast<int>(xs.size()), a);
}
}  // namespace ops
}  // namespace dv
