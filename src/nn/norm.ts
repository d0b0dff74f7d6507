/**
 * Normalisation layers. BatchNorm keeps running statistics as explicit state: `apply` in
 * train mode normalises with the batch's statistics and returns updated running ones
 * (PyTorch semantics: biased variance to normalise, unbiased variance in the running
 * average, momentum 0.1); in eval mode it uses the running ones and returns them unchanged.
 */
import { InvalidArgument } from "../native/errors.js"
import { noGrad } from "../tensor/grad-mode.js"
import { local } from "../tensor/local.js"
import { add, div, mul, rsqrt, sub } from "../tensor/ops/elementwise.js"
import { full } from "../tensor/ops/creation.js"
import { mean, variance } from "../tensor/ops/reduce.js"
import { reshape } from "../tensor/ops/shape.js"
import type { Tensor } from "../tensor/tensor.js"
import { split } from "../random/index.js"
import { type Initializer, ones as onesInit, zeros as zerosInit } from "./init.js"
import type { InitOptions, Layer } from "./layer.js"

export interface AffineParams {
  readonly gamma: Tensor
  readonly beta: Tensor
}

export interface RunningStats {
  readonly mean: Tensor
  readonly variance: Tensor
}

export interface BatchNormOptions {
  readonly eps?: number
  readonly momentum?: number
  readonly gammaInit?: Initializer
  readonly betaInit?: Initializer
}

const opts = (o: InitOptions) => ({ ...(o.dtype ? { dtype: o.dtype } : {}), ...(o.device ? { device: o.device } : {}) })

// Batch norm over axis 1 (features or channels), statistics over every other axis.
const batchNorm = (rank: 2 | 4, features: number, options: BatchNormOptions): Layer<AffineParams, RunningStats> => {
  if (!Number.isInteger(features) || features < 1) throw new InvalidArgument({ message: `features must be a positive integer, got ${features}` })
  const eps = options.eps ?? 1e-5
  const momentum = options.momentum ?? 0.1
  const axes = rank === 2 ? [0] : [0, 2, 3]
  const bcast = rank === 2 ? [1, features] : [1, features, 1, 1]
  const fans = { fanIn: features, fanOut: features }
  const name = `batchNorm${rank === 2 ? "1d" : "2d"}(${features})`
  return {
    name,
    init: (key, o = {}) => {
      const [kg, kb] = split(key, 2)
      return {
        params: { gamma: (options.gammaInit ?? onesInit)(kg!, [features], fans, o), beta: (options.betaInit ?? zerosInit)(kb!, [features], fans, o) },
        state: { mean: full([features], 0, opts(o)), variance: full([features], 1, opts(o)) }
      }
    },
    apply: ({ params, state }, x, mode = {}) => {
      if (x.ndim !== rank || x.shape[1] !== features)
        throw new InvalidArgument({ message: `${name}: expected [N, ${features}${rank === 4 ? ", H, W" : ""}], got [${x.shape.join(", ")}]` })
      return local(() => {
        const scale = (t: Tensor) => reshape(t, bcast)
        let mu: Tensor, v: Tensor, next: RunningStats
        if (mode.train === true) {
          const n = x.size / features
          mu = mean(x, axes, true)
          v = variance(x, axes, true)
          // Running statistics are not differentiated (as in PyTorch): recorded, each would keep
          // its step's graph and, through the previous statistics, every earlier one.
          next = noGrad(() => ({
            mean: add(mul(state.mean, 1 - momentum), mul(reshape(mu, [features]), momentum)),
            variance: add(mul(state.variance, 1 - momentum), mul(mul(reshape(v, [features]), n / Math.max(n - 1, 1)), momentum))
          }))
        } else {
          mu = scale(state.mean)
          v = scale(state.variance)
          next = state
        }
        const y = add(mul(mul(sub(x, mu), rsqrt(add(v, eps))), scale(params.gamma)), scale(params.beta))
        return { y, state: next }
      })
    }
  }
}

export const batchNorm1d = (features: number, options: BatchNormOptions = {}) => batchNorm(2, features, options)
export const batchNorm2d = (channels: number, options: BatchNormOptions = {}) => batchNorm(4, channels, options)

/** Layer normalisation over the trailing `shape` dimensions, with an elementwise affine map. */
export const layerNorm = (shape: readonly number[], options: { readonly eps?: number } = {}): Layer<AffineParams, undefined> => {
  const eps = options.eps ?? 1e-5
  const axes = shape.map((_, i) => -1 - i)
  return {
    name: `layerNorm([${shape.join(", ")}])`,
    init: (_key, o = {}) => ({ params: { gamma: full(shape, 1, opts(o)), beta: full(shape, 0, opts(o)) }, state: undefined }),
    apply: ({ params }, x) => ({
      y: local(() => {
        const mu = mean(x, axes, true)
        const centred = sub(x, mu)
        return add(mul(div(centred, add(variance(x, axes, true), eps).sqrt()), params.gamma), params.beta)
      }),
      state: undefined
    })
  }
}
