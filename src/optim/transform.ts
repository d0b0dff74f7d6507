/**
 * Gradient transformations (optax style): a pure pair `init(params) → state`,
 * `update(updates, state, params) → [updates, state]`, and an optional projection applied to
 * the parameters after the update (WGAN weight clipping). Final updates are ADDED to the
 * parameters. States are plain trees of tensors and numbers, so checkpoints can store them.
 *
 * Ownership contract (every transform here keeps it):
 * - nothing is mutated; every new value is a new tensor;
 * - the new state never shares a tensor with the inputs (updates, old state, params), so the
 *   caller may free the old state, the gradients and the old parameters after a step;
 * - the returned updates may share tensors with the input updates or the new state (e.g. a
 *   momentum buffer): they are temporaries, freed by `step` (or by an enclosing `local`).
 */
import { noGrad } from "../tensor/grad-mode.js"
import { leaves, map, zipWith } from "../tensor/tree.js"
import { local } from "../tensor/local.js"
import { add, clamp, div, maximum, mul, sqrt } from "../tensor/ops/elementwise.js"
import { sum } from "../tensor/ops/reduce.js"
import { Tensor } from "../tensor/tensor.js"
import { invalidConfig, nonNegative, positive } from "./config.js"

export interface GradientTransformation<S = unknown> {
  /** The state for a parameter tree (zeros, step count 0, ...). */
  readonly init: (params: unknown) => S
  /** Transformed updates and the next state. `params` are the parameters being updated. */
  readonly update: <P>(updates: P, state: S, params?: P) => readonly [P, S]
  /** A projection of the parameters, applied after the updates are added. */
  readonly project?: (<P>(params: P) => P) | undefined
  /**
   * `update` and `applyUpdates` in one pass, where a transform has a fused kernel for it (Adam):
   * the moved parameters (before `project`) and the next state, bit for bit what the two give.
   */
  readonly updateAndApply?: (<P>(updates: P, state: S, params: P) => readonly [P, S]) | undefined
}

/** What a transform without state keeps. */
export type EmptyState = null

/** params + updates, leaf by leaf (non-tensor leaves of params pass through). */
export const applyUpdates = <P>(params: P, updates: P): P => zipWith(params, updates, (p, u) => add(p, u))

const updateThenApply = <P, S>(opt: GradientTransformation<S>, params: P, grads: P, state: S): readonly [P, S] => {
  const [updates, next] = opt.update(grads, state, params)
  return [applyUpdates(params, updates), next]
}

/**
 * One optimizer step: transform the gradients, add them to the parameters, project. Runs
 * without recording a graph (as torch.optim's step); to differentiate through an update (e.g.
 * unrolled GANs), call `opt.update` and `applyUpdates` yourself. Returns new parameters and
 * state; the inputs are untouched (free them with `disposeTree` when no longer needed).
 */
export const step = <P, S>(opt: GradientTransformation<S>, params: P, grads: P, state: S): { params: P; state: S } =>
  noGrad(() =>
    local(() => {
      const [moved, next] = opt.updateAndApply ? opt.updateAndApply(grads, state, params) : updateThenApply(opt, params, grads, state)
      return { params: opt.project ? opt.project(moved) : moved, state: next }
    })
  )

/** Throws unless a state tree holds one tensor per tensor of the updates. */
export const checkMatches = (where: string, updates: unknown, state: unknown): void => {
  const n = leaves(updates).length, m = leaves(state).length
  if (n !== m) throw invalidConfig(where, `the state holds ${m} tensors but the updates ${n}; was it initialised for these parameters?`)
}

/** A stateless transform from a function of (updates, params). */
export const stateless = (f: <P>(updates: P, params: P | undefined) => P): GradientTransformation<EmptyState> => ({
  init: () => null,
  update: (updates, _state, params) => [local(() => f(updates, params)), null]
})

