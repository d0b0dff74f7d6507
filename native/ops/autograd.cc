#include "autograd.h"
#include <unordered_map>
#include "ops.h"

namespace dv {

namespace {
// An alias of t's data with no autograd link.
Tensor plain_alias(const Tensor& t) { return make_view(t, t.shape(), t.strides(), t.offset()); }
}  // namespace

namespace {
// Moves out what keeps n's predecessors alive: input nodes, and the nodes of saved tensors
// that only n holds. Dropping them later then destroys nothing recursively.
void detach_predecessors(Node& n, std::vector<std::shared_ptr<Node>>& pending) {
  auto release = [&pending](Tensor& t) {
    if (t.defined() && t.ptr().use_count() == 1 && t.impl()->grad_node)
      pending.push_back(std::move(t.impl()->grad_node));
    t = Tensor();
  };
  for (Node::Input& in : n.inputs)
    if (in.node) pending.push_back(std::move(in.node));
  for (Tensor& t : n.saved_inputs) release(t);
  release(n.saved_output);
}
}  // namespace

Node::~Node() {
  std::vector<std::shared_ptr<Node>> pending;
  detach_predecessors(*this, pending);
  while (!pending.empty()) {
    std::shared_ptr<Node> node = std::move(pending.back());
    pending.pop_back();
    if (node.use_count() == 1) detach_predecessors(*node, pending);  // about to go: empty it first
  }
}

void record(const OpDef& op, const Tensor* in, int n, const Attrs& attrs, const Tensor& out) {
  auto node = std::make_shared<Node>();
  node->op = &op;
  node->attrs = attrs;
  node->inputs.resize(n);
  node->saved_inputs.resize(n);
  for (int i = 0; i < n; ++i) {
    Node::Input& slot = node->inputs[i];
    if (in[i].requires_grad()) slot.node = in[i].impl()->grad_node;
    slot.shape = in[i].shape();
    slot.dtype = in[i].dtype();
    if (op.saves & (1u << (i < 7 ? i : 6))) node->saved_inputs[i] = in[i];
  }
  if (op.saves & kSaveOut) node->saved_output = plain_alias(out);
  node->out_shape = out.shape();
  node->out_dtype = out.dtype();
  node->device = out.device();
  out.impl()->requires_grad = true;
  out.impl()->grad_node = std::move(node);
}

Tensor BackwardCtx::input(int i) const {
  if (node.released) fail(ErrorCode::GraphReleased, node.op->name, ": the graph was freed by an earlier backward pass");
  const Tensor& t = node.saved_inputs[i];
  if (!t.defined()) fail(ErrorCode::Internal, node.op->name, ": input ", i, " was not saved for backward");
  return t;
}

Tensor BackwardCtx::output() const {
  if (node.released) fail(ErrorCode::GraphReleased, node.op->name, ": the graph was freed by an earlier backward pass");
  if (!node.saved_output.defined()) fail(ErrorCode::Internal, node.op->name, ": output was not saved for backward");
  if (!create_graph) return node.saved_output;
  Tensor linked = plain_alias(node.saved_output);
  linked.impl()->requires_grad = true;
  linked.impl()->grad_node = node.shared_from_this();
  return linked;
}

void set_requires_grad(const Tensor& t, bool requires) {
  TensorImpl* impl = t.impl();
  if (!requires) {
    DV_CHECK(!impl->grad_node || impl->grad_node->is_leaf(), ErrorCode::InvalidArgument,
             "requires_grad can only be cleared on a leaf; use detach");
    impl->requires_grad = false;
    impl->grad_node.reset();
    return;
  }
  require_floating(t, "requires_grad");
  if (impl->requires_grad) return;
  auto leaf = std::make_shared<Node>();
  leaf->out_shape = t.shape();
  leaf->out_dtype = t.dtype();
  leaf->device = t.device();
  impl->requires_grad = true;
  impl->grad_node = std::move(leaf);
}

Tensor detach(const Tensor& t) { return plain_alias(t); }

namespace {

// Reverse topological order (outputs first) of the nodes from which some target is reachable.
std::vector<Node*> needed_order(const std::vector<Node*>& roots, std::unordered_map<Node*, int>& is_target) {
  enum : uint8_t { Unvisited, Open, Done };
  std::unordered_map<Node*, uint8_t> state;
  std::unordered_map<Node*, bool> needed;
  std::vector<Node*> post;
  std::vector<std::pair<Node*, size_t>> stack;
  for (Node* root : roots) {
    if (state[root] != Unvisited) continue;
    stack.push_back({root, 0});
    state[root] = Open;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next < node->inputs.size()) {
        Node* child = node->inputs[next++].node.get();
        if (child && state[child] == Unvisited) {
          state[child] = Open;
          stack.push_back({child, 0});
        }
        continue;
      }
      bool need = is_target.count(node) > 0;
      for (auto& in : node->inputs)
        if (in.node && needed[in.node.get()]) need = true;
      needed[node] = need;
      state[node] = Done;
      if (need) post.push_back(node);
      stack.pop_back();
    }
  }
  return std::vector<Node*>(post.rbegin(), post.rend());
}

}  // namespace

