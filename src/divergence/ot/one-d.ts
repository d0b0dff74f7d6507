/**
 * Exact Wasserstein distances on the line. In 1-D the optimal coupling is monotone, so
 * W_p^p(μ, ν) = ∫₀¹ |F⁻¹(t) − G⁻¹(t)|^p dt with F⁻¹, G⁻¹ the quantile functions. For two
 * samples of the same size with uniform weights this is the mean of |x_(i) − y_(i)|^p over the
 * sorted samples; with different sizes the two step quantile functions are merged by rank (the
 * pieces depend on the sizes only), and with weights by the sorted cumulative weights.
 *
 * Differentiable in the sample positions: sorting is a gather of the argsort indices (the
 * indices themselves are piecewise constant), so the gradient of W_p^p flows to each point
 * through the partner the sort assigns it. Weights are treated as constants.
 */
import { InvalidArgument, ShapeMismatch } from "../../native/errors.js"
import { local } from "../../tensor/local.js"
import { tensor } from "../../tensor/ops/creation.js"
import { abs, mul, powScalar, sub } from "../../tensor/ops/elementwise.js"
import { argsort, indexSelect, sort } from "../../tensor/ops/indexing.js"
import { mean, sum } from "../../tensor/ops/reduce.js"
import { isTensor, type Tensor } from "../../tensor/tensor.js"

export type Weights = Tensor | ArrayLike<number>

export interface OneDOptions {
  /** Order p ≥ 1 (default 1). */
  readonly p?: number
  /** Weights of x's points (default uniform); normalised to total mass 1. Only for 1-D x, y. */
  readonly weightsX?: Weights
  /** Weights of y's points (default uniform); normalised to total mass 1. Only for 1-D x, y. */
  readonly weightsY?: Weights
}

const order = (p: number | undefined): number => {
  const q = p ?? 1
  if (!(q >= 1) || !Number.isFinite(q)) throw new InvalidArgument({ message: `wasserstein1d: p must be a finite number ≥ 1, got ${q}` })
  return q
}

const costOf = (d: Tensor, p: number): Tensor => (p === 1 ? abs(d) : p === 2 ? mul(d, d) : powScalar(abs(d), p))

/** Cumulative normalised weights (the last one exactly 1), in the order `idx`. */
const cumulative = (w: Weights | undefined, n: number, idx: Int32Array, what: string): Float64Array => {
  const raw = w === undefined ? new Float64Array(n).fill(1) : isTensor(w) ? Float64Array.from(w.toTypedArray()) : Float64Array.from(w)
  if (raw.length !== n) throw new ShapeMismatch({ message: `wasserstein1d: ${what} has ${raw.length} weights for ${n} points` })
  let total = 0
  for (let i = 0; i < n; i++) {
    const v = raw[i]!
    if (!(v >= 0) || !Number.isFinite(v)) throw new InvalidArgument({ message: `wasserstein1d: ${what}[${i}] = ${v}; weights must be finite and non-negative` })
    total += v
  }
  if (!(total > 0)) throw new InvalidArgument({ message: `wasserstein1d: ${what} has zero total mass` })
  const out = new Float64Array(n)
  let acc = 0
  for (let k = 0; k < n; k++) out[k] = (acc += raw[idx[k]!]! / total)
  out[n - 1] = 1
  return out
}

/**
 * The merged quantile steps: pieces (i_k, j_k, ℓ_k) on which F⁻¹ = x_{i_k}, G⁻¹ = y_{j_k}, of
 * length ℓ_k. Exported for tests and for callers that need the monotone coupling itself.
 */
export const quantileCoupling = (
  x: Tensor, y: Tensor, weightsX?: Weights, weightsY?: Weights
): { readonly i: Int32Array; readonly j: Int32Array; readonly mass: Float64Array } =>
  local(() => {
    const ix = argsort(x).toTypedArray() as Int32Array, iy = argsort(y).toTypedArray() as Int32Array
    const n = ix.length, m = iy.length
    const ca = cumulative(weightsX, n, ix, "weightsX"), cb = cumulative(weightsY, m, iy, "weightsY")
    const I: number[] = [], J: number[] = [], L: number[] = []
    let a = 0, b = 0, t = 0
    while (a < n && b < m) {
      const next = Math.min(ca[a]!, cb[b]!)
      if (next > t) {
        I.push(ix[a]!)
        J.push(iy[b]!)
        L.push(next - t)
        t = next
      }
      if (ca[a]! <= next) a++
      if (cb[b]! <= next) b++
    }
    return { i: Int32Array.from(I), j: Int32Array.from(J), mass: Float64Array.from(L) }
  })

