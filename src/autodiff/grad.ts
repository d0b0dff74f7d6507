/**
 * Reverse-mode differentiation of plain functions of parameter trees (JAX style): the
 * function is run with its inputs as graph leaves, the native engine computes the gradient,
 * and every temporary is freed. With `createGraph` the gradient is itself recorded, so it
 * can be differentiated again (gradient penalties, unrolled optimisation).
 */
import { native } from "../native/addon.js"
import { InvalidArgument } from "../native/errors.js"
import { escape } from "../tensor/local.js"
import { getCurrentDevice, getCurrentOwner, Owner, withOwner } from "../tensor/ownership.js"
import { handleOf, Tensor } from "../tensor/tensor.js"
import { enableGrad, noGrad } from "../tensor/grad-mode.js"
import { leaves, unflatten } from "../tensor/tree.js"

export interface GradOptions {
  /** Record the gradient computation so that it can be differentiated again. */
  readonly createGraph?: boolean
}

export interface ValueAndGradOptions extends GradOptions {
  /** f returns [value, aux]; aux is passed through (its tensors are kept). */
  readonly hasAux?: boolean
}

/** A view of t's data cut from every graph. */
export const stopGradient = (t: Tensor): Tensor => Tensor.fromHandle(native.detach(handleOf(t)))

/** A new graph leaf sharing t's data, from which gradients can be taken. */
export const variable = (t: Tensor): Tensor => {
  const leaf = stopGradient(t)
  native.setRequiresGrad(leaf.handle, true)
  return leaf
}

export { enableGrad, noGrad }

/**
 * The low-level engine call: gradients of sum_k <outputs[k], gradOutputs[k]> with respect to
 * `inputs` (each must require grad). A missing output gradient means ones (scalar outputs).
 */
export const gradients = (
  outputs: readonly Tensor[],
  inputs: readonly Tensor[],
  options: GradOptions & { readonly gradOutputs?: readonly (Tensor | undefined)[]; readonly retainGraph?: boolean } = {}
): Tensor[] => {
  const gradOutputs = outputs.map((_, k) => {
    const g = options.gradOutputs?.[k]
    return g === undefined ? -1 : handleOf(g, "output gradient")
  })
  const ids = native.gradients(
    outputs.map((o) => handleOf(o, "output")),
    gradOutputs,
    inputs.map((x) => handleOf(x, "input")),
    options.createGraph === true,
    options.retainGraph === true
  )
  return ids.map((id) => Tensor.fromHandle(id))
}

// The differentiable version of each input tensor: itself if it is already in a graph (so
// that nested derivatives stay connected), else a fresh leaf over the same data.
const asInputs = (params: unknown): { leafs: Tensor[]; tree: unknown } => {
  const ts = leaves(params)
  const leafs = ts.map((t) => (t.requiresGrad ? t : variable(t)))
  return { leafs, tree: unflatten(params, leafs) }
}

const checkScalar = (value: unknown): Tensor => {
  if (!(value instanceof Tensor))
    throw new InvalidArgument({ message: "the differentiated function must return a scalar Tensor" })
  if (value.size !== 1) throw new InvalidArgument({ message: `the differentiated function returned shape [${value.shape.join(", ")}], not a scalar` })
  return value
}

/**
 * valueAndGrad(f)(params, ...rest) → { value, grad, aux }: f's value and its gradient with
 * respect to every tensor in the tree `params` (same structure). Without createGraph the
 * value is returned cut from the graph, so no graph memory outlives the call.
 */
export const valueAndGrad =
  <P, Args extends unknown[], Aux = never>(
    f: (params: P, ...rest: Args) => Tensor | readonly [Tensor, Aux],
    options: ValueAndGradOptions = {}
  ) =>
  (params: P, ...rest: Args): { value: Tensor; grad: P; aux: Aux } => {
    const outer = getCurrentOwner()
    const owner = new Owner(outer)
    try {
      const result = withOwner(owner, getCurrentDevice(), () => enableGrad(() => {
        const { leafs, tree } = asInputs(params)
        const out = f(tree as P, ...rest)
        const [rawValue, aux] = options.hasAux === true ? (out as readonly [Tensor, Aux]) : [out as Tensor, undefined as Aux]
        const value = checkScalar(rawValue)
        const grads = gradients([value], leafs, { createGraph: options.createGraph === true })
        return { value: options.createGraph === true ? value : stopGradient(value), grad: unflatten(params, grads), aux }
      }))
      return escape(result, owner, outer)
    } finally {
      owner.release()
    }
  }

/** grad(f)(params, ...rest): the gradient tree of a scalar function. */
export const grad =
  <P, Args extends unknown[]>(f: (params: P, ...rest: Args) => Tensor, options: GradOptions = {}) =>
  (params: P, ...rest: Args): P => {
    const { value, grad: g } = valueAndGrad(f, options)(params, ...rest)
    value.dispose()
    return g
  }

/**
 * vjp(f, primals) → [output, pullback]: pullback(cotangent) is the vector-Jacobian product
 * with respect to the tensors of `primals`, as a tree of the same structure. The graph is
 * kept for repeated pullbacks until `output` is disposed.
 */
export const vjp = <P>(
  f: (primals: P) => Tensor,
  primals: P,
  options: GradOptions = {}
): readonly [Tensor, (cotangent: Tensor) => P] => {
  const outer = getCurrentOwner()
  const owner = new Owner(outer)
  try {
    const result = withOwner(owner, getCurrentDevice(), () => enableGrad(() => {
      const { leafs, tree } = asInputs(primals)
      const output = f(tree as P)
      if (!(output instanceof Tensor)) throw new InvalidArgument({ message: "vjp: the function must return a Tensor" })
      const pullback = (cotangent: Tensor): P =>
        unflatten(primals, gradients([output], leafs, { gradOutputs: [cotangent], createGraph: options.createGraph === true, retainGraph: true }))
      // The leaves must live as long as the pullback may be called.
      return { output, pullback, leafs }
    }))
    escape([result.output, result.leafs], owner, outer)
    return [result.output, result.pullback] as const
  } finally {
    owner.release()
  }
}
