// Indexing along one axis with int32 indices: index_select / index_add and gather /
// scatter_add, each pair the other's derivative.
#include "../kernels/backend.h"
#include "autograd.h"
#include "ops.h"

namespace dv {
namespace {

Tensor dense(const Tensor& t) {  // a contiguous copy for kernels, outside autograd
  if (t.is_contiguous()) return t;
  Tensor c = empty(t.shape(), t.dtype(), t.device());
  backend(t.device()).copy(t, c);
  return c;
}

void require_index(const Tensor& idx, const char* op) {
  DV_CHECK(idx.dtype() == DType::I32, ErrorCode::DTypeMismatch, op, ": indices must be int32, got ",
           dtype_name(idx.dtype()));
}

Meta infer_index_select(const OpDef& op, const Tensor* in, int, const Attrs& a) {
  const Tensor &x = in[0], &idx = in[1];
  require_same_device(in, 2, "index_select");
  require_index(idx, "index_select");
  DV_CHECK(idx.ndim() == 1, ErrorCode::ShapeMismatch, "index_select: indices must be 1-D, got ", idx.shape());
  Shape s = x.shape();
  s[normalize_axis(a.i0, x.ndim(), "index_select")] = idx.dim(0);
  return {s, x.dtype(), x.device()};
}

Tensor forward_index_select(const Tensor* in, int, const Attrs& a, const Meta& m) {
  Tensor out = empty(m.shape, m.dtype, m.device);
  backend(m.device).index_select(dense(in[0]), normalize_axis(a.i0, m.shape.n, "index_select"), dense(in[1]), out);
  return out;
}

Meta infer_index_add(const OpDef& op, const Tensor* in, int, const Attrs& a) {
  const Tensor &base = in[0], &idx = in[1], &src = in[2];
  require_same_device(in, 3, "index_add");
  require_index(idx, "index_add");
  require_floating(base, "index_add");
  require_same_dtype(base, src, "index_add");
  DV_CHECK(idx.ndim() == 1, ErrorCode::ShapeMismatch, "index_add: indices must be 1-D, got ", idx.shape());
  Shape expect = base.shape();
  expect[normalize_axis(a.i0, base.ndim(), "index_add")] = idx.dim(0);
  DV_CHECK(src.shape() == expect, ErrorCode::ShapeMismatch, "index_add: source ", src.shape(), " should be ", expect);
  return {base.shape(), base.dtype(), base.device()};
}

Tensor forward_index_add(const Tensor* in, int, const Attrs& a, const Meta& m) {
  Tensor out = empty(m.shape, m.dtype, m.device);
  Backend& be = backend(m.device);
  be.copy(in[0], out);
  be.index_add(out, normalize_axis(a.i0, m.shape.n, "index_add"), dense(in[1]), dense(in[2]));
  return out;
}

void check_along_axis(const Tensor& x, const Tensor& idx, int axis, const char* op) {
  DV_CHECK(idx.ndim() == x.ndim(), ErrorCode::ShapeMismatch, op, ": indices ", idx.shape(), " and tensor ", x.shape(),
           " differ in rank");
  for (int d = 0; d < x.ndim(); ++d)
    DV_CHECK(d == axis || idx.dim(d) == x.dim(d), ErrorCode::ShapeMismatch, op, ": indices ", idx.shape(),
             " and tensor ", x.shape(), " differ off axis ", axis);
}

Meta infer_gather(const OpDef& op, const Tensor* in, int, const Attrs& a) {
  const Tensor &x = in[0], &idx = in[1];
  require_same_device(in, 2, "gather");
  require_index(idx, "gather");
  check_along_axis(x, idx, normalize_axis(a.i0, x.ndim(), "gather"), "gather");
  return {idx.shape(), x.dtype(), x.device()};
}

Tensor forward_gather(const Tensor* in, int, const Attrs& a, const Meta& m) {
  Tensor out = empty(m.shape, m.dtype, m.device);
  backend(m.device).gather(dense(in[0]), normalize_axis(a.i0, m.shape.n, "gather"), dense(in[1]), out);
  return out;
}

Meta infer_scatter_add(const OpDef& op, const Tensor* in, int, const Attrs& a) {
  const Tensor &base = in[0], &idx = in[1], &src = in[2];
  require_same_device(in, 3, "scatter_add");
  require_index(idx, "scatter_add");
  require_floating(base, "scatter_add");
  require_same_dtype(base, src, "scatter_add");
  DV_CHECK(idx.shape() == src.shape(), ErrorCode::ShapeMismatch, "scatter_add: indices ", idx.shape(), " and source ",
           src.shape(), " differ");
  check_along_axis(base, idx, normalize_axis(a.i0, base.ndim(), "scatter_add"), "scatter_add");
  return {base.shape(), base.dtype(), base.device()};
}

Tensor forward_scatter_add(const Tensor* in, int, const Attrs& a, const Meta& m) {
  Tensor out = empty(m.shape, m.dtype, m.device);
  Backend& be = backend(m.device);
  be.copy(in[0], out);
  be.scatter_add(out, normalize_axis(a.i0, m.shape.n, "scatter_add"), dense(in[1]), dense(in[2]));
  return out;
}

using namespace ops;
int axis_of(BackwardCtx& c) { return normalize_axis(c.attrs().i0, c.grad.ndim(), "index"); }
Tensor zeros_of_input(BackwardCtx& c, int i) {
  return full(c.input_shape(i), 0.0, c.node.inputs[i].dtype, c.node.device);
}

void vjp_index_select(BackwardCtx& c) {
  c.grads[0] = index_add(zeros_of_input(c, 0), axis_of(c), c.input(1), c.grad);
}
void vjp_index_add(BackwardCtx& c) {
  c.grads[0] = c.grad;
  if (c.needs(2)) c.grads[2] = index_select(c.grad, axis_of(c), c.input(1));
}
void vjp_gather(BackwardCtx& c) { c.grads[0] = scatter_add(zeros_of_input(c, 0), axis_of(c), c.input(1), c.grad); }
void vjp_scatter_add(BackwardCtx& c) {
  c.grads[0] = c.grad;
  if (c.needs(2)) c.grads[2] = gather(c.grad, axis_of(c), c.input(1));
}

const OpDef kIndexSelect{"index_select", Family::IndexSelect, 2, infer_index_select, forward_index_select,
                         vjp_index_select, kSaveIn1};
const OpDef kIndexAdd{"index_add", Family::IndexAdd, 3, infer_index_add, forward_index_add, vjp_index_add, kSaveIn1};
const OpDef kGather{"gather", Family::IndexSelect, 2, infer_gather, forward_gather, vjp_gather, kSaveIn1};
const OpDef kScatterAdd{"scatter_add", Family::IndexAdd, 3, infer_scatter_add, forward_scatter_add, vjp_scatter_add,
                        kSaveIn1};
OpRegistrar reg({&kIndexSelect, &kIndexAdd, &kGather, &kScatterAdd});

Attrs axis_attrs(int axis) {
  Attrs a;
  a.i0 = axis;
  return a;
}

}  // namespace

namespace ops {
Tensor index_select(const Tensor& x, int axis, const Tensor& idx) { return apply(kIndexSelect, {x, idx}, axis_attrs(axis)); }
Tensor index_add(const Tensor& base, int axis, const Tensor& idx, const Tensor& src) {
  return apply(kIndexAdd, {base, idx, src}, axis_attrs(axis));
}
Tensor gather(const Tensor& x, int axis, const Tensor& idx) { return apply(kGather, {x, idx}, axis_attrs(axis)); }
Tensor scatter_add(const Tensor& base, int axis, const Tensor& idx, const Tensor& src) {
  return apply(kScatterAdd, {base, idx, src}, axis_attrs(axis));
}
}  // namespace ops
}  // namespace dv
