#include "autograd.h"
#include "op.h"

namespace dv {

namespace {
std::vector<const OpDef*>& table() {
  static std::vector<const OpDef*> t;
  return t;
}
thread_local bool t_grad_enabled = true;
}  // namespace

const std::vector<const OpDef*>& op_table() { return table(); }

OpRegistrar::OpRegistrar(std::initializer_list<const OpDef*> ops) {
  for (const OpDef* op : ops) table().push_back(op);
}

bool grad_enabled() { return t_grad_enabled; }
void set_grad_enabled(bool enabled) { t_grad_enabled = enabled; }
GradMode::GradMode(bool enabled) : previous_(t_grad_enabled) { t_grad_enabled = enabled; }
GradMode::~GradMode() { t_grad_enabled = previous_; }

Tensor apply(const OpDef& op, const Tensor* in, int n, const Attrs& attrs) {
  for (int i = 0; i < n; ++i)
    DV_CHECK(in[i].defined(), ErrorCode::InvalidArgument, op.name, ": input ", i, " is undefined");
  Meta meta = op.infer(op, in, n, attrs);
  Tensor out = op.forward(in, n, attrs, meta);
  if (op.vjp && t_grad_enabled && is_floating(out.dtype())) {
    for (int i = 0; i < n; ++i)
      if (in[i].requires_grad()) {
        record(op, in, n, attrs, out);
        break;
      }
  }
  return out;
}

void require_same_device(const Tensor* in, int n, const char* op) {
  for (int i = 1; i < n; ++i)
    if (in[i].device() != in[0].device())
      fail(ErrorCode::DeviceMismatch, op, ": inputs on ", in[0].device().name(), " and ", in[i].device().name());
}

void require_floating(const Tensor& t, const char* op) {
  if (!is_floating(t.dtype()))
    fail(ErrorCode::DTypeMismatch, op, ": expects a float32 or float64 tensor, got ", dtype_name(t.dtype()));
}

void require_same_dtype(const Tensor& a, const Tensor& b, const char* op) {
  if (a.dtype() != b.dtype())
    fail(ErrorCode::DTypeMismatch, op, ": dtypes ", dtype_name(a.dtype()), " and ", dtype_name(b.dtype()), " differ");
}

}  // namespace dv
