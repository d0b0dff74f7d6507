/**
 * Draws: tensors filled from a key by the native Philox kernels (native/kernels/philox.h).
 * Element i of a draw depends only on (key, i), so a draw is the same on every device and for
 * any thread count. Draws are never recorded by autograd.
 */
import { native, opId } from "../native/addon.js"
import { InvalidArgument } from "../native/errors.js"
import { type DeviceId, deviceCode } from "../tensor/device.js"
import { type DType, dtypeCode } from "../tensor/dtype.js"
import { getCurrentDevice } from "../tensor/ownership.js"
import { type Shape, Tensor } from "../tensor/tensor.js"
import { checkKey, type Key } from "./key.js"

export interface DrawOptions {
  /** float32 (default) or float64 */
  readonly dtype?: DType
  /** default: the current device */
  readonly device?: DeviceId
}

const OPS = {
  bits: opId("random_bits"),
  uniform: opId("random_uniform"),
  normal: opId("random_normal"),
  truncatedNormal: opId("random_truncated_normal"),
  randint: opId("random_randint")
} as const

/** The shape argument: at most 8 non-negative integers. */
export const checkShape = (shape: unknown, where: string): Shape => {
  if (
    !Array.isArray(shape) ||
    shape.length > 8 ||
    !shape.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0)
  )
    throw new InvalidArgument({ message: `${where}: the shape must be an array of at most 8 non-negative integers, got ${JSON.stringify(shape)}` })
  return shape as Shape
}

export const checkFinite = (x: unknown, what: string, where: string): number => {
  if (typeof x !== "number" || !Number.isFinite(x)) throw new InvalidArgument({ message: `${where}: ${what} must be a finite number, got ${String(x)}` })
  return x
}

/** Runs one native draw kind. */
export const draw = (
  kind: keyof typeof OPS,
  k: Key,
  shape: Shape,
  dtype: DType,
  device: DeviceId | undefined,
  p0: number,
  p1: number
): Tensor => {
  const key = checkKey(k, kind)
  const dims = checkShape(shape, kind)
  return Tensor.fromHandle(
    native.random(OPS[kind], dims, dtypeCode(dtype), deviceCode(device ?? getCurrentDevice()), key.k0, key.k1, p0, p1)
  )
}

/** The raw Philox words as int32 (two's complement): element i is word i%4 of block i/4. */
export const bits = (k: Key, shape: Shape, options: { readonly device?: DeviceId } = {}): Tensor =>
  draw("bits", k, shape, "int32", options.device, 0, 0)

/** Uniform on [lo, hi) (default [0, 1)). float32 uses 24 random bits, float64 53. */
export const uniform = (
  k: Key,
  shape: Shape,
  options: DrawOptions & { readonly lo?: number; readonly hi?: number } = {}
): Tensor => {
  const lo = checkFinite(options.lo ?? 0, "lo", "uniform")
  const hi = checkFinite(options.hi ?? 1, "hi", "uniform")
  if (!(lo < hi)) throw new InvalidArgument({ message: `uniform: needs lo < hi, got [${lo}, ${hi})` })
  return draw("uniform", k, shape, options.dtype ?? "float32", options.device, lo, hi)
}

/** Normal with the given mean (default 0) and standard deviation (default 1), by Box–Muller. */
export const normal = (
  k: Key,
  shape: Shape,
  options: DrawOptions & { readonly mean?: number; readonly std?: number } = {}
): Tensor => {
  const mean = checkFinite(options.mean ?? 0, "mean", "normal")
  const std = checkFinite(options.std ?? 1, "std", "normal")
  if (std < 0) throw new InvalidArgument({ message: `normal: std must be >= 0, got ${std}` })
  return draw("normal", k, shape, options.dtype ?? "float32", options.device, mean, std)
}

/** Uniform int32 integers in [lo, hi), -2^31 <= lo < hi <= 2^31. */
export const randint = (k: Key, shape: Shape, lo: number, hi: number, options: { readonly device?: DeviceId } = {}): Tensor => {
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < -2147483648 || hi > 2147483648 || !(lo < hi))
    throw new InvalidArgument({ message: `randint: needs integers -2^31 <= lo < hi <= 2^31, got [${lo}, ${hi})` })
  return draw("randint", k, shape, "int32", options.device, lo, hi)
}
