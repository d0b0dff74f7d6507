/**
 * A small file format for named float32 tensors ("diverge-weights/1"):
 *
 *   u32 LE  n = header length in bytes
 *   n bytes UTF-8 JSON header, padded with spaces to a multiple of 4:
 *           { "format": "diverge-weights/1", "tensors": [{ "name", "shape", "offset" }], "meta": {...} }
 *   data    float32 little-endian values, row-major; tensor i starts `offset` bytes into the data
 *
 * Encoding is deterministic: the same tensors and meta give the same bytes.
 */
import { Data } from "effect"

export class WeightsFormatError extends Data.TaggedError("WeightsFormatError")<{ readonly message: string }> {}

export const WEIGHTS_FORMAT = "diverge-weights/1"

export interface NamedArray {
  readonly name: string
  readonly shape: readonly number[]
  readonly values: Float32Array
}

export interface WeightsHeader {
  readonly format: typeof WEIGHTS_FORMAT
  readonly tensors: readonly { readonly name: string; readonly shape: readonly number[]; readonly offset: number }[]
  readonly meta: unknown
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1)

export const encodeWeights = (arrays: readonly NamedArray[], meta: unknown = {}): Uint8Array => {
  let offset = 0
  const tensors = arrays.map((a) => {
    if (count(a.shape) !== a.values.length) throw new WeightsFormatError({ message: `${a.name}: shape [${a.shape.join(", ")}] does not hold ${a.values.length} values` })
    const entry = { name: a.name, shape: [...a.shape], offset }
    offset += 4 * a.values.length
    return entry
  })
  let header = JSON.stringify({ format: WEIGHTS_FORMAT, tensors, meta })
  const raw = new TextEncoder().encode(header)
  header += " ".repeat((4 - (raw.length % 4)) % 4)
  const headerBytes = new TextEncoder().encode(header)
  const out = new Uint8Array(4 + headerBytes.length + offset)
  const view = new DataView(out.buffer)
  view.setUint32(0, headerBytes.length, true)
  out.set(headerBytes, 4)
  let at = 4 + headerBytes.length
  for (const a of arrays) for (const v of a.values) view.setFloat32(at, v, true), (at += 4)
  return out
}

export const decodeWeights = (bytes: Uint8Array): { readonly header: WeightsHeader; readonly arrays: Map<string, NamedArray> } => {
  const fail = (why: string) => new WeightsFormatError({ message: `not a ${WEIGHTS_FORMAT} file: ${why}` })
  if (bytes.length < 4) throw fail("too short")
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const n = view.getUint32(0, true)
  if (4 + n > bytes.length) throw fail("header runs past the end")
  let header: WeightsHeader
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(4, 4 + n))) as WeightsHeader
  } catch {
    throw fail("the header is not JSON")
  }
  if (header?.format !== WEIGHTS_FORMAT || !Array.isArray(header.tensors)) throw fail("unknown format")
  const data = 4 + n
  const arrays = new Map<string, NamedArray>()
  for (const t of header.tensors) {
    const ok = typeof t.name === "string" && Array.isArray(t.shape) && t.shape.every((d: unknown) => Number.isSafeInteger(d) && (d as number) >= 0) && Number.isSafeInteger(t.offset) && t.offset >= 0
    if (!ok) throw fail(`bad tensor entry ${JSON.stringify(t)}`)
    const len = count(t.shape)
    if (data + t.offset + 4 * len > bytes.length) throw fail(`${t.name} runs past the end`)
    const values = new Float32Array(len)
    for (let i = 0; i < len; i++) values[i] = view.getFloat32(data + t.offset + 4 * i, true)
    arrays.set(t.name, { name: t.name, shape: t.shape, values })
  }
  return { header, arrays }
}
