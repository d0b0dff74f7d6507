/** Small games for the training-loop tests. */
import { adam, sgd } from "../../src/optim/index.js"
import { normal } from "../../src/random/index.js"
import * as T from "../../src/tensor/index.js"
import type { BatchSource, Game } from "../../src/train/index.js"

/** Batches are consecutive rows of a pool; the cursor counts batches drawn. */
export const poolSource = (pool: T.Tensor, batchSize: number): BatchSource<number> => {
  const batches = Math.floor(pool.shape[0]! / batchSize)
  return {
    start: 0,
    next: (c) => {
      const at = (c % batches) * batchSize
      return { batch: T.slice(pool, 0, at, at + batchSize), cursor: c + 1 }
    }
  }
}

/** One player fits y = w·x + b by SGD on rows (x, y) of the batch. */
export const regression = (lr: number): Game => ({
  players: [
    {
      name: "model",
      optimizer: sgd(lr),
      loss: (p: { w: T.Tensor; b: T.Tensor }, { batch }) => {
        const x = T.slice(batch, 1, 0, 1), y = T.slice(batch, 1, 1, 2)
        return T.mse(T.add(T.mul(x, p.w), p.b), y)
      }
    }
  ],
  init: () => ({ params: { model: { w: T.zeros([1], { dtype: "float64" }), b: T.zeros([1], { dtype: "float64" }) } }, state: {} })
})

/**
 * A two-player game with noise from the step keys and Adam on both sides: the generator shifts
 * Gaussian noise by g, the critic scores samples linearly with d (a ridge keeps it bounded).
 * `poison` makes the generator's loss NaN at that generator step.
 */
export const shiftGame = (poison?: number): Game => ({
  players: [
    {
      name: "critic",
      optimizer: adam(0.05),
      loss: (d: T.Tensor, { batch, key, params }) => {
        const fake = T.add(normal(key, [4, 2], { dtype: "float64" }), params.generator as T.Tensor)
        const score = (x: T.Tensor) => T.mean(T.matmul(x, d))
        return T.add(T.sub(score(fake), score(batch)), T.mul(T.sum(T.square(d)), 0.1))
      }
    },
    {
      name: "generator",
      optimizer: adam(0.05),
      loss: (g: T.Tensor, { key, params, step }) => {
        const fake = T.add(normal(key, [4, 2], { dtype: "float64" }), g)
        const loss = T.neg(T.mean(T.matmul(fake, params.critic as T.Tensor)))
        return step === poison ? T.mul(loss, NaN) : loss
      }
    }
  ],
  init: (k) => ({ params: { critic: normal(k, [2], { dtype: "float64" }), generator: T.zeros([2], { dtype: "float64" }) }, state: {} })
})
