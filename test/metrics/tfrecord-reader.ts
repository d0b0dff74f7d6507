/**
 * An independent reader of TensorBoard event files for the tests: a bit-by-bit CRC-32C (no
 * table), TFRecord framing checks, and a generic protobuf field parser.
 */

/** CRC-32C one bit at a time, straight from the definition (reflected polynomial 0x82F63B78). */
export const crc32cBitwise = (bytes: Uint8Array): number => {
  let crc = 0xffffffffn
  for (const b of bytes) {
    crc ^= BigInt(b)
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ 0x82f63b78n : crc >> 1n
  }
  return Number(crc ^ 0xffffffffn)
}

/** TFRecord's mask with 64-bit integers: rotate right 15 within 32 bits, add 0xa282ead8, mod 2^32. */
export const maskBig = (crc: number): number => {
  const c = BigInt(crc)
  const rotated = ((c >> 15n) | (c << 17n)) & 0xffffffffn
  return Number((rotated + 0xa282ead8n) & 0xffffffffn)
}

/** Splits a TFRecord file into its records, failing on a bad length or CRC. */
export const readRecords = (file: Uint8Array): Uint8Array[] => {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength)
  const records: Uint8Array[] = []
  let at = 0
  while (at < file.length) {
    if (at + 12 > file.length) throw new Error(`truncated header at ${at}`)
    const length = Number(view.getBigUint64(at, true))
    if (view.getUint32(at + 8, true) !== maskBig(crc32cBitwise(file.subarray(at, at + 8)))) throw new Error(`bad length CRC at ${at}`)
    const data = file.subarray(at + 12, at + 12 + length)
    if (data.length !== length || at + 16 + length > file.length) throw new Error(`truncated record at ${at}`)
    if (view.getUint32(at + 12 + length, true) !== maskBig(crc32cBitwise(data))) throw new Error(`bad data CRC at ${at}`)
    records.push(data)
    at += 16 + length
  }
  return records
}

export interface Field {
  readonly field: number
  readonly wire: number
  /** varint and fixed fields as raw unsigned integers; length-delimited ones as bytes. */
  readonly value: bigint | Uint8Array
}

/** All fields of a protobuf message, in order. */
export const parseMessage = (bytes: Uint8Array): Field[] => {
  const fields: Field[] = []
  let at = 0
  const varint = (): bigint => {
    let result = 0n
    for (let shift = 0n; ; shift += 7n) {
      if (at >= bytes.length) throw new Error("truncated varint")
      const b = bytes[at++]!
      result |= BigInt(b & 0x7f) << shift
      if (!(b & 0x80)) return result
    }
  }
  const fixed = (n: number): bigint => {
    let v = 0n
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i]!)
    at += n
    return v
  }
  while (at < bytes.length) {
    const key = Number(varint())
    const field = key >> 3
    const wire = key & 7
    if (wire === 0) fields.push({ field, wire, value: varint() })
    else if (wire === 1) fields.push({ field, wire, value: fixed(8) })
    else if (wire === 5) fields.push({ field, wire, value: fixed(4) })
    else if (wire === 2) {
      const n = Number(varint())
      fields.push({ field, wire, value: bytes.subarray(at, at + n) })
      at += n
    } else throw new Error(`unexpected wire type ${wire}`)
  }
  return fields
}

const asDouble = (v: bigint) => new DataView(new BigUint64Array([v]).buffer).getFloat64(0, true)
const asFloat = (v: bigint) => new DataView(new Uint32Array([Number(v)]).buffer).getFloat32(0, true)

export interface DecodedValue {
  tag?: string
  simpleValue?: number
  image?: { height?: number; width?: number; colorspace?: number; encoded?: Uint8Array }
}
export interface DecodedEvent {
  wallTime?: number
  step?: number
  fileVersion?: string
  values: DecodedValue[]
}

const text = (v: bigint | Uint8Array) => new TextDecoder().decode(v as Uint8Array)

/** An Event message back to its fields (only the ones the writer uses; anything else fails). */
export const decodeEvent = (bytes: Uint8Array): DecodedEvent => {
  const event: DecodedEvent = { values: [] }
  for (const f of parseMessage(bytes)) {
    if (f.field === 1 && f.wire === 1) event.wallTime = asDouble(f.value as bigint)
    else if (f.field === 2 && f.wire === 0) event.step = Number(BigInt.asIntN(64, f.value as bigint))
    else if (f.field === 3 && f.wire === 2) event.fileVersion = text(f.value)
    else if (f.field === 5 && f.wire === 2) {
      for (const s of parseMessage(f.value as Uint8Array)) {
        if (s.field !== 1 || s.wire !== 2) throw new Error(`unexpected Summary field ${s.field}`)
        const value: DecodedValue = {}
        for (const v of parseMessage(s.value as Uint8Array)) {
          if (v.field === 1 && v.wire === 2) value.tag = text(v.value)
          else if (v.field === 2 && v.wire === 5) value.simpleValue = asFloat(v.value as bigint)
          else if (v.field === 4 && v.wire === 2) {
            const image: NonNullable<DecodedValue["image"]> = {}
            for (const i of parseMessage(v.value as Uint8Array)) {
              if (i.field === 1 && i.wire === 0) image.height = Number(i.value)
              else if (i.field === 2 && i.wire === 0) image.width = Number(i.value)
              else if (i.field === 3 && i.wire === 0) image.colorspace = Number(i.value)
              else if (i.field === 4 && i.wire === 2) image.encoded = i.value as Uint8Array
              else throw new Error(`unexpected Image field ${i.field}`)
            }
            value.image = image
          } else throw new Error(`unexpected Value field ${v.field}`)
        }
        event.values.push(value)
      }
    } else throw new Error(`unexpected Event field ${f.field} (wire ${f.wire})`)
  }
  return event
}
