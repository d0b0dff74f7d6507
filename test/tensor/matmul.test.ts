/**
 * matmul against a naive triple loop in float64: 2-D, batched, broadcast batch dimensions,
 * transposed views (passed to BLAS as flags: no copy), 1-D operands (NumPy rules), empty
 * dimensions. Tolerance: |got - ref| <= rtol · Σ_k |a_ik b_kj| with rtol 1e-6 (float32),
 * 1e-12 (float64).
 */
import { describe, expect, it } from "@effect/vitest"
import * as T from "../../src/tensor/index.js"
import { at, broadcastShapes, expectClose, type FloatDType, layouts, operand, type Ref, refFrom, Rng, rtol } from "./reference.js"

const floatTypes: readonly FloatDType[] = ["float32", "float64"]

/** NumPy matmul of references, with the Σ|a||b| scale of each output element. */
const matmulRef = (a: Ref, b: Ref): { value: Ref; scale: Float64Array } => {
  const A = a.shape.length === 1 ? { shape: [1, a.shape[0]!], data: a.data } : a
  const B = b.shape.length === 1 ? { shape: [b.shape[0]!, 1], data: b.data } : b
  const m = A.shape.at(-2)!, k = A.shape.at(-1)!, n = B.shape.at(-1)!
  const batch = broadcastShapes(A.shape.slice(0, -2), B.shape.slice(0, -2))
  const scale: number[] = []
  const full = refFrom([...batch, m, n], (i) => {
    const bi = i.slice(0, -2), r = i.at(-2)!, c = i.at(-1)!
    let s = 0, abs = 0
    for (let q = 0; q < k; q++) {
      const p = at(A, [...bi, r, q]) * at(B, [...bi, q, c])
      s += p
      abs += Math.abs(p)
    }
    scale.push(Math.max(abs, 1e-30))
    return s
  })
  let shape = full.shape
  if (b.shape.length === 1) shape = shape.slice(0, -1)
  if (a.shape.length === 1) shape = [...shape.slice(0, b.shape.length === 1 ? -1 : -2), ...(b.shape.length === 1 ? [] : [n])]
  return { value: { shape, data: full.data }, scale: Float64Array.from(scale) }
}

/**
 * Runs f and returns how many bytes beyond what was live it needed at its peak: a ballast of
 * bool bytes first brings the live bytes up to the recorded peak, so any new peak is f's.
 */
const peakDuring = <A>(f: () => A): [A, number] => {
  const { liveBytes, peakBytes } = T.memoryStats()
  const ballast = peakBytes > liveBytes ? T.zeros([peakBytes - liveBytes], { dtype: "bool" }) : undefined
  const base = T.memoryStats().peakBytes
  expect(T.memoryStats().liveBytes).toBe(base)
  const out = f()
  const extra = T.memoryStats().peakBytes - base
  ballast?.dispose()
  return [out, extra]
}

const check = (a: { t: T.Tensor; ref: Ref }, b: { t: T.Tensor; ref: Ref }, dtype: FloatDType, what: string) => {
  const { value, scale } = matmulRef(a.ref, b.ref)
  expectClose(T.matmul(a.t, b.t), value, rtol(dtype), scale, what)
}

