/**
 * The debiased Sinkhorn divergence and sliced Wasserstein as values: S_ε = 0 on identical
 * samples and positive otherwise; envelope and unrolled gradients against finite differences of
 * the converged value (float64); SW against the exact translation identities; keyed projections;
 * spec round trips; typed errors; no leaks.
 */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { checkGrad, grad } from "../../src/autodiff/index.js"
import {
  debiasedSinkhorn, DivergenceSpec, entropicOT, fromSpec, MissingInput, plus, scale, sinkhornDivergence, slicedWasserstein, slicedWassersteinPower
} from "../../src/divergence/index.js"
import { key } from "../../src/random/index.js"
import * as T from "../../src/tensor/index.js"
import { uniformTensor } from "../support/random.js"

const f64 = (v: number[] | number[][]) => T.tensor(v, { dtype: "float64" })
const tight = { epsilon: 0.1, tolerance: 1e-14, iterations: 20000 }

describe("Sinkhorn divergence", () => {
  it("is 0 on identical samples and positive otherwise (p = 1, 2; several ε)", () =>
    T.local(() => {
      const x = uniformTensor([6, 2], 0, 1, 1), y = uniformTensor([5, 2], 0, 1, 2)
      for (const p of [1, 2]) for (const epsilon of [0.05, 0.5, 5]) {
        const o = { ...tight, epsilon, p }
        expect(Math.abs(debiasedSinkhorn(x, x, o).item())).toBeLessThan(1e-13)
        expect(debiasedSinkhorn(x, y, o).item()).toBeGreaterThan(1e-6)
        expect(debiasedSinkhorn(x, T.add(x, 0.01), o).item()).toBeGreaterThan(0)
      }
    }))

  it("is symmetric and, for p = 2, equals ‖shift‖² for a translated cloud as ε → 0", () =>
    T.local(() => {
      const x = uniformTensor([5, 2], 0, 1, 3), y = uniformTensor([7, 2], 0, 1, 4)
      expect(debiasedSinkhorn(x, y, tight).item()).toBeCloseTo(debiasedSinkhorn(y, x, tight).item(), 12)
      // W₂²(α, α + s) = ‖s‖²; the debiased value tends to it as ε → 0 (s large against the cloud's spread).
      const shifted = T.add(x, f64([3, -4]))
      const s = debiasedSinkhorn(x, shifted, { epsilon: 0.01, epsilonScaling: true, tolerance: 1e-9, iterations: 5000 }).item()
      expect(Math.abs(s - 25)).toBeLessThan(0.05)
    }))

  for (const differentiation of ["envelope", "unrolled"] as const)
    it(`the ${differentiation} gradient matches finite differences of the converged value (float64, p = 2 and 1)`, () =>
      T.local(() => {
        const x = uniformTensor([4, 2], 0, 1, 5), y = uniformTensor([5, 2], 0, 1, 6)
        for (const p of [2, 1]) {
          const o = { ...tight, p, differentiation, iterations: differentiation === "unrolled" ? 400 : 20000, stopEarly: differentiation !== "unrolled" }
          const report = checkGrad((a, b) => debiasedSinkhorn(a, b, o), [x, y], { atol: 1e-8, rtol: 1e-6 })
          expect(report.ok, JSON.stringify(report)).toBe(true)
        }
      }))

  it("envelope and unrolled gradients agree at convergence", () =>
    T.local(() => {
      const x = uniformTensor([5, 2], 0, 1, 7), y = uniformTensor([4, 2], 0, 1, 8)
      const gradOf = (differentiation: "envelope" | "unrolled") =>
        grad((a: T.Tensor) => entropicOT(a, y, { ...tight, differentiation, iterations: 400, stopEarly: false }))(x)
      expect(T.max(T.abs(T.sub(gradOf("envelope"), gradOf("unrolled")))).item()).toBeLessThan(1e-12)
    }))

  it("as a divergence: no critic, generatorLoss = S_ε(real, fake), spec round trip, typed errors", () =>
    T.local(() => {
      const real = uniformTensor([6, 2], 0, 1, 9), fake = uniformTensor([6, 2], 0, 1, 10)
      const d = sinkhornDivergence({ epsilon: 0.1, p: 2, tolerance: 1e-12 })
      expect(d.criticLoss).toBeUndefined()
      expect(d.generatorLoss({ real, fake }).item()).toBeCloseTo(debiasedSinkhorn(real, fake, { epsilon: 0.1, tolerance: 1e-12 }).item(), 13)
      expect(() => d.generatorLoss({ real })).toThrow(MissingInput)
      expect(() => sinkhornDivergence({ epsilon: 0 })).toThrow()
      expect(() => sinkhornDivergence({ epsilon: 1, p: 0.5 })).toThrow()
      expect(() => sinkhornDivergence({ epsilon: 1, domain: "standard", epsilonScaling: true })).toThrow()
    }))
})

