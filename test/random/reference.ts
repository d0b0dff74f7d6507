/**
 * Test references written independently of the native code: the Philox word stream computed
 * in JavaScript, a float64 normal CDF (series and continued fraction, not the native
 * Chebyshev fit), and the statistics the tests use.
 */
import { Effect } from "effect"
import * as T from "../../src/tensor/index.js"
import { type Key, philox4x32_10 } from "../../src/random/index.js"

/** Runs tensor code in a scope that frees everything it created (the result is plain data). */
export const inScope = <A>(f: () => A) => T.scoped(T.compute(f))

/** The error tag of a failing tensor computation. */
export const failureTag = (f: () => unknown) =>
  T.scoped(T.compute(f)).pipe(
    Effect.flip,
    Effect.map((e) => e._tag)
  )

/** The first `blocks` Philox blocks of a key's draw stream: counter (b, 0, 0, 0). */
export const streamWords = (k: Key, blocks: number): Uint32Array => {
  const out = new Uint32Array(4 * blocks)
  for (let b = 0; b < blocks; b++) out.set(philox4x32_10([b >>> 0, Math.floor(b / 4294967296), 0, 0], k.k0, k.k1), 4 * b)
  return out
}

/** The 53-bit integer of the top 32 bits of a and the top 21 bits of b. */
export const bits53 = (a: number, b: number): number => a * 2097152 + (b >>> 11)

// ---- Normal distribution in float64.

const SQRT_PI = Math.sqrt(Math.PI)

/** x^2 = hi + lo exactly (Dekker's product with Veltkamp splitting). */
const square = (x: number): [number, number] => {
  const hi = x * x
  const c = 134217729 * x // 2^27 + 1
  const xh = c - (c - x)
  const xl = x - xh
  const lo = xh * xh - hi + 2 * xh * xl + xl * xl
  return [hi, lo]
}

/** e^(-x^2/2) with x^2 taken exactly. */
const gaussTail = (x: number): number => {
  const [hi, lo] = square(x)
  return Math.exp(-hi / 2) * (1 - lo / 2)
}

/** erf(z) for |z| <= 1: 2/sqrt(pi) e^(-z^2) sum 2^n z^(2n+1) / (2n+1)!! (positive terms only). */
const erfSeries = (z: number): number => {
  const z2 = 2 * z * z
  let term = z
  let sum = z
  for (let n = 1; n < 200 && Math.abs(term) > 1e-18 * Math.abs(sum); n++) {
    term *= z2 / (2 * n + 1)
    sum += term
  }
  const [hi, lo] = square(z)
  return (2 / SQRT_PI) * Math.exp(-hi) * (1 - lo) * sum
}

/** The continued fraction K(z) = sqrt(pi) e^(z^2) erfc(z) for z >= 1, evaluated bottom-up. */
const erfcFraction = (z: number): number => {
  let t = z
  // 20 + 220/z^2 terms reach 1e-17 for z >= 1 (216 are needed at 1, 102 at 1.5, 17 at 5)
  for (let n = Math.ceil(20 + 220 / (z * z)); n >= 1; n--) t = z + n / 2 / t
  return 1 / t
}

/** The standard normal CDF Phi(x), with relative accuracy in the lower tail. */
export const normalCdf = (x: number): number => {
  if (x === -Infinity) return 0
  if (x === Infinity) return 1
  const z = -x / Math.SQRT2
  if (z > 1) return (gaussTail(x) * erfcFraction(z)) / (2 * SQRT_PI)
  if (z < -1) return 1 - (gaussTail(x) * erfcFraction(-z)) / (2 * SQRT_PI)
  return 0.5 - 0.5 * erfSeries(z)
}

/** 1 - Phi(x), with relative accuracy in the upper tail. */
export const normalSurvival = (x: number): number => normalCdf(-x)

export const normalPdf = (x: number): number => gaussTail(x) / Math.sqrt(2 * Math.PI)

// ---- Statistics.

export const moments = (xs: ArrayLike<number>) => {
  const n = xs.length
  let m = 0
  for (let i = 0; i < n; i++) m += xs[i]!
  m /= n
  let m2 = 0
  let m3 = 0
  let m4 = 0
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - m
    m2 += d * d
    m3 += d * d * d
    m4 += d * d * d * d
  }
  return { mean: m, variance: m2 / n, skewness: m3 / n / (m2 / n) ** 1.5, kurtosis: m4 / n / (m2 / n) ** 2 }
}

/** The one-sample Kolmogorov–Smirnov statistic sup |F_n - F|. */
export const ksStatistic = (xs: ArrayLike<number>, cdf: (x: number) => number): number => {
  const sorted = Float64Array.from(xs).sort()
  const n = sorted.length
  let d = 0
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]!)
    d = Math.max(d, (i + 1) / n - f, f - i / n)
  }
  return d
}

/** The asymptotic KS critical value at significance alpha: sqrt(-ln(alpha/2) / 2) / sqrt(n). */
export const ksCritical = (n: number, alpha: number): number => Math.sqrt(-Math.log(alpha / 2) / 2) / Math.sqrt(n)

/** The chi-square upper quantile for df degrees of freedom at z standard normal deviates (Wilson–Hilferty). */
export const chiSquareCritical = (df: number, z: number): number => df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3

export const correlation = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  const n = a.length
  let ma = 0
  let mb = 0
  for (let i = 0; i < n; i++) {
    ma += a[i]!
    mb += b[i]!
  }
  ma /= n
  mb /= n
  let sab = 0
  let saa = 0
  let sbb = 0
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma
    const db = b[i]! - mb
    sab += da * db
    saa += da * da
    sbb += db * db
  }
  return sab / Math.sqrt(saa * sbb)
}
