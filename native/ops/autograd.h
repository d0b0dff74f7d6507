// Define-by-run reverse mode. A node per recorded op keeps what its VJP needs; the engine
// walks the graph from the outputs and returns gradients for the requested inputs.
#pragma once
#include <memory>
#include <vector>
#include "op.h"

namespace dv {

struct Node : std::enable_shared_from_this<Node> {
  const OpDef* op = nullptr;  // nullptr for a leaf's accumulator
  Attrs attrs;
  struct Input {
    std::shared_ptr<Node> node;  // gradient node of the input; null if it needs no gradient
    Shape shape;
    DType dtype;
  };
  std::vector<Input> inputs;
  std::vector<Tensor> saved_inputs;  // as many as inputs; undefined where not saved
  Tensor saved_output;               // an alias with no autograd link (avoids a cycle)
  Shape out_shape;
  DType out_dtype = DType::F32;
  Device device;
  bool released = false;

  bool is_leaf() const { return op == nullptr; }

  Node() = default;
  ~Node();  // iterative: a graph of a million chained ops must not recurse once per node
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
};

// What a VJP sees: its node's saved tensors, the incoming gradient, and where to write.
struct BackwardCtx {
  Node& node;
  Tensor grad;                 // gradient with respect to the node's output
  std::vector<Tensor> grads;   // one per input; leave undefined for "no contribution"
  bool create_graph;

  const Attrs& attrs() const { return node.attrs; }
  bool needs(int i) const { return node.inputs[i].node != nullptr; }
  Tensor input(int i) const;   // throws GraphReleased if freed
  Tensor output() const;       // re-linked to this node when building a graph of the gradient
  const Shape& input_shape(int i) const { return node.inputs[i].shape; }
  int arity() const { return static_cast<int>(node.inputs.size()); }
};

// Marks a floating tensor as a leaf that requires grad (creates its accumulator node).
void set_requires_grad(const Tensor& t, bool requires);
// A view of the same data that is cut from the graph.
Tensor detach(const Tensor& t);

// Gradients of sum_k <outputs[k], grad_outputs[k]> with respect to inputs (each must require
// grad). An undefined grad_output means ones (for a scalar output). Inputs the outputs do not
// depend on get zeros. create_graph records the gradient computation itself.
std::vector<Tensor> gradients(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs,
                              const std::vector<Tensor>& inputs, bool create_graph, bool retain_graph);

// Records a node for an op output (called by apply).
void record(const OpDef& op, const Tensor* in, int n, const Attrs& attrs, const Tensor& out);

}  // namespace dv
