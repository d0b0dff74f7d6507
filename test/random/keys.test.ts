/** Keys: construction, value semantics, serialisation, split/fold and stream independence. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Equal } from "effect"
import { fold, Key, key, keyFromJSON, philox4x32_10, split, uniform } from "../../src/random/index.js"
import { native, opId } from "../../src/native/addon.js"
import { correlation, failureTag, inScope } from "./reference.js"

describe("keys", () => {
  it("key(seed) is the seed's 64-bit two's complement, low word first", () => {
    expect(key(0)).toMatchObject({ k0: 0, k1: 0 })
    expect(key(7)).toMatchObject({ k0: 7, k1: 0 })
    expect(key(2 ** 32 + 5)).toMatchObject({ k0: 5, k1: 1 })
    expect(key(-1)).toMatchObject({ k0: 0xffffffff, k1: 0xffffffff })
    expect(key(-(2 ** 32))).toMatchObject({ k0: 0, k1: 0xffffffff })
    expect(key(Number.MAX_SAFE_INTEGER)).toMatchObject({ k0: 0xffffffff, k1: 2 ** 21 - 1 })
  })

  it("keys compare by value, are frozen, and survive a JSON round trip", () => {
    const k = split(key(42), 3)[2]
    expect(Object.isFrozen(k)).toBe(true)
    expect(Equal.equals(k, new Key({ k0: k.k0, k1: k.k1 }))).toBe(true)
    expect(Equal.equals(k, key(42))).toBe(false)
    const back = keyFromJSON(JSON.parse(JSON.stringify({ step: 3, key: k })).key)
    expect(Equal.equals(back, k)).toBe(true)
    expect(Equal.equals(keyFromJSON(JSON.stringify(k)), k)).toBe(true)
  })

  it("split and fold are the documented Philox blocks", () => {
    const k = key(99)
    const children = split(k, 3)
    children.forEach((c, j) => {
      const w = philox4x32_10([j, 0, 0, 1], k.k0, k.k1)
      expect(c).toMatchObject({ k0: w[0], k1: w[1] })
    })
    const w = philox4x32_10([5, 0, 0, 2], k.k0, k.k1)
    expect(fold(k, 5)).toMatchObject({ k0: w[0], k1: w[1] })
    const big = philox4x32_10([3, 2, 0, 2], k.k0, k.k1)
    expect(fold(k, 2 * 2 ** 32 + 3)).toMatchObject({ k0: big[0], k1: big[1] })
  })

  it("split and fold are deterministic and give distinct keys", () => {
    expect(split(key(1), 4)).toEqual(split(key(1), 4))
    expect(split(key(1), 1)[0]).toEqual(split(key(1), 5)[0])
    const seen = new Set<string>()
    for (const k of [...split(key(1), 500), ...Array.from({ length: 500 }, (_, i) => fold(key(1), i)), key(1)])
      seen.add(`${k.k0}:${k.k1}`)
    expect(seen.size).toBe(1001)
  })

  it.effect("streams of split and folded keys are uncorrelated (|r| < 5/sqrt(n))", () =>
    inScope(() => {
      const n = 100_000
      const [a, b] = split(key(2024), 2)
      const streams = [a!, b!, fold(a!, 0), fold(a!, 1), key(0), key(1)].map(
        (k) => uniform(k, [n], { dtype: "float64" }).toTypedArray() as Float64Array
      )
      for (let i = 0; i < streams.length; i++)
        for (let j = i + 1; j < streams.length; j++) {
          expect(Math.abs(correlation(streams[i]!, streams[j]!))).toBeLessThan(5 / Math.sqrt(n))
          expect(streams[i]).not.toEqual(streams[j])
        }
      // lagged self-correlation of one stream, across block boundaries
      const s = streams[0]!
      for (const lag of [1, 2, 4]) {
        expect(Math.abs(correlation(s.subarray(0, n - lag), s.subarray(lag)))).toBeLessThan(5 / Math.sqrt(n))
      }
    }))

  it("bad arguments are InvalidArgument errors", () => {
    for (const f of [
      () => key(1.5),
      () => key(Number.NaN),
      () => key(2 ** 53),
      () => split(key(1), 0),
      () => split(key(1), 1.5),
      () => split({ k0: 1, k1: 2 } as unknown as Key, 2),
      () => fold(key(1), -1),
      () => fold(key(1), 0.5),
      () => keyFromJSON({ k0: -1, k1: 0 }),
      () => keyFromJSON({ _tag: "Other", k0: 1, k1: 0 }),
      () => keyFromJSON("not json")
    ]) {
      expect(f).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
    }
  })

  it.effect("the binding refuses key words outside [0, 2^32)", () =>
    Effect.gen(function* () {
      const op = opId("random_uniform")
      for (const [k0, k1] of [[-1, 0], [0, 2 ** 32], [0.5, 0]]) {
        const tag = yield* failureTag(() => native.random(op, [2], 0, 0, k0!, k1!, 0, 1))
        expect(tag).toBe("InvalidArgument")
      }
      expect(yield* failureTag(() => uniform(new Key({ k0: 2 ** 32, k1: 0 }), [2]))).toBe("InvalidArgument")
    }))
})
