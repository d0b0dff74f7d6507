/**
 * The ELBO and the IWAE bound on a linear-Gaussian model whose evidence log p(x) is known:
 * p(z) = N(0, 1), p(x|z) = N(w·z + b, s²), so p(x) = N(b, w² + s²) and the exact posterior is
 * N(m, v) with v = 1/(1 + w²/s²), m = v·w·(x − b)/s².
 */
import { describe, expect, it } from "@effect/vitest"
import { bernoulli, ClosedForm, elbo, elboPerSample, gaussian, gaussianKlToStandard } from "../../src/divergence/index.js"
import { key, normal } from "../../src/random/index.js"
import * as T from "../../src/tensor/index.js"

const f64 = (xs: number[], shape?: number[]) => T.tensor(xs, { dtype: "float64", ...(shape ? { shape } : {}) })
const avg = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length
const se = (a: number[]) => Math.sqrt(a.reduce((s, v) => s + (v - avg(a)) ** 2, 0) / (a.length - 1) / a.length)

const w = 1.7, b = 0.3, s = 0.6, x0 = 1.1
const logEvidence = -0.5 * (Math.log(2 * Math.PI * (w * w + s * s)) + (x0 - b) ** 2 / (w * w + s * s))
const v = 1 / (1 + (w * w) / (s * s)), m = (v * w * (x0 - b)) / (s * s)

// A batch of n copies of x0 with posterior N(mean, variance).
const inputs = (n: number, mean: number, variance: number, seed: number) => ({
  data: T.full([n, 1], x0, { dtype: "float64" }),
  posterior: { mean: T.full([n, 1], mean, { dtype: "float64" }), logVar: T.full([n, 1], Math.log(variance), { dtype: "float64" }) },
  decode: (z: T.Tensor) => T.add(T.mul(z, w), b),
  key: key(seed)
})

describe("ELBO", () => {
  it("the closed-form KL to N(0, I) matches the univariate formula summed over dimensions", () =>
    T.local(() => {
      const mu = f64([0.3, -1, 2, 0.5], [2, 2]), logVar = f64([0.1, -0.7, 0.4, 0], [2, 2])
      const got = Array.from(gaussianKlToStandard(mu, logVar).toTypedArray())
      const kl = (mm: number, lv: number) => ClosedForm.gaussianKl(mm, Math.exp(lv / 2), 0, 1)
      expect(got[0]).toBeCloseTo(kl(0.3, 0.1) + kl(-1, -0.7), 13)
      expect(got[1]).toBeCloseTo(kl(2, 0.4) + kl(0.5, 0), 13)
    }))

  it("likelihoods: Bernoulli and Gaussian (fixed and learned variance) log-densities", () =>
    T.local(() => {
      const logits = f64([0.5, -2], [1, 2]), x = f64([1, 0], [1, 2])
      const logSig = (t: number) => -Math.log1p(Math.exp(-t))
      expect(bernoulli.logProb(logits, x).item()).toBeCloseTo(logSig(0.5) + logSig(2), 13)
      const logN = (xx: number, mu: number, sd: number) => -0.5 * (Math.log(2 * Math.PI * sd * sd) + ((xx - mu) / sd) ** 2)
      expect(gaussian(0.5).logProb(f64([0.2, 1], [1, 2]), f64([0, 1.5], [1, 2])).item()).toBeCloseTo(logN(0, 0.2, 0.5) + logN(1.5, 1, 0.5), 13)
      const decoded = f64([0.2, 1, Math.log(0.25), Math.log(4)], [1, 4])
      expect(gaussian("learned").logProb(decoded, f64([0, 1.5], [1, 2])).item()).toBeCloseTo(logN(0, 0.2, 0.5) + logN(1.5, 1, 2), 13)
    }))

  it("with the exact posterior, every importance weight is p(x): the IWAE bound equals log p(x)", () =>
    T.local(() => {
      const bound = Array.from(elboPerSample(gaussian(s), inputs(4, m, v, 1), { samples: 5 }).toTypedArray())
      bound.forEach((l) => expect(l).toBeCloseTo(logEvidence, 10))
    }))

  it("the single-sample ELBO with the exact posterior estimates log p(x) without bias", () =>
    T.local(() => {
      const vals = Array.from(elboPerSample(gaussian(s), inputs(20000, m, v, 2)).toTypedArray())
      expect(Math.abs(avg(vals) - logEvidence)).toBeLessThan(4 * se(vals))
    }))

  it("with a worse posterior: ELBO ≤ IWAE(5) ≤ IWAE(50) ≤ log p(x)", () =>
    T.local(() => {
      const bounds = [1, 5, 50].map((k, i) => Array.from(elboPerSample(gaussian(s), inputs(4000, m + 0.8, 3 * v, 10 + i), { samples: k }).toTypedArray()))
      const [l1, l5, l50] = bounds.map(avg)
      expect(l1!).toBeLessThan(l5! - 4 * Math.hypot(se(bounds[0]!), se(bounds[1]!)))
      expect(l5!).toBeLessThan(l50! - 4 * Math.hypot(se(bounds[1]!), se(bounds[2]!)))
      expect(l50!).toBeLessThan(logEvidence)
    }))

  it("elbo(bernoulli) is the PyTorch-examples VAE loss (Σ BCE + KLD) / batch, with β weighting", () =>
    T.local(() => {
      const k = key(7)
      const data = f64([1, 0, 1, 1, 0, 0], [2, 3])
      const mu = f64([0.1, -0.3, 0.4, 0.2], [2, 2]), logVar = f64([-0.2, 0.1, 0.3, -0.5], [2, 2])
      const W = f64([0.5, -1, 0.2, 0.3, 0.7, -0.4], [2, 3])
      const decode = (z: T.Tensor) => T.matmul(z, W)
      const z = T.add(mu, T.mul(T.exp(T.mul(logVar, 0.5)), normal(k, [2, 2], { dtype: "float64" })))
      const bce = T.sum(T.binaryCrossEntropyWithLogits(decode(z), data, "none")).item()
      const kld = T.sum(gaussianKlToStandard(mu, logVar)).item()
      const loss = (beta: number) => elbo(bernoulli, { beta }).generatorLoss({ data, posterior: { mean: mu, logVar }, decode, key: k }).item()
      expect(loss(1)).toBeCloseTo((bce + kld) / 2, 12)
      expect(loss(4)).toBeCloseTo((bce + 4 * kld) / 2, 12)
    }))

  it("refuses inconsistent options", () => {
    expect(() => elbo(bernoulli, { samples: 0 })).toThrow(T.InvalidArgument)
    expect(() => elbo(bernoulli, { samples: 3, beta: 2 })).toThrow(T.InvalidArgument)
    expect(() => gaussian(-1)).toThrow(T.InvalidArgument)
  })
})
