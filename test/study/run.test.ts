/** Running studies: configuration errors, the run folder, determinism, resume after interruption, the CLI. */
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber } from "effect"
import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { studies } from "../../studies/index.js"
import { ganGrid25 } from "../../studies/gan-grid25.js"
import { decodeConfig, resumeStudy, runStudy } from "../../src/study/run.js"
import { StudyConfigError } from "../../src/study/study.js"
import * as T from "../../src/tensor/index.js"

const temp = () => mkdtempSync(join(tmpdir(), "diverge-runs-"))
const failure = <A, E>(exit: Exit.Exit<A, E>) => (Exit.isFailure(exit) ? (exit.cause.reasons[0] as { error?: unknown }).error : undefined)
const small = { batchSize: 64, hidden: 16, evaluationSamples: 500 }
const lines = (dir: string) => readFileSync(join(dir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { step: number; values: Record<string, number> })

describe("running a study", () => {
  it.effect("an invalid configuration is refused with every problem listed, before any work", () =>
    Effect.gen(function* () {
      const out = temp()
      const exit = yield* Effect.exit(runStudy(ganGrid25, { out, quiet: true, config: { batchSize: -3, lambda: "ten", nope: 1 } }))
      const error = failure(exit)
      expect(error).toBeInstanceOf(StudyConfigError)
      const message = (error as StudyConfigError).message
      expect(message).toContain('["batchSize"]')
      expect(message).toContain('["lambda"]')
      expect(readdirSync(out)).toEqual([])
      const steps = failure(yield* Effect.exit(decodeConfig(ganGrid25, {}, 0)))
      expect((steps as StudyConfigError).message).toContain("--steps")
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.effect("writes the run folder: manifest, metrics, TensorBoard events, plots, checkpoints, report", () =>
    Effect.gen(function* () {
      const before = T.liveCount()
      const result = yield* runStudy(ganGrid25, { out: temp(), quiet: true, steps: 8, seed: 5, config: small })
      const files = readdirSync(result.dir)
      for (const f of ["manifest.json", "metrics.jsonl", "report.html", "gan.ckpt", "wgan-gp.ckpt", "plots"]) expect(files).toContain(f)
      expect(files.some((f) => f.startsWith("events.out.tfevents."))).toBe(true)
      const manifest = JSON.parse(readFileSync(join(result.dir, "manifest.json"), "utf8"))
      expect(manifest).toMatchObject({ study: "gan-grid25", seed: 5, steps: 8, device: "cpu" })
      expect(manifest.config).toMatchObject({ ...small, generatorSteps: 8 })
      expect(Object.keys(manifest.versions)).toEqual(expect.arrayContaining(["diverge", "node", "effect", "cpu"]))
      const html = readFileSync(join(result.dir, "report.html"), "utf8")
      expect(html).toContain("GAN vs WGAN-GP on the 25-Gaussian grid")
      expect((html.match(/data:image\/png;base64,/g) ?? []).length).toBeGreaterThanOrEqual(6)
      expect(lines(result.dir).some((r) => "wgan-gp/loss/critic" in r.values)).toBe(true)
      // W₂ between samples and data: positive and finite (an untrained generator is far from the grid).
      const w2 = result.outcome.metrics.find((m) => m.name === "wgan-gp: W₂ to the data")?.value
      expect(typeof w2 === "number" && Number.isFinite(w2) && w2 > 0.1).toBe(true)
      const mmd = result.outcome.metrics.find((m) => m.name === "wgan-gp: MMD² to the data")?.value
      expect(typeof mmd === "number" && Number.isFinite(mmd) && mmd > 0).toBe(true)
      expect(readdirSync(join(result.dir, "plots")).filter((f) => f.endsWith(".png")).length).toBeGreaterThan(0)
      expect(T.liveCount()).toBe(before)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.effect("a run repeats: the same seed gives the same numbers", () =>
    Effect.gen(function* () {
      const a = yield* runStudy(ganGrid25, { out: temp(), quiet: true, steps: 6, seed: 9, config: small })
      const b = yield* runStudy(ganGrid25, { out: temp(), quiet: true, steps: 6, seed: 9, config: small })
      expect(lines(a.dir).map((r) => r.values)).toEqual(lines(b.dir).map((r) => r.values))
      expect(a.outcome.metrics).toEqual(b.outcome.metrics)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.live("an interrupted run resumed from its folder ends where an uninterrupted run ends", () =>
    Effect.gen(function* () {
      const options = { quiet: true, steps: 40, seed: 2, config: { ...small, evaluateEvery: 10 } }
      const straight = yield* runStudy(ganGrid25, { ...options, out: temp() })
      const out = temp()
      const fiber = yield* Effect.forkChild(runStudy(ganGrid25, { ...options, out }))
      yield* Effect.sleep("1500 millis")
      yield* Fiber.interrupt(fiber)
      const dir = join(out, readdirSync(out)[0]!)
      expect(existsSync(join(dir, "gan.ckpt"))).toBe(true)
      const resumed = yield* resumeStudy(studies, dir, { quiet: true })
      expect(resumed.outcome.metrics).toEqual(straight.outcome.metrics)
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})

describe("the diverge command", () => {
  const cli = (...args: string[]) => {
    try {
      return { out: execFileSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }), code: 0 }
    } catch (e) {
      const err = e as { stdout: string; stderr: string; status: number }
      return { out: `${err.stdout}${err.stderr}`, code: err.status }
    }
  }

  it("lists the studies and refuses unknown ones and bad settings clearly", () => {
    const list = cli("list")
    expect(list.code).toBe(0)
    for (const s of studies) expect(list.out).toContain(s.name)
    const unknown = cli("run", "no-such-study")
    expect(unknown.code).toBe(1)
    expect(unknown.out).toContain('UnknownStudy: no study named "no-such-study"')
    const bad = cli("run", "gan-grid25", "--set", "batchSize=0", "--set", "learningRate=-1", "--out", temp())
    expect(bad.code).toBe(1)
    expect(bad.out).toContain('["batchSize"]')
    expect(bad.out).toContain('["learningRate"]')
  })
})
