/**
 * A matrix product gives the same bits whatever the thread count: a single product is cut
 * into blocks fixed by its shape (OpenBLAS's float32 result for an element depends on the
 * size of the call that computes it, so cutting by thread count changed the bits).
 */
import { describe, expect, it } from "@effect/vitest"
import * as T from "../../src/tensor/index.js"
import { uniformTensor as U } from "../support/random.js"

const bits = (t: T.Tensor) => Buffer.from((t.toTypedArray() as Float32Array).buffer)

describe("matmul and the thread count", () => {
  it("gives the same float32 bits with 1 and 2 threads", () =>
    T.local(() => {
      const shapes = [[128, 1024, 392], [392, 128, 1024], [1024, 64, 300], [33, 1000, 777], [2, 96, 40, 300]] as const
      const previous = T.numThreads()
      try {
        for (const s of shapes) {
          const batch = s.length === 4 ? [s[0]] : []
          const [m, k, n] = s.slice(-3) as [number, number, number]
          const a = U([...batch, m, k], -1, 1, 1, "float32"), b = U([k, n], -1, 1, 2, "float32")
          T.setNumThreads(1)
          const one = bits(T.matmul(a, b))
          T.setNumThreads(2)
          expect(bits(T.matmul(a, b)).equals(one), `shape ${s.join("x")}`).toBe(true)
          const bias = U([n], -1, 1, 3, "float32")
          T.setNumThreads(1)
          const affineOne = bits(T.affine(a, b, bias))
          T.setNumThreads(2)
          expect(bits(T.affine(a, b, bias)).equals(affineOne), `affine ${s.join("x")}`).toBe(true)
        }
      } finally {
        T.setNumThreads(previous)
      }
    }))

  it("computes each block of a product (float64, against a direct sum)", () =>
    T.local(() => {
      const [m, k, n] = [300, 40, 260] // two blocks of rows: [0, 144) and [144, 300)
      const a = U([m, k], -1, 1, 3), b = U([k, n], -1, 1, 4)
      const A = a.toTypedArray() as Float64Array, B = b.toTypedArray() as Float64Array
      const got = T.matmul(a, b).toTypedArray() as Float64Array
      let worst = 0
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0
          for (let q = 0; q < k; q++) s += A[i * k + q]! * B[q * n + j]!
          worst = Math.max(worst, Math.abs(got[i * n + j]! - s))
        }
      expect(worst).toBeLessThanOrEqual(1e-14)
    }))
})
