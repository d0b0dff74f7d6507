/**
 * conv2d and convTranspose2d against direct float64 references (test/support/conv-reference.ts),
 * their adjointness, gradients to second order, typed errors and thread-count determinism.
 *
 * Tolerances. The inputs are rounded to float32 before both computations, so only summation
 * error separates the result from the float64 reference: per element at most
 * K·u·Σ|terms| (the classical bound for a sum of K terms, u = 2^-24), with K the number of
 * products (C·kh·kw) plus the bias and col2im additions. float64: 1e-12·Σ|terms|.
 */
import { describe, expect, it } from "@effect/vitest"
import { checkGrad, valueAndGrad } from "../../src/autodiff/index.js"
import { native, opId } from "../../src/native/addon.js"
import * as T from "../../src/tensor/index.js"
import { conv2dRef, convTranspose2dRef, type Dims4, type P2, type RefResult } from "../support/conv-reference.js"
import { prng, uniformTensor as U } from "../support/random.js"

const data = (n: number, seed: number): Float64Array => {
  const next = prng(seed)
  return Float64Array.from({ length: n }, () => Math.fround(next() * 2 - 1))
}
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1)
const p2 = (v: number | P2): P2 => (typeof v === "number" ? [v, v] : v)

interface Case {
  readonly name: string
  readonly x: Dims4
  readonly w: Dims4
  readonly bias: boolean
  readonly stride?: number | P2
  readonly padding?: number | P2
  readonly dilation?: number | P2
  readonly outputPadding?: number | P2
}

const expectClose = (got: T.Tensor, ref: RefResult, dtype: T.DType, terms: number) => {
  expect(got.shape).toEqual(ref.shape)
  const values = got.toTypedArray()
  const scale = dtype === "float32" ? terms * 2 ** -24 : 1e-12
  let worst = 0
  for (let k = 0; k < ref.values.length; k++) {
    const err = Math.abs(values[k]! - ref.values[k]!)
    worst = Math.max(worst, err / (scale * ref.absSum[k]! + Number.MIN_VALUE))
  }
  expect(worst, `worst error / bound`).toBeLessThanOrEqual(1)
}

const run = (c: Case, dtype: T.DType, transposed: boolean) =>
  T.local(() => {
    const xd = data(size(c.x), 1), wd = data(size(c.w), 2)
    const outChannels = transposed ? c.w[1] : c.w[0]
    const bd = c.bias ? data(outChannels, 3) : undefined
    const x = T.tensor(xd, { shape: c.x, dtype }), w = T.tensor(wd, { shape: c.w, dtype })
    const b = bd ? T.tensor(bd, { dtype }) : undefined
    const g = { stride: p2(c.stride ?? 1), padding: p2(c.padding ?? 0), dilation: p2(c.dilation ?? 1) }
    const options = { stride: c.stride, padding: c.padding, dilation: c.dilation }
    const terms = (transposed ? c.w[0] : c.w[1]) * c.w[2] * c.w[3] + 2
    if (transposed) {
      const outputPadding = p2(c.outputPadding ?? 0)
      const got = T.convTranspose2d(x, w, b, { ...options, outputPadding: c.outputPadding })
      expectClose(got, convTranspose2dRef(xd, c.x, wd, c.w, bd, { ...g, outputPadding }), dtype, terms)
    } else {
      expectClose(T.conv2d(x, w, b, options), conv2dRef(xd, c.x, wd, c.w, bd, g), dtype, terms)
    }
  })