describe("matmul", () => {
  for (const dtype of floatTypes)
    it(`2-D and batched products, broadcast batches, in every layout (${dtype})`, () =>
      T.local(() => {
        const rng = new Rng(dtype === "float32" ? 0x9001 : 0x9002)
        const gen = () => rng.uniform(-1, 1)
        for (let trial = 0; trial < 24; trial++) {
          const m = rng.int(1, 7), k = rng.int(1, 9), n = rng.int(1, 7)
          const batch = rng.shape(0, 2, 1, 3)
          const thin = (s: number[]) => s.slice(rng.int(0, s.length)).map((d) => (rng.bool(0.3) ? 1 : d))
          const [ba, bb] = rng.bool() ? [batch, thin(batch)] : [thin(batch), batch]
          const A = operand(rng, [...ba, m, k], dtype, layouts[trial % 4]!, gen)
          const B = operand(rng, [...bb, k, n], dtype, layouts[(trial + 1 + (trial >> 2)) % 4]!, gen)
          check(A, B, dtype, `[${A.ref.shape}] @ [${B.ref.shape}] ${layouts[trial % 4]}/${layouts[(trial + 1 + (trial >> 2)) % 4]}`)
        }
        // the broadcasts named in the design: [b,m,k] @ [k,n] and [1,m,k] @ [b,k,n], 4-D batches
        check(operand(rng, [3, 4, 5], dtype, "contiguous", gen), operand(rng, [5, 2], dtype, "contiguous", gen), dtype, "[b,m,k]@[k,n]")
        check(operand(rng, [1, 4, 5], dtype, "contiguous", gen), operand(rng, [3, 5, 2], dtype, "contiguous", gen), dtype, "[1,m,k]@[b,k,n]")
        check(operand(rng, [2, 1, 3, 4], dtype, "permuted", gen), operand(rng, [1, 3, 4, 2], dtype, "stepped", gen), dtype, "4-D")
        // a larger product, split across threads
        check(operand(rng, [70, 90], dtype, "contiguous", gen), operand(rng, [90, 60], dtype, "permuted", gen), dtype, "70x90x60")
      }))

  it("transposed views go to BLAS as flags: the output is the only allocation", () =>
    T.local(() => {
      const rng = new Rng(0x9003)
      for (const dtype of floatTypes) {
        const a = operand(rng, [40, 30], dtype, "contiguous", () => rng.uniform(-1, 1))
        const b = operand(rng, [20, 30], dtype, "contiguous", () => rng.uniform(-1, 1))
        const e = operand(rng, [30, 40], dtype, "contiguous", () => rng.uniform(-1, 1))
        const c = operand(rng, [2, 30, 20], dtype, "contiguous", () => rng.uniform(-1, 1))
        const refT = (r: Ref) => refFrom([...r.shape.slice(0, -2), r.shape.at(-1)!, r.shape.at(-2)!], (i) => at(r, [...i.slice(0, -2), i.at(-1)!, i.at(-2)!]))
        const cases: Array<[T.Tensor, T.Tensor, Ref, Ref]> = [
          [a.t, T.transpose(b.t), a.ref, refT(b.ref)], // a @ b^T: [40, 20]
          [T.transpose(a.t), a.t, refT(a.ref), a.ref], // a^T @ a: [30, 30]
          [T.transpose(e.t), T.transpose(b.t), refT(e.ref), refT(b.ref)], // e^T @ b^T: [40, 20]
          [T.transpose(c.t), T.transpose(b.t), refT(c.ref), refT(b.ref)], // batched c^T @ b^T: [2, 20, 20]
          [b.t, c.t, b.ref, c.ref] // broadcast batch: [20, 30] @ [2, 30, 20]
        ]
        for (const [x, y, rx, ry] of cases) {
          const [out, extra] = peakDuring(() => T.matmul(x, y))
          expect(extra, `matmul [${x.shape}] @ [${y.shape}] allocated more than its output`).toBe(out.size * (dtype === "float32" ? 4 : 8))
          const { value, scale } = matmulRef(rx, ry)
          expectClose(out, value, rtol(dtype), scale)
        }
        // a stepped view along columns cannot go to BLAS: it is copied, and still right
        const s = T.slice(T.reshape(a.t, [40, 30]), 1, 0, 30, 2) // [40, 15], column stride 2
        const w = operand(rng, [15, 3], dtype, "contiguous", () => rng.uniform(-1, 1))
        const [out, extra] = peakDuring(() => T.matmul(s, w.t))
        expect(extra).toBeGreaterThan(out.size * (dtype === "float32" ? 4 : 8))
        const sRef = refFrom([40, 15], ([i, j]) => at(a.ref, [i!, 2 * j!]))
        const { value, scale } = matmulRef(sRef, w.ref)
        expectClose(out, value, rtol(dtype), scale)
      }
    }))

  it("1-D operands follow NumPy: vector @ matrix, matrix @ vector, vector @ vector, batched", () =>
    T.local(() => {
      const rng = new Rng(0x9004)
      for (const dtype of floatTypes) {
        const gen = () => rng.uniform(-1, 1)
        const cases: Array<[number[], number[], number[]]> = [
          [[5], [5, 3], [3]],
          [[4, 5], [5], [4]],
          [[5], [5], []],
          [[5], [2, 5, 3], [2, 3]],
          [[2, 4, 5], [5], [2, 4]]
        ]
        for (const [sa, sb, so] of cases) {
          const A = operand(rng, sa, dtype, rng.pick(layouts), gen), B = operand(rng, sb, dtype, rng.pick(layouts), gen)
          const { value, scale } = matmulRef(A.ref, B.ref)
          expect(value.shape).toEqual(so)
          expectClose(T.matmul(A.t, B.t), value, rtol(dtype), scale, `[${sa}] @ [${sb}]`)
        }
      }
      expect(() => T.matmul(T.scalar(2), T.ones([2]))).toThrow(expect.objectContaining({ _tag: "InvalidArgument", message: expect.stringContaining("matmul") }))
    }))

  it("empty dimensions: k = 0 gives zeros, m = 0 or n = 0 an empty result", () =>
    T.local(() => {
      for (const dtype of floatTypes) {
        const z = T.matmul(T.ones([3, 0], { dtype }), T.ones([0, 4], { dtype }))
        expect(z.shape).toEqual([3, 4])
        expect(Array.from(z.toTypedArray())).toEqual(new Array(12).fill(0))
        expect(Array.from(T.matmul(T.ones([2, 3, 0], { dtype }), T.ones([0, 2], { dtype })).toTypedArray())).toEqual(new Array(12).fill(0))
        expect(T.matmul(T.ones([0, 5], { dtype }), T.ones([5, 4], { dtype })).shape).toEqual([0, 4])
        expect(T.matmul(T.ones([3, 5], { dtype }), T.ones([5, 0], { dtype })).shape).toEqual([3, 0])
        expect(T.matmul(T.ones([0, 3, 5], { dtype }), T.ones([5, 2], { dtype })).shape).toEqual([0, 3, 2])
        expect(T.matmul(T.ones([0], { dtype }), T.ones([0], { dtype })).item()).toBe(0)
      }
    }))

  it("shape, dtype and rank errors are typed and name matmul", () =>
    T.local(() => {
      const err = (tag: string) => expect.objectContaining({ _tag: tag, message: expect.stringContaining("matmul") })
      expect(() => T.matmul(T.ones([2, 3]), T.ones([4, 2]))).toThrow(err("ShapeMismatch"))
      expect(() => T.matmul(T.ones([2, 2, 3]), T.ones([3, 3, 2]))).toThrow(err("ShapeMismatch"))
      expect(() => T.matmul(T.ones([2, 3]), T.ones([3, 2], { dtype: "float64" }))).toThrow(err("DTypeMismatch"))
      expect(() => T.matmul(T.ones([2, 3], { dtype: "int32" }), T.ones([3, 2], { dtype: "int32" }))).toThrow(err("DTypeMismatch"))
    }))
})

