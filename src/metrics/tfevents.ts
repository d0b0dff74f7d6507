/**
 * TensorBoard event files, written by hand: the few protobuf messages a scalar or image summary
 * needs, and TFRecord framing. Field numbers follow tensorflow/core/util/event.proto and
 * tensorflow/core/framework/summary.proto:
 *   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5 }
 *   Summary { repeated Value value = 1 }
 *   Value   { string tag = 1; float simple_value = 2; Image image = 4 }
 *   Image   { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4 }
 * A TFRecord is: uint64 length (little-endian), uint32 masked CRC-32C of those 8 bytes, the data,
 * uint32 masked CRC-32C of the data.
 */
import { crc32c, maskCrc } from "./crc32c.js"

const WIRE_VARINT = 0
const WIRE_FIXED64 = 1
const WIRE_BYTES = 2
const WIRE_FIXED32 = 5

/** Appends protobuf fields to a growing byte list. */
class ProtoWriter {
  private readonly parts: Uint8Array[] = []
  private length = 0

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes)
    this.length += bytes.length
  }

  private key(field: number, wire: number): void {
    this.varint(BigInt(field * 8 + wire))
  }

  private varint(value: bigint): void {
    // int64 fields are two's complement on 64 bits, so a negative value takes ten bytes.
    let v = BigInt.asUintN(64, value)
    const out: number[] = []
    do {
      const low = Number(v & 0x7fn)
      v >>= 7n
      out.push(v === 0n ? low : low | 0x80)
    } while (v !== 0n)
    this.push(Uint8Array.from(out))
  }

  int(field: number, value: number): this {
    this.key(field, WIRE_VARINT)
    this.varint(BigInt(value))
    return this
  }

  double(field: number, value: number): this {
    this.key(field, WIRE_FIXED64)
    const b = new Uint8Array(8)
    new DataView(b.buffer).setFloat64(0, value, true)
    this.push(b)
    return this
  }

  float(field: number, value: number): this {
    this.key(field, WIRE_FIXED32)
    const b = new Uint8Array(4)
    new DataView(b.buffer).setFloat32(0, value, true)
    this.push(b)
    return this
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, WIRE_BYTES)
    this.varint(BigInt(value.length))
    this.push(value)
    return this
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value))
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length)
    let at = 0
    for (const p of this.parts) {
      out.set(p, at)
      at += p.length
    }
    return out
  }
}

/** An encoded image for an image summary; colorspace 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
export interface SummaryImage {
  readonly height: number
  readonly width: number
  readonly colorspace: number
  readonly encoded: Uint8Array
}

export type SummaryValue =
  | { readonly tag: string; readonly simpleValue: number }
  | { readonly tag: string; readonly image: SummaryImage }

export interface EventFields {
  readonly wallTime: number
  readonly step: number
  readonly fileVersion?: string
  readonly values?: ReadonlyArray<SummaryValue>
}

const encodeValue = (v: SummaryValue): Uint8Array => {
  const w = new ProtoWriter().string(1, v.tag)
  if ("simpleValue" in v) return w.float(2, v.simpleValue).finish()
  const img = new ProtoWriter()
    .int(1, v.image.height)
    .int(2, v.image.width)
    .int(3, v.image.colorspace)
    .bytes(4, v.image.encoded)
    .finish()
  return w.bytes(4, img).finish()
}

/** The serialized `Event` protobuf. */
export const encodeEvent = (e: EventFields): Uint8Array => {
  const w = new ProtoWriter().double(1, e.wallTime).int(2, e.step)
  if (e.fileVersion !== undefined) w.string(3, e.fileVersion)
  if (e.values !== undefined) {
    const summary = new ProtoWriter()
    for (const v of e.values) summary.bytes(1, encodeValue(v))
    w.bytes(5, summary.finish())
  }
  return w.finish()
}

/** One TFRecord: length, masked CRC of the length, data, masked CRC of the data. */
export const frameRecord = (data: Uint8Array): Uint8Array => {
  const out = new Uint8Array(8 + 4 + data.length + 4)
  const view = new DataView(out.buffer)
  view.setBigUint64(0, BigInt(data.length), true)
  view.setUint32(8, maskCrc(crc32c(out.subarray(0, 8))), true)
  out.set(data, 12)
  view.setUint32(12 + data.length, maskCrc(crc32c(data)), true)
  return out
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
/** Channels of each PNG colour type (0 grey, 2 RGB, 3 palette → RGB, 4 grey+alpha, 6 RGBA). */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 }

/**
 * Width, height and colorspace read from a PNG's IHDR chunk, or a message saying why the bytes
 * are not a PNG.
 */
export const pngSummaryImage = (png: Uint8Array): SummaryImage | string => {
  if (png.length < 33 || PNG_SIGNATURE.some((b, i) => png[i] !== b)) return "not a PNG (bad signature)"
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  if (String.fromCharCode(...png.subarray(12, 16)) !== "IHDR") return "not a PNG (no IHDR chunk)"
  const width = view.getUint32(16)
  const height = view.getUint32(20)
  const colorspace = CHANNELS[png[25]!]
  if (colorspace === undefined || width === 0 || height === 0) return `unsupported PNG header (colour type ${png[25]})`
  return { width, height, colorspace, encoded: png }
}
