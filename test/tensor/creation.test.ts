/**
 * Creating tensors and reading them back; casts between every pair of dtypes. References are
 * computed here: float32 rounding is Math.fround, int32 truncates toward zero (saturating, NaN
 * to 0), bool is "not zero".
 */
import { describe, expect, it } from "@effect/vitest"
import * as T from "../../src/tensor/index.js"
import { layouts, operand, Rng } from "./reference.js"

const all: readonly T.DType[] = ["float32", "float64", "int32", "bool"]

/** The value a float64 x becomes in dtype d. */
const toDType = (d: T.DType, x: number): number =>
  d === "float32"
    ? Math.fround(x)
    : d === "float64"
      ? x
      : d === "int32"
        ? Number.isNaN(x) ? 0 : Math.max(-2147483648, Math.min(2147483647, Math.trunc(x))) + 0
        : x !== 0 ? 1 : 0

describe("creation and read-back", () => {
  it("tensor from nested arrays: shape, dtype, values, toArray and item", () =>
    T.local(() => {
      const t = T.tensor([[1.5, -2], [3, 4.25], [0, 1e-3]])
      expect(t.shape).toEqual([3, 2])
      expect(t.dtype).toBe("float32")
      expect(t.device).toEqual(T.cpu)
      expect(t.size).toBe(6)
      expect(t.ndim).toBe(2)
      expect(t.toArray()).toEqual([[1.5, -2], [3, 4.25], [0, Math.fround(1e-3)]])
      const d = T.tensor([[[1], [2]]], { dtype: "float64" })
      expect(d.shape).toEqual([1, 2, 1])
      expect(d.toTypedArray()).toBeInstanceOf(Float64Array)
      expect(d.toArray()).toEqual([[[1], [2]]])
      const s = T.tensor(0.1, { dtype: "float64" })
      expect(s.shape).toEqual([])
      expect(s.item()).toBe(0.1)
      expect(s.toArray()).toBe(0.1)
      expect(T.tensor(true, { dtype: "bool" }).item()).toBe(1)
      expect(T.tensor([]).shape).toEqual([0])
      expect(T.tensor([[], []]).shape).toEqual([2, 0])
      expect(T.tensor([[], []]).toArray()).toEqual([[], []])
      expect(T.tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3] }).toArray()).toEqual([[1, 2, 3], [4, 5, 6]])
    }))

  it("tensor(data, {dtype}) converts as a cast from float64 does", () =>
    T.local(() => {
      const values = [0, 0.5, -0.5, 2.7, -2.7, 3e9, -3e9, NaN, 255, 256, -1]
      for (const d of all) {
        const t = T.tensor(values, { dtype: d })
        expect(Array.from(t.toTypedArray() as ArrayLike<number>), d).toEqual(values.map((x) => toDType(d, x)))
        expect(Array.from(T.tensor(Float64Array.from(values), { dtype: d }).toTypedArray() as ArrayLike<number>), d).toEqual(
          values.map((x) => toDType(d, x))
        )
      }
    }))

  it("tensor from typed arrays keeps their dtype; shape defaults to the length; bytes of bool become 0/1", () =>
    T.local(() => {
      expect(T.tensor(new Float32Array([1, 2])).dtype).toBe("float32")
      expect(T.tensor(new Float64Array([1, 2])).dtype).toBe("float64")
      const i = T.tensor(new Int32Array([7, -8, 9, 10]), { shape: [2, 2] })
      expect(i.dtype).toBe("int32")
      expect(i.toArray()).toEqual([[7, -8], [9, 10]])
      const b = T.tensor(new Uint8Array([0, 2, 255, 1]))
      expect(b.dtype).toBe("bool")
      expect(Array.from(b.toTypedArray())).toEqual([0, 1, 1, 1])
      expect(Array.from(T.cast(b, "float32").toTypedArray())).toEqual([0, 1, 1, 1])
      // a view into a larger buffer reads only its own elements
      const buf = new Float64Array([9, 1, 2, 3, 9])
      expect(Array.from(T.tensor(buf.subarray(1, 4)).toTypedArray())).toEqual([1, 2, 3])
      // shared memory works like any other
      const shared = new Float32Array(new SharedArrayBuffer(12))
      shared.set([1, 2, 3])
      expect(Array.from(T.tensor(shared).toTypedArray())).toEqual([1, 2, 3])
    }))

  it("bad data is a typed error", () => {
    expect(() => T.tensor([[1, 2], [3]])).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
    expect(() => T.tensor([1, "a"] as never)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
    expect(() => T.tensor(new Float32Array(5), { shape: [2, 2] })).toThrow(expect.objectContaining({ _tag: "ShapeMismatch" }))
    expect(() => T.tensor(new Int8Array(2) as never)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
  })

  it("zeros, ones, full, zerosLike, onesLike, fullLike, scalar in every dtype", () =>
    T.local(() => {
      for (const d of all) {
        const z = T.zeros([2, 3], { dtype: d })
        expect(z.dtype).toBe(d)
        expect(z.shape).toEqual([2, 3])
        expect(Array.from(z.toTypedArray() as ArrayLike<number>)).toEqual(new Array(6).fill(0))
        expect(Array.from(T.ones([4], { dtype: d }).toTypedArray() as ArrayLike<number>)).toEqual([1, 1, 1, 1])
        expect(Array.from(T.full([3], -2.5, { dtype: d }).toTypedArray() as ArrayLike<number>)).toEqual(new Array(3).fill(toDType(d, -2.5)))
        expect(Array.from(T.fullLike(z, 7).toTypedArray() as ArrayLike<number>)).toEqual(new Array(6).fill(toDType(d, 7)))
        expect(T.onesLike(z).dtype).toBe(d)
        expect(T.zerosLike(z, { dtype: "float64" }).dtype).toBe("float64")
        expect(T.scalar(3, { dtype: d }).shape).toEqual([])
      }
      expect(T.full([2], 1e10, { dtype: "int32" }).toArray()).toEqual([2147483647, 2147483647])
      expect(T.full([2], NaN, { dtype: "int32" }).toArray()).toEqual([0, 0])
      expect(T.zeros([0, 4]).size).toBe(0)
      expect(Array.from(T.zeros([]).toTypedArray())).toEqual([0])
      expect(() => T.zeros([-1])).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.zeros([2.5])).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.zeros([1, 2, 3, 4, 5, 6, 7, 8, 9].map(() => 1))).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.zeros([2 ** 20, 2 ** 20])).toThrow(expect.objectContaining({ _tag: "OutOfMemory" }))
    }))

  it("arange and linspace follow NumPy (count, values, dtype)", () =>
    T.local(() => {
      expect(Array.from(T.arange(5).toTypedArray())).toEqual([0, 1, 2, 3, 4])
      expect(Array.from(T.arange(2, 11, 3, { dtype: "int32" }).toTypedArray())).toEqual([2, 5, 8])
      expect(Array.from(T.arange(1, -1, -0.5, { dtype: "float64" }).toTypedArray())).toEqual([1, 0.5, 0, -0.5])
      expect(T.arange(3, 3).shape).toEqual([0])
      expect(T.arange(5, 1).shape).toEqual([0])
      const a = T.arange(0, 1, 0.1, { dtype: "float64" })
      expect(a.shape).toEqual([10])
      a.toTypedArray().forEach((v, i) => expect(Math.abs(v - 0.1 * i)).toBeLessThanOrEqual(1e-15))
      const l = T.linspace(-1, 2, 7, { dtype: "float64" })
      expect(l.shape).toEqual([7])
      l.toTypedArray().forEach((v, i) => expect(Math.abs(v - (-1 + 0.5 * i))).toBeLessThanOrEqual(1e-15))
      expect(Array.from(T.linspace(3, 9, 1).toTypedArray())).toEqual([3])
      expect(T.linspace(0, 1, 0).shape).toEqual([0])
      expect(() => T.arange(0, 1, 0)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.arange(0, Infinity)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.linspace(0, 1, -2)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
    }))

  it("eye: ones on the main diagonal of an n x m matrix", () =>
    T.local(() => {
      expect(T.eye(3).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
      expect(T.eye(2, 4, { dtype: "int32" }).toArray()).toEqual([[1, 0, 0, 0], [0, 1, 0, 0]])
      expect(T.eye(3, 1, { dtype: "float64" }).toArray()).toEqual([[1], [0], [0]])
      expect(T.eye(0).shape).toEqual([0, 0])
      expect(() => T.eye(-1)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
    }))

  it("item refuses a tensor of more than one element; read-back of views is row-major", () =>
    T.local(() => {
      expect(() => T.ones([2]).item()).toThrow(expect.objectContaining({ _tag: "ShapeMismatch", message: expect.stringContaining("item") }))
      const t = T.transpose(T.tensor([[1, 2, 3], [4, 5, 6]]))
      expect(t.toArray()).toEqual([[1, 4], [2, 5], [3, 6]])
      expect(T.slice(T.slice(t, 0, 2), 1, 1).item()).toBe(6)
    }))
})

describe("cast", () => {
  it("between every pair of dtypes, from every layout", () =>
    T.local(() => {
      const rng = new Rng(0x6001)
      const special = [0, -0.5, 0.5, 1, -1, 2.5, -2.5, 1e10, -1e10, NaN, Infinity, -Infinity, 16777217, 0.1]
      for (const from of all)
        for (const to of all)
          for (const layout of layouts) {
            const shape = rng.shape(1, 3, 2, 4)
            const { t: f64, ref } = operand(rng, shape, "float64", layout, () =>
              rng.bool(0.3) ? rng.pick(special) : rng.uniform(-100, 100)
            )
            const src = T.cast(f64, from) // the source values, as `from` holds them
            const srcValues = Array.from(ref.data, (x) => toDType(from, x))
            expect(Array.from(src.toTypedArray() as ArrayLike<number>), `${layout} float64 -> ${from}`).toEqual(srcValues)
            const out = T.cast(layout === "contiguous" ? src : T.contiguous(src), to)
            const viewOut = T.cast(src, to)
            expect(out.dtype).toBe(to)
            expect(out.shape).toEqual(shape)
            const expected = srcValues.map((x) => toDType(to, x))
            expect(Array.from(out.toTypedArray() as ArrayLike<number>), `${from} -> ${to}`).toEqual(expected)
            expect(Array.from(viewOut.toTypedArray() as ArrayLike<number>), `${layout} ${from} -> ${to}`).toEqual(expected)
          }
    }))

  it("a cast to the same dtype is a view (no new memory)", () =>
    T.local(() => {
      const x = T.ones([1000])
      const before = T.memoryStats().liveBytes
      const y = T.cast(x, "float32")
      expect(T.memoryStats().liveBytes).toBe(before)
      expect(Array.from(y.toTypedArray())).toEqual(Array.from(x.toTypedArray()))
      expect(() => T.cast(x, "float16" as never)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
    }))
})