/**
 * The quantile coupling of two uniform measures on n and m points, by rank: piece k pairs the
 * i_k-th smallest x with the j_k-th smallest y over a length ℓ_k. It depends on n and m only
 * (breakpoints (i + 1)/n and (j + 1)/m are compared in integers, so ties are exact).
 */
export const rankCoupling = (n: number, m: number): { readonly i: Int32Array; readonly j: Int32Array; readonly mass: Float64Array } => {
  const I: number[] = [], J: number[] = [], L: number[] = []
  let a = 0, b = 0, t = 0
  while (a < n && b < m) {
    const ea = (a + 1) * m, eb = (b + 1) * n, next = Math.min(ea, eb)
    I.push(a)
    J.push(b)
    L.push((next - t) / (n * m))
    t = next
    if (ea === next) a++
    if (eb === next) b++
  }
  return { i: Int32Array.from(I), j: Int32Array.from(J), mass: Float64Array.from(L) }
}

const uniform = (o: OneDOptions): boolean => o.weightsX === undefined && o.weightsY === undefined

/**
 * W_p^p between the empirical measures of x and y (no p-th root): what sliced Wasserstein
 * averages. x [n] and y [m] give a scalar; x [n, k] and y [m, k] (uniform weights) give [k],
 * one 1-D problem per column.
 */
export const wassersteinPow1d = (x: Tensor, y: Tensor, options: OneDOptions = {}): Tensor =>
  local(() => {
    const p = order(options.p)
    if (!isTensor(x) || !isTensor(y)) throw new InvalidArgument({ message: "wasserstein1d: x and y must be tensors" })
    const batched = x.ndim === 2 || y.ndim === 2
    if (batched) {
      if (x.ndim !== 2 || y.ndim !== 2 || x.shape[1] !== y.shape[1] || !uniform(options))
        throw new ShapeMismatch({
          message: `wasserstein1d: column-wise problems need x [n, k], y [m, k] and uniform weights; got [${x.shape}] and [${y.shape}]`
        })
    } else if (x.ndim !== 1 || y.ndim !== 1) {
      throw new ShapeMismatch({ message: `wasserstein1d: x and y must be [n] and [m] (or [n, k], [m, k] column-wise); got [${x.shape}] and [${y.shape}]` })
    }
    const n = x.shape[0]!, m = y.shape[0]!
    if (n === 0 || m === 0) throw new ShapeMismatch({ message: "wasserstein1d: empty sample" })
    if (uniform(options)) {
      const sx = sort(x, 0), sy = sort(y, 0)
      if (n === m) return mean(costOf(sub(sx, sy), p), 0)
      const { i, j, mass } = rankCoupling(n, m)
      const d = sub(indexSelect(sx, 0, tensor(i, { device: x.device })), indexSelect(sy, 0, tensor(j, { device: y.device })))
      const w = tensor(mass, { dtype: x.dtype, device: x.device, shape: batched ? [mass.length, 1] : [mass.length] })
      return sum(mul(costOf(d, p), w), 0)
    }
    const { i, j, mass } = quantileCoupling(x, y, options.weightsX, options.weightsY)
    const d = sub(indexSelect(x, 0, tensor(i, { device: x.device })), indexSelect(y, 0, tensor(j, { device: y.device })))
    return sum(mul(costOf(d, p), tensor(mass, { dtype: x.dtype, device: x.device })))
  })

/** W_p = (W_p^p)^(1/p) between the empirical measures of x and y (see wassersteinPow1d). */
export const wasserstein1d = (x: Tensor, y: Tensor, options: OneDOptions = {}): Tensor =>
  local(() => {
    const p = order(options.p)
    const w = wassersteinPow1d(x, y, options)
    return p === 1 ? w : powScalar(w, 1 / p)
  })
