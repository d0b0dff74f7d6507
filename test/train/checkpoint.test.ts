/** Checkpoints round-trip exactly and refuse damaged or foreign files with typed errors. */
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { key, keyFromJSON } from "../../src/random/index.js"
import * as T from "../../src/tensor/index.js"
import { CheckpointCorrupt, CheckpointIOError, CheckpointMismatch, checkShapes, decode, encode, load, save } from "../../src/train/index.js"

const meta = { study: "ckpt-test", configHash: "h1" }
const failure = <A, E>(exit: Exit.Exit<A, E>) => (Exit.isFailure(exit) ? (exit.cause.reasons[0] as { error?: unknown }).error : undefined)

const body = () => ({
  params: { w: T.tensor([[1.5, -2], [3, 4e-8]]), b: T.tensor([1 / 3, Math.PI], { dtype: "float64" }) },
  mask: T.tensor([1, 0, 1], { dtype: "bool" }),
  idx: T.tensor([7, -3], { dtype: "int32" }),
  count: 12,
  name: "run",
  nested: [{ x: T.scalar(2.5) }, null],
  key: key(42)
})

describe("checkpoints", () => {
  it.effect("round-trip every dtype, nested trees, numbers and keys exactly", () =>
    Effect.gen(function* () {
      const original = yield* T.compute(body)
      const back = (yield* decode("mem", encode(meta, original), meta)) as ReturnType<typeof body>
      const pairs: Array<[T.Tensor, T.Tensor]> = [[back.params.w, original.params.w], [back.params.b, original.params.b], [back.mask, original.mask], [back.idx, original.idx], [(back.nested[0] as { x: T.Tensor }).x, (original.nested[0] as { x: T.Tensor }).x]]
      for (const [a, b] of pairs) {
        expect(a.dtype).toBe(b.dtype)
        expect(a.shape).toEqual(b.shape)
        expect(Array.from(a.toTypedArray() as ArrayLike<number>)).toEqual(Array.from(b.toTypedArray() as ArrayLike<number>))
      }
      expect(back.count).toBe(12)
      expect(back.name).toBe("run")
      expect(back.nested[1]).toBeNull()
      expect(keyFromJSON(back.key)).toEqual(key(42))
    }).pipe(T.scoped))

  it.effect("refuses damaged files: bad magic, truncation, a flipped byte", () =>
    Effect.gen(function* () {
      const bytes = encode(meta, yield* T.compute(body))
      const flipped = bytes.slice()
      flipped[bytes.length - 100]! ^= 1
      const header = bytes.slice()
      header[20]! ^= 0x20
      for (const bad of [new TextEncoder().encode("not a checkpoint at all, just text..................................."), bytes.slice(0, bytes.length - 7), flipped, header]) {
        const exit = yield* Effect.exit(decode("x", bad, meta))
        expect(failure(exit)).toBeInstanceOf(CheckpointCorrupt)
      }
    }).pipe(T.scoped))

  it.effect("refuses checkpoints of another study, configuration or shapes", () =>
    Effect.gen(function* () {
      const original = yield* T.compute(body)
      const bytes = encode(meta, original)
      const other = failure(yield* Effect.exit(decode("x", bytes, { study: "other", configHash: "h1" })))
      expect(other).toBeInstanceOf(CheckpointMismatch)
      expect((other as CheckpointMismatch).message).toContain('study "ckpt-test"')
      expect(failure(yield* Effect.exit(decode("x", bytes, { study: "ckpt-test", configHash: "h2" })))).toBeInstanceOf(CheckpointMismatch)
      const template = yield* T.compute(() => ({ params: { w: T.zeros([3, 2]), b: T.zeros([2], { dtype: "float64" }) } }))
      const shapes = failure(yield* Effect.exit(checkShapes("x", { params: original.params }, template)))
      expect(shapes).toBeInstanceOf(CheckpointMismatch)
      expect((shapes as CheckpointMismatch).message).toContain("state.params.w: float32[2, 2] in the checkpoint, float32[3, 2] expected")
      yield* checkShapes("x", { params: original.params }, { params: original.params })
    }).pipe(T.scoped))

  it.effect("writes atomically: a failed write leaves the previous checkpoint intact", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "diverge-ckpt-"))
      const path = join(dir, "run.ckpt")
      const first = yield* T.compute(body)
      yield* save(path, meta, first)
      const before = readFileSync(path)
      // The temporary file cannot be created (a directory stands in its way): the save fails...
      mkdirSync(`${path}.tmp-${process.pid}`)
      const exit = yield* Effect.exit(save(path, meta, { count: 99 }))
      expect(failure(exit)).toBeInstanceOf(CheckpointIOError)
      // ...and the old checkpoint is untouched and still loads.
      expect(readFileSync(path).equals(before)).toBe(true)
      const loaded = (yield* load(path, meta)) as ReturnType<typeof body>
      expect(loaded.count).toBe(12)
      writeFileSync(join(dir, "junk.ckpt"), "junk")
      expect(failure(yield* Effect.exit(load(join(dir, "junk.ckpt"), meta)))).toBeInstanceOf(CheckpointCorrupt)
      expect(failure(yield* Effect.exit(load(join(dir, "missing.ckpt"), meta)))).toBeInstanceOf(CheckpointIOError)
    }).pipe(T.scoped, Effect.provide(NodeFileSystem.layer)))
})
