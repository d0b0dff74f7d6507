/** Convolution layers over NCHW batches (PyTorch layouts and default initialisation). */
import { InvalidArgument } from "../native/errors.js"
import { split } from "../random/index.js"
import { type Conv2dOptions, conv2d as conv2dFn, type ConvTranspose2dOptions, convTranspose2d as convTranspose2dFn, type Pair2d } from "../tensor/ops/conv.js"
import type { Tensor } from "../tensor/tensor.js"
import { type Initializer, pytorchUniform } from "./init.js"
import { type Layer, stateless } from "./layer.js"

export interface ConvParams {
  readonly weight: Tensor
  readonly bias?: Tensor
}

export interface ConvLayerOptions {
  readonly bias?: boolean
  readonly weightInit?: Initializer
  readonly biasInit?: Initializer
}

const kernelPair = (k: Pair2d): [number, number] => {
  const [kh, kw] = typeof k === "number" ? [k, k] : k
  for (const [v, what] of [[kh, "kernel height"], [kw, "kernel width"]] as const)
    if (!Number.isInteger(v) || v < 1) throw new InvalidArgument({ message: `${what} must be a positive integer, got ${v}` })
  return [kh, kw]
}

const channels = (n: number, what: string) => {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgument({ message: `${what} must be a positive integer, got ${n}` })
  return n
}

/** Conv2d: weight [out, in, kh, kw]; fan-in in·kh·kw (PyTorch's U(±1/√fan_in) by default). */
export const conv2d = (inChannels: number, outChannels: number, kernel: Pair2d, options: Conv2dOptions & ConvLayerOptions = {}): Layer<ConvParams, undefined> => {
  const [kh, kw] = kernelPair(kernel)
  channels(inChannels, "in channels")
  channels(outChannels, "out channels")
  const fans = { fanIn: inChannels * kh * kw, fanOut: outChannels * kh * kw }
  const withBias = options.bias ?? true
  return stateless(
    `conv2d(${inChannels}, ${outChannels}, ${kh}x${kw})`,
    (key, o) => {
      const [kwt, kb] = split(key, 2)
      const weight = (options.weightInit ?? pytorchUniform)(kwt!, [outChannels, inChannels, kh, kw], fans, o)
      return withBias ? { weight, bias: (options.biasInit ?? pytorchUniform)(kb!, [outChannels], fans, o) } : { weight }
    },
    (p, x) => conv2dFn(x, p.weight, p.bias, options)
  )
}

/**
 * ConvTranspose2d: weight [in, out, kh, kw]. PyTorch computes its default bounds from the
 * weight's second axis, so the fan-in is out·kh·kw.
 */
export const convTranspose2d = (inChannels: number, outChannels: number, kernel: Pair2d, options: ConvTranspose2dOptions & ConvLayerOptions = {}): Layer<ConvParams, undefined> => {
  const [kh, kw] = kernelPair(kernel)
  channels(inChannels, "in channels")
  channels(outChannels, "out channels")
  const fans = { fanIn: outChannels * kh * kw, fanOut: inChannels * kh * kw }
  const withBias = options.bias ?? true
  return stateless(
    `convTranspose2d(${inChannels}, ${outChannels}, ${kh}x${kw})`,
    (key, o) => {
      const [kwt, kb] = split(key, 2)
      const weight = (options.weightInit ?? pytorchUniform)(kwt!, [inChannels, outChannels, kh, kw], fans, o)
      return withBias ? { weight, bias: (options.biasInit ?? pytorchUniform)(kb!, [outChannels], fans, o) } : { weight }
    },
    (p, x) => convTranspose2dFn(x, p.weight, p.bias, options)
  )
}
