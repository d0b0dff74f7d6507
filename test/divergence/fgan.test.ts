/**
 * The f-GAN family: conjugates against their definition, the variational bound at the
 * optimal critic T* = f'(p/q) against D_f by quadrature (Monte Carlo, within 4 standard
 * errors), the bound below D_f for other critics, and the normalisations in the docs.
 */
import { describe, expect, it } from "@effect/vitest"
import { fDivergences, fgan, fNames, minimax, variationalBound } from "../../src/divergence/index.js"
import * as T from "../../src/tensor/index.js"
import { normalPdf, normalSamples, simpson } from "../support/quadrature.js"
import { prng } from "../support/random.js"

const f64 = (xs: ArrayLike<number>) => T.tensor(Float64Array.from(xs), { dtype: "float64" })
const vals = (t: T.Tensor) => Array.from(t.toTypedArray() as Float64Array)

// P = N(0, 1), Q = N(0.5, 1.2²): every f-divergence of the table is finite for this pair.
const p = normalPdf(0, 1), q = normalPdf(0.5, 1.2)
const trueDivergence = (f: (u: number) => number) => simpson((x) => q(x) * f(p(x) / q(x)), -14, 14, 100000)

/** sup_u (u t − f(u)) by golden-section search on a bracket (f convex, so the objective is concave). */
const conjugateByDefinition = (f: (u: number) => number, t: number): number => {
  let lo = 1e-9, hi = 1e4
  const g = (u: number) => u * t - f(u)
  for (let i = 0; i < 300; i++) {
    const a = lo + (hi - lo) * 0.381966, b = lo + (hi - lo) * 0.618034
    if (g(a) < g(b)) lo = a
    else hi = b
  }
  return g((lo + hi) / 2)
}

