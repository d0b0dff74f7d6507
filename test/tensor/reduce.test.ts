/**
 * Reductions against float64 references: single, several, negative and all axes, keepdims on
 * and off, every layout. Sums are checked to rtol · Σ|x| (rtol 1e-6 float32, 1e-12 float64),
 * logsumexp to rtol · (1 + |ref|), max/min/argmax/argmin exactly. Determinism: the same large
 * input reduces to the same bits on 1 and 2 threads and on every call.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as T from "../../src/tensor/index.js"
import { expectClose, expectExact, type FloatDType, layouts, numel, operand, reduceRef, refFrom, Rng, rtol } from "./reference.js"

const floatTypes: readonly FloatDType[] = ["float32", "float64"]

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0)
const absSum = (v: number[]) => v.reduce((a, b) => a + Math.abs(b), 0)
const maxRef = (v: number[]) => (v.some(Number.isNaN) ? NaN : Math.max(...v))
const minRef = (v: number[]) => (v.some(Number.isNaN) ? NaN : Math.min(...v))
const argRef = (better: (a: number, b: number) => boolean) => (v: number[]) => {
  let best = 0
  for (let i = 0; i < v.length; i++) {
    if (Number.isNaN(v[i]!)) return i
    if (better(v[i]!, v[best]!)) best = i
  }
  return best
}
const lseRef = (v: number[]) => {
  if (v.some(Number.isNaN)) return NaN
  const m = Math.max(...v)
  if (m === -Infinity || m === Infinity) return m
  return m + Math.log(sum(v.map((x) => Math.exp(x - m))))
}

/** Random axes of a rank-n shape: a list (some negative), a single number, or all (undefined). */
const randomAxes = (rng: Rng, n: number): { axes: number | number[] | undefined; list: number[] } => {
  const kind = n === 0 ? 2 : rng.int(0, 2)
  if (kind === 2) return { axes: undefined, list: Array.from({ length: n }, (_, i) => i) }
  if (kind === 0) {
    const a = rng.int(0, n - 1)
    return { axes: rng.bool() ? a - n : a, list: [a] }
  }
  const list = Array.from({ length: n }, (_, i) => i).filter(() => rng.bool())
  return { axes: list.map((a) => (rng.bool() ? a - n : a)), list }
}

