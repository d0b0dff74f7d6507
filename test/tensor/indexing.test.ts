/**
 * Joining, splitting and indexing against index arithmetic done here: concat, stack, split,
 * gather, scatterAdd, indexSelect, indexAdd, oneHot, argsort and sort. Selections are exact;
 * accumulations (scatterAdd, indexAdd) are checked to rtol · Σ|terms| (1e-6 float32, 1e-12 float64).
 */
import { describe, expect, it } from "@effect/vitest"
import * as T from "../../src/tensor/index.js"
import { at, expectClose, expectExact, type FloatDType, indices, layouts, operand, refFrom, Rng, rtol } from "./reference.js"

const floatTypes: readonly FloatDType[] = ["float32", "float64"]
const withAxis = (i: readonly number[], axis: number, v: number) => i.map((x, d) => (d === axis ? v : x))

describe("concat, stack, split", () => {
  it("concat along any axis (negative too) of operands in any layout", () =>
    T.local(() => {
      const rng = new Rng(0x8001)
      for (const dtype of floatTypes)
        for (let trial = 0; trial < 10; trial++) {
          const shape = rng.shape(1, 4, 1, 4)
          const axis = rng.int(-shape.length, shape.length - 1), a = axis < 0 ? axis + shape.length : axis
          const parts = Array.from({ length: rng.int(1, 4) }, (_, k) =>
            operand(rng, withAxis(shape, a, rng.int(0, 3)), dtype, layouts[(trial + k) % 4]!, () => rng.uniform(-1, 1))
          )
          const out = T.concat(parts.map((p) => p.t), axis)
          const offsets = parts.map((_, k) => parts.slice(0, k).reduce((s, p) => s + p.ref.shape[a]!, 0))
          const total = parts.reduce((s, p) => s + p.ref.shape[a]!, 0)
          expectClose(out, refFrom(withAxis(shape, a, total), (i) => {
            let k = 0 // the last part that starts at or before i[a] and is not empty
            offsets.forEach((o, j) => {
              if (i[a]! >= o && parts[j]!.ref.shape[a]! > 0) k = j
            })
            return at(parts[k]!.ref, withAxis(i, a, i[a]! - offsets[k]!))
          }), 0, undefined, `concat axis ${axis}`)
        }
      expect(() => T.concat([T.ones([2, 3]), T.ones([2, 4])], 0)).toThrow(expect.objectContaining({ _tag: "ShapeMismatch", message: expect.stringContaining("concat") }))
      expect(() => T.concat([T.ones([2, 3]), T.ones([2])], 0)).toThrow(expect.objectContaining({ _tag: "ShapeMismatch" }))
      expect(() => T.concat([T.ones([2]), T.ones([2], { dtype: "float64" })])).toThrow(expect.objectContaining({ _tag: "DTypeMismatch" }))
      expect(() => T.concat([], 0)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.concat([T.ones([2])], 1)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.concat([T.scalar(1)], 0)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
    }))

  it("stack joins along a new axis; split gives views that add back up", () =>
    T.local(() => {
      const rng = new Rng(0x8002)
      const parts = Array.from({ length: 3 }, () => operand(rng, [2, 3], "float64", rng.pick(layouts), () => rng.uniform(-1, 1)))
      for (const axis of [0, 1, 2, -1, -3]) {
        const a = axis < 0 ? axis + 3 : axis
        const s = T.stack(parts.map((p) => p.t), axis)
        const shape = [2, 3]
        shape.splice(a, 0, 3)
        expectClose(s, refFrom(shape, (i) => at(parts[i[a]!]!.ref, i.filter((_, d) => d !== a))), 0, undefined, `stack ${axis}`)
      }
      expect(() => T.stack([T.ones([2]), T.ones([3])])).toThrow(expect.objectContaining({ _tag: "ShapeMismatch" }))
      expect(() => T.stack([])).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))

      const x = T.reshape(T.arange(20, undefined, 1, { dtype: "float64" }), [4, 5])
      const before = T.memoryStats().liveBytes
      const pieces = T.split(x, [2, 0, 3], 1)
      expect(T.memoryStats().liveBytes).toBe(before)
      expect(pieces.map((p) => p.shape)).toEqual([[4, 2], [4, 0], [4, 3]])
      expectClose(pieces[2]!, refFrom([4, 3], ([i, j]) => i! * 5 + 2 + j!), 0)
      expectClose(T.concat(pieces, 1), refFrom([4, 5], ([i, j]) => i! * 5 + j!), 0)
      expect(T.split(x, [1, 3], -2).map((p) => p.shape)).toEqual([[1, 5], [3, 5]])
      expect(() => T.split(x, [2, 2], 1)).toThrow(expect.objectContaining({ _tag: "InvalidArgument", message: expect.stringContaining("split") }))
      expect(() => T.split(x, [6, -1], 1)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.split(x, [5], 2)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
    }))
})

