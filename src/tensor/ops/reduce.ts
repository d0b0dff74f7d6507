/**
 * Reductions over axes (a number, a list, or all when omitted), keeping reduced axes as
 * size-1 dimensions on request. Results repeat bit for bit (fixed summation order).
 */
import { native, opId } from "../../native/addon.js"
import { InvalidArgument } from "../../native/errors.js"
import { local } from "../local.js"
import { asTensor, handleOf, Tensor } from "../tensor.js"
import { mul, square, sub } from "./elementwise.js"

export type Axes = number | readonly number[] | undefined

/** The reduced axes as a bit set (-1: all). */
export const axesMask = (axes: Axes, ndim: number): number => {
  if (axes === undefined) return -1
  if (typeof axes !== "number" && !Array.isArray(axes))
    throw new InvalidArgument({ message: `axes must be a number, an array of numbers or undefined, got ${typeof axes}` })
  let mask = 0
  for (const a of typeof axes === "number" ? [axes] : axes) {
    if (!Number.isInteger(a) || a < -ndim || a >= ndim)
      throw new InvalidArgument({ message: `axis ${a} out of range for a ${ndim}-D tensor` })
    mask |= 1 << (a < 0 ? a + ndim : a)
  }
  return mask
}

/** How many elements each output of a reduction combines. */
export const reducedCount = (shape: readonly number[], axes: Axes): number => {
  const mask = axesMask(axes, shape.length)
  return shape.reduce((n, d, i) => (mask === -1 || mask & (1 << i) ? n * d : n), 1)
}

const reduction = (name: string) => {
  const id = opId(name)
  return (x: Tensor, axes?: Axes, keepdims = false): Tensor => {
    const h = handleOf(x)
    return Tensor.fromHandle(native.reduce(id, h, axes === undefined ? -1 : axesMask(axes, x.ndim), keepdims === true))
  }
}

export const sum = reduction("sum")
/** Maximum (NaN if any element is NaN); the gradient is shared among ties. */
export const max = reduction("amax")
export const min = reduction("amin")
/** Index of the first maximum, flattened over the reduced axes (int32). */
export const argmax = reduction("argmax")
export const argmin = reduction("argmin")
/** log(sum(exp(x))), computed stably (shifted by the maximum). */
export const logsumexp = reduction("logsumexp")

export const mean = (x: Tensor, axes?: Axes, keepdims = false): Tensor =>
  local(() => mul(sum(x, axes, keepdims), 1 / reducedCount(asTensor(x, "mean: argument").shape, axes)))

/** Variance with `correction` subtracted from the count (0: population, 1: sample). */
export const variance = (x: Tensor, axes?: Axes, keepdims = false, correction = 0): Tensor =>
  local(() => {
    const centred = sub(asTensor(x, "variance: argument"), mean(x, axes, true))
    return mul(sum(square(centred), axes, keepdims), 1 / (reducedCount(x.shape, axes) - correction))
  })
