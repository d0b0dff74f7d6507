/** CRC-32C, TFRecord framing, the Event encoding, and the TensorBoard sink read back independently. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { PNG } from "pngjs"
import { crc32c, maskCrc } from "../../src/metrics/crc32c.js"
import { tensorBoardSink } from "../../src/metrics/sink.js"
import { encodeEvent, frameRecord, pngSummaryImage } from "../../src/metrics/tfevents.js"
import { prng } from "../support/random.js"
import { crc32cBitwise, decodeEvent, maskBig, readRecords } from "./tfrecord-reader.js"

const bytes = (...xs: number[]) => Uint8Array.from(xs)
const ascii = (s: string) => new TextEncoder().encode(s)
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "diverge-tb-"))

const grayPng = (width: number, height: number, colorType: 0 | 2 | 6): Uint8Array => {
  const png = new PNG({ width, height, colorType, inputColorType: 6, inputHasAlpha: true })
  for (let i = 0; i < width * height; i++) png.data.set([i % 256, 7, 9, 255], 4 * i)
  return new Uint8Array(PNG.sync.write(png, { colorType }))
}

describe("CRC-32C", () => {
  it("matches the published check values", () => {
    expect(crc32c(ascii("123456789"))).toBe(0xe3069283)
    // RFC 3720 (iSCSI), appendix B.4.
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa)
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43)
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e)
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c)
    expect(crc32c(new Uint8Array(0))).toBe(0)
  })

  it("agrees with a bit-by-bit implementation on random buffers", () => {
    const next = prng(3)
    for (const n of [1, 2, 7, 8, 63, 1000]) {
      const b = Uint8Array.from({ length: n }, () => Math.floor(next() * 256))
      expect(crc32c(b)).toBe(crc32cBitwise(b))
    }
  })

  it("masks by rotating right 15 bits and adding 0xa282ead8 modulo 2^32", () => {
    for (const c of [0, 1, 0xe3069283, 0xffffffff, 0x80000000, 0x7fff]) expect(maskCrc(c)).toBe(maskBig(c))
    expect(maskCrc(0)).toBe(0xa282ead8)
    expect(maskCrc(1 << 15)).toBe(0xa282ead9) // bit 15 rotates to bit 0
  })
})

describe("Event encoding", () => {
  it("writes the protobuf bytes the spec gives, field by field", () => {
    const encoded = encodeEvent({ wallTime: 1.5, step: 300, values: [{ tag: "a", simpleValue: 0.5 }] })
    // 1.5 as a little-endian double is 00 00 00 00 00 00 F8 3F; 300 as a varint is AC 02; 0.5f is 00 00 00 3F.
    const value = bytes(0x0a, 0x01, 0x61, 0x15, 0x00, 0x00, 0x00, 0x3f)
    const summary = bytes(0x0a, value.length, ...value)
    const expected = bytes(0x09, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0x10, 0xac, 0x02, 0x2a, summary.length, ...summary)
    expect(encoded).toEqual(expected)
    const version = encodeEvent({ wallTime: 0, step: 0, fileVersion: "brain.Event:2" })
    expect(version).toEqual(bytes(0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x00, 0x1a, 13, ...ascii("brain.Event:2")))
  })

  it("encodes image summaries and large steps", () => {
    const png = grayPng(3, 2, 2)
    const image = pngSummaryImage(png)
    if (typeof image === "string") throw new Error(image)
    const event = decodeEvent(encodeEvent({ wallTime: 2, step: 2 ** 40 + 3, values: [{ tag: "samples/x y", image }] }))
    expect(event.step).toBe(2 ** 40 + 3)
    expect(event.values).toEqual([{ tag: "samples/x y", image: { height: 2, width: 3, colorspace: 3, encoded: png } }])
  })

  it("reads the colorspace and size from the PNG header", () => {
    expect(pngSummaryImage(grayPng(5, 4, 0))).toMatchObject({ width: 5, height: 4, colorspace: 1 })
    expect(pngSummaryImage(grayPng(5, 4, 6))).toMatchObject({ width: 5, height: 4, colorspace: 4 })
    expect(pngSummaryImage(ascii("not a png at all, just some text here"))).toMatch(/not a PNG/)
  })
})

describe("TFRecord framing", () => {
  it("is length, masked CRC of the length, data, masked CRC of the data", () => {
    const data = ascii("hello")
    const framed = frameRecord(data)
    expect(framed.length).toBe(8 + 4 + 5 + 4)
    const view = new DataView(framed.buffer)
    expect(view.getBigUint64(0, true)).toBe(5n)
    expect(view.getUint32(8, true)).toBe(maskBig(crc32cBitwise(framed.subarray(0, 8))))
    expect(framed.subarray(12, 17)).toEqual(data)
    expect(view.getUint32(17, true)).toBe(maskBig(crc32cBitwise(data)))
    expect(readRecords(framed)).toEqual([data])
    const corrupt = framed.slice()
    corrupt[13]! ^= 1
    expect(() => readRecords(corrupt)).toThrow(/bad data CRC/)
  })
})

describe("tensorBoardSink", () => {
  it.effect("writes a file TensorBoard's format reads back: version, scalars, images", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      yield* TestClock.setTime(1_700_000_000_500)
      const png = grayPng(4, 3, 6)
      yield* Effect.scoped(
        Effect.gen(function* () {
          const sink = yield* tensorBoardSink(dir, { hostname: "testhost" })
          yield* sink.write({ step: 0, values: { "loss/critic": -0.25, "loss/generator": 1 / 3 } })
          yield* TestClock.adjust("2 seconds")
          yield* sink.write({ step: 10, values: { "loss/critic": Number.NaN }, wallTime: 42.25 })
          yield* sink.image("samples", 10, png)
        })
      )
      const names = fs.readdirSync(dir)
      expect(names).toEqual(["events.out.tfevents.1700000000.testhost"])
      const events = readRecords(new Uint8Array(fs.readFileSync(path.join(dir, names[0]!)))).map(decodeEvent)
      expect(events).toHaveLength(4)
      expect(events[0]).toEqual({ wallTime: 1_700_000_000.5, step: 0, fileVersion: "brain.Event:2", values: [] })
      expect(events[1]).toEqual({
        wallTime: 1_700_000_000.5,
        step: 0,
        values: [
          { tag: "loss/critic", simpleValue: -0.25 },
          { tag: "loss/generator", simpleValue: Math.fround(1 / 3) }
        ]
      })
      expect(events[2]!.wallTime).toBe(42.25)
      expect(events[2]!.step).toBe(10)
      expect(events[2]!.values[0]!.tag).toBe("loss/critic")
      expect(Number.isNaN(events[2]!.values[0]!.simpleValue)).toBe(true)
      expect(events[3]).toEqual({
        wallTime: 1_700_000_002.5,
        step: 10,
        values: [{ tag: "samples", image: { height: 3, width: 4, colorspace: 4, encoded: png } }]
      })
    }))

  it.effect("a second writer in the same second gets its own file; closing twice is fine", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const a = yield* tensorBoardSink(dir, { hostname: "h" })
      const b = yield* tensorBoardSink(dir, { hostname: "h" })
      yield* a.close
      yield* a.close
      yield* b.close
      expect(fs.readdirSync(dir).sort()).toEqual(["events.out.tfevents.0.h", "events.out.tfevents.0.h.1"])
    }))

  it.effect("refuses bad steps, bad images and writes after close, as SinkErrors", () =>
    Effect.gen(function* () {
      const sink = yield* tensorBoardSink(tempDir(), { hostname: "h" })
      const negative = yield* Effect.flip(sink.write({ step: -1, values: { a: 1 } }))
      expect(negative._tag).toBe("SinkError")
      expect(negative.message).toMatch(/step/)
      expect((yield* Effect.flip(sink.write({ step: 1.5, values: {} }))).message).toMatch(/step/)
      expect((yield* Effect.flip(sink.write({ step: 1, values: { "": 1 } }))).message).toMatch(/empty/)
      expect((yield* Effect.flip(sink.image("x", 1, ascii("GIF89a........................................")))).message).toMatch(/not a PNG/)
      yield* sink.close
      expect((yield* Effect.flip(sink.write({ step: 2, values: { a: 1 } }))).message).toMatch(/closed/)
    }))

  it.effect("the scope closes the file", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const sink = yield* Effect.scoped(tensorBoardSink(dir, { hostname: "h" }))
      expect((yield* Effect.flip(sink.write({ step: 1, values: { a: 1 } }))).message).toMatch(/closed/)
      expect(readRecords(new Uint8Array(fs.readFileSync(path.join(dir, fs.readdirSync(dir)[0]!))))).toHaveLength(1)
    }))

  it.effect("an unwritable folder is a SinkError", () =>
    Effect.gen(function* () {
      const file = path.join(tempDir(), "plain-file")
      fs.writeFileSync(file, "x")
      const error = yield* Effect.flip(Effect.scoped(tensorBoardSink(path.join(file, "sub"))))
      expect(error._tag).toBe("SinkError")
    }))
})
