/**
 * Checkpoints: every tensor of a training state plus the counters, keys, data cursor and
 * history needed to continue the run exactly. Layout: magic "DIVCKPT1", u32 header length,
 * the header (JSON: metadata and the trees with tensors replaced by {"$t": i}), the tensor
 * bytes, and a SHA-256 of everything before it. A new checkpoint is written to a temporary
 * file, synced, then renamed over the old one, so a crash never leaves a half-written file.
 */
import { createHash } from "node:crypto"
import { Effect, FileSystem } from "effect"
import type { TensorError } from "../native/errors.js"
import { tensor } from "../tensor/ops/creation.js"
import { compute } from "../tensor/scope.js"
import type { DeviceId } from "../tensor/device.js"
import { type DType, dtypes } from "../tensor/dtype.js"
import { Tensor } from "../tensor/tensor.js"
import { CheckpointCorrupt, CheckpointIOError, CheckpointMismatch } from "./errors.js"

const MAGIC = new TextEncoder().encode("DIVCKPT1")

export interface CheckpointMeta {
  readonly study: string
  /** A hash of the configuration: a checkpoint only resumes the run it came from. */
  readonly configHash: string
}

interface TensorEntry {
  readonly dtype: DType
  readonly shape: readonly number[]
  readonly offset: number
  readonly bytes: number
}

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u) && Object.getPrototypeOf(u) === Object.prototype

/** The tree as JSON with each tensor replaced by {"$t": index}, and the tensors in order. */
const skeleton = (tree: unknown, tensors: Tensor[]): unknown => {
  if (tree instanceof Tensor) {
    tensors.push(tree)
    return { $t: tensors.length - 1 }
  }
  if (Array.isArray(tree)) return tree.map((x) => skeleton(x, tensors))
  if (isRecord(tree)) return Object.fromEntries(Object.entries(tree).filter(([, v]) => v !== undefined).map(([k, v]) => [k, skeleton(v, tensors)]))
  if (typeof tree === "object" && tree !== null && "toJSON" in tree) return (tree as { toJSON(): unknown }).toJSON()
  return tree
}

const rebuild = (node: unknown, tensors: readonly Tensor[]): unknown => {
  if (Array.isArray(node)) return node.map((x) => rebuild(x, tensors))
  if (isRecord(node)) {
    if (Object.keys(node).length === 1 && typeof node.$t === "number") return tensors[node.$t]
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, rebuild(v, tensors)]))
  }
  return node
}

/** The bytes of a checkpoint holding `body` (any tree of tensors and JSON values). */
export const encode = (meta: CheckpointMeta, body: unknown): Uint8Array => {
  const tensors: Tensor[] = []
  const tree = skeleton(body, tensors)
  const blobs = tensors.map((t) => {
    const a = t.toTypedArray()
    return new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
  })
  let offset = 0
  const entries: TensorEntry[] = tensors.map((t, i) => {
    const e = { dtype: t.dtype, shape: [...t.shape], offset, bytes: blobs[i]!.byteLength }
    offset += e.bytes
    return e
  })
  const header = new TextEncoder().encode(JSON.stringify({ format: 1, ...meta, tensors: entries, tree }))
  const out = new Uint8Array(MAGIC.length + 4 + header.length + offset + 32)
  out.set(MAGIC, 0)
  new DataView(out.buffer).setUint32(MAGIC.length, header.length, true)
  out.set(header, MAGIC.length + 4)
  let at = MAGIC.length + 4 + header.length
  for (const b of blobs) {
    out.set(b, at)
    at += b.byteLength
  }
  out.set(createHash("sha256").update(out.subarray(0, at)).digest(), at)
  return out
}

const typed = (dtype: DType, bytes: Uint8Array) => {
  // A copy into a fresh, aligned buffer (a Node Buffer's slice() would share its pool).
  const copy = new ArrayBuffer(bytes.byteLength)
  new Uint8Array(copy).set(bytes)
  return dtype === "float32" ? new Float32Array(copy) : dtype === "float64" ? new Float64Array(copy) : dtype === "int32" ? new Int32Array(copy) : new Uint8Array(copy)
}

