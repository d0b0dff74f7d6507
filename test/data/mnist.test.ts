/**
 * MNIST: the conversion against a conversion written here from the package's JSON (and its
 * checksum), the lossless pixel rounding, class counts, the cache (rebuilt when tampered
 * with), the documented split, and the tensor encodings.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { createHash } from "node:crypto"
import { createRequire } from "node:module"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as D from "../../src/data/index.js"
import { key } from "../../src/random/index.js"
import * as T from "../../src/tensor/index.js"
import { failureTag, inScope } from "../random/reference.js"

const packageDir = path.dirname(createRequire(import.meta.url).resolve("mnist/package.json"))
const digits = (d: number): number[] => (JSON.parse(fs.readFileSync(path.join(packageDir, "src", "digits", `${d}.json`), "utf8")) as { data: number[] }).data
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "diverge-mnist-"))

describe("MNIST conversion", () => {
  it("is the package's pixels as round(255 v), labels after images, class by class; its SHA-256 is pinned", () => {
    const images: number[] = []
    const labels: number[] = []
    const counts: number[] = []
    let lossless = true
    for (let d = 0; d < 10; d++) {
      const v = digits(d)
      counts.push(v.length / 784)
      for (const x of v) {
        const p = Math.round(x * 255)
        lossless &&= Math.round((p / 255) * 1000) / 1000 === x
        images.push(p)
      }
      for (let i = 0; i < v.length / 784; i++) labels.push(d)
    }
    // the package stores round(p/255, 3), so round(255 v) recovers p exactly
    expect(lossless).toBe(true)
    expect(counts).toEqual([...D.MNIST_CLASS_COUNTS])
    const mine = Uint8Array.from([...images, ...labels])
    const converted = D.convertMnist()
    expect(converted.length).toBe(10000 * 785)
    expect(Buffer.compare(Buffer.from(converted), Buffer.from(mine))).toBe(0)
    expect(createHash("sha256").update(mine).digest("hex")).toBe(D.MNIST_SHA256)
  })

  it("is cached on first use, reused, and rebuilt when the cached bytes do not match", () => {
    const dir = tmp()
    try {
      const file = path.join(dir, D.MNIST_FILE)
      D.mnistBytes({ cacheDir: dir })
      const written = fs.readFileSync(file)
      expect(createHash("sha256").update(written).digest("hex")).toBe(D.MNIST_SHA256)
      const stamp = new Date(2001, 0, 1)
      fs.utimesSync(file, stamp, stamp)
      D.mnistBytes({ cacheDir: dir })
      expect(fs.statSync(file).mtimeMs).toBe(stamp.getTime()) // reused, not rewritten
      const tampered = Buffer.from(written)
      tampered[1000] = (tampered[1000]! + 1) % 256
      fs.writeFileSync(file, tampered)
      const bytes = D.mnistBytes({ cacheDir: dir })
      expect(Buffer.compare(Buffer.from(bytes), written)).toBe(0)
      expect(Buffer.compare(fs.readFileSync(file), written)).toBe(0)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it.effect("a missing or altered package is a MnistUnavailable failure", () =>
    Effect.gen(function* () {
      const dir = tmp()
      try {
        const missing = yield* D.loadMnist("train", { cacheDir: dir, packageDir: path.join(dir, "nowhere") }).pipe(Effect.flip)
        expect(missing._tag).toBe("MnistUnavailable")
        fs.mkdirSync(path.join(dir, "pkg", "src", "digits"), { recursive: true })
        for (let d = 0; d < 10; d++) fs.writeFileSync(path.join(dir, "pkg", "src", "digits", `${d}.json`), JSON.stringify({ data: new Array(784).fill(0.5) }))
        const altered = yield* D.loadMnist("train", { cacheDir: dir, packageDir: path.join(dir, "pkg") }).pipe(Effect.flip)
        expect(altered._tag).toBe("MnistUnavailable")
        expect(altered.message).toMatch(/expected 1001/)
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    }))
})

describe("MNIST split", () => {
  it("holds out the last ⌈n/5⌉ of each class: 7,996 train, 2,004 test, disjoint and complete", () => {
    const m = D.readMnist()
    expect(m.train.size).toBe(7996)
    expect(m.test.size).toBe(2004)
    const perClass = (labels: Uint8Array) => labels.reduce((c, l) => (c[l]!++, c), new Array<number>(10).fill(0))
    expect(perClass(m.test.labels)).toEqual([201, 226, 199, 207, 196, 173, 203, 214, 189, 196])
    expect(perClass(m.train.labels)).toEqual(D.MNIST_CLASS_COUNTS.map((n, d) => n - [201, 226, 199, 207, 196, 173, 203, 214, 189, 196][d]!))
    const { train, test } = D.mnistSplitRows()
    expect(new Set([...train, ...test]).size).toBe(10000)
    // row r of the test split is image rows[r] of the package order
    for (const r of [0, 200, 201, 2003]) {
      const row = test[r]!
      expect(Buffer.compare(Buffer.from(m.test.images.subarray(784 * r, 784 * (r + 1))), Buffer.from(m.all.images.subarray(784 * row, 784 * (row + 1))))).toBe(0)
    }
    // the first test image of class 1 is the package's image 1127 − 226 = 901 of digit 1
    const v = digits(1).slice(901 * 784, 902 * 784).map((x) => Math.round(x * 255))
    expect(Array.from(m.test.images.subarray(201 * 784, 202 * 784))).toEqual(v)
  })
})

describe("MNIST tensors", () => {
  it.effect("unit, threshold and keyed Bernoulli encodings; flat and image layouts", () =>
    inScope(() => {
      const m = D.readMnist()
      const unit = D.mnistTensors(m.test)
      expect(unit.images.shape).toEqual([2004, 784])
      expect(unit.images.dtype).toBe("float32")
      expect(unit.labels.dtype).toBe("int32")
      expect(Array.from(unit.labels.toTypedArray())).toEqual(Array.from(m.test.labels))
      const u = unit.images.toTypedArray()
      for (const i of [0, 500, 784 * 1000 + 400, 2004 * 784 - 1]) expect(u[i]).toBe(Math.fround(m.test.images[i]! / 255))
      const thresholded = D.mnistTensors(m.test, { encoding: "threshold", threshold: 0.3, dtype: "float64", layout: "image" })
      expect(thresholded.images.shape).toEqual([2004, 1, 28, 28])
      const t = thresholded.images.toTypedArray()
      let agree = true
      for (let i = 0; i < t.length; i++) agree &&= t[i] === (m.test.images[i]! / 255 > 0.3 ? 1 : 0)
      expect(agree).toBe(true)
      const b1 = D.mnistTensors(m.test, { encoding: "bernoulli", key: key(3) }).images.toTypedArray()
      const b2 = D.mnistTensors(m.test, { encoding: "bernoulli", key: key(3) }).images.toTypedArray()
      expect(Array.from(b1)).toEqual(Array.from(b2))
      // ones where p = 0 never, where p = 255 always; overall frequency = mean intensity
      let ones = 0, mass = 0, variance = 0, sure = true
      for (let i = 0; i < b1.length; i++) {
        const p = m.test.images[i]! / 255
        ones += b1[i]!
        mass += p
        variance += p * (1 - p)
        if (p === 0) sure &&= b1[i] === 0
        if (p === 1) sure &&= b1[i] === 1
      }
      expect(sure).toBe(true)
      expect(Math.abs(ones - mass)).toBeLessThan(5 * Math.sqrt(variance))
    }))

  it.effect("loadMnist is an Effect whose tensors belong to the enclosing scope", () =>
    Effect.gen(function* () {
      const before = T.liveCount()
      const shape = yield* T.scoped(Effect.map(D.loadMnist("train"), (t) => t.images.shape))
      expect(shape).toEqual([7996, 784])
      expect(T.liveCount()).toBe(before)
    }))

  it.effect("bad options are InvalidArgument errors", () =>
    Effect.gen(function* () {
      const m = D.readMnist()
      for (const options of [{ encoding: "bernoulli" }, { encoding: "gray" }, { threshold: 2 }, { layout: "nhwc" }, { dtype: "int32" }])
        expect(yield* failureTag(() => D.mnistTensors(m.test, options as D.MnistTensorOptions))).toBe("InvalidArgument")
      const bad = yield* D.loadMnist("validation" as never).pipe(Effect.flip)
      expect(bad._tag).toBe("InvalidArgument")
    }))
})
