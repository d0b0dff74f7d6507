/**
 * Sliced Wasserstein distance (Rabin et al. 2011; Bonneel et al. 2015): the average of the
 * exact 1-D W_p^p between the projections of two clouds on random directions,
 *   SW_p^p(α, β) = E_θ W_p^p(θ#α, θ#β),  θ uniform on the unit sphere S^{d−1},
 * estimated with L directions drawn from a key (normal draws normalised). Differentiable in
 * the positions (sorting routes the gradient through the permutation).
 */
import { InvalidArgument } from "../../native/errors.js"
import { type Key, normal } from "../../random/index.js"
import { local } from "../../tensor/local.js"
import { norm } from "../../tensor/ops/composite.js"
import { div } from "../../tensor/ops/elementwise.js"
import { matmul } from "../../tensor/ops/linalg.js"
import { mean } from "../../tensor/ops/reduce.js"
import { Tensor } from "../../tensor/tensor.js"
import { type Divergence, type Inputs, make, need } from "../divergence.js"
import { checkP } from "./cost.js"
import { wassersteinPow1d } from "./one-d.js"

export interface SlicedOptions {
  /** Number of random directions L. */
  readonly projections: number
  /** 1 or 2 (any p ≥ 1 works; default 2). */
  readonly p?: number
}

/** L directions uniform on S^{d−1}, as the columns of a [d, L] matrix. */
export const directions = (k: Key, d: number, projections: number, like: Tensor): Tensor =>
  local(() => {
    const z = normal(k, [d, projections], { dtype: like.dtype, device: like.device })
    return div(z, norm(z, 0, true))
  })

/** The Monte Carlo estimate of SW_p^p between the uniform measures on x [n, d] and y [m, d]. */
export const slicedWassersteinPower = (x: Tensor, y: Tensor, k: Key, options: SlicedOptions): Tensor => {
  const p = options.p ?? 2
  checkP(p, "slicedWasserstein")
  const L = options.projections
  if (!Number.isInteger(L) || L < 1) throw new InvalidArgument({ message: `slicedWasserstein: projections must be a positive integer, got ${L}` })
  if (!(x instanceof Tensor) || !(y instanceof Tensor) || x.ndim !== 2 || y.ndim !== 2 || x.shape[1] !== y.shape[1] || x.shape[0] === 0 || y.shape[0] === 0)
    throw new InvalidArgument({ message: "slicedWasserstein: x and y must be non-empty [n, d] and [m, d] tensors with the same d" })
  if (x.dtype !== y.dtype) throw new InvalidArgument({ message: `slicedWasserstein: x is ${x.dtype}, y is ${y.dtype}` })
  return local(() => {
    const theta = directions(k, x.shape[1]!, L, x)
    return mean(wassersteinPow1d(matmul(x, theta), matmul(y, theta), { p }))
  })
}

/** SW_p^p as a divergence: no critic; fresh directions from inputs.key at every step. */
export const slicedWasserstein = (options: SlicedOptions): Divergence => {
  const p = options.p ?? 2
  checkP(p, "slicedWasserstein")
  if (!Number.isInteger(options.projections) || options.projections < 1)
    throw new InvalidArgument({ message: `slicedWasserstein: projections must be a positive integer, got ${options.projections}` })
  const who = `SW${p}(L=${options.projections})`
  return make({
    name: who,
    spec: { _tag: "slicedWasserstein", projections: options.projections, p },
    conventions: {
      estimates: `SW_${p}^${p}(P, Q) = E_θ W_${p}^${p}(θ#P, θ#Q), θ uniform on the sphere (Monte Carlo over ${options.projections} directions)`,
      sign: "generatorLoss = SW_p^p estimate; no critic",
      scaling: "the p-th power (not its p-th root)"
    },
    activation: undefined,
    criticLoss: undefined,
    generatorLoss: (inputs: Inputs) =>
      slicedWassersteinPower(need(inputs, "real", who), need(inputs, "fake", who), need(inputs, "key", who), { ...options, p })
  })
}
