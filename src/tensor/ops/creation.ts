/** Creating tensors: from JavaScript data, filled, ranges, identity. */
import { native, opId } from "../../native/addon.js"
import { InvalidArgument } from "../../native/errors.js"
import { type DeviceId, deviceCode } from "../device.js"
import { type DType, dtypeCode, dtypeOfArray } from "../dtype.js"
import { getCurrentDevice } from "../ownership.js"
import { asTensor, type Shape, Tensor } from "../tensor.js"

export interface CreateOptions {
  readonly dtype?: DType
  readonly device?: DeviceId
}

const FULL = opId("full")
const ARANGE = opId("arange")

const deviceOf = (o?: CreateOptions): number => deviceCode(o?.device ?? getCurrentDevice())

const arrayFor = (dtype: DType, n: number) =>
  dtype === "float32"
    ? new Float32Array(n)
    : dtype === "float64"
      ? new Float64Array(n)
      : dtype === "int32"
        ? new Int32Array(n)
        : new Uint8Array(n)

/**
 * A number as an element of `dtype`, converted as the native cast converts it: int32
 * truncates, saturates and maps NaN to 0; bool is 1 for anything but 0. (A plain typed-array
 * store would wrap int32 modulo 2^32 and truncate 0.5 to a false bool.)
 */
const elementOf = (dtype: DType): ((v: number) => number) => {
  switch (dtype) {
    case "int32":
      return (v) => (Number.isNaN(v) ? 0 : v <= -2147483648 ? -2147483648 : v >= 2147483647 ? 2147483647 : Math.trunc(v))
    case "bool":
      return (v) => (v !== 0 ? 1 : 0)
    default:
      return (v) => v
  }
}

/** data converted element by element into a typed array of dtype. */
const convertInto = (dtype: DType, data: ArrayLike<number>) => {
  const out = arrayFor(dtype, data.length)
  const convert = elementOf(dtype)
  for (let i = 0; i < data.length; i++) out[i] = convert(data[i]!)
  return out
}

/** The shape of nested arrays, checking that they are rectangular. */
const nestedShape = (data: unknown): number[] => {
  const shape: number[] = []
  let v = data
  while (Array.isArray(v)) {
    shape.push(v.length)
    v = v[0]
  }
  return shape
}

const flatten = (data: unknown, shape: Shape, out: number[], depth = 0): void => {
  if (depth === shape.length) {
    if (typeof data !== "number" && typeof data !== "boolean")
      throw new InvalidArgument({ message: `tensor data must hold numbers, found ${typeof data}` })
    out.push(Number(data))
    return
  }
  if (!Array.isArray(data) || data.length !== shape[depth])
    throw new InvalidArgument({ message: `tensor data is not rectangular (expected shape [${shape.join(", ")}])` })
  for (const x of data) flatten(x, shape, out, depth + 1)
}

/**
 * A tensor from a number, nested arrays of numbers, or a typed array (then `shape` defaults
 * to its length and dtype to the array's own). The data is copied.
 */
export const tensor = (
  data: number | boolean | readonly unknown[] | ArrayBufferView,
  options: CreateOptions & { readonly shape?: Shape } = {}
): Tensor => {
  if (ArrayBuffer.isView(data)) {
    const dtype = options.dtype ?? dtypeOfArray(data)
    if (dtype === undefined) throw new InvalidArgument({ message: "unsupported typed array; use Float32Array, Float64Array, Int32Array or Uint8Array" })
    const view = data as unknown as ArrayLike<number>
    const shape = options.shape ?? [view.length]
    const src = dtypeOfArray(data) === dtype ? data : convertInto(dtype, view)
    return Tensor.fromHandle(native.fromArray(src, shape, dtypeCode(dtype), deviceOf(options)))
  }
  const shape = nestedShape(data)
  const flat: number[] = []
  flatten(data, shape, flat)
  const dtype = options.dtype ?? "float32"
  const target = options.shape ?? shape
  return Tensor.fromHandle(native.fromArray(convertInto(dtype, flat), target, dtypeCode(dtype), deviceOf(options)))
}

export const full = (shape: Shape, value: number, options: CreateOptions = {}): Tensor =>
  Tensor.fromHandle(native.create(FULL, shape, dtypeCode(options.dtype ?? "float32"), deviceOf(options), value, 0))

export const zeros = (shape: Shape, options: CreateOptions = {}): Tensor => full(shape, 0, options)
export const ones = (shape: Shape, options: CreateOptions = {}): Tensor => full(shape, 1, options)
export const scalar = (value: number, options: CreateOptions = {}): Tensor => full([], value, options)

const like = (t: Tensor, options: CreateOptions): CreateOptions => ({ dtype: options.dtype ?? t.dtype, device: options.device ?? t.device })
export const zerosLike = (t: Tensor, options: CreateOptions = {}): Tensor => full(asTensor(t).shape, 0, like(t, options))
export const onesLike = (t: Tensor, options: CreateOptions = {}): Tensor => full(asTensor(t).shape, 1, like(t, options))
export const fullLike = (t: Tensor, value: number, options: CreateOptions = {}): Tensor =>
  full(asTensor(t).shape, value, like(t, options))

/** start, start + step, ... below stop (NumPy's arange); `arange(n)` is 0 .. n-1. */
export const arange = (start: number, stop?: number, step = 1, options: CreateOptions = {}): Tensor => {
  if (stop === undefined) [start, stop] = [0, start]
  if (!Number.isFinite(start) || !Number.isFinite(stop) || !Number.isFinite(step) || step === 0)
    throw new InvalidArgument({ message: `arange: start, stop and step must be finite, step non-zero` })
  const n = Math.max(0, Math.ceil((stop - start) / step))
  return Tensor.fromHandle(native.create(ARANGE, [n], dtypeCode(options.dtype ?? "float32"), deviceOf(options), start, step))
}

/** n evenly spaced values from start to stop inclusive. */
export const linspace = (start: number, stop: number, n: number, options: CreateOptions = {}): Tensor => {
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgument({ message: `linspace: n must be a non-negative integer, got ${n}` })
  const step = n > 1 ? (stop - start) / (n - 1) : 0
  return Tensor.fromHandle(native.create(ARANGE, [n], dtypeCode(options.dtype ?? "float32"), deviceOf(options), start, step))
}

/** The n x m identity (ones on the main diagonal). */
export const eye = (n: number, m = n, options: CreateOptions = {}): Tensor => {
  const dtype = options.dtype ?? "float32"
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 0 || m < 0)
    throw new InvalidArgument({ message: `eye: sizes must be non-negative integers, got ${n} x ${m}` })
  const data = arrayFor(dtype, n * m)
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1
  return Tensor.fromHandle(native.fromArray(data, [n, m], dtypeCode(dtype), deviceOf(options)))
}
