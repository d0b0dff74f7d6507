/**
 * Initialisers: (key, shape, fans) → tensor. Fan-in of a weight [out, in] is `in`; of a
 * convolution weight [out, in, kh, kw] it is in·kh·kw (PyTorch's convention).
 */
import { normal, uniform, type Key } from "../random/index.js"
import { full } from "../tensor/ops/creation.js"
import type { Tensor } from "../tensor/tensor.js"
import type { InitOptions } from "./layer.js"

export interface Fans {
  readonly fanIn: number
  readonly fanOut: number
}

export type Initializer = (key: Key, shape: readonly number[], fans: Fans, options: InitOptions) => Tensor

const opts = (o: InitOptions) => ({ ...(o.dtype ? { dtype: o.dtype } : {}), ...(o.device ? { device: o.device } : {}) })

/** U(−1/√fan_in, 1/√fan_in): PyTorch's default for Linear and Conv weights and biases. */
export const pytorchUniform: Initializer = (key, shape, { fanIn }, o) => {
  const b = 1 / Math.sqrt(Math.max(fanIn, 1))
  return uniform(key, shape, { lo: -b, hi: b, ...opts(o) })
}

/** He (Kaiming) normal for ReLU networks: N(0, 2/fan_in). */
export const heNormal: Initializer = (key, shape, { fanIn }, o) => normal(key, shape, { std: Math.sqrt(2 / fanIn), ...opts(o) })

/** He uniform: U(−√(6/fan_in), √(6/fan_in)). */
export const heUniform: Initializer = (key, shape, { fanIn }, o) => {
  const b = Math.sqrt(6 / fanIn)
  return uniform(key, shape, { lo: -b, hi: b, ...opts(o) })
}

/** Glorot (Xavier) uniform: U(−√(6/(fan_in + fan_out)), +…). */
export const glorotUniform: Initializer = (key, shape, { fanIn, fanOut }, o) => {
  const b = Math.sqrt(6 / (fanIn + fanOut))
  return uniform(key, shape, { lo: -b, hi: b, ...opts(o) })
}

/** Glorot normal: N(0, 2/(fan_in + fan_out)). */
export const glorotNormal: Initializer = (key, shape, { fanIn, fanOut }, o) =>
  normal(key, shape, { std: Math.sqrt(2 / (fanIn + fanOut)), ...opts(o) })

/** N(mean, std²), e.g. DCGAN's N(0, 0.02) for convolution weights. */
export const normalInit = (std: number, mean = 0): Initializer => (key, shape, _fans, o) => normal(key, shape, { mean, std, ...opts(o) })

export const constant = (value: number): Initializer => (_key, shape, _fans, o) => full(shape, value, opts(o))
export const zeros = constant(0)
export const ones = constant(1)
