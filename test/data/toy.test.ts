/**
 * Toy distributions against their published definitions: centres and spreads as the source
 * code states them (written out here independently), mode frequencies (chi-square at
 * significance 0.001), per-mode means and variances within 5 standard errors, the 3σ
 * high-quality fraction, closed-form densities against a float64 sum of normal pdfs.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { checkGrad } from "../../src/autodiff/index.js"
import * as D from "../../src/data/index.js"
import { key } from "../../src/random/index.js"
import * as T from "../../src/tensor/index.js"
import { chiSquareCritical, failureTag, inScope } from "../random/reference.js"

const Z_001 = 3.09
const f64 = { dtype: "float64" } as const

/** The nearest centre of each row of a [n, d] sample. */
const nearest = (x: Float64Array, d: number, centres: readonly (readonly number[])[]) => {
  const n = x.length / d
  const which = new Int32Array(n)
  const dist = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let best = Infinity
    centres.forEach((c, k) => {
      let s = 0
      for (let j = 0; j < d; j++) s += (x[i * d + j]! - c[j]!) ** 2
      if (s < best) (best = s), (which[i] = k)
    })
    dist[i] = Math.sqrt(best)
  }
  return { which, dist }
}

const published: [string, D.Distribution & { modes: D.Modes; logDensity: (x: T.Tensor) => T.Tensor }, number[][], number][] = [
  ["ring (PacGAN)", D.ring, Array.from({ length: 8 }, (_, i) => [Math.cos((Math.PI * i) / 4), Math.sin((Math.PI * i) / 4)]), 0.01],
  ["grid (PacGAN)", D.grid, [-4, -2, 0, 2, 4].flatMap((a) => [-4, -2, 0, 2, 4].map((b) => [a, b])), 0.05],
  [
    "8gaussians (gan_toy.py)",
    D.eightGaussians,
    [[1, 0], [-1, 0], [0, 1], [0, -1], [0.5 ** 0.5, 0.5 ** 0.5], [0.5 ** 0.5, -(0.5 ** 0.5)], [-(0.5 ** 0.5), 0.5 ** 0.5], [-(0.5 ** 0.5), -(0.5 ** 0.5)]].map(([a, b]) => [(2 * a!) / 1.414, (2 * b!) / 1.414]),
    0.02 / 1.414
  ],
  ["25gaussians (workloads.md)", D.twentyFiveGaussians, Array.from({ length: 25 }, (_, c) => [(2 * (Math.floor(c / 5) - 2)) / 2.828, (2 * ((c % 5) - 2)) / 2.828]), 0.05 / 2.828]
]

describe("isotropic mixtures as published", () => {
  for (const [name, dist, centres, sigma] of published) {
    it.effect(`${name}: centres, σ, mode frequencies, per-mode moments, 3σ quality`, () =>
      inScope(() => {
        const K = centres.length
        dist.modes.centres.forEach((c, k) => c.forEach((v, j) => expect(v).toBeCloseTo(centres[k]![j]!, 14)))
        dist.modes.stds.forEach((s) => expect(s).toBeCloseTo(sigma, 15))
        dist.modes.weights.forEach((w) => expect(w).toBe(1 / K))
        expect(dist.modes.qualityStds).toBe(3)

        const n = 100_000
        const x = dist.sample(key(K), n, f64)
        expect(x.shape).toEqual([n, 2])
        expect(x.dtype).toBe("float64")
        const xs = x.toTypedArray() as Float64Array
        const { which, dist: r } = nearest(xs, 2, centres)
        const counts = new Array<number>(K).fill(0)
        const sums = centres.map(() => [0, 0])
        const squares = centres.map(() => [0, 0])
        let good = 0
        for (let i = 0; i < n; i++) {
          const k = which[i]!
          counts[k]!++
          for (let j = 0; j < 2; j++) {
            const dev = xs[2 * i + j]! - centres[k]![j]!
            sums[k]![j]! += dev
            squares[k]![j]! += dev * dev
          }
          if (r[i]! < 3 * sigma) good++
        }
        const chi2 = counts.reduce((s, c) => s + (c - n / K) ** 2 / (n / K), 0)
        expect(chi2).toBeLessThan(chiSquareCritical(K - 1, Z_001))
        for (let k = 0; k < K; k++) {
          const m = counts[k]!
          for (let j = 0; j < 2; j++) {
            // mean offset within 5 standard errors σ/√m; variance ratio within 5·√(2/(m−1))
            expect(Math.abs(sums[k]![j]! / m)).toBeLessThan((5 * sigma) / Math.sqrt(m))
            const variance = (squares[k]![j]! - sums[k]![j]! ** 2 / m) / (m - 1)
            expect(Math.abs(variance / sigma ** 2 - 1)).toBeLessThan(5 * Math.sqrt(2 / (m - 1)))
          }
        }
        // P(|ε| < 3) for a 2-D standard normal is 1 − e^{−9/2}
        const p = 1 - Math.exp(-4.5)
        expect(Math.abs(good / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n))
      }))

    it.effect(`${name}: log-density is the float64 mixture of normal pdfs and differentiable`, () =>
      inScope(() => {
        const x = dist.sample(key(3), 50, f64)
        const xs = x.toTypedArray() as Float64Array
        const got = dist.logDensity(x).toTypedArray()
        for (let i = 0; i < 50; i++) {
          let p = 0
          for (const c of centres) {
            const sq = (xs[2 * i]! - c[0]!) ** 2 + (xs[2 * i + 1]! - c[1]!) ** 2
            p += Math.exp(-sq / (2 * sigma * sigma)) / (2 * Math.PI * sigma * sigma) / centres.length
          }
          expect(got[i]!).toBeCloseTo(Math.log(p), 9)
        }
        // away from the modes too (log-sum-exp keeps it finite where the pdf underflows)
        const far = dist.logDensity(T.tensor([[10, 10]], f64)).item()
        expect(Number.isFinite(far)).toBe(true)
        const report = checkGrad((y) => T.sum(dist.logDensity(y)), [T.add(T.slice(x, 0, 0, 4), 0.3 * sigma)], { atol: 1e-6, rtol: 1e-5 })
        expect(report.ok, JSON.stringify(report)).toBe(true)
      }))
  }
})

