/**
 * Stateful transforms: learning-rate scaling (with schedules), momentum (`trace`), Adam's and
 * RMSprop's preconditioners. Step counts are plain numbers in the state; scalar constants
 * (bias corrections, the scheduled learning rate) are computed in JavaScript once per step,
 * and each tensor is touched by as few native ops as the formula allows. Squares are written
 * g · g: the CPU's binary kernels vectorise, its pow_scalar kernel (square) does not.
 */
import { leaves, map, type Tree, unflatten } from "../tensor/tree.js"
import { local } from "../tensor/local.js"
import { zerosLike } from "../tensor/ops/creation.js"
import type { Tensor } from "../tensor/tensor.js"
import { add, div, maximum, mul, sqrt, sub } from "../tensor/ops/elementwise.js"
import { adamStep } from "./fused.js"
import { count, decayRate, flag, fraction, invalidConfig, nonNegative, positive } from "./config.js"
import { asSchedule, type LearningRate, type Schedule } from "./schedule.js"
import { checkMatches, type GradientTransformation } from "./transform.js"

export interface CountState {
  readonly count: number
}

const zerosOf = (params: unknown): Tree => map(params, (p) => zerosLike(p)) as Tree

const countOf = (where: string, state: unknown): number => {
  if (typeof state !== "object" || state === null) throw invalidConfig(where, "the state is not an object")
  return count(where, "state.count", (state as { count?: unknown }).count)
}

/**
 * Multiplies the updates by −lr(step) (descent: the result is added to the parameters).
 * The first update uses step 0.
 */
export const scaleByLearningRate = (lr: LearningRate): GradientTransformation<CountState> => {
  const where = "scaleByLearningRate"
  const schedule = asSchedule(lr, where)
  return {
    init: () => ({ count: 0 }),
    update: (updates, state) => {
      const c = countOf(where, state)
      const factor = -schedule(c)
      return [local(() => map(updates, (u) => mul(u, factor))), { count: c + 1 }]
    }
  }
}

export interface TraceOptions {
  /** The momentum factor μ (≥ 0). */
  readonly decay: number
  /** τ in b ← μ b + (1 − τ) g (default 0). */
  readonly dampening?: number
  /** Return g + μ b instead of b (requires μ > 0 and no dampening, as PyTorch). */
  readonly nesterov?: boolean
}

export interface TraceState {
  readonly count: number
  readonly momentum: Tree
}

/**
 * PyTorch's SGD momentum: b₁ = g on the first step, then b ← μ b + (1 − τ) g; the update is
 * b, or g + μ b with Nesterov.
 */
export const trace = (options: TraceOptions): GradientTransformation<TraceState> => {
  const where = "trace"
  const mu = nonNegative(where, "momentum", options.decay)
  const damp = fraction(where, "dampening", options.dampening ?? 0)
  const nesterov = flag(where, "nesterov", options.nesterov ?? false)
  if (nesterov && (mu === 0 || damp !== 0)) throw invalidConfig(where, "Nesterov momentum requires momentum > 0 and dampening 0")
  return {
    init: (params) => ({ count: 0, momentum: zerosOf(params) }),
    update: (updates, state) => {
      const c = countOf(where, state)
      checkMatches(where, updates, state.momentum)
      const gs = leaves(updates), bs = leaves(state.momentum)
      return local(() => {
        const next = gs.map((g, i) =>
          c === 0 ? mul(g, 1) : damp === 0 ? add(mul(bs[i]!, mu), g) : add(mul(bs[i]!, mu), mul(g, 1 - damp)))
        const out = nesterov ? gs.map((g, i) => add(g, mul(next[i]!, mu))) : next
        return [unflatten(updates, out), { count: c + 1, momentum: unflatten(state.momentum, next) }] as const
      })
    }
  }
}

export interface AdamOptions {
  readonly b1?: number
  readonly b2?: number
  readonly eps?: number
}

export interface AdamState {
  readonly count: number
  readonly mu: Tree
  readonly nu: Tree
}

/**
 * Adam's update with the learning rate folded in (internal: `adam` uses it to save one op per
 * tensor). t = count + 1; m ← b1 m + (1 − b1) g; v ← b2 v + (1 − b2) g²;
 * update = factor · m / (√v / √(1 − b2ᵗ) + eps) with factor = −lr / (1 − b1ᵗ), or
 * 1 / (1 − b1ᵗ) without a learning rate. With `decoupledDecay` λ (AdamW; needs lr) the update
 * also gets −lr · λ · p. One fused native pass per tensor (`adamStep`) for the moments and the update.
 */
