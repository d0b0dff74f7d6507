/**
 * Mini-batches, epoch after epoch, as an Effect Stream or a plain iterator. Epoch e visits the
 * examples in the order permutation(fold(key, e), N) (or 0..N-1 without shuffling), cut into
 * consecutive batches. Where a run stands is a plain, serialisable `Cursor` {epoch, position};
 * starting from a saved cursor yields exactly the batches an uninterrupted run would.
 *
 * Ownership: a batch is lent. Its tensors are created, when the batch is pulled, in the
 * current owner of the pulling code (the fiber's `CurrentOwner` for the stream), and are freed
 * when the next batch is pulled or the stream/iterator ends. Use a batch within its step; to
 * keep one longer, copy it (e.g. `T.add(x, 0)` inside your scope). Collecting a batch stream
 * (`Stream.runCollect`) therefore yields freed tensors: map them to plain data first.
 */
import { Effect, Schema, Stream } from "effect"
import { InvalidArgument, type TensorError } from "../native/errors.js"
import { fold, permutation, type Key } from "../random/index.js"
import { checkKey } from "../random/key.js"
import type { DeviceId } from "../tensor/device.js"
import { forEachTensor } from "../tensor/local.js"
import { tensor } from "../tensor/ops/creation.js"
import { indexSelect } from "../tensor/ops/indexing.js"
import { slice } from "../tensor/ops/shape.js"
import { compute } from "../tensor/scope.js"
import { Tensor } from "../tensor/tensor.js"

/** Where a run stands: the epoch, and the index (in that epoch's order) of the next batch's first example. */
export const Cursor = Schema.Struct({
  epoch: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  position: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
})
export type Cursor = typeof Cursor.Type

export const firstCursor: Cursor = { epoch: 0, position: 0 }

/** A cursor back from JSON (e.g. a checkpoint), validated. */
export const cursorFromJSON = (u: unknown): Cursor => {
  try {
    return Schema.decodeUnknownSync(Cursor)(typeof u === "string" ? JSON.parse(u) : u)
  } catch (e) {
    throw new InvalidArgument({ message: `not a batch cursor {epoch, position} (non-negative integers): ${JSON.stringify(u)}` })
  }
}

/** Examples addressable by index; rows are along axis 0 of every tensor. */
export interface Dataset<B> {
  readonly size: number
  readonly device: DeviceId
  /** The examples at `indices` (int32 [m] on `device`), as new tensors. */
  readonly take: (indices: Tensor) => B
  /** Examples [start, stop) as views (no copy). */
  readonly slice: (start: number, stop: number) => B
}

/** A dataset over a tensor, or a record/array of tensors with the same number of rows. */
export const tensorDataset = <B>(data: B): Dataset<B> => {
  const ts: Tensor[] = []
  forEachTensor(data, (t) => ts.push(t))
  if (ts.length === 0) throw new InvalidArgument({ message: "tensorDataset: no tensors in the data" })
  const first = ts[0]!
  if (first.ndim === 0) throw new InvalidArgument({ message: "tensorDataset: tensors need a row axis (rank >= 1)" })
  const size = first.shape[0]!
  for (const t of ts) {
    if (t.ndim === 0 || t.shape[0] !== size)
      throw new InvalidArgument({ message: `tensorDataset: every tensor needs ${size} rows, found shape [${t.shape.join(", ")}]` })
    if (t.device.kind !== first.device.kind || t.device.index !== first.device.index)
      throw new InvalidArgument({ message: "tensorDataset: all tensors must live on one device" })
  }
  const mapTree = (f: (t: Tensor) => Tensor): B => {
    const visit = (v: unknown): unknown => {
      if (v instanceof Tensor) return f(v)
      if (Array.isArray(v)) return v.map(visit)
      if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x)]))
      return v
    }
    return visit(data) as B
  }
  return {
    size,
    device: first.device,
    take: (indices) => mapTree((t) => indexSelect(t, 0, indices)),
    slice: (lo, hi) => mapTree((t) => slice(t, 0, lo, hi))
  }
}

