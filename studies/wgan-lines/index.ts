/**
 * The parallel lines of Arjovsky, Chintala & Bottou (2017), Example 1: P₀ = law of (0, Z),
 * P_θ = law of (θ, Z), Z ~ U[0, 1]. W₁(P₀, P_θ) = |θ| is continuous in θ; JS(P₀, P_θ) = log 2
 * for every θ ≠ 0 is not, and its gradient in θ is zero. Part 1 estimates both along θ, part 2
 * trains θ itself under each.
 */
import { Effect } from "effect"
import { encodePng, linePlot } from "../../src/metrics/plot/index.js"
import { fold } from "../../src/random/index.js"
import type { Study } from "../../src/study/study.js"
import { Config, defaults } from "./config.js"
import { closedFormCurves, type Estimate, estimateAll, estimateSteps } from "./estimate.js"
import { generatorArms, generatorArmSteps, type GeneratorRun, trainGenerator } from "./generator.js"

export { Config, defaults } from "./config.js"
export { closedFormCurves, sampleW1, sampleW1At } from "./estimate.js"

/** An isolated point at θ = 0 for a curve that jumps there (NaN on both sides breaks the line). */
const withJumpAtZero = (theta: readonly number[], y: readonly number[]) => {
  const x: number[] = []
  const v: number[] = []
  theta.forEach((t, i) => {
    if (t === 0) x.push(t, t, t), v.push(NaN, y[i]!, NaN)
    else x.push(t), v.push(y[i]!)
  })
  return { x, y: v }
}

const fmt = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x))

export const wganLines: Study<Config> = {
  name: "wgan-lines",
  title: "JS and W1 on the parallel lines (WGAN, Example 1)",
  description:
    "P0 is the law of (0, Z) and P_theta that of (theta, Z), Z ~ U[0, 1]. In closed form W1 = |theta| and JS = log 2 for every theta != 0 (0 at theta = 0). Part 1 trains, at several theta, a WGAN-GP critic (estimating W1) and a minimax GAN discriminator (estimating JS = (log 4 - loss)/2) from scratch, and computes W1 exactly between two sample sets. Part 2 trains the single parameter theta of the generator x -> x + (theta, 0) by plain gradient descent from theta0 against a critic that takes several Adam steps per generator step, under the minimax GAN (JS), the non-saturating GAN and WGAN-GP.",
  config: Config,
  defaults,
  totalSteps: (c) => estimateSteps(c) + generatorArms(c).length * generatorArmSteps(c),
  withSteps: (c, steps) => ({ ...c, estimateSteps: steps, generatorSteps: steps, evaluateEvery: Math.max(1, Math.min(c.evaluateEvery, Math.floor(steps / 10))) }),
  run: (c, ctx) =>
    Effect.gen(function* () {
      const estimates = yield* estimateAll(c, ctx, fold(ctx.key, 0), 0)
      const runs: GeneratorRun[] = []
      let offset = estimateSteps(c)
      for (const [i, arm] of generatorArms(c).entries()) {
        runs.push(yield* trainGenerator(c, ctx, arm, fold(fold(ctx.key, 1), i), offset))
        offset += generatorArmSteps(c)
      }

      const curves = closedFormCurves(c.curvePoints)
      const at = (f: (e: Estimate) => number) => ({ x: estimates.map((e) => e.theta), y: estimates.map(f) })
      const wPlot = linePlot(
        [
          { name: "W1 = |theta|", x: curves.theta, y: curves.w },
          { name: `exact W1 of ${c.estimateSamples} samples`, ...at((e) => e.wSample), dashed: true },
          { name: "WGAN-GP critic", ...at((e) => e.wCritic), dashed: true }
        ],
        { title: "W1(P0, P_theta)", xLabel: "theta", width: 480, height: 320 }
      )
      const jsPlot = linePlot(
        [
          { name: "JS (log 2 off 0)", ...withJumpAtZero(curves.theta, curves.js) },
          { name: "GAN discriminator", ...at((e) => e.jsDiscriminator), dashed: true }
        ],
        { title: "JS(P0, P_theta)", xLabel: "theta", width: 480, height: 320, yRange: [-0.05, 0.8] }
      )
      const thetaPlot = linePlot(
        runs.map((r) => ({ name: r.arm.label, x: r.points.map((p) => p.step), y: r.points.map((p) => p.theta) })),
        { title: "theta over training (optimum 0)", xLabel: "generator step", width: 480, height: 320 }
      )
      const gradientPlot = linePlot(
        runs.map((r) => ({ name: r.arm.label, x: r.points.map((p) => p.step), y: r.points.map((p) => Math.abs(p.gradient)) })),
        { title: "|d loss / d theta|", xLabel: "generator step", logY: true, width: 480, height: 320 }
      )

      const last = (r: (typeof runs)[number]) => r.points[r.points.length - 1]!
      const metrics = [
        ...estimates.flatMap((e) => [
          { name: `theta = ${e.theta}: W1 closed form / exact on samples / critic`, value: `${fmt(e.w)} / ${fmt(e.wSample)} / ${fmt(e.wCritic)}` },
          { name: `theta = ${e.theta}: JS closed form / discriminator`, value: `${fmt(e.js)} / ${fmt(e.jsDiscriminator)}` }
        ]),
        ...runs.flatMap((r) => [
          { name: `${r.arm.name}: final theta`, value: last(r).theta, note: `from ${c.theta0} after ${last(r).step} generator steps (${r.arm.label})` },
          { name: `${r.arm.name}: final |d loss / d theta|`, value: Math.abs(last(r).gradient), note: "against the critic of the last step, on a fresh batch" }
        ])
      ]
      const summary = runs
        .map((r) => {
          const moved = 1 - Math.abs(last(r).theta) / Math.abs(c.theta0)
          const change = c.theta0 === 0 ? "" : ` (|theta| ${moved >= 0 ? "down" : "up"} ${fmt(Math.abs(100 * moved))}%)`
          return `${r.arm.label}: theta ${c.theta0} -> ${fmt(last(r).theta)}${change}, final |gradient| ${fmt(Math.abs(last(r).gradient))}`
        })
        .join("; ")
      return {
        metrics,
        sections: [
          {
            heading: "Divergences along theta",
            text: "Closed forms (solid) and estimates (dashed) at the configured theta values. Each critic is trained from scratch at its theta; its estimate is evaluated on fresh samples. The exact sample W1 matches the sorted coordinates (optimal for this cost) and lies slightly above |theta|.",
            images: [{ png: encodePng(wPlot), caption: "W1" }, { png: encodePng(jsPlot), caption: "Jensen-Shannon" }]
          },
          {
            heading: "A one-parameter generator",
            text: `theta trained by gradient descent (learning rate ${c.generatorLearningRate}) from ${c.theta0}, ${c.criticSteps} critic steps per generator step. The gradient is that of each arm's generator loss against the critic of the moment.`,
            images: [{ png: encodePng(thetaPlot), caption: "theta" }, { png: encodePng(gradientPlot), caption: "gradient size" }]
          }
        ],
        summary: `${summary}.`
      }
    })
}
