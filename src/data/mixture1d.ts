/**
 * One-dimensional Gaussian mixtures Σ_k w_k N(m_k, s_k²): sampling from a key, and the
 * log-density and CDF as differentiable tensor ops (elementwise on any shape).
 */
import { InvalidArgument } from "../native/errors.js"
import { normal, split, uniform, type Key } from "../random/index.js"
import { checkKey } from "../random/key.js"
import { getCurrentDevice } from "../tensor/ownership.js"
import { local } from "../tensor/local.js"
import { tensor, zeros } from "../tensor/ops/creation.js"
import { add, div, erf, ge, mul, square, sub } from "../tensor/ops/elementwise.js"
import { indexSelect } from "../tensor/ops/indexing.js"
import { logsumexp, sum } from "../tensor/ops/reduce.js"
import { cast, squeeze, unsqueeze } from "../tensor/ops/shape.js"
import type { Tensor } from "../tensor/tensor.js"
import { checkCount, checkSampleOptions, type Distribution, type Modes } from "./distribution.js"

export interface Mixture1dSpec {
  /** non-negative, with a positive sum; normalised to sum to 1 */
  readonly weights: readonly number[]
  readonly means: readonly number[]
  /** positive standard deviations */
  readonly stds: readonly number[]
}

export interface GaussianMixture1d extends Distribution {
  readonly weights: readonly number[]
  readonly means: readonly number[]
  readonly stds: readonly number[]
  readonly modes: Modes
  /** log p(x), elementwise on any shape (differentiable). */
  readonly logPdf: (x: Tensor) => Tensor
  /** P(X ≤ x), elementwise on any shape (differentiable). */
  readonly cdf: (x: Tensor) => Tensor
  /** log p(x) for x [n, 1] → [n] (the Distribution contract). */
  readonly logDensity: (x: Tensor) => Tensor
}

const finiteArray = (a: unknown, what: string): number[] => {
  if (!Array.isArray(a) || a.length === 0 || !a.every((v) => typeof v === "number" && Number.isFinite(v)))
    throw new InvalidArgument({ message: `gaussianMixture1d: ${what} must be a non-empty array of finite numbers, got ${JSON.stringify(a)}` })
  return a as number[]
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI)

export const gaussianMixture1d = (spec: Mixture1dSpec): GaussianMixture1d => {
  if (typeof spec !== "object" || spec === null) throw new InvalidArgument({ message: "gaussianMixture1d: expects { weights, means, stds }" })
  const rawWeights = finiteArray(spec.weights, "weights")
  const means = finiteArray(spec.means, "means")
  const stds = finiteArray(spec.stds, "stds")
  if (means.length !== rawWeights.length || stds.length !== rawWeights.length)
    throw new InvalidArgument({ message: `gaussianMixture1d: weights, means and stds must have one length, got ${rawWeights.length}, ${means.length}, ${stds.length}` })
  if (rawWeights.some((w) => w < 0)) throw new InvalidArgument({ message: "gaussianMixture1d: weights must be non-negative" })
  const total = rawWeights.reduce((a, b) => a + b, 0)
  if (!(total > 0)) throw new InvalidArgument({ message: "gaussianMixture1d: the weights must have a positive sum" })
  if (stds.some((s) => !(s > 0))) throw new InvalidArgument({ message: "gaussianMixture1d: stds must be positive" })
  const weights = rawWeights.map((w) => w / total)
  const K = weights.length
  // Components with weight 0 never contribute to the density or the CDF.
  const live = weights.map((w, k) => (w > 0 ? k : -1)).filter((k) => k >= 0)
  const cumulative: number[] = []
  let acc = 0
  for (let k = 0; k + 1 < K; k++) cumulative.push((acc += weights[k]!))
  const name = `gaussianMixture1d(${K})`

  const constants = (x: Tensor) => ({
    m: tensor(live.map((k) => means[k]!), { dtype: x.dtype, device: x.device }),
    s: tensor(live.map((k) => stds[k]!), { dtype: x.dtype, device: x.device })
  })
  const checkFloat = (x: Tensor, where: string) => {
    if (x.dtype !== "float32" && x.dtype !== "float64")
      throw new InvalidArgument({ message: `${name}.${where}: x must be float32 or float64, got ${x.dtype}` })
  }

  const logPdf = (x: Tensor): Tensor =>
    local(() => {
      checkFloat(x, "logPdf")
      const { m, s } = constants(x)
      const logCoefficient = tensor(live.map((k) => Math.log(weights[k]!) - Math.log(stds[k]!) - LOG_SQRT_2PI), { dtype: x.dtype, device: x.device })
      const z = div(sub(unsqueeze(x, -1), m), s)
      return logsumexp(add(mul(square(z), -0.5), logCoefficient), -1)
    })

  const cdf = (x: Tensor): Tensor =>
    local(() => {
      checkFloat(x, "cdf")
      const { m, s } = constants(x)
      const w = tensor(live.map((k) => weights[k]!), { dtype: x.dtype, device: x.device })
      const phi = mul(add(erf(mul(div(sub(unsqueeze(x, -1), m), s), Math.SQRT1_2)), 1), 0.5)
      return sum(mul(phi, w), -1)
    })

  const logDensity = (x: Tensor): Tensor =>
    local(() => {
      if (x.ndim !== 2 || x.shape[1] !== 1)
        throw new InvalidArgument({ message: `${name}.logDensity: expected points [n, 1], got [${x.shape.join(", ")}]` })
      return logPdf(squeeze(x, 1))
    })

  /** Component k = #{j < K-1 : u ≥ cumulative_j} for u ~ U[0, 1) in float64; x = m_k + s_k ε. */
  const sample = (k: Key, n: number, options?: Parameters<Distribution["sample"]>[2]): Tensor => {
    checkKey(k, "gaussianMixture1d")
    checkCount(n, "gaussianMixture1d")
    const o = checkSampleOptions(options, "gaussianMixture1d")
    const device = o.device ?? getCurrentDevice()
    return local(() => {
      const [kComponent, kNoise] = split(k, 2)
      const u = uniform(kComponent, [n, 1], { dtype: "float64", device })
      const which =
        K === 1
          ? zeros([n], { dtype: "int32", device })
          : cast(sum(cast(ge(u, tensor(cumulative, { dtype: "float64", device })), "float64"), 1), "int32")
      const m = indexSelect(tensor(means, { dtype: o.dtype, device }), 0, which)
      const s = indexSelect(tensor(stds, { dtype: o.dtype, device }), 0, which)
      return unsqueeze(add(m, mul(s, normal(kNoise, [n], { dtype: o.dtype, device }))), 1)
    })
  }

  return {
    name,
    dim: 1,
    weights,
    means,
    stds,
    modes: { centres: means.map((m) => [m]), weights, stds, qualityStds: 3 },
    sample,
    logPdf,
    cdf,
    logDensity
  }
}
