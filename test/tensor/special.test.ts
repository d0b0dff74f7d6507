/** erf, Lambert W₀ and Wright ω against their defining identities and known values. */
import { describe, expect, it } from "@effect/vitest"
import { checkGrad } from "../../src/autodiff/index.js"
import * as T from "../../src/tensor/index.js"
import { uniformTensor } from "../support/random.js"

const f64 = (xs: number[]) => T.tensor(xs, { dtype: "float64" })
const vals = (t: T.Tensor) => Array.from(t.toTypedArray() as Float64Array)

describe("special functions", () => {
  it("erf matches known values", () =>
    T.local(() => {
      // erf(0.5), erf(1), erf(2) to 16 digits (Abramowitz & Stegun tables / series)
      const got = vals(T.erf(f64([0, 0.5, 1, 2, -1])))
      const want = [0, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527, -0.8427007929497149]
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 14))
    }))

  it("lambertW solves w·e^w = x on [-1/e, 1e6], with W(-1/e) = -1, W(0) = 0, W(e) = 1", () =>
    T.local(() => {
      const xs = [-1 / Math.E, -0.3, -0.1, -1e-8, 0, 1e-10, 0.5, 1, Math.E, 10, 1e3, 1e6]
      const ws = vals(T.lambertW(f64(xs)))
      ws.forEach((w, i) => expect(w * Math.exp(w)).toBeCloseTo(xs[i]!, Math.abs(xs[i]!) > 1 ? 6 : 12))
      expect(ws[0]).toBeCloseTo(-1, 7)
      expect(ws[4]).toBe(0)
      expect(ws[8]).toBeCloseTo(1, 14)
      expect(Number.isNaN(vals(T.lambertW(f64([-0.5])))[0])).toBe(true)
    }))

  it("wrightOmega solves ω + log ω = u for u from -800 to 1e10 without overflow", () =>
    T.local(() => {
      const us = [-800, -50, -5, -1, 0, 1, 5, 50, 700, 1e4, 1e10]
      const ws = vals(T.wrightOmega(f64(us)))
      ws.forEach((w, i) => {
        expect(Number.isFinite(w)).toBe(true)
        if (us[i]! > -700) expect(w + Math.log(w)).toBeCloseTo(us[i]!, us[i]! > 1e3 ? 4 : 12)
      })
      expect(ws[0]).toBe(Math.exp(-800)) // underflows to 0, as e^u does
      expect(ws[5]).toBeCloseTo(1, 14) // ω(1) = W(e) = 1
      expect(vals(T.wrightOmega(f64([Math.log(10)])))[0]).toBeCloseTo(vals(T.lambertW(f64([10])))[0]!, 13)
    }))

  it("float32 agrees with float64 to float32 precision", () =>
    T.local(() => {
      const u = [-3, 0.5, 2, 40]
      const w32 = Array.from(T.wrightOmega(T.tensor(u)).toTypedArray())
      const w64 = vals(T.wrightOmega(f64(u)))
      w32.forEach((w, i) => expect(Math.abs(w - w64[i]!) / w64[i]!).toBeLessThan(1e-6))
    }))

  for (const order of [1, 2] as const) {
    it(`derivatives pass checkGrad (order ${order})`, () =>
      T.local(() => {
        for (const [f, x] of [
          [T.erf, uniformTensor([5], -2, 2, 1)],
          [T.lambertW, uniformTensor([5], -0.3, 5, 2)],
          [T.wrightOmega, uniformTensor([5], -5, 20, 3)]
        ] as const) {
          const report = checkGrad(f, [x], { order, atol: 1e-7, rtol: 1e-6 })
          expect(report.ok, JSON.stringify(report)).toBe(true)
        }
      }))
  }
})