const convCases: Case[] = [
  { name: "3x3, stride 1, no padding", x: [2, 3, 7, 6], w: [4, 3, 3, 3], bias: true },
  { name: "non-square kernel, stride 2, padding 1", x: [2, 2, 9, 8], w: [3, 2, 3, 2], bias: false, stride: 2, padding: 1 },
  { name: "padding 3, dilation 2, stride [1, 2]", x: [3, 2, 6, 11], w: [2, 2, 2, 3], bias: true, stride: [1, 2], padding: 3, dilation: 2 },
  { name: "mixed per-axis geometry", x: [1, 2, 10, 5], w: [3, 2, 4, 3], bias: true, stride: [2, 1], padding: [0, 3], dilation: [1, 2] },
  { name: "1x1 kernel", x: [2, 5, 3, 4], w: [3, 5, 1, 1], bias: true },
  { name: "kernel spans the padded image", x: [2, 2, 3, 2], w: [2, 2, 5, 4], bias: true, padding: 1 },
  { name: "W4 D layer 1 (batch 64)", x: [64, 1, 28, 28], w: [64, 1, 4, 4], bias: false, stride: 2, padding: 1 },
  { name: "W4 D layer 2 (batch 2)", x: [2, 64, 14, 14], w: [128, 64, 4, 4], bias: false, stride: 2, padding: 1 },
  { name: "W4 D layer 3 (batch 64)", x: [64, 128, 7, 7], w: [1, 128, 7, 7], bias: false }
]

const transposedCases: Case[] = [
  { name: "3x3, stride 1, no padding", x: [2, 3, 4, 5], w: [3, 2, 3, 3], bias: true },
  { name: "stride 2, padding 1, output padding 1", x: [2, 2, 4, 3], w: [2, 3, 3, 2], bias: true, stride: 2, padding: 1, outputPadding: 1 },
  { name: "dilation 2, per-axis geometry", x: [1, 2, 3, 4], w: [2, 2, 3, 2], bias: false, stride: [2, 1], padding: [1, 2], dilation: 2, outputPadding: [1, 0] },
  { name: "output padding above the stride (dilation 3)", x: [2, 2, 3, 3], w: [2, 2, 2, 2], bias: true, stride: 1, dilation: 3, outputPadding: [2, 1] },
  { name: "W4 G layer 1 (batch 64)", x: [64, 64, 1, 1], w: [64, 128, 7, 7], bias: false },
  { name: "W4 G layer 2 (batch 4)", x: [4, 128, 7, 7], w: [128, 64, 4, 4], bias: false, stride: 2, padding: 1 },
  { name: "W4 G layer 3 (batch 64)", x: [64, 64, 14, 14], w: [64, 1, 4, 4], bias: false, stride: 2, padding: 1 }
]

describe("conv2d against a direct float64 reference", () => {
  for (const c of convCases)
    for (const dtype of ["float32", "float64"] as const) it(`${c.name} (${dtype})`, () => run(c, dtype, false))
})

describe("convTranspose2d against a direct float64 reference", () => {
  for (const c of transposedCases)
    for (const dtype of ["float32", "float64"] as const) it(`${c.name} (${dtype})`, () => run(c, dtype, true))
})

describe("im2col and col2im", () => {
  it("im2col reads the patches, zero in the padding", () =>
    T.local(() => {
      const x = T.tensor(Float64Array.from({ length: 12 }, (_, i) => i + 1), { shape: [1, 1, 3, 4], dtype: "float64" })
      const cols = T.im2col(x, { kernel: [2, 2], stride: 2, padding: 1 })
      // Output positions 2x3; tap (i, j) reads pixel (2·oy − 1 + i, 2·ox − 1 + j) = 4·row + col + 1.
      const expected: number[] = []
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++)
          for (let oy = 0; oy < 2; oy++)
            for (let ox = 0; ox < 3; ox++) {
              const r = 2 * oy - 1 + i, c = 2 * ox - 1 + j
              expected.push(r < 0 || r >= 3 || c < 0 || c >= 4 ? 0 : 4 * r + c + 1)
            }
      expect(cols.shape).toEqual([1, 4, 6])
      expect(Array.from(cols.toTypedArray())).toEqual(expected)
    }))

  it("col2im is the adjoint of im2col: <im2col(x), c> = <x, col2im(c)>", () =>
    T.local(() => {
      const geometry = { kernel: [3, 2] as const, stride: [2, 1] as const, padding: [1, 2] as const, dilation: [1, 2] as const }
      const x = U([2, 3, 7, 5], -1, 1, 11)
      const cols = T.im2col(x, geometry)
      const c = U(cols.shape, -1, 1, 12)
      const lhs = T.sum(T.mul(cols, c)).item(), rhs = T.sum(T.mul(x, T.col2im(c, [7, 5], geometry))).item()
      expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-12 * T.sum(T.abs(T.mul(cols, c))).item())
    }))
})

