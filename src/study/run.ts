/**
 * Running a study: validate its configuration (every problem reported before any work), make
 * `runs/<name>-<time>/`, write the manifest (configuration, seed, versions, device, git commit)
 * and let the study train with metrics going to metrics.jsonl, TensorBoard event files and the
 * progress line, then write report.html. `resumeStudy` continues a run from its folder.
 */
import { createHash } from "node:crypto"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import { join } from "node:path"
import { Clock, Effect, FileSystem, Schema } from "effect"
import { combineSinks, imageDirSink, jsonLinesSink, tensorBoardSink } from "../metrics/sink.js"
import { consoleProgressSink } from "../metrics/progress.js"
import { key } from "../random/index.js"
import { backends, cpu, cuda, Device, type DeviceId, deviceName } from "../tensor/device.js"
import { scoped } from "../tensor/scope.js"
import { writeReport } from "./report.js"
import { RunFolderError, type Study, StudyConfigError, type StudyContext, type StudyOutcome, UnknownStudy } from "./study.js"

export interface RunOptions {
  readonly seed?: number
  /** Overrides the study's training length (see Study.withSteps). */
  readonly steps?: number
  readonly device?: "cpu" | "cuda"
  /** The folder that holds run folders (default "runs"). */
  readonly out?: string
  /** Configuration fields to change from the study's defaults. */
  readonly config?: Readonly<Record<string, unknown>>
  /** No progress line (tests). */
  readonly quiet?: boolean
}

export interface Manifest {
  readonly study: string
  readonly config: unknown
  readonly seed: number
  readonly steps: number | null
  readonly device: string
  readonly configHash: string
  readonly created: string
  readonly versions: Readonly<Record<string, string>>
  readonly gitCommit: string | null
}

export interface RunResult {
  readonly dir: string
  readonly outcome: StudyOutcome
  readonly manifest: Manifest
}

const packageVersion = (name: string): string => {
  try {
    return (JSON.parse(fs.readFileSync(new URL(import.meta.resolve(`${name}/package.json`)), "utf8")) as { version: string }).version
  } catch {
    return "unknown"
  }
}

const versions = (): Record<string, string> => ({
  diverge: (JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version,
  node: process.version,
  effect: packageVersion("effect"),
  ...Object.fromEntries(backends().filter((b) => b.available).map((b) => [b.name, b.detail || "available"]))
})

const gitCommit = (): string | null => {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: new URL("../..", import.meta.url), stdio: ["ignore", "pipe", "ignore"] }).toString().trim() || null
  } catch {
    return null
  }
}

const canonical = (u: unknown): string =>
  Array.isArray(u) ? `[${u.map(canonical).join(",")}]` : typeof u === "object" && u !== null
    ? `{${Object.keys(u).sort().map((k) => `${JSON.stringify(k)}:${canonical((u as Record<string, unknown>)[k])}`).join(",")}}`
    : JSON.stringify(u)

export const configHash = (study: string, config: unknown, seed: number): string =>
  createHash("sha256").update(canonical({ study, config, seed })).digest("hex").slice(0, 16)

/** The study's defaults with the given fields changed, decoded: all problems are reported together. */
export const decodeConfig = <C>(study: Study<C>, overrides: Readonly<Record<string, unknown>> = {}, steps?: number) =>
  Effect.gen(function* () {
    const encoded = { ...(Schema.encodeSync(study.config)(study.defaults) as Record<string, unknown>), ...overrides }
    const config = yield* Schema.decodeUnknownEffect(study.config)(encoded, { errors: "all" }).pipe(
      Effect.mapError((e) => new StudyConfigError({ study: study.name, message: `invalid configuration for ${study.name}:\n${e.message}` }))
    )
    if (steps === undefined) return config
    if (!Number.isSafeInteger(steps) || steps < 1) return yield* new StudyConfigError({ study: study.name, message: `--steps must be a positive integer, got ${steps}` })
    return study.withSteps(config, steps)
  })

const folderName = (study: string, ms: number): string => `${study}-${new Date(ms).toISOString().replace(/[:.]/g, "-")}`

