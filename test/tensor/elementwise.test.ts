/**
 * Elementwise ops against float64 references computed here, on random shapes, broadcasting
 * pairs and non-contiguous operands. Tolerance: |got - ref| <= rtol * |ref| with rtol 1e-6
 * (float32) and 1e-12 (float64); the inputs are rounded to the dtype first, so the reference
 * sees exactly the values the engine sees.
 */
import { describe, expect, it } from "@effect/vitest"
import * as T from "../../src/tensor/index.js"
import {
  at,
  expectClose,
  expectExact,
  type FloatDType,
  layouts,
  mapRef,
  operand,
  refFrom,
  Rng,
  roundTo,
  rtol,
  zipRef
} from "./reference.js"

const floatTypes: readonly FloatDType[] = ["float32", "float64"]

interface UnaryCase {
  readonly name: string
  readonly op: (x: T.Tensor) => T.Tensor
  readonly ref: (x: number) => number
  readonly lo: number
  readonly hi: number
}

const sigmoidRef = (x: number) => 1 / (1 + Math.exp(-x))
const softplusRef = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))
const unaryCases: readonly UnaryCase[] = [
  { name: "neg", op: T.neg, ref: (x) => -x, lo: -5, hi: 5 },
  { name: "exp", op: T.exp, ref: Math.exp, lo: -10, hi: 10 },
  { name: "log", op: T.log, ref: Math.log, lo: 1e-3, hi: 50 },
  { name: "log1p", op: T.log1p, ref: Math.log1p, lo: -0.9, hi: 5 },
  { name: "expm1", op: T.expm1, ref: Math.expm1, lo: -3, hi: 3 },
  { name: "sqrt", op: T.sqrt, ref: Math.sqrt, lo: 0, hi: 100 },
  { name: "rsqrt", op: T.rsqrt, ref: (x) => 1 / Math.sqrt(x), lo: 1e-2, hi: 100 },
  { name: "abs", op: T.abs, ref: Math.abs, lo: -5, hi: 5 },
  { name: "sign", op: T.sign, ref: Math.sign, lo: -2, hi: 2 },
  { name: "tanh", op: T.tanh, ref: Math.tanh, lo: -6, hi: 6 },
  { name: "sigmoid", op: T.sigmoid, ref: sigmoidRef, lo: -12, hi: 12 },
  { name: "softplus", op: T.softplus, ref: softplusRef, lo: -30, hi: 30 },
  { name: "relu", op: T.relu, ref: (x) => Math.max(x, 0), lo: -3, hi: 3 },
  { name: "sin", op: T.sin, ref: Math.sin, lo: -10, hi: 10 },
  { name: "cos", op: T.cos, ref: Math.cos, lo: -10, hi: 10 },
  { name: "powScalar 3", op: (x) => T.powScalar(x, 3), ref: (x) => x ** 3, lo: -3, hi: 3 },
  { name: "powScalar 2", op: (x) => T.powScalar(x, 2), ref: (x) => x * x, lo: -3, hi: 3 },
  { name: "powScalar -1.5", op: (x) => T.powScalar(x, -1.5), ref: (x) => x ** -1.5, lo: 0.1, hi: 4 },
  { name: "powScalar 0.5", op: (x) => T.powScalar(x, 0.5), ref: Math.sqrt, lo: 0, hi: 9 },
  { name: "clamp", op: (x) => T.clamp(x, -0.5, 1.25), ref: (x) => Math.min(Math.max(x, -0.5), 1.25), lo: -2, hi: 2 }
]