describe("convTranspose2d is the adjoint of conv2d", () => {
  const geometries = [
    { x: [2, 3, 8, 7], w: [4, 3, 3, 3], stride: 1, padding: 0, dilation: 1 },
    { x: [2, 2, 9, 8], w: [3, 2, 4, 3], stride: 2, padding: 1, dilation: 1 },
    { x: [1, 2, 11, 6], w: [2, 2, 3, 2], stride: [3, 2], padding: [2, 1], dilation: [2, 1] },
    { x: [3, 1, 28, 28], w: [4, 1, 4, 4], stride: 2, padding: 1, dilation: 1 }
  ] as const
  for (const [k, g] of geometries.entries())
    it(`<conv2d(x), y> = <x, convTranspose2d(y)> (geometry ${k})`, () =>
      T.local(() => {
        const x = U(g.x, -1, 1, 20 + k), w = U(g.w, -1, 1, 30 + k)
        const options = { stride: g.stride, padding: g.padding, dilation: g.dilation }
        const cx = T.conv2d(x, w, undefined, options)
        const y = U(cx.shape, -1, 1, 40 + k)
        // The output padding that recovers x's size: the rows the strided conv2d skipped.
        const s = p2(g.stride), p = p2(g.padding), d = p2(g.dilation)
        const outputPadding = [0, 1].map((a) => (g.x[2 + a]! + 2 * p[a]! - d[a]! * (g.w[2 + a]! - 1) - 1) % s[a]!) as [number, number]
        const ty = T.convTranspose2d(y, w, undefined, { ...options, outputPadding })
        expect(ty.shape).toEqual(g.x)
        const lhs = T.sum(T.mul(cx, y)).item(), rhs = T.sum(T.mul(x, ty)).item()
        expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-12 * T.sum(T.abs(T.mul(cx, y))).item())
      }))
})

describe("gradients (checkGrad, float64)", () => {
  const tol = { atol: 1e-7, rtol: 1e-6 }
  const gradCases = [
    { name: "conv2d", f: (x: T.Tensor, w: T.Tensor, b: T.Tensor) => T.conv2d(x, w, b, { stride: [2, 1], padding: [1, 0], dilation: [1, 2] }), shapes: [[2, 2, 5, 4], [3, 2, 3, 2], [3]] },
    { name: "convTranspose2d", f: (x: T.Tensor, w: T.Tensor, b: T.Tensor) => T.convTranspose2d(x, w, b, { stride: 2, padding: [1, 0], outputPadding: [1, 0] }), shapes: [[2, 3, 3, 2], [3, 2, 2, 3], [2]] },
    { name: "convTranspose2d, output padding above the stride", f: (x: T.Tensor, w: T.Tensor, b: T.Tensor) => T.convTranspose2d(x, w, b, { dilation: 2, outputPadding: 1 }), shapes: [[1, 2, 3, 2], [2, 2, 2, 2], [2]] },
    { name: "conv2d, one output position reaching into the padding", f: (x: T.Tensor, w: T.Tensor, b: T.Tensor) => T.conv2d(x, w, b, { padding: 1 }), shapes: [[2, 2, 3, 2], [2, 2, 5, 4], [2]] },
    // A nonlinearity between two convolutions makes the second derivative non-trivial.
    { name: "conv2d . tanh . convTranspose2d", f: (x: T.Tensor, w: T.Tensor, b: T.Tensor) => T.convTranspose2d(T.tanh(T.conv2d(x, w, undefined, { stride: 2, padding: 1 })), w, b, { stride: 2, padding: 1, outputPadding: 1 }), shapes: [[1, 2, 4, 4], [3, 2, 3, 3], [2]] }
  ]
  for (const c of gradCases)
    for (const order of [1, 2] as const)
      it(`${c.name} (order ${order})`, () =>
        T.local(() => {
          const report = checkGrad(c.f as (...xs: T.Tensor[]) => T.Tensor, c.shapes.map((s, i) => U(s, -1, 1, 50 + i)), { order, ...tol })
          expect(report.worstRatio, JSON.stringify(report)).toBeLessThanOrEqual(1)
        }))
})

