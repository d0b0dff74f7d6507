/**
 * Entropic optimal transport by Sinkhorn's iteration (Cuturi 2013), in the standard (scaling)
 * domain and in the log domain, with ε-scaling (Schmitzer 2019; Feydy 2020, §3.3).
 *
 * Convention: for weights a (n), b (m) and cost C [n, m],
 *   OT_ε(a, b) = min_{P ≥ 0, P1 = a, Pᵀ1 = b} ⟨P, C⟩ + ε KL(P ‖ a⊗b),
 * whose optimal plan is P_ij = a_i b_j exp((f_i + g_j − C_ij)/ε) with dual potentials f, g,
 * and OT_ε = ⟨a, f⟩ + ⟨b, g⟩ at the optimum. (The plain-entropy convention ⟨P, C⟩ − εH(P) has
 * the same plan and iterates; its value differs by the constant ε(H(a) + H(b)).)
 *
 * The iteration updates the column side first, then the row side; one iteration is
 *   g_j = −ε log Σ_i a_i exp((f_i − C_ij)/ε),   f_i = −ε log Σ_j b_j exp((g_j − C_ij)/ε),
 * starting from u = 1 (f = −ε log a) — in the scaling domain v = b / Kᵀu, u = a / Kv with
 * K = exp(−C/ε). Both domains run the same iterates (workloads.md W5 runs exactly these).
 *
 * The log domain keeps the potentials in the log domain and runs the scaling iteration on the
 * kernel K̃ = a⊗b ⊙ exp((f⊕g − C)/ε) = exp(−C/ε + α⊕β) (α = log a + f/ε, β = log b + g/ε),
 * absorbing the scalings u, v into α, β whenever they leave [e^−τ, e^τ] (Schmitzer 2019). Its
 * iterates are those of the logsumexp form above, at the price of two mat-vecs per iteration
 * instead of two logsumexps over n·m entries. When a product under- or overflows (a row of K̃
 * vanished because the potentials are far from the optimum), that iteration is redone exactly
 * with logsumexp and the kernel rebuilt: the log domain never clamps.
 * `logKernel: "logsumexp"` runs every iteration that way.
 * The standard domain fails with SinkhornNumericalError instead of clamping.
 */
import { Data } from "effect"
import { InvalidArgument } from "../../native/errors.js"
import { local } from "../../tensor/local.js"
import { abs, add, div, exp, log, mul, sub } from "../../tensor/ops/elementwise.js"
import { matmul } from "../../tensor/ops/linalg.js"
import { logsumexp, max, min, sum } from "../../tensor/ops/reduce.js"
import { reshape, transpose } from "../../tensor/ops/shape.js"
import type { Tensor } from "../../tensor/tensor.js"
import { checkEpsilon, checkProblem, groundCost, uniformWeights } from "./cost.js"

/** The standard domain under- or overflowed; the log domain solves the same problem. */
export class SinkhornNumericalError extends Data.TaggedError("SinkhornNumericalError")<{ readonly message: string }> {}

export type SinkhornDomain = "standard" | "log"

export interface EpsilonScaling {
  /** First ε (default: the largest cost, a "diameter^p"). */
  readonly start?: number
  /** ε is multiplied by this factor between stages (default 0.5). */
  readonly factor?: number
  /** Iterations at each intermediate ε at most (default 10; fewer once the tolerance is met). */
  readonly stageIterations?: number
}

export interface SinkhornOptions {
  readonly epsilon: number
  /** Default "log". */
  readonly domain?: SinkhornDomain
  /** Iterations at most (all stages together; default 1000). */
  readonly iterations?: number
  /** Convergence when ‖Pᵀ1 − b‖₁ ≤ tolerance (‖P1 − a‖₁ is 0 after each row update); default 1e-9 (float64), 1e-5 (float32). */
  readonly tolerance?: number
  /** Stop as soon as the tolerance is met (default true); false runs exactly `iterations`. */
  readonly stopEarly?: boolean
  /** Log domain only: anneal ε from a large value (true: the defaults of EpsilonScaling). */
  readonly epsilonScaling?: boolean | EpsilonScaling
  /** Log domain only: "absorb" (default) or "logsumexp" for every iteration. */
  readonly logKernel?: "absorb" | "logsumexp"
}

