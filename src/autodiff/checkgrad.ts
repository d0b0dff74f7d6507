/**
 * Gradient checking in float64 (as gradcheck/gradgradcheck): analytic derivatives from the
 * engine against central finite differences, element by element, reporting the worst one.
 *
 * f maps the input tensors to a tensor y. With fixed pseudo-random weights v (shape of y)
 * the checked scalar is s(x) = <v, f(x)>; order 1 compares ∇s. Order 2 compares the gradient
 * of g(x) = Σ_i <w_i, ∇_i s(x)> (a Hessian-vector product, with fixed weights w), where ∇s
 * is built with createGraph, so every op on the path is differentiated twice.
 */
import { DTypeMismatch, InvalidArgument } from "../native/errors.js"
import { local } from "../tensor/local.js"
import { tensor } from "../tensor/ops/creation.js"
import { mul } from "../tensor/ops/elementwise.js"
import { sum } from "../tensor/ops/reduce.js"
import { Tensor } from "../tensor/tensor.js"
import { grad, noGrad, valueAndGrad } from "./grad.js"

export interface GradCheckOptions {
  readonly order?: 1 | 2
  readonly eps?: number
  readonly atol?: number
  readonly rtol?: number
}

export interface GradCheckWorst {
  readonly input: number // which input tensor
  readonly index: number // flat element index within it
  readonly analytic: number
  readonly numeric: number
}

export interface GradCheckReport {
  readonly ok: boolean
  readonly order: 1 | 2
  readonly maxAbsError: number
  /** The largest |analytic - numeric| / (atol + rtol·|numeric|): at most 1 when ok. */
  readonly worstRatio: number
  readonly worst: GradCheckWorst
  readonly eps: number
  readonly atol: number
  readonly rtol: number
}

// Deterministic weights in [-1, 1] (a fixed LCG: checks repeat exactly).
const weights = (n: number, seed: number): Float64Array => {
  const out = new Float64Array(n)
  let s = seed >>> 0
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = (s / 4294967296) * 2 - 1
  }
  return out
}

const weightLike = (t: Tensor, seed: number): Tensor => tensor(weights(t.size, seed), { shape: t.shape, dtype: "float64", device: t.device })

export const checkGrad = (
  f: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradCheckOptions = {}
): GradCheckReport =>
  local(() => {
    const order = options.order ?? 1
    const eps = options.eps ?? 1e-6
    const atol = options.atol ?? 1e-5
    const rtol = options.rtol ?? 1e-3
    if (order !== 1 && order !== 2) throw new InvalidArgument({ message: `checkGrad: order must be 1 or 2, got ${order}` })
    inputs.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new InvalidArgument({ message: `checkGrad: input ${i} is not a Tensor` })
      if (x.dtype !== "float64") throw new DTypeMismatch({ message: `checkGrad: input ${i} is ${x.dtype}; gradient checks run in float64` })
    })
    const probe = noGrad(() => f(...inputs))
    const v = weightLike(probe, 12345)
    const s = (xs: Tensor[]): Tensor => sum(mul(v, f(...xs)))
    const ws = inputs.map((x, i) => weightLike(x, 777 + i))
    const g = (xs: Tensor[]): Tensor =>
      local(() => {
        const gs = grad(s, { createGraph: true })(xs)
        return gs.map((gi, i) => sum(mul(ws[i]!, gi))).reduce((a, b) => a.add(b))
      })
    const objective = order === 1 ? s : g
    const analytic = valueAndGrad(objective)([...inputs]).grad.map((t) => t.toTypedArray() as Float64Array)

    const hosts = inputs.map((x) => Float64Array.from(x.toTypedArray() as Float64Array))
    const evaluate = (which: number, index: number, delta: number): number =>
      local(() => {
        const xs = inputs.map((x, i) => {
          if (i !== which) return x
          const data = Float64Array.from(hosts[i]!)
          data[index]! += delta
          return tensor(data, { shape: x.shape, dtype: "float64", device: x.device })
        })
        // Order 1 needs no graph; order 2 needs one to form ∇s inside g.
        return (order === 1 ? noGrad(() => objective(xs)) : objective(xs)).item()
      })

    let worst: GradCheckWorst = { input: -1, index: -1, analytic: 0, numeric: 0 }
    let worstRatio = 0
    let maxAbsError = 0
    inputs.forEach((_, i) => {
      for (let k = 0; k < hosts[i]!.length; k++) {
        const numeric = (evaluate(i, k, eps) - evaluate(i, k, -eps)) / (2 * eps)
        const a = analytic[i]![k]!
        const err = Math.abs(a - numeric)
        const ratio = Number.isNaN(err) ? Infinity : err / (atol + rtol * Math.abs(numeric))
        maxAbsError = Math.max(maxAbsError, err)
        if (ratio > worstRatio || worst.input < 0) {
          worstRatio = ratio
          worst = { input: i, index: k, analytic: a, numeric }
        }
      }
    })
    return { ok: worstRatio <= 1, order, maxAbsError, worstRatio, worst, eps, atol, rtol }
  })
