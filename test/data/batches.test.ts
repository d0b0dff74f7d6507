/**
 * Batches: each epoch is the permutation fold(key, epoch) names, cut into batches; a run
 * resumed from a saved cursor sees exactly the batches of an uninterrupted run; batches are
 * lent (freed at the next pull) so nothing leaks; bad options fail with InvalidArgument.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as D from "../../src/data/index.js"
import { fold, key, permutation } from "../../src/random/index.js"
import * as T from "../../src/tensor/index.js"
import { failureTag } from "../random/reference.js"

const N = 103
/** x[i] = [i, 1000 + i], y[i] = i: a batch's rows say which examples they are. */
const makeData = () => ({ x: T.stack([T.arange(N, undefined, 1, { dtype: "float64" }), T.arange(1000, 1000 + N, 1, { dtype: "float64" })], 1), y: T.arange(N, undefined, 1, { dtype: "int32" }) })
type Data = ReturnType<typeof makeData>

interface Seen {
  readonly cursor: D.Cursor
  readonly next: D.Cursor
  readonly indices: number[]
  readonly x: number[]
  readonly y: number[]
}
const seen = (b: D.Batch<Data>): Seen => ({
  cursor: b.cursor,
  next: b.next,
  indices: Array.from(b.indices),
  x: Array.from(b.data.x.toTypedArray()),
  y: Array.from(b.data.y.toTypedArray())
})

/** The first `count` batches of a stream, as plain data, in a scope. */
const collect = (options: D.BatchOptions, count: number) =>
  T.scoped(
    Effect.gen(function* () {
      const ds = D.tensorDataset(yield* T.compute(makeData))
      return yield* D.batches(ds, options).pipe(Stream.take(count), Stream.map(seen), Stream.runCollect)
    })
  )

const options = { batchSize: 10, key: key(42) }

