/**
 * Part 2 of wgan-lines: the generator g_θ(x) = x + (θ, 0) with x ~ P₀, i.e. the law P_θ, one
 * parameter trained by plain gradient descent from θ₀ against a critic that takes
 * `criticSteps` Adam steps per generator step: under the minimax GAN (JS), the non-saturating
 * GAN, and WGAN-GP (W₁). Every evaluation records θ and ∂(generator loss)/∂θ on a fresh batch.
 */
import { Effect } from "effect"
import { parallelLines, samplerSource } from "../../src/data/index.js"
import { type Divergence, gradientPenalty, minimax, nonSaturating, wasserstein, withPenalty } from "../../src/divergence/index.js"
import { grad } from "../../src/autodiff/index.js"
import { adam, sgd } from "../../src/optim/index.js"
import { fold, type Key } from "../../src/random/index.js"
import { trainArm } from "../../src/study/arm.js"
import type { StudyContext } from "../../src/study/study.js"
import { add, compute, mul, tensor, type Tensor } from "../../src/tensor/index.js"
import { alternate, type Game, total, type TrainState } from "../../src/train/index.js"
import type { Config } from "./config.js"
import { criticNet, criticOf } from "./estimate.js"

export interface GeneratorArm {
  readonly name: string
  readonly label: string
  readonly divergence: Divergence
}

export const generatorArms = (c: Config): ReadonlyArray<GeneratorArm> => [
  { name: "gan", label: "minimax GAN (JS)", divergence: minimax },
  { name: "gan-ns", label: "non-saturating GAN", divergence: nonSaturating },
  { name: "wgan-gp", label: "WGAN-GP (W1)", divergence: wasserstein.pipe(withPenalty(gradientPenalty(c.lambda))) }
]

/** Steps of one arm (critic and generator). */
export const generatorArmSteps = (c: Config) => c.generatorSteps * (c.criticSteps + 1)

/** P_θ's samples from P₀'s: shifted by θ along the first axis, differentiable in θ ([1]). */
const shift = (theta: Tensor, x: Tensor): Tensor => add(x, mul(tensor([1, 0]), theta))

export interface ThetaPoint {
  readonly step: number
  readonly theta: number
  /** ∂(generator loss)/∂θ against the critic of that moment. */
  readonly gradient: number
}

export interface GeneratorRun {
  readonly arm: GeneratorArm
  readonly points: ReadonlyArray<ThetaPoint>
}

export const trainGenerator = (c: Config, ctx: StudyContext, arm: GeneratorArm, key: Key, offset: number) =>
  Effect.gen(function* () {
    const critic = criticOf(c)
    const P = parallelLines(0)
    const generatorLoss = (theta: Tensor, criticParams: unknown, k: Key, n: number) =>
      arm.divergence.generatorLoss({ fake: shift(theta, P.sample(k, n)), critic: critic(criticParams) })
    const game: Game = {
      players: [
        {
          name: "critic",
          optimizer: adam(c.criticLearningRate, { b1: 0.5, b2: 0.9 }),
          loss: (own, s) =>
            arm.divergence.criticLoss!({
              real: s.batch,
              fake: shift(s.params.generator as Tensor, P.sample(fold(s.key, 1), c.batchSize)),
              critic: critic(own),
              key: fold(s.key, 2),
              step: s.step
            })
        },
        { name: "generator", optimizer: sgd(c.generatorLearningRate), loss: (own, s) => generatorLoss(own as Tensor, s.params.critic, fold(s.key, 1), c.batchSize) }
      ],
      init: (k) => ({ params: { critic: criticNet(c).init(k).params, generator: tensor([c.theta0]) }, state: {} })
    }
    const evaluate = (state: TrainState, k: Key) =>
      compute(() => {
        const theta = state.params.generator as Tensor
        const g = grad((t: Tensor) => generatorLoss(t, state.params.critic, k, c.estimateSamples))(theta)
        return { generatorStep: state.counters.steps.generator ?? 0, theta: theta.item(), gradient: g.item() }
      })
    const final = yield* trainArm(ctx, arm.name, {
      game,
      schedule: alternate({ critic: c.criticSteps, generator: 1 }).pipe(total("generator", c.generatorSteps)),
      data: samplerSource(P, c.batchSize, fold(key, 1)),
      key,
      stepOffset: offset,
      evaluate: { every: c.evaluateEvery, run: evaluate }
    })
    // The history holds every evaluation, also those of an arm that had finished before a resume.
    const points: ThetaPoint[] = final.history.map((h) => ({ step: h.values.generatorStep!, theta: h.values.theta!, gradient: h.values.gradient! }))
    return { arm, points: [{ step: 0, theta: c.theta0, gradient: NaN }, ...points] } satisfies GeneratorRun as GeneratorRun
  })
