/**
 * The toy distributions of the GAN literature, with the constants of the code that defined
 * them. Mode centres and standard deviations are given in the coordinates `sample` returns.
 */
import { InvalidArgument } from "../native/errors.js"
import { normal, randint, split, uniform, type Key } from "../random/index.js"
import { checkKey } from "../random/key.js"
import { getCurrentDevice } from "../tensor/ownership.js"
import { local } from "../tensor/local.js"
import { full, tensor, zeros } from "../tensor/ops/creation.js"
import { indexSelect } from "../tensor/ops/indexing.js"
import { add, cos, div, mul, sin } from "../tensor/ops/elementwise.js"
import { concat, slice, stack } from "../tensor/ops/shape.js"
import type { Tensor } from "../tensor/tensor.js"
import { checkCount, checkSampleOptions, type Distribution, isotropicMixture, type SampleOptions } from "./distribution.js"

/**
 * PacGAN's 2D-ring (Lin et al. 2018, "PacGAN: The power of two samples in GANs";
 * github.com/fjxmlzn/PacGAN, synthetic_data_experiments/2DRing_GAN&PacGAN/config.py): eight
 * equally weighted Gaussians with means (cos 2πi/8, sin 2πi/8), i = 0..7, and covariance
 * 0.01²·I. The same set as VEEGAN's ring (Srivastava et al. 2017). High quality: within 3σ of
 * the nearest mode (PacGAN's MetricLogger, dis_thre = 3; VEEGAN §5.1).
 * (The unrolled-GAN notebook's `sample_mog` places its centres with linspace(0, 2π, 8), which
 * repeats the first centre, so it has seven distinct modes; PacGAN's eight are used here.)
 */
export const ring = isotropicMixture({
  name: "ring",
  centres: Array.from({ length: 8 }, (_, i) => [Math.cos((2 * Math.PI * i) / 8), Math.sin((2 * Math.PI * i) / 8)]),
  std: 0.01,
  divisor: 1,
  qualityStds: 3
})

/**
 * PacGAN's 2D-grid (config.py of 2DGrid_GAN&PacGAN): 25 equally weighted Gaussians with
 * means {−4, −2, 0, 2, 4}² (itertools.product order: the first coordinate outer) and
 * covariance 0.05²·I. High quality: within 3σ.
 */
export const grid = isotropicMixture({
  name: "grid",
  centres: Array.from({ length: 25 }, (_, c) => [2 * Math.floor(c / 5) - 4, 2 * (c % 5) - 4]),
  std: 0.05,
  divisor: 1,
  qualityStds: 3
})

/**
 * WGAN-GP's "8gaussians" (Gulrajani et al. 2017, github.com/igul222/improved_wgan_training,
 * gan_toy.py): a centre drawn uniformly from (±1, 0), (0, ±1), (±1/√2, ±1/√2) scaled by 2,
 * plus 0.02·N(0, I), all divided by 1.414. In sample coordinates the centres have radius
 * 2/1.414 and σ = 0.02/1.414. Centre order as in gan_toy.py.
 */
export const eightGaussians = isotropicMixture({
  name: "eightGaussians",
  centres: [
    [1, 0], [-1, 0], [0, 1], [0, -1],
    [Math.SQRT1_2, Math.SQRT1_2], [Math.SQRT1_2, -Math.SQRT1_2], [-Math.SQRT1_2, Math.SQRT1_2], [-Math.SQRT1_2, -Math.SQRT1_2]
  ].map(([x, y]) => [2 * x!, 2 * y!]),
  std: 0.02,
  divisor: 1.414,
  qualityStds: 3
})

/**
 * WGAN-GP's "25gaussians" as /work/shared/bench/workloads.md ("Shared data: 25-Gaussian grid")
 * states it: centre index c ~ U{0..24}, centre (2(c div 5 − 2), 2(c mod 5 − 2)), point
 * (centre + 0.05·N(0, I)) / 2.828. (gan_toy.py itself builds a fixed set of 100,000 points,
 * exactly 4,000 per centre, shuffled; i.i.d. centres are the workload's definition.)
 */
export const twentyFiveGaussians = isotropicMixture({
  name: "twentyFiveGaussians",
  centres: Array.from({ length: 25 }, (_, c) => [2 * (Math.floor(c / 5) - 2), 2 * ((c % 5) - 2)]),
  std: 0.05,
  divisor: 2.828,
  qualityStds: 3
})

/** The number of points of the W1/W2 data pool (256 batches of 256). */
export const GRID_POOL_SIZE = 65536

/**
 * The W1/W2 data pool: `n` (default 65,536) float32 points of `twentyFiveGaussians` drawn from
 * our key (the reference's NumPy stream is not reproduced). Batch t of size B is rows
 * [B·(t mod n/B), +B): take it with `poolBatch`.
 */
export const gridPool = (k: Key, n: number = GRID_POOL_SIZE, options: SampleOptions = {}): Tensor =>
  twentyFiveGaussians.sample(k, n, { dtype: "float32", ...options })

/** Batch t of a pool: rows [B·(t mod #batches), +B) as a view (no copy). */
export const poolBatch = (pool: Tensor, t: number, batchSize = 256): Tensor => {
  const batches = Math.floor(pool.shape[0]! / batchSize)
  if (!Number.isSafeInteger(t) || t < 0 || !Number.isSafeInteger(batchSize) || batchSize < 1 || batches < 1)
    throw new InvalidArgument({ message: `poolBatch: needs a step t >= 0 and 1 <= batchSize <= ${pool.shape[0]}, got t = ${t}, batchSize = ${batchSize}` })
  const start = (t % batches) * batchSize
  return slice(pool, 0, start, start + batchSize)
}

