/** MMD against closed forms and direct sums; unbiasedness by replication; gradients by checkGrad. */
import { describe, expect, it } from "@effect/vitest"
import { checkGrad, grad } from "../../src/autodiff/index.js"
import { energyKernel, gaussianKernel, inverseMultiquadricKernel, mmd, mmd2 } from "../../src/divergence/index.js"
import * as T from "../../src/tensor/index.js"
import { normalSamples } from "../support/quadrature.js"
import { prng, uniformTensor } from "../support/random.js"

const sample = (n: number, d: number, mean: number, sd: number, next: () => number) =>
  T.tensor(normalSamples(n * d, next, mean, sd), { shape: [n, d], dtype: "float64" })

// E exp(−‖X − Y‖²/(2σ²)) for X ~ N(μ1·1, s1² I_d), Y ~ N(μ2·1, s2² I_d) independent:
// X − Y ~ N(Δ, (s1² + s2²) I), so E = (σ²/(σ² + s1² + s2²))^{d/2} exp(−‖Δ‖²/(2(σ² + s1² + s2²))).
const gaussExpectation = (sigma: number, d: number, delta2: number, s1: number, s2: number) => {
  const v = sigma * sigma + s1 * s1 + s2 * s2
  return (sigma * sigma / v) ** (d / 2) * Math.exp(-delta2 / (2 * v))
}

describe("MMD", () => {
  it("the biased estimate is zero between identical sample sets, for every kernel", () =>
    T.local(() => {
      const x = uniformTensor([7, 3], -1, 1, 1)
      for (const k of [gaussianKernel([0.5, 2]), inverseMultiquadricKernel(1), energyKernel()])
        expect(Math.abs(mmd2(k, x, x, "biased").item())).toBeLessThan(1e-14)
    }))

  it("the unbiased estimator is unbiased on average; the biased one is not", () =>
    T.local(() => {
      const sigma = 1.5, d = 2, n = 16, reps = 300
      const truth = gaussExpectation(sigma, d, 0, 1, 1) + gaussExpectation(sigma, d, 0, 1.3, 1.3) - 2 * gaussExpectation(sigma, d, 2 * 0.5 ** 2, 1, 1.3)
      const next = prng(11)
      const kernel = gaussianKernel(sigma)
      const unbiased: number[] = [], biased: number[] = []
      for (let r = 0; r < reps; r++)
        T.local(() => {
          const x = sample(n, d, 0, 1, next), y = sample(n, d, 0.5, 1.3, next)
          unbiased.push(mmd2(kernel, x, y, "unbiased").item())
          biased.push(mmd2(kernel, x, y, "biased").item())
        })
      const avg = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length
      const se = (a: number[]) => Math.sqrt(a.reduce((s, v) => s + (v - avg(a)) ** 2, 0) / (a.length - 1) / a.length)
      expect(Math.abs(avg(unbiased) - truth)).toBeLessThan(4 * se(unbiased))
      expect(avg(biased) - truth).toBeGreaterThan(4 * se(biased))
    }))

  it("the energy kernel gives the energy distance, the IMQ kernel its formula", () =>
    T.local(() => {
      const xs = [[0, 0], [1, 2], [-1, 0.5]], ys = [[0.5, -1], [2, 2]]
      const dist = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!)
      const meanPairs = (a: number[][], b: number[][]) => a.reduce((s, u) => s + b.reduce((t, v) => t + dist(u, v), 0), 0) / (a.length * b.length)
      const energy = 2 * meanPairs(xs, ys) - meanPairs(xs, xs) - meanPairs(ys, ys)
      const x = T.tensor(xs, { dtype: "float64" }), y = T.tensor(ys, { dtype: "float64" })
      expect(mmd2(energyKernel(), x, y, "biased").item()).toBeCloseTo(energy, 13)
      const imq = inverseMultiquadricKernel(2).matrix(x, y).toArray() as number[][]
      imq.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(2 / (2 + dist(xs[i]!, ys[j]!) ** 2), 13)))
    }))

  for (const [name, kernel] of [["gaussian", gaussianKernel([0.7, 1.5])], ["energy", energyKernel()], ["imq", inverseMultiquadricKernel(1)]] as const) {
    it(`is differentiable (${name} kernel, checkGrad order 1 and 2)`, () =>
      T.local(() => {
        const x = uniformTensor([4, 2], -1, 1, 3), y = uniformTensor([5, 2], -1, 1, 4)
        for (const order of [1, 2] as const) {
          const report = checkGrad((a, b) => mmd2(kernel, a, b, "unbiased"), [x, y], { order, atol: 1e-7, rtol: 1e-5 })
          expect(report.ok, JSON.stringify(report)).toBe(true)
        }
      }))
  }

  it("the energy MMD has a finite gradient when samples coincide", () =>
    T.local(() => {
      const x = uniformTensor([3, 2], -1, 1, 5)
      const g = grad((y: T.Tensor) => mmd2(energyKernel(), x, y, "biased"))(x)
      expect(Array.from(g.toTypedArray()).every(Number.isFinite)).toBe(true)
    }))

  it("as a divergence: no critic, the generator loss compares real and fake (or latent and prior)", () =>
    T.local(() => {
      const x = uniformTensor([5, 2], -1, 1, 6), y = uniformTensor([6, 2], -1, 1, 7)
      const k = gaussianKernel(1)
      expect(mmd(k).criticLoss).toBeUndefined()
      expect(mmd(k).generatorLoss({ real: x, fake: y }).item()).toBeCloseTo(mmd2(k, x, y).item(), 14)
      expect(mmd(k, { between: "latent", estimator: "biased" }).generatorLoss({ latent: x, prior: y }).item()).toBeCloseTo(mmd2(k, x, y, "biased").item(), 14)
    }))
})