describe("swiss roll (gan_toy.py: make_swiss_roll, noise 0.25, columns [0, 2], / 7.5)", () => {
  it.effect("moments match the closed forms and every point lies near the spiral", () =>
    inScope(() => {
      const n = 100_000
      const xs = D.swissRoll.sample(key(9), n, f64).toTypedArray() as Float64Array
      const a = 1.5 * Math.PI, b = 4.5 * Math.PI
      // t ~ U[a, b]: E[t cos t] = [t sin t + cos t]_a^b / (b − a) = 2, E[t sin t] = [sin t − t cos t]_a^b / (b − a) = 2/(3π)
      const want = { x: 2 / 7.5, z: 2 / (3 * Math.PI) / 7.5, r2: ((a * a + a * b + b * b) / 3 + 2 * 0.25 ** 2) / 7.5 ** 2 }
      const stats = (f: (i: number) => number) => {
        let s = 0, s2 = 0
        for (let i = 0; i < n; i++) (s += f(i)), (s2 += f(i) ** 2)
        const mean = s / n
        return { mean, se: Math.sqrt((s2 / n - mean * mean) / n) }
      }
      const sx = stats((i) => xs[2 * i]!), sz = stats((i) => xs[2 * i + 1]!), sr = stats((i) => xs[2 * i]! ** 2 + xs[2 * i + 1]! ** 2)
      expect(Math.abs(sx.mean - want.x)).toBeLessThan(5 * sx.se)
      expect(Math.abs(sz.mean - want.z)).toBeLessThan(5 * sz.se)
      expect(Math.abs(sr.mean - want.r2)).toBeLessThan(5 * sr.se)
      // Unscaled, a point is (t cos t, t sin t) + 0.25ε: it lies within 8 noise σ of the curve point
      // at some t ≡ its angle (mod 2π), t in [1.5π, 4.5π].
      let worst = 0
      for (let i = 0; i < n; i++) {
        const u = 7.5 * xs[2 * i]!, v = 7.5 * xs[2 * i + 1]!
        const theta = Math.atan2(v, u)
        let best = Infinity
        for (let k = -1; k <= 3; k++) {
          const t = Math.min(b, Math.max(a, theta + 2 * Math.PI * k))
          best = Math.min(best, Math.hypot(u - t * Math.cos(t), v - t * Math.sin(t)))
        }
        worst = Math.max(worst, best)
      }
      expect(worst).toBeLessThan(8 * 0.25 * Math.SQRT2)
      expect(D.swissRoll.modes).toBeUndefined()
      expect(D.swissRoll.logDensity).toBeUndefined()
    }))
})

describe("parallel lines (WGAN Example 1)", () => {
  it.effect("P_θ is the law of (θ, Z), Z ~ U[0, 1]; the example's distances", () =>
    inScope(() => {
      const n = 50_000
      const xs = D.parallelLines(-0.7).sample(key(2), n, f64).toTypedArray()
      let sum = 0
      for (let i = 0; i < n; i++) {
        expect(xs[2 * i]).toBe(-0.7)
        const z = xs[2 * i + 1]!
        expect(z >= 0 && z < 1).toBe(true)
        sum += z
      }
      expect(Math.abs(sum / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n))
      expect(D.parallelLinesDistances(-0.7)).toEqual({ wasserstein: 0.7, jensenShannon: Math.log(2), kl: Infinity, totalVariation: 1 })
      expect(D.parallelLinesDistances(0)).toEqual({ wasserstein: 0, jensenShannon: 0, kl: 0, totalVariation: 0 })
    }))
})

