/**
 * The MNIST scorer: the committed weights classify the held-out split at ≥ 94%, its outputs
 * match a float64 forward pass written here, and the training script's function rebuilds the
 * committed file bit for bit (the whole run, about 10 s on this machine's CPU).
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as D from "../../src/data/index.js"
import * as O from "../../src/optim/index.js"
import * as T from "../../src/tensor/index.js"
import { accuracy, cpuBlas, crossEntropy, scorerBytes, SCORER_TRAINING, trainMnistScorer, translate } from "../../scripts/train-mnist-scorer.js"
import { failureTag, inScope } from "../random/reference.js"

describe("the committed MNIST scorer", () => {
  it.effect("classifies the held-out split at 94% or better", () =>
    inScope(() => {
      const scorer = D.loadMnistScorer()
      const test = D.mnistTensors(D.readMnist().test)
      const predicted = scorer.classes(test.images).toTypedArray()
      const labels = D.readMnist().test.labels
      let right = 0
      for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++
      expect(right / labels.length).toBeGreaterThanOrEqual(0.94)
      expect(fs.statSync(D.SCORER_FILE).size).toBeLessThan(1 << 20)
    }))

  it.effect("logits and features are the float64 forward pass of its weights, for every image layout", () =>
    inScope(() => {
      const { arrays, header } = D.decodeWeights(new Uint8Array(fs.readFileSync(D.SCORER_FILE)))
      expect(header.tensors.map((t) => [t.name, t.shape])).toEqual([["hidden.weight", [784, 256]], ["hidden.bias", [256]], ["output.weight", [256, 10]], ["output.bias", [10]]])
      const W1 = arrays.get("hidden.weight")!.values, b1 = arrays.get("hidden.bias")!.values
      const W2 = arrays.get("output.weight")!.values, b2 = arrays.get("output.bias")!.values
      const m = D.readMnist().test
      const scorer = D.loadMnistScorer()
      const rows = [0, 777, 2003]
      const x = T.tensor(Float32Array.from(rows.flatMap((r) => Array.from(m.images.subarray(784 * r, 784 * (r + 1)), (p) => p / 255))), { shape: [3, 784] })
      const features = scorer.features(x).toTypedArray()
      const logits = scorer.logits(x).toTypedArray()
      rows.forEach((r, i) => {
        const h = new Float64Array(256)
        for (let j = 0; j < 256; j++) {
          let s = b1[j]!
          for (let p = 0; p < 784; p++) s += Math.fround(m.images[784 * r + p]! / 255) * W1[p * 256 + j]!
          h[j] = Math.max(s, 0)
          expect(Math.abs(features[i * 256 + j]! - h[j]!)).toBeLessThan(1e-4 * (1 + Math.abs(h[j]!)))
        }
        for (let k = 0; k < 10; k++) {
          let s = b2[k]!
          for (let j = 0; j < 256; j++) s += h[j]! * W2[j * 10 + k]!
          expect(Math.abs(logits[i * 10 + k]! - s)).toBeLessThan(1e-4 * (1 + Math.abs(s)))
        }
      })
      const same = (t: T.Tensor) => expect(Array.from(scorer.logits(t).toTypedArray())).toEqual(Array.from(logits))
      same(T.reshape(x, [3, 28, 28]))
      same(T.reshape(x, [3, 1, 28, 28]))
    }))

  it.effect("bad inputs and files are typed errors", () =>
    Effect.gen(function* () {
      expect(yield* failureTag(() => D.loadMnistScorer().logits(T.zeros([2, 783])))).toBe("InvalidArgument")
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diverge-scorer-"))
      try {
        const missing = yield* D.mnistScorer({ path: path.join(dir, "none.bin") }).pipe(Effect.flip)
        expect(missing._tag).toBe("ScorerUnavailable")
        fs.writeFileSync(path.join(dir, "short.bin"), fs.readFileSync(D.SCORER_FILE).subarray(0, 5000))
        const short = yield* D.mnistScorer({ path: path.join(dir, "short.bin") }).pipe(Effect.flip)
        expect(short._tag).toBe("ScorerUnavailable")
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    }))

  it("the weights format round-trips float32 values exactly (NaN, ±Infinity, −0 included)", () => {
    const values = Float32Array.from([1.5, -0, Number.NaN, Infinity, -Infinity, 3.4028234663852886e38, 1e-45])
    const bytes = D.encodeWeights([{ name: "a", shape: [7], values }, { name: "b", shape: [0, 3], values: new Float32Array(0) }], { note: "ü" })
    const { header, arrays } = D.decodeWeights(bytes)
    expect(header.meta).toEqual({ note: "ü" })
    expect(Buffer.from(arrays.get("a")!.values.buffer)).toEqual(Buffer.from(values.buffer))
    expect(arrays.get("b")!.shape).toEqual([0, 3])
    expect(Buffer.compare(Buffer.from(D.encodeWeights([{ name: "a", shape: [7], values }], {})), Buffer.from(D.encodeWeights([{ name: "a", shape: [7], values }], {})))).toBe(0)
  })
})

describe("scripts/train-mnist-scorer.ts", () => {
  it.effect("translate moves images by whole pixels with zero fill", () =>
    inScope(() => {
      const x = T.reshape(T.arange(784), [1, 784])
      const moved = translate(x, 1, -1).toTypedArray()
      expect(moved[0]).toBe(0) // row 0 is filled
      expect(moved[28 + 5]).toBe(6) // (1, 5) ← (0, 6)
      expect(moved[28 * 27 + 27]).toBe(0) // last column filled
      const z = T.tensor([[2, -1, 0.5]], { dtype: "float64" })
      // cross-entropy = logsumexp − logit of the label
      const want = Math.log(Math.exp(2) + Math.exp(-1) + Math.exp(0.5)) - 0.5
      expect(crossEntropy(z, T.tensor([2], { dtype: "int32" })).item()).toBeCloseTo(want, 12)
    }))

  it.effect("a prefix of the training run does not depend on the caller's thread count, and frees what it does not return", () =>
    inScope(() => {
      const before = T.liveCount()
      const threads = T.numThreads()
      const run = (n: number) =>
        T.local(() => {
          T.setNumThreads(n)
          const { params, steps } = trainMnistScorer({ steps: 30 })
          expect(steps).toBe(30)
          return scorerBytes(params, steps)
        })
      try {
        expect(Buffer.compare(Buffer.from(run(1)), Buffer.from(run(2)))).toBe(0)
      } finally {
        T.setNumThreads(threads)
      }
      expect(T.liveCount()).toBe(before)
    }))

  it.effect("rebuilds the committed weights (bit for bit where OpenBLAS picks the kernels it was built with), reaching 94% held out", () =>
    inScope(() => {
      const { params, steps } = trainMnistScorer()
      expect(steps).toBe(SCORER_TRAINING.epochs * Math.ceil(7996 / SCORER_TRAINING.batchSize))
      const rebuilt = scorerBytes(params, steps)
      const committed = fs.readFileSync(D.SCORER_FILE)
      const recorded = (D.decodeWeights(new Uint8Array(committed)).header.meta as { blas?: string }).blas
      // float32 GEMM bits depend on the sgemm kernels OpenBLAS chooses for the CPU: the file
      // records the line of the machine that built it, and only the same line must give the same bytes.
      if (recorded === cpuBlas()) expect(Buffer.compare(Buffer.from(rebuilt), committed)).toBe(0)
      else console.log(`scorer rebuild: OpenBLAS here is "${cpuBlas()}", the weights were built with "${recorded}"; bytes not compared`)
      const test = D.mnistTensors(D.readMnist().test)
      expect(accuracy(params, test.images, test.labels)).toBeGreaterThanOrEqual(0.94)
      O.disposeTree(params)
    }))
})
