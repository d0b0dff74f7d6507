/**
 * Exact Wasserstein distance between two sample sets, as a number for study reports: the
 * empirical measures (uniform weights) of samples a [n, d] and b [m, d] (or [n], [m] on the
 * line), ground cost ‖x − y‖^p. On the line it sorts (O(n log n)); otherwise it solves the
 * transport problem exactly with the network simplex, in float64 and without a graph.
 */
import { wasserstein1d } from "../divergence/ot/one-d.js"
import { wassersteinExact } from "../divergence/ot/exact.js"
import { InvalidArgument, ShapeMismatch } from "../native/errors.js"
import { noGrad } from "../tensor/grad-mode.js"
import { local } from "../tensor/local.js"
import { cast, reshape } from "../tensor/ops/shape.js"
import type { Tensor } from "../tensor/tensor.js"

export interface ExactWassersteinOptions {
  /** Order p ≥ 1 (default 2). */
  readonly p?: number
  /** Refuse problems with more than this many cost cells n·m (default 10⁷: ~80 MB of costs). */
  readonly maxCells?: number
}

export const exactWasserstein = (a: Tensor, b: Tensor, options: ExactWassersteinOptions = {}): number =>
  local(() =>
    noGrad(() => {
      const p = options.p ?? 2
      const limit = options.maxCells ?? 1e7
      const oneD = (t: Tensor) => t.ndim === 1 || (t.ndim === 2 && t.shape[1] === 1)
      if (a.ndim < 1 || a.ndim > 2 || b.ndim < 1 || b.ndim > 2)
        throw new ShapeMismatch({ message: `exactWasserstein: samples must be [n, d] or [n]; got [${a.shape}] and [${b.shape}]` })
      const x = cast(a, "float64"), y = cast(b, "float64")
      if (oneD(x) && oneD(y)) return wasserstein1d(reshape(x, [-1]), reshape(y, [-1]), { p }).item()
      const cells = x.shape[0]! * y.shape[0]!
      if (cells > limit)
        throw new InvalidArgument({ message: `exactWasserstein: ${x.shape[0]}×${y.shape[0]} cost cells exceed maxCells = ${limit}; subsample or raise maxCells` })
      return wassersteinExact(x, y, { p }).value.item()
    })
  )
