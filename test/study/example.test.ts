/** The README's own-study example runs through the same runner as the shipped studies. */
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdtempSync, readdirSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { mmdRing } from "../../examples/mmd-ring.js"
import { runStudy } from "../../src/study/run.js"
import * as T from "../../src/tensor/index.js"

describe("writing a study of one's own (examples/mmd-ring.ts)", () => {
  it.effect("trains, evaluates and reports; the MMD falls as the generator learns", () =>
    Effect.gen(function* () {
      const before = T.liveCount()
      const result = yield* runStudy(mmdRing, { out: mkdtempSync(join(tmpdir(), "diverge-example-")), quiet: true, steps: 60, seed: 1 })
      expect(readdirSync(result.dir)).toEqual(expect.arrayContaining(["manifest.json", "metrics.jsonl", "report.html", "generator.ckpt"]))
      const losses = readFileSync(join(result.dir, "metrics.jsonl"), "utf8").trim().split("\n")
        .map((l) => JSON.parse(l) as { step: number; values: Record<string, number> })
        .map((r) => r.values["generator/loss/generator"]).filter((v): v is number => v !== undefined)
      expect(losses.length).toBe(60)
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
      // An untrained generator puts its mass near the origin, far from the ring: the MMD² falls clearly.
      expect(mean(losses.slice(-10))).toBeLessThan(0.5 * mean(losses.slice(0, 10)))
      expect(result.outcome.metrics[0]!.name).toBe("modes captured")
      expect(T.liveCount()).toBe(before)
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})