export interface SinkhornResult {
  /** The plan P [n, m]. */
  readonly plan: Tensor
  /** ⟨P, C⟩, the transport cost of the entropic plan (what POT's sinkhorn2 returns). */
  readonly cost: Tensor
  /** ⟨P, C⟩ + ε KL(P ‖ a⊗b) (generalised KL); equals ⟨a, f⟩ + ⟨b, g⟩ at convergence. */
  readonly objective: Tensor
  /** Dual potentials: P_ij = a_i b_j exp((f_i + g_j − C_ij)/ε). */
  readonly f: Tensor
  readonly g: Tensor
  readonly epsilon: number
  readonly iterations: number
  /** ‖P1 − a‖₁ and ‖Pᵀ1 − b‖₁ of the returned plan. */
  readonly marginalError: { readonly a: number; readonly b: number }
  /** Both marginal errors within the tolerance. */
  readonly converged: boolean
}

const col = (t: Tensor): Tensor => reshape(t, [-1, 1])
const row = (t: Tensor): Tensor => reshape(t, [1, -1])
/** f(t), freeing t at once: the [n, m] temporaries are freed as soon as they are used (peak memory, page faults). */
const consume = (t: Tensor, f: (t: Tensor) => Tensor): Tensor => {
  const out = f(t)
  t.dispose()
  return out
}
/** exp(S + α ⊕ β) for log-scalings α [n, 1], β [m, 1]. */
const gibbs = (S: Tensor, alpha: Tensor, beta: Tensor): Tensor => consume(consume(add(S, alpha), (t) => add(t, row(beta))), exp)
/** diag(u) K diag(v). */
const scale2 = (u: Tensor, K: Tensor, v: Tensor): Tensor => consume(mul(u, K), (t) => mul(t, row(v)))
/** ⟨P, C⟩ as one dot product (no [n, m] temporary). */
export const frobenius = (P: Tensor, C: Tensor): Tensor => local(() => reshape(matmul(reshape(P, [1, -1]), reshape(C, [-1, 1])), []))

interface Loop {
  readonly a: Tensor // [n, 1]
  readonly b: Tensor // [m, 1]
  readonly tolerance: number
  readonly stopEarly: boolean
}

type Outcome = "done" | "converged" | "absorb" | "overflow"

/**
 * Scaling iterations v = b / K̃ᵀu, u = a / K̃v from u, at most `budget` of them. Stops early
 * when converged, when a scaling leaves [e^−τ, e^τ] ("absorb", after a valid iteration), or when
 * a product has a zero or non-finite entry ("overflow": u, v are those of the iteration before).
 */
const scalingIterations = (K: Tensor, u0: Tensor, v0: Tensor | undefined, budget: number, tau: number, loop: Loop) => {
  let u = u0, v = v0, used = 0
  let outcome: Outcome = "done"
  const lo = Math.exp(-tau), hi = Math.exp(tau)
  const Kt = transpose(K)
  while (used < budget) {
    const next = local(() => {
      const kTu = matmul(Kt, u)
      if (v !== undefined && loop.stopEarly && sum(abs(sub(mul(v, kTu), loop.b))).item() <= loop.tolerance) return "converged" as const
      const v1 = div(loop.b, kTu)
      const u1 = div(loop.a, matmul(K, v1))
      const [mn, mx] = local(() => [min(v1).item(), max(v1).item(), min(u1).item(), max(u1).item()])
        .reduce(([l, h], x, i) => (i % 2 === 0 ? [Math.min(l, x), h] : [l, Math.max(h, x)]), [Infinity, -Infinity])
      // NaN fails both comparisons, as do zeros (mn) and infinities (mx).
      if (!(mn > 0) || !(mx < Infinity)) return "overflow" as const
      return { u: u1, v: v1, absorb: mn < lo || mx > hi }
    })
    if (typeof next === "string") {
      outcome = next
      break
    }
    if (u !== u0) u.dispose()
    if (v !== undefined && v !== v0) v.dispose()
    u = next.u, v = next.v, used++
    if (next.absorb) {
      outcome = "absorb"
      break
    }
  }
  Kt.dispose()
  return { u, v, used, outcome }
}

