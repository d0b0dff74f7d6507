/**
 * GAN losses on the critic's raw output V (logits for the classifier losses) and the
 * Wasserstein critic. Both players minimise their loss; "mean" is over the batch.
 */
import { local } from "../tensor/local.js"
import { mul, neg, relu, softplus, square, sub } from "../tensor/ops/elementwise.js"
import { mean } from "../tensor/ops/reduce.js"
import type { Tensor } from "../tensor/tensor.js"
import { type Divergence, type Inputs, make, need, perSample } from "./divergence.js"

const criticOn = (inputs: Inputs, which: "real" | "fake", who: string): Tensor =>
  perSample(need(inputs, "critic", who)(need(inputs, which, who)))

const classifierCritic = (name: string) => (inputs: Inputs) =>
  local(() => mean(softplus(neg(criticOn(inputs, "real", name)))).add(mean(softplus(criticOn(inputs, "fake", name)))))

/** Goodfellow et al. (2014): min_G max_D E_P log D + E_Q log(1 − D), D = σ(V). */
export const minimax: Divergence = make({
  name: "GAN (minimax)",
  spec: { _tag: "gan", loss: "minimax" },
  conventions: {
    estimates: "2·JS(P, Q) − log 4 = −(critic loss) at the optimal critic",
    sign: "criticLoss = E_P softplus(−V) + E_Q softplus(V); generatorLoss = −E_Q softplus(V) = E_Q log(1 − σ(V))",
    scaling: "none"
  },
  activation: undefined,
  criticLoss: classifierCritic("minimax GAN"),
  generatorLoss: (inputs) => local(() => neg(mean(softplus(criticOn(inputs, "fake", "minimax GAN")))))
})

/** The non-saturating generator loss −E_Q log σ(V) (Goodfellow et al. 2014, §3). */
export const nonSaturating: Divergence = make({
  ...minimax,
  name: "GAN (non-saturating)",
  spec: { _tag: "gan", loss: "nonSaturating" },
  conventions: { ...minimax.conventions, sign: "criticLoss as minimax; generatorLoss = E_Q softplus(−V) = −E_Q log σ(V)" },
  generatorLoss: (inputs) => local(() => mean(softplus(neg(criticOn(inputs, "fake", "non-saturating GAN")))))
})

export interface LeastSquaresOptions {
  /** Target for fake samples in the critic's loss (default 0). */
  readonly a?: number
  /** Target for real samples (default 1). */
  readonly b?: number
  /** The value the generator wants the critic to give its samples (default 1). */
  readonly c?: number
}

/** LSGAN (Mao et al. 2017): critic ½E_P(V − b)² + ½E_Q(V − a)², generator ½E_Q(V − c)². */
export const leastSquares = (options: LeastSquaresOptions = {}): Divergence => {
  const { a = 0, b = 1, c = 1 } = options
  return make({
    name: `LSGAN(a=${a}, b=${b}, c=${c})`,
    spec: { _tag: "leastSquares", a, b, c },
    conventions: {
      estimates: b - c === 1 && b - a === 2 ? "χ²_Pearson(P + Q‖2Q) up to constants (Mao et al. 2017, Thm. 1)" : "a least-squares criterion",
      sign: "both players minimise",
      scaling: "½ factors as Mao et al."
    },
    activation: undefined,
    criticLoss: (inputs) =>
      local(() =>
        mul(mean(square(sub(criticOn(inputs, "real", "LSGAN"), b))), 0.5).add(mul(mean(square(sub(criticOn(inputs, "fake", "LSGAN"), a))), 0.5))
      ),
    generatorLoss: (inputs) => local(() => mul(mean(square(sub(criticOn(inputs, "fake", "LSGAN"), c))), 0.5))
  })
}

/** Hinge loss (Lim & Ye 2017; Miyato et al. 2018): critic E_P relu(1 − V) + E_Q relu(1 + V), generator −E_Q V. */
export const hinge: Divergence = make({
  name: "GAN (hinge)",
  spec: { _tag: "gan", loss: "hinge" },
  conventions: { estimates: "a margin criterion (TV-like at the optimum)", sign: "both players minimise", scaling: "none" },
  activation: undefined,
  criticLoss: (inputs) =>
    local(() => mean(relu(sub(1, criticOn(inputs, "real", "hinge GAN")))).add(mean(relu(criticOn(inputs, "fake", "hinge GAN").add(1))))),
  generatorLoss: (inputs) => local(() => neg(mean(criticOn(inputs, "fake", "hinge GAN"))))
})

/**
 * Wasserstein-1 (Arjovsky et al. 2017) through Kantorovich–Rubinstein duality: the critic
 * minimises E_Q V − E_P V over (approximately) 1-Lipschitz V; the generator minimises −E_Q V.
 * Constrain the critic with `withWeightClip(c)` or `withPenalty(gradientPenalty(λ))`.
 */
export const wasserstein: Divergence = make({
  name: "Wasserstein",
  spec: { _tag: "wasserstein" },
  conventions: {
    estimates: "W₁(P, Q) = −(critic loss) at the optimal 1-Lipschitz critic",
    sign: "criticLoss = E_Q V − E_P V; generatorLoss = −E_Q V",
    scaling: "none"
  },
  activation: undefined,
  criticLoss: (inputs) => local(() => sub(mean(criticOn(inputs, "fake", "Wasserstein")), mean(criticOn(inputs, "real", "Wasserstein")))),
  generatorLoss: (inputs) => local(() => neg(mean(criticOn(inputs, "fake", "Wasserstein"))))
})
