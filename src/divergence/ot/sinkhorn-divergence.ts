/**
 * The debiased Sinkhorn divergence (Genevay et al. 2018; Feydy et al. 2019)
 *   S_ε(α, β) = OT_ε(α, β) − ½ OT_ε(α, α) − ½ OT_ε(β, β),
 * with OT_ε in the KL(P ‖ α⊗β) convention of sinkhorn.ts, between point clouds with cost
 * ‖x − y‖^p. It is 0 when α = β and positive otherwise (for p = 1, 2, whose kernels e^{−C/ε}
 * are positive definite), and interpolates between OT (ε → 0) and an MMD (ε → ∞).
 *
 * Differentiation with respect to the positions:
 * - "envelope" (default): the solver runs without a graph; by the envelope (Danskin) theorem
 *   ∂OT_ε/∂C = P* at the optimum, so the value is rebuilt as ⟨P*, C(x, y)⟩ plus a constant,
 *   and the gradient flows through the cost only. Exact at convergence; costs one solve.
 * - "unrolled": every iteration is recorded and differentiated (memory grows with the
 *   iterations); the derivative of the iterates, which tends to the envelope gradient.
 */
import { noGrad } from "../../tensor/grad-mode.js"
import { local } from "../../tensor/local.js"
import { mul, sub } from "../../tensor/ops/elementwise.js"
import type { Tensor } from "../../tensor/tensor.js"
import { InvalidArgument } from "../../native/errors.js"
import { type Divergence, type Inputs, make, need } from "../divergence.js"
import { checkEpsilon, checkP, groundCost, uniformWeights } from "./cost.js"
import { frobenius, sinkhorn, type SinkhornOptions, symmetricSinkhorn } from "./sinkhorn.js"

export type Differentiation = "envelope" | "unrolled"

export interface EntropicOptions extends SinkhornOptions {
  /** Cost ‖x − y‖^p (default 2). */
  readonly p?: number
  /** Default "envelope". */
  readonly differentiation?: Differentiation
}

/**
 * OT_ε between the uniform measures on clouds x [n, d] and y [m, d], differentiable in x and y.
 * When y is x (the same tensor) the symmetric iteration solves it.
 */
export const entropicOT = (x: Tensor, y: Tensor, options: EntropicOptions): Tensor =>
  local(() => {
    const mode = options.differentiation ?? "envelope"
    if (mode !== "envelope" && mode !== "unrolled")
      throw new InvalidArgument({ message: `entropicOT: differentiation must be "envelope" or "unrolled", got ${String(mode)}` })
    const C = groundCost(x, y, options.p ?? 2)
    const a = uniformWeights(C.shape[0]!, C), b = uniformWeights(C.shape[1]!, C)
    const solve = () => (x === y ? symmetricSinkhorn(a, C, options) : sinkhorn(a, b, C, options))
    if (mode === "unrolled") return solve().objective
    const r = noGrad(solve)
    // ⟨P*, C⟩ carries the gradient; the entropy term is a constant of the positions at P*.
    return frobenius(r.plan, C).add(sub(r.objective, r.cost))
  })

/** S_ε(α, β) between the uniform measures on x and y. */
export const debiasedSinkhorn = (x: Tensor, y: Tensor, options: EntropicOptions): Tensor =>
  local(() => entropicOT(x, y, options).sub(mul(entropicOT(x, x, options).add(entropicOT(y, y, options)), 0.5)))

export interface SinkhornDivergenceOptions {
  readonly epsilon: number
  readonly p?: number
  readonly differentiation?: Differentiation
  readonly domain?: "standard" | "log"
  readonly iterations?: number
  readonly tolerance?: number
  readonly epsilonScaling?: boolean
}

/** S_ε as a divergence: no critic; the generator minimises S_ε(data, model). */
export const sinkhornDivergence = (options: SinkhornDivergenceOptions): Divergence => {
  checkEpsilon(options.epsilon, "sinkhornDivergence")
  const p = options.p ?? 2
  checkP(p, "sinkhornDivergence")
  const settings = {
    epsilon: options.epsilon, p, differentiation: options.differentiation ?? "envelope", domain: options.domain ?? "log",
    iterations: options.iterations ?? 1000, tolerance: options.tolerance ?? 1e-6, epsilonScaling: options.epsilonScaling ?? false
  } as const
  if (settings.domain === "standard" && settings.epsilonScaling) throw new InvalidArgument({ message: "sinkhornDivergence: ε-scaling needs the log domain" })
  const who = `Sinkhorn(ε=${settings.epsilon}, p=${p})`
  return make({
    name: who,
    spec: { _tag: "sinkhorn", ...settings },
    conventions: {
      estimates: `S_ε(P, Q) = OT_ε(P, Q) − ½OT_ε(P, P) − ½OT_ε(Q, Q), cost ‖x − y‖^${p}, OT_ε with ε·KL(π ‖ P⊗Q)`,
      sign: "generatorLoss = S_ε(real, fake); no critic",
      scaling: `none; gradient by ${settings.differentiation === "envelope" ? "the envelope theorem (plan detached)" : "unrolled iterations"}`
    },
    activation: undefined,
    criticLoss: undefined,
    generatorLoss: (inputs: Inputs) => debiasedSinkhorn(need(inputs, "real", who), need(inputs, "fake", who), settings)
  })
}
