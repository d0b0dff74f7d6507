/** The wgan-lines study: its closed forms and exact sample W₁ against independent computations, a short run, determinism, resume. */
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { studies } from "../../studies/index.js"
import { closedFormCurves, sampleW1, sampleW1At, wganLines } from "../../studies/wgan-lines/index.js"
import { ClosedForm } from "../../src/divergence/index.js"
import { key } from "../../src/random/index.js"
import { resumeStudy, runStudy } from "../../src/study/run.js"
import * as T from "../../src/tensor/index.js"

const temp = () => mkdtempSync(join(tmpdir(), "diverge-wgan-lines-"))
const lines = (dir: string) => readFileSync(join(dir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { step: number; values: Record<string, number> })
const small = { estimateThetas: [-0.5, 0, 0.5], estimateSamples: 1024, hidden: 32, batchSize: 128 }
/** The last logged value of a tag. */
const lastValue = (dir: string, tag: string) => lines(dir).filter((r) => tag in r.values).at(-1)!.values[tag]!

/** W₁ between the uniform laws on {(0, aᵢ)} and {(θ, bᵢ)} by trying every assignment. */
const bruteForceW1 = (theta: number, a: number[], b: number[]): number => {
  let best = Infinity
  const permute = (rest: number[], chosen: number[]) => {
    if (rest.length === 0) {
      best = Math.min(best, chosen.reduce((s, j, i) => s + Math.hypot(theta, a[i]! - b[j]!), 0) / a.length)
      return
    }
    rest.forEach((j, k) => permute([...rest.slice(0, k), ...rest.slice(k + 1)], [...chosen, j]))
  }
  permute(b.map((_, j) => j), [])
  return best
}

describe("wgan-lines: reference values", () => {
  it("the closed-form curves are W₁ = |θ| and JS = log 2 off θ = 0 (0 at θ = 0)", () => {
    const c = closedFormCurves(201)
    expect(c.theta[0]).toBe(-1)
    expect(c.theta[200]).toBe(1)
    expect(c.theta.filter((t) => t === 0)).toHaveLength(1)
    c.theta.forEach((t, i) => {
      expect(c.w[i]).toBe(Math.abs(t))
      expect(c.js[i]).toBe(t === 0 ? 0 : Math.log(2))
      // The other closed form in src/divergence agrees.
      expect(c.w[i]).toBe(ClosedForm.parallelLines(t).w1)
      expect(c.js[i]).toBe(ClosedForm.parallelLines(t).js)
    })
  })

  it("the exact sample W₁ (sorted matching) equals the best of all assignments", () => {
    const sets = [
      [[0.91, 0.12, 0.55, 0.3, 0.77, 0.05], [0.4, 0.99, 0.01, 0.63, 0.2, 0.5]],
      [[0.5, 0.5, 0.1, 0.8, 0.33, 0.6], [0.7, 0.1, 0.15, 0.9, 0.45, 0.02]]
    ]
    for (const theta of [0, 0.05, 0.3, -1]) {
      for (const [a, b] of sets) expect(sampleW1(theta, a!, b!)).toBeCloseTo(bruteForceW1(theta, a!, b!), 12)
    }
  })

  it("the exact sample W₁ of many points is close above |θ|", () => {
    for (const theta of [-1, -0.2, 0.5]) {
      const w = sampleW1At(theta, 20000, key(3))
      expect(w).toBeGreaterThanOrEqual(Math.abs(theta))
      // √(θ² + d²) ≤ |θ| + d²/(2|θ|) and the matched gaps d are O(n^-½).
      expect(w - Math.abs(theta)).toBeLessThan(1e-3)
    }
    expect(sampleW1At(0, 20000, key(3))).toBeLessThan(0.02)
  })
})

describe("wgan-lines: runs", () => {
  it.effect("a short run: exact estimates near the closed forms, WGAN moves θ towards 0", () =>
    Effect.gen(function* () {
      const before = T.liveCount()
      const result = yield* runStudy(wganLines, { out: temp(), quiet: true, steps: 40, seed: 1, config: small })
      for (const theta of [-0.5, 0.5]) {
        // The discriminator's estimate (log 4 − L)/2 is at most log 2 (L ≥ 0) and positive once it separates the lines.
        const js = lastValue(result.dir, `js@${theta}/estimate`)
        expect(js).toBeGreaterThan(0.05)
        expect(js).toBeLessThanOrEqual(Math.log(2))
      }
      // At θ = 0 the two laws are equal: nothing to separate.
      expect(Math.abs(lastValue(result.dir, "js@0/estimate"))).toBeLessThan(0.01)
      expect(Math.abs(lastValue(result.dir, "w@0/estimate"))).toBeLessThan(0.05)
      // θ₀ = 1: WGAN-GP's critic has slope about 1, so 40 steps of size 0.02 bring |θ| below one half.
      const wganTheta = lastValue(result.dir, "wgan-gp/theta")
      expect(Math.abs(wganTheta)).toBeLessThan(0.5)
      expect(result.outcome.metrics.find((m) => m.name === "wgan-gp: final theta")?.value).toBe(wganTheta)
      const html = readFileSync(join(result.dir, "report.html"), "utf8")
      expect((html.match(/data:image\/png;base64,/g) ?? []).length).toBe(4)
      expect(T.liveCount()).toBe(before)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.effect("repeats with the same seed, and a finished run resumed reports the same numbers", () =>
    Effect.gen(function* () {
      const options = { quiet: true, steps: 6, seed: 4, config: small }
      const a = yield* runStudy(wganLines, { ...options, out: temp() })
      const b = yield* runStudy(wganLines, { ...options, out: temp() })
      expect(lines(a.dir).map((r) => r.values)).toEqual(lines(b.dir).map((r) => r.values))
      expect(a.outcome.metrics).toEqual(b.outcome.metrics)
      const resumed = yield* resumeStudy(studies, a.dir, { quiet: true })
      expect(resumed.outcome.metrics).toEqual(a.outcome.metrics)
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})
