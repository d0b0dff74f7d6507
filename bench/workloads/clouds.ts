/**
 * The RNG-free point clouds of workloads.md (W5, W6): X_n from Roberts' R2 sequence in
 * [0, 1)², Y_m a ring around (0.5, 0.5), in float64, as flat row-major [n, 2] arrays.
 */
const g = 1.32471795724474602596
const frac = (x: number): number => x - Math.floor(x)
const r2 = (i: number): [number, number] => [frac(0.5 + i * (1.0 / g)), frac(0.5 + i * (1.0 / (g * g)))]

/** X_n: R2(i) for i = 1..n. */
export const sourceCloud = (n: number): Float64Array => {
  const out = new Float64Array(2 * n)
  for (let i = 1; i <= n; i++) out.set(r2(i), 2 * (i - 1))
  return out
}

/** Y_m: for j = 1..m, q = R2(100000 + j), θ = 2π q.x, r = 0.3 + 0.1 q.y, y = (0.5 + r cos θ, 0.5 + r sin θ). */
export const ringCloud = (m: number): Float64Array => {
  const out = new Float64Array(2 * m)
  for (let j = 1; j <= m; j++) {
    const [qx, qy] = r2(100000 + j)
    const theta = 2 * Math.PI * qx, r = 0.3 + 0.1 * qy
    out.set([0.5 + r * Math.cos(theta), 0.5 + r * Math.sin(theta)], 2 * (j - 1))
  }
  return out
}
