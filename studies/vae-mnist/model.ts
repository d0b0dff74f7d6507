/**
 * vae-mnist's model: a 784-h-2d encoder giving q(z|x) = N(μ, diag e^{logVar}), a d-h-784
 * decoder giving Bernoulli logits, the prior N(0, I); trained on the negative ELBO
 * (src/divergence/elbo.ts), evaluated on the test split by the ELBO and the IWAE bound.
 */
import { bernoulli as bernoulliLikelihood, elbo, elboPerSample, gaussianKlToStandard } from "../../src/divergence/index.js"
import { forward, mlp } from "../../src/nn/index.js"
import { adam } from "../../src/optim/index.js"
import { bernoulli, fold, type Key, normal } from "../../src/random/index.js"
import { cast, local, sigmoid, slice, split, type Tensor } from "../../src/tensor/index.js"
import type { Game } from "../../src/train/index.js"
import type { Config } from "./config.js"

export interface VaeParams {
  readonly encoder: unknown[]
  readonly decoder: unknown[]
}

export const vaeModel = (c: Config) => {
  const encoder = mlp([784, c.hidden, 2 * c.latent])
  const decoder = mlp([c.latent, c.hidden, 784])
  const encode = (p: VaeParams, x: Tensor) => {
    const [mean, logVar] = split(forward(encoder, { params: p.encoder, state: [] }, x), [c.latent, c.latent], 1)
    return { mean: mean!, logVar: logVar! }
  }
  const decode = (p: VaeParams) => (z: Tensor) => forward(decoder, { params: p.decoder, state: [] }, z)
  const init = (k: Key): VaeParams => ({ encoder: encoder.init(fold(k, 0)).params as unknown[], decoder: decoder.init(fold(k, 1)).params as unknown[] })
  return { encode, decode, init }
}
export type VaeModel = ReturnType<typeof vaeModel>

/** One player, "vae", minimising the negative ELBO; with `binarize: "bernoulli"` each batch is binarised afresh. */
export const vaeGame = (c: Config, model: VaeModel): Game => {
  const loss = elbo(bernoulliLikelihood)
  return {
    players: [
      {
        name: "vae",
        optimizer: adam(c.learningRate),
        loss: (own: VaeParams, s) => {
          const x = c.binarize === "bernoulli" ? cast(bernoulli(fold(s.key, 1), s.batch), "float32") : s.batch
          return loss.generatorLoss({ data: x, posterior: model.encode(own, x), decode: model.decode(own), key: fold(s.key, 2) })
        }
      }
    ],
    init: (k) => ({ params: { vae: model.init(k) }, state: {} })
  }
}

export interface TestBounds {
  /** Mean over the images of the bound (the ELBO for samples = 1, else IWAE(K)), nats. */
  readonly bound: number
  /** Mean KL(q(z|x) ‖ N(0, I)), nats (analytic). */
  readonly kl: number
}

/** The bound per image, averaged over the images, computed `chunk` images at a time (chunk i with fold(key, i)). */
export const testBounds = (model: VaeModel, params: VaeParams, images: Tensor, key: Key, samples: number, chunk: number): TestBounds => {
  const n = images.shape[0]!
  let bound = 0
  let kl = 0
  for (let lo = 0, i = 0; lo < n; lo += chunk, i++) {
    const part = local(() => {
      const x = slice(images, 0, lo, Math.min(n, lo + chunk))
      const posterior = model.encode(params, x)
      const b = elboPerSample(bernoulliLikelihood, { data: x, posterior, decode: model.decode(params), key: fold(key, i) }, { samples })
      return [b.sum().item(), gaussianKlToStandard(posterior.mean, posterior.logVar).sum().item()] as const
    })
    bound += part[0]
    kl += part[1]
  }
  return { bound: bound / n, kl: kl / n }
}

/** Bernoulli means σ(decoder(z)) of `n` draws z ~ N(0, I): [n, 784]. */
export const priorSamples = (c: Config, model: VaeModel, params: VaeParams, key: Key, n: number): Tensor =>
  local(() => sigmoid(model.decode(params)(normal(key, [n, c.latent]))))

/** Bernoulli means of the decoded posterior means: [n, 784]. */
export const reconstruct = (model: VaeModel, params: VaeParams, x: Tensor): Tensor => local(() => sigmoid(model.decode(params)(model.encode(params, x).mean)))
