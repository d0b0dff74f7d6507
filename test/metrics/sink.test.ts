/** JSON lines, the image folder sink, combineSinks and the progress sink. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { formatDuration, formatMetric } from "../../src/metrics/format.js"
import { consoleProgressSink, formatProgressLine } from "../../src/metrics/progress.js"
import { combineSinks, imageDirSink, jsonLinesSink, type MetricRecord, type MetricSink, readJsonLines, SinkError } from "../../src/metrics/sink.js"

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "diverge-sink-"))

describe("jsonLinesSink", () => {
  it.effect("writes one JSON object per line, on disk before the sink is closed, and reads back", () =>
    Effect.gen(function* () {
      const file = path.join(tempDir(), "run", "metrics.jsonl")
      yield* TestClock.setTime(5_000)
      const sink = yield* jsonLinesSink(file)
      yield* sink.write({ step: 0, values: { "loss/critic": -0.125, "loss/generator": 0.1 + 0.2 } })
      yield* sink.write({ step: 7, values: { nan: NaN, up: Infinity, down: -Infinity }, wallTime: 12.5 })
      // Nothing is buffered in the process: a killed run keeps both lines.
      const lines = fs.readFileSync(file, "utf8").split("\n")
      expect(lines).toEqual([
        '{"step":0,"wallTime":5,"values":{"loss/critic":-0.125,"loss/generator":0.30000000000000004}}',
        '{"step":7,"wallTime":12.5,"values":{"nan":"NaN","up":"Infinity","down":"-Infinity"}}',
        ""
      ])
      const back = yield* readJsonLines(file)
      expect(back).toEqual([
        { step: 0, wallTime: 5, values: { "loss/critic": -0.125, "loss/generator": 0.30000000000000004 } },
        { step: 7, wallTime: 12.5, values: { nan: NaN, up: Infinity, down: -Infinity } }
      ])
      yield* sink.image("ignored", 1, new Uint8Array(0))
      yield* sink.close
      expect((yield* Effect.flip(sink.write({ step: 8, values: {} }))).message).toMatch(/closed/)
    }))

  it.effect("appends to an existing file, and the scope closes it", () =>
    Effect.gen(function* () {
      const file = path.join(tempDir(), "m.jsonl")
      for (const step of [1, 2]) {
        const sink = yield* Effect.scoped(Effect.tap(jsonLinesSink(file), (s) => s.write({ step, values: { a: step } })))
        expect((yield* Effect.flip(sink.write({ step, values: {} }))).message).toMatch(/closed/)
      }
      expect((yield* readJsonLines(file)).map((r) => r.step)).toEqual([1, 2])
    }))

  it.effect("reading drops a last line cut short, but not a malformed line inside", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const cut = path.join(dir, "cut.jsonl")
      fs.writeFileSync(cut, '{"step":1,"wallTime":0,"values":{"a":1}}\n{"step":2,"wallT')
      expect(yield* readJsonLines(cut)).toEqual([{ step: 1, wallTime: 0, values: { a: 1 } }])
      const bad = path.join(dir, "bad.jsonl")
      fs.writeFileSync(bad, '{"step":1,"wallTime":0,"values":{"a":1}}\n{"step":2}\n')
      expect((yield* Effect.flip(readJsonLines(bad))).message).toMatch(/line 2/)
      const word = path.join(dir, "word.jsonl")
      fs.writeFileSync(word, '{"step":1,"wallTime":0,"values":{"a":"high"}}\n')
      expect((yield* Effect.flip(readJsonLines(word))).message).toMatch(/"a" is not a number/)
      expect((yield* Effect.flip(readJsonLines(path.join(dir, "missing.jsonl"))))._tag).toBe("SinkError")
    }))

  it.effect("bad records are SinkErrors", () =>
    Effect.gen(function* () {
      const sink = yield* jsonLinesSink(path.join(tempDir(), "m.jsonl"))
      const cases: MetricRecord[] = [
        { step: -1, values: {} },
        { step: NaN, values: {} },
        { step: 1, values: { a: "1" as unknown as number } },
        { step: 1, values: {}, wallTime: Infinity }
      ]
      for (const r of cases) expect((yield* Effect.flip(sink.write(r)))._tag).toBe("SinkError")
    }))
})

describe("imageDirSink", () => {
  it.effect("writes <tag>-<step>.png with unsafe characters replaced", () =>
    Effect.gen(function* () {
      const dir = path.join(tempDir(), "plots")
      const sink = yield* imageDirSink(dir)
      yield* sink.image("samples/2d grid", 42, Uint8Array.from([1, 2, 3]))
      yield* sink.image("../escape", 1, Uint8Array.from([4]))
      expect(fs.readdirSync(dir).sort()).toEqual(["__escape-000001.png", "samples_2d_grid-000042.png"])
      expect([...fs.readFileSync(path.join(dir, "samples_2d_grid-000042.png"))]).toEqual([1, 2, 3])
      yield* sink.close
      expect((yield* Effect.flip(sink.image("a", 1, new Uint8Array(1)))).message).toMatch(/closed/)
    }))
})

/** A sink that records what it was asked to do, failing where told. */
const recorder = (name: string, log: string[], failOn: { write?: boolean; close?: boolean } = {}): MetricSink => ({
  write: (r) =>
    Effect.suspend(() => {
      log.push(`${name}.write(${r.step})`)
      return failOn.write ? Effect.fail(new SinkError({ sink: name, message: `${name} write failed` })) : Effect.void
    }),
  image: (tag, step) => Effect.sync(() => void log.push(`${name}.image(${tag},${step})`)),
  close: Effect.suspend(() => {
    log.push(`${name}.close`)
    return failOn.close ? Effect.fail(new SinkError({ sink: name, message: `${name} close failed` })) : Effect.void
  })
})

