/** Seeded test data (mulberry32): tests never depend on Math.random. */
import * as T from "../../src/tensor/index.js"

export const prng = (seed: number) => {
  let s = seed >>> 0
  return (): number => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Uniform values in [lo, hi) of the given shape. */
export const uniformTensor = (shape: readonly number[], lo: number, hi: number, seed: number, dtype: T.DType = "float64") => {
  const next = prng(seed)
  const n = shape.reduce((a, b) => a * b, 1)
  const data = dtype === "float64" ? new Float64Array(n) : new Float32Array(n)
  for (let i = 0; i < n; i++) data[i] = lo + (hi - lo) * next()
  return T.tensor(data, { shape, dtype })
}

/** Values bounded away from 0: magnitude in [lo, hi), random sign. */
export const awayFromZero = (shape: readonly number[], lo: number, hi: number, seed: number) => {
  const next = prng(seed)
  const n = shape.reduce((a, b) => a * b, 1)
  const data = new Float64Array(n)
  for (let i = 0; i < n; i++) data[i] = (next() < 0.5 ? -1 : 1) * (lo + (hi - lo) * next())
  return T.tensor(data, { shape, dtype: "float64" })
}
