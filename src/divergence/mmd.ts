/**
 * Maximum mean discrepancy (Gretton et al. 2012) between two sample sets with a kernel:
 * MMD² = E k(X, X') + E k(Y, Y') − 2 E k(X, Y). The biased (V-statistic) estimator averages
 * all pairs; the unbiased (U-statistic) one drops the diagonals of the within-set terms.
 * Everything is built from differentiable ops, so MMD is a loss for a generator.
 */
import { InvalidArgument } from "../native/errors.js"
import { local } from "../tensor/local.js"
import { eye, full } from "../tensor/ops/creation.js"
import { norm } from "../tensor/ops/composite.js"
import { add, div, exp, maximum, mul, neg, square, sub } from "../tensor/ops/elementwise.js"
import { matmul } from "../tensor/ops/linalg.js"
import { mean, sum } from "../tensor/ops/reduce.js"
import { concat, reshape, transpose, unsqueeze } from "../tensor/ops/shape.js"
import type { Tensor } from "../tensor/tensor.js"
import { type Divergence, type Inputs, make, need } from "./divergence.js"

export type KernelSpec =
  | { readonly _tag: "gaussian"; readonly bandwidths: readonly number[] }
  | { readonly _tag: "inverseMultiquadric"; readonly c: number }
  | { readonly _tag: "energy" }

export interface Kernel {
  readonly name: string
  readonly spec: KernelSpec
  /** The Gram matrix k(x_i, y_j) of two sample sets [n, d] and [m, d]. */
  readonly matrix: (x: Tensor, y: Tensor) => Tensor
}

const rows = (t: Tensor): Tensor => (t.ndim === 1 ? reshape(t, [-1, 1]) : reshape(t, [t.shape[0]!, -1]))

/**
 * ‖x_i − y_j‖² by the expansion ‖x‖² + ‖y‖² − 2x·y, clipped at 0 against round-off. The
 * expansion is one product of augmented rows, [−2x, ‖x‖², 1]·[y, 1, ‖y‖²], so the [n, m]
 * result is written once (plus the clip) rather than by three broadcast passes.
 */
export const squaredDistances = (x: Tensor, y: Tensor): Tensor =>
  local(() => {
    const a = rows(x), b = rows(y)
    const onesLike = (t: Tensor) => full([t.shape[0]!, 1], 1, { dtype: t.dtype, device: t.device })
    const left = concat([mul(a, -2), sum(square(a), 1, true), onesLike(a)], 1)
    const right = concat([b, onesLike(b), sum(square(b), 1, true)], 1)
    const product = matmul(left, transpose(right))
    const clipped = maximum(product, 0)
    product.dispose()
    return clipped
  })

/** Σ_σ exp(−‖x − y‖² / (2σ²)): one Gaussian kernel or a sum over several bandwidths. */
export const gaussianKernel = (bandwidths: number | readonly number[]): Kernel => {
  const bws = typeof bandwidths === "number" ? [bandwidths] : [...bandwidths]
  if (bws.length === 0 || bws.some((s) => !(s > 0) || !Number.isFinite(s)))
    throw new InvalidArgument({ message: `Gaussian kernel bandwidths must be positive, got [${bws.join(", ")}]` })
  return {
    name: `gaussian(σ=${bws.join(",")})`,
    spec: { _tag: "gaussian", bandwidths: bws },
    matrix: (x, y) =>
      local(() => {
        const d2 = squaredDistances(x, y)
        return bws.map((s) => exp(mul(d2, -1 / (2 * s * s)))).reduce((acc, k) => add(acc, k))
      })
  }
}

/** c / (c + ‖x − y‖²) (Tolstikhin et al. 2018 use it in WAE-MMD; heavy tails). */
export const inverseMultiquadricKernel = (c = 1): Kernel => {
  if (!(c > 0)) throw new InvalidArgument({ message: `inverse multiquadric c must be positive, got ${c}` })
  return {
    name: `imq(c=${c})`,
    spec: { _tag: "inverseMultiquadric", c },
    matrix: (x, y) => local(() => div(c, add(squaredDistances(x, y), c)))
  }
}

/**
 * k(x, y) = −‖x − y‖, with which MMD² is the energy distance 2E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖
 * (Székely & Rizzo). Distances are taken from differences (not the expansion), so the diagonal
 * is exactly 0 and its gradient 0.
 */
export const energyKernel = (): Kernel => ({
  name: "energy",
  spec: { _tag: "energy" },
  matrix: (x, y) => local(() => neg(norm(sub(unsqueeze(rows(x), 1), unsqueeze(rows(y), 0)), -1)))
})

export const kernelFromSpec = (spec: KernelSpec): Kernel =>
  spec._tag === "gaussian" ? gaussianKernel(spec.bandwidths) : spec._tag === "inverseMultiquadric" ? inverseMultiquadricKernel(spec.c) : energyKernel()

export type Estimator = "biased" | "unbiased"

/** The MMD² estimate between sample sets x [n, ...] and y [m, ...]. */
export const mmd2 = (kernel: Kernel, x: Tensor, y: Tensor, estimator: Estimator = "unbiased"): Tensor =>
  local(() => {
    const n = x.shape[0]!, m = y.shape[0]!
    const kxy = mean(kernel.matrix(x, y))
    if (estimator === "biased") return add(mean(kernel.matrix(x, x)), mean(kernel.matrix(y, y))).sub(mul(kxy, 2))
    if (n < 2 || m < 2) throw new InvalidArgument({ message: "the unbiased MMD estimator needs at least 2 samples in each set" })
    const within = (s: Tensor, k: number) => {
      const g = kernel.matrix(s, s)
      // Subtract the diagonal: k(x_i, x_i) summed.
      const diagonal = sum(mul(g, eyeLike(g)))
      return mul(sub(sum(g), diagonal), 1 / (k * (k - 1)))
    }
    return add(within(x, n), within(y, m)).sub(mul(kxy, 2))
  })

const eyeLike = (g: Tensor): Tensor => eye(g.shape[0]!, g.shape[1]!, { dtype: g.dtype, device: g.device })

export interface MmdOptions {
  readonly estimator?: Estimator
  /** Which inputs to compare: data and model samples (default) or a latent code and its prior. */
  readonly between?: "samples" | "latent"
}

/** MMD² as a divergence: no critic; the generator (or encoder) minimises the estimate. */
export const mmd = (kernel: Kernel, options: MmdOptions = {}): Divergence => {
  const estimator = options.estimator ?? "unbiased"
  const between = options.between ?? "samples"
  const who = `MMD(${kernel.name})`
  return make({
    name: who,
    spec: { _tag: "mmd", kernel: kernel.spec, estimator, between },
    conventions: { estimates: `MMD²_k(P, Q), ${estimator} estimator`, sign: "generatorLoss = MMD² estimate; no critic", scaling: "none" },
    activation: undefined,
    criticLoss: undefined,
    generatorLoss: (inputs: Inputs) =>
      between === "samples"
        ? mmd2(kernel, need(inputs, "real", who), need(inputs, "fake", who), estimator)
        : mmd2(kernel, need(inputs, "latent", who), need(inputs, "prior", who), estimator)
  })
}