describe("gather, scatterAdd, indexSelect, indexAdd, oneHot", () => {
  for (const dtype of floatTypes)
    it(`gather and scatterAdd along every axis (${dtype})`, () =>
      T.local(() => {
        const rng = new Rng(dtype === "float32" ? 0x8101 : 0x8102)
        for (let trial = 0; trial < 12; trial++) {
          const shape = rng.shape(1, 4, 1, 4)
          const a = rng.int(0, shape.length - 1), axis = rng.bool() ? a - shape.length : a
          const X = operand(rng, shape, dtype, layouts[trial % 4]!, () => rng.uniform(-2, 2))
          const idxShape = withAxis(shape, a, rng.int(0, 5))
          const idx = refFrom(idxShape, () => rng.int(0, shape[a]! - 1))
          const idxT = T.tensor(idx.data, { shape: idxShape, dtype: "int32" })
          const g = T.gather(X.t, axis, trial % 2 ? idxT : T.transpose(T.contiguous(T.transpose(idxT, 0, -1)), 0, -1))
          expectClose(g, refFrom(idxShape, (i) => at(X.ref, withAxis(i, a, at(idx, i)))), 0, undefined, `gather axis ${axis}`)

          const B = operand(rng, shape, dtype, layouts[(trial + 1) % 4]!, () => rng.uniform(-2, 2))
          const S = operand(rng, idxShape, dtype, layouts[(trial + 2) % 4]!, () => rng.uniform(-2, 2))
          const sums = refFrom(shape, (i) => at(B.ref, i))
          const scale = sums.data.map(Math.abs)
          for (const i of indices(idxShape)) {
            const target = withAxis(i, a, at(idx, i))
            let off = 0
            for (let d = 0; d < shape.length; d++) off = off * shape[d]! + target[d]!
            sums.data[off] = sums.data[off]! + at(S.ref, i)
            scale[off] = scale[off]! + Math.abs(at(S.ref, i))
          }
          expectClose(T.scatterAdd(B.t, axis, idxT, S.t), sums, rtol(dtype), scale.map((s) => Math.max(s, 1e-30)), `scatterAdd axis ${axis}`)
        }
      }))

  for (const dtype of floatTypes)
    it(`indexSelect and indexAdd with repeated indices (${dtype})`, () =>
      T.local(() => {
        const rng = new Rng(dtype === "float32" ? 0x8201 : 0x8202)
        for (let trial = 0; trial < 12; trial++) {
          const shape = rng.shape(1, 4, 1, 4)
          const a = rng.int(0, shape.length - 1), axis = rng.bool() ? a - shape.length : a
          const X = operand(rng, shape, dtype, layouts[trial % 4]!, () => rng.uniform(-2, 2))
          const idx = Array.from({ length: rng.int(0, 6) }, () => rng.int(0, shape[a]! - 1))
          const idxT = T.tensor(idx, { dtype: "int32" })
          const outShape = withAxis(shape, a, idx.length)
          expectClose(T.indexSelect(X.t, axis, idxT), refFrom(outShape, (i) => at(X.ref, withAxis(i, a, idx[i[a]!]!))), 0, undefined, `indexSelect ${axis}`)

          const S = operand(rng, outShape, dtype, layouts[(trial + 1) % 4]!, () => rng.uniform(-2, 2))
          const ref = refFrom(shape, (i) => at(X.ref, i) + idx.reduce((s, k, j) => (k === i[a] ? s + at(S.ref, withAxis(i, a, j)) : s), 0))
          const scale = refFrom(shape, (i) => Math.abs(at(X.ref, i)) + idx.reduce((s, k, j) => (k === i[a] ? s + Math.abs(at(S.ref, withAxis(i, a, j))) : s), 1e-30))
          expectClose(T.indexAdd(X.t, axis, idxT, S.t), ref, rtol(dtype), scale.data, `indexAdd ${axis}`)
        }
      }))

  it("indices out of range, of the wrong dtype or shape are typed errors naming the op", () =>
    T.local(() => {
      const x = T.ones([3, 4])
      const i32 = (v: number[]) => T.tensor(v, { dtype: "int32" })
      const err = (tag: string, op: string) => expect.objectContaining({ _tag: tag, message: expect.stringContaining(op) })
      expect(() => T.indexSelect(x, 0, i32([0, 3]))).toThrow(err("InvalidArgument", "index_select"))
      expect(() => T.indexSelect(x, 1, i32([-1]))).toThrow(err("InvalidArgument", "index_select"))
      expect(() => T.indexSelect(x, 0, T.tensor([0]))).toThrow(err("DTypeMismatch", "index_select"))
      expect(() => T.indexSelect(x, 0, T.tensor([[0]], { dtype: "int32" }))).toThrow(err("ShapeMismatch", "index_select"))
      expect(() => T.indexSelect(x, 2, i32([0]))).toThrow(err("InvalidArgument", "index_select"))
      expect(() => T.indexAdd(x, 0, i32([5]), T.ones([1, 4]))).toThrow(err("InvalidArgument", "index_add"))
      expect(() => T.indexAdd(x, 0, i32([0]), T.ones([2, 4]))).toThrow(err("ShapeMismatch", "index_add"))
      expect(() => T.gather(x, 1, T.tensor([[4], [0], [0]], { dtype: "int32" }))).toThrow(err("InvalidArgument", "gather"))
      expect(() => T.gather(x, 1, i32([0]))).toThrow(err("ShapeMismatch", "gather"))
      expect(() => T.gather(x, 0, T.tensor([[0, 0, 0]], { dtype: "int32" }))).toThrow(err("ShapeMismatch", "gather"))
      expect(() => T.scatterAdd(x, 0, T.tensor([[3, 0, 0, 0]], { dtype: "int32" }), T.ones([1, 4]))).toThrow(err("InvalidArgument", "scatter_add"))
      expect(() => T.scatterAdd(x, 0, T.tensor([[0, 0, 0, 0]], { dtype: "int32" }), T.ones([2, 4]))).toThrow(err("ShapeMismatch", "scatter_add"))
      expect(() => T.scatterAdd(T.ones([3, 4], { dtype: "int32" }), 0, T.tensor([[0, 0, 0, 0]], { dtype: "int32" }), T.ones([1, 4], { dtype: "int32" }))).toThrow(err("DTypeMismatch", "scatter_add"))
    }))

  it("oneHot: rows with a single 1 at the index, any dtype; out-of-range indices give zero rows", () =>
    T.local(() => {
      const idx = T.tensor([[2, 0], [1, 5]], { dtype: "int32" })
      const oh = T.oneHot(idx, 4)
      expect(oh.dtype).toBe("float32")
      expectExact(oh, refFrom([2, 2, 4], ([i, j, k]) => (k === [[2, 0], [1, 5]][i!]![j!] ? 1 : 0)))
      expect(T.oneHot(T.tensor([1], { dtype: "int32" }), 3, "bool").toArray()).toEqual([[0, 1, 0]])
      expect(T.oneHot(T.tensor([1], { dtype: "int32" }), 0).shape).toEqual([1, 0])
      expect(() => T.oneHot(T.tensor([1.5]), 3)).toThrow(expect.objectContaining({ _tag: "DTypeMismatch" }))
    }))
})