export interface BatchOptions {
  readonly batchSize: number
  /** Names the shuffles (required when shuffling); epoch e uses fold(key, e). */
  readonly key?: Key
  /** Default true. Without shuffling, batches are views of the dataset (no copy). */
  readonly shuffle?: boolean
  /** Drop an epoch's last batch when it is smaller than batchSize (default false). */
  readonly dropLast?: boolean
  /** Start here (default {epoch: 0, position: 0}). */
  readonly from?: Cursor
  /** Stop before this epoch (default: never). */
  readonly epochs?: number
}

export interface Batch<B> {
  readonly data: B
  /** The examples' indices in the dataset. */
  readonly indices: Int32Array
  /** Where this batch starts. */
  readonly cursor: Cursor
  /** Where the batch after it starts: save this to resume after this batch. */
  readonly next: Cursor
}

/** The epoch and batch arithmetic of a run, validated once. */
class Plan {
  readonly batchSize: number
  readonly shuffle: boolean
  readonly dropLast: boolean
  readonly key: Key | undefined
  readonly epochs: number
  readonly perEpoch: number
  private orderEpoch = -1
  private orderCache: Int32Array | undefined

  constructor(readonly size: number, options: BatchOptions) {
    if (typeof options !== "object" || options === null) throw new InvalidArgument({ message: "batches: options { batchSize, key, ... } are required" })
    const { batchSize } = options
    if (typeof batchSize !== "number" || !Number.isSafeInteger(batchSize) || batchSize < 1)
      throw new InvalidArgument({ message: `batches: batchSize must be a positive integer, got ${String(batchSize)}` })
    this.batchSize = batchSize
    this.shuffle = options.shuffle ?? true
    this.dropLast = options.dropLast ?? false
    this.key = this.shuffle ? checkKey(options.key, "batches (shuffle: true needs a key)") : undefined
    const epochs = options.epochs ?? Infinity
    if (epochs !== Infinity && (!Number.isSafeInteger(epochs) || epochs < 0))
      throw new InvalidArgument({ message: `batches: epochs must be a non-negative integer, got ${String(epochs)}` })
    this.epochs = epochs
    this.perEpoch = this.dropLast ? Math.floor(size / batchSize) : Math.ceil(size / batchSize)
    if (this.perEpoch === 0 && epochs === Infinity)
      throw new InvalidArgument({ message: `batches: an epoch of ${size} examples has no batch of ${batchSize} (dropLast: ${this.dropLast})` })
  }

  /** The cursor normalised: an epoch's end is the next epoch's start; positions fall on batch boundaries. */
  normalise(c: Cursor): Cursor {
    const ok = typeof c === "object" && c !== null && Number.isSafeInteger(c.epoch) && c.epoch >= 0 && Number.isSafeInteger(c.position) && c.position >= 0
    if (!ok) throw new InvalidArgument({ message: `batches: not a cursor: ${JSON.stringify(c)}` })
    if ((c.position % this.batchSize !== 0 && c.position !== this.size) || c.position > this.size)
      throw new InvalidArgument({ message: `batches: cursor position ${c.position} is not a batch boundary (a multiple of ${this.batchSize}, or ${this.size})` })
    const ended = c.position >= this.size || Math.floor(c.position / this.batchSize) >= this.perEpoch
    return ended ? { epoch: c.epoch + 1, position: 0 } : { epoch: c.epoch, position: c.position }
  }

  /** The visiting order of an epoch (cached for the current epoch). */
  order(epoch: number, device: DeviceId): Int32Array {
    if (this.orderEpoch !== epoch || this.orderCache === undefined) {
      if (this.key === undefined) this.orderCache = Int32Array.from({ length: this.size }, (_, i) => i)
      else {
        const perm = permutation(fold(this.key, epoch), this.size, { device })
        try {
          this.orderCache = perm.toTypedArray() as Int32Array
        } finally {
          perm.dispose()
        }
      }
      this.orderEpoch = epoch
    }
    return this.orderCache
  }

