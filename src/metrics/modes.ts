/**
 * Mode coverage by PacGAN's rule (Lin et al. 2018; also VEEGAN): each sample is assigned to its
 * nearest mode centre; it is "high quality" when it lies within `qualityStds` standard
 * deviations of that centre; a mode is captured when at least one high-quality sample is
 * assigned to it. Reported on 2,500 samples in the papers.
 */
import type { Modes } from "../data/distribution.js"
import { squaredDistances } from "../divergence/mmd.js"
import { InvalidArgument } from "../native/errors.js"
import { local } from "../tensor/local.js"
import { tensor } from "../tensor/ops/creation.js"
import { argmin, min } from "../tensor/ops/reduce.js"
import type { Tensor } from "../tensor/tensor.js"

export interface ModeCoverage {
  /** Modes with at least one high-quality sample. */
  readonly captured: number
  readonly modes: number
  /** The fraction of samples within qualityStds of their nearest mode. */
  readonly highQuality: number
  /** High-quality samples per mode. */
  readonly perMode: readonly number[]
}

export const modeCoverage = (samples: Tensor, modes: Modes): ModeCoverage =>
  local(() => {
    const k = modes.centres.length
    if (k === 0) throw new InvalidArgument({ message: "mode coverage needs at least one mode" })
    if (samples.ndim !== 2 || samples.shape[1] !== modes.centres[0]!.length)
      throw new InvalidArgument({ message: `samples must be [n, ${modes.centres[0]!.length}], got [${samples.shape.join(", ")}]` })
    const centres = tensor(modes.centres.map((c) => [...c]), { dtype: samples.dtype, device: samples.device })
    const d2 = squaredDistances(samples, centres)
    const nearest = argmin(d2, 1).toTypedArray() as Int32Array
    const dist2 = min(d2, 1).toTypedArray() as ArrayLike<number>
    const perMode = new Array<number>(k).fill(0)
    let good = 0
    nearest.forEach((m, i) => {
      const radius = modes.qualityStds * modes.stds[m]!
      if (dist2[i]! <= radius * radius) {
        good++
        perMode[m]!++
      }
    })
    return { captured: perMode.filter((c) => c > 0).length, modes: k, highQuality: nearest.length === 0 ? 0 : good / nearest.length, perMode }
  })