/** Leaves the updates as they are. */
export const identity = (): GradientTransformation<EmptyState> => ({
  init: () => null,
  update: (updates) => [updates, null]
})

/**
 * Applies transforms left to right: the updates of one are the input of the next. The state
 * is the array of their states; projections are applied in the same order.
 */
export const chain = (...transforms: readonly GradientTransformation<any>[]): GradientTransformation<readonly unknown[]> => {
  transforms.forEach((t, i) => {
    if (typeof t?.init !== "function" || typeof t?.update !== "function")
      throw invalidConfig("chain", `argument ${i} is not a gradient transformation`)
  })
  const projections = transforms.flatMap((t) => (t.project ? [t.project] : []))
  return {
    init: (params) => transforms.map((t) => t.init(params)),
    update: (updates, state, params) => {
      if (!Array.isArray(state) || state.length !== transforms.length)
        throw invalidConfig("chain", `expected a state of ${transforms.length} entries`)
      return local(() => {
        let u = updates
        const next = transforms.map((t, i) => {
          const [v, s] = t.update(u, state[i], params)
          u = v
          return s
        })
        return [u, next] as const
      })
    },
    project: projections.length === 0 ? undefined : (params) => local(() => projections.reduce((p, f) => f(p), params))
  }
}

/** Multiplies the updates by a constant. */
export const scale = (factor: number): GradientTransformation<EmptyState> => {
  if (typeof factor !== "number" || !Number.isFinite(factor)) throw invalidConfig("scale", `factor must be finite, got ${String(factor)}`)
  return stateless((updates) => map(updates, (u) => mul(u, factor)))
}

/** Adds weightDecay · params (the L2 penalty's gradient, PyTorch's coupled weight decay). */
export const addDecayedWeights = (weightDecay: number): GradientTransformation<EmptyState> => {
  const wd = nonNegative("addDecayedWeights", "weightDecay", weightDecay)
  return stateless((updates, params) => {
    if (wd === 0) return updates
    if (params === undefined) throw invalidConfig("addDecayedWeights", "needs the parameters")
    return zipWith(updates, params, (u, p) => add(u, mul(p, wd)))
  })
}

/** Clamps every update coordinate into [−c, c]. */
export const clipByValue = (c: number): GradientTransformation<EmptyState> => {
  const bound = positive("clipByValue", "bound", c)
  return stateless((updates) => map(updates, (u) => clamp(u, -bound, bound)))
}

/** The Euclidean norm of all tensors of a tree together, as a 0-d tensor. */
export const globalNorm = (tree: unknown): Tensor =>
  local(() => {
    const ts = leaves(tree)
    if (ts.length === 0) throw invalidConfig("globalNorm", "the tree holds no tensors")
    return sqrt(ts.map((t) => sum(mul(t, t))).reduce((a, b) => add(a, b)))
  })

/**
 * Scales the updates by maxNorm / max(‖updates‖, maxNorm): the projection onto the ball of
 * radius maxNorm. (PyTorch's clip_grad_norm_ divides by ‖g‖ + 1e-6 instead.) The factor stays
 * on the device: no host read, so no synchronisation on a GPU.
 */
export const clipByGlobalNorm = (maxNorm: number): GradientTransformation<EmptyState> => {
  const limit = positive("clipByGlobalNorm", "maxNorm", maxNorm)
  return stateless((updates) => {
    const norm = globalNorm(updates)
    const factor = div(limit, maximum(norm, limit))
    return map(updates, (u) => mul(u, factor))
  })
}

/**
 * The WGAN weight clip: a projection clamping every parameter into [−c, c] after each step
 * (updates pass through unchanged).
 */
export const clipWeights = (c: number): GradientTransformation<EmptyState> => {
  const bound = positive("clipWeights", "bound", c)
  return {
    init: () => null,
    update: (updates) => [updates, null],
    project: (params) => local(() => map(params, (p) => clamp(p, -bound, bound)))
  }
}
