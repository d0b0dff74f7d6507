/**
 * The WGAN-GP penalty mean_i (‖∇ₓ D(x_i)‖₂ − 1)² differentiated with respect to the critic's
 * parameters (a gradient of a gradient) matches central finite differences in float64.
 */
import { describe, expect, it } from "@effect/vitest"
import { checkGrad, grad } from "../../src/autodiff/index.js"
import * as T from "../../src/tensor/index.js"
import { uniformTensor as U } from "../support/random.js"

type Critic = [T.Tensor, T.Tensor, T.Tensor, T.Tensor, T.Tensor, T.Tensor]

const critic = (seed: number): Critic => [
  U([2, 8], -0.8, 0.8, seed), U([8], -0.2, 0.2, seed + 1),
  U([8, 8], -0.5, 0.5, seed + 2), U([8], -0.2, 0.2, seed + 3),
  U([8, 1], -0.5, 0.5, seed + 4), U([1], -0.2, 0.2, seed + 5)
]

const forward = (act: (x: T.Tensor) => T.Tensor) => (p: readonly T.Tensor[], x: T.Tensor): T.Tensor => {
  const h1 = act(T.add(T.matmul(x, p[0]!), p[1]!))
  const h2 = act(T.add(T.matmul(h1, p[2]!), p[3]!))
  return T.add(T.matmul(h2, p[4]!), p[5]!)
}

/** Per-sample input-gradient norms of the critic, built with createGraph. */
const inputGradNorms = (D: (p: readonly T.Tensor[], x: T.Tensor) => T.Tensor, p: readonly T.Tensor[], x: T.Tensor) =>
  T.norm(grad((xi: T.Tensor) => T.sum(D(p, xi)), { createGraph: true })(x), 1)

const penalty = (D: (p: readonly T.Tensor[], x: T.Tensor) => T.Tensor, x: T.Tensor) => (...p: T.Tensor[]) =>
  T.mean(T.square(T.sub(inputGradNorms(D, p, x), 1)))

describe("gradient penalty (double backward)", () => {
  for (const [name, act] of [["tanh", T.tanh], ["relu", T.relu]] as const) {
    it(`its parameter gradient matches finite differences (${name} critic, relative error < 1e-6)`, () =>
      T.local(() => {
        const x = U([5, 2], -1, 1, 99)
        const report = checkGrad(penalty(forward(act), x), critic(7), { order: 1, eps: 1e-6, atol: 1e-12, rtol: 1e-6 })
        expect(report.worstRatio, JSON.stringify(report)).toBeLessThanOrEqual(1)
      }))
  }

  it("takes the norm per sample, not over the batch", () =>
    T.local(() => {
      const D = forward(T.tanh)
      const p = critic(3)
      const x = U([4, 2], -1, 1, 5)
      const batch = Array.from(inputGradNorms(D, p, x).toTypedArray())
      expect(batch).toHaveLength(4)
      for (let i = 0; i < 4; i++) {
        const single = inputGradNorms(D, p, T.slice(x, 0, i, i + 1)).item()
        expect(batch[i]).toBeCloseTo(single, 12)
      }
      expect(new Set(batch.map((v) => v.toFixed(8))).size).toBe(4)
    }))
})
