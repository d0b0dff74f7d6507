import { describe, expect, it } from "@effect/vitest"
import { ArgsError, parseArgs } from "../../bench/harness/args.js"
import { runCase } from "../../bench/harness/case.js"
import { median, summarize, timeUnits } from "../../bench/harness/measure.js"
import { normalsF32, Xoshiro128 } from "../../bench/harness/prng.js"
import type { BenchRecord } from "../../bench/harness/types.js"
import { pairings } from "../../bench/compare/pairs.js"
import { markdownTable, type RoundRecord, summarizePair } from "../../bench/compare/summary.js"
import { findWorkload, workloads } from "../../bench/workloads/index.js"
import { liveCount, numThreads } from "../../src/tensor/index.js"

const SECTION0_KEYS = ["workload", "impl", "ms_median", "ms_min", "ms_max", "reps", "value", "threads", "value_name", "load1", "rss_peak_mb"]

describe("bench harness (quick, in-process)", () => {
  it("W7 cases print the workloads.md keys, value = µs per op at the median, and free their tensors", () => {
    const w7 = findWorkload("W7")!
    expect(w7.name).toBe("op-dispatch")
    const before = liveCount()
    for (const kase of w7.cases) {
      const rec = runCase(w7, kase, { threads: 1, plan: { warmup: 1, reps: 2 } })
      for (const k of SECTION0_KEYS) expect(rec).toHaveProperty(k)
      expect(rec.workload).toBe("op-dispatch")
      expect(rec.impl).toBe(kase.impl)
      expect(rec.reps).toBe(2)
      expect(rec.threads).toBe(1)
      expect(rec.ms_min).toBeLessThanOrEqual(rec.ms_median)
      expect(rec.ms_median).toBeLessThanOrEqual(rec.ms_max)
      // a block is 10,000 ops: µs per op = ms per block * 1000 / 10,000
      expect(rec.value).toBeCloseTo((rec.ms_median * 1000) / 10_000, 12)
      expect(rec.value_name).toBe("us_per_op")
      expect(rec.rss_peak_mb).toBeGreaterThan(0)
      expect(JSON.parse(JSON.stringify(rec))).toEqual(rec)
    }
    expect(numThreads()).toBe(1)
    expect(liveCount()).toBe(before)
  })

  it("W2 (h128) runs a generator iteration with its 5 critic steps and frees everything", () => {
    const w2 = findWorkload("wgan-gp-2d")!
    expect(w2.cases.map((c) => c.impl)).toEqual(["diverge-wgan-gp-h512", "diverge-wgan-gp-h128"])
    const before = liveCount()
    const rec = runCase(w2, w2.cases[1]!, { threads: 1, plan: { warmup: 0, reps: 2 } })
    expect(rec).toMatchObject({ id: "W2", width: 128, batch: 256, critic_steps: 5, value_name: "loss_d" })
    expect(Number.isFinite(rec.value)).toBe(true)
    expect(liveCount()).toBe(before)
  })

  it("W8 reports GFLOP/s = 2 N^3 / t at the median and at the minimum", () => {
    const w8 = findWorkload("sgemm-peak")!
    const kase = w8.cases.find((c) => c.impl === "diverge-matmul-1024")!
    const before = liveCount()
    const rec = runCase(w8, kase, { threads: 1, plan: { warmup: 0, reps: 1 } })
    expect(rec.n).toBe(1024)
    expect(rec.value).toBeCloseTo((2 * 1024 ** 3) / (rec.ms_median * 1e6), 9)
    expect(rec.gflops_best).toBeCloseTo((2 * 1024 ** 3) / (rec.ms_min * 1e6), 9)
    expect(liveCount()).toBe(before)
  })

  it("the registry lists each workload once with unique impl names", () => {
    const ids = workloads.map((w) => w.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const w of workloads) expect(new Set(w.cases.map((c) => c.impl)).size).toBe(w.cases.length)
    expect(findWorkload("W1")?.name).toBe("gan-mlp-2d")
    expect(findWorkload("dcgan-28")?.id).toBe("W4")
    expect(findWorkload("W9")).toBeUndefined()
  })

  it("every registered case is paired with a reference by bench/compare (same workload name)", () => {
    for (const w of workloads)
      for (const c of w.cases) {
        const pair = pairings.find((p) => p.ours.includes(c.impl))
        expect(pair, `${w.id} ${c.impl}`).toBeDefined()
        expect(pair!.id).toBe(w.id)
        expect(pair!.workload).toBe(w.name)
      }
  })
})

