/**
 * Mean-field fits of a correlated bivariate Gaussian p = N(m, Σ) (Bishop, PRML §10.1.2): a
 * factorised q(x) = N(x1 | μ1, s1²) N(x2 | μ2, s2²) is trained by Adam on Monte Carlo estimates
 * of KL(q‖p) (variational inference) and of KL(p‖q) (the moment matching of expectation
 * propagation), each gradient through keyed, reparameterised samples, and compared with the
 * closed-form optima: KL(q‖p) gives μ = m, s_i² = 1/Λ_ii with Λ = Σ⁻¹ (too narrow), KL(p‖q)
 * gives μ = m, s_i² = Σ_ii (too wide).
 */
import { Effect, Schema } from "effect"
import { ClosedForm } from "../src/divergence/index.js"
import { cholesky, inverseSpd, logDet, type Matrix } from "../src/divergence/matrix.js"
import { adam, Schedules } from "../src/optim/index.js"
import { fold, type Key, normal } from "../src/random/index.js"
import { type Tensor, tensor } from "../src/tensor/index.js"
import { alternate, type BatchSource, type Game, total, type TrainState } from "../src/train/index.js"
import { trainArm } from "../src/study/arm.js"
import type { Study } from "../src/study/study.js"
import { type ArmResult, type Fit, meanfieldReport } from "./meanfield-gaussian/report.js"

const Int = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
const Positive = Schema.Finite.check(Schema.isGreaterThan(0))

const Config = Schema.Struct({
  /** p's mean m. */
  mean: Schema.Tuple([Schema.Finite, Schema.Finite]),
  /** p's marginal standard deviations √Σ11, √Σ22. */
  stds: Schema.Tuple([Positive, Positive]),
  /** p's correlation Σ12 / √(Σ11 Σ22), strictly between −1 and 1. */
  correlation: Schema.Finite.check(Schema.isGreaterThan(-1), Schema.isLessThan(1)),
  /** Adam steps of each fit. */
  steps: Int,
  /** Monte Carlo samples per step. */
  samples: Int,
  /** Adam's learning rate, decayed by a cosine to 1% of it over the run. */
  learningRate: Positive,
  evaluateEvery: Int
})
type Config = typeof Config.Type

const defaults: Config = { mean: [1, -0.5], stds: [1, 0.7], correlation: 0.9, steps: 1500, samples: 256, learningRate: 0.05, evaluateEvery: 25 }

/** The Gaussian p of a configuration, with what the losses and the closed forms need. */
export const target = (c: Pick<Config, "mean" | "stds" | "correlation">) => {
  const [s1, s2] = c.stds
  const cov: Matrix = [[s1 * s1, c.correlation * s1 * s2], [c.correlation * s1 * s2, s2 * s2]]
  const precision = inverseSpd(cov)
  return {
    mean: [...c.mean],
    cov,
    precision,
    chol: cholesky(cov),
    /** KL(q‖p) is smallest at s_i² = 1/Λ_ii; KL(p‖q) at s_i² = Σ_ii; both at μ = m. */
    reverseVariances: [1 / precision[0]![0]!, 1 / precision[1]![1]!],
    forwardVariances: [cov[0]![0]!, cov[1]![1]!],
    /** The entropy of p: log(2πe) + ½ log det Σ. */
    entropy: Math.log(2 * Math.PI * Math.E) + 0.5 * logDet(cov)
  }
}
export type Target = ReturnType<typeof target>

interface QParams {
  readonly mean: Tensor
  readonly logStd: Tensor
}

const LOG_2PI = Math.log(2 * Math.PI)

/** log p(x) for x [n, 2]: −½ (x − m)ᵀ Λ (x − m) − log 2π − ½ log det Σ. */
const logP = (p: Target, x: Tensor): Tensor => {
  const d = x.sub(tensor(p.mean))
  return d.matmul(tensor(p.precision)).mul(d).sum(1).mul(-0.5).sub(LOG_2PI + 0.5 * logDet(p.cov))
}

/** log q(x) for x [n, 2]: Σ_i [−½ ((x_i − μ_i)/s_i)² − log s_i] − log 2π. */
const logQ = (q: QParams, x: Tensor): Tensor =>
  x.sub(q.mean).div(q.logStd.exp()).square().mul(-0.5).sub(q.logStd).sum(1).sub(LOG_2PI)

export const directions = ["reverse", "forward"] as const
export type Direction = (typeof directions)[number]