  /** The batch at a (normalised) cursor, or undefined past the last epoch. */
  at<B>(dataset: Dataset<B>, c: Cursor): Batch<B> | undefined {
    if (c.epoch >= this.epochs || this.perEpoch === 0) return undefined
    const stop = Math.min(c.position + this.batchSize, this.size)
    const indices = this.order(c.epoch, dataset.device).slice(c.position, stop)
    let data: B
    if (this.shuffle) {
      const idx = tensor(indices, { dtype: "int32", device: dataset.device })
      try {
        data = dataset.take(idx)
      } finally {
        idx.dispose()
      }
    } else data = dataset.slice(c.position, stop)
    return { data, indices, cursor: c, next: this.normalise({ epoch: c.epoch, position: stop }) }
  }
}

/** The batch arithmetic of `options` over `size` examples (for sources that take batches at cursors). */
export const planBatches = (size: number, options: BatchOptions) => new Plan(size, options)

const disposeBatch = (b: Batch<unknown> | undefined): void => {
  if (b !== undefined) forEachTensor(b.data, (t) => t.dispose())
}

/**
 * A stream of lent batches (see the module comment), from `options.from` on, forever or for
 * `options.epochs` epochs. Bad options fail the stream with InvalidArgument.
 */
export const batches = <B>(dataset: Dataset<B>, options: BatchOptions): Stream.Stream<Batch<B>, TensorError> =>
  Stream.unwrap(
    Effect.try({
      try: () => {
        const plan = new Plan(dataset.size, options)
        return { plan, from: plan.normalise(options.from ?? firstCursor) }
      },
      catch: (e) => (e instanceof InvalidArgument ? e : new InvalidArgument({ message: `batches: ${String(e)}` }))
    }).pipe(
      Effect.map(({ plan, from }) => {
        let lent: Batch<B> | undefined
        const release = Effect.sync(() => {
          disposeBatch(lent)
          lent = undefined
        })
        return Stream.unfold(from, (c) =>
          release.pipe(
            Effect.andThen(compute(() => plan.at(dataset, c))),
            Effect.map((b) => {
              lent = b
              return b === undefined ? undefined : ([b, b.next] as const)
            })
          )
        ).pipe(Stream.ensuring(release))
      })
    )
  )

/** The iterator form, for hot loops: same batches, same lending (the previous batch is freed by `next()`). */
export interface BatchIterator<B> extends IterableIterator<Batch<B>>, Disposable {
  /** Where the next batch starts (save it to resume). */
  readonly cursor: Cursor
}

/** Batches as a synchronous iterator; throws InvalidArgument on bad options. Dispose it (or finish a for-of) to free the last batch. */
export const batchIterator = <B>(dataset: Dataset<B>, options: BatchOptions): BatchIterator<B> => {
  const plan = new Plan(dataset.size, options)
  let cursor = plan.normalise(options.from ?? firstCursor)
  let lent: Batch<B> | undefined
  let done = false
  const finish = (): IteratorResult<Batch<B>> => {
    disposeBatch(lent)
    lent = undefined
    done = true
    return { done: true, value: undefined }
  }
  const it: BatchIterator<B> = {
    get cursor() {
      return cursor
    },
    next: () => {
      disposeBatch(lent)
      lent = undefined
      if (done) return { done: true, value: undefined }
      const b = plan.at(dataset, cursor)
      if (b === undefined) return finish()
      lent = b
      cursor = b.next
      return { done: false, value: b }
    },
    return: () => finish(),
    [Symbol.iterator]: () => it,
    [Symbol.dispose]: () => void finish()
  }
  return it
}