describe("typed errors", () => {
  const x = () => T.zeros([2, 3, 8, 8])
  const w = () => T.zeros([4, 3, 3, 3])
  const refuses = (f: () => unknown, error: new (...args: never[]) => unknown, message: RegExp) =>
    T.local(() => {
      expect(f).toThrow(error)
      expect(f).toThrow(message)
    })

  it("bad geometry", () => {
    refuses(() => T.conv2d(x(), w(), undefined, { stride: 0 }), T.InvalidArgument, /stride must be positive/)
    refuses(() => T.conv2d(x(), w(), undefined, { padding: -1 }), T.InvalidArgument, /padding must be non-negative/)
    refuses(() => T.conv2d(x(), w(), undefined, { dilation: [1, 0] }), T.InvalidArgument, /dilation must be positive/)
    refuses(() => T.conv2d(x(), w(), undefined, { stride: 1.5 }), T.InvalidArgument, /stride must be an integer/)
    refuses(() => T.conv2d(x(), T.zeros([4, 3, 9, 3])), T.ShapeMismatch, /does not fit/)
    refuses(() => T.conv2d(x(), w(), undefined, { dilation: 5 }), T.ShapeMismatch, /does not fit/)
    refuses(() => T.convTranspose2d(x(), T.zeros([3, 2, 3, 3]), undefined, { stride: 2, outputPadding: 2 }), T.InvalidArgument, /output padding 2/)
    refuses(() => T.convTranspose2d(T.zeros([1, 3, 1, 1]), T.zeros([3, 2, 1, 1]), undefined, { padding: 1 }), T.ShapeMismatch, /output would be -1/)
  })

  it("bad operands: rank, channels, bias, dtype", () => {
    refuses(() => T.conv2d(T.zeros([3, 8, 8]), w()), T.ShapeMismatch, /input must be 4-D/)
    refuses(() => T.conv2d(x(), T.zeros([4, 3, 3])), T.ShapeMismatch, /weight .* must be 4-D/)
    refuses(() => T.conv2d(x(), T.zeros([4, 2, 3, 3])), T.ShapeMismatch, /input has 3 channels/)
    refuses(() => T.convTranspose2d(x(), T.zeros([4, 3, 3, 3])), T.ShapeMismatch, /input has 3 channels/)
    refuses(() => T.conv2d(x(), w(), T.zeros([3])), T.ShapeMismatch, /bias must have shape \[4\]/)
    refuses(() => T.conv2d(x(), T.zeros([4, 3, 3, 3], { dtype: "float64" })), T.DTypeMismatch, /weight is float64/)
    refuses(() => T.conv2d(T.zeros([1, 1, 3, 3], { dtype: "int32" }), T.zeros([1, 1, 2, 2], { dtype: "int32" })), T.DTypeMismatch, /float32 or float64/)
    refuses(() => T.conv2d("x" as unknown as T.Tensor, w()), T.InvalidArgument, /input must be a Tensor/)
  })

  it("the native rows validate every argument themselves", () => {
    const IM2COL = opId("im2col"), COL2IM = opId("col2im")
    const raw = (op: number, t: T.Tensor, geometry: number[], hw?: number[]) => () => native.conv(op, t.handle, geometry, hw)
    const g = [3, 3, 1, 1, 0, 0, 1, 1]
    T.local(() => {
      const img = x(), cols = T.zeros([2, 27, 36])
      expect(native.conv(IM2COL, img.handle, g, undefined)).toBeGreaterThan(0)
      refuses(raw(IM2COL, img, [3, 3]), T.InvalidArgument, /expects 8 geometry values/)
      refuses(raw(IM2COL, img, [3, 3, 0, 1, 0, 0, 1, 1]), T.InvalidArgument, /stride must be positive/)
      refuses(raw(IM2COL, img, [3, 3, 1, 1, -2, 0, 1, 1]), T.InvalidArgument, /padding must be non-negative/)
      refuses(raw(IM2COL, img, [3, 0, 1, 1, 0, 0, 1, 1]), T.InvalidArgument, /kernel size must be positive/)
      refuses(raw(IM2COL, img, [3, 3, 1, 1, 0, 0, 1, 1], [8, 8]), T.InvalidArgument, /takes no image size/)
      refuses(raw(IM2COL, T.zeros([2, 3, 8]), g), T.ShapeMismatch, /image batch \[N, C, H, W\]/)
      expect(native.conv(COL2IM, cols.handle, g, [8, 8])).toBeGreaterThan(0)
      refuses(raw(COL2IM, cols, g), T.InvalidArgument, /needs the image size/)
      refuses(raw(COL2IM, cols, g, [8]), T.InvalidArgument, /image size must be \[H, W\]/)
      refuses(raw(COL2IM, cols, g, [0, 8]), T.ShapeMismatch, /image size must be positive/)
      refuses(raw(COL2IM, cols, g, [9, 8]), T.ShapeMismatch, /36 columns, but a 9x8 image/)
      refuses(raw(COL2IM, T.zeros([2, 26, 36]), g, [8, 8]), T.ShapeMismatch, /not a whole number of channels/)
      refuses(raw(COL2IM, img, g, [8, 8]), T.ShapeMismatch, /expects columns/)
    })
  })
})