describe("reductions", () => {
  for (const dtype of floatTypes)
    it(`sum, mean, variance, max, min, argmax, argmin, logsumexp (${dtype}) over random axes and layouts`, () =>
      T.local(() => {
        const rng = new Rng(dtype === "float32" ? 0x4001 : 0x4002)
        const tol = rtol(dtype)
        for (let trial = 0; trial < 24; trial++) {
          const shape = rng.shape(0, 4, 1, 5)
          const { t, ref } = operand(rng, shape, dtype, layouts[trial % 4]!, () => rng.uniform(-3, 3))
          const { axes, list } = randomAxes(rng, shape.length)
          const keep = rng.bool()
          const what = `${dtype} [${shape}] axes ${JSON.stringify(axes)} keepdims ${keep}`
          const n = numel(list.map((a) => shape[a]!))
          const scaleOf = (f: (v: number[]) => number) => reduceRef(ref, list, keep, f).data

          expectClose(T.sum(t, axes, keep), reduceRef(ref, list, keep, sum), tol, scaleOf(absSum), `sum ${what}`)
          expectClose(T.mean(t, axes, keep), reduceRef(ref, list, keep, (v) => sum(v) / n), tol, scaleOf((v) => absSum(v) / n), `mean ${what}`)
          const variance = (v: number[]) => {
            const mu = sum(v) / v.length
            return sum(v.map((x) => (x - mu) ** 2)) / v.length
          }
          const varScale = scaleOf((v) => sum(v.map((x) => (Math.abs(x) + Math.abs(sum(v) / v.length)) ** 2)) / v.length)
          expectClose(T.variance(t, axes, keep), reduceRef(ref, list, keep, variance), 4 * tol, varScale, `variance ${what}`)
          if (n > 1) {
            const sample = (v: number[]) => (variance(v) * v.length) / (v.length - 1)
            expectClose(T.variance(t, axes, keep, 1), reduceRef(ref, list, keep, sample), 4 * tol, varScale, `sample variance ${what}`)
          }
          expectClose(T.max(t, axes, keep), reduceRef(ref, list, keep, maxRef), 0, undefined, `max ${what}`)
          expectClose(T.min(t, axes, keep), reduceRef(ref, list, keep, minRef), 0, undefined, `min ${what}`)
          const am = T.argmax(t, axes, keep)
          expect(am.dtype).toBe("int32")
          expectExact(am, reduceRef(ref, list, keep, argRef((a, b) => a > b)), `argmax ${what}`)
          expectExact(T.argmin(t, axes, keep), reduceRef(ref, list, keep, argRef((a, b) => a < b)), `argmin ${what}`)
          const lse = reduceRef(ref, list, keep, lseRef)
          expectClose(T.logsumexp(t, axes, keep), lse, tol, lse.data.map((y) => 1 + Math.abs(y)), `logsumexp ${what}`)
        }
      }))

  it("argmax/argmin pick the first of tied extremes, flattened over the reduced axes", () =>
    T.local(() => {
      const x = T.tensor([[[1, 5], [5, 0]], [[2, 2], [-1, 2]]], { dtype: "float64" }) // [2, 2, 2]
      expect(Array.from(T.argmax(x, [1, 2]).toTypedArray())).toEqual([1, 0])
      expect(Array.from(T.argmin(x, [0, 2]).toTypedArray())).toEqual([0, 2])
      expect(Array.from(T.argmax(x).toTypedArray())).toEqual([1])
      expect(T.argmax(x, -1, true).shape).toEqual([2, 2, 1])
    }))

  it("NaN and ±Inf: max/min/argmax and logsumexp propagate NaN; -Inf rows give -Inf; +Inf dominates", () =>
    T.local(() => {
      for (const dtype of floatTypes) {
        const rows = [
          [1, NaN, 3, Infinity],
          [-Infinity, -Infinity, -Infinity, -Infinity],
          [Infinity, 2, -Infinity, 0],
          [-Infinity, 0, -1, -Infinity],
          [Infinity, Infinity, 1, 2]
        ]
        const ref = refFrom([5, 4], ([i, j]) => rows[i!]![j!]!)
        const x = T.tensor(rows, { dtype })
        expectClose(T.max(x, 1), reduceRef(ref, [1], false, maxRef), 0, undefined, "max")
        expectClose(T.min(x, 1), reduceRef(ref, [1], false, minRef), 0, undefined, "min")
        expectExact(T.argmax(x, 1), reduceRef(ref, [1], false, argRef((a, b) => a > b)), "argmax")
        expectExact(T.argmin(x, 1), reduceRef(ref, [1], false, argRef((a, b) => a < b)), "argmin")
        const lse = reduceRef(ref, [1], false, lseRef)
        expectClose(T.logsumexp(x, 1), lse, rtol(dtype), lse.data.map((y) => 1 + Math.abs(y)), "logsumexp")
        expect(T.sum(x, 1).toTypedArray()[0]).toBeNaN()
      }
    }))

  it("NaN and +Inf in different blocks of one long reduction (blocks are 16384 elements)", () =>
    T.local(() => {
      for (const [nanAt, infAt] of [[0, 30000], [30000, 0], [20000, 20001]] as const) {
        const d = new Float64Array(40000).fill(-1)
        d[nanAt] = NaN
        d[infAt] = Infinity
        const x = T.tensor(d)
        expect(T.logsumexp(x).item(), `nan at ${nanAt}, inf at ${infAt}`).toBeNaN()
        expect(T.max(x).item()).toBeNaN()
        expect(T.argmax(x).item()).toBe(nanAt)
        expect(T.argmin(x).item()).toBe(nanAt)
      }
      const inf = new Float64Array(40000).fill(-Infinity)
      inf[35000] = Infinity
      expect(T.logsumexp(T.tensor(inf)).item()).toBe(Infinity)
      expect(T.logsumexp(T.full([40000], -Infinity, { dtype: "float64" })).item()).toBe(-Infinity)
    }))

  it("empty reductions: sum is 0, logsumexp is -Inf, max/argmax refuse an empty axis", () =>
    T.local(() => {
      const x = T.zeros([3, 0])
      expect(Array.from(T.sum(x, 1).toTypedArray())).toEqual([0, 0, 0])
      expect(Array.from(T.logsumexp(x, 1).toTypedArray())).toEqual([-Infinity, -Infinity, -Infinity])
      expect(T.max(x, 0).shape).toEqual([0])
      expect(() => T.max(x, 1)).toThrow(expect.objectContaining({ _tag: "InvalidArgument", message: expect.stringContaining("amax") }))
      expect(() => T.argmin(x)).toThrow(expect.objectContaining({ _tag: "InvalidArgument", message: expect.stringContaining("argmin") }))
    }))

  it("bad axes and dtypes are typed errors", () =>
    T.local(() => {
      const x = T.ones([2, 3])
      expect(() => T.sum(x, 2)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.sum(x, -3)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.sum(x, 0.5)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.sum(T.ones([2], { dtype: "int32" }))).toThrow(expect.objectContaining({ _tag: "DTypeMismatch", message: expect.stringContaining("sum") }))
    }))
})

