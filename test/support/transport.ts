/**
 * Independent references for the transportation problem min Σ P_ij C_ij, P ≥ 0, P1 = a, Pᵀ1 = b:
 * the best permutation (uniform weights, n = m; Birkhoff) and the best vertex of the polytope,
 * found by enumerating every basis of n + m − 1 variables (tiny problems only).
 */

/** min over permutations σ of Σ_i C[i][σ(i)] (Heap's algorithm), with the minimiser. */
export const bestPermutation = (C: readonly (readonly number[])[]): { cost: number; perm: number[] } => {
  const n = C.length
  const perm = Array.from({ length: n }, (_, i) => i)
  let best = Infinity, arg = [...perm]
  const visit = () => {
    let s = 0
    for (let i = 0; i < n; i++) s += C[i]![perm[i]!]!
    if (s < best) {
      best = s
      arg = [...perm]
    }
  }
  const c = new Array<number>(n).fill(0)
  visit()
  let i = 0
  while (i < n) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!
      ;[perm[j], perm[i]] = [perm[i]!, perm[j]!]
      visit()
      c[i]!++
      i = 0
    } else {
      c[i] = 0
      i++
    }
  }
  return { cost: best, perm: arg }
}

/** Solves the square system M x = r by Gaussian elimination with partial pivoting; null if singular. */
const solve = (M: number[][], r: number[]): number[] | null => {
  const k = r.length
  const A = M.map((row, i) => [...row, r[i]!])
  for (let col = 0; col < k; col++) {
    let piv = col
    for (let i = col + 1; i < k; i++) if (Math.abs(A[i]![col]!) > Math.abs(A[piv]![col]!)) piv = i
    if (Math.abs(A[piv]![col]!) < 1e-12) return null
    ;[A[col], A[piv]] = [A[piv]!, A[col]!]
    for (let i = 0; i < k; i++) {
      if (i === col) continue
      const f = A[i]![col]! / A[col]![col]!
      for (let j = col; j <= k; j++) A[i]![j]! -= f * A[col]![j]!
    }
  }
  return A.map((row, i) => row[k]! / row[i]!)
}

/**
 * The optimal cost by vertex enumeration: every choice of n + m − 1 basic cells whose
 * constraint columns (all but the last column-sum row, which is redundant) are independent
 * gives one basic solution; the best non-negative one is the optimum.
 */
export const vertexOptimum = (a: readonly number[], b: readonly number[], C: readonly (readonly number[])[]): number => {
  const n = a.length, m = b.length, k = n + m - 1
  const rhs = [...a, ...b.slice(0, m - 1)]
  const cells: Array<[number, number]> = []
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) cells.push([i, j])
  let best = Infinity
  const chosen: number[] = []
  const recurse = (start: number) => {
    if (chosen.length === k) {
      const M = Array.from({ length: k }, () => new Array<number>(k).fill(0))
      chosen.forEach((cell, col) => {
        const [i, j] = cells[cell]!
        M[i]![col] = 1
        if (j < m - 1) M[n + j]![col] = 1
      })
      const x = solve(M, rhs)
      if (x === null || x.some((v) => v < -1e-12)) return
      const cost = chosen.reduce((s, cell, col) => s + x[col]! * C[cells[cell]![0]]![cells[cell]![1]]!, 0)
      best = Math.min(best, cost)
      return
    }
    for (let c = start; c <= cells.length - (k - chosen.length); c++) {
      chosen.push(c)
      recurse(c + 1)
      chosen.pop()
    }
  }
  recurse(0)
  return best
}
