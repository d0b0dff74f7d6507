/**
 * 2-D convolution and transposed convolution over NCHW image batches, with PyTorch's weight
 * layouts and semantics (groups = 1). Both are the native im2col / col2im primitives plus one
 * matrix product over the whole batch, so they are differentiable to any order.
 */
import { native, opId } from "../../native/addon.js"
import { DTypeMismatch, InvalidArgument, ShapeMismatch } from "../../native/errors.js"
import { local } from "../local.js"
import { describe, handleOf, Tensor } from "../tensor.js"
import { zeros } from "./creation.js"
import { add } from "./elementwise.js"
import { matmul } from "./linalg.js"
import { concat, permute, reshape, transpose } from "./shape.js"

const IM2COL = opId("im2col")
const COL2IM = opId("col2im")

/** A size per spatial axis: one number for both, or [height, width]. */
export type Pair2d = number | readonly [number, number]

export interface Conv2dOptions {
  /** Step between kernel positions (default 1). */
  readonly stride?: Pair2d
  /** Zeros added on each side of the image (default 0). */
  readonly padding?: Pair2d
  /** Spacing between kernel taps (default 1). */
  readonly dilation?: Pair2d
}

export interface ConvTranspose2dOptions extends Conv2dOptions {
  /** Extra rows/columns on the bottom/right of the output (default 0; below stride or dilation). */
  readonly outputPadding?: Pair2d
}

/** The patch geometry of im2col / col2im. */
export interface PatchGeometry extends Conv2dOptions {
  readonly kernel: Pair2d
}

const pair = (v: Pair2d | undefined, fallback: number, min: number, what: string, op: string): [number, number] => {
  if (v === undefined) return [fallback, fallback]
  const p = typeof v === "number" ? [v, v] : v
  if (!Array.isArray(p) || p.length !== 2 || !p.every((e) => Number.isSafeInteger(e)))
    throw new InvalidArgument({ message: `${op}: ${what} must be an integer or a pair [h, w] of integers, got ${JSON.stringify(v)}` })
  if (p[0]! < min || p[1]! < min)
    throw new InvalidArgument({ message: `${op}: ${what} must be ${min === 0 ? "non-negative" : "positive"}, got [${p.join(", ")}]` })
  return [p[0]!, p[1]!]
}

interface Geometry {
  readonly kernel: [number, number]
  readonly stride: [number, number]
  readonly padding: [number, number]
  readonly dilation: [number, number]
}

const geometryOf = (kernel: Pair2d, o: Conv2dOptions, op: string): Geometry => ({
  kernel: pair(kernel, 1, 1, "kernel size", op),
  stride: pair(o.stride, 1, 1, "stride", op),
  padding: pair(o.padding, 0, 0, "padding", op),
  dilation: pair(o.dilation, 1, 1, "dilation", op)
})

/** [kh, kw, sh, sw, ph, pw, dh, dw], the order of the native ops. */
const flat = (g: Geometry): number[] => [...g.kernel, ...g.stride, ...g.padding, ...g.dilation]

/** floor((n + 2p - d(k-1) - 1) / s) + 1 along one axis. */
const convOut = (n: number, g: Geometry, axis: 0 | 1): number =>
  Math.floor((n + 2 * g.padding[axis] - g.dilation[axis] * (g.kernel[axis] - 1) - 1) / g.stride[axis]) + 1

const im2colRaw = (x: Tensor, g: Geometry): Tensor => Tensor.fromHandle(native.conv(IM2COL, handleOf(x), flat(g), undefined))
const col2imRaw = (cols: Tensor, size: readonly [number, number], g: Geometry): Tensor =>
  Tensor.fromHandle(native.conv(COL2IM, handleOf(cols), flat(g), size))

/**
 * The patches of an image batch x [N, C, H, W] as columns [N, C·kh·kw, Hout·Wout]: entry
 * (n, (c·kh + i)·kw + j, oh·Wout + ow) is x[n, c, oh·sh − ph + i·dh, ow·sw − pw + j·dw], or 0 in
 * the padding. (Stored channel-major: the result is a strided view.)
 */
export const im2col = (x: Tensor, geometry: PatchGeometry): Tensor => im2colRaw(x, patches(geometry, "im2col"))

/** The adjoint of im2col: columns back to an image batch of size [H, W], summing overlaps. */
export const col2im = (cols: Tensor, imageSize: readonly [number, number], geometry: PatchGeometry): Tensor =>
  col2imRaw(cols, imageSize, patches(geometry, "col2im"))

const patches = (g: PatchGeometry, op: string): Geometry => {
  if (typeof g !== "object" || g === null || g.kernel === undefined)
    throw new InvalidArgument({ message: `${op}: the geometry must give at least the kernel size` })
  return geometryOf(g.kernel, g, op)
}

const image = (u: unknown, what: string, op: string): Tensor => {
  if (!(u instanceof Tensor)) throw new InvalidArgument({ message: `${op}: ${what} must be a Tensor, got ${describe(u)}` })
  if (u.ndim !== 4) throw new ShapeMismatch({ message: `${op}: ${what} must be 4-D, got shape [${u.shape.join(", ")}]` })
  return u
}