// On AVX-512 builds float32 products of 8 or more columns run diverge's own kernel (the CPU
// backend's detail says so): 32-column panels with masked edges, 8-row tiles, and k packed
// 1024 at a time. Shapes here straddle each of those edges. Each element is a chain of k
// fused multiply-adds, so the bound is the recursive-summation one, k·2⁻²⁴·Σ|a b|.
describe("float32 products across the kernel's panel, tile and depth edges", () => {
  it("agree with float64 within k·2⁻²⁴·Σ|a b| in every layout, and accumulate onto a bias", () =>
    T.local(() => {
      const rng = new Rng(0x9201)
      const gen = () => rng.uniform(-1, 1)
      for (const [m, k, n] of [[13, 1100, 47], [8, 2049, 32], [1, 300, 8], [17, 5, 33], [64, 1024, 16], [9, 3, 100]] as const) {
        for (let layout = 0; layout < 4; layout++) {
          const A = operand(rng, [m, k], "float32", layouts[layout]!, gen)
          const B = operand(rng, [k, n], "float32", layouts[(layout + 1) % 4]!, gen)
          const { value, scale } = matmulRef(A.ref, B.ref)
          const tol = k * 2 ** -24
          expectClose(T.matmul(A.t, B.t), value, tol, scale, `[${m},${k}] @ [${k},${n}] ${layouts[layout]}`)
          const bias = operand(rng, [n], "float32", "contiguous", gen)
          const withBias = { shape: value.shape, data: value.data.map((v, i) => v + bias.ref.data[i % n]!) }
          const biasScale = scale.map((s, i) => s + Math.abs(bias.ref.data[i % n]!))
          expectClose(T.affine(A.t, B.t, bias.t), withBias, tol + 2 ** -24, biasScale, `affine [${m},${k}] @ [${k},${n}]`)
        }
      }
    }))
})

