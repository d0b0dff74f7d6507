/**
 * Metric sinks: where a study's numbers and pictures go. A sink is a value with three effects
 * (write a record of scalars, write a PNG under a tag, close); the constructors are scoped, so
 * the file a sink holds is closed when the study's scope ends, by success, failure or
 * interruption. Writes go straight to the file (no buffering in the process), so a run that is
 * killed keeps every record it wrote.
 */
import { Clock, Data, Effect, Exit, type Scope } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { encodeEvent, frameRecord, pngSummaryImage } from "./tfevents.js"

export class SinkError extends Data.TaggedError("SinkError")<{
  readonly sink: string
  readonly message: string
  readonly cause?: unknown
}> {}

/** Scalars logged at one step; `wallTime` in seconds since the epoch (the clock's when absent). */
export interface MetricRecord {
  readonly step: number
  readonly values: Readonly<Record<string, number>>
  readonly wallTime?: number
}

export interface MetricSink {
  readonly write: (record: MetricRecord) => Effect.Effect<void, SinkError>
  /** An encoded PNG (see src/metrics/plot) shown under `tag` at `step`. */
  readonly image: (tag: string, step: number, png: Uint8Array) => Effect.Effect<void, SinkError>
  /** Closes the sink now; closing twice is allowed; writing after closing is a SinkError. */
  readonly close: Effect.Effect<void, SinkError>
}

/** The record's wall time, or the clock's (so tests under TestClock are deterministic). */
export const wallTimeOf = (record: { readonly wallTime?: number }): Effect.Effect<number> =>
  record.wallTime !== undefined ? Effect.succeed(record.wallTime) : Effect.map(Clock.currentTimeMillis, (ms) => ms / 1000)

/** Fails unless the step is a non-negative safe integer and every tag is a non-empty string. */
export const checkRecord = (sink: string, record: MetricRecord): Effect.Effect<void, SinkError> => {
  const bad = (message: string) => Effect.fail(new SinkError({ sink, message }))
  if (!Number.isSafeInteger(record.step) || record.step < 0) return bad(`step must be a non-negative integer, got ${record.step}`)
  if (record.wallTime !== undefined && !Number.isFinite(record.wallTime)) return bad(`wallTime must be finite, got ${record.wallTime}`)
  if (typeof record.values !== "object" || record.values === null) return bad("values must be a record of numbers")
  for (const [tag, value] of Object.entries(record.values)) {
    if (tag.length === 0) return bad("a metric name is empty")
    if (typeof value !== "number") return bad(`metric "${tag}" is not a number`)
  }
  return Effect.void
}

const checkImage = (sink: string, tag: string, step: number): Effect.Effect<void, SinkError> =>
  checkRecord(sink, { step, values: {} }).pipe(
    Effect.andThen(tag.length === 0 ? Effect.fail(new SinkError({ sink, message: "an image tag is empty" })) : Effect.void)
  )

const describe = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

/** A file opened for appending, closed by the scope (or earlier by `close`). */
interface OpenFile {
  readonly append: (bytes: Uint8Array | string) => Effect.Effect<void, SinkError>
  readonly close: Effect.Effect<void, SinkError>
}

const openFile = (sink: string, file: string, flags: string): Effect.Effect<OpenFile, SinkError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.try({
      try: () => {
        fs.mkdirSync(path.dirname(file), { recursive: true })
        return { fd: fs.openSync(file, flags), open: true }
      },
      catch: (cause) => new SinkError({ sink, message: `cannot open ${file}: ${describe(cause)}`, cause })
    }),
    (handle) => Effect.sync(() => {
      if (handle.open) {
        handle.open = false
        try {
          fs.closeSync(handle.fd)
        } catch {
          // Nothing can be done about a failed close while a scope is ending.
        }
      }
    })
  ).pipe(
    Effect.map((handle): OpenFile => ({
      append: (bytes) =>
        Effect.suspend(() => {
          if (!handle.open) return Effect.fail(new SinkError({ sink, message: `${file} is closed` }))
          return Effect.try({
            try: () => {
              const data = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes
              let at = 0
              while (at < data.length) at += fs.writeSync(handle.fd, data, at, data.length - at)
            },
            catch: (cause) => new SinkError({ sink, message: `cannot write ${file}: ${describe(cause)}`, cause })
          })
        }),
      close: Effect.suspend(() => {
        if (!handle.open) return Effect.void
        handle.open = false
        return Effect.try({
          try: () => fs.closeSync(handle.fd),
          catch: (cause) => new SinkError({ sink, message: `cannot close ${file}: ${describe(cause)}`, cause })
        })
      })
    }))
  )

