/** Divergences as values: the laws of plus and scale, specs that round-trip, typed failures. */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import fc from "fast-check"
import {
  type Divergence, DivergenceSpec, fgan, fromSpec, hinge, leastSquares, minimax, MissingInput, nonSaturating, plus, r1, scale,
  wasserstein, withPenalty, withWeightClip
} from "../../src/divergence/index.js"
import * as T from "../../src/tensor/index.js"

const f64 = (xs: number[]) => T.tensor(xs, { dtype: "float64" })
const pool: Divergence[] = [minimax, nonSaturating, hinge, wasserstein, leastSquares(), fgan("kl"), fgan("pearson"), fgan("jensenShannon")]

const losses = (d: Divergence, real: number[], fake: number[], w: number) =>
  T.local(() => {
    const critic = (x: T.Tensor) => T.tanh(T.mul(x, w))
    const inputs = { real: f64(real), fake: f64(fake), critic }
    return [d.criticLoss?.(inputs).item() ?? 0, d.generatorLoss(inputs).item()]
  })

const samples = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 6 })
const close = (a: number[], b: number[]) => a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, 10))

describe("combinators", () => {
  it("plus is associative", () =>
    fc.assert(
      fc.property(fc.nat(pool.length - 1), fc.nat(pool.length - 1), fc.nat(pool.length - 1), samples, samples, fc.double({ min: 0.1, max: 2, noNaN: true }),
        (i, j, k, real, fake, w) => {
          const [a, b, c] = [pool[i]!, pool[j]!, pool[k]!]
          close(losses(plus(a, plus(b, c)), real, fake, w), losses(plus(plus(a, b), c), real, fake, w))
        }),
      { numRuns: 40 }
    ))

  it("scale distributes over plus and composes multiplicatively", () =>
    fc.assert(
      fc.property(fc.nat(pool.length - 1), fc.nat(pool.length - 1), fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), samples, samples,
        (i, j, s, t, real, fake) => {
          const [a, b] = [pool[i]!, pool[j]!]
          close(losses(scale(plus(a, b), s), real, fake, 1), losses(plus(scale(a, s), scale(b, s)), real, fake, 1))
          close(losses(scale(scale(a, s), t), real, fake, 1), losses(scale(a, s * t), real, fake, 1))
        }),
      { numRuns: 40 }
    ))

  it("a sum's losses are the sums of the terms' losses (pipe form)", () => {
    const d = wasserstein.pipe(plus(scale(minimax, 0.5)))
    const [c1, g1] = losses(wasserstein, [0.3, 1], [-0.2], 1)
    const [c2, g2] = losses(minimax, [0.3, 1], [-0.2], 1)
    close(losses(d, [0.3, 1], [-0.2], 1), [c1! + 0.5 * c2!, g1! + 0.5 * g2!])
    expect(d.name).toBe("Wasserstein + 0.5·(GAN (minimax))")
  })

  it("withPenalty adds the penalty to the critic's loss only", () =>
    T.local(() => {
      // Linear critic V(x) = 3x on 1-D samples: ∇V = 3, so R1 = (γ/2)·9.
      const critic = (x: T.Tensor) => T.mul(x, 3)
      const inputs = { real: f64([0.1, 0.2]), fake: f64([0.5]), critic }
      const d = wasserstein.pipe(withPenalty(r1(2)))
      expect(d.criticLoss!(inputs).item()).toBeCloseTo(wasserstein.criticLoss!(inputs).item() + 9, 12)
      expect(d.generatorLoss(inputs).item()).toBe(wasserstein.generatorLoss(inputs).item())
    }))

  it("every value carries a spec that round-trips through Schema and fromSpec", () => {
    const values = [
      wasserstein.pipe(withPenalty(r1(10, { every: 4 }))),
      fgan("jeffrey", { generator: "alternative" }).pipe(plus(scale(hinge, 0.1))),
      wasserstein.pipe(withWeightClip(0.01)),
      leastSquares({ a: -1, b: 1, c: 0 })
    ]
    for (const d of values) {
      const encoded = JSON.parse(JSON.stringify(Schema.encodeSync(DivergenceSpec)(d.spec)))
      const rebuilt = fromSpec(Schema.decodeUnknownSync(DivergenceSpec)(encoded))
      expect(rebuilt.spec).toEqual(d.spec)
      expect(rebuilt.name).toBe(d.name)
      expect(rebuilt.weightClip).toBe(d.weightClip)
    }
  })

  it("an invalid spec is refused with every problem listed", () => {
    const bad = { _tag: "withPenalty", of: { _tag: "fgan", f: "nope", generator: "saddle" }, penalty: { _tag: "r1", gamma: -1, every: 0 } }
    let message = ""
    try {
      Schema.decodeUnknownSync(DivergenceSpec)(bad, { errors: "all" })
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toContain('["of"]["f"]')
    expect(message).toContain('["penalty"]["gamma"]')
    expect(message).toContain('["penalty"]["every"]')
  })

  it("missing inputs and impossible combinations are typed errors", () =>
    T.local(() => {
      expect(() => wasserstein.criticLoss!({ real: f64([1]) })).toThrow(MissingInput)
      const noCritic: Divergence = { ...wasserstein, criticLoss: undefined } as Divergence
      expect(() => withPenalty(noCritic, r1(1))).toThrow(MissingInput)
      expect(() => fgan("nope" as never)).toThrow(T.InvalidArgument)
      expect(() => r1(-1)).toThrow(T.InvalidArgument)
    }))
})
