/**
 * Divergences with closed forms, in float64 on the host: between Gaussians, and on the
 * parallel-lines example of Arjovsky et al. (2017). Used as references in tests and studies.
 * Univariate Gaussians are given by mean and standard deviation.
 */
import { InvalidArgument } from "../native/errors.js"
import { inverseSpd, logDet, type Matrix, matmul, sqrtm, trace } from "./matrix.js"

const sd = (s: number, what: string) => {
  if (!(s > 0) || !Number.isFinite(s)) throw new InvalidArgument({ message: `${what} must be a positive standard deviation, got ${s}` })
  return s
}

/** KL(N(m1, s1²) ‖ N(m2, s2²)) = log(s2/s1) + (s1² + (m1 − m2)²)/(2 s2²) − ½. */
export const gaussianKl = (m1: number, s1: number, m2: number, s2: number): number => {
  sd(s1, "s1")
  sd(s2, "s2")
  return Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - 0.5
}

/** Squared Hellinger distance in the ½ convention, H² = ½∫(√p − √q)² = 1 − ∫√(pq). */
export const gaussianSquaredHellinger = (m1: number, s1: number, m2: number, s2: number): number => {
  sd(s1, "s1")
  sd(s2, "s2")
  const v = s1 * s1 + s2 * s2
  return 1 - Math.sqrt((2 * s1 * s2) / v) * Math.exp(-((m1 - m2) ** 2) / (4 * v))
}

/** Pearson χ²(P‖Q) = ∫(p − q)²/q; finite only when 2 s2² > s1² (Infinity otherwise). */
export const gaussianPearsonChi2 = (m1: number, s1: number, m2: number, s2: number): number => {
  sd(s1, "s1")
  sd(s2, "s2")
  const d = 2 * s2 * s2 - s1 * s1
  if (d <= 0) return Infinity
  return ((s2 * s2) / (s1 * Math.sqrt(d))) * Math.exp((m1 - m2) ** 2 / d) - 1
}

/** W₂ between univariate Gaussians: √((m1 − m2)² + (s1 − s2)²). */
export const gaussianW2 = (m1: number, s1: number, m2: number, s2: number): number =>
  Math.sqrt((m1 - m2) ** 2 + (sd(s1, "s1") - sd(s2, "s2")) ** 2)

const checkGaussian = (mean: readonly number[], cov: Matrix, what: string) => {
  if (cov.length !== mean.length || cov.some((r) => r.length !== mean.length))
    throw new InvalidArgument({ message: `${what}: covariance must be ${mean.length}×${mean.length}` })
}

/**
 * W₂ between N(μ1, Σ1) and N(μ2, Σ2) by the Bures formula:
 * W₂² = ‖μ1 − μ2‖² + tr(Σ1 + Σ2 − 2 (Σ2^½ Σ1 Σ2^½)^½).
 */
export const gaussianW2Multivariate = (mu1: readonly number[], cov1: Matrix, mu2: readonly number[], cov2: Matrix): number => {
  checkGaussian(mu1, cov1, "first Gaussian")
  checkGaussian(mu2, cov2, "second Gaussian")
  if (mu1.length !== mu2.length) throw new InvalidArgument({ message: "Gaussians of different dimensions" })
  const r2 = sqrtm(cov2)
  const cross = sqrtm(matmul(matmul(r2, cov1), r2))
  const bures = trace(cov1) + trace(cov2) - 2 * trace(cross)
  const shift = mu1.reduce((s, m, i) => s + (m - mu2[i]!) ** 2, 0)
  return Math.sqrt(Math.max(shift + bures, 0))
}

/** KL(N(μ1, Σ1) ‖ N(μ2, Σ2)) = ½[tr(Σ2⁻¹Σ1) + (μ2 − μ1)ᵀΣ2⁻¹(μ2 − μ1) − k + log(det Σ2 / det Σ1)]. */
export const gaussianKlMultivariate = (mu1: readonly number[], cov1: Matrix, mu2: readonly number[], cov2: Matrix): number => {
  checkGaussian(mu1, cov1, "first Gaussian")
  checkGaussian(mu2, cov2, "second Gaussian")
  const inv2 = inverseSpd(cov2)
  const d = mu2.map((m, i) => m - mu1[i]!)
  const quad = d.reduce((s, di, i) => s + di * d.reduce((t, dj, j) => t + inv2[i]![j]! * dj, 0), 0)
  return 0.5 * (trace(matmul(inv2, cov1)) + quad - mu1.length + logDet(cov2) - logDet(cov1))
}

/**
 * Arjovsky et al. (2017), Example 1: P₀ = law of (0, Z), P_θ = law of (θ, Z), Z ~ U[0, 1].
 * W₁ = |θ|; JS = log 2 and KL = TV-based δ = 1 for θ ≠ 0 (all 0 at θ = 0): only W is
 * continuous in θ.
 */
export const parallelLines = (theta: number): { readonly w1: number; readonly js: number; readonly kl: number; readonly tv: number } =>
  theta === 0 ? { w1: 0, js: 0, kl: 0, tv: 0 } : { w1: Math.abs(theta), js: Math.LN2, kl: Infinity, tv: 1 }
