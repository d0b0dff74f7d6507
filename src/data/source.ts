/**
 * Batch sources for the training loop (src/train's BatchSource: `next(cursor)` gives the batch
 * at a cursor and the cursor after it). A source's batch is a new tensor in the caller's owner
 * (the training step's scope frees it), and the cursor is plain data for checkpoints.
 */
import type { Key } from "../random/index.js"
import { fold } from "../random/index.js"
import type { Tensor } from "../tensor/tensor.js"
import { type BatchOptions, type Cursor, type Dataset, firstCursor, planBatches } from "./batches.js"
import type { Distribution, SampleOptions } from "./distribution.js"

export interface Source<C, B> {
  readonly start: C
  readonly next: (cursor: C) => { readonly batch: B; readonly cursor: C }
}

/** Epochs of shuffled (or ordered) batches of a dataset; the cursor is {epoch, position}. */
export const datasetSource = <B>(dataset: Dataset<B>, options: Omit<BatchOptions, "from" | "epochs">): Source<Cursor, B> => {
  const plan = planBatches(dataset.size, options)
  return {
    start: firstCursor,
    next: (cursor) => {
      const b = plan.at(dataset, plan.normalise(cursor))!
      return { batch: b.data, cursor: b.next }
    }
  }
}

/** Fresh samples of a distribution, batch n drawn with fold(key, n): an endless data stream. */
export const samplerSource = (distribution: Distribution, batchSize: number, key: Key, options: SampleOptions = {}): Source<number, Tensor> => ({
  start: 0,
  next: (n) => ({ batch: distribution.sample(fold(key, n), batchSize, options), cursor: n + 1 })
})