describe("affine (x @ w + b, the bias accumulated into by BLAS)", () => {
  for (const dtype of floatTypes)
    it(`matches the float64 product plus the bias: 2-D, batched x, transposed w, and a strided bias (${dtype})`, () =>
      T.local(() => {
        const rng = new Rng(dtype === "float32" ? 0x9101 : 0x9102)
        const gen = () => rng.uniform(-1, 1)
        for (let trial = 0; trial < 12; trial++) {
          const k = rng.int(1, 9), n = rng.int(1, 7)
          const X = operand(rng, [...rng.shape(0, 2, 1, 3), rng.int(1, 7), k], dtype, layouts[trial % 4]!, gen)
          const W = operand(rng, [k, n], dtype, layouts[(trial + 1) % 4]!, gen)
          const B = operand(rng, [n], dtype, trial % 2 === 0 ? "contiguous" : "stepped", gen)
          const { value, scale } = matmulRef(X.ref, W.ref)
          const withBias = { shape: value.shape, data: value.data.map((v, i) => v + B.ref.data[i % n]!) }
          const biasScale = scale.map((s, i) => s + Math.abs(B.ref.data[i % n]!))
          expectClose(T.affine(X.t, W.t, B.t), withBias, rtol(dtype), biasScale, `[${X.ref.shape}] @ [${W.ref.shape}] + [${n}]`)
        }
        // k = 0: the bias alone; a 1-D x: the vector rule of matmul
        const b = T.tensor([1, 2, 3], { dtype })
        expect(Array.from(T.affine(T.ones([2, 0], { dtype }), T.ones([0, 3], { dtype }), b).toTypedArray())).toEqual([1, 2, 3, 1, 2, 3])
        expect(Array.from(T.affine(T.ones([2], { dtype }), T.ones([2, 3], { dtype }), b).toTypedArray())).toEqual([3, 4, 5])
      }))

  it("refuses a bias of the wrong shape or dtype with typed errors naming linear", () =>
    T.local(() => {
      const err = (tag: string) => expect.objectContaining({ _tag: tag, message: expect.stringContaining("linear") })
      const x = T.ones([4, 3]), w = T.ones([3, 2])
      expect(() => T.affine(x, w, T.ones([3]))).toThrow(err("ShapeMismatch"))
      expect(() => T.affine(x, w, T.ones([1, 2]))).toThrow(err("ShapeMismatch"))
      expect(() => T.affine(x, w, T.ones([2], { dtype: "float64" }))).toThrow(err("DTypeMismatch"))
      expect(() => T.affine(x, T.ones([4, 2]), T.ones([2]))).toThrow(expect.objectContaining({ _tag: "ShapeMismatch" }))
    }))
})
