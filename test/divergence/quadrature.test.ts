/** f-divergences between 1-D densities by quadrature, against closed forms between Gaussians. */
import { describe, expect, it } from "@effect/vitest"
import { ClosedForm, fDivergence1d, fDivergences, simpson } from "../../src/divergence/index.js"
import { InvalidArgument } from "../../src/native/errors.js"

const logNormal = (m: number, s: number) => (x: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI)
const erf = (x: number): number => {
  // erf by its Maclaurin series (|x| ≤ 3 here: 80 terms reach float64 precision).
  let term = x, sum = x
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n
    sum += term / (2 * n + 1)
  }
  return (2 / Math.sqrt(Math.PI)) * sum
}

const cases: Array<[number, number, number, number]> = [
  [0, 1, 0.5, 1.2],
  [-1, 0.9, 0.3, 1.1],
  [2, 0.5, 2, 0.6]
]

describe("fDivergence1d", () => {
  for (const [m1, s1, m2, s2] of cases) {
    const range = [Math.min(m1 - 14 * s1, m2 - 14 * s2), Math.max(m1 + 14 * s1, m2 + 14 * s2)] as const
    const d = (name: keyof typeof fDivergences) => fDivergence1d(fDivergences[name].f, logNormal(m1, s1), logNormal(m2, s2), range)
    it(`matches the Gaussian closed forms: N(${m1}, ${s1}²) vs N(${m2}, ${s2}²)`, () => {
      const kl = ClosedForm.gaussianKl(m1, s1, m2, s2)
      const reverse = ClosedForm.gaussianKl(m2, s2, m1, s1)
      expect(d("kl")).toBeCloseTo(kl, 9)
      expect(d("reverseKl")).toBeCloseTo(reverse, 9)
      expect(d("jeffrey")).toBeCloseTo(kl + reverse, 9)
      expect(d("squaredHellinger")).toBeCloseTo(2 * ClosedForm.gaussianSquaredHellinger(m1, s1, m2, s2), 9)
      expect(d("pearson")).toBeCloseTo(ClosedForm.gaussianPearsonChi2(m1, s1, m2, s2), 8)
      expect(d("neyman")).toBeCloseTo(ClosedForm.gaussianPearsonChi2(m2, s2, m1, s1), 8)
    })
  }

  it("total variation (a kink where p = q) between equal-variance Gaussians is 2Φ(|Δ|/2s) − 1", () => {
    for (const [delta, s] of [[1, 1], [0.3, 0.5], [2.5, 1.4]] as const) {
      const tv = fDivergence1d(fDivergences.totalVariation.f, logNormal(0, s), logNormal(delta, s), [-20 * s, delta + 20 * s])
      expect(tv).toBeCloseTo(erf(delta / (2 * s * Math.SQRT2)), 9)
    }
  })

  it("forms p/q from the logs where q underflows to 0 in float64", () => {
    // Over [−40, −11] N(8, 0.5²) is below 1e-308 while p/q stays below e^700.
    const v = fDivergence1d(fDivergences.kl.f, logNormal(0, 1), logNormal(8, 0.5), [-40, 60])
    expect(v).toBeCloseTo(ClosedForm.gaussianKl(0, 1, 8, 0.5), 8)
  })

  it("refuses a bad range or step", () => {
    const f = fDivergences.kl.f, l = logNormal(0, 1)
    expect(() => fDivergence1d(f, l, l, [1, 1])).toThrow(InvalidArgument)
    expect(() => fDivergence1d(f, l, l, [0, Infinity])).toThrow(InvalidArgument)
    expect(() => fDivergence1d(f, l, l, [0, 1], { step: 0 })).toThrow(InvalidArgument)
  })

  it("simpson integrates cubics exactly", () => {
    expect(simpson((x) => x ** 3 - 2 * x + 1, -1, 2, 4)).toBeCloseTo(3.75, 12)
  })
})
