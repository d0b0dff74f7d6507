/**
 * The multi-threaded paths: inputs large enough (> 32768 elements per op) to be split across
 * 2 threads, where chunks start in the middle of rows of strided and broadcast operands.
 * Checked against float64 references (float64 data: rtol 1e-12; selections exact).
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as T from "../../src/tensor/index.js"
import { at, expectClose, operand, reduceRef, refFrom, Rng, zipRef } from "./reference.js"

describe("ops split across threads", () => {
  const initial = T.numThreads()
  afterAll(() => {
    T.setNumThreads(initial)
  })

  it("elementwise, where, cast and reductions on large strided and broadcast operands", () =>
    T.local(() => {
      const rng = new Rng(0xa001)
      const gen = () => rng.uniform(-2, 2)
      for (const threads of [2, 1]) {
        T.setNumThreads(threads)
        const shape = [37, 41, 53] // 80,401 elements: odd sizes, so chunks cut rows
        const A = operand(rng, shape, "float64", "permuted", gen)
        const B = operand(rng, [41, 1], "float64", "contiguous", gen)
        const C = operand(rng, shape, "float64", "stepped", gen)
        const what = `${threads} threads`
        expectClose(T.mul(A.t, B.t), zipRef(A.ref, B.ref, (x, y) => x * y), 1e-12, undefined, `mul ${what}`)
        expectClose(T.sub(C.t, A.t), zipRef(C.ref, A.ref, (x, y) => x - y), 1e-12, undefined, `sub ${what}`)
        expectClose(T.tanh(C.t), { shape, data: C.ref.data.map(Math.tanh) }, 1e-12, undefined, `tanh ${what}`)
        const w = T.where(T.gt(A.t, B.t), C.t, 0.5)
        expectClose(w, refFrom(shape, (i) => (at(A.ref, i) > at(B.ref, i) ? at(C.ref, i) : 0.5)), 0, undefined, `where ${what}`)
        const f32 = T.cast(A.t, "float32")
        expectClose(f32, { shape, data: A.ref.data.map(Math.fround) }, 0, undefined, `cast ${what}`)
        for (const axes of [[0], [1], [2], [0, 2]]) {
          const abs = reduceRef(C.ref, axes, false, (v) => v.reduce((s, x) => s + Math.abs(x), 0)).data
          expectClose(T.sum(C.t, axes), reduceRef(C.ref, axes, false, (v) => v.reduce((s, x) => s + x, 0)), 1e-12, abs, `sum ${axes} ${what}`)
          expectClose(T.max(A.t, axes), reduceRef(A.ref, axes, false, (v) => Math.max(...v)), 0, undefined, `max ${axes} ${what}`)
        }
        expect(T.numThreads()).toBe(threads)
      }
    }))

  it("matmul split by rows and by columns, with transposed operands; argsort and indexSelect of many rows", () =>
    T.local(() => {
      const rng = new Rng(0xa002)
      const gen = () => rng.uniform(-1, 1)
      for (const threads of [2, 1]) {
        T.setNumThreads(threads)
        for (const [m, k, n] of [[200, 64, 90], [50, 64, 300]] as const) {
          const A = operand(rng, [m, k], "float64", "permuted", gen) // a transposed view: BLAS flag
          const B = operand(rng, [k, n], "float64", rng.pick(["permuted", "contiguous"] as const), gen)
          const out = T.matmul(A.t, B.t)
          const ref = refFrom([m, n], ([i, j]) => {
            let s = 0
            for (let q = 0; q < k; q++) s += at(A.ref, [i!, q]) * at(B.ref, [q, j!])
            return s
          })
          const scale = refFrom([m, n], ([i, j]) => {
            let s = 0
            for (let q = 0; q < k; q++) s += Math.abs(at(A.ref, [i!, q]) * at(B.ref, [q, j!]))
            return s
          })
          expectClose(out, ref, 1e-12, scale.data, `matmul ${m}x${k}x${n}, ${threads} threads`)
        }
        const X = operand(rng, [300, 257], "float64", "stepped", () => rng.int(-20, 20))
        const order = T.argsort(X.t)
        const idx = order.toTypedArray()
        for (let r = 0; r < 300; r++)
          for (let c = 1; c < 257; c++) {
            const prev = at(X.ref, [r, idx[r * 257 + c - 1]!]), cur = at(X.ref, [r, idx[r * 257 + c]!])
            if (!(prev < cur || (prev === cur && idx[r * 257 + c - 1]! < idx[r * 257 + c]!))) expect.fail(`row ${r} not stably sorted at ${c}`)
          }
        const rows = Array.from({ length: 500 }, () => rng.int(0, 299))
        const sel = T.indexSelect(X.t, 0, T.tensor(rows, { dtype: "int32" }))
        expectClose(sel, refFrom([500, 257], ([i, j]) => at(X.ref, [rows[i!]!, j!])), 0, undefined, `indexSelect ${threads} threads`)
      }
    }))
})
