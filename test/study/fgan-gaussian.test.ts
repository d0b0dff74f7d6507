/** fgan-gaussian: the quadrature optima against independent checks, and short training runs. */
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { mkdtempSync, readdirSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fDivergences, fNames } from "../../src/divergence/index.js"
import { resumeStudy, runStudy } from "../../src/study/run.js"
import { StudyConfigError } from "../../src/study/study.js"
import * as T from "../../src/tensor/index.js"
import { fganGaussian } from "../../studies/fgan-gaussian.js"
import { divergenceToGaussian, quadratureMinima } from "../../studies/fgan-gaussian/optimum.js"
import { studies } from "../../studies/index.js"

const mixture = fganGaussian.defaults.mixture
const minima = Object.fromEntries(fNames.map((n) => [n, quadratureMinima(fDivergences[n], mixture)]))

describe("fgan-gaussian: the quadrature optima", () => {
  it("the default target is 0.6 N(−1, 0.5²) + 0.4 N(2, 0.7²)", () => {
    expect(mixture).toEqual({ weights: [0.6, 0.4], means: [-1, 2], stds: [0.5, 0.7] })
  })

  it("KL(P‖Q) is minimised by moment matching: μ* = 0.2, σ*² = 2.506", () => {
    // E[X] = 0.6·(−1) + 0.4·2 = 0.2; E[X²] = 0.6·(0.25 + 1) + 0.4·(0.49 + 4) = 2.546; Var = 2.546 − 0.04.
    const best = minima.kl![0]!
    expect(best.mean).toBeCloseTo(0.2, 5)
    expect(best.std).toBeCloseTo(Math.sqrt(2.506), 5)
  })

  it("every divergence's minimum has a vanishing gradient (central differences) and is a minimum along both axes", () => {
    const h = 1e-4
    const delta = 0.02
    for (const name of fNames) {
      const fd = fDivergences[name]
      for (const m of minima[name]!) {
        const D = (mu: number, s: number) => divergenceToGaussian(fd, mixture, mu, s)
        const dMu = (D(m.mean + h, m.std) - D(m.mean - h, m.std)) / (2 * h)
        const dSigma = (D(m.mean, m.std + h) - D(m.mean, m.std - h)) / (2 * h)
        expect(Math.abs(dMu), `${name} ∂/∂μ at ${m.mean}, ${m.std}`).toBeLessThan(1e-5)
        expect(Math.abs(dSigma), `${name} ∂/∂σ at ${m.mean}, ${m.std}`).toBeLessThan(1e-5)
        for (const [a, b] of [[delta, 0], [-delta, 0], [0, delta], [0, -delta]] as const) expect(D(m.mean + a, m.std + b)).toBeGreaterThan(m.divergence)
      }
    }
  })

  it("GAN = 2·JS − log 4 has JS's minimiser; mode-seeking divergences sit on the heavier mode, mass-covering ones span both", () => {
    const js = minima.jensenShannon![0]!, gan = minima.gan![0]!
    expect(gan.mean).toBeCloseTo(js.mean, 5)
    expect(gan.std).toBeCloseTo(js.std, 5)
    expect(gan.divergence).toBeCloseTo(js.divergence - Math.log(4), 9)
    for (const name of ["reverseKl", "neyman"] as const) {
      const best = minima[name]![0]!
      expect(Math.abs(best.mean + 1), name).toBeLessThan(0.05)
      expect(best.std, name).toBeLessThan(0.6)
      expect(minima[name]!.length, `${name}: a further, local minimum`).toBeGreaterThan(1)
    }
    for (const name of ["kl", "pearson", "jeffrey", "squaredHellinger"] as const) expect(minima[name]![0]!.std, name).toBeGreaterThan(1.4)
  })
})

const temp = () => mkdtempSync(join(tmpdir(), "diverge-fgan-"))
const value = (metrics: ReadonlyArray<{ name: string; value: number | string }>, name: string) => metrics.find((m) => m.name === name)!.value as number

describe("fgan-gaussian: training", () => {
  it.effect("a short run moves (μ, σ) towards the optimum (Neyman χ² to the heavier mode); a finished run resumed reports the same fits", () =>
    Effect.gen(function* () {
      const before = T.liveCount()
      const divergences = ["kl", "jensenShannon", "neyman"] as const
      const run = yield* runStudy(fganGaussian, { out: temp(), quiet: true, steps: 200, seed: 3, config: { divergences, generatorLearningRate: 0.01 } })
      const { metrics } = run.outcome
      const start = { mean: fganGaussian.defaults.initialMean, std: fganGaussian.defaults.initialStd }
      for (const name of divergences) {
        const best = minima[name]![0]!
        const learned = { mean: value(metrics, `${name}: μ`), std: value(metrics, `${name}: σ`) }
        const dist = (p: { mean: number; std: number }) => Math.hypot(p.mean - best.mean, p.std - best.std)
        expect(dist(learned), name).toBeLessThan(0.3 * dist(start))
        // The learned Gaussian's divergence, by quadrature, is no lower than the minimum.
        expect(value(metrics, `${name}: D_f(P‖Q)`)).toBeCloseTo(divergenceToGaussian(fDivergences[name], fganGaussian.defaults.mixture, learned.mean, learned.std), 9)
        expect(value(metrics, `${name}: D_f(P‖Q)`)).toBeGreaterThan(best.divergence)
      }
      const files = readdirSync(run.dir)
      for (const f of ["report.html", "kl.ckpt", "jensenShannon.ckpt", "neyman.ckpt", "metrics.jsonl"]) expect(files).toContain(f)
      expect((readFileSync(join(run.dir, "report.html"), "utf8").match(/data:image\/png;base64,/g) ?? []).length).toBe(3 + 1 + 3 + 1)
      const resumed = yield* resumeStudy(studies, run.dir, { quiet: true })
      expect(resumed.outcome.metrics).toEqual(metrics)
      expect(T.liveCount()).toBe(before)
    }).pipe(Effect.provide(NodeFileSystem.layer)), 60_000)

  it.effect("an invalid mixture or divergence list is refused before any work", () =>
    Effect.gen(function* () {
      const out = temp()
      const exit = yield* Effect.exit(runStudy(fganGaussian, { out, quiet: true, config: { mixture: { weights: [1, 1], means: [0], stds: [1, -1] }, divergences: ["kl", "kl", "chi"] } }))
      expect(Exit.isFailure(exit)).toBe(true)
      const error = Exit.isFailure(exit) ? (exit.cause.reasons[0] as { error?: unknown }).error : undefined
      expect(error).toBeInstanceOf(StudyConfigError)
      const message = (error as StudyConfigError).message
      expect(message).toContain("stds")
      expect(message).toContain("divergences")
      expect(readdirSync(out)).toEqual([])
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})