/**
 * One exact log-domain iteration on the log-scalings α, β (P = exp(S + α ⊕ β), S = −C/ε):
 * β = log b − logsumexp_i(S + α), α = log a − logsumexp_j(S + β) (the W5 log-domain form).
 */
const exactIteration = (S: Tensor, alpha: Tensor, loop: Loop) =>
  local(() => {
    const beta = sub(log(row(loop.b)), logsumexp(add(S, alpha), 0, true)) // [1, m]
    const alpha1 = sub(log(loop.a), logsumexp(add(S, beta), 1, true)) // [n, 1]
    return { alpha: alpha1, beta: transpose(beta) }
  })

/** Σ_j |Pᵀ1 − b| for P = exp(S + α ⊕ β). */
const columnErrorLse = (S: Tensor, alpha: Tensor, beta: Tensor, loop: Loop): number =>
  local(() => sum(abs(sub(sum(gibbs(S, alpha, beta), 0), row(loop.b)))).item())


const stagesOf = (C: Tensor, epsilon: number, scaling: SinkhornOptions["epsilonScaling"]): number[] => {
  if (scaling === undefined || scaling === false) return [epsilon]
  const opts = scaling === true ? {} : scaling
  const start = opts.start ?? local(() => max(C).item())
  const factor = opts.factor ?? 0.5
  if (!(factor > 0 && factor < 1)) throw new InvalidArgument({ message: `sinkhorn: ε-scaling factor must lie in (0, 1), got ${factor}` })
  checkEpsilon(start, "sinkhorn (ε-scaling start)")
  const out: number[] = []
  for (let e = start; e > epsilon; e *= factor) out.push(e)
  return [...out, epsilon]
}

