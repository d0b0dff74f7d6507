/**
 * Fuzzing the raw binding: 12,000 seeded calls into `native` with garbage arguments (wrong
 * types, forged and disposed handles, absurd shapes, op ids of the wrong family, CUDA device
 * codes in a CPU-only build). The process must survive, every throw must be one of the tagged
 * tensor errors (never a plain Error), and once the handles the fuzz made are disposed, the
 * live tensors and handles return to their baseline.
 */
import { describe, expect, it } from "@effect/vitest"
import { native, opTable } from "../../src/native/addon.js"
import { isTensorError } from "../../src/tensor/index.js"
import { Rng } from "./reference.js"

const CALLS = 12_000
const MAX_POOL_ELEMENTS = 4096 // results bigger than this are disposed at once (no slow ops on huge views)
const deviceCodes = [0, ...Array.from({ length: 8 }, (_, i) => 256 + i)] // cpu:0 and every cuda index
const totals = () =>
  deviceCodes.reduce(
    (acc, d) => {
      const [tensors, bytes, , handles] = native.stats(d)
      return { tensors: acc.tensors + tensors!, bytes: acc.bytes + bytes!, handles: handles! }
    },
    { tensors: 0, bytes: 0, handles: 0 }
  )

/** Builds random arguments: plausible ones most of the time, garbage otherwise. */
class Fuzzer {
  readonly pool: number[] = []
  readonly stale: number[] = []
  constructor(readonly rng: Rng) {}

  garbage(): unknown {
    const r = this.rng
    switch (r.int(0, 23)) {
      case 0: return "3"
      case 1: return {}
      case 2: return [r.int(0, 3), "x", null]
      case 3: return undefined
      case 4: return null
      case 5: return NaN
      case 6: return r.bool() ? Infinity : -Infinity
      case 7: return -r.int(1, 100)
      case 8: return r.uniform(-10, 10)
      case 9: return 2 ** r.int(31, 70)
      case 10: return true
      case 11: return 1n
      case 12: return () => 1
      case 13: return Symbol("s")
      case 14: return new Float32Array(r.int(0, 6))
      case 15: return { valueOf: () => { throw new Error("valueOf must not be called") }, length: 2, 0: 1, 1: 1 }
      case 16: return new Proxy([1, 2], {})
      case 17: { const a: number[] = []; a.length = 2 ** r.int(26, 32) - 1; return a }
      case 18: { const a = [0, 0]; Object.defineProperty(a, 0, { get: () => "getter" }); return a }
      case 19: return r.int(0, 2 ** 30) // a forged handle
      case 20: return -0
      case 21: return [this.handle(), this.handle()]
      case 22: return new Array(9).fill(1)
      default: return 2 ** 53 + 2
    }
  }
  maybe<A>(plausible: () => A, pGarbage = 0.15): unknown {
    return this.rng.bool(pGarbage) ? this.garbage() : plausible()
  }
  handle(): unknown {
    const r = this.rng
    const k = r.int(0, 9)
    if (k <= 6 && this.pool.length > 0) return r.pick(this.pool)
    if (k <= 8 && this.stale.length > 0) return r.pick(this.stale)
    return r.int(0, 2 ** 26)
  }
  /** Mostly an op of the entry point's own family, else any op or no op at all. */
  op(family: number): unknown {
    const r = this.rng
    const own = opTable.flatMap((row, i) => (row.family === family ? [i] : []))
    if (r.bool(0.7) && own.length > 0) return r.pick(own)
    return r.bool(0.8) ? r.int(0, opTable.length - 1) : r.pick([-1, opTable.length, 1e9, 0.5, NaN])
  }
  dims(): unknown {
    const r = this.rng
    switch (r.int(0, 5)) {
      case 0: return r.pick([[2 ** 40], [2 ** 20, 2 ** 20], [2 ** 21, 2 ** 21, 2 ** 21], [2 ** 62, 4], [2 ** 53 - 1], [2 ** 32, 2 ** 32, 0, 2 ** 40]])
      case 1: return r.pick([[-1], [2, -1], [-1, -1], [-3, 2], [1.5], [NaN], [Infinity], new Array(9).fill(1)])
      default: return r.shape(0, 4, 0, 4)
    }
  }
  dtype(): unknown {
    return this.maybe(() => this.rng.int(0, 3), 0.1)
  }
  device(): unknown {
    return this.rng.bool(0.8) ? 0 : this.rng.pick([256, 257, 1, 7, 512, -1, 8, 0.5])
  }
  handles(): unknown {
    return this.maybe(() => Array.from({ length: this.rng.int(0, 4) }, () => this.handle()), 0.2)
  }
  typedArray(): unknown {
    const r = this.rng, n = r.int(0, 24)
    const make = r.pick([
      () => Float32Array.from({ length: n }, () => r.uniform(-3, 3)),
      () => Float64Array.from({ length: n }, () => r.uniform(-3, 3)),
      () => Int32Array.from({ length: n }, () => r.int(-3, 3)),
      () => Uint8Array.from({ length: n }, () => r.int(0, 255)),
      () => new Int8Array(n),
      () => new Uint8ClampedArray(n),
      () => new BigInt64Array(n),
      () => new DataView(new ArrayBuffer(n)),
      () => new Float64Array(new SharedArrayBuffer(8 * n))
    ])
    return make()
  }
}

