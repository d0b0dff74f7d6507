/** Timing units and summarising the times (monotonic clock, milliseconds). */
import { performance } from "node:perf_hooks"
import type { Plan, Summary } from "./types.js"

/** Runs `plan.warmup` untimed units, then times `plan.reps` units one by one. */
export const timeUnits = (unit: () => void, plan: Plan): number[] => {
  for (let i = 0; i < plan.warmup; i++) unit()
  const times: number[] = []
  for (let i = 0; i < plan.reps; i++) {
    const t0 = performance.now()
    unit()
    times.push(performance.now() - t0)
  }
  return times
}

/** The median of a non-empty list (mean of the middle two for an even count). */
export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

export const summarize = (times: readonly number[]): Summary => ({
  ms_median: median(times),
  ms_min: Math.min(...times),
  ms_max: Math.max(...times),
  reps: times.length
})
