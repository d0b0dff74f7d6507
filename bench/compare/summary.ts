/**
 * Turning paired rounds into ratios and a markdown table. A round is one fresh process per
 * impl, ours and theirs interleaved; the ratio of a pair is the median over rounds of
 * ours.ms_median / theirs.ms_median (likewise for peak RSS).
 */
import { median } from "../harness/measure.js"
import type { BenchRecord } from "../harness/types.js"

/** A record from the comparison runner: which side and round it came from. */
export interface RoundRecord {
  readonly side: "ours" | "theirs"
  readonly round: number
  readonly variant: string
  readonly record: BenchRecord
}

export interface PairSummary {
  readonly kind: "ratio"
  readonly id: string
  readonly workload: string
  readonly variant: string
  readonly threads: number
  readonly ours: string
  readonly theirs: string
  readonly rounds: number
  readonly ours_ms: number
  readonly theirs_ms: number
  /** median over rounds of ours.ms_median / theirs.ms_median; > 1: we are slower */
  readonly time_ratio: number
  /** median over rounds of ours.ms_min / theirs.ms_min: less sensitive to other load */
  readonly time_ratio_min: number
  readonly ours_value: number
  readonly theirs_value: number
  readonly value_name: string
  readonly ours_rss_mb: number
  readonly theirs_rss_mb: number
  readonly rss_ratio: number
  readonly load1_min: number
  readonly load1_max: number
  /** a reference check (W5/W6 expected values) that failed in some round */
  readonly check_failed: boolean
}

export const summarizePair = (
  runs: readonly RoundRecord[],
  key: { id: string; variant: string; threads: number; ours: string; theirs: string }
): PairSummary | undefined => {
  const pick = (side: "ours" | "theirs", impl: string) =>
    new Map(
      runs
        .filter((r) => r.side === side && r.record.impl === impl && r.record.threads === key.threads && r.record.id === key.id && r.variant === key.variant)
        .map((r) => [r.round, r.record] as const)
    )
  const ours = pick("ours", key.ours), theirs = pick("theirs", key.theirs)
  const rounds = [...ours.keys()].filter((r) => theirs.has(r)).sort((a, b) => a - b)
  if (rounds.length === 0) return undefined
  const o = rounds.map((r) => ours.get(r)!), t = rounds.map((r) => theirs.get(r)!)
  const med = (xs: BenchRecord[], f: (r: BenchRecord) => number) => median(xs.map(f))
  const loads = [...o, ...t].map((r) => r.load1)
  return {
    kind: "ratio",
    id: key.id,
    workload: o[0]!.workload,
    variant: key.variant,
    threads: key.threads,
    ours: key.ours,
    theirs: key.theirs,
    rounds: rounds.length,
    ours_ms: med(o, (r) => r.ms_median),
    theirs_ms: med(t, (r) => r.ms_median),
    time_ratio: median(rounds.map((_, i) => o[i]!.ms_median / t[i]!.ms_median)),
    time_ratio_min: median(rounds.map((_, i) => o[i]!.ms_min / t[i]!.ms_min)),
    ours_value: med(o, (r) => r.value),
    theirs_value: med(t, (r) => r.value),
    value_name: o[0]!.value_name,
    ours_rss_mb: med(o, (r) => r.rss_peak_mb),
    theirs_rss_mb: med(t, (r) => r.rss_peak_mb),
    rss_ratio: median(rounds.map((_, i) => o[i]!.rss_peak_mb / t[i]!.rss_peak_mb)),
    load1_min: Math.min(...loads),
    load1_max: Math.max(...loads),
    check_failed: t.some((r) => r.check === "FAIL") || o.some((r) => r.check === "FAIL")
  }
}

const fmt = (x: number): string =>
  !Number.isFinite(x) ? String(x) : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : Math.abs(x) >= 0.01 ? x.toFixed(3) : x.toExponential(3)

/** The comparison as a markdown table, then the workloads we do not implement yet. */
export const markdownTable = (rows: readonly PairSummary[], missing: readonly string[]): string => {
  const head =
    "| W | variant | T | ours | theirs | ours ms | theirs ms | time ours/theirs | min-time ratio | value (ours / theirs) | RSS MB (ours / theirs) | RSS ratio | rounds | load1 |\n" +
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
  const body = rows
    .map((r) =>
      [
        r.id, r.variant || "-", r.threads, r.ours, r.theirs + (r.check_failed ? " (CHECK FAILED)" : ""),
        fmt(r.ours_ms), fmt(r.theirs_ms), `**${r.time_ratio.toFixed(2)}**`, r.time_ratio_min.toFixed(2),
        `${fmt(r.ours_value)} / ${fmt(r.theirs_value)} ${r.value_name}`,
        `${r.ours_rss_mb.toFixed(0)} / ${r.theirs_rss_mb.toFixed(0)}`, r.rss_ratio.toFixed(2), r.rounds,
        `${r.load1_min.toFixed(2)}–${r.load1_max.toFixed(2)}`
      ].join(" | ")
    )
    .map((line) => `| ${line} |`)
    .join("\n")
  const tail = missing.length > 0 ? `\n\nMissing (not implemented in diverge yet): ${missing.join(", ")}` : ""
  return head + body + tail + "\n"
}
