/**
 * 1-D Gaussian mixtures: the density against a float64 sum of normal pdfs and Simpson's
 * integral (total mass 1), the CDF against the integral of the density, derivatives by
 * finite differences, samples by moments and a Kolmogorov–Smirnov test against the CDF.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { checkGrad, grad } from "../../src/autodiff/index.js"
import { gaussianMixture1d } from "../../src/data/index.js"
import { key } from "../../src/random/index.js"
import * as T from "../../src/tensor/index.js"
import { normalPdf, simpson } from "../support/quadrature.js"
import { failureTag, inScope, ksCritical, ksStatistic } from "../random/reference.js"

const f64 = { dtype: "float64" } as const
const spec = { weights: [0.2, 0.5, 0.3], means: [-2, 0.5, 3], stds: [0.5, 1, 0.25] }
const pdf = (x: number) => spec.weights.reduce((s, w, k) => s + w * normalPdf(spec.means[k]!, spec.stds[k]!)(x), 0)

describe("gaussianMixture1d", () => {
  it.effect("logPdf is log Σ w_k N(x; m_k, s_k²) and integrates to 1", () =>
    inScope(() => {
      const mix = gaussianMixture1d(spec)
      const xs = Array.from({ length: 41 }, (_, i) => -6 + 0.3 * i)
      const got = mix.logPdf(T.tensor(xs, f64)).toTypedArray()
      xs.forEach((x, i) => expect(got[i]!).toBeCloseTo(Math.log(pdf(x)), 12))
      const grid = T.linspace(-12, 12, 24001, f64)
      const p = Array.from(T.exp(mix.logPdf(grid)).toTypedArray())
      const h = 24 / 24000
      let mass = p[0]! + p[24000]!
      for (let i = 1; i < 24000; i++) mass += (i % 2 === 1 ? 4 : 2) * p[i]!
      expect((mass * h) / 3).toBeCloseTo(1, 10)
      // any shape, elementwise; the [n, 1] contract drops the last axis
      expect(mix.logPdf(T.zeros([2, 3], f64)).shape).toEqual([2, 3])
      expect(mix.logDensity(T.zeros([4, 1], f64)).shape).toEqual([4])
    }))

  it.effect("cdf is the integral of the density", () =>
    inScope(() => {
      const mix = gaussianMixture1d(spec)
      const xs = [-4, -2, -1, 0.5, 2, 2.9, 3.2, 5]
      const got = mix.cdf(T.tensor(xs, f64)).toTypedArray()
      xs.forEach((x, i) => expect(got[i]!).toBeCloseTo(simpson(pdf, -15, x, 40000), 9))
    }))

  it.effect("logPdf and cdf are differentiable (finite differences, first and second order); d cdf = pdf", () =>
    inScope(() => {
      const mix = gaussianMixture1d(spec)
      const x = T.tensor([-2.3, -0.4, 0.7, 2.95, 3.4], f64)
      for (const order of [1, 2] as const) {
        expect(checkGrad((y) => T.sum(mix.logPdf(y)), [x], { order, atol: 1e-6, rtol: 1e-5 }).ok).toBe(true)
        expect(checkGrad((y) => T.sum(mix.cdf(y)), [x], { order, atol: 1e-6, rtol: 1e-5 }).ok).toBe(true)
      }
      const density = grad((y: T.Tensor) => T.sum(mix.cdf(y)))(x).toTypedArray()
      const xs = x.toTypedArray()
      xs.forEach((v, i) => expect(density[i]!).toBeCloseTo(pdf(v), 12))
    }))

  it.effect("samples: mean, variance and a KS test against the CDF (significance 0.001)", () =>
    inScope(() => {
      const mix = gaussianMixture1d(spec)
      const n = 100_000
      const s = mix.sample(key(8), n, f64)
      expect(s.shape).toEqual([n, 1])
      const xs = s.toTypedArray() as Float64Array
      const mean = spec.weights.reduce((a, w, k) => a + w * spec.means[k]!, 0)
      const second = spec.weights.reduce((a, w, k) => a + w * (spec.stds[k]! ** 2 + spec.means[k]! ** 2), 0)
      const variance = second - mean * mean
      let m = 0
      for (const v of xs) m += v
      m /= n
      expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(variance / n))
      let v2 = 0
      for (const v of xs) v2 += (v - m) ** 2
      // the variance of the sample variance is (μ₄ − σ⁴)/n; μ₄ of the mixture, computed from its components
      const mu4 = spec.weights.reduce((a, w, k) => {
        const d = spec.means[k]! - mean, s2 = spec.stds[k]! ** 2
        return a + w * (d ** 4 + 6 * d * d * s2 + 3 * s2 * s2)
      }, 0)
      expect(Math.abs(v2 / n - variance)).toBeLessThan(5 * Math.sqrt((mu4 - variance ** 2) / n))
      const cdf = (x: number) => spec.weights.reduce((a, w, k) => a + w * simpsonCdf(x, k), 0)
      const sub = xs.subarray(0, 5000)
      expect(ksStatistic(sub, cdf)).toBeLessThan(ksCritical(sub.length, 0.001))
      // the same key gives the same draw, in float32 too
      expect(Array.from(mix.sample(key(8), 10).toTypedArray())).toEqual(Array.from(mix.sample(key(8), 10).toTypedArray()))
    }))

  it.effect("weights are normalised; zero-weight components are never drawn and carry no mass", () =>
    inScope(() => {
      const mix = gaussianMixture1d({ weights: [2, 0, 2], means: [-10, 0, 10], stds: [1, 1, 1] })
      expect(mix.weights).toEqual([0.5, 0, 0.5])
      const xs = mix.sample(key(4), 20000, f64).toTypedArray()
      let middle = 0
      for (const v of xs) if (Math.abs(v) < 5) middle++
      expect(middle).toBe(0)
      expect(mix.cdf(T.tensor([0], f64)).item()).toBeCloseTo(0.5, 12)
      expect(mix.modes.centres).toEqual([[-10], [0], [10]])
      expect(mix.modes.stds).toEqual([1, 1, 1])
    }))

  it.effect("bad specifications and inputs are InvalidArgument errors", () =>
    Effect.gen(function* () {
      const bad = [
        () => gaussianMixture1d({ weights: [], means: [], stds: [] }),
        () => gaussianMixture1d({ weights: [1, 1], means: [0], stds: [1, 1] }),
        () => gaussianMixture1d({ weights: [1, -1], means: [0, 1], stds: [1, 1] }),
        () => gaussianMixture1d({ weights: [0, 0], means: [0, 1], stds: [1, 1] }),
        () => gaussianMixture1d({ weights: [1], means: [Number.NaN], stds: [1] }),
        () => gaussianMixture1d({ weights: [1], means: [0], stds: [0] }),
        () => gaussianMixture1d(spec).logDensity(T.zeros([3, 2])),
        () => gaussianMixture1d(spec).cdf(T.zeros([3], { dtype: "int32" })),
        () => gaussianMixture1d(spec).sample(key(1), -3)
      ]
      for (const f of bad) expect(yield* failureTag(f)).toBe("InvalidArgument")
    }))
})

// Φ((x − m_k)/s_k) by quadrature of the component's pdf (independent of erf).
const simpsonCdf = (x: number, k: number) => {
  const m = spec.means[k]!, s = spec.stds[k]!
  return simpson(normalPdf(m, s), m - 12 * s, Math.max(x, m - 12 * s), 2000)
}
