/** Numerical integration for reference values: composite Simpson on a fine grid (src/divergence/quadrature.ts). */
export { simpson } from "../../src/divergence/quadrature.js"

export const normalPdf = (m: number, s: number) => (x: number): number =>
  Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI))

/** Standard normal draws from a seeded uniform source (Box–Muller), as test data. */
export const normalSamples = (n: number, next: () => number, mean = 0, sd = 1): Float64Array => {
  const out = new Float64Array(n)
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - next(), u2 = next()
    const r = Math.sqrt(-2 * Math.log(u1))
    out[i] = mean + sd * r * Math.cos(2 * Math.PI * u2)
    if (i + 1 < n) out[i + 1] = mean + sd * r * Math.sin(2 * Math.PI * u2)
  }
  return out
}
