/**
 * Critic regularisers, added to the critic's loss by `withPenalty`. Each differentiates the
 * critic with respect to its input with createGraph, so the critic's parameter gradient
 * flows through the input gradient (double backward).
 */
import { grad } from "../autodiff/grad.js"
import { InvalidArgument } from "../native/errors.js"
import { uniform } from "../random/index.js"
import { local } from "../tensor/local.js"
import { norm } from "../tensor/ops/composite.js"
import { mul, relu, square, sub } from "../tensor/ops/elementwise.js"
import { mean, sum } from "../tensor/ops/reduce.js"
import { reshape } from "../tensor/ops/shape.js"
import type { Tensor } from "../tensor/tensor.js"
import { type Inputs, need, type Penalty } from "./divergence.js"

/** ∇ₓ Σᵢ V(xᵢ) at x, one gradient per sample, recorded for a second differentiation. */
export const inputGradient = (critic: (x: Tensor) => Tensor, x: Tensor): Tensor =>
  grad((xi: Tensor) => sum(critic(xi)), { createGraph: true })(x)

/** One row per sample: [B, ...] (or [B] for scalar samples) as [B, rest]. */
const rows = (g: Tensor): Tensor => reshape(g, [g.shape[0] ?? 1, -1])

const positive = (v: number, what: string) => {
  if (!(v > 0) || !Number.isFinite(v)) throw new InvalidArgument({ message: `${what} must be a positive number, got ${v}` })
  return v
}

const lazily = (every: number, step: number | undefined): boolean => every === 1 || (step ?? 0) % every === 0

export interface GradientPenaltyOptions {
  /** max(0, ‖∇‖ − 1)² instead of (‖∇‖ − 1)² (Petzka et al. 2018). */
  readonly oneSided?: boolean
  /** Apply only on critic steps whose index (inputs.step) is a multiple of `every`, scaled by `every`. */
  readonly every?: number
}

/**
 * WGAN-GP (Gulrajani et al. 2017): λ·E[(‖∇ₓV(x̂)‖₂ − 1)²] at x̂ = α·real + (1 − α)·fake, with
 * α ~ U(0, 1) drawn once per sample from inputs.key. The norm is taken per sample over all
 * non-batch dimensions.
 */
export const gradientPenalty = (lambda: number, options: GradientPenaltyOptions = {}): Penalty => {
  positive(lambda, "gradient penalty λ")
  const every = options.every ?? 1
  if (!Number.isInteger(every) || every < 1) throw new InvalidArgument({ message: `every must be a positive integer, got ${every}` })
  const oneSided = options.oneSided === true
  return {
    _tag: "Penalty",
    name: `${oneSided ? "one-sided " : ""}gradient penalty (λ=${lambda}${every > 1 ? `, every ${every}` : ""})`,
    spec: { _tag: "gradientPenalty", lambda, oneSided, every },
    apply: (inputs: Inputs) => {
      if (!lazily(every, inputs.step)) return undefined
      return local(() => {
        const real = need(inputs, "real", "gradient penalty")
        const fake = need(inputs, "fake", "gradient penalty")
        const critic = need(inputs, "critic", "gradient penalty")
        const alphaShape = real.shape.map((d, i) => (i === 0 ? d : 1))
        const alpha = uniform(need(inputs, "key", "gradient penalty"), alphaShape, { dtype: real.dtype, device: real.device })
        const xhat = alpha.mul(real).add(sub(1, alpha).mul(fake))
        const slope = norm(rows(inputGradient(critic, xhat)), 1)
        const excess = sub(slope, 1)
        return mul(mean(square(oneSided ? relu(excess) : excess)), lambda * every)
      })
    }
  }
}

const gradientNormPenalty = (which: "real" | "fake", tag: "r1" | "r2") => (gamma: number, options: { readonly every?: number } = {}): Penalty => {
  positive(gamma, `${tag.toUpperCase()} γ`)
  const every = options.every ?? 1
  return {
    _tag: "Penalty",
    name: `${tag.toUpperCase()} (γ=${gamma})`,
    spec: { _tag: tag, gamma, every },
    apply: (inputs: Inputs) => {
      if (!lazily(every, inputs.step)) return undefined
      return local(() => {
        const g = inputGradient(need(inputs, "critic", tag), need(inputs, which, tag))
        return mul(mean(sum(square(rows(g)), 1)), (gamma / 2) * every)
      })
    }
  }
}

/** R1 (Mescheder et al. 2018): (γ/2)·E_P‖∇ₓV(x)‖² on real samples. */
export const r1 = gradientNormPenalty("real", "r1")
/** R2: the same on generated samples. */
export const r2 = gradientNormPenalty("fake", "r2")
