/** exactWasserstein: closed forms (translations), agreement with the solvers, guards. */
import { describe, expect, it } from "@effect/vitest"
import { wasserstein1d } from "../../src/divergence/index.js"
import { exactWasserstein } from "../../src/metrics/index.js"
import * as T from "../../src/tensor/index.js"
import { bestPermutation } from "../support/transport.js"
import { prng } from "../support/random.js"

const cloud = (n: number, d: number, next: () => number) => Array.from({ length: n * d }, next)
const f64 = (data: readonly number[], shape: number[]) => T.tensor(Float64Array.from(data), { dtype: "float64", shape })

describe("exactWasserstein", () => {
  it("a translated sample is at distance ‖s‖ (p = 1, 2), in 2-D and on the line; float32 input accepted", () =>
    T.local(() => {
      const next = prng(7)
      const x = cloud(40, 2, next), s = [0.3, -0.4]
      const y = x.map((v, k) => v + s[k % 2]!)
      for (const p of [1, 2]) expect(exactWasserstein(f64(x, [40, 2]), f64(y, [40, 2]), { p })).toBeCloseTo(0.5, 12)
      const line = cloud(30, 1, next)
      expect(exactWasserstein(f64(line, [30]), f64(line.map((v) => v + 2), [30, 1]), { p: 3 })).toBeCloseTo(2, 12)
      expect(exactWasserstein(T.tensor(Float32Array.from(x), { shape: [40, 2] }), T.tensor(Float32Array.from(y), { shape: [40, 2] }))).toBeCloseTo(0.5, 6)
    }))

  it("equals the best assignment (n = m) and the sorting solution on the line", () =>
    T.local(() => {
      const next = prng(19)
      const n = 6, x = cloud(n, 3, next), y = cloud(n, 3, next)
      const C = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) =>
        Math.hypot(x[3 * i]! - y[3 * j]!, x[3 * i + 1]! - y[3 * j + 1]!, x[3 * i + 2]! - y[3 * j + 2]!)))
      expect(exactWasserstein(f64(x, [n, 3]), f64(y, [n, 3]), { p: 1 })).toBeCloseTo(bestPermutation(C).cost / n, 12)
      const u = cloud(9, 1, next), v = cloud(5, 1, next)
      expect(exactWasserstein(f64(u, [9]), f64(v, [5]))).toBeCloseTo(wasserstein1d(f64(u, [9]), f64(v, [5]), { p: 2 }).item(), 14)
    }))

  it("refuses oversized problems and bad shapes with typed errors; no tensors leak", () => {
    const before = T.liveCount()
    T.local(() => {
      const x = f64(cloud(10, 2, prng(1)), [10, 2])
      expect(() => exactWasserstein(x, x, { maxCells: 50 })).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => exactWasserstein(f64([1, 2], [1, 1, 2]), x)).toThrow(expect.objectContaining({ _tag: "ShapeMismatch" }))
      expect(() => exactWasserstein(x, f64(cloud(6, 3, prng(2)), [2, 3]))).toThrow(expect.objectContaining({ _tag: "ShapeMismatch" }))
      exactWasserstein(x, x)
    })
    expect(T.liveCount()).toBe(before)
  })
})
