/**
 * Part 1 of wgan-lines: the Jensen–Shannon divergence and W₁ between P₀ and P_θ along θ, in
 * closed form and estimated: W₁ exactly between two sample sets, W₁ by a trained WGAN-GP
 * critic and JS by a trained GAN discriminator, each critic trained from scratch at one θ.
 */
import { Effect } from "effect"
import { parallelLines, parallelLinesDistances, samplerSource } from "../../src/data/index.js"
import { type Divergence, gradientPenalty, minimax, wasserstein, withPenalty } from "../../src/divergence/index.js"
import { forward, mlp } from "../../src/nn/index.js"
import { adam } from "../../src/optim/index.js"
import { fold, type Key, uniform } from "../../src/random/index.js"
import { trainArm } from "../../src/study/arm.js"
import type { StudyContext } from "../../src/study/study.js"
import { compute, local, noGrad, type Tensor } from "../../src/tensor/index.js"
import { alternate, type Game, total, type TrainState } from "../../src/train/index.js"
import type { Config } from "./config.js"

/** The closed forms on `points` evenly spaced θ in [−1, 1] (θ = 0 included when `points` is odd). */
export const closedFormCurves = (points: number) => {
  const theta = Array.from({ length: points }, (_, i) => -1 + (2 * i) / (points - 1))
  return {
    theta,
    w: theta.map((t) => parallelLinesDistances(t).wasserstein),
    js: theta.map((t) => parallelLinesDistances(t).jensenShannon)
  }
}

/**
 * W₁ between the empirical laws of (0, zᵢ) and (θ, z′ᵢ), i = 1..n, exactly. The cost between
 * (0, z) and (θ, z′) is h(z − z′) with h(d) = √(θ² + d²) convex, so the monotone matching of
 * the sorted z and z′ is an optimal assignment (the 1-D rearrangement argument; e.g.
 * Santambrogio 2015, Thm 2.9): W₁ = (1/n) Σ √(θ² + (z₍ᵢ₎ − z′₍ᵢ₎)²). It is ≥ |θ| and tends to |θ|.
 */
export const sampleW1 = (theta: number, z: ArrayLike<number>, zPrime: ArrayLike<number>): number => {
  if (z.length !== zPrime.length || z.length === 0) throw new RangeError("sampleW1 needs two non-empty sample sets of one size")
  const a = Float64Array.from(z).sort()
  const b = Float64Array.from(zPrime).sort()
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += Math.sqrt(theta * theta + (a[i]! - b[i]!) ** 2)
  return sum / a.length
}

/** The exact sample W₁ at θ from n fresh uniforms per set (keys fold(key, 0) and fold(key, 1)). */
export const sampleW1At = (theta: number, n: number, key: Key): number =>
  local(() => sampleW1(theta, uniform(fold(key, 0), [n]).toTypedArray(), uniform(fold(key, 1), [n]).toTypedArray()))

export const criticNet = (c: Config) => mlp([2, c.hidden, c.hidden, 1])
export const criticOf = (c: Config) => {
  const D = criticNet(c)
  return (params: unknown) => (x: Tensor) => forward(D, { params: params as unknown[], state: [] }, x)
}

/** "js@0.5", "w@-1": the arm (and checkpoint) name of one estimate. */
export const estimateArm = (kind: "js" | "w", theta: number) => `${kind}@${theta}`

export interface Estimate {
  readonly theta: number
  /** Closed forms. */
  readonly w: number
  readonly js: number
  /** Exact W₁ between two samples of `estimateSamples` points. */
  readonly wSample: number
  /** E_P V − E_Q V on fresh samples, V the trained WGAN-GP critic (no penalty). */
  readonly wCritic: number
  /** (log 4 − L)/2, L the minimax discriminator loss on fresh samples: 2·JS − log 4 = −L at the optimum. */
  readonly jsDiscriminator: number
}

const kinds = (c: Config): ReadonlyArray<{ readonly kind: "js" | "w"; readonly train: Divergence; readonly value: (loss: number) => number }> => [
  { kind: "w", train: wasserstein.pipe(withPenalty(gradientPenalty(c.lambda))), value: (l) => -l },
  { kind: "js", train: minimax, value: (l) => (Math.log(4) - l) / 2 }
]

/** Steps the estimates take in all (for the progress bar and step offsets). */
export const estimateSteps = (c: Config) => c.estimateThetas.length * 2 * c.estimateSteps

/** Trains a critic per θ and divergence; `offset` is the study's step count before these arms. */
export const estimateAll = (c: Config, ctx: StudyContext, key: Key, offset: number) =>
  Effect.gen(function* () {
    const critic = criticOf(c)
    const estimates: Estimate[] = []
    let steps = offset
    for (const [i, theta] of c.estimateThetas.entries()) {
      const values: Record<string, number> = {}
      for (const [j, k] of kinds(c).entries()) {
        const armKey = fold(fold(key, i), j)
        const P = parallelLines(0)
        const Q = parallelLines(theta)
        // The estimate's own loss, without the penalty: W's is E_Q V − E_P V, the GAN's the minimax loss.
        const plain = k.kind === "w" ? wasserstein : minimax
        const game: Game = {
          players: [
            {
              name: "critic",
              optimizer: adam(c.criticLearningRate, { b1: 0.5, b2: 0.9 }),
              loss: (own, s) => k.train.criticLoss!({ real: s.batch, fake: Q.sample(fold(s.key, 1), c.batchSize), critic: critic(own), key: fold(s.key, 2), step: s.step })
            }
          ],
          init: (initKey) => ({ params: { critic: criticNet(c).init(initKey).params }, state: {} })
        }
        const evaluate = (state: TrainState, evalKey: Key) =>
          compute(() =>
            noGrad(() => {
              const n = c.estimateSamples
              const loss = plain.criticLoss!({ real: P.sample(fold(evalKey, 0), n), fake: Q.sample(fold(evalKey, 1), n), critic: critic(state.params.critic) })
              return { estimate: k.value(loss.item()) }
            })
          )
        const final = yield* trainArm(ctx, estimateArm(k.kind, theta), {
          game,
          schedule: alternate({ critic: 1 }).pipe(total("critic", c.estimateSteps)),
          data: samplerSource(P, c.batchSize, fold(armKey, 1)),
          key: armKey,
          stepOffset: steps,
          evaluate: { every: c.estimateSteps, run: evaluate }
        })
        steps += c.estimateSteps
        // The last evaluation is in the history (also of an arm finished before a resume).
        const last = final.history[final.history.length - 1]?.values.estimate
        values[k.kind] = last ?? (yield* evaluate(final, fold(fold(armKey, 2), final.counters.iteration))).estimate
      }
      const exact = parallelLinesDistances(theta)
      estimates.push({
        theta,
        w: exact.wasserstein,
        js: exact.jensenShannon,
        wSample: sampleW1At(theta, c.estimateSamples, fold(fold(key, i), 2)),
        wCritic: values.w!,
        jsDiscriminator: values.js!
      })
    }
    return estimates
  })