std::vector<Tensor> gradients(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs,
                              const std::vector<Tensor>& inputs, bool create_graph, bool retain_graph) {
  DV_CHECK(outputs.size() == grad_outputs.size(), ErrorCode::InvalidArgument, "grad: ", outputs.size(), " outputs but ",
           grad_outputs.size(), " output gradients");
  std::unordered_map<Node*, int> is_target;
  for (const Tensor& x : inputs) {
    DV_CHECK(x.requires_grad(), ErrorCode::NotDifferentiable,
             "grad: an input does not require grad (mark it, or pass it through grad's argument)");
    is_target[x.impl()->grad_node.get()] = 1;
  }
  GradMode mode(create_graph);
  std::unordered_map<Node*, Tensor> acc;
  std::vector<Node*> roots;
  auto accumulate = [&](Node* node, const Tensor& g) {
    Tensor& slot = acc[node];
    slot = slot.defined() ? ops::add(slot, g) : g;
  };
  for (size_t k = 0; k < outputs.size(); ++k) {
    const Tensor& y = outputs[k];
    if (!y.requires_grad()) continue;  // contributes nothing
    Tensor g = grad_outputs[k];
    if (!g.defined()) {
      DV_CHECK(y.numel() == 1, ErrorCode::InvalidArgument, "grad: output of shape ", y.shape(),
               " is not a scalar; pass an output gradient");
      g = ops::ones_like(y);
    } else {
      DV_CHECK(g.shape() == y.shape(), ErrorCode::ShapeMismatch, "grad: output gradient of shape ", g.shape(),
               " for output of shape ", y.shape());
      require_same_dtype(g, y, "grad");
    }
    Node* root = y.impl()->grad_node.get();
    roots.push_back(root);
    accumulate(root, g);
  }
  for (Node* node : needed_order(roots, is_target)) {
    auto it = acc.find(node);
    if (it == acc.end() || node->is_leaf()) continue;
    if (!node->op->vjp) fail(ErrorCode::NotDifferentiable, node->op->name, " has no derivative");
    BackwardCtx ctx{*node, it->second, std::vector<Tensor>(node->inputs.size()), create_graph};
    if (!is_target.count(node)) acc.erase(it);
    node->op->vjp(ctx);
    for (size_t i = 0; i < node->inputs.size(); ++i) {
      Node::Input& in = node->inputs[i];
      Tensor& g = ctx.grads[i];
      if (!in.node || !g.defined()) continue;
      if (g.shape() != in.shape) g = ops::sum_to(g, in.shape);
      accumulate(in.node.get(), g);
    }
    if (!retain_graph && !create_graph) {
      node->saved_inputs.assign(node->saved_inputs.size(), Tensor());
      node->saved_output = Tensor();
      node->released = true;
    }
  }
  std::vector<Tensor> result;
  result.reserve(inputs.size());
  for (const Tensor& x : inputs) {
    auto it = acc.find(x.impl()->grad_node.get());
    result.push_back(it != acc.end() ? it->second : ops::zeros_like(x));
  }
  return result;
}

}  // namespace dv
