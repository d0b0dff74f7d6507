/**
 * Reference values by numerical integration, in float64 on the host: composite Simpson, and
 * f-divergences between one-dimensional densities given by their log-densities.
 */
import { InvalidArgument } from "../native/errors.js"

/** Composite Simpson's rule for ∫_a^b f with n intervals (rounded up to even). */
export const simpson = (f: (x: number) => number, a: number, b: number, n = 20000): number => {
  const m = n % 2 === 0 ? n : n + 1
  const h = (b - a) / m
  let s = f(a) + f(b)
  for (let i = 1; i < m; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h)
  return (s * h) / 3
}

export interface FDivergence1dOptions {
  /** The largest Simpson step (default 0.005). */
  readonly step?: number
}

/** Logs beyond ±LOG_LIMIT make p/q overflow or vanish in float64. */
const LOG_LIMIT = 700

/**
 * D_f(P‖Q) = ∫ q f(p/q) over [a, b], with p and q given as log-densities. The ratio is formed
 * from the logs, so it stays exact where q alone underflows; beyond p/q = e^700 the integrand is
 * taken as p·f(u)/u at u = e^700 (finite, but an understatement for f growing faster than u,
 * so choose ranges where P has no mass that far outside Q). The interval is cut where p = q (located
 * by bisection), where f(u) = |u − 1|/2 has its kink, so every piece has a smooth integrand.
 */
export const fDivergence1d = (
  f: (u: number) => number,
  logP: (x: number) => number,
  logQ: (x: number) => number,
  range: readonly [number, number],
  options: FDivergence1dOptions = {}
): number => {
  const [a, b] = range
  const step = options.step ?? 0.005
  if (!(Number.isFinite(a) && Number.isFinite(b) && a < b)) throw new InvalidArgument({ message: `fDivergence1d: range must be finite with a < b, got [${a}, ${b}]` })
  if (!(step > 0)) throw new InvalidArgument({ message: `fDivergence1d: step must be positive, got ${step}` })
  const integrand = (x: number): number => {
    const lp = logP(x)
    const lq = logQ(x)
    if (lp === -Infinity && lq === -Infinity) return 0
    const d = lp - lq
    if (d > LOG_LIMIT) {
      const u = Math.exp(LOG_LIMIT)
      return (Math.exp(lp) * f(u)) / u
    }
    return Math.exp(lq) * f(Math.exp(Math.max(d, -LOG_LIMIT)))
  }
  const gap = (x: number) => logP(x) - logQ(x)
  const panels = Math.max(2, Math.ceil((b - a) / (20 * step)))
  const width = (b - a) / panels
  const cuts = [a]
  let previous = gap(a)
  for (let i = 1; i <= panels; i++) {
    const x = i === panels ? b : a + i * width
    const g = gap(x)
    if (Number.isFinite(previous) && Number.isFinite(g) && previous !== 0 && Math.sign(g) === -Math.sign(previous)) {
      let lo = x - width
      let hi = x
      for (let k = 0; k < 60 && hi - lo > 1e-15 * Math.max(1, Math.abs(x)); k++) {
        const mid = 0.5 * (lo + hi)
        if (Math.sign(gap(mid)) === Math.sign(previous)) lo = mid
        else hi = mid
      }
      cuts.push(0.5 * (lo + hi))
    }
    previous = g
  }
  cuts.push(b)
  let total = 0
  for (let i = 0; i + 1 < cuts.length; i++) {
    const lo = cuts[i]!
    const hi = cuts[i + 1]!
    if (hi > lo) total += simpson(integrand, lo, hi, Math.max(2, 2 * Math.ceil((hi - lo) / (2 * step))))
  }
  return total
}
