/** Draws built from the native kinds with tensor ops: truncated normal, Bernoulli, permutations. */
import { InvalidArgument } from "../native/errors.js"
import { type DeviceId } from "../tensor/device.js"
import { isFloating } from "../tensor/dtype.js"
import { local } from "../tensor/local.js"
import { add, lt, mul } from "../tensor/ops/elementwise.js"
import { argsort } from "../tensor/ops/indexing.js"
import { max, min } from "../tensor/ops/reduce.js"
import { cast } from "../tensor/ops/shape.js"
import { type Shape, Tensor } from "../tensor/tensor.js"
import { checkFinite, checkShape, draw, type DrawOptions, uniform } from "./draws.js"
import { checkKey, type Key } from "./key.js"

/**
 * mean + std z, where z is a standard normal conditioned on [lo, hi] (default [-2, 2]: lo and hi
 * are in standard deviations), drawn by the inverse CDF; infinite bounds are allowed.
 */
export const truncatedNormal = (
  k: Key,
  shape: Shape,
  options: DrawOptions & { readonly lo?: number; readonly hi?: number; readonly mean?: number; readonly std?: number } = {}
): Tensor => {
  const lo = options.lo ?? -2
  const hi = options.hi ?? 2
  if (typeof lo !== "number" || typeof hi !== "number" || !(lo < hi))
    throw new InvalidArgument({ message: `truncatedNormal: needs lo < hi, got [${String(lo)}, ${String(hi)}]` })
  const mean = checkFinite(options.mean ?? 0, "mean", "truncatedNormal")
  const std = checkFinite(options.std ?? 1, "std", "truncatedNormal")
  if (std < 0) throw new InvalidArgument({ message: `truncatedNormal: std must be >= 0, got ${std}` })
  const dtype = options.dtype ?? "float32"
  if (mean === 0 && std === 1) return draw("truncatedNormal", k, shape, dtype, options.device, lo, hi)
  return local(() => add(mul(draw("truncatedNormal", k, shape, dtype, options.device, lo, hi), std), mean))
}

/** Whether shape `from` broadcasts to `to` (NumPy rules, without growing `to`). */
const broadcastsTo = (from: Shape, to: Shape): boolean =>
  from.length <= to.length && from.every((d, i) => d === 1 || d === to[to.length - from.length + i])

/**
 * A bool tensor whose elements are true with probability p: a number in [0, 1] (shape default
 * []), or a floating tensor of probabilities (shape default p's shape; p must broadcast to it;
 * its values are checked to lie in [0, 1]). Element i is u_i < p_i with u_i a float64 uniform, so
 * P(true) is p rounded up to a multiple of 2^-53.
 */
export const bernoulli = (k: Key, p: number | Tensor, shape?: Shape, options: { readonly device?: DeviceId } = {}): Tensor => {
  checkKey(k, "bernoulli")
  if (typeof p === "number") {
    if (!(p >= 0 && p <= 1)) throw new InvalidArgument({ message: `bernoulli: p must lie in [0, 1], got ${p}` })
    const dims = checkShape(shape ?? [], "bernoulli")
    return local(() => lt(uniform(k, dims, { dtype: "float64", device: options.device }), p))
  }
  if (!(p instanceof Tensor)) throw new InvalidArgument({ message: `bernoulli: p must be a number or a Tensor` })
  if (!isFloating(p.dtype)) throw new InvalidArgument({ message: `bernoulli: p must be a float32 or float64 tensor, got ${p.dtype}` })
  const dims = checkShape(shape ?? p.shape, "bernoulli")
  if (!broadcastsTo(p.shape, dims))
    throw new InvalidArgument({ message: `bernoulli: p of shape [${p.shape.join(", ")}] does not broadcast to [${dims.join(", ")}]` })
  return local(() => {
    if (p.size > 0) {
      const lowest = min(p).item()
      const highest = max(p).item()
      if (!(lowest >= 0 && highest <= 1))
        throw new InvalidArgument({ message: `bernoulli: probabilities must lie in [0, 1], found [${lowest}, ${highest}]` })
    }
    const u = uniform(k, dims, { dtype: "float64", device: options.device ?? p.device })
    return lt(u, p.dtype === "float64" ? p : cast(p, "float64"))
  })
}

/**
 * A uniformly random permutation of 0 .. n-1 (int32): the argsort of n float64 uniforms. Ties
 * (probability about n^2 / 2^54) keep index order.
 */
export const permutation = (k: Key, n: number, options: { readonly device?: DeviceId } = {}): Tensor => {
  if (!Number.isSafeInteger(n) || n < 0 || n > 2147483647)
    throw new InvalidArgument({ message: `permutation: n must be an integer in [0, 2^31), got ${n}` })
  return local(() => argsort(uniform(k, [n], { dtype: "float64", device: options.device })))
}
