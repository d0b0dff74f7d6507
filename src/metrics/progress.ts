/**
 * A progress display as a metric sink: on a terminal, one line redrawn in place (a bar, the step,
 * steps per second, the time left and the latest value of each metric); elsewhere (CI logs,
 * files) the same facts as a plain line every `every` steps.
 */
import { Clock, Effect, type Scope } from "effect"
import { formatDuration, formatMetric } from "./format.js"
import { checkRecord, type MetricSink, SinkError } from "./sink.js"

/** Where the progress goes; `process.stderr` by default. */
export interface ProgressStream {
  readonly write: (text: string) => unknown
  readonly isTTY?: boolean
  readonly columns?: number
}

export interface ProgressOptions {
  /** The step at which the run ends (the bar is full at step = total). */
  readonly total: number
  readonly stream?: ProgressStream
  /** Without a TTY, a line is printed when the step has advanced this far (default total / 20). */
  readonly every?: number
  /** Characters of the bar on a TTY (default 20). */
  readonly barWidth?: number
}

export interface ProgressState {
  readonly step: number
  readonly total: number
  /** Steps per second since the first record, when it can be measured. */
  readonly rate: number | undefined
  readonly values: Readonly<Record<string, number>>
}

const bar = (fraction: number, width: number): string => {
  const full = Math.round(Math.min(1, Math.max(0, fraction)) * width)
  return `[${"#".repeat(full)}${"-".repeat(width - full)}]`
}

/**
 * "step 120/1000 12.0% 35.2 steps/s ETA 0:25 | loss/critic=-0.1234 loss/generator=0.4560";
 * with `barWidth`, the line starts with a bar such as "[##--------] ". The rate and ETA read
 * "-" until two records some time apart have been seen.
 */
export const formatProgressLine = (s: ProgressState, options: { readonly barWidth?: number } = {}): string => {
  const percent = s.total > 0 ? (100 * s.step) / s.total : 0
  const rate = s.rate === undefined ? "- steps/s" : `${s.rate >= 100 ? s.rate.toFixed(0) : s.rate.toFixed(1)} steps/s`
  const eta = s.rate === undefined || s.rate <= 0 ? "-" : formatDuration(Math.max(0, s.total - s.step) / s.rate)
  const values = Object.entries(s.values).map(([k, v]) => `${k}=${formatMetric(v)}`)
  const head = `step ${s.step}/${s.total} ${percent.toFixed(1)}% ${rate} ETA ${eta}`
  const line = values.length > 0 ? `${head} | ${values.join(" ")}` : head
  return options.barWidth !== undefined ? `${bar(s.total > 0 ? s.step / s.total : 0, options.barWidth)} ${line}` : line
}

/** A progress sink; images are ignored. Closing it (or the end of its scope) ends the line. */
export const consoleProgressSink = (options: ProgressOptions): Effect.Effect<MetricSink, SinkError, Scope.Scope> =>
  Effect.suspend(() => {
    const { total } = options
    if (!Number.isSafeInteger(total) || total <= 0) {
      return Effect.fail(new SinkError({ sink: "progress", message: `total must be a positive integer, got ${total}` }))
    }
    const stream: ProgressStream = options.stream ?? process.stderr
    const tty = stream.isTTY === true
    const every = Math.max(1, options.every ?? Math.round(total / 20))
    let first: { step: number; ms: number } | undefined
    let printedAt: number | undefined
    let drawn = false
    let closed = false
    const values: Record<string, number> = {}

    const write = (record: Parameters<MetricSink["write"]>[0]) =>
      Effect.gen(function* () {
        if (closed) return yield* new SinkError({ sink: "progress", message: "the sink is closed" })
        yield* checkRecord("progress", record)
        const ms = yield* Clock.currentTimeMillis
        Object.assign(values, record.values)
        first ??= { step: record.step, ms }
        const rate = ms > first.ms && record.step > first.step ? ((record.step - first.step) * 1000) / (ms - first.ms) : undefined
        const state: ProgressState = { step: record.step, total, rate, values }
        if (tty) {
          const line = formatProgressLine(state, { barWidth: options.barWidth ?? 20 })
          const width = Math.max(20, (stream.columns ?? 100) - 1)
          stream.write(`\r${line.slice(0, width)}\x1b[K`)
          drawn = true
        } else if (printedAt === undefined || record.step >= printedAt + every || record.step >= total) {
          stream.write(formatProgressLine(state) + "\n")
          printedAt = record.step
        }
      })

    const close = Effect.sync(() => {
      if (drawn && !closed) stream.write("\n")
      closed = true
    })
    return Effect.acquireRelease(Effect.succeed<MetricSink>({ write, image: () => Effect.void, close }), () => close)
  })
