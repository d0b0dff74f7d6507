/**
 * What a benchmark workload is, as the harness sees it. A workload (W1–W8 of
 * shared/bench/workloads.md) has one or more cases; a case is one implementation at one
 * parameter setting (e.g. W8 at N = 1024), measured in its own process.
 */

/** How many units run untimed, then timed. */
export interface Plan {
  readonly warmup: number
  readonly reps: number
}

/** Times of the timed units, in milliseconds. */
export interface Summary {
  readonly ms_median: number
  readonly ms_min: number
  readonly ms_max: number
  readonly reps: number
}

/** What a case reports besides the times. */
export interface Report {
  readonly value: number
  readonly value_name: string
  readonly extra?: Readonly<Record<string, number | string | boolean>>
}

/** A case after its untimed setup: the unit to time and how to turn times into a value. */
export interface Prepared {
  /** One timed unit; it ends with whatever host read-back the workload prescribes. */
  readonly unit: () => void
  readonly report: (summary: Summary) => Report
}

export interface Case {
  /** Implementation name, unique within the workload (e.g. "diverge-matmul-1024"). */
  readonly impl: string
  /** Workload parameters copied into the JSON line (e.g. { n: 1024 }). */
  readonly params: Readonly<Record<string, number | string>>
  /** Warm-up and timed units as workloads.md prescribes. */
  readonly plan: Plan
  /** A few units, for smoke tests (`--quick`). */
  readonly quick: Plan
  /** Builds the data (untimed). Runs inside a tensor scope that frees it afterwards. */
  readonly prepare: () => Prepared
}

export interface Workload {
  /** "W7" */
  readonly id: string
  /** "op-dispatch", the name the reference scripts print as `workload` */
  readonly name: string
  readonly cases: readonly Case[]
}

/** One JSON line (workloads.md §0 keys, plus extras). */
export interface BenchRecord {
  readonly workload: string
  readonly id: string
  readonly impl: string
  readonly ms_median: number
  readonly ms_min: number
  readonly ms_max: number
  readonly reps: number
  readonly warmup: number
  readonly value: number
  readonly value_name: string
  readonly threads: number
  readonly load1: number
  readonly rss_peak_mb: number
  readonly [key: string]: unknown
}