type Entry = (f: Fuzzer) => unknown[]
const entries: Record<string, Entry> = {
  unary: (f) => [f.op(0), f.handle()],
  unaryParams: (f) => [f.op(1), f.handle(), f.maybe(() => f.rng.uniform(-3, 3)), f.maybe(() => f.rng.uniform(-3, 3))],
  binary: (f) => {
    const flags = f.maybe(() => f.rng.int(0, 2), 0.1)
    const num = () => f.maybe(() => f.rng.pick([f.rng.uniform(-3, 3), f.rng.int(-3, 3), 0, 1]))
    return [f.op(2), flags === 1 ? num() : f.handle(), flags === 2 ? num() : f.handle(), flags]
  },
  where: (f) => [f.handle(), f.handle(), f.handle()],
  linear: (f) => [f.handle(), f.handle(), f.handle()],
  reduce: (f) => [f.op(4), f.handle(), f.maybe(() => f.rng.pick([-1, f.rng.int(0, 15), 256])), f.maybe(() => f.rng.bool(), 0.1)],
  reshape: (f) => [f.op(5), f.handle(), f.dims()],
  slice: (f) => [f.handle(), f.maybe(() => f.rng.int(-3, 3)), f.maybe(() => f.rng.int(-5, 5)), f.maybe(() => f.rng.int(-5, 5)), f.maybe(() => f.rng.int(0, 3))],
  cast: (f) => [f.handle(), f.dtype()],
  concat: (f) => [f.handles(), f.maybe(() => f.rng.int(-3, 3))],
  indexSelect: (f) => [f.op(9), f.handle(), f.maybe(() => f.rng.int(-3, 3)), f.handle()],
  indexAdd: (f) => [f.op(10), f.handle(), f.maybe(() => f.rng.int(-3, 3)), f.handle(), f.handle()],
  create: (f) => [f.op(11), f.dims(), f.dtype(), f.device(), f.maybe(() => f.rng.uniform(-1e10, 1e10)), f.maybe(() => f.rng.uniform(-5, 5))],
  fromArray: (f) => [f.maybe(() => f.typedArray(), 0.1), f.dims(), f.dtype(), f.device()],
  toArray: (f) => [f.handle()],
  item: (f) => [f.handle()],
  meta: (f) => [f.handle()],
  dispose: (f) => [f.handle()],
  disposeMany: (f) => [f.handles()],
  stats: (f) => [f.device()],
  devices: () => [],
  opTable: () => [],
  numThreads: () => [],
  setNumThreads: (f) => [f.maybe(() => f.rng.int(1, 3), 0.3)],
  setRequiresGrad: (f) => [f.handle(), f.maybe(() => f.rng.bool(), 0.1)],
  detach: (f) => [f.handle()],
  gradients: (f) => [
    f.handles(),
    f.maybe(() => Array.from({ length: f.rng.int(0, 3) }, () => (f.rng.bool() ? -1 : f.handle())), 0.2),
    f.handles(),
    f.maybe(() => f.rng.bool(), 0.1),
    f.maybe(() => f.rng.bool(), 0.1)
  ],
  setGradEnabled: (f) => [f.maybe(() => f.rng.bool(), 0.2)],
  fused: (f) => {
    const num = () => f.maybe(() => f.rng.pick([f.rng.uniform(-3, 3), 0.9, NaN, Infinity]))
    const h = f.handle()
    // The same handle thrice now and then: one shape and dtype, so the step runs.
    return [f.op(14), h, f.rng.bool() ? h : f.handle(), f.rng.bool() ? h : f.handle(), num(), num(), num(), num()]
  }
}

