/** vae-mnist's configuration. */
import { Schema } from "effect"

const Int = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
const Positive = Schema.Finite.check(Schema.isGreaterThan(0))

export const Config = Schema.Struct({
  /** Adam steps (7,996 training digits: 79 full batches of 100 make an epoch). */
  steps: Int,
  batchSize: Int,
  /** Width of the encoder's and the decoder's hidden layer. */
  hidden: Int,
  latent: Int,
  learningRate: Positive,
  /**
   * "bernoulli": pixels are binary draws with probability p/255, a fresh draw for every batch
   * and one fixed draw of the test split (dynamic binarisation); "threshold": p/255 > 0.5.
   */
  binarize: Schema.Literals(["bernoulli", "threshold"]),
  /** Evaluate the test ELBO every this many steps. */
  evaluateEvery: Int,
  /** Importance samples of the final IWAE bound. */
  iwaeSamples: Int,
  /** Test digits per chunk when the IWAE bound is computed (bounds memory: chunk × K decoder rows). */
  iwaeChunk: Int,
  /** Prior samples scored by the MNIST classifier (class entropy, Fréchet distance). */
  scoreSamples: Int.check(Schema.isGreaterThanOrEqualTo(2))
})
export type Config = typeof Config.Type

export const defaults: Config = {
  steps: 2000,
  batchSize: 100,
  hidden: 400,
  latent: 20,
  learningRate: 1e-3,
  binarize: "bernoulli",
  evaluateEvery: 200,
  iwaeSamples: 100,
  iwaeChunk: 200,
  scoreSamples: 2000
}
