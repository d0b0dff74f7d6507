/** GAN losses and the Wasserstein critic against their formulas. */
import { describe, expect, it } from "@effect/vitest"
import { grad } from "../../src/autodiff/index.js"
import { hinge, leastSquares, minimax, nonSaturating, wasserstein } from "../../src/divergence/index.js"
import * as T from "../../src/tensor/index.js"

const f64 = (xs: number[]) => T.tensor(xs, { dtype: "float64" })
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const softplus = (x: number) => Math.log1p(Math.exp(x))
const identity = (x: T.Tensor) => T.reshape(x, [-1, 1]) // a critic returning [B, 1]

describe("GAN losses", () => {
  const real = [0.5, -1.2, 2], fake = [-0.3, 0.8]
  const inputs = () => ({ real: f64(real), fake: f64(fake), critic: identity })

  it("minimax and non-saturating", () =>
    T.local(() => {
      const critic = mean(real.map((v) => softplus(-v))) + mean(fake.map(softplus))
      expect(minimax.criticLoss!(inputs()).item()).toBeCloseTo(critic, 14)
      expect(nonSaturating.criticLoss!(inputs()).item()).toBeCloseTo(critic, 14)
      expect(minimax.generatorLoss(inputs()).item()).toBeCloseTo(mean(fake.map((v) => Math.log(1 - 1 / (1 + Math.exp(-v))))), 14)
      expect(nonSaturating.generatorLoss(inputs()).item()).toBeCloseTo(mean(fake.map((v) => -Math.log(1 / (1 + Math.exp(-v))))), 14)
    }))

  it("least squares with a, b, c", () =>
    T.local(() => {
      const d = leastSquares({ a: -1, b: 1, c: 0 })
      expect(d.criticLoss!(inputs()).item()).toBeCloseTo(0.5 * mean(real.map((v) => (v - 1) ** 2)) + 0.5 * mean(fake.map((v) => (v + 1) ** 2)), 14)
      expect(d.generatorLoss(inputs()).item()).toBeCloseTo(0.5 * mean(fake.map((v) => v * v)), 14)
    }))

  it("hinge", () =>
    T.local(() => {
      expect(hinge.criticLoss!(inputs()).item()).toBeCloseTo(mean(real.map((v) => Math.max(0, 1 - v))) + mean(fake.map((v) => Math.max(0, 1 + v))), 14)
      expect(hinge.generatorLoss(inputs()).item()).toBeCloseTo(-mean(fake), 14)
    }))

  it("Wasserstein: the optimal 1-Lipschitz critic recovers W₁ between point masses", () =>
    T.local(() => {
      // P = δ₀, Q = δ₃ on the line: V(x) = −x is 1-Lipschitz and optimal; W₁ = 3.
      const critic = (x: T.Tensor) => T.neg(x)
      const loss = wasserstein.criticLoss!({ real: f64([0, 0]), fake: f64([3, 3, 3]), critic }).item()
      expect(-loss).toBeCloseTo(3, 14)
      expect(wasserstein.generatorLoss({ fake: f64([3]), critic }).item()).toBe(3)
    }))

  it("losses are differentiable in the generator's samples", () =>
    T.local(() => {
      const fakeVar = f64([0.2, -0.4])
      const loss = (x: T.Tensor) => nonSaturating.generatorLoss({ fake: x, critic: identity })
      // d/dx mean softplus(−x) = −σ(−x)/n
      const got = Array.from(grad(loss)(fakeVar).toTypedArray())
      got.forEach((v, i) => expect(v).toBeCloseTo(-1 / (1 + Math.exp([0.2, -0.4][i]!)) / 2, 14))
    }))
})
