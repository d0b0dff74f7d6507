/**
 * Exact optimal transport between discrete measures, solved by the native network simplex
 * (native/cpu/network_simplex.cc): OT(a, b; C) = min_{P ≥ 0, P1 = a, Pᵀ1 = b} Σ P_ij C_ij.
 *
 * Gradients come from the envelope theorem (Danskin): at the optimum, ∂OT/∂C = P (the plan),
 * ∂OT/∂a = u − mean(u), ∂OT/∂b = v − mean(v) (dual potentials, centred: the weights live on a
 * simplex, so only mass-preserving directions matter). No solver iteration is differentiated;
 * where the optimal plan is not unique the gradient is that of the plan the solver returns (a
 * supergradient of the concave-in-C cost). Through C = c(x, y) the gradient reaches positions.
 */
import { stopGradient } from "../../autodiff/grad.js"
import { native } from "../../native/addon.js"
import { InvalidArgument, ShapeMismatch } from "../../native/errors.js"
import { local } from "../../tensor/local.js"
import { full, scalar, tensor } from "../../tensor/ops/creation.js"
import { add, gt, mul, powScalar, sqrt, square, sub, where } from "../../tensor/ops/elementwise.js"
import { sum } from "../../tensor/ops/reduce.js"
import { cast, reshape, slice } from "../../tensor/ops/shape.js"
import { type Divergence, type Inputs, make, need } from "../divergence.js"
import { checkP, groundCost } from "./cost.js"
import { isTensor, Tensor } from "../../tensor/tensor.js"

export interface ExactOtOptions {
  /** Pivot budget of the network simplex; past it the solve fails with IterationLimit. Default 10⁷. */
  readonly maxIterations?: number
  /** Relative mass difference |Σa − Σb| / max allowed (b is then rescaled). Default 1e-9 (float64), 1e-6 (float32). */
  readonly massTolerance?: number
}

export interface ExactOt {
  /** Σ P_ij C_ij, a scalar in the cost's dtype; differentiable in C, a and b (see module doc). */
  readonly value: Tensor
  /** The optimal plan [n, m] (a constant: no gradient flows through it). */
  readonly plan: Tensor
  /** Dual potentials u [n], v [m]: u_i + v_j ≤ C_ij, with equality where P_ij > 0; Σ a u = Σ b v. */
  readonly potentials: { readonly u: Tensor; readonly v: Tensor }
  /** Network simplex pivots. */
  readonly iterations: number
}

const DEFAULT_MAX_ITERATIONS = 10_000_000

const centred = (x: Float64Array): Float64Array => {
  let s = 0
  for (const v of x) s += v
  const m = s / x.length
  return x.map((v) => v - m)
}

/** Exact OT between weights a [n] and b [m] (equal total mass) with cost matrix [n, m]. */
export const exactOt = (a: Tensor, b: Tensor, cost: Tensor, options: ExactOtOptions = {}): ExactOt =>
  local(() => {
    for (const [t, what] of [[a, "a"], [b, "b"], [cost, "cost"]] as const)
      if (!isTensor(t)) throw new InvalidArgument({ message: `exactOt: ${what} must be a tensor` })
    const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS
    const massTolerance = options.massTolerance ?? (cost.dtype === "float32" || a.dtype === "float32" || b.dtype === "float32" ? 1e-6 : 1e-9)
    const r = native.transport(a.handle, b.handle, cost.handle, maxIterations, massTolerance)
    // The solve runs on the host; results go back to the cost's device and dtype.
    const dtype = cost.dtype, device = cost.device
    const planF64 = Tensor.fromHandle(r.plan)
    const plan = device.kind !== "cpu"
      ? tensor(planF64.toTypedArray(), { shape: planF64.shape, dtype, device })
      : dtype === "float64" ? planF64 : cast(planF64, dtype)
    const u = tensor(r.u, { dtype, device }), v = tensor(r.v, { dtype, device })
    let value = cost.requiresGrad ? sum(mul(plan, cost)) : scalar(r.cost, { dtype, device })
    // Envelope terms: zero in value, the centred potentials in gradient.
    if (a.requiresGrad) value = value.add(sum(mul(tensor(centred(r.u), { dtype: a.dtype, device: a.device }), sub(a, stopGradient(a)))))
    if (b.requiresGrad) value = value.add(sum(mul(tensor(centred(r.v), { dtype: b.dtype, device: b.device }), sub(b, stopGradient(b)))))
    return { value, plan, potentials: { u, v }, iterations: r.iterations }
  })

export interface WassersteinExactOptions extends ExactOtOptions {
  /** Order p ≥ 1 of W_p with ground cost ‖x − y‖^p (default 2). */
  readonly p?: number
  /** Weights of x's points [n] (default uniform 1/n). */
  readonly weightsX?: Tensor
  /** Weights of y's points [m] (default uniform 1/m). */
  readonly weightsY?: Tensor
}

export interface WassersteinExact extends ExactOt {
  /** W_p = (Σ P C)^(1/p); `value` of ExactOt is renamed `cost` here. */
  readonly value: Tensor
  /** W_p^p = Σ P_ij ‖x_i − y_j‖^p. */
  readonly cost: Tensor
}

/**
 * Exact W_p between two sample sets x [n, d], y [m, d] (uniform weights unless given). The
 * gradient w.r.t. the points is the envelope gradient: Σ_j P_ij ∇_x c(x_i, y_j). The p-th root
 * has an infinite derivative at W_p = 0 (p > 1): differentiate `cost` = W_p^p there.
 */
export const wassersteinExact = (x: Tensor, y: Tensor, options: WassersteinExactOptions = {}): WassersteinExact =>
  local(() => {
    const p = options.p ?? 2
    const cost = groundCost(x, y, p)
    const [n, m] = cost.shape as [number, number]
    const a = options.weightsX ?? full([n], 1 / n, { dtype: cost.dtype, device: cost.device })
    const b = options.weightsY ?? full([m], 1 / m, { dtype: cost.dtype, device: cost.device })
    const ot = exactOt(a, b, cost, options)
    const value = p === 1 ? ot.value : powScalar(ot.value, 1 / p)
    return { ...ot, cost: ot.value, value }
  })

/**
 * Exact W_p^p between the real and generated batches as a divergence (no critic): the generator
 * minimises Σ P_ij ‖x_i − y_j‖^p with the optimal plan P of each batch pair, differentiated by
 * the envelope theorem. The minibatch estimate is biased upwards (Bellemare et al. 2017).
 */
export const exactTransport = (options: { readonly p?: number } = {}): Divergence => {
  const p = options.p ?? 2
  checkP(p, "exactTransport")
  const who = `W${p}^${p} (exact)`
  return make({
    name: who,
    spec: { _tag: "exactTransport", p },
    conventions: {
      estimates: `W_p^p(P, Q) between the batches' empirical measures, cost ‖x − y‖^${p} (network simplex)`,
      sign: "generatorLoss = W_p^p(real, fake); no critic",
      scaling: "none; gradient by the envelope theorem (the optimal plan is held fixed)"
    },
    activation: undefined,
    criticLoss: undefined,
    generatorLoss: (inputs: Inputs) => wassersteinExact(need(inputs, "real", who), need(inputs, "fake", who), { p }).cost
  })
}