const returnsHandle = new Set(["unary", "unaryParams", "binary", "where", "linear", "reduce", "reshape", "slice", "cast", "concat", "indexSelect", "indexAdd", "create", "fromArray", "detach"])

/** Keeps a new handle for later calls if it is small; disposes it at once otherwise. */
const adopt = (f: Fuzzer, h: number) => {
  const meta = native.meta(h)
  const n = meta.slice(4).reduce((a, b) => a * b, 1)
  if (n <= MAX_POOL_ELEMENTS && f.pool.length < 64) f.pool.push(h)
  else native.dispose(h)
}

/** Moves handles that are no longer live from the pool to the stale list. */
const prune = (f: Fuzzer) => {
  for (let i = f.pool.length - 1; i >= 0; i--) {
    try {
      native.meta(f.pool[i]!)
    } catch {
      f.stale.push(f.pool[i]!)
      f.pool.splice(i, 1)
    }
  }
}

describe("fuzzing the raw binding", () => {
  it(`${CALLS} random calls: the process survives, every throw is a tagged error, nothing leaks`, () => {
    const base = totals()
    const threads = native.numThreads()
    const rng = new Rng(0xf022)
    const f = new Fuzzer(rng)
    // seed the pool with a few real tensors of each dtype
    const FULL = opTable.findIndex((r) => r.name === "full")
    for (let d = 0; d < 4; d++) for (const dims of [[3], [2, 3], [], [4, 1], [1, 3]]) f.pool.push(native.create(FULL, dims, d, 0, 1, 0))
    const names = Object.keys(entries)
    const thrown = new Map<string, number>()
    let succeeded = 0
    for (let call = 0; call < CALLS; call++) {
      const name = rng.pick(names)
      const args = entries[name]!(f)
      const touchesHandles = name === "dispose" || name === "disposeMany"
      let out: unknown, error: unknown, ok = false
      try {
        out = (native as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args)
        ok = true
      } catch (e) {
        error = e
      }
      if (ok) {
        succeeded++
        if (returnsHandle.has(name)) adopt(f, out as number)
        if (name === "gradients" || name === "fused") for (const h of out as number[]) adopt(f, h)
      } else {
        if (!isTensorError(error)) expect.fail(`${name}(${args.map(describeArg).join(", ")}) threw a non-tensor error: ${String(error)}`)
        expect(error.message.length, `${name}: empty message`).toBeGreaterThan(0)
        thrown.set(error._tag, (thrown.get(error._tag) ?? 0) + 1)
      }
      if (touchesHandles || call % 64 === 0) prune(f)
    }
    // the fuzz did reach both outcomes and the interesting error kinds
    expect(succeeded).toBeGreaterThan(1000)
    for (const tag of ["InvalidArgument", "UseAfterDispose", "ShapeMismatch", "DTypeMismatch", "DeviceUnavailable", "OutOfMemory"])
      expect(thrown.get(tag) ?? 0, `no ${tag} was thrown`).toBeGreaterThan(0)
    native.setGradEnabled(true)
    native.setNumThreads(threads)
    native.disposeMany(f.pool)
    expect(totals()).toEqual(base)
  })
})

const describeArg = (a: unknown): string => {
  if (typeof a === "bigint" || typeof a === "symbol" || typeof a === "function") return typeof a
  if (ArrayBuffer.isView(a)) return `${a.constructor.name}(${(a as unknown as { length?: number }).length ?? "?"})`
  if (Array.isArray(a)) return a.length > 16 ? `Array(${a.length})` : `[${a.map(describeArg).join(", ")}]`
  if (typeof a === "object" && a !== null) return "object"
  return String(a)
}
