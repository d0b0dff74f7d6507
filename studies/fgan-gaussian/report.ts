/** The fgan-gaussian report: the table of fits, the fitted densities, the way to the optimum, the critic's bound. */
import { Effect } from "effect"
import { join } from "node:path"
import type { Mixture1dSpec } from "../../src/data/index.js"
import { fDivergences, type FName } from "../../src/divergence/index.js"
import { formatMetric } from "../../src/metrics/format.js"
import { densityPlot, encodePng, linePlot } from "../../src/metrics/plot/index.js"
import { readJsonLines } from "../../src/metrics/sink.js"
import type { StudyContext, StudyOutcome } from "../../src/study/study.js"
import { type GaussianFit, mixtureLogPdf, normalLogPdf } from "./optimum.js"

export interface ArmResult {
  readonly name: FName
  readonly learned: GaussianFit
  /** The global minimiser of D_f(P‖N(μ, σ²)) by quadrature. */
  readonly optimum: GaussianFit
  /** The minimum (global or local) nearest the learned fit. */
  readonly nearest: GaussianFit
  /** (μ, σ) at each evaluation, by generator step. */
  readonly trajectory: ReadonlyArray<{ readonly step: number; readonly mean: number; readonly std: number }>
}

const pdf = (logPdf: (x: number) => number) => (x: number) => Math.exp(logPdf(x))

/** How far the learned parameters are from the quadrature optimum. */
export const distance = (a: { mean: number; std: number }, b: { mean: number; std: number }): number => Math.hypot(a.mean - b.mean, a.std - b.std)

const same = (a: GaussianFit, b: GaussianFit) => distance(a, b) < 1e-3

/** Distance to the nearer of the global optimum and the minimum the run ended near. */
const distanceToOptimum = (p: { mean: number; std: number }, r: ArmResult) => Math.min(distance(p, r.optimum), distance(p, r.nearest))

const note = (r: ArmResult, pick: (f: GaussianFit) => number) =>
  same(r.optimum, r.nearest)
    ? `quadrature optimum ${formatMetric(pick(r.optimum))}`
    : `quadrature: global optimum ${formatMetric(pick(r.optimum))}, local optimum nearest the fit ${formatMetric(pick(r.nearest))}`

export const fganReport = (ctx: StudyContext, mixture: Mixture1dSpec, results: ReadonlyArray<ArmResult>, initial: { mean: number; std: number }) =>
  Effect.gen(function* () {
    const spread = Math.max(...mixture.stds)
    const range = [Math.min(...mixture.means) - 4 * spread, Math.max(...mixture.means) + 4 * spread] as const
    const target = pdf(mixtureLogPdf(mixture))
    const densities: Uint8Array[] = []
    for (const r of results) {
      const png = encodePng(
        densityPlot(
          [
            { name: "P (mixture)", pdf: target },
            { name: "learned", pdf: pdf(normalLogPdf(r.learned.mean, r.learned.std)) },
            { name: "optimum", pdf: pdf(normalLogPdf(r.optimum.mean, r.optimum.std)), dashed: true },
            ...(same(r.optimum, r.nearest) ? [] : [{ name: "local optimum", pdf: pdf(normalLogPdf(r.nearest.mean, r.nearest.std)), dashed: true }])
          ],
          { range, title: r.name, xLabel: "x", width: 340, height: 240 }
        )
      )
      densities.push(png)
      yield* ctx.plot(`${r.name}/density`, r.trajectory[r.trajectory.length - 1]?.step ?? 0, png)
    }
    const approach = encodePng(
      linePlot(
        results.map((r) => ({ name: r.name, x: [0, ...r.trajectory.map((p) => p.step)], y: [distanceToOptimum(initial, r), ...r.trajectory.map((p) => distanceToOptimum(p, r))] })),
        { title: "distance from the nearest optimum", xLabel: "generator step", width: 560, height: 340 }
      )
    )
    const records = yield* readJsonLines(join(ctx.dir, "metrics.jsonl")).pipe(Effect.orElseSucceed(() => []))
    const bounds = results.map((r) => {
      const points = records.filter((p) => `${r.name}/loss/critic` in p.values).map((p) => -p.values[`${r.name}/loss/critic`]!)
      const stride = Math.max(1, Math.floor(points.length / 300))
      const xs = points.map((_, j) => j + 1).filter((_, j) => j % stride === 0)
      const ends = xs.length > 0 ? [xs[0]!, xs[xs.length - 1]!] : [0, 1]
      return encodePng(
        linePlot(
          [
            { name: "critic's bound", x: xs, y: points.filter((_, j) => j % stride === 0) },
            { name: "D_f at the optimum", x: ends, y: [r.optimum.divergence, r.optimum.divergence], dashed: true },
            ...(same(r.optimum, r.nearest) ? [] : [{ name: "at the local optimum", x: ends, y: [r.nearest.divergence, r.nearest.divergence], dashed: true }])
          ],
          { title: `${r.name}: critic's bound`, xLabel: "critic step", width: 340, height: 240 }
        )
      )
    })
    const generatorLosses = encodePng(
      linePlot(
        results.map((r) => {
          const points = records.filter((p) => `${r.name}/loss/generator` in p.values).map((p) => p.values[`${r.name}/loss/generator`]!)
          const stride = Math.max(1, Math.floor(points.length / 300))
          return { name: r.name, x: points.map((_, j) => j + 1).filter((_, j) => j % stride === 0), y: points.filter((_, j) => j % stride === 0) }
        }),
        { title: "generator losses", xLabel: "generator step", width: 560, height: 340 }
      )
    )
    const outcome: StudyOutcome = {
      metrics: results.flatMap((r) => [
        { name: `${r.name}: μ`, value: r.learned.mean, note: note(r, (f) => f.mean) },
        { name: `${r.name}: σ`, value: r.learned.std, note: note(r, (f) => f.std) },
        { name: `${r.name}: D_f(P‖Q)`, value: r.learned.divergence, note: `${note(r, (f) => f.divergence)}; D_f = ${fDivergences[r.name].estimates}` }
      ]),
      sections: [
        {
          heading: "Fitted densities",
          text: "The mixture P, the Gaussian the f-GAN learned, and the Gaussian that minimises D_f(P‖Q) (dashed, found by quadrature); where the fit ended nearer another, local minimum of D_f, that one too.",
          images: densities.map((png, j) => ({ png, caption: results[j]!.name }))
        },
        { heading: "Towards the optimum", images: [{ png: approach, caption: "Euclidean distance of the learned (μ, σ) from the optimum over training" }] },
        {
          heading: "Losses",
          text: "The negated critic loss E_P[T] − E_Q[f*(T)], a lower bound on D_f(P‖Q_θ) for the current generator, with the smallest D_f any Gaussian reaches (dashed); and the generator losses, −E_Q[f*(T)] (saddle) or −E_Q[T] (alternative).",
          images: [...bounds.map((png, j) => ({ png, caption: `${results[j]!.name}: the critic's bound` })), { png: generatorLosses, caption: "generator losses" }]
        }
      ],
      summary: results
        .map((r) => `${r.name}: learned μ = ${formatMetric(r.learned.mean)}, σ = ${formatMetric(r.learned.std)} (optimum ${formatMetric(r.optimum.mean)}, ${formatMetric(r.optimum.std)})`)
        .join("; ") + "."
    }
    return outcome
  })
