/**
 * The MNIST scorer: a 784-256-10 ReLU MLP trained on the training split (by
 * scripts/train-mnist-scorer.ts, from a fixed key), kept as a committed weights file
 * (assets/mnist-mlp-scorer.bin, format in weights.ts) for sample-quality metrics: the
 * entropy of predicted classes from `logits`, Fréchet distances on `features`.
 */
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import { Data, Effect } from "effect"
import { InvalidArgument, type TensorError } from "../native/errors.js"
import type { DeviceId } from "../tensor/device.js"
import { getCurrentDevice } from "../tensor/ownership.js"
import { local } from "../tensor/local.js"
import { tensor } from "../tensor/ops/creation.js"
import { add, relu } from "../tensor/ops/elementwise.js"
import { matmul } from "../tensor/ops/linalg.js"
import { argmax } from "../tensor/ops/reduce.js"
import { reshape } from "../tensor/ops/shape.js"
import { compute } from "../tensor/scope.js"
import type { Tensor } from "../tensor/tensor.js"
import { decodeWeights, encodeWeights, WeightsFormatError } from "./weights.js"

export class ScorerUnavailable extends Data.TaggedError("ScorerUnavailable")<{ readonly message: string }> {}

export const SCORER_HIDDEN = 256
export const SCORER_FILE = fileURLToPath(new URL("../../assets/mnist-mlp-scorer.bin", import.meta.url))

/** Weights are [in, out] (y = x·W + b), as src/nn's linear. */
export interface ScorerParams {
  readonly hidden: { readonly weight: Tensor; readonly bias: Tensor }
  readonly output: { readonly weight: Tensor; readonly bias: Tensor }
}

export interface Scorer {
  readonly params: ScorerParams
  /** images in [0, 1]: [N, 784], [N, 28, 28] or [N, 1, 28, 28] → logits [N, 10] */
  readonly logits: (images: Tensor) => Tensor
  /** the penultimate layer (after its ReLU): [N, 256] */
  readonly features: (images: Tensor) => Tensor
  /** argmax of the logits: int32 [N] */
  readonly classes: (images: Tensor) => Tensor
}

const flat = (images: Tensor): Tensor => {
  const s = images.shape
  const ok = (s.length === 2 && s[1] === 784) || (s.length === 3 && s[1] === 28 && s[2] === 28) || (s.length === 4 && s[1] === 1 && s[2] === 28 && s[3] === 28)
  if (!ok) throw new InvalidArgument({ message: `scorer: images must be [N, 784], [N, 28, 28] or [N, 1, 28, 28], got [${s.join(", ")}]` })
  return s.length === 2 ? images : reshape(images, [s[0]!, 784])
}

/** The hidden activations relu(x·W₁ + b₁). */
export const scorerFeatures = (params: ScorerParams, images: Tensor): Tensor =>
  local(() => relu(add(matmul(flat(images), params.hidden.weight), params.hidden.bias)))

export const scorerLogits = (params: ScorerParams, images: Tensor): Tensor =>
  local(() => add(matmul(scorerFeatures(params, images), params.output.weight), params.output.bias))

export const scorerFromParams = (params: ScorerParams): Scorer => ({
  params,
  logits: (x) => scorerLogits(params, x),
  features: (x) => scorerFeatures(params, x),
  classes: (x) => local(() => argmax(scorerLogits(params, x), 1))
})

const NAMES = ["hidden.weight", "hidden.bias", "output.weight", "output.bias"] as const

/** The scorer's file bytes for float32 params (deterministic). */
export const encodeScorer = (params: ScorerParams, meta: unknown = {}): Uint8Array => {
  const ts = [params.hidden.weight, params.hidden.bias, params.output.weight, params.output.bias]
  return encodeWeights(
    ts.map((t, i) => {
      if (t.dtype !== "float32") throw new InvalidArgument({ message: `encodeScorer: ${NAMES[i]} must be float32, got ${t.dtype}` })
      return { name: NAMES[i]!, shape: t.shape, values: t.toTypedArray() as Float32Array }
    }),
    meta
  )
}

const EXPECTED_SHAPES: Record<(typeof NAMES)[number], readonly number[]> = {
  "hidden.weight": [784, SCORER_HIDDEN],
  "hidden.bias": [SCORER_HIDDEN],
  "output.weight": [SCORER_HIDDEN, 10],
  "output.bias": [10]
}

/** A scorer from file bytes; its tensors are created in the current owner. */
export const decodeScorer = (bytes: Uint8Array, options: { readonly device?: DeviceId } = {}): Scorer => {
  let arrays
  try {
    arrays = decodeWeights(bytes).arrays
  } catch (e) {
    throw new ScorerUnavailable({ message: `scorer: ${e instanceof WeightsFormatError ? e.message : String(e)}` })
  }
  const device = options.device ?? getCurrentDevice()
  for (const name of NAMES) {
    const a = arrays.get(name)
    if (a === undefined || a.shape.join() !== EXPECTED_SHAPES[name].join())
      throw new ScorerUnavailable({ message: `scorer: ${name} missing or not of shape [${EXPECTED_SHAPES[name].join(", ")}]` })
  }
  const t = (name: (typeof NAMES)[number]) => tensor(arrays.get(name)!.values, { shape: EXPECTED_SHAPES[name], dtype: "float32", device })
  return scorerFromParams({
    hidden: { weight: t("hidden.weight"), bias: t("hidden.bias") },
    output: { weight: t("output.weight"), bias: t("output.bias") }
  })
}

/** The committed scorer (or one at `path`), its tensors in the current owner. Throws ScorerUnavailable. */
export const loadMnistScorer = (options: { readonly path?: string; readonly device?: DeviceId } = {}): Scorer => {
  const file = options.path ?? SCORER_FILE
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(fs.readFileSync(file))
  } catch (e) {
    throw new ScorerUnavailable({ message: `scorer: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}` })
  }
  return decodeScorer(bytes, options)
}

/** `loadMnistScorer` as an Effect, with its failures in the error channel. */
export const mnistScorer = (options: { readonly path?: string; readonly device?: DeviceId } = {}): Effect.Effect<Scorer, ScorerUnavailable | TensorError> =>
  compute((): Scorer | ScorerUnavailable => {
    try {
      return loadMnistScorer(options)
    } catch (e) {
      if (e instanceof ScorerUnavailable) return e
      throw e
    }
  }).pipe(Effect.flatMap((r) => (r instanceof ScorerUnavailable ? Effect.fail(r) : Effect.succeed(r))))
