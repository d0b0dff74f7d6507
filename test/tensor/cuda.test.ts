/**
 * The CUDA backend from TypeScript. On every machine: the Cuda layer, transfers and memory
 * statistics where no GPU answers (typed DeviceUnavailable, nothing allocated). On a machine
 * with a GPU (bench/gpu/run.sh): every op forward and backward on CUDA against the CPU in
 * float64, Philox bit equality, the caching allocator's statistics, and second-order autodiff.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import { grad, valueAndGrad } from "../../src/autodiff/index.js"
import { adamStep } from "../../src/optim/fused.js"
import * as R from "../../src/random/index.js"
import * as T from "../../src/tensor/index.js"

const gpu = T.isAvailable("cuda")
const NO_GPU = "no CUDA device on this machine; the CUDA parity tests run on a GPU machine (bash bench/gpu/run.sh)"
if (!gpu) console.log(`test/tensor/cuda.test.ts: skipping the GPU tests: ${NO_GPU}`)

describe("CUDA where no GPU answers", () => {
  it.skipIf(gpu)("backends() reports cuda unavailable and isAvailable agrees", () => {
    const row = T.backends().find((b) => b.name === "cuda" || b.name === "none")
    const cudaRow = T.backends().find((b) => b.name === "cuda")
    // Compiled without CUDA the slot is unnamed; compiled with it, it says it is unavailable.
    expect(row === undefined || row.available === false).toBe(true)
    if (cudaRow !== undefined) expect(cudaRow.available).toBe(false)
    expect(T.isAvailable("cuda")).toBe(false)
    expect(T.isAvailable("cpu")).toBe(true)
  })

  it.effect.skipIf(gpu)("acquiring the Cuda layer fails with a typed DeviceUnavailable", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(Effect.provide(Effect.succeed("never runs"), T.Device.Cuda))
      expect(Exit.isFailure(exit)).toBe(true)
      const error = yield* Effect.flip(Effect.provide(Effect.succeed(1), T.Device.Cuda))
      expect(error._tag).toBe("DeviceUnavailable")
      expect(error.message).toMatch(/no CUDA device/)
    }))

  it.effect.skipIf(gpu)("a program on the Cuda layer falls back to the Cpu layer with orElse", () =>
    Effect.gen(function* () {
      const layer = Layer.catch(T.Device.Cuda, () => T.Device.Cpu)
      const device = yield* Effect.provide(T.compute(() => T.zeros([2]).device), layer)
      expect(device).toEqual(T.cpu)
    }))

  it.skipIf(gpu)("moving a tensor to cuda, drawing there or emptying its cache is DeviceUnavailable", () =>
    T.local(() => {
      const before = T.liveCount()
      const x = T.tensor([1, 2, 3])
      expect(() => T.toDevice(x, T.cuda())).toThrow(T.DeviceUnavailable)
      expect(() => x.toDevice(T.cuda(0))).toThrow(T.DeviceUnavailable)
      expect(() => T.zeros([2], { device: T.cuda() })).toThrow(T.DeviceUnavailable)
      expect(() => R.uniform(R.key(1), [4], { device: T.cuda() })).toThrow(T.DeviceUnavailable)
      expect(() => T.emptyCache(T.cuda())).toThrow(T.DeviceUnavailable)
      expect(T.liveCount()).toBe(before + 1)
    }))

  it("CUDA memory statistics read zero where nothing was ever allocated there", () => {
    if (gpu) return
    expect(T.memoryStats(T.cuda())).toEqual({ liveTensors: 0, liveBytes: 0, peakBytes: 0, reservedBytes: 0 })
  })
})

describe("transfers and statistics on the CPU", () => {
  it("toDevice to the tensor's own device and toCpu are views with the same values", () =>
    T.local(() => {
      const x = T.tensor([[1, 2], [3, 4]], { dtype: "float64" })
      const bytes = T.liveBytes()
      const y = T.toCpu(x), z = x.toDevice(T.cpu)
      expect(Array.from(y.toTypedArray())).toEqual([1, 2, 3, 4])
      expect(Array.from(z.toTypedArray())).toEqual([1, 2, 3, 4])
      expect(T.liveBytes()).toBe(bytes)
      expect(y.device).toEqual(T.cpu)
    }))

  it("a gradient flows through toCpu", () =>
    T.local(() => {
      const x = T.tensor([0.5, -1, 2], { dtype: "float64" })
      const g = grad((p: T.Tensor) => T.sum(T.exp(T.toCpu(p))))(x)
      const expected = [0.5, -1, 2].map(Math.exp)
      Array.from(g.toTypedArray()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 14))
    }))

  it("the CPU reserves its live bytes plus the freed buffers it keeps for reuse; emptyCache hands those back", () => {
    T.emptyCache(T.cpu)
    const empty = T.memoryStats(T.cpu)
    expect(empty.reservedBytes).toBe(empty.liveBytes)
    T.zeros([4096]).dispose() // 16 KiB, kept for the next buffer of that size
    const cached = T.memoryStats(T.cpu)
    expect(cached.reservedBytes - cached.liveBytes).toBe(4096 * 4)
    expect(T.emptyCache(T.cpu)).toBe(T.memoryStats(T.cpu).liveBytes)
  })

  it("toDevice refuses something that is not a device", () =>
    T.local(() => {
      expect(() => T.toDevice(T.zeros([1]), { kind: "tpu", index: 0 } as unknown as T.DeviceId)).toThrow(T.InvalidArgument)
    }))
})

// ---- On a GPU machine: parity with the CPU.

type F = (xs: readonly T.Tensor[]) => T.Tensor
interface Case {
  readonly name: string
  readonly inputs: (k: R.Key) => T.Tensor[]  // float64 on the CPU
  readonly f: F
}

const u = (k: R.Key, shape: number[], lo = -2, hi = 2) => R.uniform(k, shape, { dtype: "float64", lo, hi })
const ks = (k: R.Key, n: number) => Array.from({ length: n }, (_, i) => R.fold(k, i))
// A random shape: each dimension in [1, 9], from the key.
const dims = (k: R.Key, rank: number): number[] =>
  Array.from(R.randint(k, [rank], 1, 10).toTypedArray() as Int32Array)
const one = (lo = -2, hi = 2, rank = 2) => (k: R.Key) => [u(R.fold(k, 1), dims(R.fold(k, 0), rank), lo, hi)]
const two = (k: R.Key) => {
  const s = dims(R.fold(k, 0), 3)
  return [u(R.fold(k, 1), s), u(R.fold(k, 2), [1, s[1]!, s[2]!])]  // broadcast along axis 0
}
const idx = (k: R.Key, shape: number[], n: number) => R.randint(k, shape, 0, n)

const unary = (name: string, f: (x: T.Tensor) => T.Tensor, lo = -2, hi = 2): Case => ({ name, inputs: one(lo, hi), f: ([x]) => f(x!) })
const cases: Case[] = [
  unary("neg", T.neg), unary("exp", T.exp), unary("log", T.log, 0.1, 3), unary("expm1", T.expm1), unary("sqrt", T.sqrt, 0.1, 3),
  unary("rsqrt", T.rsqrt, 0.1, 3), unary("abs", T.abs), unary("tanh", T.tanh), unary("sigmoid", T.sigmoid), unary("relu", T.relu),
  unary("sin", T.sin), unary("cos", T.cos), unary("erf", T.erf), unary("lambertW", T.lambertW, 0.1, 3),
  unary("wrightOmega", T.wrightOmega), unary("square", T.square), unary("powScalar", (x) => T.powScalar(x, 1.5), 0.1, 3),
  unary("clamp", (x) => T.clamp(x, -0.5, 0.7)), unary("softplus", T.softplus), unary("logSoftmax", (x) => T.logSoftmax(x, 1)),
  unary("sum", (x) => T.sum(x, 0)), unary("max", (x) => T.max(x, 1)), unary("min", (x) => T.min(x)),
  unary("logsumexp", (x) => T.logsumexp(x, 1)), unary("mean", (x) => T.mean(x, [0, 1])), unary("variance", (x) => T.variance(x, 1)),
  unary("transpose", (x) => T.mul(T.transpose(x), 1.5)), unary("slice", (x) => T.slice(x, 1, 0, 9, 2)),
  unary("reshape", (x) => T.reshape(T.exp(x), [-1])), unary("cast round trip", (x) => T.cast(T.cast(x, "float32"), "float64")),
  { name: "add", inputs: two, f: ([a, b]) => T.add(a!, b!) }, { name: "sub", inputs: two, f: ([a, b]) => T.sub(a!, b!) },
  { name: "mul", inputs: two, f: ([a, b]) => T.mul(a!, b!) },
  { name: "div", inputs: (k) => [...two(k).slice(0, 1), T.add(T.abs(two(k)[1]!), 0.5)], f: ([a, b]) => T.div(a!, b!) },
  { name: "pow", inputs: (k) => [T.add(T.abs(two(k)[0]!), 0.2), two(k)[1]!], f: ([a, b]) => T.pow(a!, b!) },
  { name: "maximum", inputs: two, f: ([a, b]) => T.maximum(a!, b!) }, { name: "minimum", inputs: two, f: ([a, b]) => T.minimum(a!, b!) },
  { name: "where", inputs: two, f: ([a, b]) => T.where(T.gt(a!, 0), a!, b!) },
  { name: "matmul batched", inputs: (k) => [u(R.fold(k, 0), [3, 1, 5, 7]), u(R.fold(k, 1), [4, 7, 6])], f: ([a, b]) => T.matmul(a!, b!) },
  { name: "concat", inputs: two, f: ([a, b]) => T.concat([a!, b!], 0) },
  { name: "indexSelect", inputs: (k) => [u(k, [6, 5]), idx(R.fold(k, 1), [8], 6)], f: ([x, i]) => T.indexSelect(x!, 0, i!) },
  { name: "gather", inputs: (k) => [u(k, [6, 5]), idx(R.fold(k, 1), [6, 9], 5)], f: ([x, i]) => T.gather(x!, 1, i!) },
  {
    name: "indexAdd", inputs: (k) => [u(k, [6, 5]), idx(R.fold(k, 1), [8], 6), u(R.fold(k, 2), [8, 5])],
    f: ([b, i, s]) => T.indexAdd(b!, 0, i!, s!)
  },
  {
    name: "scatterAdd", inputs: (k) => [u(k, [6, 5]), idx(R.fold(k, 1), [6, 9], 5), u(R.fold(k, 2), [6, 9])],
    f: ([b, i, s]) => T.scatterAdd(b!, 1, i!, s!)
  },
  {
    name: "conv2d", inputs: (k) => [u(k, [2, 3, 9, 8]), u(R.fold(k, 1), [4, 3, 3, 2]), u(R.fold(k, 2), [4])],
    f: ([x, w, b]) => T.conv2d(x!, w!, b!, { stride: [2, 1], padding: 1, dilation: [1, 2] })
  }
]

// Forward values and gradients of sum(f(xs) * c) for a fixed random cotangent c, on a device.
const run = (c: Case, k: R.Key, device: T.DeviceId, dtype: "float32" | "float64") => {
  const xs = c.inputs(k).map((x) => (x.dtype === "float64" ? T.cast(x, dtype) : x).toDevice(device))
  const floating = xs.map((x) => x.dtype !== "int32")
  const out = c.f(xs)
  const cot = T.cast(R.uniform(R.fold(k, 99), out.shape, { dtype: "float64" }), out.dtype).toDevice(device)
  const params = xs.filter((_, i) => floating[i])
  const { grad: g } = valueAndGrad((ps: T.Tensor[]) => {
    let j = 0
    return T.sum(T.mul(c.f(xs.map((x, i) => (floating[i] ? ps[j++]! : x))), cot))
  })(params)
  const read = (t: T.Tensor) => Array.from(T.cast(t.toCpu(), "float64").toTypedArray() as Float64Array)
  return { out: read(out), grads: g.map(read) }
}

const expectClose = (what: string, got: number[], ref: number[], rtol: number, atol: number) => {
  expect(got.length, what).toBe(ref.length)
  ref.forEach((r, i) => {
    const ok = Number.isNaN(r) ? Number.isNaN(got[i]!) : Math.abs(got[i]! - r) <= atol + rtol * Math.abs(r)
    if (!ok) expect.fail(`${what}: element ${i} is ${got[i]}, reference ${r}`)
  })
}

describe.skipIf(!gpu)("CUDA parity with the CPU (float64 references)", () => {
  for (const c of cases)
    for (const dtype of ["float32", "float64"] as const)
      it(`${c.name} (${dtype}) forward and backward`, () =>
        T.local(() => {
          for (const k of ks(R.key(c.name.length * 7919), 2)) {
            const ref = run(c, k, T.cpu, "float64")
            const got = run(c, k, T.cuda(), dtype)
            const [rtol, atol] = dtype === "float64" ? [1e-10, 1e-11] : [2e-4, 2e-5]
            expectClose(`${c.name} value`, got.out, ref.out, rtol, atol)
            got.grads.forEach((g, i) => expectClose(`${c.name} gradient ${i}`, g, ref.grads[i]!, rtol, atol))
          }
        }))

  it("argsort, argmax and comparisons equal the CPU's", () =>
    T.local(() => {
      const x = T.cast(R.randint(R.key(5), [7, 300], 0, 30), "float32")
      const g = x.toDevice(T.cuda())
      const same = (a: T.Tensor, b: T.Tensor) => expect(Array.from(a.toCpu().toTypedArray())).toEqual(Array.from(b.toTypedArray()))
      same(T.argsort(g, -1, false), T.argsort(x, -1, false))
      same(T.argsort(g, -1, true), T.argsort(x, -1, true))
      same(T.argmax(g, 1), T.argmax(x, 1))
      same(T.lt(g, 10), T.lt(x, 10))
    }))

  it("Philox draws are the same bits on CUDA as on the CPU", () =>
    T.local(() => {
      const k = R.key(20261205)
      const pairs: Array<[T.Tensor, T.Tensor]> = [
        [R.bits(k, [1001], { device: T.cuda() }), R.bits(k, [1001])],
        [R.uniform(k, [1001], { device: T.cuda() }), R.uniform(k, [1001])],
        [R.uniform(k, [1001], { dtype: "float64", device: T.cuda() }), R.uniform(k, [1001], { dtype: "float64" })],
        [R.normal(k, [1001], { device: T.cuda() }), R.normal(k, [1001])],
        [R.normal(k, [1001], { dtype: "float64", device: T.cuda() }), R.normal(k, [1001], { dtype: "float64" })],
        [R.randint(k, [1001], -7, 100000, { device: T.cuda() }), R.randint(k, [1001], -7, 100000)],
        [R.truncatedNormal(k, [1001], { lo: -1, hi: 2, device: T.cuda() }), R.truncatedNormal(k, [1001], { lo: -1, hi: 2 })]
      ]
      for (const [a, b] of pairs) {
        const x = new Uint8Array(a.toCpu().toTypedArray().buffer), y = new Uint8Array(b.toTypedArray().buffer)
        expect(Buffer.compare(x, y)).toBe(0)
      }
    }))

  it("the caching allocator keeps freed blocks and the layer's release empties them", async () => {
    const device = T.cuda()
    T.emptyCache(device)
    const base = T.memoryStats(device)
    await Effect.runPromise(Effect.provide(T.compute(() => {
      T.local(() => { T.zeros([1 << 20]) })  // 4 MiB, freed at once
      const after = T.memoryStats(device)
      expect(after.liveBytes).toBe(base.liveBytes)
      expect(after.reservedBytes).toBe(base.reservedBytes + (4 << 20))
    }), T.Device.Cuda))
    expect(T.memoryStats(device).reservedBytes).toBe(base.reservedBytes)
    expect(T.memoryStats(device).liveTensors).toBe(base.liveTensors)
  })

  it("an allocation beyond the device is a typed OutOfMemory, and allocation works after it", () =>
    T.local(() => {
      expect(() => T.zeros([2 ** 37], { device: T.cuda() })).toThrow(T.OutOfMemory)
      expect(T.sum(T.ones([10], { device: T.cuda() })).item()).toBe(10)
    }))

  it("second-order autodiff (createGraph) on CUDA matches the CPU", () =>
    T.local(() => {
      const penaltyGrad = (device: T.DeviceId) => {
        const x = u(R.key(3), [6, 4]).toDevice(device), w = u(R.key(4), [4, 3]).toDevice(device)
        const inner = (p: { x: T.Tensor; w: T.Tensor }) => T.sum(T.logsumexp(T.tanh(T.matmul(p.x, p.w)), 1))
        const outer = (xx: T.Tensor) => {
          const g = grad(inner, { createGraph: true })({ x: xx, w })
          return T.sum(T.square(g.w))
        }
        return Array.from(grad(outer)(x).toCpu().toTypedArray() as Float64Array)
      }
      expectClose("d|dL/dw|^2/dx", penaltyGrad(T.cuda()), penaltyGrad(T.cpu), 1e-10, 1e-12)
    }))

  it("the fused Adam step gives the CPU's bits (IEEE division and square root, no contraction)", () =>
    T.local(() => {
      for (const dtype of ["float32", "float64"] as const) {
        const [g, m, v] = [5, 6, 7].map((k) => T.cast(u(R.key(k), [3, 4097]), dtype))
        const vv = T.square(v!)
        const run = (device: T.DeviceId) =>
          adamStep(g!.toDevice(device), m!.toDevice(device), vv.toDevice(device), 0.9, 0.999, -1e-3 / 0.1, 1e-8)
            .map((t) => Array.from(t.toCpu().toTypedArray() as Float32Array | Float64Array))
        expect(run(T.cuda())).toEqual(run(T.cpu))
      }
    }))
})