describe("combineSinks", () => {
  it.effect("sends records and images to every sink in order", () =>
    Effect.gen(function* () {
      const log: string[] = []
      const sink = combineSinks(recorder("a", log), recorder("b", log))
      yield* sink.write({ step: 3, values: { x: 1 } })
      yield* sink.image("t", 4, new Uint8Array(0))
      yield* sink.close
      expect(log).toEqual(["a.write(3)", "b.write(3)", "a.image(t,4)", "b.image(t,4)", "a.close", "b.close"])
    }))

  it.effect("a failed write stops there; close closes all and reports the first failure", () =>
    Effect.gen(function* () {
      const log: string[] = []
      const sink = combineSinks(recorder("a", log, { write: true, close: true }), recorder("b", log, { close: true }), recorder("c", log))
      expect((yield* Effect.flip(sink.write({ step: 1, values: {} }))).message).toBe("a write failed")
      expect((yield* Effect.flip(sink.close)).message).toBe("a close failed")
      expect(log).toEqual(["a.write(1)", "a.close", "b.close", "c.close"])
    }))
})

describe("formatting", () => {
  it("metrics keep four significant digits", () => {
    expect([0.123456, -1234.56, 42, 0, 1e-5, 123456, NaN, Infinity, -Infinity].map(formatMetric)).toEqual([
      "0.1235", "-1235", "42", "0", "1.000e-5", "1.235e5", "nan", "inf", "-inf"
    ])
  })
  it("durations read m:ss or h:mm:ss", () => {
    expect([0, 25.4, 59.6, 61, 3599, 3600, 3725, -1, NaN].map(formatDuration)).toEqual([
      "0:00", "0:25", "1:00", "1:01", "59:59", "1:00:00", "1:02:05", "?", "?"
    ])
  })
})

describe("progress", () => {
  it("line: step, percent, rate, ETA, then the latest values", () => {
    const state = { step: 120, total: 1000, rate: 35.2, values: { "loss/critic": -0.12345, g: 0.456 } }
    // ETA = (1000 - 120) / 35.2 = 25 s.
    expect(formatProgressLine(state)).toBe("step 120/1000 12.0% 35.2 steps/s ETA 0:25 | loss/critic=-0.1235 g=0.4560")
    expect(formatProgressLine({ ...state, rate: undefined, values: {} }, { barWidth: 10 })).toBe("[#---------] step 120/1000 12.0% - steps/s ETA -")
    expect(formatProgressLine({ step: 1000, total: 1000, rate: 250, values: {} }, { barWidth: 4 })).toBe("[####] step 1000/1000 100.0% 250 steps/s ETA 0:00")
  })

  const fakeStream = (isTTY: boolean, columns?: number) => {
    const chunks: string[] = []
    return { chunks, stream: { write: (s: string) => chunks.push(s), isTTY, ...(columns ? { columns } : {}) } }
  }

  it.effect("without a TTY, prints a plain line every `every` steps and at the end", () =>
    Effect.gen(function* () {
      const { chunks, stream } = fakeStream(false)
      const sink = yield* consoleProgressSink({ total: 10, every: 4, stream })
      for (let step = 0; step <= 10; step++) {
        yield* sink.write({ step, values: { loss: 1 / (step + 1) } })
        yield* TestClock.adjust("500 millis") // 2 steps/s
      }
      yield* sink.close
      expect(chunks).toEqual([
        "step 0/10 0.0% - steps/s ETA - | loss=1\n",
        "step 4/10 40.0% 2.0 steps/s ETA 0:03 | loss=0.2000\n",
        "step 8/10 80.0% 2.0 steps/s ETA 0:01 | loss=0.1111\n",
        "step 10/10 100.0% 2.0 steps/s ETA 0:00 | loss=0.09091\n"
      ])
    }))

  it.effect("on a TTY, redraws one line in place, cut to the terminal width, and ends it on close", () =>
    Effect.gen(function* () {
      const { chunks, stream } = fakeStream(true, 40)
      const sink = yield* consoleProgressSink({ total: 4, stream, barWidth: 4 })
      yield* sink.write({ step: 1, values: { a: 1 } })
      yield* TestClock.adjust("1 second")
      yield* sink.write({ step: 2, values: { b: 2 } })
      yield* sink.close
      yield* sink.close
      expect(chunks).toEqual([
        // 39 characters: one less than the terminal, so the cursor never wraps.
        "\r[#---] step 1/4 25.0% - steps/s ETA - |\x1b[K",
        "\r[##--] step 2/4 50.0% 1.0 steps/s ETA 0\x1b[K",
        "\n"
      ])
      expect((yield* Effect.flip(sink.write({ step: 3, values: {} }))).message).toMatch(/closed/)
    }))

  it.effect("the end of the scope ends the terminal line", () =>
    Effect.gen(function* () {
      const { chunks, stream } = fakeStream(true, 80)
      yield* Effect.scoped(Effect.flatMap(consoleProgressSink({ total: 4, stream }), (sink) => sink.write({ step: 1, values: {} })))
      expect(chunks).toHaveLength(2)
      expect(chunks[1]).toBe("\n")
    }))

  it.effect("a total that is not a positive integer is a SinkError", () =>
    Effect.gen(function* () {
      expect((yield* Effect.flip(consoleProgressSink({ total: 0 })))._tag).toBe("SinkError")
      expect((yield* Effect.flip(consoleProgressSink({ total: 2.5 })))._tag).toBe("SinkError")
    }))
})