describe("batches", () => {
  it.effect("each epoch visits permutation(fold(key, epoch), N) in consecutive batches", () =>
    Effect.gen(function* () {
      const bs = yield* collect(options, 33)
      const perm = (e: number) => T.local(() => Array.from(permutation(fold(key(42), e), N).toTypedArray()))
      for (const e of [0, 1, 2]) {
        const epoch = bs.filter((b) => b.cursor.epoch === e)
        expect(epoch.length).toBe(11)
        expect(epoch.map((b) => b.cursor.position)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
        const order = epoch.flatMap((b) => b.indices)
        expect(order).toEqual(perm(e))
        expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i))
      }
      expect(perm(0)).not.toEqual(perm(1))
      for (const b of bs) {
        expect(b.y).toEqual(b.indices)
        expect(b.x).toEqual(b.indices.flatMap((i) => [i, 1000 + i]))
      }
      expect(bs[10]!.indices.length).toBe(3)
      expect(bs[10]!.next).toEqual({ epoch: 1, position: 0 })
    }))

  it.effect("dropLast drops each epoch's short tail; epochs ends the stream", () =>
    Effect.gen(function* () {
      const bs = yield* collect({ ...options, dropLast: true, epochs: 2 }, 1000)
      expect(bs.length).toBe(20)
      expect(bs.every((b) => b.indices.length === 10)).toBe(true)
      expect(bs[9]!.next).toEqual({ epoch: 1, position: 0 })
      const order = T.local(() => Array.from(permutation(fold(key(42), 1), N).toTypedArray()))
      expect(bs.slice(10).flatMap((b) => b.indices)).toEqual(order.slice(0, 100))
    }))

  it.effect("resuming from a saved cursor (JSON round trip) gives the batches an uninterrupted run gives", () =>
    Effect.gen(function* () {
      const whole = yield* collect(options, 40)
      for (const stop of [4, 10, 11, 17, 25]) {
        const saved = JSON.stringify(whole[stop - 1]!.next)
        const resumed = yield* collect({ ...options, from: D.cursorFromJSON(saved) }, 40 - stop)
        expect(resumed).toEqual(whole.slice(stop))
      }
    }))

  it.effect("the iterator yields the same batches and resumes the same way", () =>
    Effect.gen(function* () {
      const fromStream = yield* collect(options, 30)
      const fromIterator = T.local(() => {
        const ds = D.tensorDataset(makeData())
        const out: Seen[] = []
        const first = D.batchIterator(ds, options)
        for (let i = 0; i < 12; i++) out.push(seen(first.next().value as D.Batch<Data>))
        const cursor = first.cursor
        first[Symbol.dispose]()
        for (const b of D.batchIterator(ds, { ...options, from: cursor })) {
          out.push(seen(b))
          if (out.length === 30) break
        }
        return out
      })
      expect(fromIterator).toEqual(fromStream)
    }))

  it.effect("without shuffling, batches are the rows in order (views; no key needed)", () =>
    Effect.gen(function* () {
      const bs = yield* collect({ batchSize: 25, shuffle: false }, 6)
      expect(bs.map((b) => b.indices[0])).toEqual([0, 25, 50, 75, 100, 0])
      expect(bs[4]!.y).toEqual([100, 101, 102])
      expect(bs[5]!.cursor).toEqual({ epoch: 1, position: 0 })
    }))

  it.effect("a batch is lent: freed when the next is pulled and when the stream ends; nothing leaks", () =>
    Effect.gen(function* () {
      const before = T.liveCount()
      const counts: number[] = []
      const kept: T.Tensor[] = []
      yield* T.scoped(
        Effect.gen(function* () {
          const ds = D.tensorDataset(yield* T.compute(makeData))
          yield* D.batches(ds, options).pipe(
            Stream.take(50),
            Stream.runForEach((b) =>
              T.scoped(
                T.compute(() => {
                  T.sum(T.mul(b.data.x, 2)).item() // a step's temporaries
                  kept.push(b.data.x)
                  counts.push(T.liveCount())
                })
              )
            )
          )
        })
      )
      expect(new Set(counts).size).toBe(1) // flat while consuming
      expect(kept.every((t) => t.isDisposed)).toBe(true)
      expect(T.liveCount()).toBe(before)
      const usedAfter = yield* failureTag(() => T.sum(kept[0]!))
      expect(usedAfter).toBe("UseAfterDispose")
    }))

  it.effect("the iterator frees the previous batch at next() and the last one on dispose", () =>
    Effect.sync(() => {
      const before = T.liveCount()
      T.local(() => {
        const ds = D.tensorDataset(makeData())
        const inner = T.liveCount()
        const it = D.batchIterator(ds, options)
        const first = it.next().value as D.Batch<Data>
        it.next()
        expect(first.data.x.isDisposed).toBe(true)
        for (let i = 0; i < 30; i++) it.next()
        expect(T.liveCount()).toBe(inner + 2) // one batch: x and y
        it[Symbol.dispose]()
        expect(T.liveCount()).toBe(inner)
        expect(it.next().done).toBe(true)
      })
      expect(T.liveCount()).toBe(before)
    }))

  it.effect("bad options and cursors are InvalidArgument errors", () =>
    Effect.gen(function* () {
      const bad: D.BatchOptions[] = [
        { batchSize: 0, key: key(1) },
        { batchSize: 2.5, key: key(1) },
        { batchSize: 10 },
        { batchSize: 10, key: key(1), from: { epoch: 0, position: 5 } },
        { batchSize: 10, key: key(1), from: { epoch: -1, position: 0 } },
        { batchSize: 10, key: key(1), epochs: -2 },
        { batchSize: 200, key: key(1), dropLast: true }
      ]
      for (const o of bad) {
        const e = yield* collect(o, 1).pipe(Effect.flip)
        expect(e._tag, JSON.stringify(o)).toBe("InvalidArgument")
        expect(yield* failureTag(() => D.batchIterator(D.tensorDataset(makeData()), o))).toBe("InvalidArgument")
      }
      expect(yield* failureTag(() => D.tensorDataset({ x: T.zeros([3, 2]), y: T.zeros([4]) }))).toBe("InvalidArgument")
      expect(yield* failureTag(() => D.tensorDataset({}))).toBe("InvalidArgument")
      expect(yield* failureTag(() => D.cursorFromJSON('{"epoch": 1}'))).toBe("InvalidArgument")
      expect(yield* failureTag(() => D.cursorFromJSON({ epoch: 1, position: 0.5 }))).toBe("InvalidArgument")
      expect(D.cursorFromJSON('{"epoch":2,"position":30}')).toEqual({ epoch: 2, position: 30 })
    }))
})