/** Entropic OT between weights a (n) and b (m) with cost C [n, m]. */
export const sinkhorn = (a: Tensor, b: Tensor, C: Tensor, options: SinkhornOptions): SinkhornResult => {
  checkEpsilon(options.epsilon, "sinkhorn")
  checkProblem(a, b, C, "sinkhorn")
  const epsilon = options.epsilon
  const domain = options.domain ?? "log"
  if (domain !== "standard" && domain !== "log") throw new InvalidArgument({ message: `sinkhorn: domain must be "standard" or "log", got ${String(domain)}` })
  const iterations = options.iterations ?? 1000
  if (!Number.isInteger(iterations) || iterations < 1) throw new InvalidArgument({ message: `sinkhorn: iterations must be a positive integer, got ${iterations}` })
  const tolerance = options.tolerance ?? (C.dtype === "float64" ? 1e-9 : 1e-5)
  if (!(tolerance >= 0)) throw new InvalidArgument({ message: `sinkhorn: tolerance must be ≥ 0, got ${tolerance}` })
  if (domain === "standard" && options.epsilonScaling) throw new InvalidArgument({ message: "sinkhorn: ε-scaling needs the log domain" })
  const stageIterations = typeof options.epsilonScaling === "object" ? options.epsilonScaling.stageIterations ?? 10 : 10
  const loop0 = { tolerance, stopEarly: options.stopEarly ?? true }

  return local(() => {
    const loop: Loop = { ...loop0, a: col(a), b: col(b) }
    let used = 0
    let plan: Tensor, f: Tensor, g: Tensor
    if (domain === "standard") {
      const K = consume(mul(C, -1 / epsilon), exp)
      if (!(min(K).item() > 0))
        throw new SinkhornNumericalError({ message: `sinkhorn: exp(−C/ε) underflows to 0 (ε = ${epsilon}, max C = ${max(C).item()}); use domain: "log"` })
      const r = scalingIterations(K, mul(loop.a, 0).add(1), undefined, iterations, Infinity, loop)
      if (r.outcome === "overflow" || r.v === undefined)
        throw new SinkhornNumericalError({ message: `sinkhorn: the scalings under- or overflowed after ${r.used} iterations (ε = ${epsilon}); use domain: "log"` })
      used = r.used
      plan = scale2(r.u, K, r.v)
      K.dispose()
      f = mul(log(div(r.u, loop.a)), epsilon)
      g = mul(log(div(r.v, loop.b)), epsilon)
    } else {
      const stages = stagesOf(C, epsilon, options.epsilonScaling)
      const tau = C.dtype === "float64" ? 100 : 20
      const logA = log(loop.a), logB = log(loop.b)
      // Log-scalings at the current ε: P = exp(S + α ⊕ β), i.e. α = log a + f/ε, β = log b + g/ε.
      // α = β = 0 to start (u = 1, as in the standard domain); K̃ = exp(S + α ⊕ β) is then exp(S).
      let alpha = mul(loop.a, 0), beta = mul(loop.b, 0), zero = true
      let eps = stages[0]!
      let S = mul(C, -1 / eps)
      let kernel: Tensor | undefined
      // The scalings of the last run on `kernel`, when it ended the solve: P = diag(u) K̃ diag(v).
      let scaled: { u: Tensor; v: Tensor } | undefined
      for (let s = 0; s < stages.length; s++) {
        if (stages[s] !== eps) {
          // New ε: the potentials f = ε(α − log a), g = ε(β − log b) carry over.
          const r = eps / stages[s]!
          alpha = add(mul(sub(alpha, logA), r), logA), beta = add(mul(sub(beta, logB), r), logB), zero = false
          eps = stages[s]!
          S.dispose(), kernel?.dispose()
          S = mul(C, -1 / eps), kernel = undefined
        }
        const last = s === stages.length - 1
        // The last iteration is kept for the target ε, so the result is always at ε.
        const budget = last ? iterations - used : Math.min(stageIterations, iterations - used - 1)
        const stageLoop = last ? loop : { ...loop, stopEarly: true }
        let left = budget
        let first = true
        while (left > 0) {
          scaled = undefined
          if (options.logKernel === "logsumexp") {
            const next = exactIteration(S, alpha, loop)
            used++, left--, (zero = false)
            const stop = stageLoop.stopEarly && columnErrorLse(S, next.alpha, next.beta, loop) <= tolerance
            alpha = next.alpha, beta = next.beta
            if (stop) break
            continue
          }
          kernel ??= zero ? exp(S) : gibbs(S, alpha, beta)
          const r = scalingIterations(kernel, mul(alpha, 0).add(1), first ? undefined : mul(beta, 0).add(1), left, tau, stageLoop)
          first = false
          used += r.used, left -= r.used
          if (r.v !== undefined) (alpha = add(alpha, log(r.u))), (beta = add(beta, log(r.v))), (zero = false)
          if (r.outcome === "overflow" && left > 0) {
            const next = exactIteration(S, alpha, loop)
            alpha = next.alpha, beta = next.beta, used++, left--, (zero = false)
          }
          if (r.outcome === "converged" || r.outcome === "done") {
            if (r.v !== undefined) scaled = { u: r.u, v: r.v }
            break
          }
          kernel.dispose(), (kernel = undefined)
        }
      }
      plan = scaled !== undefined && kernel !== undefined ? scale2(scaled.u, kernel, scaled.v) : gibbs(S, alpha, beta)
      kernel?.dispose(), S.dispose()
      f = mul(sub(alpha, logA), eps), g = mul(sub(beta, logB), eps)
    }
    const rowSums = sum(plan, 1, true), colSums = transpose(sum(plan, 0, true))
    const errA = sum(abs(sub(rowSums, loop.a))).item(), errB = sum(abs(sub(colSums, loop.b))).item()
    const cost = frobenius(plan, C)
    // ⟨P,C⟩ + ε KL(P‖a⊗b) = Σ_i f_i (P1)_i + Σ_j g_j (Pᵀ1)_j − ε(ΣP − Σa⊗b), since log(P/a⊗b) = (f⊕g − C)/ε.
    const objective = add(sum(mul(f, rowSums)), sum(mul(g, colSums))).sub(mul(sub(sum(plan), mul(sum(a), sum(b))), epsilon))
    return {
      plan, cost, objective, f: reshape(f, [-1]), g: reshape(g, [-1]), epsilon, iterations: used,
      marginalError: { a: errA, b: errB },
      converged: errA <= tolerance && errB <= tolerance
    }
  })
}

