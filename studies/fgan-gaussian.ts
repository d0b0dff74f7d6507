/**
 * Fitting a Gaussian to a bimodal 1-D mixture with each f-divergence of the f-GAN family
 * (Nowozin, Cseke & Tomioka 2016, §4: approximating a mixture by a Gaussian). The generator
 * is x = μ + σ z with two parameters; each divergence trains it as an f-GAN against a small
 * critic, and the learned (μ, σ) is compared with argmin_θ D_f(P‖N(μ, σ²)) found without
 * sampling, by quadrature and Nelder–Mead (fgan-gaussian/optimum.ts).
 */
import { Effect, Schema } from "effect"
import { gaussianMixture1d, type Mixture1dSpec, samplerSource } from "../src/data/index.js"
import { fDivergences, fgan, fNames, type FName } from "../src/divergence/index.js"
import { forward, mlp } from "../src/nn/index.js"
import { adam } from "../src/optim/index.js"
import { fold, type Key, normal } from "../src/random/index.js"
import { noGrad, type Tensor, tensor } from "../src/tensor/index.js"
import { alternate, type Game, total, type TrainState } from "../src/train/index.js"
import { trainArm } from "../src/study/arm.js"
import type { Study } from "../src/study/study.js"
import { divergenceToGaussian, type GaussianFit, quadratureMinima } from "./fgan-gaussian/optimum.js"
import { type ArmResult, distance, fganReport } from "./fgan-gaussian/report.js"

const Int = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
const Positive = Schema.Finite.check(Schema.isGreaterThan(0))

const Mixture = Schema.Struct({
  weights: Schema.NonEmptyArray(Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))),
  means: Schema.NonEmptyArray(Schema.Finite),
  stds: Schema.NonEmptyArray(Positive)
}).check(
  Schema.makeFilter((m) => (m.weights.length === m.means.length && m.stds.length === m.means.length ? undefined : "weights, means and stds must have one length")),
  Schema.makeFilter((m) => (m.weights.some((w) => w > 0) ? undefined : "at least one weight must be positive"))
)

const Config = Schema.Struct({
  /** The target P: a 1-D Gaussian mixture. */
  mixture: Mixture,
  /** Which f-divergences to train (one arm each), by their names in src/divergence/fgan.ts. */
  divergences: Schema.NonEmptyArray(Schema.Literals(fNames)).check(
    Schema.makeFilter((d) => (new Set(d).size === d.length ? undefined : "each divergence may appear once"))
  ),
  /** The generator's loss: "saddle" (−E_Q[f*(T)], the f-GAN objective) or "alternative" (−E_Q[T]). */
  generatorLoss: Schema.Literals(["saddle", "alternative"]),
  generatorSteps: Int,
  criticSteps: Int,
  batchSize: Int,
  /** Width of the critic's two hidden layers. */
  hidden: Int,
  criticLearningRate: Positive,
  generatorLearningRate: Positive,
  /** The generator starts at N(initialMean, initialStd²). */
  initialMean: Schema.Finite,
  initialStd: Positive,
  evaluateEvery: Int
})
type Config = typeof Config.Type

const defaults: Config = {
  mixture: { weights: [0.6, 0.4], means: [-1, 2], stds: [0.5, 0.7] },
  divergences: [fNames[0]!, ...fNames.slice(1)],
  generatorLoss: "saddle",
  generatorSteps: 2000,
  criticSteps: 2,
  batchSize: 256,
  hidden: 32,
  criticLearningRate: 2e-3,
  generatorLearningRate: 5e-3,
  initialMean: 0,
  initialStd: 0.6,
  evaluateEvery: 100
}

interface GeneratorParams {
  readonly mean: Tensor
  readonly logStd: Tensor
}

const critic = (hidden: number) => mlp([1, hidden, hidden, 1])

/** x = μ + e^{log σ} z for z of shape [n, 1]. */
const generate = (p: GeneratorParams, z: Tensor): Tensor => p.logStd.exp().mul(z).add(p.mean)