const checkOperands = (x: Tensor, weight: Tensor, bias: Tensor | undefined, channels: number, op: string): void => {
  if (weight.dtype !== x.dtype)
    throw new DTypeMismatch({ message: `${op}: input is ${x.dtype} but weight is ${weight.dtype}` })
  if (bias === undefined) return
  if (!(bias instanceof Tensor)) throw new InvalidArgument({ message: `${op}: bias must be a Tensor, got ${describe(bias)}` })
  if (bias.ndim !== 1 || bias.shape[0] !== channels)
    throw new ShapeMismatch({ message: `${op}: bias must have shape [${channels}], got [${bias.shape.join(", ")}]` })
  if (bias.dtype !== x.dtype) throw new DTypeMismatch({ message: `${op}: input is ${x.dtype} but bias is ${bias.dtype}` })
}

/**
 * 2-D convolution (cross-correlation, as PyTorch's conv2d): x [N, C, H, W], weight
 * [O, C, kh, kw], optional bias [O] → [N, O, Hout, Wout] with
 * Hout = floor((H + 2·padding − dilation·(kh − 1) − 1) / stride) + 1 (likewise Wout).
 * The result may be a strided view (it is computed channel-major).
 */
export const conv2d = (x: Tensor, weight: Tensor, bias?: Tensor, options: Conv2dOptions = {}): Tensor =>
  local(() => {
    const op = "conv2d"
    image(x, "input", op)
    image(weight, "weight [O, C, kh, kw]", op)
    const [n, c, h, w] = x.shape as [number, number, number, number]
    const [o, cw, kh, kw] = weight.shape as [number, number, number, number]
    if (c !== cw) throw new ShapeMismatch({ message: `${op}: input has ${c} channels but weight [${weight.shape.join(", ")}] expects ${cw}` })
    checkOperands(x, weight, bias, o, op)
    const g = geometryOf([kh, kw], options, op)
    const hout = convOut(h, g, 0), wout = convOut(w, g, 1)
    const rows = c * kh * kw
    // im2col stores its columns as [C·kh·kw, N, L], so this reshape is a view.
    const cols = reshape(permute(im2colRaw(x, g), [1, 0, 2]), [rows, n * hout * wout])
    let out = matmul(reshape(weight, [o, rows]), cols)
    if (bias !== undefined) out = add(out, reshape(bias, [o, 1]))
    return permute(reshape(out, [o, n, hout, wout]), [1, 0, 2, 3])
  })

/**
 * 2-D transposed convolution (PyTorch's conv_transpose2d, the adjoint of conv2d with the same
 * weight and geometry): x [N, Cin, H, W], weight [Cin, Cout, kh, kw], optional bias [Cout] →
 * [N, Cout, Hout, Wout] with Hout = (H − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1.
 */
export const convTranspose2d = (x: Tensor, weight: Tensor, bias?: Tensor, options: ConvTranspose2dOptions = {}): Tensor =>
  local(() => {
    const op = "convTranspose2d"
    image(x, "input", op)
    image(weight, "weight [Cin, Cout, kh, kw]", op)
    const [n, cin, h, w] = x.shape as [number, number, number, number]
    const [cw, cout, kh, kw] = weight.shape as [number, number, number, number]
    if (cin !== cw) throw new ShapeMismatch({ message: `${op}: input has ${cin} channels but weight [${weight.shape.join(", ")}] expects ${cw}` })
    checkOperands(x, weight, bias, cout, op)
    const g = geometryOf([kh, kw], options, op)
    const extra = pair(options.outputPadding, 0, 0, "output padding", op)
    const size = ([0, 1] as const).map((a) => {
      if (extra[a] >= g.stride[a] && extra[a] >= g.dilation[a])
        throw new InvalidArgument({ message: `${op}: output padding ${extra[a]} must be smaller than the stride ${g.stride[a]} or the dilation ${g.dilation[a]}` })
      const len = ((a === 0 ? h : w) - 1) * g.stride[a] - 2 * g.padding[a] + g.dilation[a] * (g.kernel[a] - 1) + extra[a] + 1
      if (len < 1) throw new ShapeMismatch({ message: `${op}: the output would be ${len} long along ${a === 0 ? "height" : "width"}` })
      return len
    }) as [number, number]
    const rows = cout * kh * kw
    const xs = reshape(permute(x, [1, 0, 2, 3]), [cin, n * h * w])
    let cols = reshape(matmul(transpose(reshape(weight, [cin, rows])), xs), [rows, n, h, w])
    // A conv2d of the output has hc x wc positions: more than H x W only when the output
    // padding reaches the stride (allowed when the dilation is larger). Those read zeros.
    const hc = convOut(size[0], g, 0), wc = convOut(size[1], g, 1)
    const opts = { dtype: x.dtype, device: x.device }
    if (hc > h) cols = concat([cols, zeros([rows, n, hc - h, w], opts)], 2)
    if (wc > w) cols = concat([cols, zeros([rows, n, hc, wc - w], opts)], 3)
    const out = col2imRaw(permute(reshape(cols, [rows, n, hc * wc]), [1, 0, 2]), size, g)
    return bias === undefined ? out : add(out, reshape(bias, [1, cout, 1, 1]))
  })
