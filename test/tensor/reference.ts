/**
 * Test support: a seeded PRNG, float64 reference arrays indexed by tuples (broadcasting by
 * hand), operands in several memory layouts (contiguous, permuted, stepped slices, stride-0
 * expansions) and closeness checks with stated tolerances.
 */
import { expect } from "@effect/vitest"
import * as T from "../../src/tensor/index.js"

/** mulberry32: a tiny seeded PRNG with 32 bits of state, uniform in [0, 1). */
export const mulberry32 = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class Rng {
  private readonly next: () => number
  constructor(seed: number) {
    this.next = mulberry32(seed)
  }
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next()
  }
  /** An integer in [lo, hi] (both included). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }
  pick<A>(xs: readonly A[]): A {
    return xs[this.int(0, xs.length - 1)]!
  }
  bool(p = 0.5): boolean {
    return this.next() < p
  }
  shape(minRank: number, maxRank: number, minDim = 1, maxDim = 4): number[] {
    return Array.from({ length: this.int(minRank, maxRank) }, () => this.int(minDim, maxDim))
  }
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i)
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(0, i)
      ;[p[i], p[j]] = [p[j]!, p[i]!]
    }
    return p
  }
}

export type FloatDType = "float32" | "float64"

/** Values as float64, row-major, with a shape. */
export interface Ref {
  readonly shape: readonly number[]
  readonly data: Float64Array
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)

const rowStrides = (shape: readonly number[]): number[] => {
  const st = new Array<number>(shape.length)
  let acc = 1
  for (let d = shape.length - 1; d >= 0; d--) {
    st[d] = acc
    acc *= shape[d]!
  }
  return st
}

/** Every index tuple of a shape, row-major. */
export function* indices(shape: readonly number[]): Generator<number[]> {
  const n = numel(shape)
  const idx = new Array<number>(shape.length).fill(0)
  for (let k = 0; k < n; k++) {
    yield idx.slice()
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break
      idx[d] = 0
    }
  }
}

export const refFrom = (shape: readonly number[], f: (idx: number[]) => number): Ref => {
  const data = new Float64Array(numel(shape))
  let k = 0
  for (const idx of indices(shape)) data[k++] = f(idx)
  return { shape: [...shape], data }
}

/** The value at idx; idx may have more leading entries than r's rank, and size-1 axes broadcast. */
export const at = (r: Ref, idx: readonly number[]): number => {
  const lead = idx.length - r.shape.length
  const st = rowStrides(r.shape)
  let off = 0
  for (let d = 0; d < r.shape.length; d++) off += (r.shape[d] === 1 ? 0 : idx[d + lead]!) * st[d]!
  return r.data[off]!
}

export const broadcastShapes = (...shapes: ReadonlyArray<readonly number[]>): number[] => {
  const n = Math.max(...shapes.map((s) => s.length))
  return Array.from({ length: n }, (_, i) => {
    let out = 1
    for (const s of shapes) {
      const d = i - (n - s.length) >= 0 ? s[i - (n - s.length)]! : 1
      if (d !== 1) {
        if (out !== 1 && out !== d) throw new Error(`reference: shapes do not broadcast`)
        out = d
      }
    }
    return out
  })
}

export const mapRef = (r: Ref, f: (x: number) => number): Ref => ({ shape: r.shape, data: r.data.map(f) })

export const zipRef = (a: Ref, b: Ref, f: (x: number, y: number) => number): Ref =>
  refFrom(broadcastShapes(a.shape, b.shape), (i) => f(at(a, i), at(b, i)))

/** Reduces `axes` (non-negative, any order) with f over the values in row-major order. */
export const reduceRef = (r: Ref, axes: readonly number[], keepdims: boolean, f: (values: number[]) => number): Ref => {
  const reduced = new Set(axes)
  const keptShape = r.shape.map((d, i) => (reduced.has(i) ? 1 : d))
  const redShape = r.shape.filter((_, i) => reduced.has(i))
  const out = refFrom(keptShape, (o) => {
    const values: number[] = []
    for (const ri of indices(redShape)) {
      let k = 0
      values.push(at(r, o.map((v, d) => (reduced.has(d) ? ri[k++]! : v))))
    }
    return f(values)
  })
  return keepdims ? out : { shape: r.shape.filter((_, i) => !reduced.has(i)), data: out.data }
}

/** Rounds to the dtype's precision (float32: Math.fround). */
export const roundTo = (dtype: FloatDType) => (dtype === "float32" ? Math.fround : (x: number) => x)

/** Stated tolerances: relative to a per-element scale. */
export const rtol = (dtype: FloatDType): number => (dtype === "float32" ? 1e-6 : 1e-12)

export type Layout = "contiguous" | "permuted" | "stepped" | "expanded"
export const layouts: readonly Layout[] = ["contiguous", "permuted", "stepped", "expanded"]

