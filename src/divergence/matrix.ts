/**
 * Small dense float64 matrices on the host (row-major number[][]), for closed forms:
 * symmetric eigendecomposition by cyclic Jacobi rotations, square roots, Cholesky.
 */
import { InvalidArgument } from "../native/errors.js"

export type Matrix = readonly (readonly number[])[]

const square = (a: Matrix, what: string): number => {
  const n = a.length
  if (n === 0 || a.some((row) => row.length !== n)) throw new InvalidArgument({ message: `${what} must be a non-empty square matrix` })
  return n
}

export const matmul = (a: Matrix, b: Matrix): number[][] =>
  a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)))

export const transpose = (a: Matrix): number[][] => a[0]!.map((_, j) => a.map((row) => row[j]!))

export const trace = (a: Matrix): number => a.reduce((s, row, i) => s + row[i]!, 0)

/** Eigenvalues and orthonormal eigenvectors (columns of `vectors`) of a symmetric matrix. */
export const symmetricEigen = (a: Matrix): { values: number[]; vectors: number[][] } => {
  const n = square(a, "symmetricEigen")
  const m = a.map((row) => [...row])
  const v: number[][] = m.map((_, i) => m.map((__, j) => (i === j ? 1 : 0)))
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p]![q]! ** 2
    if (off < 1e-30) break
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = m[p]![q]!
        if (Math.abs(apq) < 1e-300) continue
        const theta = (m[q]![q]! - m[p]![p]!) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const mkp = m[k]![p]!, mkq = m[k]![q]!
          m[k]![p] = c * mkp - s * mkq
          m[k]![q] = s * mkp + c * mkq
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p]![k]!, mqk = m[q]![k]!
          m[p]![k] = c * mpk - s * mqk
          m[q]![k] = s * mpk + c * mqk
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!, vkq = v[k]![q]!
          v[k]![p] = c * vkp - s * vkq
          v[k]![q] = s * vkp + c * vkq
        }
      }
  }
  return { values: m.map((row, i) => row[i]!), vectors: v }
}

/** The symmetric positive semi-definite square root (negative round-off eigenvalues clipped to 0). */
export const sqrtm = (a: Matrix): number[][] => {
  const { values, vectors } = symmetricEigen(a)
  const n = values.length
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (__, j) => values.reduce((s, lam, k) => s + vectors[i]![k]! * Math.sqrt(Math.max(lam, 0)) * vectors[j]![k]!, 0))
  )
}

/** Lower-triangular L with L·Lᵀ = a (a symmetric positive definite). */
export const cholesky = (a: Matrix): number[][] => {
  const n = square(a, "cholesky")
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0))
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!
      if (i === j) {
        if (!(s > 0)) throw new InvalidArgument({ message: "matrix is not positive definite" })
        l[i]![i] = Math.sqrt(s)
      } else l[i]![j] = s / l[j]![j]!
    }
  return l
}

export const logDet = (a: Matrix): number => 2 * cholesky(a).reduce((s, row, i) => s + Math.log(row[i]!), 0)

/** a⁻¹ for symmetric positive definite a, through its Cholesky factor. */
export const inverseSpd = (a: Matrix): number[][] => {
  const l = cholesky(a)
  const n = l.length
  const linv = Array.from({ length: n }, () => new Array<number>(n).fill(0))
  for (let j = 0; j < n; j++) {
    linv[j]![j] = 1 / l[j]![j]!
    for (let i = j + 1; i < n; i++) {
      let s = 0
      for (let k = j; k < i; k++) s -= l[i]![k]! * linv[k]![j]!
      linv[i]![j] = s / l[i]![i]!
    }
  }
  return matmul(transpose(linv), linv)
}
