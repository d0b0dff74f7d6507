/** The vae-mnist study: a short run improves the test ELBO, IWAE(K) ≥ ELBO, images are written; determinism and resume. */
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdtempSync, readdirSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { studies } from "../../studies/index.js"
import { defaults, testBounds, vaeMnist, vaeModel } from "../../studies/vae-mnist/index.js"
import { loadMnist } from "../../src/data/index.js"
import { key } from "../../src/random/index.js"
import { resumeStudy, runStudy } from "../../src/study/run.js"
import * as T from "../../src/tensor/index.js"

const temp = () => mkdtempSync(join(tmpdir(), "diverge-vae-mnist-"))
const lines = (dir: string) => readFileSync(join(dir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { step: number; values: Record<string, number> })
const small = { hidden: 64, latent: 8, batchSize: 64, iwaeSamples: 8, iwaeChunk: 500, scoreSamples: 200, evaluateEvery: 10 }
const metric = (metrics: ReadonlyArray<{ name: string; value: number | string }>, name: string) => metrics.find((m) => m.name === name)!.value as number

describe("vae-mnist", () => {
  it.effect("the bound of the untrained model: ELBO ≤ IWAE(K) ≤ 0, and the analytic KL does not depend on the chunking", () =>
    Effect.gen(function* () {
        const c = { ...defaults, ...small }
        const model = vaeModel(c)
        const test = yield* loadMnist("test", { encoding: "threshold" })
        const bounds = yield* T.compute(() => {
          const params = model.init(key(1))
          const x = T.slice(test.images, 0, 0, 300)
          return [testBounds(model, params, x, key(2), 1, 300), testBounds(model, params, x, key(2), 1, 7), testBounds(model, params, x, key(3), 50, 100)] as const
        })
        const [elbo, chunked, iwae] = bounds
        expect(chunked.kl).toBeCloseTo(elbo.kl, 4)
        expect(iwae.bound).toBeGreaterThan(elbo.bound)
        expect(iwae.bound).toBeLessThan(0)
        // Untrained logits are near 0: log p(x|z) ≈ −784 log 2 per digit.
        expect(Math.abs(elbo.bound + 784 * Math.log(2))).toBeLessThan(60)
      }).pipe(T.scoped))

  it.effect("a short run improves the test ELBO over the untrained model; IWAE(K) ≥ ELBO; samples and reconstructions are written; it repeats and resumes", () =>
    Effect.gen(function* () {
      const before = T.liveCount()
      const options = { quiet: true, steps: 30, seed: 3, config: small }
      const a = yield* runStudy(vaeMnist, { ...options, out: temp() })
      const elbo = metric(a.outcome.metrics, "test ELBO")
      const iwae = metric(a.outcome.metrics, "test IWAE bound (K = 8)")
      const untrained = metric(a.outcome.metrics, "test ELBO of the untrained model")
      const first = lines(a.dir).find((r) => "vae/testElbo" in r.values)!.values["vae/testElbo"]!
      // Untrained logits are near 0 (about −784 log 2); the first evaluation (step 10) is
      // above that, and training goes on improving.
      expect(untrained).toBeLessThan(-450)
      expect(first).toBeGreaterThan(untrained)
      expect(elbo).toBeGreaterThan(first)
      expect(elbo).toBeGreaterThan(untrained + 150)
      expect(elbo).toBeLessThan(0)
      expect(iwae).toBeGreaterThanOrEqual(elbo)
      expect(metric(a.outcome.metrics, "test KL(q(z|x) ‖ p(z))")).toBeGreaterThan(0)
      const entropy = metric(a.outcome.metrics, "class entropy of prior samples")
      expect(entropy).toBeGreaterThanOrEqual(0)
      expect(entropy).toBeLessThanOrEqual(Math.log(10) + 1e-12)
      expect(metric(a.outcome.metrics, "Fréchet distance to test digits")).toBeGreaterThan(0)
      const plots = readdirSync(join(a.dir, "plots"))
      expect(plots.some((f) => f.includes("samples") && f.endsWith(".png"))).toBe(true)
      expect(plots.some((f) => f.includes("reconstructions") && f.endsWith(".png"))).toBe(true)
      const html = readFileSync(join(a.dir, "report.html"), "utf8")
      expect((html.match(/data:image\/png;base64,/g) ?? []).length).toBe(3)

      const b = yield* runStudy(vaeMnist, { ...options, out: temp() })
      expect(lines(b.dir).map((r) => r.values)).toEqual(lines(a.dir).map((r) => r.values))
      expect(b.outcome.metrics).toEqual(a.outcome.metrics)
      const resumed = yield* resumeStudy(studies, a.dir, { quiet: true })
      expect(resumed.outcome.metrics).toEqual(a.outcome.metrics)
      expect(T.liveCount()).toBe(before)
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})
