/**
 * Axes shared by the plots: data ranges, tick positions and labels, the layout of a plot's data
 * area inside its raster, the mapping from data to pixels, and drawing of the frame, grid, ticks,
 * title, axis labels and legend.
 */
import { drawText, textHeight, textWidth } from "./font.js"
import { PlotError, type PlotFrame, type Raster, type Rgb, WHITE } from "./raster.js"

const GRID: Rgb = [232, 232, 232]
const AXIS: Rgb = [90, 90, 90]
const TEXT: Rgb = [40, 40, 40]

/** Drops float noise such as 0.30000000000000004 (12 significant digits are kept). */
const clean = (x: number): number => (x === 0 ? 0 : Number(x.toPrecision(12)))

/**
 * The range [min, max] of the finite values (positive ones only for a log axis), widened by
 * `pad` of its length on both sides (by a factor for a log axis); a single value v becomes
 * [v - 1, v + 1] (or [v / 10, v * 10]). Fails when no value is usable.
 */
export const dataRange = (values: Iterable<number>, options: { log?: boolean; pad?: number } = {}): [number, number] => {
  let lo = Infinity
  let hi = -Infinity
  for (const v of values) {
    if (!Number.isFinite(v) || (options.log && v <= 0)) continue
    const u = options.log ? Math.log10(v) : v
    if (u < lo) lo = u
    if (u > hi) hi = u
  }
  if (lo > hi) throw new PlotError({ message: options.log ? "no positive finite value to plot on a log axis" : "no finite value to plot" })
  if (lo === hi) {
    lo -= 1
    hi += 1
  }
  const pad = (hi - lo) * (options.pad ?? 0.05)
  return options.log ? [10 ** (lo - pad), 10 ** (hi + pad)] : [lo - pad, hi + pad]
}

/** Fails unless the range is finite, increasing, and positive on a log axis. */
export const checkRange = (name: string, range: readonly [number, number], log = false): void => {
  const [lo, hi] = range
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi) || (log && lo <= 0)) {
    throw new PlotError({ message: `${name} must be finite and increasing${log ? " and positive" : ""}, got [${lo}, ${hi}]` })
  }
}

/** Tick values inside [lo, hi] at 1, 2 or 5 × 10^k spacing, about `target` intervals apart. */
export const linearTicks = (lo: number, hi: number, target = 5): number[] => {
  const raw = (hi - lo) / Math.max(1, target)
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  // The spacing whose number of intervals is closest to the target (the smaller one on a tie).
  let step = magnitude
  for (const m of [2, 5, 10]) {
    if (Math.abs((hi - lo) / (m * magnitude) - target) < Math.abs((hi - lo) / step - target)) step = m * magnitude
  }
  const ticks: number[] = []
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) ticks.push(clean(k * step))
  return ticks
}

/** Powers of ten inside [lo, hi]; with fewer than three, also 2 and 5 times them. */
export const logTicks = (lo: number, hi: number): number[] => {
  const decades: number[] = []
  for (let k = Math.ceil(Math.log10(lo) - 1e-9); k <= Math.floor(Math.log10(hi) + 1e-9); k++) decades.push(k)
  if (decades.length >= 3) return decades.map((k) => clean(10 ** k))
  const ticks: number[] = []
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (const m of [1, 2, 5]) {
      const v = clean(m * 10 ** k)
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v)
    }
  }
  return ticks
}

/**
 * A tick label with as many decimals as the most precise of `ticks` needs (pass [value] alone to
 * label it on its own, as log axes do); "1e-5" style from 1e5 up and below 1e-3.
 */
export const tickLabel = (value: number, ticks: readonly number[] = [value]): string => {
  const a = Math.abs(value)
  if (a >= 1e5 || (a < 1e-3 && a > 0)) {
    const [mantissa, exponent] = value.toExponential().split("e")
    return `${clean(Number(mantissa))}e${Number(exponent)}`
  }
  let decimals = 0
  for (const t of ticks) {
    while (decimals < 6 && Math.abs(Number(t.toFixed(decimals)) - t) > Math.abs(t) * 1e-9) decimals++
  }
  return value === 0 ? (0).toFixed(decimals) : value.toFixed(decimals)
}

export interface AxesOptions {
  readonly width: number
  readonly height: number
  readonly title?: string
  readonly xLabel?: string
  readonly yLabel?: string
  readonly xRange: readonly [number, number]
  readonly yRange: readonly [number, number]
  readonly xLog?: boolean
  readonly yLog?: boolean
  /** Draw x tick labels (default true). */
  readonly xTickLabels?: boolean
}

const ticksOf = (range: readonly [number, number], log: boolean, target: number): number[] =>
  log ? logTicks(range[0], range[1]) : linearTicks(range[0], range[1], target)
const labelOf = (t: number, ticks: readonly number[], log: boolean): string => tickLabel(t, log ? [t] : ticks)
const xTarget = (plotWidth: number) => Math.max(3, Math.round(plotWidth / 70))
const yTarget = (plotHeight: number) => Math.max(3, Math.round(plotHeight / 50))

