/**
 * GAN vs WGAN-GP on the 25-Gaussian grid (Gulrajani et al. 2017's toy data, gan_toy.py), with
 * PacGAN's mode coverage over training: how many of the 25 modes the generator's samples reach,
 * and what fraction of them lands within 3σ of a mode.
 */
import { Effect, Schema } from "effect"
import { twentyFiveGaussians, samplerSource } from "../src/data/index.js"
import { type Divergence, gaussianKernel, gradientPenalty, mmd2, nonSaturating, wasserstein, withPenalty } from "../src/divergence/index.js"
import { exactWasserstein, modeCoverage } from "../src/metrics/index.js"
import { encodePng, linePlot, panelRow, scatterPlot } from "../src/metrics/plot/index.js"
import { readJsonLines } from "../src/metrics/sink.js"
import { forward, mlp } from "../src/nn/index.js"
import { adam } from "../src/optim/index.js"
import { fold, type Key, normal } from "../src/random/index.js"
import { compute, noGrad, slice, type Tensor } from "../src/tensor/index.js"
import { alternate, type Game, total, type TrainState } from "../src/train/index.js"
import { trainArm } from "../src/study/arm.js"
import type { Study } from "../src/study/study.js"
import { join } from "node:path"

const Int = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
const Positive = Schema.Finite.check(Schema.isGreaterThan(0))

const Config = Schema.Struct({
  /** Generator steps of each arm. */
  generatorSteps: Int,
  batchSize: Int,
  hidden: Int,
  learningRate: Positive,
  /** WGAN-GP's critic steps per generator step (Gulrajani et al.: 5). */
  criticSteps: Int,
  /** Gradient-penalty weight: gan_toy.py uses 0.1 on these toy sets (the paper's 10 is for images). */
  lambda: Positive,
  evaluateEvery: Int,
  evaluationSamples: Int,
  /** Samples on each side of the exact W₂ between generator and data (network simplex). */
  wassersteinSamples: Int
})
type Config = typeof Config.Type

const defaults: Config = {
  generatorSteps: 4000,
  batchSize: 256,
  hidden: 128,
  learningRate: 1e-3,
  criticSteps: 5,
  lambda: 0.1,
  evaluateEvery: 500,
  evaluationSamples: 2500,
  wassersteinSamples: 1000
}

const arms = (c: Config): ReadonlyArray<{ readonly name: string; readonly divergence: Divergence; readonly critic: number }> => [
  { name: "gan", divergence: nonSaturating, critic: 1 },
  { name: "wgan-gp", divergence: wasserstein.pipe(withPenalty(gradientPenalty(c.lambda))), critic: c.criticSteps }
]

const game = (c: Config, divergence: Divergence): Game => {
  const G = mlp([2, c.hidden, c.hidden, c.hidden, 2])
  const D = mlp([2, c.hidden, c.hidden, c.hidden, 1])
  const gen = (params: unknown, z: Tensor) => forward(G, { params: params as unknown[], state: [] }, z)
  const critic = (params: unknown) => (x: Tensor) => forward(D, { params: params as unknown[], state: [] }, x)
  const optimizer = () => adam(c.learningRate, { b1: 0.5, b2: 0.9 })
  return {
    players: [
      {
        name: "critic",
        optimizer: optimizer(),
        loss: (own, ctx) => {
          const fake = noGrad(() => gen(ctx.params.generator, normal(fold(ctx.key, 1), [c.batchSize, 2])))
          return divergence.criticLoss!({ real: ctx.batch, fake, critic: critic(own), key: fold(ctx.key, 2), step: ctx.step })
        }
      },
      {
        name: "generator",
        optimizer: optimizer(),
        loss: (own, ctx) => divergence.generatorLoss({ fake: gen(own, normal(fold(ctx.key, 1), [c.batchSize, 2])), critic: critic(ctx.params.critic) })
      }
    ],
    init: (key) => ({ params: { critic: D.init(fold(key, 0)).params, generator: G.init(fold(key, 1)).params }, state: {} })
  }
}

const modes = twentyFiveGaussians.modes!
/** MMD's kernel for evaluation: bandwidths near a mode's width (0.018), below the grid's spacing (0.71) and the grid's size. */
const evaluationKernel = gaussianKernel([0.02, 0.2, 1])
const range = [-2.2, 2.2] as const