describe("VEEGAN's 1200-D mixture (PacGAN's construction)", () => {
  it.effect("ten offsets, N(0, 1) in the first 700 coordinates, exactly the offset in the last 500", () =>
    inScope(() => {
      const offsets = [-1, -0.5, 0, 0.5, -2, -2.5, 10, 0.25, -13, -5.5]
      const n = 2000
      const x = D.veegan1200d.sample(key(12), n)
      expect(x.shape).toEqual([n, 1200])
      expect(x.dtype).toBe("float32")
      const xs = x.toTypedArray()
      const counts = new Array<number>(10).fill(0)
      let s = 0, s2 = 0, exact = true
      for (let i = 0; i < n; i++) {
        const m = xs[i * 1200 + 1199]!
        const k = offsets.indexOf(m)
        expect(k).toBeGreaterThanOrEqual(0)
        counts[k]!++
        for (let j = 700; j < 1200; j++) exact &&= xs[i * 1200 + j] === m
        for (let j = 0; j < 700; j++) {
          const e = xs[i * 1200 + j]! - m
          s += e
          s2 += e * e
        }
      }
      expect(exact).toBe(true)
      const N = n * 700
      expect(Math.abs(s / N)).toBeLessThan(5 / Math.sqrt(N))
      expect(Math.abs(s2 / N - 1)).toBeLessThan(5 * Math.sqrt(2 / N))
      const chi2 = counts.reduce((c, m) => c + (m - n / 10) ** 2 / (n / 10), 0)
      expect(chi2).toBeLessThan(chiSquareCritical(9, Z_001))
      const { modes } = D.veegan1200d
      expect(modes.centres.map((c) => c[0])).toEqual(offsets)
      expect(modes.centres.every((c) => c.length === 1200 && c.every((v) => v === c[0]))).toBe(true)
      expect(modes.qualityStds).toBe(10)
    }))
})

describe("the W1/W2 grid pool (workloads.md)", () => {
  it.effect("65,536 float32 points of the 25-Gaussian grid; batch t is rows [256(t mod 256), +256)", () =>
    inScope(() => {
      const pool = D.gridPool(key(0))
      expect(pool.shape).toEqual([65536, 2])
      expect(pool.dtype).toBe("float32")
      const all = pool.toTypedArray()
      expect(Array.from(D.twentyFiveGaussians.sample(key(0), 65536).toTypedArray())).toEqual(Array.from(all))
      for (const t of [0, 7, 255, 256, 300]) {
        const b = D.poolBatch(pool, t)
        expect(b.shape).toEqual([256, 2])
        const start = 256 * (t % 256)
        expect(Array.from(b.toTypedArray())).toEqual(Array.from(all.subarray(2 * start, 2 * start + 512)))
      }
    }))
})

describe("keys, devices, dtypes, errors, memory", () => {
  it.effect("the same key gives the same bits; another key other bits", () =>
    inScope(() => {
      for (const dist of [D.ring, D.grid, D.eightGaussians, D.twentyFiveGaussians, D.swissRoll, D.parallelLines(1), D.veegan1200d]) {
        const a = Array.from(dist.sample(key(5), 64).toTypedArray())
        expect(Array.from(dist.sample(key(5), 64).toTypedArray())).toEqual(a)
        expect(Array.from(dist.sample(key(6), 64).toTypedArray())).not.toEqual(a)
        expect(dist.sample(key(5), 0).shape).toEqual([0, dist.dim])
      }
    }))

  it.effect("sampling and densities leave no tensor behind", () =>
    inScope(() => {
      const before = T.liveCount()
      T.local(() => {
        for (const dist of [D.ring, D.twentyFiveGaussians, D.swissRoll, D.veegan1200d, D.parallelLines(0)]) dist.sample(key(1), 100)
        D.grid.logDensity(D.grid.sample(key(1), 10))
      })
      expect(T.liveCount()).toBe(before)
    }))

  it.effect("bad arguments are InvalidArgument errors", () =>
    Effect.gen(function* () {
      const bad = [
        () => D.ring.sample(key(1), -1),
        () => D.ring.sample(key(1), 2.5),
        () => D.grid.sample({ k0: 1, k1: 2 } as never, 3),
        () => D.swissRoll.sample(key(1), 3, { dtype: "int32" as never }),
        () => D.parallelLines(Number.NaN),
        () => D.ring.logDensity(T.zeros([3, 3])),
        () => D.poolBatch(T.zeros([10, 2]), 0, 20)
      ]
      for (const f of bad) expect(yield* failureTag(f)).toBe("InvalidArgument")
    }))
})