/**
 * WGAN-GP's "swissroll": scikit-learn's make_swiss_roll with noise 0.25, coordinates [0, 2],
 * divided by 7.5. make_swiss_roll draws t = 1.5π(1 + 2u), u ~ U[0, 1), and returns
 * (t cos t, 21v, t sin t) + noise·N(0, I_3); only the first and third coordinates are kept, so
 * a sample is (t cos t + 0.25ε₁, t sin t + 0.25ε₂) / 7.5. The density has no closed form.
 * The key is split in two: the first names t, the second the noise.
 */
export const SWISS_ROLL_NOISE = 0.25
export const SWISS_ROLL_DIVISOR = 7.5
export const swissRoll: Distribution = {
  name: "swissRoll",
  dim: 2,
  sample: (k, n, options) => {
    checkKey(k, "swissRoll")
    checkCount(n, "swissRoll")
    const o = checkSampleOptions(options, "swissRoll")
    const device = o.device ?? getCurrentDevice()
    return local(() => {
      const [kT, kNoise] = split(k, 2)
      const t = mul(add(mul(uniform(kT, [n], { dtype: o.dtype, device }), 2), 1), 1.5 * Math.PI)
      const curve = stack([mul(t, cos(t)), mul(t, sin(t))], 1)
      const noise = mul(normal(kNoise, [n, 2], { dtype: o.dtype, device }), SWISS_ROLL_NOISE)
      return div(add(curve, noise), SWISS_ROLL_DIVISOR)
    })
  }
}

/**
 * WGAN's parallel lines (Arjovsky, Chintala & Bottou 2017, Example 1): Z ~ U[0, 1],
 * P_θ = the law of (θ, Z) in R². P_0 and P_θ have disjoint supports for θ ≠ 0; see
 * `parallelLinesDistances`. No density (the law is singular).
 */
export const parallelLines = (theta: number): Distribution & { readonly theta: number } => {
  if (typeof theta !== "number" || !Number.isFinite(theta))
    throw new InvalidArgument({ message: `parallelLines: θ must be a finite number, got ${String(theta)}` })
  return {
    name: `parallelLines(${theta})`,
    dim: 2,
    theta,
    sample: (k, n, options) => {
      checkKey(k, "parallelLines")
      checkCount(n, "parallelLines")
      const o = checkSampleOptions(options, "parallelLines")
      const device = o.device ?? getCurrentDevice()
      return local(() =>
        stack([full([n], theta, { dtype: o.dtype, device }), uniform(k, [n], { dtype: o.dtype, device })], 1)
      )
    }
  }
}

/** Example 1's distances between P_0 and P_θ: W = |θ|, JS = log 2, KL = +∞, TV = 1 (for θ ≠ 0; all 0 at θ = 0). */
export const parallelLinesDistances = (theta: number) =>
  theta === 0
    ? { wasserstein: 0, jensenShannon: 0, kl: 0, totalVariation: 0 }
    : { wasserstein: Math.abs(theta), jensenShannon: Math.LN2, kl: Infinity, totalVariation: 1 }

/**
 * VEEGAN's high-dimensional set (Srivastava et al. 2017, §5.1): "a mixture of ten 700
 * dimensional Gaussian distributions embedded in a 1200 dimensional space", high quality
 * "within 10 standard deviations of the nearest mode". The paper gives no further constants;
 * the only published construction is PacGAN's `VEEGAN1200DPackingMixture` (fjxmlzn/PacGAN,
 * synthetic_data_experiments/PacGAN/pacgan/datasets.py), followed here: mode k ~ U{0..9}
 * with offsets m = [−1, −0.5, 0, 0.5, −2, −2.5, 10, 0.25, −13, −5.5]; a sample is
 * m_k·1₁₂₀₀ + (ε, 0), ε ~ N(0, I₇₀₀) in the first 700 coordinates and exactly m_k in the
 * last 500. Mode centres are m_k·1₁₂₀₀ and σ = 1 (PacGAN's metric replaces the zero
 * variances of the last 500 coordinates by 1, i.e. uses Euclidean distance). Caveat: a true
 * sample lies √700 ≈ 26.5σ from its centre on average, so the 10σ rule, read as Euclidean
 * distance, rejects every real sample; the centres are ≥ 0.25·√1200 ≈ 8.7 apart along the
 * diagonal, so nearest-centre assignment is still exact. No density (degenerate in 500 axes).
 */
export const VEEGAN_1200D_OFFSETS = [-1, -0.5, 0, 0.5, -2, -2.5, 10, 0.25, -13, -5.5] as const
export const veegan1200d: Distribution & { readonly modes: NonNullable<Distribution["modes"]> } = {
  name: "veegan1200d",
  dim: 1200,
  modes: {
    centres: VEEGAN_1200D_OFFSETS.map((m) => new Array<number>(1200).fill(m)),
    weights: new Array<number>(10).fill(0.1),
    stds: new Array<number>(10).fill(1),
    qualityStds: 10
  },
  sample: (k, n, options) => {
    checkKey(k, "veegan1200d")
    checkCount(n, "veegan1200d")
    const o = checkSampleOptions(options, "veegan1200d")
    const device = o.device ?? getCurrentDevice()
    return local(() => {
      const [kMode, kNoise] = split(k, 2)
      const table = tensor(VEEGAN_1200D_OFFSETS.map((m) => [m]), { dtype: o.dtype, device })
      const offsets = indexSelect(table, 0, randint(kMode, [n], 0, 10, { device }))
      const noise = concat([normal(kNoise, [n, 700], { dtype: o.dtype, device }), zeros([n, 500], { dtype: o.dtype, device })], 1)
      return add(noise, offsets)
    })
  }
}

