/** meanfield-gaussian: Bishop's closed-form optima, and Monte Carlo training that reaches them. */
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ClosedForm } from "../../src/divergence/index.js"
import { resumeStudy, runStudy } from "../../src/study/run.js"
import * as T from "../../src/tensor/index.js"
import { meanfieldGaussian, target } from "../../studies/meanfield-gaussian.js"
import { studies } from "../../studies/index.js"

const temp = () => mkdtempSync(join(tmpdir(), "diverge-meanfield-"))
const p = target(meanfieldGaussian.defaults)
const diag = (v: readonly number[]) => [[v[0]!, 0], [0, v[1]!]]
const value = (metrics: ReadonlyArray<{ name: string; value: number | string }>, name: string) => metrics.find((m) => m.name === name)!.value
const lines = (dir: string) => readFileSync(join(dir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { step: number; values: Record<string, number> })

describe("meanfield-gaussian: the closed forms", () => {
  it("p is N((1, −0.5), Σ) with sds 1 and 0.7 and correlation 0.9; 1/Λ_ii = Σ_ii (1 − ρ²), the conditional variances", () => {
    expect(p.mean).toEqual([1, -0.5])
    expect(p.cov[0]![1]).toBeCloseTo(0.9 * 0.7, 12)
    expect(p.reverseVariances[0]).toBeCloseTo(1 * 0.19, 12)
    expect(p.reverseVariances[1]).toBeCloseTo(0.49 * 0.19, 12)
    expect(p.forwardVariances[0]).toBeCloseTo(1, 12)
    expect(p.forwardVariances[1]).toBeCloseTo(0.49, 12)
  })

  it("the closed-form optima have vanishing derivatives of the exact KLs (central differences) in every parameter", () => {
    const h = 1e-5
    const reverse = (x: number[]) => ClosedForm.gaussianKlMultivariate(x.slice(0, 2), diag(x.slice(2)), p.mean, p.cov)
    const forward = (x: number[]) => ClosedForm.gaussianKlMultivariate(p.mean, p.cov, x.slice(0, 2), diag(x.slice(2)))
    for (const [kl, variances] of [[reverse, p.reverseVariances], [forward, p.forwardVariances]] as const) {
      const at = [...p.mean, ...variances]
      for (let i = 0; i < 4; i++) {
        const up = at.map((v, j) => (j === i ? v + h : v)), down = at.map((v, j) => (j === i ? v - h : v))
        expect(Math.abs((kl(up) - kl(down)) / (2 * h))).toBeLessThan(1e-6)
        expect(kl(at.map((v, j) => (j === i ? v * 1.05 : v)))).toBeGreaterThan(kl(at))
      }
    }
  })
})

describe("meanfield-gaussian: training", () => {
  it.effect("400 Adam steps on Monte Carlo KLs reach the closed forms: means within 0.03, variances within 5%; the estimates average to the exact KL", () =>
    Effect.gen(function* () {
      const before = T.liveCount()
      const run = yield* runStudy(meanfieldGaussian, { out: temp(), quiet: true, steps: 400, seed: 1 })
      const { metrics } = run.outcome
      for (const [name, variances, direction] of [["KL(q‖p)", p.reverseVariances, "reverse"], ["KL(p‖q)", p.forwardVariances, "forward"]] as const) {
        const mean = (value(metrics, `${name}: mean of q`) as string).slice(1, -1).split(", ").map(Number)
        expect(Math.abs(mean[0]! - 1)).toBeLessThan(0.03)
        expect(Math.abs(mean[1]! + 0.5)).toBeLessThan(0.03)
        for (const [k, sub] of [[0, "₁"], [1, "₂"]] as const) {
          const fitted = value(metrics, `${name}: variance s${sub}²`) as number
          expect(Math.abs(fitted / variances[k]! - 1), `${name} s${sub}²`).toBeLessThan(0.05)
        }
        // The last 100 steps' Monte Carlo losses against the closed-form KL at the fit.
        const losses = lines(run.dir).filter((r) => `${direction}/loss/q` in r.values).map((r) => r.values[`${direction}/loss/q`]!).slice(-100)
        const average = losses.reduce((a, b) => a + b, 0) / losses.length
        expect(Math.abs(average - (value(metrics, `${name} at the fit`) as number))).toBeLessThan(0.03)
      }
      // A finished run resumed from its folder reports the same fits.
      const resumed = yield* resumeStudy(studies, run.dir, { quiet: true })
      expect(resumed.outcome.metrics).toEqual(metrics)
      expect(T.liveCount()).toBe(before)
    }).pipe(Effect.provide(NodeFileSystem.layer)), 60_000)

  it.effect("a run repeats: the same seed gives the same numbers, another seed other ones", () =>
    Effect.gen(function* () {
      const a = yield* runStudy(meanfieldGaussian, { out: temp(), quiet: true, steps: 60, seed: 4 })
      const b = yield* runStudy(meanfieldGaussian, { out: temp(), quiet: true, steps: 60, seed: 4 })
      const c = yield* runStudy(meanfieldGaussian, { out: temp(), quiet: true, steps: 60, seed: 5 })
      expect(lines(a.dir).map((r) => r.values)).toEqual(lines(b.dir).map((r) => r.values))
      expect(a.outcome.metrics).toEqual(b.outcome.metrics)
      expect(c.outcome.metrics).not.toEqual(a.outcome.metrics)
    }).pipe(Effect.provide(NodeFileSystem.layer)), 60_000)

  it.effect("a correlation of ±1 or a non-positive sd is refused before any work", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(runStudy(meanfieldGaussian, { out: temp(), quiet: true, config: { correlation: 1, stds: [1, 0] } }))
      const message = String(exit._tag === "Failure" ? (exit.cause.reasons[0] as { error?: { message?: string } }).error?.message : "")
      expect(message).toContain('["correlation"]')
      expect(message).toContain('["stds"]')
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})
