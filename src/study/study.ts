/**
 * A study is a Schema-validated configuration plus code, run as one Effect. The runner
 * (run.ts) gives it a run folder, a root key from one seed, a device and metric sinks; the
 * study trains, evaluates and returns the final metrics and the plots of its report.
 */
import { Data, type Effect, type FileSystem, type Schema } from "effect"
import type { MetricSink } from "../metrics/sink.js"
import type { Key } from "../random/index.js"
import type { DeviceId } from "../tensor/device.js"
import type { ReportMetric, ReportSection } from "./report.js"

export interface StudyContext {
  readonly study: string
  /** The run folder (manifest, metrics, checkpoints, plots, report). */
  readonly dir: string
  readonly seed: number
  /** The root key: key(seed). Derive every other key from it. */
  readonly key: Key
  readonly device: DeviceId
  /** Continue from the checkpoints in `dir` (diverge resume). */
  readonly resume: boolean
  /** A hash of configuration and seed: checkpoints of another run are refused. */
  readonly configHash: string
  /** metrics.jsonl, TensorBoard scalars and images, the progress line. */
  readonly sink: MetricSink
  /** Saves a PNG under plots/ and shows it in TensorBoard. */
  readonly plot: (tag: string, step: number, png: Uint8Array) => Effect.Effect<void, unknown>
}

export interface StudyOutcome {
  /** The final metrics table of the report. */
  readonly metrics: ReadonlyArray<ReportMetric>
  /** Headed plots with captions. */
  readonly sections: ReadonlyArray<ReportSection>
  /** One paragraph on what the run found, shown under the title. */
  readonly summary?: string
}

export interface Study<C = any> {
  readonly name: string
  readonly title: string
  readonly description: string
  /** The configuration's Schema (every field required: defaults fill what the user omits). */
  readonly config: Schema.Codec<C, any>
  readonly defaults: C
  /** Steps the progress bar counts to (the training length, for `--steps` overrides too). */
  readonly totalSteps: (config: C) => number
  /** Applies a `--steps N` override to the configuration (e.g. the generator steps of each arm). */
  readonly withSteps: (config: C, steps: number) => C
  readonly run: (config: C, context: StudyContext) => Effect.Effect<StudyOutcome, unknown, FileSystem.FileSystem>
}

/** A configuration failed its Schema: every problem is listed. */
export class StudyConfigError extends Data.TaggedError("StudyConfigError")<{ readonly study: string; readonly message: string }> {}

export class UnknownStudy extends Data.TaggedError("UnknownStudy")<{ readonly name: string; readonly message: string }> {}

export class RunFolderError extends Data.TaggedError("RunFolderError")<{ readonly path: string; readonly message: string }> {}
