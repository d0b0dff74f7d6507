/** The training loop: semantics against a hand-run optimiser, memory, resume, failure, interruption. */
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { key } from "../../src/random/index.js"
import * as T from "../../src/tensor/index.js"
import { alternate, checkpointBody, load, NonFiniteLoss, single, total, train, type TrainState } from "../../src/train/index.js"
import { poolSource, regression, shiftGame } from "./games.js"

const pool = () => T.tensor(Array.from({ length: 12 }, (_, i) => [i / 6 - 1, 3 * (i / 6 - 1) + 1 + ((i * 7) % 5) / 50]), { dtype: "float64" })
const realPool = () => T.tensor(Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(3 * i) + 2]), { dtype: "float64" })
const arrays = (s: TrainState) => T.Tree.leaves([s.params, s.optState]).map((t) => Array.from(t.toTypedArray() as Float64Array))
const tempDir = () => mkdtempSync(join(tmpdir(), "diverge-train-"))
const meta = { study: "loop-test", configHash: "abc" }

describe("training loop", () => {
  it.effect("runs SGD steps over batches in cursor order, as a hand-written loop does", () =>
    Effect.gen(function* () {
      const data = yield* T.compute(() => pool())
      const rows = data.toArray() as number[][]
      const s = yield* train({ game: regression(0.1), schedule: single().pipe(total("model", 7)), data: poolSource(data, 4), key: key(1) })
      // Hand-run: mse over the batch, gradients 2·mean(r·x) and 2·mean(r).
      let w = 0, b = 0
      for (let step = 0; step < 7; step++) {
        const batch = rows.slice((step % 3) * 4, (step % 3) * 4 + 4)
        const r = batch.map(([x, y]) => w * x! + b - y!)
        const gw = (2 * r.reduce((a, ri, i) => a + ri * batch[i]![0]!, 0)) / 4, gb = (2 * r.reduce((a, ri) => a + ri, 0)) / 4
        w -= 0.1 * gw
        b -= 0.1 * gb
      }
      const p = s.params.model as { w: T.Tensor; b: T.Tensor }
      expect(p.w.item()).toBeCloseTo(w, 13)
      expect(p.b.item()).toBeCloseTo(b, 13)
      expect(s.counters).toEqual({ iteration: 7, steps: { model: 7 }, total: 7 })
      expect(s.cursor).toBe(7)
    }).pipe(T.scoped, Effect.provide(NodeFileSystem.layer)))

  it.effect("follows the schedule and frees every temporary", () =>
    Effect.gen(function* () {
      const before = T.liveCount()
      const steps = yield* T.scoped(
        Effect.gen(function* () {
          const data = yield* T.compute(() => realPool())
          const s = yield* train({ game: shiftGame(), schedule: alternate({ critic: 2, generator: 1 }).pipe(total("generator", 3)), data: poolSource(data, 4), key: key(2) })
          return s.counters
        })
      )
      expect(steps).toEqual({ iteration: 3, steps: { critic: 6, generator: 3 }, total: 9 })
      expect(T.liveCount()).toBe(before)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it("a schedule naming a player the game lacks is refused with the players listed", () => {
    const data = T.zeros([8, 2])
    expect(() => train({ game: regression(0.1), schedule: alternate({ critic: 1, model: 1 }), data: poolSource(data, 4), key: key(0) }))
      .toThrow(expect.objectContaining({ _tag: "InvalidArgument", message: expect.stringContaining('"critic", which the game lacks (players: model)') }))
    data.dispose()
  })

  it.effect("a run resumed from a checkpoint ends with the same parameters, bit for bit", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const schedule = (n: number) => alternate({ critic: 2, generator: 1 }).pipe(total("generator", n))
      const data = yield* T.compute(() => realPool())
      const source = poolSource(data, 4)
      const straight = yield* train({ game: shiftGame(), schedule: schedule(8), data: source, key: key(3) })
      const path = join(dir, "run.ckpt")
      yield* train({ game: shiftGame(), schedule: schedule(3), data: source, key: key(3), checkpoint: { path, every: 1, meta } })
      const loaded = (yield* load(path, meta)) as ReturnType<typeof checkpointBody>
      expect(loaded.counters.steps).toEqual({ critic: 6, generator: 3 })
      expect(loaded.key.k0).toBe(key(3).k0)
      const { key: _k, ...resumeState } = loaded
      const resumed = yield* train({ game: shiftGame(), schedule: schedule(8), data: source, key: key(3), resume: resumeState as TrainState<number> })
      expect(arrays(resumed)).toEqual(arrays(straight))
      expect(resumed.cursor).toBe(straight.cursor)
    }).pipe(T.scoped, Effect.provide(NodeFileSystem.layer)))

  it.effect("a non-finite loss fails the run naming player and step, and keeps the last good checkpoint", () =>
    Effect.gen(function* () {
      const path = join(tempDir(), "run.ckpt")
      const data = yield* T.compute(() => realPool())
      const exit = yield* Effect.exit(
        train({ game: shiftGame(2), schedule: alternate({ critic: 1, generator: 1 }).pipe(total("generator", 10)), data: poolSource(data, 4), key: key(4), checkpoint: { path, every: 1, meta } })
      )
      expect(Exit.isFailure(exit)).toBe(true)
      const error = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
      const failure = (error as { error?: unknown })?.error
      expect(failure).toBeInstanceOf(NonFiniteLoss)
      expect(failure).toMatchObject({ player: "generator", step: 2 })
      const kept = (yield* load(path, meta)) as TrainState
      expect(kept.counters.steps).toEqual({ critic: 2, generator: 2 })
    }).pipe(T.scoped, Effect.provide(NodeFileSystem.layer)))

  it.live("interruption writes a checkpoint of the last completed step and frees all memory", () =>
    Effect.gen(function* () {
      const path = join(tempDir(), "run.ckpt")
      const before = T.liveCount()
      const fiber = yield* Effect.forkChild(
        T.scoped(
          Effect.gen(function* () {
            const data = yield* T.compute(() => realPool())
            return yield* train({
              game: shiftGame(),
              schedule: alternate({ critic: 2, generator: 1 }),
              data: poolSource(data, 4),
              key: key(5),
              checkpoint: { path, every: 0, meta },
              onMetrics: () => Effect.yieldNow
            })
          })
        )
      )
      yield* Effect.sleep("200 millis")
      yield* Fiber.interrupt(fiber)
      expect(T.liveCount()).toBe(before)
      const steps = yield* T.scoped(Effect.map(load(path, meta), (s) => (s as TrainState).counters.total))
      expect(steps).toBeGreaterThan(0)
      expect(T.liveCount()).toBe(before)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.live("a run interrupted inside an iteration resumes that iteration where it stopped", () =>
    Effect.gen(function* () {
      const schedule = alternate({ critic: 5, generator: 1 }).pipe(total("generator", 30))
      const run = (extra: object) =>
        T.scoped(
          Effect.gen(function* () {
            const data = yield* T.compute(() => realPool())
            const s = yield* train({ game: shiftGame(), schedule, data: poolSource(data, 4), key: key(6), ...extra })
            return arrays(s)
          })
        )
      const straight = yield* run({})
      const path = join(tempDir(), "run.ckpt")
      const fiber = yield* Effect.forkChild(run({ checkpoint: { path, every: 0, meta }, onMetrics: () => Effect.sleep("2 millis") }))
      yield* Effect.sleep("150 millis")
      yield* Fiber.interrupt(fiber)
      const resumed = yield* T.scoped(
        Effect.gen(function* () {
          const loaded = (yield* load(path, meta)) as ReturnType<typeof checkpointBody>
          const { key: _k, ...state } = loaded
          expect(state.counters.total).toBeGreaterThan(0)
          const data = yield* T.compute(() => realPool())
          return arrays(yield* train({ game: shiftGame(), schedule, data: poolSource(data, 4), key: key(6), resume: state as TrainState<number> }))
        })
      )
      expect(resumed).toEqual(straight)
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})