// JSON has no NaN or infinities; they are written as strings, as the optimizer states do.
const jsonNumber = (x: number): number | string => (Number.isFinite(x) ? x : String(x))

/** One record as the JSON line `{"step":…,"wallTime":…,"values":{…}}` (with its newline). */
export const jsonLine = (record: MetricRecord, wallTime: number): string => {
  const values: Record<string, number | string> = {}
  for (const [tag, value] of Object.entries(record.values)) values[tag] = jsonNumber(value)
  return JSON.stringify({ step: record.step, wallTime, values }) + "\n"
}

/**
 * Appends one JSON object per record to `file` (created with its folder; an existing file is
 * appended to). Images are not written here (see `imageDirSink`).
 */
export const jsonLinesSink = (file: string): Effect.Effect<MetricSink, SinkError, Scope.Scope> =>
  Effect.map(openFile("jsonLines", file, "a"), (out) => ({
    write: (record) =>
      checkRecord("jsonLines", record).pipe(
        Effect.andThen(wallTimeOf(record)),
        Effect.flatMap((t) => out.append(jsonLine(record, t)))
      ),
    image: (tag, step) => checkImage("jsonLines", tag, step),
    close: out.close
  }))

export interface TensorBoardOptions {
  /** The host name in the file name (default: os.hostname()). */
  readonly hostname?: string
}

/**
 * Writes TensorBoard's `events.out.tfevents.<seconds>.<host>` in `dir` (a numeric suffix is
 * added if that name exists). Scalars become `simple_value` summaries (float32), images
 * image summaries; `tensorboard --logdir <parent of dir>` shows them.
 */
export const tensorBoardSink = (dir: string, options: TensorBoardOptions = {}): Effect.Effect<MetricSink, SinkError, Scope.Scope> =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const base = path.join(dir, `events.out.tfevents.${Math.floor(now / 1000)}.${options.hostname ?? os.hostname()}`)
    const file = yield* Effect.try({
      try: () => {
        fs.mkdirSync(dir, { recursive: true })
        let name = base
        for (let i = 1; fs.existsSync(name); i++) name = `${base}.${i}`
        return name
      },
      catch: (cause) => new SinkError({ sink: "tensorBoard", message: `cannot create ${dir}: ${describe(cause)}`, cause })
    })
    const out = yield* openFile("tensorBoard", file, "wx")
    const event = (fields: Parameters<typeof encodeEvent>[0]) => out.append(frameRecord(encodeEvent(fields)))
    yield* event({ wallTime: now / 1000, step: 0, fileVersion: "brain.Event:2" })
    return {
      write: (record) =>
        checkRecord("tensorBoard", record).pipe(
          Effect.andThen(wallTimeOf(record)),
          Effect.flatMap((wallTime) =>
            event({
              wallTime,
              step: record.step,
              values: Object.entries(record.values).map(([tag, simpleValue]) => ({ tag, simpleValue }))
            })
          )
        ),
      image: (tag, step, png) =>
        Effect.gen(function* () {
          yield* checkImage("tensorBoard", tag, step)
          const image = pngSummaryImage(png)
          if (typeof image === "string") return yield* new SinkError({ sink: "tensorBoard", message: `image "${tag}": ${image}` })
          yield* event({ wallTime: yield* wallTimeOf({}), step, values: [{ tag, image }] })
        }),
      close: out.close
    } satisfies MetricSink
  })

