/** Short, stable renderings of numbers and durations for progress lines, plots and reports. */

/** Four significant digits; scientific notation outside [1e-3, 1e5); "nan", "inf", "-inf". */
export const formatMetric = (x: number): string => {
  if (Number.isNaN(x)) return "nan"
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf"
  if (x === 0) return "0"
  const a = Math.abs(x)
  if (a >= 1e5 || a < 1e-3) return x.toExponential(3).replace("e+", "e")
  if (Number.isInteger(x)) return String(x)
  return x.toPrecision(4)
}

/** A duration as "m:ss" (or "h:mm:ss" from one hour on), rounded to whole seconds. */
export const formatDuration = (seconds: number): string => {
  if (!Number.isFinite(seconds) || seconds < 0) return "?"
  const total = Math.round(seconds)
  const s = total % 60
  const m = Math.floor(total / 60) % 60
  const h = Math.floor(total / 3600)
  const pad = (n: number) => String(n).padStart(2, "0")
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`
}
