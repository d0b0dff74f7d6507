/** Shape ops: views where the strides allow (reshape, permute, expand, slice), else copies. */
import { native, opId } from "../../native/addon.js"
import { InvalidArgument } from "../../native/errors.js"
import { cpu, type DeviceId, deviceCode } from "../device.js"
import { type DType, dtypeCode } from "../dtype.js"
import { local } from "../local.js"
import { asTensor, handleOf, type Shape, Tensor } from "../tensor.js"

const RESHAPE = opId("reshape")
const PERMUTE = opId("permute")
const EXPAND = opId("expand")
const CONTIGUOUS = opId("contiguous")

const axisOf = (axis: number, ndim: number, op: string): number => {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim)
    throw new InvalidArgument({ message: `${op}: axis ${axis} out of range for a ${ndim}-D tensor` })
  return axis < 0 ? axis + ndim : axis
}

/** A tensor with the same elements in another shape (one entry may be -1). */
export const reshape = (x: Tensor, shape: Shape): Tensor => Tensor.fromHandle(native.reshape(RESHAPE, handleOf(x), shape))

export const permute = (x: Tensor, perm: readonly number[]): Tensor =>
  Tensor.fromHandle(native.reshape(PERMUTE, handleOf(x), perm))

/** Swaps two axes (the last two by default). */
export const transpose = (x: Tensor, a = -2, b = -1): Tensor => {
  const n = asTensor(x, "transpose: argument").ndim
  const perm = Array.from({ length: n }, (_, i) => i)
  const i = axisOf(a, n, "transpose"), j = axisOf(b, n, "transpose")
  perm[i] = j
  perm[j] = i
  return permute(x, perm)
}

/** Broadcasts size-1 (or missing leading) dimensions to `shape` without copying; -1 keeps one. */
export const expand = (x: Tensor, shape: Shape): Tensor => Tensor.fromHandle(native.reshape(EXPAND, handleOf(x), shape))
export const broadcastTo = expand

export const contiguous = (x: Tensor): Tensor => Tensor.fromHandle(native.unary(CONTIGUOUS, handleOf(x)))

export const cast = (x: Tensor, dtype: DType): Tensor => Tensor.fromHandle(native.cast(handleOf(x), dtypeCode(dtype)))

/**
 * A copy of x on `device` (x itself stays where it is); differentiable: the gradient goes back
 * to x's device. On x's own device it is a view of x.
 */
export const toDevice = (x: Tensor, device: DeviceId): Tensor =>
  Tensor.fromHandle(native.toDevice(handleOf(x), deviceCode(device)))

/** A copy of x in CPU memory (see toDevice). */
export const toCpu = (x: Tensor): Tensor => toDevice(x, cpu)

/** Elements start, start + step, ... below stop along one axis (Python slice rules; a view). */
export const slice = (x: Tensor, axis: number, start: number, stop = Number.MAX_SAFE_INTEGER, step = 1): Tensor =>
  Tensor.fromHandle(native.slice(handleOf(x), axis, start, stop, step))

export const unsqueeze = (x: Tensor, axis: number): Tensor => {
  const shape = [...asTensor(x, "unsqueeze: argument").shape]
  shape.splice(axisOf(axis, shape.length + 1, "unsqueeze"), 0, 1)
  return reshape(x, shape)
}

/** Removes size-1 axes: the given one, or all. */
export const squeeze = (x: Tensor, axis?: number): Tensor => {
  const shape = asTensor(x, "squeeze: argument").shape
  if (axis === undefined) return reshape(x, shape.filter((d) => d !== 1))
  const a = axisOf(axis, shape.length, "squeeze")
  if (shape[a] !== 1) throw new InvalidArgument({ message: `squeeze: axis ${axis} has size ${shape[a]}, not 1` })
  return reshape(x, shape.filter((_, i) => i !== a))
}

/** Merges axes start..end (inclusive) into one. */
export const flatten = (x: Tensor, start = 0, end = -1): Tensor => {
  const shape = asTensor(x, "flatten: argument").shape
  if (shape.length === 0) return reshape(x, [1])
  const s = axisOf(start, shape.length, "flatten"), e = axisOf(end, shape.length, "flatten")
  if (s > e) throw new InvalidArgument({ message: `flatten: start axis ${start} comes after end axis ${end}` })
  const merged = shape.slice(s, e + 1).reduce((a, b) => a * b, 1)
  return reshape(x, [...shape.slice(0, s), merged, ...shape.slice(e + 1)])
}

export const concat = (xs: readonly Tensor[], axis = 0): Tensor => {
  if (!Array.isArray(xs)) throw new InvalidArgument({ message: "concat: expects an array of tensors" })
  return Tensor.fromHandle(native.concat(xs.map((x, i) => handleOf(x, `tensor ${i}`)), axis))
}

/** Joins tensors of one shape along a new axis. */
export const stack = (xs: readonly Tensor[], axis = 0): Tensor =>
  local(() => {
    if (!Array.isArray(xs) || xs.length === 0) throw new InvalidArgument({ message: "stack: needs at least one tensor" })
    xs.forEach((x, i) => asTensor(x, `stack: tensor ${i}`))
    return concat(xs.map((x) => unsqueeze(x, axis < 0 ? axis + xs[0]!.ndim + 1 : axis)), axis < 0 ? axis + xs[0]!.ndim + 1 : axis)
  })

/** Splits along an axis into pieces of the given sizes, which must add up to its length (views). */
export const split = (x: Tensor, sizes: readonly number[], axis = 0): Tensor[] => {
  const length = asTensor(x, "split: argument").shape[axisOf(axis, x.ndim, "split")]!
  if (!Array.isArray(sizes) || sizes.some((n) => !Number.isInteger(n) || n < 0))
    throw new InvalidArgument({ message: `split: sizes must be non-negative integers, got ${JSON.stringify(sizes)}` })
  const total = sizes.reduce((a, b) => a + b, 0)
  if (total !== length)
    throw new InvalidArgument({ message: `split: sizes [${sizes.join(", ")}] add up to ${total}, but axis ${axis} has length ${length}` })
  let at = 0
  return sizes.map((n) => {
    const piece = slice(x, axis, at, at + n)
    at += n
    return piece
  })
}
