/**
 * Sample-quality scores for MNIST-like images from the trained classifier of src/data/scorer.ts:
 * the entropy of the predicted-class distribution (log 10 when the classes are balanced: low
 * values mean mode collapse) and a Fréchet distance between Gaussians fitted to the
 * classifier's penultimate features of real and generated images (Heusel et al. 2017 with this
 * scorer in place of Inception: W₂² between the two Gaussians).
 */
import type { Scorer as MnistScorer } from "../data/scorer.js"
import { gaussianW2Multivariate } from "../divergence/closed-form.js"
import { local } from "../tensor/local.js"
import { matmul } from "../tensor/ops/linalg.js"
import { mean } from "../tensor/ops/reduce.js"
import { cast, transpose } from "../tensor/ops/shape.js"
import { sub } from "../tensor/ops/elementwise.js"
import type { Tensor } from "../tensor/tensor.js"

/** Entropy (nats) of the distribution of predicted classes over the images. */
export const classEntropy = (scorer: MnistScorer, images: Tensor): number =>
  local(() => {
    const classes = scorer.classes(images).toTypedArray() as Int32Array
    const counts = new Array<number>(10).fill(0)
    classes.forEach((c) => counts[c]!++)
    return counts.reduce((h, c) => (c === 0 ? h : h - (c / classes.length) * Math.log(c / classes.length)), 0)
  })

/** Mean and covariance (float64, host) of feature rows [n, d]. */
export const featureMoments = (features: Tensor): { mean: number[]; cov: number[][] } =>
  local(() => {
    const f = cast(features, "float64")
    const mu = mean(f, 0, true)
    const centred = sub(f, mu)
    const n = f.shape[0]!
    const cov = matmul(transpose(centred), centred).mul(1 / Math.max(n - 1, 1))
    return { mean: Array.from(mu.toTypedArray() as Float64Array), cov: cov.toArray() as number[][] }
  })

/** The Fréchet distance between the scorer's features of two image sets (squared W₂ of the fitted Gaussians). */
export const frechetDistance = (scorer: MnistScorer, real: Tensor, generated: Tensor): number => {
  const a = featureMoments(local(() => scorer.features(real)))
  const b = featureMoments(local(() => scorer.features(generated)))
  return gaussianW2Multivariate(a.mean, a.cov, b.mean, b.cov) ** 2
}
