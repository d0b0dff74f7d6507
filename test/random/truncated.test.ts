/**
 * The inverse-CDF transform: erfinv against an independent float64 erf (the round trip
 * Phi(x) = u, i.e. erf(x / sqrt 2) = 2u - 1, for x = sqrt 2 erfinv(2u - 1)), deep tails, and the
 * truncated normal's moments and KS test (significance 0.001) against its exact CDF.
 */
import { describe, expect, it } from "@effect/vitest"
import { key, truncatedNormal } from "../../src/random/index.js"
import { bits53, inScope, ksCritical, ksStatistic, moments, normalCdf, normalPdf, streamWords } from "./reference.js"

const N = 100_000
const ALPHA = 0.001

/** The open uniform (0, 1) of element i of a truncated-normal draw: 53 bits of a word pair. */
const openUniforms = (seed: number, n: number): Float64Array => {
  const w = streamWords(key(seed), Math.ceil(n / 2))
  return Float64Array.from({ length: n }, (_, i) => {
    const b = i >> 1
    const j = i & 1
    return (bits53(w[4 * b + 2 * j]!, w[4 * b + 2 * j + 1]!) + 0.5) * 2 ** -53
  })
}

describe("erfinv and the normal quantile", () => {
  it.effect("x = sqrt 2 erfinv(2u - 1) inverts an independent erf to float64 accuracy", () =>
    inScope(() => {
      const n = 20_000
      const u = openUniforms(31, n)
      const x = truncatedNormal(key(31), [n], { lo: -Infinity, hi: Infinity, dtype: "float64" }).toTypedArray()
      let worst = 0
      for (let i = 0; i < n; i++) {
        const xi = x[i]!
        // The residual of the round trip divided by the density: the error in x to first order.
        const residual = u[i]! < 0.5 ? normalCdf(xi) - u[i]! : 1 - u[i]! - normalCdf(-xi)
        worst = Math.max(worst, Math.abs(residual / normalPdf(xi)) / Math.max(1, Math.abs(xi)))
      }
      // 3e-15 allows for the reference: its Phi is good to about 1e-15 relative (series, |z| <= 1)
      expect(worst).toBeLessThan(3e-15)
    }))

  it.effect("deep tails keep their relative accuracy, and [lo, hi] mirrors [-hi, -lo]", () =>
    inScope(() => {
      const n = 5_000
      const v = openUniforms(77, n)
      for (const [lo, hi] of [[-30, -20], [-37, -36.5], [-9, -1]] as const) {
        const x = truncatedNormal(key(77), [n], { lo, hi, dtype: "float64" }).toTypedArray()
        const mirrored = truncatedNormal(key(77), [n], { lo: -hi, hi: -lo, dtype: "float64" }).toTypedArray()
        const a = normalCdf(lo)
        const mass = normalCdf(hi) - a
        for (let i = 0; i < n; i++) {
          const xi = x[i]!
          expect(xi >= lo && xi <= hi).toBe(true)
          expect(mirrored[i]).toBe(-xi)
          const u = a + mass * v[i]!
          expect(Math.abs(normalCdf(xi) - u)).toBeLessThan(1e-12 * u)
        }
      }
    }))
})

describe("truncated normal", () => {
  const cases: Array<[number, number]> = [[-2, 2], [0.5, 3], [-1, Infinity], [3, 4], [-0.1, 0.1]]

  it.effect("moments against the closed forms, KS against the truncated CDF", () =>
    inScope(() => {
      for (const [a, b] of cases) {
        const x = truncatedNormal(key(1000 + a * 10), [N], { lo: a, hi: b }).toTypedArray()
        const pa = normalPdf(a)
        const pb = Number.isFinite(b) ? normalPdf(b) : 0
        const z = normalCdf(b) - normalCdf(a)
        const mean = (pa - pb) / z
        const variance = 1 + (a * pa - (Number.isFinite(b) ? b * pb : 0)) / z - mean * mean
        let inside = true
        for (const v of x) inside &&= v >= Math.fround(a) && v <= b
        expect(inside).toBe(true)
        const m = moments(x)
        // standard errors sqrt(var/n), and var sqrt(2/n) for the variance (truncation lowers the kurtosis below 3)
        expect(Math.abs(m.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / N))
        expect(Math.abs(m.variance - variance)).toBeLessThan(5 * variance * Math.sqrt(2 / N))
        const cdf = (v: number) => Math.min(1, Math.max(0, (normalCdf(v) - normalCdf(a)) / z))
        expect(ksStatistic(x, cdf)).toBeLessThan(ksCritical(N, ALPHA))
      }
    }))

  it.effect("mean and std scale the standard draw", () =>
    inScope(() => {
      const z = truncatedNormal(key(9), [1000], { dtype: "float64" }).toTypedArray()
      const x = truncatedNormal(key(9), [1000], { mean: 3, std: 0.5, dtype: "float64" }).toTypedArray()
      for (let i = 0; i < 1000; i++) expect(x[i]).toBe(z[i]! * 0.5 + 3)
    }))
})