describe("bench measure", () => {
  it("median of odd and even counts", () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(summarize([5, 1, 3])).toEqual({ ms_median: 3, ms_min: 1, ms_max: 5, reps: 3 })
  })

  it("runs warm-up units untimed and times exactly reps units", () => {
    let calls = 0
    const times = timeUnits(() => void calls++, { warmup: 3, reps: 4 })
    expect(calls).toBe(7)
    expect(times).toHaveLength(4)
  })
})

describe("bench prng", () => {
  it("is determined by its seed and gives standard normals (moments of 200,000 draws)", () => {
    const n = 200_000
    const x = normalsF32(new Xoshiro128(7), n)
    expect(normalsF32(new Xoshiro128(7), 8)).toEqual(x.slice(0, 8))
    let s = 0, s2 = 0, s4 = 0
    for (const v of x) (s += v), (s2 += v * v), (s4 += v ** 4)
    const mean = s / n, variance = s2 / n - mean * mean
    // standard errors: mean 1/sqrt(n) = 0.0022, variance sqrt(2/n) = 0.0032, E x^4 = 3 with sd sqrt(96/n) = 0.022
    expect(Math.abs(mean)).toBeLessThan(0.011)
    expect(Math.abs(variance - 1)).toBeLessThan(0.016)
    expect(Math.abs(s4 / n - 3)).toBeLessThan(0.11)
  })
})

describe("bench args", () => {
  it("defaults to all workloads at 1 and 2 threads", () => {
    const a = parseArgs([])
    expect(a.only).toEqual([])
    expect(a.threads).toEqual([1, 2])
    expect(a.quick).toBe(false)
  })

  it("parses --only, --threads, --reps, --quick and = forms", () => {
    const a = parseArgs(["--only", "W7,W8", "--threads=1", "--reps", "3", "--quick", "--rounds", "2"])
    expect(a).toMatchObject({ only: ["W7", "W8"], threads: [1], reps: 3, quick: true, rounds: 2 })
  })

  it("rejects unknown flags and bad counts with ArgsError", () => {
    expect(() => parseArgs(["--fast"])).toThrow(ArgsError)
    expect(() => parseArgs(["--threads", "0"])).toThrow(ArgsError)
    expect(() => parseArgs(["--reps", "x"])).toThrow(ArgsError)
    expect(() => parseArgs(["--reps", "0"])).toThrow(ArgsError)
    expect(() => parseArgs(["--only"])).toThrow(ArgsError)
  })
})

describe("bench compare summary", () => {
  const rec = (impl: string, threads: number, ms: number, rss: number): BenchRecord => ({
    workload: "sgemm-peak", id: "W8", impl, ms_median: ms, ms_min: ms, ms_max: ms, reps: 1, warmup: 0,
    value: 1 / ms, value_name: "gflops", threads, load1: 1, rss_peak_mb: rss
  })
  const runs: RoundRecord[] = [
    [10, 20], [30, 20], [12, 10]
  ].flatMap(([o, t], round) => [
    { side: "ours" as const, round, variant: "n1024", record: rec("ours-impl", 1, o!, 100) },
    { side: "theirs" as const, round, variant: "n1024", record: rec("theirs-impl", 1, t!, 50) }
  ])

  it("the time ratio is the median over paired rounds of ours/theirs", () => {
    const s = summarizePair(runs, { id: "W8", variant: "n1024", threads: 1, ours: "ours-impl", theirs: "theirs-impl" })!
    // per-round ratios 0.5, 1.5, 1.2 -> median 1.2
    expect(s.time_ratio).toBeCloseTo(1.2, 12)
    expect(s.ours_ms).toBe(12)
    expect(s.theirs_ms).toBe(20)
    expect(s.rss_ratio).toBe(2)
    expect(s.rounds).toBe(3)
    expect(markdownTable([s], ["W1 (a vs b)"])).toContain("**1.20**")
  })

  it("has nothing to say without a paired round", () => {
    expect(summarizePair(runs, { id: "W8", variant: "n1024", threads: 2, ours: "ours-impl", theirs: "theirs-impl" })).toBeUndefined()
  })
})
