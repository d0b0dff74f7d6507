/**
 * Reproducibility: element i of every draw is a pure function of (key, i), so a draw does not
 * depend on the thread count, on the shape it is reshaped into, or on how many elements follow.
 */
import { afterEach, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import {
  bernoulli,
  bits,
  type Key,
  key,
  normal,
  permutation,
  randint,
  truncatedNormal,
  uniform
} from "../../src/random/index.js"
import * as T from "../../src/tensor/index.js"
import { failureTag, inScope } from "./reference.js"

const draws: Array<[string, (shape: number[]) => T.Tensor]> = [
  ["bits", (s) => bits(key(1), s)],
  ["uniform f32", (s) => uniform(key(1), s, { lo: -1, hi: 2 })],
  ["uniform f64", (s) => uniform(key(1), s, { dtype: "float64" })],
  ["normal f32", (s) => normal(key(1), s)],
  ["normal f64", (s) => normal(key(1), s, { dtype: "float64" })],
  ["truncated normal", (s) => truncatedNormal(key(1), s, { lo: -1, hi: 3 })],
  ["randint", (s) => randint(key(1), s, -50, 50)],
  ["bernoulli", (s) => bernoulli(key(1), 0.4, s)]
]

/** Byte-for-byte equality of two typed arrays (fast for large draws). */
const sameBytes = (a: ArrayBufferView, b: ArrayBufferView): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))

const initialThreads = T.numThreads()
afterEach(() => {
  T.setNumThreads(initialThreads)
})

describe("determinism", () => {
  it.effect("the same key gives the same values with 1 and 2 threads", () =>
    inScope(() => {
      const n = 300_001 // many parallel chunks, and a partial last block
      for (const [name, f] of draws) {
        T.setNumThreads(1)
        const one = f([n]).toTypedArray()
        T.setNumThreads(2)
        const two = f([n]).toTypedArray()
        expect(one.length, name).toBe(n)
        expect(sameBytes(one, two), name).toBe(true)
      }
      T.setNumThreads(1)
      const p1 = permutation(key(2), 50_000).toTypedArray()
      T.setNumThreads(2)
      expect(sameBytes(permutation(key(2), 50_000).toTypedArray(), p1)).toBe(true)
    }))

  it.effect("element i does not depend on the length or the shape of the draw", () =>
    inScope(() => {
      for (const [name, f] of draws) {
        const long = f([1001]).toTypedArray()
        for (const n of [0, 1, 2, 3, 5, 998]) expect(f([n]).toTypedArray(), name).toEqual(long.slice(0, n))
        expect(f([7, 11, 13]).toTypedArray(), name).toEqual(f([1001]).toTypedArray())
        expect(f([]).toTypedArray(), name).toEqual(long.slice(0, 1))
      }
    }))

  it.effect("draws are not recorded by autograd and free their memory", () =>
    Effect.gen(function* () {
      const before = T.liveCount()
      yield* inScope(() => {
        for (const [, f] of draws) expect(f([4]).requiresGrad).toBe(false)
        truncatedNormal(key(3), [10], { mean: 1, std: 2 })
        permutation(key(3), 10)
        bernoulli(key(3), T.tensor([0.2, 0.7]), [5, 2])
      })
      expect(T.liveCount()).toBe(before)
    }))

  it.effect("a CUDA draw equals the CPU draw bit for bit, or fails with DeviceUnavailable", () =>
    Effect.gen(function* () {
      // Where no GPU or no CUDA random kernel exists this checks the typed failure; once the
      // kernel exists and a GPU answers, it is the CPU/GPU parity test.
      const n = 100_003
      for (const [name, f] of draws) {
        const cpuBytes = yield* inScope(() => f([n]).toTypedArray())
        const onGpu = yield* T.scoped(T.compute(() => f([n]).toTypedArray())).pipe(
          Effect.provideService(T.Device, T.cuda(0)),
          Effect.result
        )
        if (onGpu._tag === "Success") expect(sameBytes(onGpu.success, cpuBytes), name).toBe(true)
        else expect(onGpu.failure._tag, name).toBe("DeviceUnavailable")
      }
    }))

  it.effect("bad arguments are typed errors", () =>
    Effect.gen(function* () {
      const k = key(1)
      const invalid = [
        () => uniform(k, [-1]),
        () => uniform(k, [1.5]),
        () => uniform(k, "3" as unknown as number[]),
        () => uniform(k, [1, 1, 1, 1, 1, 1, 1, 1, 1]),
        () => uniform(k, [3], { lo: 1, hi: 1 }),
        () => uniform(k, [3], { lo: 2, hi: 1 }),
        () => uniform(k, [3], { lo: 0, hi: Infinity }),
        () => uniform(k, [3], { lo: 1, hi: 1 + 1e-12 }), // equal in float32
        () => normal(k, [3], { std: -1 }),
        () => normal(k, [3], { mean: Number.NaN }),
        () => truncatedNormal(k, [3], { lo: 1, hi: 1 }),
        () => truncatedNormal(k, [3], { lo: Number.NaN }),
        () => truncatedNormal(k, [3], { lo: 40, hi: 41 }), // its mass underflows float64
        () => truncatedNormal(k, [3], { lo: -39, hi: -38 }), // its mass is subnormal
        () => randint(k, [3], 5, 5),
        () => randint(k, [3], 0.5, 5),
        () => randint(k, [3], 0, 2 ** 31 + 1),
        () => permutation(k, -1),
        () => permutation(k, 2.5),
        () => bits("key" as unknown as Key, [2])
      ]
      for (const f of invalid) expect(yield* failureTag(f)).toBe("InvalidArgument")
      expect(yield* failureTag(() => uniform(k, [3], { dtype: "int32" }))).toBe("DTypeMismatch")
      expect(yield* failureTag(() => normal(k, [3], { dtype: "bool" }))).toBe("DTypeMismatch")
    }))
})
