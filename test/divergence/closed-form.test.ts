/** Closed forms against values derived independently: quadrature, and special cases. */
import { describe, expect, it } from "@effect/vitest"
import { ClosedForm } from "../../src/divergence/index.js"
import { normalPdf, simpson } from "../support/quadrature.js"

const pairs: Array<[number, number, number, number]> = [
  [0, 1, 0.5, 1.2],
  [-1, 0.7, 2, 1.5],
  [3, 2, 3, 1.6],
  [0.2, 1, -0.4, 1]
]

// Integrals of q·f(p/q) over a range wide enough for the tails to vanish in float64.
const integrate = (m1: number, s1: number, m2: number, s2: number, g: (p: number, q: number) => number) => {
  const p = normalPdf(m1, s1), q = normalPdf(m2, s2)
  const lo = Math.min(m1 - 20 * s1, m2 - 20 * s2), hi = Math.max(m1 + 20 * s1, m2 + 20 * s2)
  return simpson((x) => {
    const px = p(x), qx = q(x)
    return px === 0 && qx === 0 ? 0 : g(px, qx)
  }, lo, hi, 200000)
}

describe("closed forms between Gaussians", () => {
  for (const [m1, s1, m2, s2] of pairs) {
    const label = `N(${m1}, ${s1}²) vs N(${m2}, ${s2}²)`
    it(`KL, squared Hellinger and Pearson χ² match quadrature: ${label}`, () => {
      const kl = integrate(m1, s1, m2, s2, (p, q) => (p === 0 ? 0 : p * Math.log(p / q)))
      expect(ClosedForm.gaussianKl(m1, s1, m2, s2)).toBeCloseTo(kl, 9)
      const h2 = integrate(m1, s1, m2, s2, (p, q) => 0.5 * (Math.sqrt(p) - Math.sqrt(q)) ** 2)
      expect(ClosedForm.gaussianSquaredHellinger(m1, s1, m2, s2)).toBeCloseTo(h2, 9)
      const chi2 = integrate(m1, s1, m2, s2, (p, q) => (q === 0 ? 0 : (p - q) ** 2 / q))
      expect(ClosedForm.gaussianPearsonChi2(m1, s1, m2, s2)).toBeCloseTo(chi2, 6)
    })

    it(`W₂ matches the quantile-function integral: ${label}`, () => {
      // W₂² = ∫₀¹ (F₁⁻¹(u) − F₂⁻¹(u))² du; a Gaussian quantile is m + s·z(u), so the integrand is
      // ((m1 − m2) + (s1 − s2) z(u))²: integrate over z with the standard normal density instead.
      const phi = normalPdf(0, 1)
      const w2sq = simpson((z) => ((m1 - m2) + (s1 - s2) * z) ** 2 * phi(z), -40, 40, 100000)
      expect(ClosedForm.gaussianW2(m1, s1, m2, s2)).toBeCloseTo(Math.sqrt(w2sq), 10)
    })
  }

  it("Pearson χ² is infinite when 2·s2² ≤ s1²", () => {
    expect(ClosedForm.gaussianPearsonChi2(0, 2, 0, 1)).toBe(Infinity)
  })

  it("multivariate W₂ (Bures) agrees with the commuting case and with the 2×2 square-root formula", () => {
    // Commuting (diagonal) covariances: W₂² = ‖Δμ‖² + Σ(√a − √b)².
    const w = ClosedForm.gaussianW2Multivariate([1, 2, 0], [[4, 0, 0], [0, 1, 0], [0, 0, 9]], [0, 0, 1], [[1, 0, 0], [0, 4, 0], [0, 0, 1]])
    expect(w).toBeCloseTo(Math.sqrt(1 + 4 + 1 + 1 + 1 + 4), 12)
    // Non-commuting 2×2: √M = (M + √det M·I) / √(tr M + 2√det M) for SPD M (independent of Jacobi).
    const S1 = [[2, 0.6], [0.6, 1]], S2 = [[1, -0.3], [-0.3, 0.5]]
    const sqrt2 = (m: number[][]) => {
      const d = Math.sqrt(m[0]![0]! * m[1]![1]! - m[0]![1]! * m[1]![0]!)
      const t = Math.sqrt(m[0]![0]! + m[1]![1]! + 2 * d)
      return [[(m[0]![0]! + d) / t, m[0]![1]! / t], [m[1]![0]! / t, (m[1]![1]! + d) / t]]
    }
    const mul = (a: number[][], b: number[][]) => a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)))
    const r1 = sqrt2(S1)
    const cross = sqrt2(mul(mul(r1, S2), r1))
    const expected = Math.sqrt(0.25 + 1 + 3 + 1.5 - 2 * (cross[0]![0]! + cross[1]![1]!))
    expect(ClosedForm.gaussianW2Multivariate([0.5, 1], S1, [0, 0], S2)).toBeCloseTo(expected, 12)
    // One dimension reduces to the univariate formula.
    expect(ClosedForm.gaussianW2Multivariate([1], [[4]], [-1], [[0.25]])).toBeCloseTo(ClosedForm.gaussianW2(1, 2, -1, 0.5), 13)
  })

  it("multivariate KL agrees with the sum of univariate KLs (diagonal) and with the 2×2 formula", () => {
    const diag = ClosedForm.gaussianKlMultivariate([0, 1], [[1, 0], [0, 4]], [1, -1], [[2, 0], [0, 1]])
    expect(diag).toBeCloseTo(ClosedForm.gaussianKl(0, 1, 1, Math.sqrt(2)) + ClosedForm.gaussianKl(1, 2, -1, 1), 12)
    // 2×2 with explicit inverse and determinants.
    const S1 = [[2, 0.6], [0.6, 1]], S2 = [[1, -0.3], [-0.3, 0.5]], mu = [0.5, -1]
    const det2 = 1 * 0.5 - 0.09, det1 = 2 * 1 - 0.36
    const inv2 = [[0.5 / det2, 0.3 / det2], [0.3 / det2, 1 / det2]]
    const tr = inv2[0]![0]! * 2 + inv2[0]![1]! * 0.6 + inv2[1]![0]! * 0.6 + inv2[1]![1]! * 1
    const quad = mu[0]! * (inv2[0]![0]! * mu[0]! + inv2[0]![1]! * mu[1]!) + mu[1]! * (inv2[1]![0]! * mu[0]! + inv2[1]![1]! * mu[1]!)
    expect(ClosedForm.gaussianKlMultivariate([0, 0], S1, mu, S2)).toBeCloseTo(0.5 * (tr + quad - 2 + Math.log(det2 / det1)), 12)
  })

  it("parallel lines: only W₁ is continuous in θ", () => {
    expect(ClosedForm.parallelLines(0)).toEqual({ w1: 0, js: 0, kl: 0, tv: 0 })
    expect(ClosedForm.parallelLines(-0.3)).toEqual({ w1: 0.3, js: Math.LN2, kl: Infinity, tv: 1 })
  })
})