describe("determinism of reductions", () => {
  const initial = T.numThreads()
  afterAll(() => {
    T.setNumThreads(initial)
  })

  it("same bits with 1 and 2 threads and across repeated calls (300k elements)", () =>
    T.local(() => {
      const rng = new Rng(0x5001)
      for (const dtype of floatTypes) {
        const data = Float64Array.from({ length: 300_000 }, () => rng.uniform(-1, 1) * 10 ** rng.int(-3, 3))
        const x = T.tensor(data, { dtype })
        const views = [x, T.reshape(x, [600, 500]), T.transpose(T.reshape(x, [600, 500]))]
        const run = () =>
          views.flatMap((v) => [
            T.sum(v),
            T.logsumexp(v),
            T.max(v),
            T.argmin(v),
            ...(v.ndim === 2 ? [T.sum(v, 0), T.sum(v, 1), T.logsumexp(v, 0), T.mean(v, -1)] : [])
          ]).map((t) => Array.from(new Uint8Array(t.toTypedArray().buffer)))
        T.setNumThreads(1)
        const one = run()
        T.setNumThreads(2)
        expect(T.numThreads()).toBe(2)
        const two = run()
        const again = run()
        expect(two).toEqual(one)
        expect(again).toEqual(one)
        // and the value is right: float64 sum against a compensated JavaScript sum
        if (dtype === "float64") {
          let s = 0, c = 0
          for (const v of data) {
            const y = v - c, t = s + y
            c = t - s - y
            s = t
          }
          expect(Math.abs(T.sum(x).item() - s)).toBeLessThanOrEqual(1e-12 * data.reduce((a, b) => a + Math.abs(b), 0))
        }
      }
    }))

  it("sums over a leading axis (bias gradients) add each column in row order, in blocks of 16384 rows", () =>
    T.local(() => {
      // The float32 result is the sequential left fold of each column (Math.fround after every
      // addition), the blocks' sums added in order: the exact bits, on 1 and 2 threads.
      const rng = new Rng(0x5002)
      for (const [rows, cols, stride] of [[256, 512, 512], [300, 7, 9], [20_000, 3, 3]] as const) {
        const data = Float32Array.from({ length: rows * stride }, () => rng.uniform(-1, 1) * 10 ** rng.int(-3, 3))
        const full = T.tensor(data, { dtype: "float32" }).reshape([rows, stride])
        const x = stride === cols ? full : T.slice(full, 1, 0, cols)
        const expected = new Float32Array(cols)
        for (let j = 0; j < cols; j++) {
          let total = 0
          for (let lo = 0; lo < rows; lo += 16384) {
            let acc = 0
            for (let i = lo; i < Math.min(rows, lo + 16384); i++) acc = Math.fround(acc + data[i * stride + j]!)
            total = lo === 0 ? acc : Math.fround(total + acc)
          }
          expected[j] = total
        }
        for (const threads of [1, 2]) {
          T.setNumThreads(threads)
          expect(Array.from(T.sum(x, 0).toTypedArray() as Float32Array), `${rows}x${cols} T=${threads}`).toEqual(Array.from(expected))
        }
      }
    }))
})
