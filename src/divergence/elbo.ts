/**
 * The evidence lower bound of a latent-variable model with a diagonal-Gaussian posterior
 * q(z|x) = N(μ, diag σ²) and prior N(0, I) (Kingma & Welling 2014):
 *   ELBO(x) = E_q[log p(x|z)] − β·KL(q(z|x) ‖ N(0, I)),  z = μ + σ·ε, ε ~ N(0, I) (reparameterised),
 * with the KL in closed form −½Σ(1 + log σ² − μ² − σ²). With `samples: K > 1` it is the
 * importance-weighted bound of Burda et al. (2016): log (1/K) Σ_k p(x, z_k)/q(z_k|x). The model
 * minimises −mean ELBO over the batch (per-sample sums over data dimensions).
 */
import { InvalidArgument } from "../native/errors.js"
import { normal, split } from "../random/index.js"
import { local } from "../tensor/local.js"
import { binaryCrossEntropyWithLogits } from "../tensor/ops/composite.js"
import { add, exp, mul, neg, square, sub } from "../tensor/ops/elementwise.js"
import { logsumexp, mean, sum } from "../tensor/ops/reduce.js"
import { reshape, split as splitTensor, stack } from "../tensor/ops/shape.js"
import type { Tensor } from "../tensor/tensor.js"
import { type Divergence, type Inputs, make, need } from "./divergence.js"

const LOG_2PI = Math.log(2 * Math.PI)

/** Sums over every axis but the first: one value per sample. */
const perSampleSum = (t: Tensor): Tensor => (t.ndim <= 1 ? t : sum(reshape(t, [t.shape[0]!, -1]), 1))

export type LikelihoodSpec = { readonly _tag: "bernoulli" } | { readonly _tag: "gaussian"; readonly std: number | "learned" }

export interface Likelihood {
  readonly name: string
  readonly spec: LikelihoodSpec
  /** log p(x | z) per sample, from the decoder's output. */
  readonly logProb: (decoded: Tensor, x: Tensor) => Tensor
}

/** Bernoulli pixels: the decoder outputs logits; log p = −Σ BCE(logits, x). */
export const bernoulli: Likelihood = {
  name: "bernoulli",
  spec: { _tag: "bernoulli" },
  logProb: (logits, x) => local(() => neg(perSampleSum(binaryCrossEntropyWithLogits(logits, x, "none"))))
}

/**
 * Gaussian observations. With a fixed `std` the decoder outputs the mean; with "learned" it
 * outputs [mean, log σ²] concatenated along the last axis.
 */
export const gaussian = (std: number | "learned" = 1): Likelihood => {
  if (std !== "learned" && !(std > 0)) throw new InvalidArgument({ message: `Gaussian likelihood std must be positive, got ${std}` })
  return {
    name: `gaussian(σ=${std})`,
    spec: { _tag: "gaussian", std },
    logProb: (decoded, x) =>
      local(() => {
        if (std !== "learned") {
          const z2 = mul(square(sub(x, decoded)), 1 / (std * std))
          return mul(perSampleSum(add(z2, LOG_2PI + 2 * Math.log(std))), -0.5)
        }
        const d = decoded.shape[decoded.ndim - 1]!
        if (d % 2 !== 0) throw new InvalidArgument({ message: "a learned-variance Gaussian decoder outputs [mean, logVar]: an even last axis" })
        const [mu, logVar] = splitTensor(decoded, [d / 2, d / 2], -1)
        const z2 = mul(square(sub(x, mu!)), exp(neg(logVar!)))
        return mul(perSampleSum(add(add(z2, logVar!), LOG_2PI)), -0.5)
      })
  }
}

/** KL(N(μ, diag e^{logVar}) ‖ N(0, I)) per sample, in closed form. */
export const gaussianKlToStandard = (mu: Tensor, logVar: Tensor): Tensor =>
  local(() => mul(perSampleSum(sub(add(logVar, 1), add(square(mu), exp(logVar)))), -0.5))

/** log N(z; μ, diag e^{logVar}) per sample. */
const logNormal = (z: Tensor, mu: Tensor, logVar: Tensor): Tensor =>
  local(() => mul(perSampleSum(add(add(mul(square(sub(z, mu)), exp(neg(logVar))), logVar), LOG_2PI)), -0.5))

export interface ElboOptions {
  /** Weight of the KL term (β-VAE, Higgins et al. 2017); 1 is the ELBO. Only with samples = 1. */
  readonly beta?: number
  /** Importance samples K; K > 1 gives the IWAE bound. */
  readonly samples?: number
}

/** Per-sample bound values [B] (the ELBO, or the IWAE bound when samples > 1). */
export const elboPerSample = (likelihood: Likelihood, inputs: Inputs, options: ElboOptions = {}): Tensor => {
  const beta = options.beta ?? 1
  const k = options.samples ?? 1
  const who = "ELBO"
  const x = need(inputs, "data", who)
  const { mean: mu, logVar } = need(inputs, "posterior", who)
  const decode = need(inputs, "decode", who)
  const key = need(inputs, "key", who)
  return local(() => {
    const sigma = exp(mul(logVar, 0.5))
    if (k === 1) {
      const z = add(mu, mul(sigma, normal(key, mu.shape, { dtype: mu.dtype, device: mu.device })))
      return sub(likelihood.logProb(decode(z), x), mul(gaussianKlToStandard(mu, logVar), beta))
    }
    const logW = split(key, k).map((kk) => {
      const z = add(mu, mul(sigma, normal(kk, mu.shape, { dtype: mu.dtype, device: mu.device })))
      const zero = mul(mu, 0)
      return add(likelihood.logProb(decode(z), x), sub(logNormal(z, zero, zero), logNormal(z, mu, logVar)))
    })
    return sub(logsumexp(stack(logW, 1), 1), Math.log(k))
  })
}

export const elbo = (likelihood: Likelihood, options: ElboOptions = {}): Divergence => {
  const beta = options.beta ?? 1
  const samples = options.samples ?? 1
  if (!Number.isInteger(samples) || samples < 1) throw new InvalidArgument({ message: `samples must be a positive integer, got ${samples}` })
  if (!(beta >= 0) || !Number.isFinite(beta)) throw new InvalidArgument({ message: `β must be a non-negative number, got ${beta}` })
  if (samples > 1 && beta !== 1) throw new InvalidArgument({ message: "β-weighting applies to the single-sample ELBO only" })
  const what = samples > 1 ? `IWAE bound (K=${samples})` : beta === 1 ? "ELBO" : `β-ELBO (β=${beta})`
  return make({
    name: `${what}, ${likelihood.name} likelihood`,
    spec: { _tag: "elbo", likelihood: likelihood.spec, beta, samples },
    conventions: {
      estimates: `−log p(x) ≤ loss: the model minimises −E[${what}]`,
      sign: "generatorLoss = −mean over the batch of the per-sample bound; no critic",
      scaling: "sums over data and latent dimensions, mean over the batch"
    },
    activation: undefined,
    criticLoss: undefined,
    generatorLoss: (inputs) => local(() => neg(mean(elboPerSample(likelihood, inputs, { beta, samples }))))
  })
}