/**
 * OT_ε(α, α) for one measure a with a symmetric cost C [n, n], by the averaged iteration
 * f ← ½(f + T(f)), T(f)_i = −ε log Σ_j a_j exp((f_j − C_ij)/ε) (Feydy et al. 2019, §3): the
 * alternating iteration can crawl on a symmetric problem, the averaged one converges fast. Log
 * domain (logsumexp); `domain`, `logKernel` are ignored. g = f.
 */
export const symmetricSinkhorn = (a: Tensor, C: Tensor, options: SinkhornOptions): SinkhornResult => {
  checkEpsilon(options.epsilon, "symmetricSinkhorn")
  checkProblem(a, a, C, "symmetricSinkhorn")
  const iterations = options.iterations ?? 1000
  if (!Number.isInteger(iterations) || iterations < 1) throw new InvalidArgument({ message: `symmetricSinkhorn: iterations must be a positive integer, got ${iterations}` })
  const tolerance = options.tolerance ?? (C.dtype === "float64" ? 1e-9 : 1e-5)
  const stopEarly = options.stopEarly ?? true
  const stages = stagesOf(C, options.epsilon, options.epsilonScaling)
  const stageIterations = typeof options.epsilonScaling === "object" ? options.epsilonScaling.stageIterations ?? 10 : 10
  return local(() => {
    const aCol = col(a), logA = log(row(a))
    let f = mul(aCol, 0), used = 0
    // T(f) as a column, for the current ε.
    const T = (f: Tensor, eps: number) => local(() => mul(logsumexp(add(mul(C, -1 / eps), add(logA, mul(row(f), 1 / eps))), 1, true), -eps))
    for (let s = 0; s < stages.length; s++) {
      const eps = stages[s]!, last = s === stages.length - 1
      const budget = last ? iterations - used : Math.min(stageIterations, iterations - used - 1)
      for (let k = 0; k < budget; k++) {
        const tf = T(f, eps)
        used++
        // The plan of f has row sums a ⊙ exp((f − T(f))/ε).
        const err = stopEarly ? local(() => sum(abs(sub(mul(aCol, exp(mul(sub(f, tf), 1 / eps))), aCol))).item()) : Infinity
        f = mul(add(f, tf), 0.5)
        if (err <= tolerance) break
      }
    }
    const eps = options.epsilon
    const plan = exp(add(add(mul(C, -1 / eps), add(log(aCol), mul(f, 1 / eps))), add(logA, mul(row(f), 1 / eps))))
    const rowSums = sum(plan, 1, true), colSums = transpose(sum(plan, 0, true))
    const errA = sum(abs(sub(rowSums, aCol))).item(), errB = sum(abs(sub(colSums, aCol))).item()
    const mass = sum(a)
    const objective = add(sum(mul(f, rowSums)), sum(mul(f, colSums))).sub(mul(sub(sum(plan), mul(mass, mass)), eps))
    const flat = reshape(f, [-1])
    return {
      plan, cost: frobenius(plan, C), objective, f: flat, g: flat, epsilon: eps, iterations: used,
      marginalError: { a: errA, b: errB }, converged: errA <= tolerance && errB <= tolerance
    }
  })
}

export interface CloudOptions extends SinkhornOptions {
  /** Cost ‖x − y‖^p (default 2). */
  readonly p?: number
  /** Weights (default uniform). */
  readonly a?: Tensor
  readonly b?: Tensor
}

/** Sinkhorn between point clouds x [n, d] and y [m, d] with cost ‖x − y‖^p. */
export const sinkhornClouds = (x: Tensor, y: Tensor, options: CloudOptions): SinkhornResult =>
  local(() => {
    const C = groundCost(x, y, options.p ?? 2)
    return sinkhorn(options.a ?? uniformWeights(C.shape[0]!, C), options.b ?? uniformWeights(C.shape[1]!, C), C, options)
  })