describe("resources and determinism", () => {
  it("frees every temporary (only the results stay alive)", () =>
    T.local(() => {
      const x = U([2, 3, 6, 6], -1, 1, 60), w = U([4, 3, 3, 3], -1, 1, 61), b = U([4], -1, 1, 62)
      const before = T.liveCount()
      const y = T.conv2d(x, w, b, { stride: 2, padding: 1 })
      const z = T.convTranspose2d(y, w, undefined, { stride: 2, padding: 1, outputPadding: 1 })
      expect(T.liveCount()).toBe(before + 2)
      y.dispose()
      z.dispose()
      expect(T.liveCount()).toBe(before)
    }))

  it("gives the same bits with 1 and 2 threads (values and gradients)", () =>
    T.local(() => {
      const x = U([8, 64, 14, 14], -1, 1, 70, "float32"), w1 = U([128, 64, 4, 4], -0.1, 0.1, 71, "float32")
      const w2 = U([128, 32, 4, 4], -0.1, 0.1, 72, "float32"), v = U([8, 32, 14, 14], -1, 1, 73, "float32")
      const loss = (p: { x: T.Tensor; w1: T.Tensor; w2: T.Tensor }) => {
        const h = T.conv2d(p.x, p.w1, undefined, { stride: 2, padding: 1 })
        return T.sum(T.mul(T.convTranspose2d(T.tanh(h), p.w2, undefined, { stride: 2, padding: 1 }), v))
      }
      const bits = () => {
        const { value, grad } = valueAndGrad(loss)({ x, w1, w2 })
        return [value, grad.x, grad.w1, grad.w2].map((t) => Buffer.from((t.toTypedArray() as Float32Array).buffer))
      }
      const previous = T.numThreads()
      try {
        T.setNumThreads(1)
        const one = bits()
        T.setNumThreads(2)
        const two = bits()
        one.forEach((b, i) => expect(b.equals(two[i]!), `output ${i}`).toBe(true))
      } finally {
        T.setNumThreads(previous)
      }
    }))
})