describe("sliced Wasserstein", () => {
  // For θ uniform on S^{d−1} and a unit vector e: E(θ·e)² = 1/d, and in d = 3, θ·e is uniform on [−1, 1] (Archimedes), so E|θ·e| = 1/2.
  it("of a translated cloud: SW₂² = ‖s‖²/d and, in d = 3, SW₁ = ‖s‖/2 (many projections)", () =>
    T.local(() => {
      const x = uniformTensor([40, 3], -1, 1, 11), s = f64([0.3, -0.4, 1.2]), norm2 = 0.09 + 0.16 + 1.44
      const y = T.add(x, s)
      const L = 20000
      // Relative standard errors: sd((θ·e)²)/mean = 0.89, sd|θ·e|/mean = 0.58 in d = 3; 5 standard errors.
      const sw2 = slicedWassersteinPower(x, y, key(1), { projections: L, p: 2 }).item()
      expect(Math.abs(sw2 / (norm2 / 3) - 1)).toBeLessThan((5 * 0.9) / Math.sqrt(L))
      const sw1 = slicedWassersteinPower(x, y, key(2), { projections: L, p: 1 }).item()
      expect(Math.abs(sw1 / (Math.sqrt(norm2) / 2) - 1)).toBeLessThan((5 * 0.58) / Math.sqrt(L))
    }))

  it("in 1-D equals the exact W_p^p, also for unequal sizes (checked by replicating atoms to equal size)", () =>
    T.local(() => {
      const xs = [0.3, -1.2, 2.5, 0.9], ys = [1.1, -0.4, 0.2, 3.0, -2.0, 0.7]
      // Uniform on 4 atoms = uniform on 12 atoms with each repeated 3 times; likewise 6 → 12.
      const rep = (v: number[], k: number) => v.flatMap((a) => Array(k).fill(a) as number[]).sort((a, b) => a - b)
      const rx = rep(xs, 3), ry = rep(ys, 2)
      for (const p of [1, 2]) {
        const exact = rx.reduce((acc, v, i) => acc + Math.abs(v - ry[i]!) ** p, 0) / 12
        const got = slicedWassersteinPower(f64(xs.map((v) => [v])), f64(ys.map((v) => [v])), key(3), { projections: 3, p }).item()
        expect(got).toBeCloseTo(exact, 13)
      }
    }))

  it("is reproducible from its key and changes with it", () =>
    T.local(() => {
      const x = uniformTensor([10, 4], 0, 1, 12), y = uniformTensor([12, 4], 0, 1, 13)
      const v = (k: number) => slicedWassersteinPower(x, y, key(k), { projections: 8 }).item()
      expect(v(5)).toBe(v(5))
      expect(v(5)).not.toBe(v(6))
    }))

  it("is differentiable in the positions (checkGrad, p = 1 and 2)", () =>
    T.local(() => {
      const x = uniformTensor([5, 3], 0, 1, 14), y = uniformTensor([7, 3], 0, 1, 15)
      for (const p of [1, 2]) {
        const report = checkGrad((a, b) => slicedWassersteinPower(a, b, key(4), { projections: 6, p }), [x, y], { atol: 1e-8, rtol: 1e-6 })
        expect(report.ok, JSON.stringify(report)).toBe(true)
      }
    }))

  it("as a divergence: reads inputs.key; spec round trip with the Sinkhorn divergence inside combinators; typed errors", () =>
    T.local(() => {
      const real = uniformTensor([6, 2], 0, 1, 16), fake = uniformTensor([6, 2], 0, 1, 17)
      const d = slicedWasserstein({ projections: 16, p: 1 })
      expect(d.criticLoss).toBeUndefined()
      expect(d.generatorLoss({ real, fake, key: key(7) }).item()).toBe(slicedWassersteinPower(real, fake, key(7), { projections: 16, p: 1 }).item())
      expect(() => d.generatorLoss({ real, fake })).toThrow(MissingInput)
      for (const v of [d, sinkhornDivergence({ epsilon: 0.5, p: 1, differentiation: "unrolled", iterations: 50 }).pipe(plus(scale(d, 0.1)))]) {
        const encoded = JSON.parse(JSON.stringify(Schema.encodeSync(DivergenceSpec)(v.spec)))
        const rebuilt = fromSpec(Schema.decodeUnknownSync(DivergenceSpec)(encoded))
        expect(rebuilt.spec).toEqual(v.spec)
        expect(rebuilt.name).toBe(v.name)
      }
      expect(() => Schema.decodeUnknownSync(DivergenceSpec)({ _tag: "slicedWasserstein", projections: 0, p: 2 })).toThrow()
      expect(() => Schema.decodeUnknownSync(DivergenceSpec)({ _tag: "sinkhorn", epsilon: -1, p: 2, differentiation: "envelope", domain: "log", iterations: 10, tolerance: 0, epsilonScaling: false })).toThrow()
      expect(() => slicedWasserstein({ projections: 0 })).toThrow()
      expect(() => slicedWassersteinPower(real, uniformTensor([6, 3], 0, 1, 1), key(1), { projections: 2 })).toThrow()
    }))

  it("frees every temporary", () => {
    const before = T.liveCount()
    T.local(() => {
      const x = uniformTensor([6, 2], 0, 1, 18), y = uniformTensor([7, 2], 0, 1, 19)
      slicedWassersteinPower(x, y, key(1), { projections: 4 }).item()
      debiasedSinkhorn(x, y, { epsilon: 0.1 }).item()
      grad((a: T.Tensor) => debiasedSinkhorn(a, y, { epsilon: 0.1 }))(x)
    })
    expect(T.liveCount()).toBe(before)
  })
})
