/** Affine layers: Linear, Maxout, and the MLP builder. */
import { split } from "../random/index.js"
import { local } from "../tensor/local.js"
import { affine, matmul } from "../tensor/ops/linalg.js"
import { max } from "../tensor/ops/reduce.js"
import { reshape } from "../tensor/ops/shape.js"
import { InvalidArgument } from "../native/errors.js"
import type { Tensor } from "../tensor/tensor.js"
import { type Initializer, pytorchUniform } from "./init.js"
import { relu } from "./activation.js"
import { type Layer, sequential, stateless } from "./layer.js"

export interface LinearParams {
  /** [in, out]: y = x·W + b, so a batch [B, in] multiplies without a transpose. */
  readonly weight: Tensor
  readonly bias?: Tensor
}

export interface LinearOptions {
  readonly bias?: boolean
  readonly weightInit?: Initializer
  readonly biasInit?: Initializer
}

const positiveInt = (n: number, what: string) => {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgument({ message: `${what} must be a positive integer, got ${n}` })
  return n
}

/** y = x·W + b over the last axis; PyTorch's default initialisation (U(±1/√in) for W and b). */
export const linear = (inFeatures: number, outFeatures: number, options: LinearOptions = {}): Layer<LinearParams, undefined> => {
  positiveInt(inFeatures, "in features")
  positiveInt(outFeatures, "out features")
  const withBias = options.bias ?? true
  const weightInit = options.weightInit ?? pytorchUniform
  const biasInit = options.biasInit ?? pytorchUniform
  const fans = { fanIn: inFeatures, fanOut: outFeatures }
  return stateless(
    `linear(${inFeatures}, ${outFeatures})`,
    (key, o) => {
      const [kw, kb] = split(key, 2)
      const weight = weightInit(kw!, [inFeatures, outFeatures], fans, o)
      return withBias ? { weight, bias: biasInit(kb!, [outFeatures], fans, o) } : { weight }
    },
    (p, x) => (p.bias === undefined ? matmul(x, p.weight) : affine(x, p.weight, p.bias))
  )
}

/** Maxout (Goodfellow et al. 2013): the maximum of k affine pieces per output unit. */
export const maxout = (inFeatures: number, outFeatures: number, pieces: number, options: LinearOptions = {}): Layer<LinearParams, undefined> => {
  positiveInt(pieces, "pieces")
  const affine = linear(inFeatures, outFeatures * pieces, options)
  return stateless(
    `maxout(${inFeatures}, ${outFeatures}, k=${pieces})`,
    (key, o) => affine.init(key, o).params,
    (p, x) =>
      local(() => {
        const z = affine.apply({ params: p, state: undefined }, x).y
        return max(reshape(z, [...x.shape.slice(0, -1), outFeatures, pieces]), -1)
      })
  )
}

export interface MlpOptions extends LinearOptions {
  /** Between hidden layers (default ReLU); none after the last layer unless `outputActivation`. */
  readonly activation?: Layer<undefined, undefined>
  readonly outputActivation?: Layer<undefined, undefined>
}

/** An MLP through the given widths, e.g. mlp([2, 128, 128, 128, 2]) (ReLU between layers by default). */
export const mlp = (widths: readonly number[], options: MlpOptions = {}) => {
  const activation = options.activation ?? relu
  if (widths.length < 2) throw new InvalidArgument({ message: "mlp needs at least an input and an output width" })
  const layers: Layer<any, any>[] = []
  for (let i = 0; i + 1 < widths.length; i++) {
    layers.push(linear(widths[i]!, widths[i + 1]!, options))
    if (i + 2 < widths.length) layers.push(activation)
  }
  if (options.outputActivation) layers.push(options.outputActivation)
  return sequential(...layers)
}