/**
 * KL(q‖p) = −H(q) − E_q[log p]: H(q) = log(2πe) + Σ log s_i exactly, E_q[log p] by Monte Carlo
 * over x = μ + s ε. KL(p‖q) = −H(p) − E_p[log q]: E_p[log q] by Monte Carlo over x = m + L ε
 * (L Lᵀ = Σ), the step's batch.
 */
const klEstimate = (direction: Direction, p: Target, q: QParams, key: Key, batch: Tensor, samples: number): Tensor => {
  if (direction === "forward") return logQ(q, batch).mean().neg().sub(p.entropy)
  const x = normal(key, [samples, 2]).mul(q.logStd.exp()).add(q.mean)
  return logP(p, x).mean().neg().sub(q.logStd.sum()).sub(Math.log(2 * Math.PI * Math.E))
}

/** Samples of p as batches (KL(q‖p) reads p only through log p and ignores them). */
const pSamples = (p: Target, samples: number, key: Key): BatchSource<number> => ({
  start: 0,
  next: (n) => ({ batch: normal(fold(key, n), [samples, 2]).matmul(tensor(p.chol).transpose(0, 1)).add(tensor(p.mean)), cursor: n + 1 })
})

const game = (c: Config, p: Target, direction: Direction): Game => ({
  players: [
    {
      name: "q",
      optimizer: adam(Schedules.cosineDecay(c.learningRate, c.steps, 0.01)),
      loss: (own: QParams, ctx) => klEstimate(direction, p, own, fold(ctx.key, 1), ctx.batch, c.samples)
    }
  ],
  init: () => ({ params: { q: { mean: tensor([0, 0]), logStd: tensor([0, 0]) } }, state: {} })
})

/** q's parameters and both KLs in closed form (float64). */
const readFit = (p: Target, state: TrainState): Fit => {
  const q = state.params.q as QParams
  const mean = Array.from(q.mean.toTypedArray(), Number)
  const variances = Array.from(q.logStd.toTypedArray(), (l) => Math.exp(2 * Number(l)))
  const cov = [[variances[0]!, 0], [0, variances[1]!]]
  return {
    mean,
    variances,
    reverseKl: ClosedForm.gaussianKlMultivariate(mean, cov, p.mean, p.cov),
    forwardKl: ClosedForm.gaussianKlMultivariate(p.mean, p.cov, mean, cov)
  }
}

export const meanfieldGaussian: Study<Config> = {
  name: "meanfield-gaussian",
  title: "Mean-field fits of a correlated Gaussian: KL(q‖p) against KL(p‖q)",
  description:
    "A factorised Gaussian q(x1)q(x2) is fitted to a correlated bivariate Gaussian p = N(m, Σ) twice, by Adam on Monte Carlo estimates of KL(q‖p) (variational inference) and of KL(p‖q) (expectation propagation's moment matching), with reparameterised samples from keys. Bishop (PRML §10.1.2) gives both optima in closed form: the means are m either way; KL(q‖p) gives the variances 1/Λ_ii (Λ = Σ⁻¹), narrower than p's marginals, and KL(p‖q) gives Σ_ii, the marginals themselves.",
  config: Config,
  defaults,
  totalSteps: (c) => directions.length * c.steps,
  withSteps: (c, steps) => ({ ...c, steps, evaluateEvery: Math.max(1, Math.min(c.evaluateEvery, Math.floor(steps / 4))) }),
  run: (c, ctx) =>
    Effect.gen(function* () {
      const p = target(c)
      const results: ArmResult[] = []
      for (const [i, direction] of directions.entries()) {
        const armKey = fold(ctx.key, i)
        const trajectory: Array<{ step: number; fit: Fit }> = []
        const evaluate = (state: TrainState, _key: Key) =>
          Effect.sync(() => {
            const fit = readFit(p, state)
            trajectory.push({ step: state.counters.steps.q ?? 0, fit })
            return { reverseKl: fit.reverseKl, forwardKl: fit.forwardKl }
          })
        yield* trainArm(ctx, direction, {
          game: game(c, p, direction),
          schedule: alternate({ q: 1 }).pipe(total("q", c.steps)),
          data: pSamples(p, c.samples, fold(armKey, 1)),
          key: armKey,
          stepOffset: i * c.steps,
          evaluate: { every: c.evaluateEvery, run: evaluate }
        })
        results.push({ direction, trajectory })
      }
      return yield* meanfieldReport(ctx, p, results)
    })
}