const game = (c: Config, name: FName): Game => {
  const D = critic(c.hidden)
  const divergence = fgan(name, { generator: c.generatorLoss })
  const criticFn = (params: unknown) => (x: Tensor) => forward(D, { params: params as unknown[], state: [] }, x)
  return {
    players: [
      {
        name: "critic",
        optimizer: adam(c.criticLearningRate, { b1: 0.5, b2: 0.999 }),
        loss: (own, ctx) => {
          const fake = noGrad(() => generate(ctx.params.generator as GeneratorParams, normal(fold(ctx.key, 1), [c.batchSize, 1])))
          return divergence.criticLoss!({ real: ctx.batch, fake, critic: criticFn(own) })
        }
      },
      {
        name: "generator",
        optimizer: adam(c.generatorLearningRate, { b1: 0.5, b2: 0.999 }),
        loss: (own: GeneratorParams, ctx) =>
          divergence.generatorLoss({ fake: generate(own, normal(fold(ctx.key, 1), [c.batchSize, 1])), critic: criticFn(ctx.params.critic) })
      }
    ],
    init: (key) => ({
      params: {
        critic: D.init(fold(key, 0)).params,
        generator: { mean: tensor([c.initialMean]), logStd: tensor([Math.log(c.initialStd)]) }
      },
      state: {}
    })
  }
}

const readGenerator = (state: TrainState): { mean: number; std: number } => {
  const p = state.params.generator as GeneratorParams
  return { mean: p.mean.item(), std: Math.exp(p.logStd.item()) }
}

export const fganGaussian: Study<Config> = {
  name: "fgan-gaussian",
  title: "f-GAN: a Gaussian fitted to a Gaussian mixture under each f-divergence",
  description:
    "A two-parameter generator x = μ + σz learns a bimodal 1-D Gaussian mixture as an f-GAN (Nowozin et al. 2016), once per f-divergence, against a 1-32-32-1 ReLU critic whose output activation is the divergence's g_f, with Adam and an alternating schedule. The learned (μ, σ) is compared with the exact minimiser of D_f(P‖N(μ, σ²)), found by quadrature and Nelder–Mead without any sampling: mass-covering divergences (KL, Pearson) spread over both modes, while the mode-seeking ones (reverse KL, Neyman) are smallest on the heavier mode and have further, local minima. Where the training ends near a local minimum, the report shows that one too.",
  config: Config,
  defaults,
  totalSteps: (c) => c.divergences.length * c.generatorSteps * (c.criticSteps + 1),
  withSteps: (c, steps) => ({ ...c, generatorSteps: steps, evaluateEvery: Math.max(1, Math.min(c.evaluateEvery, Math.floor(steps / 4))) }),
  run: (c, ctx) =>
    Effect.gen(function* () {
      const mixture: Mixture1dSpec = c.mixture
      const target = gaussianMixture1d(mixture)
      const results: ArmResult[] = []
      let offset = 0
      for (const name of c.divergences) {
        const armKey = fold(ctx.key, fNames.indexOf(name))
        const fd = fDivergences[name]
        const trajectory: Array<{ step: number; mean: number; std: number }> = []
        const evaluate = (state: TrainState, _key: Key) =>
          Effect.sync(() => {
            const fit = readGenerator(state)
            trajectory.push({ step: state.counters.steps.generator ?? 0, ...fit })
            return fit
          })
        yield* trainArm(ctx, name, {
          game: game(c, name),
          schedule: alternate({ critic: c.criticSteps, generator: 1 }).pipe(total("generator", c.generatorSteps)),
          data: samplerSource(target, c.batchSize, fold(armKey, 1)),
          key: armKey,
          stepOffset: offset,
          evaluate: { every: c.evaluateEvery, run: evaluate }
        })
        offset += c.generatorSteps * (c.criticSteps + 1)
        const last = trajectory[trajectory.length - 1]!
        const learned: GaussianFit = { mean: last.mean, std: last.std, divergence: divergenceToGaussian(fd, mixture, last.mean, last.std) }
        const minima = quadratureMinima(fd, mixture)
        const nearest = minima.reduce((a, b) => (distance(b, learned) < distance(a, learned) ? b : a))
        results.push({ name, learned, optimum: minima[0]!, nearest, trajectory })
      }
      return yield* fganReport(ctx, mixture, results, { mean: c.initialMean, std: c.initialStd })
    })
}