export const adamWith = (
  where: string,
  options: AdamOptions,
  lr: Schedule | undefined,
  decoupledDecay = 0
): GradientTransformation<AdamState> => {
  const b1 = decayRate(where, "b1", options.b1 ?? 0.9)
  const b2 = decayRate(where, "b2", options.b2 ?? 0.999)
  const eps = positive(where, "eps", options.eps ?? 1e-8)
  // One step's scalars; `params` only for AdamW's decay.
  const prepare = (updates: unknown, state: AdamState, params: unknown) => {
    const c = countOf(where, state)
    checkMatches(where, updates, state.mu)
    checkMatches(where, updates, state.nu)
    const t = c + 1
    const bc1 = 1 - Math.pow(b1, t)
    const bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t))
    const rate = lr === undefined ? undefined : lr(c)
    const ps = decoupledDecay === 0 ? [] : leaves(params)
    if (decoupledDecay !== 0 && ps.length !== leaves(updates).length) throw invalidConfig(where, "weight decay needs the parameters")
    // factor · m / (√v / s + eps) = (factor · s) · m / (√v + eps · s), s = √(1 − b2ᵗ): one op fewer.
    const factor = rate === undefined ? 1 / bc1 : -rate / bc1
    return { t, a: factor * bc2Sqrt, b: eps * bc2Sqrt, decay: decoupledDecay === 0 ? 0 : -rate! * decoupledDecay, ps }
  }
  const nextState = (state: AdamState, t: number, steps: ReadonlyArray<readonly [Tensor, Tensor, Tensor]>): AdamState =>
    ({ count: t, mu: unflatten(state.mu, steps.map((s) => s[0])), nu: unflatten(state.nu, steps.map((s) => s[1])) })
  return {
    init: (params) => ({ count: 0, mu: zerosOf(params), nu: zerosOf(params) }),
    update: (updates, state, params) => {
      const { t, a, b, decay, ps } = prepare(updates, state, params)
      const gs = leaves(updates), ms = leaves(state.mu), vs = leaves(state.nu)
      return local(() => {
        const steps = gs.map((g, i) => adamStep(g, ms[i]!, vs[i]!, b1, b2, a, b))
        const out = steps.map((s, i) => (decay === 0 ? s[2] : add(s[2], mul(ps[i]!, decay))))
        return [unflatten(updates, out), nextState(state, t, steps)] as const
      })
    },
    // Plain Adam with a learning rate moves the parameters inside the fused pass.
    updateAndApply: lr === undefined || decoupledDecay !== 0 ? undefined : (updates, state, params) => {
      const { t, a, b } = prepare(updates, state, params)
      const gs = leaves(updates), ms = leaves(state.mu), vs = leaves(state.nu), ps = leaves(params)
      if (ps.length !== gs.length) throw invalidConfig(where, `the parameters hold ${ps.length} tensors but the updates ${gs.length}`)
      return local(() => {
        const steps = gs.map((g, i) => adamStep(g, ms[i]!, vs[i]!, b1, b2, a, b, ps[i]!))
        return [unflatten(params, steps.map((s) => s[2])), nextState(state, t, steps)] as const
      })
    }
  }
}

/** Adam's preconditioner (optax's scale_by_adam): m̂ / (√v̂ + eps), bias-corrected. */
export const scaleByAdam = (options: AdamOptions = {}): GradientTransformation<AdamState> =>
  adamWith("scaleByAdam", options, undefined)

export interface RmsOptions {
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  readonly alpha?: number
  readonly eps?: number
  /** Normalise by an estimate of the variance instead (v − ḡ²). */
  readonly centered?: boolean
}

export interface RmsState {
  readonly nu: Tree
  /** The gradient average (centered only; null otherwise). */
  readonly mu: Tree
}

/**
 * RMSprop's preconditioner (PyTorch): v ← α v + (1 − α) g²; centered: ḡ ← α ḡ + (1 − α) g and
 * ṽ = v − ḡ² (floored at 0, where rounding would otherwise give √ of a negative: PyTorch
 * returns NaN there); update = g / (√ṽ + eps). No bias correction.
 */
export const scaleByRms = (options: RmsOptions = {}): GradientTransformation<RmsState> => {
  const where = "scaleByRms"
  const alpha = decayRate(where, "alpha", options.alpha ?? 0.99)
  const eps = positive(where, "eps", options.eps ?? 1e-8)
  const centered = flag(where, "centered", options.centered ?? false)
  return {
    init: (params) => ({ nu: zerosOf(params), mu: centered ? zerosOf(params) : null }),
    update: (updates, state) => {
      checkMatches(where, updates, state.nu)
      if (centered) checkMatches(where, updates, state.mu)
      const gs = leaves(updates), vs = leaves(state.nu), as = leaves(state.mu)
      return local(() => {
        const v = gs.map((g, i) => add(mul(vs[i]!, alpha), mul(mul(g, g), 1 - alpha)))
        const avg = centered ? gs.map((g, i) => add(mul(as[i]!, alpha), mul(g, 1 - alpha))) : []
        const out = gs.map((g, i) => {
          const spread = centered ? maximum(sub(v[i]!, mul(avg[i]!, avg[i]!)), 0) : v[i]!
          return div(g, add(sqrt(spread), eps))
        })
        const mu = centered ? unflatten(state.mu, avg) : null
        return [unflatten(updates, out), { nu: unflatten(state.nu, v), mu }] as const
      })
    }
  }
}