/** Parses checkpoint bytes; tensors are created on `device` in the current owner. */
export const decode = (
  path: string,
  bytes: Uint8Array,
  expect: CheckpointMeta,
  device?: DeviceId
): Effect.Effect<unknown, CheckpointCorrupt | CheckpointMismatch | TensorError> =>
  Effect.suspend((): Effect.Effect<unknown, CheckpointCorrupt | CheckpointMismatch | TensorError> => {
    const corrupt = (message: string) => Effect.fail(new CheckpointCorrupt({ path, message }))
    if (bytes.length < MAGIC.length + 4 + 32 || !MAGIC.every((b, i) => bytes[i] === b)) return corrupt("not a diverge checkpoint (bad magic or too short)")
    const body = bytes.subarray(0, bytes.length - 32)
    const digest = createHash("sha256").update(body).digest()
    if (!digest.equals(Buffer.from(bytes.subarray(bytes.length - 32)))) return corrupt("checksum mismatch: the file is truncated or damaged")
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true)
    const start = MAGIC.length + 4
    let header: { format?: unknown; study?: unknown; configHash?: unknown; tensors?: TensorEntry[]; tree?: unknown }
    try {
      header = JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + headerLength)))
    } catch {
      return corrupt("unreadable header")
    }
    if (header.format !== 1 || !Array.isArray(header.tensors)) return corrupt(`unsupported checkpoint format ${String(header.format)}`)
    if (header.study !== expect.study)
      return Effect.fail(new CheckpointMismatch({ path, message: `checkpoint of study "${String(header.study)}", not "${expect.study}"` }))
    if (header.configHash !== expect.configHash)
      return Effect.fail(new CheckpointMismatch({ path, message: "checkpoint was written with another configuration (config hash differs)" }))
    const payload = start + headerLength
    for (const e of header.tensors)
      if (!dtypes.includes(e.dtype) || payload + e.offset + e.bytes > body.length) return corrupt("tensor table points outside the file")
    const table = header.tensors
    // Created in the fiber's tensor scope, like any tensor made by Effect code.
    return compute(() => {
      const tensors = table.map((e) =>
        tensor(typed(e.dtype, body.subarray(payload + e.offset, payload + e.offset + e.bytes)), { shape: e.shape, dtype: e.dtype, ...(device ? { device } : {}) })
      )
      return rebuild(header.tree, tensors)
    })
  })

/** Checks that `loaded` has the tensor shapes and dtypes of `template` (e.g. a fresh init). */
export const checkShapes = (path: string, loaded: unknown, template: unknown): Effect.Effect<void, CheckpointMismatch> =>
  Effect.suspend(() => {
    const problems: string[] = []
    const visit = (a: unknown, b: unknown, where: string): void => {
      if (b instanceof Tensor) {
        if (!(a instanceof Tensor)) problems.push(`${where}: expected a tensor`)
        else if (a.dtype !== b.dtype || a.shape.join() !== b.shape.join())
          problems.push(`${where}: ${a.dtype}[${a.shape.join(", ")}] in the checkpoint, ${b.dtype}[${b.shape.join(", ")}] expected`)
      } else if (Array.isArray(b)) {
        if (!Array.isArray(a) || a.length !== b.length) problems.push(`${where}: expected ${b.length} entries`)
        else b.forEach((x, i) => visit(a[i], x, `${where}[${i}]`))
      } else if (isRecord(b)) {
        if (!isRecord(a)) problems.push(`${where}: expected a record`)
        else for (const k of Object.keys(b)) if (b[k] !== undefined) visit(a[k], b[k], `${where}.${k}`)
      }
    }
    visit(loaded, template, "state")
    return problems.length === 0
      ? Effect.void
      : Effect.fail(new CheckpointMismatch({ path, message: `shapes differ from this study's: ${problems.slice(0, 5).join("; ")}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ""}` }))
  })

const io = (path: string) => (e: unknown) => new CheckpointIOError({ path, message: e instanceof Error ? e.message : String(e) })

/** Writes atomically: a temporary file in the same folder, synced, then renamed over `path`. */
export const save = (path: string, meta: CheckpointMeta, body: unknown) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const bytes = encode(meta, body)
    const tmp = `${path}.tmp-${process.pid}`
    yield* Effect.scoped(
      Effect.gen(function* () {
        const file = yield* fs.open(tmp, { flag: "w" })
        yield* file.writeAll(bytes)
        yield* file.sync
      })
    ).pipe(Effect.mapError(io(tmp)))
    yield* fs.rename(tmp, path).pipe(Effect.mapError(io(path)))
  })

export const load = (path: string, expect: CheckpointMeta, device?: DeviceId) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const bytes = yield* fs.readFile(path).pipe(Effect.mapError(io(path)))
    return yield* decode(path, bytes, expect, device)
  })