const JUNK = 987654.25 // fills the gaps a stepped slice skips: any read of it shows

/**
 * A tensor holding `ref`'s values, laid out as asked: "permuted" views a contiguous tensor
 * through a non-trivial permutation; "stepped" slices every 2nd/3rd element along one axis;
 * "expanded" is only possible where ref is constant along an axis, so callers use `operand`.
 */
export const tensorIn = (rng: Rng, ref: Ref, dtype: T.DType, layout: Layout): T.Tensor => {
  const shape = ref.shape
  if (layout === "permuted" && shape.length >= 2) {
    let p = rng.permutation(shape.length)
    if (p.every((v, i) => v === i)) p = p.map((_, i) => shape.length - 1 - i)
    // permute(base, p).shape[d] = base.shape[p[d]]  ⇒  base[j] with j[p[d]] = i[d]
    const baseShape = new Array<number>(shape.length)
    p.forEach((src, d) => (baseShape[src] = shape[d]!))
    const base = refFrom(baseShape, (j) => at(ref, p.map((src) => j[src]!)))
    return T.permute(T.tensor(base.data, { shape: baseShape, dtype }), p)
  }
  if ((layout === "stepped" || layout === "permuted") && shape.length >= 1) {
    const axis = rng.int(0, shape.length - 1), step = rng.int(2, 3), start = rng.int(0, step - 1)
    const baseShape = shape.map((d, i) => (i === axis ? start + d * step + rng.int(0, 1) : d))
    const base = refFrom(baseShape, (j) => {
      const k = j[axis]! - start
      return k >= 0 && k % step === 0 && k / step < shape[axis]! ? at(ref, j.map((v, i) => (i === axis ? k / step : v))) : JUNK
    })
    return T.slice(T.tensor(base.data, { shape: baseShape, dtype }), axis, start, start + shape[axis]! * step, step)
  }
  return T.tensor(ref.data, { shape: [...shape], dtype })
}

/**
 * A random operand of `shape` with values from gen (rounded to the dtype) in the given layout.
 * "expanded" draws the values on a smaller shape (some axes of size 1, maybe fewer leading
 * axes) and expands it: stride-0 dimensions.
 */
export const operand = (
  rng: Rng,
  shape: readonly number[],
  dtype: FloatDType,
  layout: Layout,
  gen: () => number
): { t: T.Tensor; ref: Ref } => {
  const round = roundTo(dtype)
  if (layout === "expanded" && shape.some((d) => d > 1)) {
    const lead = rng.int(0, shape.length)
    let small = shape.slice(shape.length - lead).map((d) => (rng.bool() ? 1 : d))
    if (lead === shape.length && small.every((d, i) => d === shape[i])) {
      const i = shape.findIndex((d) => d > 1)
      small = small.map((d, k) => (k === i ? 1 : d))
    }
    const smallRef = refFrom(small, () => round(gen()))
    const t = T.expand(T.tensor(smallRef.data, { shape: small, dtype }), shape)
    return { t, ref: refFrom(shape, (i) => at(smallRef, i)) }
  }
  const ref = refFrom(shape, () => round(gen()))
  return { t: tensorIn(rng, ref, dtype, layout), ref }
}

/** Whether got matches ref within rtol * scale (per element): NaN matches NaN, ±Inf itself. */
export const expectClose = (
  got: T.Tensor | ArrayLike<number>,
  ref: Ref,
  tol: number,
  scale?: ArrayLike<number>,
  what = ""
): void => {
  if (got instanceof T.Tensor) expect(got.shape, `${what} shape`).toEqual(ref.shape)
  const g = got instanceof T.Tensor ? got.toTypedArray() : got
  expect(g.length, `${what} length`).toBe(ref.data.length)
  for (let i = 0; i < ref.data.length; i++) {
    const r = ref.data[i]!, v = g[i]!
    if (Number.isNaN(r) || !Number.isFinite(r)) {
      if (!Object.is(v, r) && !(Number.isNaN(r) && Number.isNaN(v)))
        expect.fail(`${what} element ${i}: got ${v}, expected ${r}`)
      continue
    }
    const s = scale ? scale[i]! : Math.max(Math.abs(r), 1e-30)
    if (!(Math.abs(v - r) <= tol * s)) expect.fail(`${what} element ${i}: got ${v}, expected ${r} (tolerance ${tol * s})`)
  }
}

/** Exact comparison (integers, booleans, selections). */
export const expectExact = (got: T.Tensor, ref: Ref, what = ""): void => {
  expect(got.shape, `${what} shape`).toEqual(ref.shape)
  expect(Array.from(got.toTypedArray() as ArrayLike<number>), what).toEqual(Array.from(ref.data))
}