describe("f-divergences", () => {
  for (const name of fNames) {
    const fd = fDivergences[name]
    it(`${name}: f(1) as tabulated, f'(1) as tabulated, f* matches its definition`, () =>
      T.local(() => {
        // Every f has f(1) = 0 but the GAN one, f(1) = −log 4 (its D_f is 2·JS − log 4).
        expect(fd.f(1)).toBeCloseTo(name === "gan" ? -Math.log(4) : 0, 14)
        if (name !== "totalVariation") expect((fd.f(1 + 1e-6) - fd.f(1 - 1e-6)) / 2e-6).toBeCloseTo(fd.fPrimeAtOne, 6)
        // t inside the domain of f*, reached as f'(u) for u in (0.2, 5)
        const ts = [0.3, 0.8, 1.5, 3].map(fd.fPrime)
        const got = vals(fd.conjugate(f64(ts)))
        ts.forEach((t, i) => expect(got[i]).toBeCloseTo(conjugateByDefinition(fd.f, t), 5))
      }))

    it(`${name}: f*(g_f(v)) in its stable form equals the composition`, () =>
      T.local(() => {
        const v = f64([-2, -0.5, 0.1, 0.3])
        const direct = vals(fd.conjugate(fd.activation(v)))
        vals(fd.conjugateOfActivation(v)).forEach((x, i) => expect(x).toBeCloseTo(direct[i]!, 10))
      }))

    it(`${name}: the bound at T* estimates D_f(P‖Q), and other critics stay below it`, () =>
      T.local(() => {
        const truth = trueDivergence(fd.f)
        const next = prng(2024)
        const n = 200_000
        const xp = normalSamples(n, next, 0, 1), xq = normalSamples(n, next, 0.5, 1.2)
        const tStar = (x: number) => fd.fPrime(p(x) / q(x))
        const tp = f64(Array.from(xp, tStar)), tq = f64(Array.from(xq, tStar))
        const termP = vals(tp), termQ = vals(fd.conjugate(tq))
        const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length
        const variance = (a: number[]) => { const m = mean(a); return a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1) }
        const estimate = mean(termP) - mean(termQ)
        const stderr = Math.sqrt(variance(termP) / n + variance(termQ) / n)
        expect(Math.abs(estimate - truth)).toBeLessThan(4 * stderr + 1e-9)
        // Suboptimal critics: the exact bound (by quadrature) never exceeds D_f.
        for (const wrong of [(x: number) => fd.fPrime((p(x) / q(x)) ** 0.7), (x: number) => fd.fPrime(normalPdf(0.2, 1)(x) / q(x))]) {
          const bound = simpson((x) => p(x) * wrong(x), -14, 14, 50000) -
            simpson((x) => q(x) * vals(fd.conjugate(f64([wrong(x)])))[0]!, -14, 14, 2000)
          expect(bound).toBeLessThanOrEqual(truth + 1e-6)
        }
      }))
  }

  it("normalisations: the JS f gives 2·JS, the GAN f gives 2·JS − log 4, Hellinger gives 2·H²", () => {
    const m = (x: number) => 0.5 * (p(x) + q(x))
    const kl = (a: (x: number) => number, b: (x: number) => number) => simpson((x) => (a(x) === 0 ? 0 : a(x) * Math.log(a(x) / b(x))), -14, 14, 100000)
    const js = 0.5 * kl(p, m) + 0.5 * kl(q, m)
    expect(trueDivergence(fDivergences.jensenShannon.f)).toBeCloseTo(2 * js, 9)
    expect(trueDivergence(fDivergences.gan.f)).toBeCloseTo(2 * js - Math.log(4), 9)
    const h2 = simpson((x) => 0.5 * (Math.sqrt(p(x)) - Math.sqrt(q(x))) ** 2, -14, 14, 100000)
    expect(trueDivergence(fDivergences.squaredHellinger.f)).toBeCloseTo(2 * h2, 9)
  })

  it("optimal discriminator: C(G) = −log 4 + 2·JS on discrete distributions", () =>
    T.local(() => {
      // p = (1/2, 1/4, 1/4), q = (1/8, 3/8, 1/2), as equally weighted samples over atoms 0, 1, 2.
      const pAtoms = [0, 0, 0, 0, 1, 1, 2, 2], qAtoms = [0, 1, 1, 1, 2, 2, 2, 2]
      const pp = [0.5, 0.25, 0.25], qq = [0.125, 0.375, 0.5]
      const logit = f64(pp.map((pi, i) => Math.log(pi / qq[i]!))) // D* = p/(p+q) = σ(log p/q)
      const critic = (x: T.Tensor) => T.indexSelect(logit, 0, x)
      const real = T.tensor(pAtoms, { dtype: "int32" }), fake = T.tensor(qAtoms, { dtype: "int32" })
      const js = pp.reduce((s, pi, i) => {
        const mi = (pi + qq[i]!) / 2
        return s + 0.5 * pi * Math.log(pi / mi) + 0.5 * qq[i]! * Math.log(qq[i]! / mi)
      }, 0)
      const value = -minimax.criticLoss!({ real, fake, critic }).item()
      expect(value).toBeCloseTo(-Math.log(4) + 2 * js, 12)
      // The f-GAN bound for f = gan with the same optimal critic equals the same value.
      expect(variationalBound(fDivergences.gan, critic(real), critic(fake)).item()).toBeCloseTo(-Math.log(4) + 2 * js, 12)
    }))

  it("losses: critic = −bound, generator = −E_Q f*(T) (saddle) or −E_Q T (alternative)", () =>
    T.local(() => {
      const critic = (x: T.Tensor) => T.mul(x, 0.5)
      const real = f64([0.2, -0.4, 1]), fake = f64([0.5, -1])
      const fd = fDivergences.kl
      const bound = variationalBound(fd, critic(real), critic(fake)).item()
      expect(fgan("kl").criticLoss!({ real, fake, critic }).item()).toBeCloseTo(-bound, 14)
      const v = [0.25, -0.5]
      expect(fgan("kl").generatorLoss({ fake, critic }).item()).toBeCloseTo(-(Math.exp(v[0]! - 1) + Math.exp(v[1]! - 1)) / 2, 14)
      expect(fgan("kl", { generator: "alternative" }).generatorLoss({ fake, critic }).item()).toBeCloseTo(-(v[0]! + v[1]!) / 2, 14)
    }))
})
