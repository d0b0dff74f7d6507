/**
 * The Gaussian N(μ, σ²) closest to a 1-D mixture under an f-divergence, found without
 * sampling: D_f(P‖N(μ, σ²)) by quadrature (src/divergence/quadrature.ts), minimised over
 * (μ, log σ) by Nelder–Mead from several starts (the mixture's moments and each component),
 * so that mode-seeking divergences find their best mode, not only the nearest one.
 */
import { type FDivergence, fDivergence1d } from "../../src/divergence/index.js"
import type { Mixture1dSpec } from "../../src/data/index.js"

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI)

export const normalLogPdf = (mean: number, std: number) => (x: number): number => -0.5 * ((x - mean) / std) ** 2 - Math.log(std) - LOG_SQRT_2PI

/** log p(x) of the mixture in float64 (weights normalised). */
export const mixtureLogPdf = (m: Mixture1dSpec) => {
  const total = m.weights.reduce((a, b) => a + b, 0)
  const live = m.weights.map((w, k) => (w > 0 ? k : -1)).filter((k) => k >= 0)
  const logC = live.map((k) => Math.log(m.weights[k]! / total) - Math.log(m.stds[k]!) - LOG_SQRT_2PI)
  const means = live.map((k) => m.means[k]!)
  const stds = live.map((k) => m.stds[k]!)
  const terms = new Float64Array(live.length)
  return (x: number): number => {
    let top = -Infinity
    for (let k = 0; k < terms.length; k++) {
      const z = (x - means[k]!) / stds[k]!
      terms[k] = logC[k]! - 0.5 * z * z
      if (terms[k]! > top) top = terms[k]!
    }
    let s = 0
    for (let k = 0; k < terms.length; k++) s += Math.exp(terms[k]! - top)
    return top + Math.log(s)
  }
}

/** The mixture's mean and standard deviation. */
export const mixtureMoments = (m: Mixture1dSpec): { readonly mean: number; readonly std: number } => {
  const total = m.weights.reduce((a, b) => a + b, 0)
  const w = m.weights.map((x) => x / total)
  const mean = w.reduce((s, wk, k) => s + wk * m.means[k]!, 0)
  const second = w.reduce((s, wk, k) => s + wk * (m.stds[k]! ** 2 + m.means[k]! ** 2), 0)
  return { mean, std: Math.sqrt(second - mean * mean) }
}

/** Integration range: 12 standard deviations around every component and around Q. */
const rangeFor = (m: Mixture1dSpec, mean: number, std: number): [number, number] => [
  Math.min(mean - 12 * std, ...m.means.map((c, k) => c - 12 * m.stds[k]!)),
  Math.max(mean + 12 * std, ...m.means.map((c, k) => c + 12 * m.stds[k]!))
]

/** D_f(P‖N(mean, std²)) by quadrature. */
export const divergenceToGaussian = (fd: FDivergence, m: Mixture1dSpec, mean: number, std: number, step = 0.005): number =>
  fDivergence1d(fd.f, mixtureLogPdf(m), normalLogPdf(mean, std), rangeFor(m, mean, std), { step })

/** Nelder–Mead (standard coefficients) until the simplex's values agree to `tolerance`. */
export const nelderMead = (fn: (x: readonly number[]) => number, start: readonly number[], options: { readonly scale?: number; readonly tolerance?: number; readonly maxIterations?: number } = {}) => {
  const n = start.length
  const value = (x: number[]) => {
    const v = fn(x)
    return Number.isFinite(v) ? v : Infinity
  }
  let simplex = [start.slice(), ...start.map((_, i) => start.map((s, j) => (i === j ? s + (options.scale ?? 0.3) : s)))].map((x) => ({ x, v: value(x) }))
  for (let it = 0; it < (options.maxIterations ?? 2000); it++) {
    simplex.sort((p, q) => p.v - q.v)
    const best = simplex[0]!
    const worst = simplex[n]!
    if (Math.abs(worst.v - best.v) <= (options.tolerance ?? 1e-13) * (1 + Math.abs(best.v)) && simplex.every((p) => p.x.every((xi, i) => Math.abs(xi - best.x[i]!) < 1e-9))) break
    const centroid = start.map((_, i) => simplex.slice(0, n).reduce((s, p) => s + p.x[i]!, 0) / n)
    const along = (t: number) => centroid.map((c, i) => c + t * (worst.x[i]! - c))
    const reflected = along(-1)
    const r = value(reflected)
    if (r < best.v) {
      const expanded = along(-2)
      const e = value(expanded)
      simplex[n] = e < r ? { x: expanded, v: e } : { x: reflected, v: r }
    } else if (r < simplex[n - 1]!.v) {
      simplex[n] = { x: reflected, v: r }
    } else {
      const contracted = r < worst.v ? along(-0.5) : along(0.5)
      const c = value(contracted)
      if (c < Math.min(r, worst.v)) simplex[n] = { x: contracted, v: c }
      else simplex = simplex.map((p, k) => (k === 0 ? p : { x: p.x.map((xi, i) => best.x[i]! + 0.5 * (xi - best.x[i]!)), v: 0 })).map((p, k) => (k === 0 ? p : { x: p.x, v: value(p.x) }))
    }
  }
  simplex.sort((p, q) => p.v - q.v)
  return { x: simplex[0]!.x, value: simplex[0]!.v }
}

export interface GaussianFit {
  readonly mean: number
  readonly std: number
  /** D_f(P‖N(mean, std²)) at the fit. */
  readonly divergence: number
}

const objective = (fd: FDivergence, m: Mixture1dSpec, step: number) => (x: readonly number[]) => divergenceToGaussian(fd, m, x[0]!, Math.exp(x[1]!), step)

/** Nelder–Mead on the coarse quadrature (step 0.02), then polished on the fine one (step 0.005). */
const descend = (fd: FDivergence, m: Mixture1dSpec, start: readonly number[], scale: number): GaussianFit => {
  const coarse = nelderMead(objective(fd, m, 0.02), start, { tolerance: 1e-10, scale })
  const fine = nelderMead(objective(fd, m, 0.005), coarse.x, { scale: 0.01 })
  return { mean: fine.x[0]!, std: Math.exp(fine.x[1]!), divergence: fine.value }
}

/**
 * The minima of D_f(P‖N(μ, σ²)) that descents from the mixture's moments and from each of its
 * components reach, distinct and sorted by divergence: the first is the global minimum (several
 * appear for mode-seeking divergences, which have a local minimum at each mode).
 */
export const quadratureMinima = (fd: FDivergence, m: Mixture1dSpec): GaussianFit[] => {
  const moments = mixtureMoments(m)
  const starts = [[moments.mean, Math.log(moments.std)], ...m.means.map((c, k) => [c, Math.log(m.stds[k]!)])]
  const found = starts.map((s) => descend(fd, m, s, 0.3)).sort((a, b) => a.divergence - b.divergence)
  return found.filter((f, i) => found.slice(0, i).every((g) => Math.hypot(f.mean - g.mean, f.std - g.std) > 1e-3))
}
