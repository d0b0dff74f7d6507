/**
 * Keys: immutable values of two uint32 words that name a random stream. A key is consumed by
 * one draw; `split` and `fold` derive new keys from it. Derivation runs Philox4x32-10 over
 * counters whose last word tags the purpose (1: split, 2: fold), while draws use counters
 * whose last word is 0, so a derived key never equals words a draw of its parent produced.
 */
import { Data } from "effect"
import { InvalidArgument } from "../native/errors.js"
import { philox4x32_10 } from "./philox.js"

/** A random key: compares by value (Equal.equals), and survives JSON.stringify/keyFromJSON. */
export class Key extends Data.TaggedClass("Key")<{ readonly k0: number; readonly k1: number }> {}

const TWO_32 = 4294967296
const SPLIT_TAG = 1
const FOLD_TAG = 2

const isWord = (u: unknown): u is number => typeof u === "number" && Number.isInteger(u) && u >= 0 && u < TWO_32

const make = (k0: number, k1: number): Key => Object.freeze(new Key({ k0, k1 }))

/** Whether u is a Key with two uint32 words. */
export const isKey = (u: unknown): u is Key => u instanceof Key && isWord(u.k0) && isWord(u.k1)

/** The key argument, or an InvalidArgument naming what was passed instead. */
export const checkKey = (u: unknown, where: string): Key => {
  if (isKey(u)) return u
  throw new InvalidArgument({ message: `${where}: expected a random Key (from key(seed), split or fold), got ${JSON.stringify(u)}` })
}

/**
 * The key of a seed: any safe integer, as its 64-bit two's complement (k0 the low word, k1
 * the high word). key(0) is the all-zero key.
 */
export const key = (seed: number): Key => {
  if (!Number.isSafeInteger(seed)) throw new InvalidArgument({ message: `key: the seed must be a safe integer, got ${seed}` })
  const lo = ((seed % TWO_32) + TWO_32) % TWO_32
  const hi = Math.floor(seed / TWO_32)
  return make(lo, ((hi % TWO_32) + TWO_32) % TWO_32)
}

type Repeat<N extends number, R extends Key[] = []> = R["length"] extends N ? R : Repeat<N, [...R, Key]>
/** What split returns: a tuple for a literal n up to 8 (so destructuring is typed), else Key[]. */
export type Keys<N extends number> = N extends 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 ? Repeat<N> : Key[]

/** n new keys (n >= 1, default 2): key j is words 0 and 1 of Philox(counter = (j, 0, 0, 1), k). */
export const split = <N extends number = 2>(k: Key, n: N = 2 as N): Keys<N> => {
  checkKey(k, "split")
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgument({ message: `split: n must be an integer >= 1, got ${n}` })
  const out: Key[] = []
  for (let j = 0; j < n; j++) {
    const w = philox4x32_10([j % TWO_32, Math.floor(j / TWO_32), 0, SPLIT_TAG], k.k0, k.k1)
    out.push(make(w[0], w[1]))
  }
  return out as Keys<N>
}

/**
 * The key k combined with data (an integer in [0, 2^53)): words 0 and 1 of
 * Philox(counter = (data mod 2^32, data div 2^32, 0, 2), k). Distinct data give distinct streams,
 * e.g. fold(k, step) for a per-step key.
 */
export const fold = (k: Key, data: number): Key => {
  checkKey(k, "fold")
  if (!Number.isSafeInteger(data) || data < 0)
    throw new InvalidArgument({ message: `fold: data must be an integer in [0, 2^53), got ${data}` })
  const w = philox4x32_10([data % TWO_32, Math.floor(data / TWO_32), 0, FOLD_TAG], k.k0, k.k1)
  return make(w[0], w[1])
}

/** A key back from its JSON form ({"_tag":"Key","k0":...,"k1":...}, e.g. from a checkpoint). */
export const keyFromJSON = (u: unknown): Key => {
  let o = u
  if (typeof u === "string") {
    try {
      o = JSON.parse(u) as unknown
    } catch {
      throw new InvalidArgument({ message: `keyFromJSON: not JSON: ${u.slice(0, 80)}` })
    }
  }
  if (typeof o === "object" && o !== null) {
    const r = o as { _tag?: unknown; k0?: unknown; k1?: unknown }
    if ((r._tag === undefined || r._tag === "Key") && isWord(r.k0) && isWord(r.k1)) return make(r.k0, r.k1)
  }
  throw new InvalidArgument({ message: `keyFromJSON: not a serialised Key: ${JSON.stringify(o)}` })
}
