/** randint, bernoulli and permutation: exact transforms, chi-square and frequency tests. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { bernoulli, key, permutation, randint, split, uniform } from "../../src/random/index.js"
import * as T from "../../src/tensor/index.js"
import { bits53, chiSquareCritical, failureTag, inScope, streamWords } from "./reference.js"

// Chi-square tests reject at significance 0.001: z = 3.09 standard normal deviates (Wilson–Hilferty).
const Z_001 = 3.09

describe("randint", () => {
  it.effect("is lo + floor(k range / 2^64) with k = 64 bits of a word pair", () =>
    inScope(() => {
      const k = key(17)
      const w = streamWords(k, 200)
      for (const [lo, hi] of [[0, 10], [-5, 7], [-(2 ** 31), 2 ** 31], [100, 101]] as const) {
        const x = randint(k, [400], lo, hi).toTypedArray()
        for (let i = 0; i < 400; i++) {
          const b = i >> 1
          const j = i & 1
          const bits = (BigInt(w[4 * b + 2 * j]!) << 32n) | BigInt(w[4 * b + 2 * j + 1]!)
          expect(x[i]).toBe(lo + Number((bits * BigInt(hi - lo)) >> 64n))
        }
      }
    }))

  it.effect("is uniform over [lo, hi): chi-square at significance 0.001", () =>
    inScope(() => {
      const n = 200_000
      for (const [lo, hi] of [[0, 10], [-3, 97], [5, 7]] as const) {
        const x = randint(key(hi), [n], lo, hi).toTypedArray()
        const counts = new Array<number>(hi - lo).fill(0)
        let inside = true
        for (const v of x) {
          inside &&= v >= lo && v < hi
          counts[v - lo] = (counts[v - lo] ?? 0) + 1
        }
        expect(inside).toBe(true)
        const expected = n / (hi - lo)
        const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0)
        expect(chi2).toBeLessThan(chiSquareCritical(hi - lo - 1, Z_001))
      }
    }))
})

describe("bernoulli", () => {
  it.effect("is u < p with u a float64 uniform, at the documented frequency", () =>
    inScope(() => {
      const n = 200_000
      const k = key(23)
      const u = uniform(k, [n], { dtype: "float64" }).toTypedArray()
      for (const p of [0.3, 0.01]) {
        const x = bernoulli(k, p, [n])
        expect(x.dtype).toBe("bool")
        const b = x.toTypedArray()
        let ones = 0
        let mismatches = 0
        for (let i = 0; i < n; i++) {
          if (b[i] !== (u[i]! < p ? 1 : 0)) mismatches++
          ones += b[i]!
        }
        expect(mismatches).toBe(0)
        // within 5 binomial standard errors
        expect(Math.abs(ones / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n))
      }
      expect(bernoulli(k, 0, [1000]).toTypedArray().every((v) => v === 0)).toBe(true)
      expect(bernoulli(k, 1, [1000]).toTypedArray().every((v) => v === 1)).toBe(true)
      expect(bernoulli(k, 0.5).shape).toEqual([])
    }))

  it.effect("takes a tensor of probabilities, broadcast to the shape", () =>
    inScope(() => {
      const n = 20_000
      const p = T.tensor([0, 0.25, 0.9, 1])
      const x = bernoulli(key(4), p, [n, 4]).toTypedArray()
      const ones = [0, 0, 0, 0]
      for (let i = 0; i < n * 4; i++) ones[i % 4]! += x[i]!
      expect(ones[0]).toBe(0)
      expect(ones[3]).toBe(n)
      for (const j of [1, 2]) {
        const q = [0, 0.25, 0.9, 1][j]!
        expect(Math.abs(ones[j]! / n - q)).toBeLessThan(5 * Math.sqrt((q * (1 - q)) / n))
      }
      expect(bernoulli(key(4), p).shape).toEqual([4])
    }))

  it.effect("refuses probabilities outside [0, 1] and shapes p does not broadcast to", () =>
    Effect.gen(function* () {
      for (const f of [
        () => bernoulli(key(1), 1.5),
        () => bernoulli(key(1), -0.1),
        () => bernoulli(key(1), Number.NaN),
        () => bernoulli(key(1), T.tensor([0.5, 1.2])),
        () => bernoulli(key(1), T.tensor([0.5, Number.NaN])),
        () => bernoulli(key(1), T.tensor([0.5, 0.5]), [3]),
        () => bernoulli(key(1), T.tensor([1, 0], { dtype: "int32" }))
      ])
        expect(yield* failureTag(f)).toBe("InvalidArgument")
    }))
})

describe("permutation", () => {
  it.effect("is a permutation of 0 .. n-1, the argsort of float64 uniforms", () =>
    inScope(() => {
      for (const n of [0, 1, 7, 1000]) {
        const k = key(n + 1)
        const perm = Array.from(permutation(k, n).toTypedArray())
        expect([...perm].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i))
        const w = streamWords(k, Math.ceil(n / 2))
        const u = Array.from({ length: n }, (_, i) => bits53(w[4 * (i >> 1) + 2 * (i & 1)]!, w[4 * (i >> 1) + 2 * (i & 1) + 1]!))
        for (let i = 1; i < n; i++) expect(u[perm[i - 1]!]! < u[perm[i]!]!).toBe(true)
      }
    }))

  it.effect("all 6 orders of 3 items are equally likely: chi-square at significance 0.001", () =>
    inScope(() => {
      const trials = 3000
      const counts = new Map<string, number>()
      for (const k of split(key(5), trials)) {
        const order = Array.from(permutation(k, 3).toTypedArray()).join("")
        counts.set(order, (counts.get(order) ?? 0) + 1)
      }
      expect(counts.size).toBe(6)
      const expected = trials / 6
      const chi2 = [...counts.values()].reduce((s, c) => s + (c - expected) ** 2 / expected, 0)
      expect(chi2).toBeLessThan(chiSquareCritical(5, Z_001))
    }))
})
