/**
 * What a toy distribution is: a sampler driven by an explicit key, and, where it has them,
 * its modes (for mode-coverage metrics) and a closed-form log-density (a differentiable
 * tensor op). The helpers below build the isotropic Gaussian mixtures most toy sets are.
 */
import { InvalidArgument } from "../native/errors.js"
import { randint, split, type Key } from "../random/index.js"
import { normal } from "../random/index.js"
import { checkKey } from "../random/key.js"
import type { DeviceId } from "../tensor/device.js"
import { getCurrentDevice } from "../tensor/ownership.js"
import { local } from "../tensor/local.js"
import { tensor } from "../tensor/ops/creation.js"
import { add, div, mul, square, sub } from "../tensor/ops/elementwise.js"
import { indexSelect } from "../tensor/ops/indexing.js"
import { logsumexp, sum } from "../tensor/ops/reduce.js"
import { unsqueeze } from "../tensor/ops/shape.js"
import type { Tensor } from "../tensor/tensor.js"

export interface SampleOptions {
  /** float32 (default) or float64 */
  readonly dtype?: "float32" | "float64"
  /** default: the current device */
  readonly device?: DeviceId
}

/**
 * The modes of a mixture, in the coordinates `sample` returns. PacGAN's and VEEGAN's rule: a
 * sample is "high quality" when it lies within `qualityStds` standard deviations (Euclidean
 * distance / std) of its nearest centre; a mode is "captured" when it is the nearest centre of
 * at least one high-quality sample.
 */
export interface Modes {
  /** [K][d] */
  readonly centres: readonly (readonly number[])[]
  /** [K], summing to 1 */
  readonly weights: readonly number[]
  /** [K]: the per-coordinate standard deviation of each mode */
  readonly stds: readonly number[]
  readonly qualityStds: number
}

export interface Distribution {
  readonly name: string
  /** d, the width of a sample row */
  readonly dim: number
  /** n i.i.d. draws as a tensor [n, d]; every random number comes from `key`. */
  readonly sample: (key: Key, n: number, options?: SampleOptions) => Tensor
  readonly modes?: Modes
  /** log p(x) for x [n, d] → [n] (differentiable), where the density has a closed form. */
  readonly logDensity?: (x: Tensor) => Tensor
}

/** The centres of a distribution's modes as a tensor [K, d]. */
export const modeCentres = (modes: Modes, options: SampleOptions = {}): Tensor =>
  tensor(modes.centres.map((c) => [...c]), { dtype: options.dtype ?? "float32", device: options.device ?? getCurrentDevice() })

export const checkCount = (n: unknown, where: string): number => {
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0 || n > 2147483647)
    throw new InvalidArgument({ message: `${where}: the number of samples must be an integer in [0, 2^31), got ${String(n)}` })
  return n
}

export const checkSampleOptions = (options: unknown, where: string): Required<Pick<SampleOptions, "dtype">> & SampleOptions => {
  if (options === undefined) return { dtype: "float32" }
  if (typeof options !== "object" || options === null) throw new InvalidArgument({ message: `${where}: options must be an object` })
  const o = options as SampleOptions
  const dtype = o.dtype ?? "float32"
  if (dtype !== "float32" && dtype !== "float64")
    throw new InvalidArgument({ message: `${where}: samples are float32 or float64, not ${String(dtype)}` })
  return { dtype, ...(o.device === undefined ? {} : { device: o.device }) }
}

export interface IsotropicMixture {
  readonly name: string
  /** [K][d] centres before `scale` */
  readonly centres: readonly (readonly number[])[]
  /** the per-coordinate standard deviation of the noise added to a centre, before `scale` */
  readonly std: number
  /** the sample is (centre + std·ε) / divisor (gan_toy.py's normalisation; 1 for none) */
  readonly divisor: number
  readonly qualityStds: number
}

/**
 * An equally weighted mixture of isotropic Gaussians: point = (c_k + std·ε) / divisor with
 * k ~ U{0..K-1} and ε ~ N(0, I_d). The key is split in two: the first names the mode indices
 * (randint), the second the noise (normal), so the draw is the same on every device.
 */
export const isotropicMixture = (spec: IsotropicMixture): Distribution & { readonly modes: Modes; readonly logDensity: (x: Tensor) => Tensor } => {
  const K = spec.centres.length
  const d = spec.centres[0]!.length
  const sigma = spec.std / spec.divisor
  const scaled = spec.centres.map((c) => c.map((v) => v / spec.divisor))
  const modes: Modes = {
    centres: scaled,
    weights: new Array<number>(K).fill(1 / K),
    stds: new Array<number>(K).fill(sigma),
    qualityStds: spec.qualityStds
  }
  const sample = (k: Key, n: number, options?: SampleOptions): Tensor => {
    checkKey(k, spec.name)
    checkCount(n, spec.name)
    const o = checkSampleOptions(options, spec.name)
    const device = o.device ?? getCurrentDevice()
    return local(() => {
      const [kMode, kNoise] = split(k, 2)
      const centres = tensor(spec.centres.map((c) => [...c]), { dtype: o.dtype, device })
      const which = randint(kMode, [n], 0, K, { device })
      const noise = normal(kNoise, [n, d], { dtype: o.dtype, device })
      const points = add(indexSelect(centres, 0, which), mul(noise, spec.std))
      return spec.divisor === 1 ? points : div(points, spec.divisor)
    })
  }
  // log p(x) = logsumexp_k(-|x - μ_k|² / 2σ²) - log K - (d/2) log(2πσ²)
  const constant = -Math.log(K) - (d / 2) * Math.log(2 * Math.PI * sigma * sigma)
  const logDensity = (x: Tensor): Tensor =>
    local(() => {
      if (x.ndim !== 2 || x.shape[1] !== d)
        throw new InvalidArgument({ message: `${spec.name}.logDensity: expected points [n, ${d}], got [${x.shape.join(", ")}]` })
      const centres = tensor(scaled.map((c) => [...c]), { dtype: x.dtype, device: x.device })
      const sq = sum(square(sub(unsqueeze(x, 1), unsqueeze(centres, 0))), 2)
      return add(logsumexp(mul(sq, -1 / (2 * sigma * sigma)), 1), constant)
    })
  return { name: spec.name, dim: d, sample, modes, logDensity }
}
