/** wgan-lines' configuration. */
import { Schema } from "effect"

const Int = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
const Positive = Schema.Finite.check(Schema.isGreaterThan(0))
const Theta = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(-1), Schema.isLessThanOrEqualTo(1))

export const Config = Schema.Struct({
  /** Points of the closed-form curves on [−1, 1] (odd, so that θ = 0 is one of them). */
  curvePoints: Int.check(Schema.isGreaterThanOrEqualTo(3)),
  /** Where the divergences are estimated (distinct: each names its arms and checkpoints). */
  estimateThetas: Schema.Array(Theta).check(Schema.isMinLength(1), Schema.isUnique()),
  /** Critic steps of each estimate. */
  estimateSteps: Int,
  /** Fresh samples per set when an estimate is evaluated (and for the exact sample W₁). */
  estimateSamples: Int,
  batchSize: Int,
  /** Width of the critics' two hidden layers. */
  hidden: Int,
  criticLearningRate: Positive,
  /** WGAN-GP's penalty weight (Gulrajani et al.: 10; it keeps the critic near 1-Lipschitz). */
  lambda: Positive,
  /** The one-parameter generator's start. */
  theta0: Theta,
  /** Generator steps of each arm of part 2. */
  generatorSteps: Int,
  /** Critic steps per generator step in part 2. */
  criticSteps: Int,
  /** Plain gradient descent on θ, so that θ moves by the gradient's size (Adam would rescale it). */
  generatorLearningRate: Positive,
  /** Evaluate θ and its gradient every this many generator steps. */
  evaluateEvery: Int
})
export type Config = typeof Config.Type

export const defaults: Config = {
  curvePoints: 201,
  estimateThetas: [-1, -0.5, -0.2, 0, 0.2, 0.5, 1],
  estimateSteps: 500,
  estimateSamples: 4096,
  batchSize: 256,
  hidden: 64,
  criticLearningRate: 1e-3,
  lambda: 10,
  theta0: 1,
  generatorSteps: 200,
  criticSteps: 5,
  generatorLearningRate: 0.02,
  evaluateEvery: 5
}
