/** Line plots: several named series over steps (losses, metrics), optionally on a log scale. */
import { checkRange, dataRange, drawAxes, drawLegend, layoutFrame, toPixelX, toPixelY } from "./axes.js"
import { PALETTE, PlotError, Raster, type Rgb } from "./raster.js"

export interface LineSeries {
  readonly name: string
  /** The y values; x defaults to 0, 1, 2, ... */
  readonly y: ArrayLike<number>
  readonly x?: ArrayLike<number>
  readonly colour?: Rgb
  readonly dashed?: boolean
}

export interface LineOptions {
  readonly width?: number
  readonly height?: number
  readonly title?: string
  /** Default "step". */
  readonly xLabel?: string
  readonly yLabel?: string
  readonly logX?: boolean
  readonly logY?: boolean
  readonly xRange?: readonly [number, number]
  readonly yRange?: readonly [number, number]
  /** Line width in pixels (default 2). */
  readonly thickness?: number
  /** Draw the legend (default: when there is more than one series or the one has a name). */
  readonly legend?: boolean
}

const xOf = (s: LineSeries, i: number): number => (s.x === undefined ? i : s.x[i]!)

const values = function* (series: ReadonlyArray<LineSeries>, axis: "x" | "y"): Iterable<number> {
  for (const s of series) for (let i = 0; i < s.y.length; i++) yield axis === "x" ? xOf(s, i) : s.y[i]!
}

/**
 * Draws each series as a polyline through its points in order. A non-finite point (or one ≤ 0 on
 * a log axis) breaks the line; an isolated point is drawn as a dot. Lines are clipped to the
 * data area, so fixed ranges may cut them.
 */
export const linePlot = (series: ReadonlyArray<LineSeries>, options: LineOptions = {}): Raster => {
  if (series.length === 0) throw new PlotError({ message: "linePlot needs at least one series" })
  series.forEach((s) => {
    if (s.x !== undefined && s.x.length !== s.y.length) {
      throw new PlotError({ message: `series "${s.name}" has ${s.x.length} x values and ${s.y.length} y values` })
    }
  })
  const logX = options.logX ?? false
  const logY = options.logY ?? false
  if (options.xRange) checkRange("xRange", options.xRange, logX)
  if (options.yRange) checkRange("yRange", options.yRange, logY)
  const width = options.width ?? 520
  const height = options.height ?? 320
  const axes = {
    width,
    height,
    title: options.title,
    xLabel: options.xLabel ?? "step",
    yLabel: options.yLabel,
    xLog: logX,
    yLog: logY,
    xRange: options.xRange ?? dataRange(values(series, "x"), { log: logX, pad: 0 }),
    yRange: options.yRange ?? dataRange(values(series, "y"), { log: logY })
  }
  const raster = new Raster(width, height)
  const frame = layoutFrame(axes)
  raster.frame = frame
  drawAxes(raster, frame, axes)
  const usable = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y) && (!logX || x > 0) && (!logY || y > 0)
  const thickness = options.thickness ?? 2
  raster.clipped(frame, () => {
    series.forEach((s, k) => {
      const colour = s.colour ?? PALETTE[k % PALETTE.length]!
      const style = { thickness, ...(s.dashed ? { dash: [6, 4] as const } : {}) }
      let previous: [number, number] | undefined
      for (let i = 0; i < s.y.length; i++) {
        const x = xOf(s, i)
        const y = s.y[i]!
        if (!usable(x, y)) {
          previous = undefined
          continue
        }
        const point: [number, number] = [toPixelX(frame, x), toPixelY(frame, y)]
        if (previous) raster.line(previous[0], previous[1], point[0], point[1], colour, style)
        else {
          const nextUsable = i + 1 < s.y.length && usable(xOf(s, i + 1), s.y[i + 1]!)
          if (!nextUsable) raster.disc(point[0], point[1], thickness + 0.5, colour)
        }
        previous = point
      }
    })
  })
  const legend = options.legend ?? (series.length > 1 || series[0]!.name !== "")
  if (legend) drawLegend(raster, frame, series.map((s, k) => ({ name: s.name, colour: s.colour ?? PALETTE[k % PALETTE.length]!, kind: "line" })))
  return raster
}