/** Trains in a prepared folder: sinks open for the run, report written at the end. */
const execute = <C>(study: Study<C>, config: C, manifest: Manifest, dir: string, resume: boolean, quiet: boolean) =>
  Effect.scoped(
    Effect.gen(function* () {
      const started = yield* Clock.currentTimeMillis
      const total = Math.max(1, study.totalSteps(config))
      const events = yield* tensorBoardSink(dir)
      const base = [yield* jsonLinesSink(join(dir, "metrics.jsonl")), events]
      const sink = combineSinks(...base, ...(quiet ? [] : [yield* consoleProgressSink({ total })]))
      const plots = combineSinks(yield* imageDirSink(join(dir, "plots")), events)
      const device: DeviceId = manifest.device === "cpu" ? cpu : cuda(0)
      const context: StudyContext = {
        study: study.name,
        dir,
        seed: manifest.seed,
        key: key(manifest.seed),
        device,
        resume,
        configHash: manifest.configHash,
        sink,
        plot: (tag, step, png) => plots.image(tag, step, png)
      }
      const outcome = yield* scoped(study.run(config, context))
      const seconds = ((yield* Clock.currentTimeMillis) - started) / 1000
      yield* writeReport(join(dir, "report.html"), {
        title: study.title,
        description: outcome.summary ? `${study.description}\n\n${outcome.summary}` : study.description,
        metadata: [
          ["study", study.name],
          ["seed", manifest.seed],
          ["device", manifest.device],
          ["created", manifest.created],
          ["duration (s)", Number(seconds.toFixed(1))],
          ...Object.entries(manifest.versions).map(([k, v]) => [k, v] as const),
          ["git commit", manifest.gitCommit ?? "unknown"],
          ["run folder", dir]
        ],
        metrics: outcome.metrics,
        sections: outcome.sections
      })
      return { dir, outcome, manifest } satisfies RunResult
    })
  ).pipe(Effect.provide(manifest.device === "cpu" ? Device.Cpu : Device.Cuda))

export const runStudy = <C>(study: Study<C>, options: RunOptions = {}) =>
  Effect.gen(function* () {
    const seed = options.seed ?? 0
    if (!Number.isSafeInteger(seed)) return yield* new StudyConfigError({ study: study.name, message: `--seed must be an integer, got ${seed}` })
    const config = yield* decodeConfig(study, options.config, options.steps)
    const fsys = yield* FileSystem.FileSystem
    const now = yield* Clock.currentTimeMillis
    const dir = join(options.out ?? "runs", folderName(study.name, now))
    yield* fsys.makeDirectory(dir, { recursive: true }).pipe(Effect.mapError((e) => new RunFolderError({ path: dir, message: e.message })))
    const manifest: Manifest = {
      study: study.name,
      config: Schema.encodeSync(study.config)(config),
      seed,
      steps: options.steps ?? null,
      device: deviceName(options.device === "cuda" ? cuda(0) : cpu),
      configHash: configHash(study.name, Schema.encodeSync(study.config)(config), seed),
      created: new Date(now).toISOString(),
      versions: versions(),
      gitCommit: gitCommit()
    }
    yield* fsys.writeFileString(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`).pipe(
      Effect.mapError((e) => new RunFolderError({ path: dir, message: e.message }))
    )
    return yield* execute(study, config, manifest, dir, false, options.quiet === true)
  })

/** Continues the run in `dir` from its manifest and checkpoints. */
export const resumeStudy = (studies: ReadonlyArray<Study>, dir: string, options: { readonly quiet?: boolean } = {}) =>
  Effect.gen(function* () {
    const fsys = yield* FileSystem.FileSystem
    const text = yield* fsys.readFileString(join(dir, "manifest.json")).pipe(
      Effect.mapError(() => new RunFolderError({ path: dir, message: "no manifest.json: not a run folder" }))
    )
    const manifest = yield* Effect.try({ try: () => JSON.parse(text) as Manifest, catch: () => new RunFolderError({ path: dir, message: "manifest.json is not valid JSON" }) })
    const study = studies.find((s) => s.name === manifest.study)
    if (study === undefined) return yield* new UnknownStudy({ name: manifest.study, message: `the run is of study "${manifest.study}", which this version does not have` })
    const config = yield* Schema.decodeUnknownEffect(study.config)(manifest.config, { errors: "all" }).pipe(
      Effect.mapError((e) => new StudyConfigError({ study: study.name, message: `the manifest's configuration is invalid:\n${e.message}` }))
    )
    return yield* execute(study, config, manifest, dir, true, options.quiet === true)
  })
