/**
 * Runs one case in the current process and builds its JSON line. The harness calls this in
 * a fresh child process per (workload, impl, threads) so that thread count and peak RSS
 * belong to that case alone; tests call it in-process with a tiny plan.
 */
import { loadavg } from "node:os"
import { Effect } from "effect"
import { Device, setNumThreads, Tensor } from "../../src/tensor/index.js"
import { summarize, timeUnits } from "./measure.js"
import type { BenchRecord, Case, Plan, Workload } from "./types.js"

export interface CaseOptions {
  readonly threads: number
  /** Overrides the case's own warm-up/reps (e.g. `--quick`, `--reps`). */
  readonly plan?: Plan
}

/** DIVERGE_BENCH_DEVICE=cuda runs every case on the GPU (bench/gpu/run.sh); default: the CPU. */
export const benchDevice = (): "cpu" | "cuda" => (process.env.DIVERGE_BENCH_DEVICE === "cuda" ? "cuda" : "cpu")

export const runCase = (workload: Workload, kase: Case, options: CaseOptions): BenchRecord => {
  setNumThreads(options.threads)
  const plan = options.plan ?? kase.plan
  // Peak RSS with the library loaded and nothing built yet (node + tsx + effect + addon).
  const rssStart = process.resourceUsage().maxRSS / 1024
  // The case runs in a tensor scope, as study code would: its data is freed at the end.
  const { summary, report } = Effect.runSync(
    Tensor.scoped(
      Tensor.compute(() => {
        const prepared = kase.prepare()
        const summary = summarize(timeUnits(prepared.unit, plan))
        return { summary, report: prepared.report(summary) }
      })
    ).pipe(Effect.provide(benchDevice() === "cuda" ? Device.Cuda : Device.Cpu))
  )
  return {
    workload: workload.name,
    id: workload.id,
    impl: kase.impl,
    ...summary,
    warmup: plan.warmup,
    value: report.value,
    value_name: report.value_name,
    threads: options.threads,
    ...(benchDevice() === "cuda" ? { device: "cuda" } : {}),
    load1: loadavg()[0]!,
    rss_peak_mb: process.resourceUsage().maxRSS / 1024,
    rss_start_mb: rssStart,
    ...kase.params,
    ...report.extra
  }
}
