/** The meanfield-gaussian report: fitted variances against the closed forms, 2σ ellipses, KL over training. */
import { Effect } from "effect"
import { join } from "node:path"
import { ClosedForm } from "../../src/divergence/index.js"
import { formatMetric } from "../../src/metrics/format.js"
import { encodePng, linePlot } from "../../src/metrics/plot/index.js"
import { readJsonLines } from "../../src/metrics/sink.js"
import type { StudyContext, StudyOutcome } from "../../src/study/study.js"
import type { Direction, Target } from "../meanfield-gaussian.js"

/** A factorised q = N(mean, diag(variances)) and both KLs between it and p, in closed form. */
export interface Fit {
  readonly mean: readonly number[]
  readonly variances: readonly number[]
  /** KL(q‖p) */
  readonly reverseKl: number
  /** KL(p‖q) */
  readonly forwardKl: number
}

export interface ArmResult {
  readonly direction: Direction
  readonly trajectory: ReadonlyArray<{ readonly step: number; readonly fit: Fit }>
}

const label = (d: Direction) => (d === "reverse" ? "KL(q‖p)" : "KL(p‖q)")
const ascii = (d: Direction) => (d === "reverse" ? "KL(q||p)" : "KL(p||q)")
const objective = (d: Direction, f: Fit) => (d === "reverse" ? f.reverseKl : f.forwardKl)

/** The closed-form optimum of each direction: mean m, variances 1/Λ_ii (reverse) or Σ_ii (forward). */
export const optimum = (p: Target, d: Direction): Fit => {
  const variances = d === "reverse" ? p.reverseVariances : p.forwardVariances
  const cov = [[variances[0]!, 0], [0, variances[1]!]]
  return {
    mean: p.mean,
    variances,
    reverseKl: ClosedForm.gaussianKlMultivariate(p.mean, cov, p.mean, p.cov),
    forwardKl: ClosedForm.gaussianKlMultivariate(p.mean, p.cov, p.mean, cov)
  }
}

/** Points m + r·A(cos t, sin t) around an ellipse with axes matrix A (2×2). */
const ellipse = (m: readonly number[], a: ReadonlyArray<readonly number[]>, r: number) => {
  const t = Array.from({ length: 121 }, (_, i) => (2 * Math.PI * i) / 120)
  return {
    x: t.map((u) => m[0]! + r * (a[0]![0]! * Math.cos(u) + a[0]![1]! * Math.sin(u))),
    y: t.map((u) => m[1]! + r * (a[1]![0]! * Math.cos(u) + a[1]![1]! * Math.sin(u)))
  }
}

const vector = (v: readonly number[]) => `(${v.map(formatMetric).join(", ")})`

export const meanfieldReport = (ctx: StudyContext, p: Target, results: ReadonlyArray<ArmResult>) =>
  Effect.gen(function* () {
    const final = results.map((r) => r.trajectory[r.trajectory.length - 1]!)
    const half = 2.6 * Math.sqrt(Math.max(...p.forwardVariances))
    const square = (i: number) => [p.mean[i]! - half, p.mean[i]! + half] as const
    const qAxes = (f: Fit) => [[Math.sqrt(f.variances[0]!), 0], [0, Math.sqrt(f.variances[1]!)]]
    const ellipses = encodePng(
      linePlot(
        [
          { name: "p, 2 sd", ...ellipse(p.mean, p.chol, 2) },
          { name: "p, 1 sd", ...ellipse(p.mean, p.chol, 1), dashed: true },
          ...results.map((r, i) => ({ name: `q by ${ascii(r.direction)}, 2 sd`, ...ellipse(final[i]!.fit.mean, qAxes(final[i]!.fit), 2) }))
        ],
        { title: "p and the two mean-field fits", xLabel: "x1", yLabel: "x2", xRange: square(0), yRange: square(1), width: 440, height: 440 }
      )
    )
    yield* ctx.plot("ellipses", Math.max(...final.map((f) => f.step)), ellipses)
    const curves = encodePng(
      linePlot(
        results.map((r) => {
          const best = objective(r.direction, optimum(p, r.direction))
          return { name: ascii(r.direction), x: r.trajectory.map((t) => t.step), y: r.trajectory.map((t) => objective(r.direction, t.fit) - best) }
        }),
        { title: "KL above its minimum (closed form)", xLabel: "step", logY: true, width: 520, height: 320 }
      )
    )
    const records = yield* readJsonLines(join(ctx.dir, "metrics.jsonl")).pipe(Effect.orElseSucceed(() => []))
    const losses = encodePng(
      linePlot(
        results.map((r) => {
          const points = records.filter((x) => `${r.direction}/loss/q` in x.values).map((x) => x.values[`${r.direction}/loss/q`]!)
          return { name: `Monte Carlo ${ascii(r.direction)}`, x: points.map((_, j) => j + 1), y: points }
        }),
        { title: "Monte Carlo estimates of the KL", xLabel: "step", width: 520, height: 320 }
      )
    )
    const outcome: StudyOutcome = {
      metrics: results.flatMap((r, i) => {
        const fit = final[i]!.fit
        const best = optimum(p, r.direction)
        const form = r.direction === "reverse" ? ["1/Λ₁₁", "1/Λ₂₂"] : ["Σ₁₁", "Σ₂₂"]
        return [
          { name: `${label(r.direction)}: mean of q`, value: vector(fit.mean), note: `closed form m = ${vector(best.mean)}` },
          ...[0, 1].map((k) => ({ name: `${label(r.direction)}: variance s${k === 0 ? "₁" : "₂"}²`, value: fit.variances[k]!, note: `closed form ${form[k]} = ${formatMetric(best.variances[k]!)}` })),
          { name: `${label(r.direction)} at the fit`, value: objective(r.direction, fit), note: `its minimum ${formatMetric(objective(r.direction, best))}` }
        ]
      }),
      sections: [
        {
          heading: "The fits",
          text: "Ellipses at one and two standard deviations of p, and at two of each factorised fit: KL(q‖p) fits inside p (its variances are the conditional ones, 1/Λ_ii), KL(p‖q) matches p's marginals (Σ_ii).",
          images: [{ png: ellipses, caption: "p and both fits" }]
        },
        { heading: "Training", images: [{ png: curves, caption: "the KL each fit minimises, in closed form, minus its closed-form minimum" }, { png: losses, caption: "Monte Carlo estimates per step" }] }
      ],
      summary: results
        .map((r, i) => `${label(r.direction)}: variances ${vector(final[i]!.fit.variances)} against ${vector(optimum(p, r.direction).variances)} in closed form`)
        .join("; ") + "."
    }
    return outcome
  })
