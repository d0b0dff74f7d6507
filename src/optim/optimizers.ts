/**
 * Ready optimizers with PyTorch's semantics (torch.optim 1.13: SGD, Adam, AdamW, RMSprop;
 * no AMSGrad, no maximize), built from the transforms. The learning rate may be a schedule,
 * evaluated at step 0 for the first update (as a PyTorch scheduler stepped after each
 * optimizer step).
 */
import { invalidConfig, nonNegative } from "./config.js"
import { adamWith, type AdamOptions, scaleByLearningRate, scaleByRms, trace } from "./scale.js"
import { asSchedule, type LearningRate } from "./schedule.js"
import { addDecayedWeights, chain, type GradientTransformation } from "./transform.js"

const options = <O extends object>(where: string, o: O | undefined): O => {
  if (o !== undefined && (typeof o !== "object" || o === null)) throw invalidConfig(where, "options must be an object")
  return o ?? ({} as O)
}

/** chain(...), or the single transform itself (a simpler state for checkpoints). */
const compose = (ts: readonly GradientTransformation<any>[]): GradientTransformation<any> => (ts.length === 1 ? ts[0]! : chain(...ts))

export interface SgdOptions {
  readonly momentum?: number
  readonly dampening?: number
  readonly nesterov?: boolean
  /** L2 penalty: g ← g + weightDecay · p before momentum. */
  readonly weightDecay?: number
}

/**
 * torch.optim.SGD: g ← g + λ p; with momentum μ: b₁ = g, b ← μ b + (1 − τ) g, g ← b (or
 * g + μ b with Nesterov); p ← p − lr · g.
 */
export const sgd = (lr: LearningRate, opts?: SgdOptions): GradientTransformation<any> => {
  const o = options("sgd", opts)
  const schedule = asSchedule(lr, "sgd")
  const wd = nonNegative("sgd", "weightDecay", o.weightDecay ?? 0)
  const momentum = nonNegative("sgd", "momentum", o.momentum ?? 0)
  // As PyTorch: dampening is ignored without momentum; Nesterov needs momentum (checked by trace).
  if (momentum === 0 && o.nesterov === true) throw invalidConfig("sgd", "Nesterov momentum needs momentum > 0")
  return compose([
    ...(wd > 0 ? [addDecayedWeights(wd)] : []),
    ...(momentum > 0 ? [trace({ decay: momentum, dampening: o.dampening ?? 0, nesterov: o.nesterov ?? false })] : []),
    scaleByLearningRate(schedule)
  ])
}

export interface AdamConfig extends AdamOptions {
  readonly weightDecay?: number
}

/**
 * torch.optim.Adam (workloads.md §0): g ← g + λ p; t from 1; m ← b1 m + (1 − b1) g;
 * v ← b2 v + (1 − b2) g²; p ← p − (lr / (1 − b1ᵗ)) · m / (√v / √(1 − b2ᵗ) + eps).
 * Defaults b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay = 0.
 */
export const adam = (lr: LearningRate, opts?: AdamConfig): GradientTransformation<any> => {
  const o = options("adam", opts)
  const wd = nonNegative("adam", "weightDecay", o.weightDecay ?? 0)
  return compose([...(wd > 0 ? [addDecayedWeights(wd)] : []), adamWith("adam", o, asSchedule(lr, "adam"))])
}

/**
 * torch.optim.AdamW: decoupled decay p ← p − lr · λ · p (with the old p), then Adam's step
 * on the undecayed gradient. Default weightDecay = 1e-2.
 */
export const adamw = (lr: LearningRate, opts?: AdamConfig): GradientTransformation<any> => {
  const o = options("adamw", opts)
  const wd = nonNegative("adamw", "weightDecay", o.weightDecay ?? 1e-2)
  const schedule = asSchedule(lr, "adamw")
  return adamWith("adamw", o, schedule, wd)
}

export interface RmspropOptions {
  readonly alpha?: number
  readonly eps?: number
  readonly momentum?: number
  readonly centered?: boolean
  readonly weightDecay?: number
}

/**
 * torch.optim.RMSprop: g ← g + λ p; v ← α v + (1 − α) g²; ṽ = v (or v − ḡ² centered);
 * with momentum μ: b ← μ b + g / (√ṽ + eps), p ← p − lr · b; else p ← p − lr · g / (√ṽ + eps).
 * Defaults α = 0.99, eps = 1e-8.
 */
export const rmsprop = (lr: LearningRate, opts?: RmspropOptions): GradientTransformation<any> => {
  const o = options("rmsprop", opts)
  const schedule = asSchedule(lr, "rmsprop")
  const wd = nonNegative("rmsprop", "weightDecay", o.weightDecay ?? 0)
  const momentum = nonNegative("rmsprop", "momentum", o.momentum ?? 0)
  return compose([
    ...(wd > 0 ? [addDecayedWeights(wd)] : []),
    scaleByRms({ alpha: o.alpha ?? 0.99, eps: o.eps ?? 1e-8, centered: o.centered ?? false }),
    ...(momentum > 0 ? [trace({ decay: momentum })] : []),
    scaleByLearningRate(schedule)
  ])
}