export const ganGrid25: Study<Config> = {
  name: "gan-grid25",
  title: "GAN vs WGAN-GP on the 25-Gaussian grid",
  description:
    "A non-saturating GAN and a WGAN-GP (5 critic steps per generator step, gradient penalty at random interpolates) learn the 25-Gaussian grid of gan_toy.py with the same 2-128-128-128 ReLU networks and Adam. Every evaluation draws 2,500 generator samples and counts, by PacGAN's rule, the modes that receive at least one sample within 3σ.",
  config: Config,
  defaults,
  totalSteps: (c) => c.generatorSteps * (1 + 1) + c.generatorSteps * (c.criticSteps + 1),
  withSteps: (c, steps) => ({ ...c, generatorSteps: steps, evaluateEvery: Math.max(1, Math.min(c.evaluateEvery, Math.floor(steps / 4))) }),
  run: (c, ctx) =>
    Effect.gen(function* () {
      type Point = { step: number; captured: number; highQuality: number; w2: number; mmd: number }
      const results: Array<{ name: string; coverage: Array<Point>; snapshots: Uint8Array[] }> = []
      let offset = 0
      for (const [i, arm] of arms(c).entries()) {
        const armKey = fold(ctx.key, i)
        const g = game(c, arm.divergence)
        const coverage: Array<Point> = []
        const snapshots: Uint8Array[] = []
        const evaluate = (state: TrainState, key: Key) =>
          Effect.gen(function* () {
            const step = state.counters.steps.generator ?? 0
            const { found, png, w2, mmd } = yield* compute(() => {
              const G = mlp([2, c.hidden, c.hidden, c.hidden, 2])
              const samples = noGrad(() => forward(G, { params: state.params.generator as unknown[], state: [] }, normal(key, [c.evaluationSamples, 2])))
              const found = modeCoverage(samples, modes)
              // Exact W₂ between the first samples and as many fresh data points.
              const fewer = slice(samples, 0, 0, Math.min(c.wassersteinSamples, c.evaluationSamples))
              const data = twentyFiveGaussians.sample(fold(key, 1), c.wassersteinSamples)
              const w2 = exactWasserstein(fewer, data)
              const mmd = mmd2(evaluationKernel, fewer, data, "unbiased").item()
              const points = samples.toTypedArray() as Float32Array
              const png = encodePng(scatterPlot(points, { xRange: range, yRange: range, centres: modes.centres.flatMap((m) => [m[0]!, m[1]!]), title: `step ${step}: ${found.captured}/25 modes`, width: 320, height: 320 }))
              return { found, png, w2, mmd }
            })
            coverage.push({ step, captured: found.captured, highQuality: found.highQuality, w2, mmd })
            snapshots.push(png)
            yield* ctx.plot(`${arm.name}/samples`, step, png)
            return { modes: found.captured, highQuality: found.highQuality, w2, mmd }
          })
        yield* trainArm(ctx, arm.name, {
          game: g,
          schedule: alternate({ critic: arm.critic, generator: 1 }).pipe(total("generator", c.generatorSteps)),
          data: samplerSource(twentyFiveGaussians, c.batchSize, fold(armKey, 1)),
          key: armKey,
          stepOffset: offset,
          evaluate: { every: c.evaluateEvery, run: evaluate }
        })
        offset += c.generatorSteps * (arm.critic + 1)
        results.push({ name: arm.name, coverage, snapshots })
      }
      const records = yield* readJsonLines(join(ctx.dir, "metrics.jsonl")).pipe(Effect.orElseSucceed(() => []))
      const curve = (tag: string) => records.filter((r) => tag in r.values).map((r) => [r.step, r.values[tag]!] as const)
      const coveragePlot = encodePng(linePlot(results.map((r) => ({ name: r.name, x: r.coverage.map((p) => p.step), y: r.coverage.map((p) => p.captured) })), { title: "modes captured (of 25)", xLabel: "generator step", width: 480, height: 300 }))
      const w2Plot = encodePng(linePlot(results.map((r) => ({ name: r.name, x: r.coverage.map((p) => p.step), y: r.coverage.map((p) => p.w2) })), { title: "exact W2 to the data", xLabel: "generator step", width: 480, height: 300 }))
      const qualityPlot = encodePng(linePlot(results.map((r) => ({ name: r.name, x: r.coverage.map((p) => p.step), y: r.coverage.map((p) => p.highQuality) })), { title: "fraction of samples within 3 sigma", xLabel: "generator step", width: 480, height: 300 }))
      const lossPlots = results.map((r) => {
        const series = ["critic", "generator"].map((p) => {
          const points = curve(`${r.name}/loss/${p}`)
          const stride = Math.max(1, Math.floor(points.length / 400))
          const kept = points.filter((_, j) => j % stride === 0)
          return { name: p, x: kept.map((q) => q[0]), y: kept.map((q) => q[1]) }
        })
        return encodePng(linePlot(series, { title: `${r.name} losses`, xLabel: "step", width: 480, height: 300 }))
      })
      const last = (r: (typeof results)[number]) => r.coverage[r.coverage.length - 1]!
      return {
        metrics: results.flatMap((r) => [
          { name: `${r.name}: modes captured`, value: `${last(r).captured} / 25`, note: `after ${last(r).step} generator steps` },
          { name: `${r.name}: high-quality fraction`, value: last(r).highQuality, note: "samples within 3σ of their nearest mode" },
          { name: `${r.name}: W₂ to the data`, value: last(r).w2, note: `exact, ${c.wassersteinSamples} samples on each side (network simplex)` },
          { name: `${r.name}: MMD² to the data`, value: last(r).mmd, note: "unbiased, Gaussian kernels of bandwidths 0.02, 0.2 and 1, same samples" }
        ]),
        sections: [
          ...results.map((r) => ({
            heading: `${r.name}: samples over training`,
            text: "2,500 generator samples (blue) and the 25 mode centres, at each evaluation.",
            images: r.snapshots.map((png, j) => ({ png, caption: `step ${r.coverage[j]!.step}` }))
          })),
          { heading: "Mode coverage and W₂", images: [{ png: coveragePlot, caption: "modes with a sample within 3σ" }, { png: qualityPlot, caption: "high-quality fraction" }, { png: w2Plot, caption: "exact W₂ between samples and data" }] },
          { heading: "Losses", images: lossPlots.map((png, j) => ({ png, caption: results[j]!.name })) }
        ],
        summary: results.map((r) => `${r.name}: ${last(r).captured}/25 modes, ${(100 * last(r).highQuality).toFixed(1)}% of samples within 3σ`).join("; ") + "."
      }
    })
}