/** Where the data area goes, leaving room for the title, tick labels and axis labels. */
export const layoutFrame = (o: AxesOptions): PlotFrame => {
  checkRange("xRange", o.xRange, o.xLog)
  checkRange("yRange", o.yRange, o.yLog)
  const top = o.title ? 8 + textHeight(2) + 6 : 10
  const bottom = 6 + (o.xTickLabels === false ? 0 : textHeight(1) + 4) + (o.xLabel ? textHeight(1) + 6 : 0)
  const yLog = o.yLog ?? false
  const yTicks = ticksOf(o.yRange, yLog, yTarget(o.height - top - bottom))
  const yLabelWidth = Math.max(0, ...yTicks.map((t) => textWidth(labelOf(t, yTicks, yLog))))
  const left = 6 + (o.yLabel ? textHeight(1) + 6 : 0) + yLabelWidth + 6
  const right = 14
  const width = o.width - left - right
  const height = o.height - top - bottom
  if (width < 20 || height < 20) throw new PlotError({ message: `a ${o.width}×${o.height} plot leaves no room for its data` })
  return { left, top, width, height, xRange: o.xRange, yRange: o.yRange, xLog: o.xLog ?? false, yLog: o.yLog ?? false }
}

const unit = (v: number, range: readonly [number, number], log: boolean): number =>
  log ? (Math.log10(v) - Math.log10(range[0])) / (Math.log10(range[1]) - Math.log10(range[0])) : (v - range[0]) / (range[1] - range[0])

/** Pixel column of x: xRange[0] at `left`, xRange[1] at `left + width - 1` (fractional). */
export const toPixelX = (f: PlotFrame, x: number): number => f.left + unit(x, f.xRange, f.xLog) * (f.width - 1)
/** Pixel row of y: yRange[1] at `top`, yRange[0] at `top + height - 1` (fractional). */
export const toPixelY = (f: PlotFrame, y: number): number => f.top + (1 - unit(y, f.yRange, f.yLog)) * (f.height - 1)

/** Draws the grid, frame, ticks and text around a frame (before the data is drawn). */
export const drawAxes = (r: Raster, f: PlotFrame, o: AxesOptions): void => {
  r.fillRect(f.left, f.top, f.width, f.height, WHITE)
  const xTicks = ticksOf(f.xRange, f.xLog, xTarget(f.width))
  const yTicks = ticksOf(f.yRange, f.yLog, yTarget(f.height))
  const bottom = f.top + f.height - 1
  for (const t of xTicks) {
    const x = Math.round(toPixelX(f, t))
    r.fillRect(x, f.top, 1, f.height, GRID)
    r.fillRect(x, bottom + 1, 1, 4, AXIS)
    if (o.xTickLabels !== false) drawText(r, labelOf(t, xTicks, f.xLog), x, bottom + 6, { anchor: "middle", colour: TEXT })
  }
  for (const t of yTicks) {
    const y = Math.round(toPixelY(f, t))
    r.fillRect(f.left, y, f.width, 1, GRID)
    r.fillRect(f.left - 4, y, 4, 1, AXIS)
    drawText(r, labelOf(t, yTicks, f.yLog), f.left - 7, y - 3, { anchor: "end", colour: TEXT })
  }
  r.strokeRect(f.left - 1, f.top - 1, f.width + 2, f.height + 2, AXIS)
  if (o.title) drawText(r, o.title, f.left + Math.floor(f.width / 2), 8, { scale: 2, anchor: "middle", colour: TEXT })
  if (o.xLabel) drawText(r, o.xLabel, f.left + Math.floor(f.width / 2), o.height - 6 - textHeight(1), { anchor: "middle", colour: TEXT })
  if (o.yLabel) drawText(r, o.yLabel, 6, f.top + Math.floor(f.height / 2), { anchor: "middle", vertical: true, colour: TEXT })
}

export interface LegendEntry {
  readonly name: string
  readonly colour: Rgb
  /** The swatch: a short line, a dot, a filled box or a cross (for marked points). */
  readonly kind: "line" | "dot" | "box" | "cross"
}

/** A legend box in the top-right corner of the data area. */
export const drawLegend = (r: Raster, f: PlotFrame, entries: ReadonlyArray<LegendEntry>): void => {
  if (entries.length === 0) return
  const rowHeight = textHeight(1) + 4
  const width = 8 + 16 + 6 + Math.max(...entries.map((e) => textWidth(e.name))) + 8
  const height = 6 + entries.length * rowHeight + 2
  const x = f.left + f.width - width - 6
  const y = f.top + 6
  r.fillRect(x, y, width, height, WHITE, 0.9)
  r.strokeRect(x, y, width, height, [200, 200, 200])
  entries.forEach((e, i) => {
    const cy = y + 6 + i * rowHeight + 3
    if (e.kind === "line") r.fillRect(x + 8, cy, 16, 2, e.colour)
    else if (e.kind === "dot") r.disc(x + 16, cy, 3, e.colour)
    else if (e.kind === "cross") {
      r.line(x + 13, cy - 3, x + 19, cy + 3, e.colour, { thickness: 2 })
      r.line(x + 13, cy + 3, x + 19, cy - 3, e.colour, { thickness: 2 })
    }    else r.fillRect(x + 10, cy - 3, 12, 7, e.colour)
    drawText(r, e.name, x + 8 + 16 + 6, cy - 3, { colour: TEXT })
  })
}
