/**
 * Scoped ownership: Tensor.liveCount() returns to its baseline whenever a scope ends, by
 * success, failure or interruption; returned tensors move to the parent scope; local frees
 * temporaries; dispose is idempotent; a disposed tensor is a typed UseAfterDispose both in
 * TypeScript and when its stale handle reaches the addon; concurrent scopes stay apart.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber } from "effect"
import { native, opId } from "../../src/native/addon.js"
import * as T from "../../src/tensor/index.js"
import { Tensor } from "../../src/tensor/tensor.js"

const live = () => T.liveCount()

describe("Tensor.scoped", () => {
  it.effect("frees everything created inside when it succeeds, except what it returns", () =>
    Effect.gen(function* () {
      const base = live()
      const v = yield* T.scoped(
        Effect.gen(function* () {
          const x = yield* T.compute(() => T.ones([3]))
          yield* T.compute(() => T.mul(T.add(x, 1), 2))
          expect(live()).toBeGreaterThan(base + 2)
          return yield* T.compute(() => T.sum(T.mul(x, 3)).item())
        })
      )
      expect(v).toBe(9)
      expect(live()).toBe(base)
    }))

  it.effect("returned tensors, also nested in arrays and records, escape to the parent and die with it", () =>
    Effect.gen(function* () {
      const base = live()
      let escaped: T.Tensor[] = []
      yield* T.scoped(
        Effect.gen(function* () {
          const inner = yield* T.scoped(
            T.compute(() => {
              T.zeros([10]) // a temporary
              return { a: T.ones([2]), list: [T.full([2], 3), { deep: T.arange(4) }], n: 5, text: "kept" }
            })
          )
          escaped = [inner.a, inner.list[0] as T.Tensor, (inner.list[1] as { deep: T.Tensor }).deep]
          expect(live()).toBe(base + 3)
          expect(escaped.every((t) => !t.isDisposed)).toBe(true)
          expect(inner.n).toBe(5)
          expect(yield* T.compute(() => T.sum(T.add(inner.a, inner.list[0] as T.Tensor)).item())).toBe(8)
        })
      )
      expect(escaped.every((t) => t.isDisposed)).toBe(true)
      expect(live()).toBe(base)
    }))

  it.effect("nested scopes free in order; a tensor of the outer scope survives the inner one", () =>
    Effect.gen(function* () {
      const base = live()
      yield* T.scoped(
        Effect.gen(function* () {
          const outer = yield* T.compute(() => T.ones([4]))
          for (let i = 0; i < 3; i++) {
            const total = yield* T.scoped(T.compute(() => T.sum(T.add(outer, i)).item()))
            expect(total).toBe(4 * (1 + i))
            expect(live()).toBe(base + 1)
          }
          const deeper = yield* T.scoped(T.scoped(T.compute(() => [T.ones([1]), T.ones([1])])))
          expect(live()).toBe(base + 3)
          expect(outer.isDisposed || deeper.some((t) => t.isDisposed)).toBe(false)
        })
      )
      expect(live()).toBe(base)
    }))

  it.effect("a tensor of an enclosing scope, returned by local or by an inner scope, stays with its owner", () =>
    Effect.gen(function* () {
      const base = live()
      yield* T.scoped(
        Effect.gen(function* () {
          const p = yield* T.compute(() => T.ones([2]))
          // a composite that may return its input unchanged, called in a shorter scope
          const maybeScale = (x: T.Tensor, k: number) => T.local(() => (k === 1 ? x : T.mul(x, k)))
          yield* T.scoped(Effect.gen(function* () {
            yield* T.compute(() => maybeScale(p, 1))
            return "done"
          }))
          expect(p.isDisposed).toBe(false)
          const same = yield* T.scoped(Effect.succeed({ p, n: 1 }))
          expect(same.p.isDisposed).toBe(false)
          yield* T.scoped(Effect.succeed(p)).pipe(Effect.andThen(T.scoped(Effect.void)))
          expect(yield* T.compute(() => T.sum(p).item())).toBe(2)
        })
      )
      expect(live()).toBe(base)
    }))

  it.effect("frees everything when the effect fails with Effect.fail", () =>
    Effect.gen(function* () {
      const base = live()
      const exit = yield* Effect.exit(
        T.scoped(
          Effect.gen(function* () {
            yield* T.compute(() => [T.ones([5]), T.zeros([5])])
            return yield* Effect.fail("stop" as const)
          })
        )
      )
      expect(Exit.isFailure(exit)).toBe(true)
      expect(live()).toBe(base)
    }))

  it.effect("a tensor error thrown in compute fails the effect with its tag, and the scope frees all", () =>
    Effect.gen(function* () {
      const base = live()
      const error = yield* Effect.flip(
        T.scoped(T.compute(() => {
          const a = T.ones([2, 3])
          return T.add(a, T.ones([4]))
        }))
      )
      expect(error._tag).toBe("ShapeMismatch")
      expect(error.message).toContain("add")
      expect(live()).toBe(base)
      // a non-tensor throw is a defect, and still frees
      const exit = yield* Effect.exit(T.scoped(T.compute(() => {
        T.ones([3])
        throw new RangeError("not a tensor error")
      })))
      expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(true)
      expect(live()).toBe(base)
    }))

  it.live("frees everything when its fiber is interrupted between compute blocks", () =>
    Effect.gen(function* () {
      const base = live()
      let steps = 0
      const fiber = yield* Effect.forkChild(
        T.scoped(
          Effect.gen(function* () {
            for (;;) {
              yield* T.compute(() => T.exp(T.ones([8])))
              steps++
              yield* steps % 2 ? Effect.sleep("1 millis") : Effect.yieldNow
            }
          })
        )
      )
      while (steps < 20) yield* Effect.sleep("1 millis")
      expect(live()).toBeGreaterThan(base + 20)
      yield* Fiber.interrupt(fiber)
      expect(live()).toBe(base)
    }))

  it.effect("two fibers running scopes concurrently never free or adopt each other's tensors", () =>
    Effect.gen(function* () {
      const base = live()
      const worker = (value: number, rounds: number) =>
        T.scoped(
          Effect.gen(function* () {
            const mine: T.Tensor[] = []
            for (let i = 0; i < rounds; i++) {
              mine.push(yield* T.compute(() => T.full([16], value)))
              yield* Effect.yieldNow
              // every tensor this fiber made is still alive and holds its value
              for (const t of mine) expect(t.isDisposed).toBe(false)
              expect(yield* T.compute(() => T.sum(T.stack(mine)).item())).toBe(16 * value * mine.length)
            }
            return { sum: mine.length * value, kept: mine[0]! }
          })
        )
      const [short, long] = yield* Effect.all([worker(1, 3), worker(2, 12)], { concurrency: 2 })
      expect(short.sum).toBe(3)
      expect(long.sum).toBe(24)
      // the returned tensors went to the backstop (no parent scope); free them by hand
      expect(live()).toBe(base + 2)
      short.kept.dispose()
      long.kept.dispose()
      expect(live()).toBe(base)
    }))
})

describe("local, dispose and use after dispose", () => {
  it.effect("local frees the temporaries of a block and keeps what it returns", () =>
    Effect.gen(function* () {
      const base = live()
      yield* T.scoped(
        Effect.gen(function* () {
          const out = yield* T.compute(() =>
            T.local(() => {
              const a = T.ones([3]), b = T.full([3], 2)
              return { sum: T.add(a, b), list: [T.mul(a, b)] }
            })
          )
          expect(live()).toBe(base + 2)
          expect(Array.from(out.sum.toTypedArray())).toEqual([3, 3, 3])
          expect(Array.from(out.list[0]!.toTypedArray())).toEqual([2, 2, 2])
          // a throw inside local frees its temporaries too
          const before = live()
          expect(() => T.local(() => T.add(T.ones([2]), T.ones([3])))).toThrow(expect.objectContaining({ _tag: "ShapeMismatch" }))
          expect(live()).toBe(before)
        })
      )
      expect(live()).toBe(base)
    }))

  it.effect("dispose is idempotent; Symbol.dispose frees; use after dispose is UseAfterDispose", () =>
    T.scoped(
      Effect.gen(function* () {
        const base = live()
        const t = yield* T.compute(() => T.ones([4]))
        expect(live()).toBe(base + 1)
        t.dispose()
        t.dispose()
        expect(live()).toBe(base)
        expect(t.isDisposed).toBe(true)
        expect(String(t)).toBe("Tensor(disposed)")
        expect(() => T.exp(t)).toThrow(expect.objectContaining({ _tag: "UseAfterDispose" }))
        expect(() => t.shape).toThrow(expect.objectContaining({ _tag: "UseAfterDispose" }))
        const failed = yield* Effect.flip(T.compute(() => T.add(t, 1)))
        expect(failed._tag).toBe("UseAfterDispose")

        const u = yield* T.compute(() => T.ones([2]))
        u[Symbol.dispose]()
        expect(u.isDisposed).toBe(true)
        yield* T.compute(() => {
          using w = T.ones([3])
          expect(w.size).toBe(3)
          expect(live()).toBe(base + 1)
        })
        expect(live()).toBe(base)
      })
    ))

  it.effect("a stale handle reaching the addon is UseAfterDispose; a forged one a typed error", () =>
    T.scoped(
      Effect.gen(function* () {
        const t = yield* T.compute(() => T.ones([2]))
        const h = t.handle
        t.dispose()
        const EXP = opId("exp")
        expect(() => native.unary(EXP, h)).toThrow(expect.objectContaining({ _tag: "UseAfterDispose" }))
        expect(() => native.toArray(h)).toThrow(expect.objectContaining({ _tag: "UseAfterDispose" }))
        expect(native.dispose(h)).toBe(false) // already freed: a no-op
        // a Tensor object over the stale handle: the TS check passes, the native one catches it
        const stale = new Tensor(h)
        expect(() => T.exp(stale)).toThrow(expect.objectContaining({ _tag: "UseAfterDispose", message: expect.stringContaining("disposed") }))
        // the slot is reused by a new tensor; the old handle still does not reach it
        const fresh = yield* T.compute(() => T.full([2], 7))
        expect(() => native.toArray(h)).toThrow(expect.objectContaining({ _tag: "UseAfterDispose" }))
        expect(Array.from(fresh.toTypedArray())).toEqual([7, 7])
        for (const forged of [-1, 0.5, 2 ** 60, NaN, 123456789]) expect(() => native.meta(forged)).toThrow(expect.objectContaining({ _tag: expect.stringMatching(/InvalidArgument|UseAfterDispose/) }))
      })
    ))

  it("freeing the end of a 300k-op autograd chain does not recurse once per node (stack overflow)", () => {
    const base = native.stats(0)
    const ADD = opId("add"), FULL = opId("full")
    const x = native.create(FULL, [1], 1, 0, 1, 0)
    native.setRequiresGrad(x, true)
    let y = x
    for (let i = 0; i < 300_000; i++) {
      const z = native.binary(ADD, y, 1, 2)
      if (y !== x) native.dispose(y)
      y = z
    }
    expect(native.item(y)).toBe(300_001)
    native.dispose(y)
    native.dispose(x)
    expect(native.stats(0)).toEqual(base.map((v, i) => (i === 2 ? native.stats(0)[2] : v)))
  })
})
