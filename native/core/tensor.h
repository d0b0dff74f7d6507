// The native tensor: a strided view over shared Storage, plus its autograd metadata.
#pragma once
#include <memory>
#include "dtype.h"
#include "shape.h"
#include "storage.h"

namespace dv {

struct Node;  // autograd graph node (ops/autograd.h)

struct TensorImpl {
  StoragePtr storage;
  int64_t offset = 0;  // in elements
  Shape shape;
  Strides strides;     // in elements; 0 for broadcast (expanded) dimensions
  DType dtype = DType::F32;
  Device device;

  // Autograd: a tensor that requires grad has a node, its producer or (for a leaf) an
  // accumulator node of its own. Gradients are keyed by this node.
  bool requires_grad = false;
  std::shared_ptr<Node> grad_node;

  TensorImpl(StoragePtr s, int64_t off, const Shape& sh, const Strides& st, DType dt);
  ~TensorImpl();
  TensorImpl(const TensorImpl&) = delete;
  TensorImpl& operator=(const TensorImpl&) = delete;
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return impl_ != nullptr; }
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& ptr() const { return impl_; }

  const Shape& shape() const { return impl_->shape; }
  const Strides& strides() const { return impl_->strides; }
  int ndim() const { return impl_->shape.n; }
  int64_t dim(int i) const { return impl_->shape.v[i]; }
  int64_t numel() const { return dv::numel(impl_->shape); }
  DType dtype() const { return impl_->dtype; }
  Device device() const { return impl_->device; }
  int64_t offset() const { return impl_->offset; }
  bool requires_grad() const { return impl_->requires_grad; }
  size_t nbytes() const { return static_cast<size_t>(numel()) * dtype_size(dtype()); }

  bool is_contiguous() const;
  void* raw() const { return static_cast<char*>(impl_->storage->data) + impl_->offset * dtype_size(dtype()); }
  template <class T>
  T* data() const { return static_cast<T*>(impl_->storage->data) + impl_->offset; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

// A new, uninitialised, contiguous tensor.
Tensor empty(const Shape& shape, DType dtype, Device device);
// A view over the same storage with other geometry (no autograd: ops/view records that).
Tensor make_view(const Tensor& base, const Shape& shape, const Strides& strides, int64_t offset);

}  // namespace dv
