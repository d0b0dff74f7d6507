/** Exact 1-D W_p: against the network simplex, closed forms, finite differences, bad inputs. */
import { describe, expect, it } from "@effect/vitest"
import { checkGrad } from "../../src/autodiff/index.js"
import { exactOt, quantileCoupling, rankCoupling, wasserstein1d, wassersteinExact, wassersteinPow1d } from "../../src/divergence/index.js"
import * as T from "../../src/tensor/index.js"
import { prng } from "../support/random.js"

const f64 = (data: readonly number[], shape?: number[]) => T.tensor(Float64Array.from(data), { dtype: "float64", ...(shape ? { shape } : {}) })
const draws = (k: number, next: () => number, lo = -2, hi = 3) => Array.from({ length: k }, () => lo + (hi - lo) * next())

describe("wasserstein1d", () => {
  it("equals the exact OT cost (network simplex) for equal sizes, p = 1, 2, 3", () => {
    const next = prng(9)
    for (const n of [1, 5, 40])
      for (const p of [1, 2, 3])
        T.local(() => {
          const x = draws(n, next), y = draws(n, next, 0, 4)
          const exact = wassersteinExact(f64(x, [n, 1]), f64(y, [n, 1]), { p }).cost.item()
          expect(Math.abs(wassersteinPow1d(f64(x), f64(y), { p }).item() - exact)).toBeLessThan(1e-12)
          expect(Math.abs(wasserstein1d(f64(x), f64(y), { p }).item() - exact ** (1 / p))).toBeLessThan(1e-12)
        })
  })

  it("equals the exact OT cost for general weights and unequal sizes (merged quantile functions)", () => {
    const next = prng(12)
    for (const [n, m] of [[3, 7], [10, 4], [6, 6]] as const)
      for (const p of [1, 2, 1.5])
        T.local(() => {
          const x = draws(n, next), y = draws(m, next)
          const wx = draws(n, next, 0.1, 1), wy = draws(m, next, 0.1, 1)
          const sx = wx.reduce((s, v) => s + v, 0), sy = wy.reduce((s, v) => s + v, 0)
          const C = x.flatMap((xi) => y.map((yj) => Math.abs(xi - yj) ** p))
          const exact = exactOt(f64(wx.map((v) => v / sx)), f64(wy.map((v) => v / sy)), f64(C, [n, m])).value.item()
          const got = wassersteinPow1d(f64(x), f64(y), { p, weightsX: wx, weightsY: f64(wy) }).item()
          expect(Math.abs(got - exact)).toBeLessThan(1e-12)
          const uniform = wassersteinPow1d(f64(x), f64(y), { p }).item()
          const exactUniform = exactOt(f64(new Array<number>(n).fill(1 / n)), f64(new Array<number>(m).fill(1 / m)), f64(C, [n, m])).value.item()
          expect(Math.abs(uniform - exactUniform)).toBeLessThan(1e-12)
        })
  })

  it("closed forms: a shifted sample is at distance |shift| for every p; a point mass vs two points", () =>
    T.local(() => {
      const next = prng(1)
      const x = draws(25, next)
      for (const p of [1, 2, 4]) expect(wasserstein1d(f64(x), f64(x.map((v) => v - 0.7)), { p }).item()).toBeCloseTo(0.7, 12)
      // δ_0 vs ½δ_{−1} + ½δ_3: W_p^p = ½·1 + ½·3^p
      for (const p of [1, 2, 3]) expect(wassersteinPow1d(f64([0]), f64([-1, 3]), { p }).item()).toBeCloseTo(0.5 + 0.5 * 3 ** p, 12)
      const c = quantileCoupling(f64([0]), f64([-1, 3]))
      expect([Array.from(c.i), Array.from(c.j), Array.from(c.mass)]).toEqual([[0, 0], [0, 1], [0.5, 0.5]])
    }))

  it("column-wise batches equal the per-column problems", () =>
    T.local(() => {
      const next = prng(6)
      const n = 9, k = 3
      const x = draws(n * k, next), y = draws(n * k, next)
      const got = wassersteinPow1d(f64(x, [n, k]), f64(y, [n, k]), { p: 2 }).toArray() as number[]
      for (let c = 0; c < k; c++) {
        const col = (v: number[]) => f64(Array.from({ length: n }, (_, i) => v[i * k + c]!))
        expect(got[c]).toBeCloseTo(wassersteinPow1d(col(x), col(y), { p: 2 }).item(), 14)
      }
    }))

  it("column-wise batches of unequal sizes equal the per-column quantile solutions; the rank coupling", () =>
    T.local(() => {
      const next = prng(23)
      const n = 7, m = 4, k = 3
      const x = draws(n * k, next), y = draws(m * k, next)
      const got = wassersteinPow1d(f64(x, [n, k]), f64(y, [m, k]), { p: 1.5 }).toArray() as number[]
      for (let c = 0; c < k; c++) {
        const col = (v: number[], rows: number) => f64(Array.from({ length: rows }, (_, i) => v[i * k + c]!))
        // explicit unit weights take the data-dependent quantile path
        const ref = wassersteinPow1d(col(x, n), col(y, m), { p: 1.5, weightsX: new Array<number>(n).fill(1) }).item()
        expect(Math.abs(got[c]! - ref)).toBeLessThan(1e-13)
      }
      // ranks of 2 vs 3 uniform points: breakpoints 1/2 and 1/3, 2/3
      const r = rankCoupling(2, 3)
      expect([Array.from(r.i), Array.from(r.j)]).toEqual([[0, 0, 1, 1], [0, 1, 1, 2]])
      Array.from(r.mass).forEach((l, q) => expect(l).toBeCloseTo([1 / 3, 1 / 6, 1 / 6, 1 / 3][q]!, 15))
    }))

  it("is differentiable through the sort (finite differences)", () =>
    T.local(() => {
      const next = prng(14)
      const x = f64(draws(7, next)), y = f64(draws(7, next)), yw = f64(draws(4, next))
      for (const p of [1, 2, 3]) {
        expect(checkGrad((a, b) => wassersteinPow1d(a, b, { p }), [x, y]).ok).toBe(true)
        expect(checkGrad((a) => wasserstein1d(a, yw, { p, weightsX: [1, 2, 3, 1, 1, 2, 1] }), [x]).ok).toBe(true)
      }
    }))

  const bad: Array<[string, () => unknown, string]> = [
    ["p < 1", () => wasserstein1d(f64([0]), f64([1]), { p: 0.5 }), "InvalidArgument"],
    ["p NaN", () => wasserstein1d(f64([0]), f64([1]), { p: NaN }), "InvalidArgument"],
    ["2-D against 1-D", () => wasserstein1d(f64([0, 1], [2, 1]), f64([1, 2])), "ShapeMismatch"],
    ["different numbers of columns", () => wasserstein1d(f64([0, 1], [2, 1]), f64([1, 2, 3, 4], [2, 2])), "ShapeMismatch"],
    ["weights with columns", () => wasserstein1d(f64([0, 1], [2, 1]), f64([1, 2], [2, 1]), { weightsX: [1, 1] }), "ShapeMismatch"],
    ["3-D", () => wasserstein1d(f64([0, 1], [1, 2, 1]), f64([1, 2], [1, 2, 1])), "ShapeMismatch"],
    ["empty", () => wasserstein1d(f64([]), f64([])), "ShapeMismatch"],
    ["weights length", () => wasserstein1d(f64([0, 1]), f64([1]), { weightsX: [1] }), "ShapeMismatch"],
    ["negative weight", () => wasserstein1d(f64([0, 1]), f64([1]), { weightsX: [1, -1] }), "InvalidArgument"],
    ["zero mass", () => wasserstein1d(f64([0, 1]), f64([1]), { weightsY: [0] }), "InvalidArgument"]
  ]
  for (const [name, run, tag] of bad)
    it(`${name} → ${tag}`, () => T.local(() => expect(run).toThrow(expect.objectContaining({ _tag: tag }))))

  it("leaks no tensors", () => {
    const before = T.liveCount()
    for (let k = 0; k < 10; k++)
      T.local(() => {
        wasserstein1d(f64([0, 2, 1]), f64([1, 1]), { p: 2 })
        wassersteinPow1d(f64([0, 2, 1]), f64([1, 1, 5]))
      })
    expect(T.liveCount()).toBe(before)
  })
})
