/**
 * The RNG-free point clouds of workloads.md (W5, W6), in float64: X_n is Roberts' R2 sequence
 * R2(i) = (frac(0.5 + i/g), frac(0.5 + i/g²)), i = 1..n, g the plastic number; Y_m is a ring,
 * y_j = 0.5 + r (cos θ, sin θ) with θ = 2π q.x, r = 0.3 + 0.1 q.y, q = R2(100000 + j).
 * Rows are points: [n, 2] row-major.
 */
const G = 1.32471795724474602596
const frac = (x: number): number => x - Math.floor(x)

const r2 = (i: number): [number, number] => [frac(0.5 + i * (1.0 / G)), frac(0.5 + i * (1.0 / (G * G)))]

export const sourceCloud = (n: number): Float64Array => {
  const out = new Float64Array(2 * n)
  for (let i = 1; i <= n; i++) {
    const [x, y] = r2(i)
    out[2 * (i - 1)] = x
    out[2 * (i - 1) + 1] = y
  }
  return out
}

export const ringCloud = (m: number): Float64Array => {
  const out = new Float64Array(2 * m)
  for (let j = 1; j <= m; j++) {
    const [qx, qy] = r2(100000 + j)
    const theta = 2 * Math.PI * qx, r = 0.3 + 0.1 * qy
    out[2 * (j - 1)] = 0.5 + r * Math.cos(theta)
    out[2 * (j - 1) + 1] = 0.5 + r * Math.sin(theta)
  }
  return out
}

/** Sum of all coordinates (workloads.md lists it for X_1000, Y_4000, X_500, Y_500). */
export const checksum = (cloud: Float64Array): number => cloud.reduce((s, v) => s + v, 0)