describe("unary ops", () => {
  for (const dtype of floatTypes)
    for (const c of unaryCases)
      it(`${c.name} (${dtype}) on random shapes and layouts`, () =>
        T.local(() => {
          const rng = new Rng(0x1000 + c.name.length * 31 + (dtype === "float32" ? 0 : 7))
          for (const layout of layouts) {
            const { t, ref } = operand(rng, rng.shape(0, 4), dtype, layout, () => rng.uniform(c.lo, c.hi))
            const expected = mapRef(ref, (x) => roundTo(dtype)(c.ref(x)))
            expectClose(c.op(t), expected, rtol(dtype), undefined, `${c.name} ${layout}`)
          }
        }))

  it("special values: NaN passes through, ±Inf and zeros follow IEEE", () =>
    T.local(() => {
      const x = [NaN, Infinity, -Infinity, 0, -1]
      const ref = (f: (v: number) => number) => refFrom([5], (i) => f(x[i[0]!]!))
      for (const dtype of floatTypes) {
        const t = T.tensor(x, { dtype }), tol = rtol(dtype)
        expectClose(T.exp(t), ref(Math.exp), tol)
        expectClose(T.log(t), ref(Math.log), tol)
        expectClose(T.sqrt(t), ref(Math.sqrt), tol)
        expectClose(T.rsqrt(t), ref((v) => 1 / Math.sqrt(v)), tol)
        expectClose(T.relu(t), ref((v) => (Number.isNaN(v) ? NaN : Math.max(v, 0))), tol)
        expectClose(T.sigmoid(t), ref(sigmoidRef), tol)
        expectClose(T.softplus(t), ref(softplusRef), tol)
        expectClose(T.tanh(t), ref(Math.tanh), tol)
        expectClose(T.sign(t), ref(Math.sign), tol)
        expectClose(T.clamp(t, -0.5, 0.5), ref((v) => (Number.isNaN(v) ? NaN : Math.min(Math.max(v, -0.5), 0.5))), tol)
        expectClose(T.clamp(t, -Infinity, Infinity), ref((v) => v), tol)
      }
    }))

  // The float32 kernels evaluate both in double without libm (so that they vectorise) and
  // round once: within half a float32 ulp of the float64 reference, plus the polynomials'
  // relative ~1e-11 (1e-3 of half an ulp), down to the subnormal results far in the tail.
  it("float32 softplus and sigmoid round the float64 value, over [-110, 110] step 1/64", () =>
    T.local(() => {
      const xs = Array.from({ length: 220 * 64 + 1 }, (_, i) => -110 + i / 64)
      const t = T.tensor(xs, { dtype: "float32" })
      for (const [name, op, f] of [["softplus", T.softplus, softplusRef], ["sigmoid", T.sigmoid, sigmoidRef]] as const) {
        const got = op(t).toTypedArray()
        xs.forEach((x, i) => {
          const ref = f(x), ulp = 2 ** Math.max(Math.floor(Math.log2(Math.abs(ref))) - 23, -149)
          if (!(Math.abs(got[i]! - ref) <= 0.5 * ulp * (1 + 1e-3))) expect.fail(`${name}(${x}) = ${got[i]}, reference ${ref}`)
        })
      }
    }))

  // softplus(l) − l·y as written cancels to 0 in float32 for l above about 14 at y = 1; the op keeps
  // the relative accuracy of log1p(e^−l) there (and of softplus at y = 0).
  it("bceLogits at targets 0 and 1 is relatively accurate far into the tails (float32 and float64)", () =>
    T.local(() => {
      const ls = Array.from({ length: 161 }, (_, i) => -80 + i)
      for (const dtype of floatTypes) {
        const l = T.tensor(ls, { dtype }), tol = dtype === "float32" ? 1e-6 : 1e-12
        for (const y of [0, 1]) {
          const got = T.bceLogits(l, y).toTypedArray()
          ls.forEach((x, i) => {
            const ref = (y === 0 ? Math.max(x, 0) : Math.max(-x, 0)) + Math.log1p(Math.exp(-Math.abs(x)))
            if (!(Math.abs(got[i]! - ref) <= tol * ref)) expect.fail(`${dtype} bceLogits(${x}, ${y}) = ${got[i]}, reference ${ref}`)
          })
        }
      }
    }))

  it("unary ops refuse int32 and bool tensors with a DTypeMismatch naming the op", () =>
    T.local(() => {
      for (const dtype of ["int32", "bool"] as const) {
        const t = T.tensor([1, 0], { dtype })
        expect(() => T.exp(t)).toThrow(expect.objectContaining({ _tag: "DTypeMismatch", message: expect.stringContaining("exp") }))
      }
      expect(() => T.clamp(T.ones([2]), 2, 1)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.clamp(T.ones([2]), NaN, 1)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
    }))
})

interface BinaryCase {
  readonly name: string
  readonly op: (a: T.TensorLike, b: T.TensorLike) => T.Tensor
  readonly ref: (a: number, b: number) => number
  readonly a: readonly [number, number]
  readonly b: readonly [number, number]
}

const binaryCases: readonly BinaryCase[] = [
  { name: "add", op: T.add, ref: (a, b) => a + b, a: [-5, 5], b: [-5, 5] },
  { name: "sub", op: T.sub, ref: (a, b) => a - b, a: [-5, 5], b: [-5, 5] },
  { name: "mul", op: T.mul, ref: (a, b) => a * b, a: [-5, 5], b: [-5, 5] },
  { name: "div", op: T.div, ref: (a, b) => a / b, a: [-5, 5], b: [0.25, 4] },
  { name: "pow", op: T.pow, ref: (a, b) => a ** b, a: [0.1, 3], b: [-3, 3] },
  { name: "maximum", op: T.maximum, ref: Math.max, a: [-2, 2], b: [-2, 2] },
  { name: "minimum", op: T.minimum, ref: Math.min, a: [-2, 2], b: [-2, 2] },
  // targets below 0.9: l (1 − y) + log1p(e^−|l|) has no cancellation for the reference either
  { name: "bceLogits", op: T.bceLogits, ref: (l, y) => Math.max(l, 0) - l * y + Math.log1p(Math.exp(-Math.abs(l))), a: [-20, 20], b: [0, 0.9] }
]

/** A random pair of shapes that broadcast: some axes of one operand set to 1, or missing. */
const broadcastPair = (rng: Rng): [number[], number[]] => {
  const out = rng.shape(0, 4)
  const thin = (s: number[]) => s.slice(rng.int(0, s.length)).map((d) => (rng.bool(0.3) ? 1 : d))
  return rng.bool() ? [out, thin(out)] : [thin(out), out]
}

describe("binary ops with broadcasting", () => {
  for (const dtype of floatTypes)
    for (const c of binaryCases)
      it(`${c.name} (${dtype}): random broadcasting pairs in every layout, and number operands`, () =>
        T.local(() => {
          const rng = new Rng(0x2000 + c.name.charCodeAt(0) * 13 + c.name.length + (dtype === "float32" ? 0 : 5))
          const round = roundTo(dtype)
          for (let trial = 0; trial < 8; trial++) {
            const [sa, sb] = broadcastPair(rng)
            const A = operand(rng, sa, dtype, layouts[trial % 4]!, () => rng.uniform(...c.a))
            const B = operand(rng, sb, dtype, layouts[(trial + 1 + (trial >> 2)) % 4]!, () => rng.uniform(...c.b))
            const expected = zipRef(A.ref, B.ref, (x, y) => round(c.ref(x, y)))
            expectClose(c.op(A.t, B.t), expected, rtol(dtype), undefined, `${c.name} ${sa} ${sb}`)
            // a number on either side is a 0-d operand of the tensor's dtype
            const s = round(rng.uniform(...c.b))
            expectClose(c.op(A.t, s), mapRef(A.ref, (x) => round(c.ref(x, s))), rtol(dtype), undefined, "tensor op number")
            const r = round(rng.uniform(...c.a))
            expectClose(c.op(r, B.t), mapRef(B.ref, (y) => round(c.ref(r, y))), rtol(dtype), undefined, "number op tensor")
          }
        }))

  it("maximum and minimum propagate NaN from either side; ±Inf order normally", () =>
    T.local(() => {
      for (const dtype of floatTypes) {
        const xa = [NaN, 1, NaN, -Infinity, Infinity, 2], xb = [1, NaN, NaN, 0, 3, -Infinity]
        const a = T.tensor(xa, { dtype }), b = T.tensor(xb, { dtype })
        const ref = (f: (x: number, y: number) => number) => refFrom([6], ([i]) => f(xa[i!]!, xb[i!]!))
        expectClose(T.maximum(a, b), ref(Math.max), 0)
        expectClose(T.minimum(a, b), ref(Math.min), 0)
        expectClose(T.maximum(a, 0), refFrom([6], ([i]) => Math.max(xa[i!]!, 0)), 0)
        expectClose(T.minimum(NaN, b), refFrom([6], () => NaN), 0)
      }
    }))

  it("mismatched shapes and dtypes are typed errors naming the op", () =>
    T.local(() => {
      expect(() => T.add(T.ones([2, 3]), T.ones([4]))).toThrow(
        expect.objectContaining({ _tag: "ShapeMismatch", message: expect.stringContaining("add") })
      )
      expect(() => T.mul(T.ones([2]), T.ones([2], { dtype: "float64" }))).toThrow(
        expect.objectContaining({ _tag: "DTypeMismatch", message: expect.stringContaining("mul") })
      )
      expect(() => T.sub(T.ones([2], { dtype: "int32" }), T.ones([2], { dtype: "int32" }))).toThrow(
        expect.objectContaining({ _tag: "DTypeMismatch", message: expect.stringContaining("sub") })
      )
    }))
})

const compareCases = [
  { name: "eq", op: T.eq, ref: (a: number, b: number) => a === b },
  { name: "ne", op: T.ne, ref: (a: number, b: number) => a !== b },
  { name: "lt", op: T.lt, ref: (a: number, b: number) => a < b },
  { name: "le", op: T.le, ref: (a: number, b: number) => a <= b },
  { name: "gt", op: T.gt, ref: (a: number, b: number) => a > b },
  { name: "ge", op: T.ge, ref: (a: number, b: number) => a >= b }
] as const

describe("comparisons and where", () => {
  it("comparisons of float tensors (ties and NaN included) broadcast and give bool", () =>
    T.local(() => {
      const rng = new Rng(0x3001)
      for (const dtype of floatTypes)
        for (const c of compareCases)
          for (let trial = 0; trial < 4; trial++) {
            const [sa, sb] = broadcastPair(rng)
            // few distinct values, so that ties are common; NaN now and then
            const gen = () => (rng.bool(0.1) ? NaN : rng.int(-2, 2) / 2)
            const A = operand(rng, sa, dtype, layouts[trial]!, gen)
            const B = operand(rng, sb, dtype, layouts[3 - trial]!, gen)
            const out = c.op(A.t, B.t)
            expect(out.dtype).toBe("bool")
            expectExact(out, zipRef(A.ref, B.ref, (x, y) => (c.ref(x, y) ? 1 : 0)), `${c.name} ${dtype}`)
            expectExact(c.op(A.t, 0.5), mapRef(A.ref, (x) => (c.ref(x, 0.5) ? 1 : 0)), `${c.name} number`)
            expectExact(c.op(0.5, B.t), mapRef(B.ref, (y) => (c.ref(0.5, y) ? 1 : 0)), `number ${c.name}`)
          }
    }))

  it("comparisons of int32 and bool tensors; a number that the dtype cannot hold is refused", () =>
    T.local(() => {
      const i = T.tensor([-3, 0, 2, 7], { dtype: "int32" })
      expect(Array.from(T.lt(i, 2).toTypedArray())).toEqual([1, 1, 0, 0])
      expect(Array.from(T.ge(i, T.tensor([-3, 1, 2, 8], { dtype: "int32" })).toTypedArray())).toEqual([1, 0, 1, 0])
      const b = T.tensor([1, 0, 1], { dtype: "bool" })
      expect(Array.from(T.eq(b, 1).toTypedArray())).toEqual([1, 0, 1])
      expect(() => T.lt(i, 2.5)).toThrow(expect.objectContaining({ _tag: "InvalidArgument", message: expect.stringContaining("lt") }))
      expect(() => T.eq(i, 2 ** 31)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.eq(b, 2)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.eq(i, T.ones([4]))).toThrow(expect.objectContaining({ _tag: "DTypeMismatch" }))
    }))

  it("where selects with a broadcast bool condition, tensor or number branches, any layout", () =>
    T.local(() => {
      const rng = new Rng(0x3002)
      for (const dtype of floatTypes)
        for (let trial = 0; trial < 8; trial++) {
          const out = rng.shape(0, 4)
          const thin = (s: number[]) => s.slice(rng.int(0, s.length)).map((d) => (rng.bool(0.3) ? 1 : d))
          const [sc, sa, sb] = [thin(out), thin(out), out]
          const C = operand(rng, sc, dtype, layouts[trial % 4]!, () => rng.uniform(-1, 1))
          const cond = T.gt(C.t, 0)
          const A = operand(rng, sa, dtype, layouts[(trial + 1) % 4]!, () => rng.uniform(-5, 5))
          const B = operand(rng, sb, dtype, layouts[(trial + 2) % 4]!, () => rng.uniform(-5, 5))
          const pick = (c: number, x: number, y: number) => (c > 0 ? x : y)
          const ref = refFrom(out, (i) => pick(at(C.ref, i), at(A.ref, i), at(B.ref, i)))
          expectClose(T.where(cond, A.t, B.t), ref, 0, undefined, "where")
          expectClose(T.where(cond, A.t, -7), zipRef(C.ref, A.ref, (c, x) => pick(c, x, -7)), 0, undefined, "where a, number")
          expectClose(T.where(cond, 3, B.t), zipRef(C.ref, B.ref, (c, y) => pick(c, 3, y)), 0, undefined, "where number, b")
        }
      const i = T.where(T.tensor([1, 0, 1], { dtype: "bool" }), T.tensor([1, 2, 3], { dtype: "int32" }), 9)
      expect(Array.from(i.toTypedArray())).toEqual([1, 9, 3])
      expect(() => T.where(T.ones([3]), T.ones([3]), T.ones([3]))).toThrow(expect.objectContaining({ _tag: "DTypeMismatch" }))
      expect(() => T.where(T.tensor([1], { dtype: "bool" }), 1, 2)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      const bool = T.tensor([1, 0], { dtype: "bool" })
      expect(() => T.where(bool, T.tensor([1, 2], { dtype: "int32" }), 2.5)).toThrow(expect.objectContaining({ _tag: "InvalidArgument", message: expect.stringContaining("where") }))
      expect(() => T.where(bool, 3, T.tensor([1, 0], { dtype: "bool" }))).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => T.where(bool, 1, null as never)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
    }))
})
