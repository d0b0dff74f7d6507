/**
 * Uniform and normal draws: exact agreement with the documented transforms of the Philox
 * words (computed here from the JavaScript Philox), moments against closed forms, and
 * Kolmogorov–Smirnov tests against the exact CDFs at significance 0.001 (the keys are fixed,
 * so each test is deterministic; the significance states how strict the tolerance is).
 */
import { describe, expect, it } from "@effect/vitest"
import { key, normal, split, uniform } from "../../src/random/index.js"
import { bits53, inScope, ksCritical, ksStatistic, moments, normalCdf, streamWords } from "./reference.js"

const N = 200_000
const ALPHA = 0.001

describe("uniform", () => {
  it.effect("float32 is the top 24 bits of word i%4 of block i/4; float64 is 53 bits of a word pair", () =>
    inScope(() => {
      const k = key(5)
      const w = streamWords(k, 256)
      const f32 = uniform(k, [1024], { lo: -3, hi: 5 }).toTypedArray()
      // hi - lo = 8, so lo + 8u is one rounding in float64, as the kernel's fma.
      for (let i = 0; i < 1024; i++) expect(f32[i]).toBe(Math.fround(-3 + 8 * ((w[i]! >>> 8) * 2 ** -24)))
      const f64 = uniform(k, [512], { lo: -3, hi: 5, dtype: "float64" }).toTypedArray()
      for (let i = 0; i < 512; i++) {
        const b = i >> 1
        const j = i & 1
        expect(f64[i]).toBe(-3 + 8 * bits53(w[4 * b + 2 * j]!, w[4 * b + 2 * j + 1]!) * 2 ** -53)
      }
    }))

  it.effect("moments and KS against the uniform CDF on [lo, hi)", () =>
    inScope(() => {
      for (const [dtype, lo, hi] of [["float32", 0, 1], ["float64", -2, 3], ["float32", 10, 10.5]] as const) {
        const x = uniform(key(11), [N], { lo, hi, dtype }).toTypedArray() as Float32Array | Float64Array
        let below = true
        for (const v of x) below &&= v >= lo && v < hi
        expect(below).toBe(true)
        const m = moments(x)
        const w = hi - lo
        // standard errors: w/sqrt(12 n) for the mean, w^2 sqrt(1/180 n) for the variance
        expect(Math.abs(m.mean - (lo + hi) / 2)).toBeLessThan((5 * w) / Math.sqrt(12 * N))
        expect(Math.abs(m.variance - (w * w) / 12)).toBeLessThan(5 * w * w * Math.sqrt(1 / (180 * N)))
        expect(ksStatistic(x, (v) => Math.min(1, Math.max(0, (v - lo) / w)))).toBeLessThan(ksCritical(N, ALPHA))
      }
    }))

  it.effect("a draw that would round up to hi is moved to the largest value below hi", () =>
    inScope(() => {
      // float32 is spaced 1/16 near 1e6: lo + u rounds up to hi whenever u >= 1 - 1/32.
      const x = uniform(key(3), [N], { lo: 1e6, hi: 1e6 + 1 }).toTypedArray()
      let max = 0
      let top = 0
      for (const v of x) {
        max = Math.max(max, v)
        if (v === 1e6 + 1 - 1 / 16) top++
      }
      expect(max).toBe(1e6 + 1 - 1 / 16)
      // P(top) = 1/16 (u in [29/32, 31/32) rounds to it) + 1/32 (u >= 31/32 rounds to hi and is
      // moved down): within 5 binomial standard errors of 3/32
      expect(Math.abs(top / N - 3 / 32)).toBeLessThan(5 * Math.sqrt((3 / 32) * (29 / 32) / N))
      // float64 is spaced 1 at 2^52: [2^52, 2^52 + 1) holds one value.
      const y = uniform(key(3), [1000], { lo: 2 ** 52, hi: 2 ** 52 + 1, dtype: "float64" }).toTypedArray()
      expect(y.every((v) => v === 2 ** 52)).toBe(true)
    }))
})

describe("normal", () => {
  it.effect("Box–Muller pairs the documented words", () =>
    inScope(() => {
      const k = key(8)
      const w = streamWords(k, 128)
      const bm = (u1: number, u2: number): [number, number] => {
        const r = Math.sqrt(-2 * Math.log(u1))
        return [r * Math.cos(2 * Math.PI * u2), r * Math.sin(2 * Math.PI * u2)]
      }
      const f64 = normal(k, [256], { mean: 1, std: 2, dtype: "float64" }).toTypedArray()
      for (let b = 0; b < 128; b++) {
        const z = bm((bits53(w[4 * b]!, w[4 * b + 1]!) + 1) * 2 ** -53, bits53(w[4 * b + 2]!, w[4 * b + 3]!) * 2 ** -53)
        for (let j = 0; j < 2; j++) expect(Math.abs(f64[2 * b + j]! - (1 + 2 * z[j]!))).toBeLessThan(1e-13)
      }
      const f32 = normal(k, [512]).toTypedArray()
      for (let b = 0; b < 128; b++)
        for (let p = 0; p < 2; p++) {
          const z = bm((w[4 * b + 2 * p]! + 1) * 2 ** -32, w[4 * b + 2 * p + 1]! * 2 ** -32)
          for (let j = 0; j < 2; j++) {
            const v = f32[4 * b + 2 * p + j]!
            expect(Math.abs(v - z[j]!)).toBeLessThanOrEqual(2 ** -23 * Math.abs(z[j]!) + 1e-12)
          }
        }
    }))

  it.effect("moments and KS against the normal CDF", () =>
    inScope(() => {
      for (const [dtype, mean, std] of [["float32", 0, 1], ["float64", -1.5, 0.25]] as const) {
        const x = normal(split(key(12), 2)[1]!, [N], { mean, std, dtype }).toTypedArray()
        const m = moments(x)
        // standard errors: std/sqrt(n); std^2 sqrt(2/n); sqrt(6/n) for the skewness; sqrt(24/n) for the kurtosis
        expect(Math.abs(m.mean - mean)).toBeLessThan((5 * std) / Math.sqrt(N))
        expect(Math.abs(m.variance - std * std)).toBeLessThan(5 * std * std * Math.sqrt(2 / N))
        expect(Math.abs(m.skewness)).toBeLessThan(5 * Math.sqrt(6 / N))
        expect(Math.abs(m.kurtosis - 3)).toBeLessThan(5 * Math.sqrt(24 / N))
        expect(ksStatistic(x, (v) => normalCdf((v - mean) / std))).toBeLessThan(ksCritical(N, ALPHA))
      }
    }))

  it.effect("std = 0 gives the mean exactly", () =>
    inScope(() => {
      expect(Array.from(normal(key(1), [5], { mean: 2.5, std: 0 }).toTypedArray())).toEqual([2.5, 2.5, 2.5, 2.5, 2.5])
    }))
})