describe("argsort and sort", () => {
  /** Stable ascending/descending order of values with NaN last. */
  const order = (v: number[], descending: boolean): number[] =>
    v.map((x, i) => [x, i] as const).sort(([x, i], [y, j]) => {
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? i - j : Number.isNaN(x) ? 1 : -1
      return x === y ? i - j : descending ? y - x : x - y
    }).map(([, i]) => i)

  it("stable, NaN last, ascending and descending, along any axis of any layout", () =>
    T.local(() => {
      const rng = new Rng(0x8301)
      for (const dtype of floatTypes)
        for (let trial = 0; trial < 12; trial++) {
          const shape = rng.shape(1, 3, 1, 6)
          const a = rng.int(0, shape.length - 1), axis = rng.bool() ? a - shape.length : a
          const gen = () => (rng.bool(0.15) ? NaN : rng.bool(0.1) ? rng.pick([Infinity, -Infinity]) : rng.int(-3, 3))
          const X = operand(rng, shape, dtype, layouts[trial % 4]!, gen)
          for (const descending of [false, true]) {
            const perms = new Map<string, number[]>()
            const permOf = (i: number[]) => {
              const key = withAxis(i, a, 0).join(",")
              if (!perms.has(key)) perms.set(key, order(Array.from({ length: shape[a]! }, (_, k) => at(X.ref, withAxis(i, a, k))), descending))
              return perms.get(key)!
            }
            const idxRef = refFrom(shape, (i) => permOf(i)[i[a]!]!)
            const got = T.argsort(X.t, axis, descending)
            expect(got.dtype).toBe("int32")
            expectExact(got, idxRef, `argsort ${dtype} [${shape}] axis ${axis} desc ${descending}`)
            expectClose(T.sort(X.t, axis, descending), refFrom(shape, (i) => at(X.ref, withAxis(i, a, permOf(i)[i[a]!]!))), 0)
          }
        }
    }))

  it("int32 and bool sort too; a 0-d tensor or a bad axis is a typed error", () =>
    T.local(() => {
      expect(Array.from(T.argsort(T.tensor([3, 1, 2, 1], { dtype: "int32" })).toTypedArray())).toEqual([1, 3, 2, 0])
      expect(Array.from(T.argsort(T.tensor([1, 0, 1, 0], { dtype: "bool" }), -1, true).toTypedArray())).toEqual([0, 2, 1, 3])
      expect(() => T.argsort(T.scalar(1))).toThrow(expect.objectContaining({ _tag: "InvalidArgument", message: expect.stringContaining("argsort") }))
      expect(() => T.argsort(T.ones([2, 2]), 2)).toThrow(expect.objectContaining({ _tag: "InvalidArgument", message: expect.stringContaining("argsort") }))
    }))
})
