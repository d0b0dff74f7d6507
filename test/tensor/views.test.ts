/**
 * View ops give the right values (against index arithmetic done here) and share memory where
 * the strides allow: making a view must not grow memoryStats().liveBytes. A reshape that no
 * strides can express copies, and still gives the right values. Shape errors are typed.
 */
import { describe, expect, it } from "@effect/vitest"
import * as T from "../../src/tensor/index.js"
import { at, expectClose, layouts, numel, operand, refFrom, Rng } from "./reference.js"

/** Runs f and checks that it allocated no tensor memory. */
const noCopy = <A>(f: () => A, what: string): A => {
  const before = T.memoryStats().liveBytes
  const out = f()
  expect(T.memoryStats().liveBytes, `${what} must be a view`).toBe(before)
  return out
}

const rowMajor = (shape: readonly number[], idx: readonly number[]): number => {
  let off = 0
  for (let d = 0; d < shape.length; d++) off = off * shape[d]! + idx[d]!
  return off
}

/** Row-major values of ref read in another shape of the same size. */
const reshapedRef = (ref: { shape: readonly number[]; data: Float64Array }, shape: readonly number[]) =>
  refFrom(shape, (i) => ref.data[rowMajor(shape, i)]!)

describe("views", () => {
  it("reshape of contiguous data is a view; of a non-viewable layout it copies, right either way", () =>
    T.local(() => {
      const rng = new Rng(0x7001)
      const x = T.arange(24, undefined, 1, { dtype: "float64" })
      const ref = refFrom([24], ([i]) => i!)
      for (const shape of [[2, 3, 4], [4, -1], [24, 1], [1, 2, 1, 12], [-1]]) {
        const v = noCopy(() => T.reshape(x, shape), `reshape ${shape}`)
        const real = shape.map((d) => (d === -1 ? 24 / shape.filter((e) => e !== -1).reduce((a, b) => a * b, 1) : d))
        expectClose(v, reshapedRef(ref, real), 0)
      }
      // a transposed [4, 6] matrix read as [24]: no strides express it, so a copy
      const t = T.transpose(T.reshape(x, [4, 6]))
      const before = T.memoryStats().liveBytes
      const flat = T.reshape(t, [24])
      expect(T.memoryStats().liveBytes).toBe(before + 24 * 8)
      expectClose(flat, refFrom([24], ([k]) => (k! % 4) * 6 + Math.floor(k! / 4)), 0)
      // but splitting one axis of a transposed view is a view
      noCopy(() => T.reshape(t, [3, 2, 4]), "split axis of a transposed view")
      // random layouts: reshape to a random shape of the same size gives row-major order
      for (let trial = 0; trial < 16; trial++) {
        const shape = rng.shape(1, 4, 1, 4)
        const { t: v, ref: r } = operand(rng, shape, "float64", layouts[trial % 4]!, () => rng.uniform(-1, 1))
        const n = numel(shape)
        const target = n % 2 === 0 ? [2, n / 2] : [n, 1]
        expectClose(T.reshape(v, target), reshapedRef(r, target), 0, undefined, `${layouts[trial % 4]} [${shape}]`)
        expectClose(T.flatten(v), reshapedRef(r, [n]), 0)
      }
    }))

  it("permute and transpose are views with permuted values", () =>
    T.local(() => {
      const rng = new Rng(0x7002)
      for (let trial = 0; trial < 12; trial++) {
        const shape = rng.shape(1, 5, 1, 4)
        const { t, ref } = operand(rng, shape, "float32", layouts[trial % 4]!, () => rng.uniform(-1, 1))
        const p = rng.permutation(shape.length)
        const v = noCopy(() => T.permute(t, p), "permute")
        expectClose(v, refFrom(p.map((a) => shape[a]!), (i) => {
          const src = new Array<number>(shape.length)
          p.forEach((a, d) => (src[a] = i[d]!))
          return at(ref, src)
        }), 0)
        if (shape.length >= 2) {
          const a = rng.int(0, shape.length - 1), b = rng.int(-shape.length, -1)
          const tr = noCopy(() => T.transpose(t, a, b), "transpose")
          const bb = b + shape.length
          const swapped = shape.map((d, k) => (k === a ? shape[bb]! : k === bb ? shape[a]! : d))
          expectClose(tr, refFrom(swapped, (i) => at(ref, i.map((v, k) => (k === a ? i[bb]! : k === bb ? i[a]! : v)))), 0)
        }
      }
      expect(() => T.permute(T.ones([2, 3]), [0, 0])).toThrow(expect.objectContaining({ _tag: "InvalidArgument", message: expect.stringContaining("permute") }))
      expect(() => T.permute(T.ones([2, 3]), [1])).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.transpose(T.ones([2]))).toThrow(expect.objectContaining({ _tag: "InvalidArgument", message: expect.stringContaining("transpose") }))
    }))

  it("expand makes stride-0 views: new leading axes, size-1 axes, -1 keeps a size", () =>
    T.local(() => {
      const x = T.tensor([[1], [2], [3]], { dtype: "float64" }) // [3, 1]
      const e = noCopy(() => T.expand(x, [2, 3, 4]), "expand")
      expectClose(e, refFrom([2, 3, 4], ([, j]) => j! + 1), 0)
      expectClose(noCopy(() => T.expand(x, [-1, 5]), "expand -1"), refFrom([3, 5], ([i]) => i! + 1), 0)
      expectClose(T.expand(x, [3, 0]), refFrom([3, 0], () => 0), 0)
      expect(() => T.expand(x, [4, 4])).toThrow(expect.objectContaining({ _tag: "ShapeMismatch", message: expect.stringContaining("expand") }))
      expect(() => T.expand(x, [4])).toThrow(expect.objectContaining({ _tag: "ShapeMismatch" }))
      expect(() => T.expand(x, [-1, 3, 1])).toThrow(expect.objectContaining({ _tag: "ShapeMismatch" }))
      // a view of 2^40 or more elements is refused (no op on it could finish)
      expect(() => T.expand(x, [2 ** 20, 3, 2 ** 20])).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.expand(T.ones([1, 1]), [2 ** 32, 2 ** 32])).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
    }))

  it("slice with start, stop, step (negative indices clamp like Python) is a view", () =>
    T.local(() => {
      const rng = new Rng(0x7003)
      for (let trial = 0; trial < 24; trial++) {
        const shape = rng.shape(1, 3, 1, 7)
        const { t, ref } = operand(rng, shape, "float64", layouts[trial % 4]!, () => rng.uniform(-1, 1))
        const axis = rng.int(-shape.length, shape.length - 1), a = axis < 0 ? axis + shape.length : axis
        const n = shape[a]!
        const start = rng.int(-n - 2, n + 2), stop = rng.int(-n - 2, n + 2), step = rng.int(1, 3)
        const norm = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n)
        const picked: number[] = []
        for (let k = norm(start); k < norm(stop); k += step) picked.push(k)
        const s = noCopy(() => T.slice(t, axis, start, stop, step), "slice")
        const outShape = shape.map((d, k) => (k === a ? picked.length : d))
        expectClose(s, refFrom(outShape, (i) => at(ref, i.map((v, k) => (k === a ? picked[v]! : v)))), 0, undefined, `slice ${axis} ${start}:${stop}:${step}`)
      }
      expect(() => T.slice(T.ones([3]), 0, 0, 3, 0)).toThrow(expect.objectContaining({ _tag: "InvalidArgument", message: expect.stringContaining("slice") }))
      expect(() => T.slice(T.ones([3]), 0, 0, 3, -1)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.slice(T.ones([3]), 1, 0)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.slice(T.scalar(1), 0, 0)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
    }))

  it("squeeze, unsqueeze and flatten are views", () =>
    T.local(() => {
      const x = T.reshape(T.arange(6, undefined, 1, { dtype: "float64" }), [1, 2, 1, 3])
      const ref = refFrom([6], ([i]) => i!)
      expect(noCopy(() => T.squeeze(x), "squeeze").shape).toEqual([2, 3])
      expect(noCopy(() => T.squeeze(x, -2), "squeeze axis").shape).toEqual([1, 2, 3])
      expect(noCopy(() => T.unsqueeze(x, 4), "unsqueeze").shape).toEqual([1, 2, 1, 3, 1])
      expect(T.unsqueeze(x, -1).shape).toEqual([1, 2, 1, 3, 1])
      expect(T.unsqueeze(x, 0).shape).toEqual([1, 1, 2, 1, 3])
      expect(noCopy(() => T.flatten(x, 1, 2), "flatten").shape).toEqual([1, 2, 3])
      expect(T.flatten(x).shape).toEqual([6])
      expect(T.flatten(T.scalar(5)).shape).toEqual([1])
      for (const v of [T.squeeze(x), T.unsqueeze(x, 2), T.flatten(x, 0, 2)]) expectClose(T.flatten(v), ref, 0)
      expect(() => T.squeeze(x, 1)).toThrow(expect.objectContaining({ _tag: "InvalidArgument", message: expect.stringContaining("squeeze") }))
      expect(() => T.unsqueeze(x, 6)).toThrow(expect.objectContaining({ _tag: "InvalidArgument", message: expect.stringContaining("unsqueeze") }))
      expect(() => T.flatten(x, 2, 1)).toThrow(expect.objectContaining({ _tag: "InvalidArgument", message: expect.stringContaining("flatten") }))
      expect(() => T.flatten(x, 3, 5)).toThrow(expect.objectContaining({ _tag: "InvalidArgument", message: expect.stringContaining("flatten") }))
    }))

  it("contiguous copies only what is not contiguous already", () =>
    T.local(() => {
      const x = T.reshape(T.arange(12, undefined, 1, { dtype: "float64" }), [3, 4])
      noCopy(() => T.contiguous(x), "contiguous of contiguous")
      const before = T.memoryStats().liveBytes
      const c = T.contiguous(T.transpose(x))
      expect(T.memoryStats().liveBytes).toBe(before + 12 * 8)
      expectClose(c, refFrom([4, 3], ([i, j]) => j! * 4 + i!), 0)
    }))

  it("views share storage: freeing the base keeps a view's values alive", () =>
    T.local(() => {
      const x = T.tensor([1, 2, 3, 4], { dtype: "float64" })
      const v = T.slice(x, 0, 1, 4, 2)
      const bytes = T.memoryStats().liveBytes
      x.dispose()
      expect(T.memoryStats().liveBytes).toBe(bytes) // the storage lives on in v
      expect(Array.from(v.toTypedArray())).toEqual([2, 4])
      v.dispose()
      expect(T.memoryStats().liveBytes).toBe(bytes - 32)
    }))

  it("reshape errors are typed: wrong element count, two -1, negative sizes", () =>
    T.local(() => {
      const x = T.ones([2, 3])
      expect(() => T.reshape(x, [4])).toThrow(expect.objectContaining({ _tag: "ShapeMismatch", message: expect.stringContaining("reshape") }))
      expect(() => T.reshape(x, [-1, -1])).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.reshape(x, [-2, -3])).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.reshape(x, [4, -1])).toThrow(expect.objectContaining({ _tag: "ShapeMismatch" }))
      expect(() => T.reshape(x, [1.5, 4])).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.reshape(x, Array(9).fill(1))).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(T.reshape(T.zeros([0, 3]), [3, 0, 5]).shape).toEqual([3, 0, 5])
    }))
})
