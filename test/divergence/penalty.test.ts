/** Critic penalties against closed forms on critics with known input gradients. */
import { describe, expect, it } from "@effect/vitest"
import { checkGrad } from "../../src/autodiff/index.js"
import { gradientPenalty, r1, r2, wasserstein, withPenalty } from "../../src/divergence/index.js"
import { key, uniform } from "../../src/random/index.js"
import * as T from "../../src/tensor/index.js"
import { uniformTensor } from "../support/random.js"

const f64 = (xs: number[] | number[][]) => T.tensor(xs, { dtype: "float64" })

describe("penalties", () => {
  it("gradient penalty of a linear critic: λ(‖w‖ − 1)², one-sided only above 1", () =>
    T.local(() => {
      const real = uniformTensor([5, 3], -1, 1, 1), fake = uniformTensor([5, 3], -1, 1, 2)
      for (const w of [[0.3, 0.4, 0], [1, 2, 2]]) {
        const critic = (x: T.Tensor) => T.matmul(x, f64(w))
        const slope = Math.hypot(...w)
        const inputs = { real, fake, critic, key: key(3) }
        expect(gradientPenalty(10).apply(inputs)!.item()).toBeCloseTo(10 * (slope - 1) ** 2, 12)
        expect(gradientPenalty(10, { oneSided: true }).apply(inputs)!.item()).toBeCloseTo(10 * Math.max(0, slope - 1) ** 2, 12)
      }
    }))

  it("interpolates x̂ = αx + (1 − α)y with one α per sample from the key", () =>
    T.local(() => {
      // V(x) = ½‖x‖², so ∇V(x̂) = x̂ and the penalty is λ·mean (‖x̂ᵢ‖ − 1)².
      const real = f64([[1, 0], [0, 2], [3, 1]]), fake = f64([[0, 1], [1, 1], [-1, 0]])
      const critic = (x: T.Tensor) => T.mul(T.sum(T.square(x), 1), 0.5)
      const alpha = Array.from(uniform(key(5), [3, 1], { dtype: "float64" }).toTypedArray())
      const r = real.toArray() as number[][], f = fake.toArray() as number[][]
      const expected = r.reduce((s, ri, i) => {
        const xh = ri.map((v, j) => alpha[i]! * v + (1 - alpha[i]!) * f[i]![j]!)
        return s + (Math.hypot(...xh) - 1) ** 2
      }, 0) / 3
      expect(gradientPenalty(2).apply({ real, fake, critic, key: key(5) })!.item()).toBeCloseTo(2 * expected, 12)
    }))

  it("R1 and R2: (γ/2)·E‖∇V‖² on real and on generated samples", () =>
    T.local(() => {
      const critic = (x: T.Tensor) => T.mul(T.sum(T.square(x), 1), 0.5) // ∇V(x) = x
      const real = f64([[1, 2], [0, 1]]), fake = f64([[3, 0]])
      expect(r1(4).apply({ real, fake, critic })!.item()).toBeCloseTo(2 * ((1 + 4) + 1) / 2, 12)
      expect(r2(4).apply({ real, fake, critic })!.item()).toBeCloseTo(2 * 9, 12)
    }))

  it("lazy penalties apply on every k-th critic step, scaled by k", () =>
    T.local(() => {
      const critic = (x: T.Tensor) => T.matmul(x, f64([2]))
      const inputs = (step: number) => ({ real: f64([[1]]), fake: f64([[0]]), critic, key: key(1), step })
      const lazy = gradientPenalty(10, { every: 4 })
      expect(lazy.apply(inputs(0))!.item()).toBeCloseTo(4 * 10 * 1, 12)
      expect(lazy.apply(inputs(1))).toBeUndefined()
      expect(lazy.apply(inputs(8))!.item()).toBeCloseTo(40, 12)
      const d = wasserstein.pipe(withPenalty(lazy))
      expect(d.criticLoss!(inputs(3)).item()).toBe(wasserstein.criticLoss!(inputs(3)).item())
    }))

  it("WGAN-GP's critic loss is differentiable in the critic's parameters (double backward, checkGrad)", () =>
    T.local(() => {
      const real = uniformTensor([4, 2], -1, 1, 7), fake = uniformTensor([4, 2], -1, 1, 8)
      const d = wasserstein.pipe(withPenalty(gradientPenalty(10)))
      const loss = (w1: T.Tensor, w2: T.Tensor) => {
        const critic = (x: T.Tensor) => T.matmul(T.tanh(T.matmul(x, w1)), w2)
        return d.criticLoss!({ real, fake, critic, key: key(9) })
      }
      const report = checkGrad(loss, [uniformTensor([2, 5], -1, 1, 10), uniformTensor([5, 1], -1, 1, 11)], { atol: 1e-9, rtol: 1e-6 })
      expect(report.ok, JSON.stringify(report)).toBe(true)
    }))

  it("a penalty needs a key (gradient penalty) and the samples it reads", () =>
    T.local(() => {
      const critic = (x: T.Tensor) => x
      expect(() => gradientPenalty(1).apply({ real: f64([1]), fake: f64([2]), critic })).toThrow(/needs inputs.key/)
      expect(() => r1(1).apply({ critic })).toThrow(/needs inputs.real/)
      expect(() => gradientPenalty(0)).toThrow(T.InvalidArgument)
      expect(() => gradientPenalty(1, { every: 0 })).toThrow(T.InvalidArgument)
    }))
})