/** A file name from a tag: letters, digits, '-', '_' and '.' kept, anything else becomes '_'. */
export const fileNameOfTag = (tag: string): string => tag.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_")

/** Writes each image as `<dir>/<tag>-<step, 6 digits>.png`; scalar records are ignored. */
export const imageDirSink = (dir: string): Effect.Effect<MetricSink, SinkError> =>
  Effect.sync(() => {
    let open = true
    return {
      write: (record) => checkRecord("imageDir", record),
      image: (tag, step, png) =>
        checkImage("imageDir", tag, step).pipe(
          Effect.andThen(open ? Effect.void : Effect.fail(new SinkError({ sink: "imageDir", message: "the sink is closed" }))),
          Effect.andThen(Effect.try({
            try: () => {
              fs.mkdirSync(dir, { recursive: true })
              fs.writeFileSync(path.join(dir, `${fileNameOfTag(tag)}-${String(step).padStart(6, "0")}.png`), png)
            },
            catch: (cause) => new SinkError({ sink: "imageDir", message: `cannot write image "${tag}": ${describe(cause)}`, cause })
          }))
        ),
      close: Effect.sync(() => {
        open = false
      })
    }
  })

/**
 * Every record and image goes to each sink in order; the first failure stops a write. `close`
 * closes all of them even when one fails, and then fails with the first error.
 */
export const combineSinks = (...sinks: ReadonlyArray<MetricSink>): MetricSink => ({
  write: (record) => Effect.forEach(sinks, (s) => s.write(record), { discard: true }),
  image: (tag, step, png) => Effect.forEach(sinks, (s) => s.image(tag, step, png), { discard: true }),
  close: Effect.gen(function* () {
    const exits = yield* Effect.forEach(sinks, (s) => Effect.exit(s.close))
    for (const exit of exits) if (Exit.isFailure(exit)) return yield* exit
  })
})

const fromJsonNumber = (x: unknown): number | undefined =>
  typeof x === "number" ? x : x === "NaN" ? NaN : x === "Infinity" ? Infinity : x === "-Infinity" ? -Infinity : undefined

/**
 * The records of a JSON-lines file written by `jsonLinesSink`. A last line without its newline
 * (a run killed in the middle of a write) is dropped; any other malformed line is a SinkError.
 */
export const readJsonLines = (file: string): Effect.Effect<ReadonlyArray<Required<MetricRecord>>, SinkError> =>
  Effect.gen(function* () {
    const bad = (message: string) => new SinkError({ sink: "jsonLines", message: `${file}: ${message}` })
    const text = yield* Effect.try({
      try: () => fs.readFileSync(file, "utf8"),
      catch: (cause) => bad(`cannot read: ${describe(cause)}`)
    })
    const lines = text.split("\n")
    lines.pop() // the text after the last newline: empty, or a line cut short
    const records: Array<Required<MetricRecord>> = []
    for (const [i, line] of lines.entries()) {
      let parsed: unknown
      try {
        parsed = JSON.parse(line)
      } catch {
        return yield* bad(`line ${i + 1} is not JSON`)
      }
      const { step, wallTime, values } = (parsed ?? {}) as { step?: unknown; wallTime?: unknown; values?: unknown }
      if (typeof step !== "number" || typeof wallTime !== "number" || typeof values !== "object" || values === null) {
        return yield* bad(`line ${i + 1} is not a metric record`)
      }
      const out: Record<string, number> = {}
      for (const [tag, raw] of Object.entries(values)) {
        const value = fromJsonNumber(raw)
        if (value === undefined) return yield* bad(`line ${i + 1}: metric "${tag}" is not a number`)
        out[tag] = value
      }
      records.push({ step, wallTime, values: out })
    }
    return records
  })
