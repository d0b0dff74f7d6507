/** Scatter plots of 2-D samples, with an optional overlay of mode centres. */
import { dataRange, drawAxes, drawLegend, layoutFrame, type LegendEntry, toPixelX, toPixelY } from "./axes.js"
import { PALETTE, PlotError, Raster, type Rgb } from "./raster.js"

/** Points as flat pairs [x0, y0, x1, y1, ...]: what `toTypedArray()` of an [N, 2] tensor gives. */
export type Points = ArrayLike<number>

export interface ScatterSeries {
  readonly name: string
  readonly points: Points
  readonly colour?: Rgb
}

export interface ScatterOptions {
  readonly width?: number
  readonly height?: number
  readonly title?: string
  readonly xLabel?: string
  readonly yLabel?: string
  /** Fixed axis ranges (so frames of a run line up); by default the data's range, padded. */
  readonly xRange?: readonly [number, number]
  readonly yRange?: readonly [number, number]
  /** Colour of a single (unnamed) point set; named sets carry their own. */
  readonly colour?: Rgb
  /** Mode centres as flat pairs, drawn as crosses over the points. */
  readonly centres?: Points
  readonly centreColour?: Rgb
  readonly centresName?: string
  /** Radius of a point in pixels (default 1.5) and its opacity (default 0.6). */
  readonly pointRadius?: number
  readonly alpha?: number
}

const pairs = (name: string, p: Points): number => {
  if (p.length % 2 !== 0) throw new PlotError({ message: `${name} must hold x, y pairs, got ${p.length} numbers` })
  return p.length / 2
}

const coordinates = (sets: ReadonlyArray<Points>, axis: 0 | 1): Iterable<number> => ({
  *[Symbol.iterator]() {
    for (const p of sets) for (let i = axis; i < p.length; i += 2) yield p[i]!
  }
})

/**
 * A scatter plot of one point set (flat pairs) or several named sets (with a legend). Points
 * outside the ranges and non-finite points are left out; later sets are drawn over earlier ones.
 */
export const scatterPlot = (data: Points | ReadonlyArray<ScatterSeries>, options: ScatterOptions = {}): Raster => {
  const named = Array.isArray(data) && data.length > 0 && typeof data[0] === "object"
  const series: ReadonlyArray<ScatterSeries> = named
    ? (data as ReadonlyArray<ScatterSeries>)
    : [{ name: "", points: data as Points, ...(options.colour ? { colour: options.colour } : {}) }]
  series.forEach((s, i) => pairs(`series ${i} ("${s.name}")`, s.points))
  const centres = options.centres
  if (centres !== undefined) pairs("centres", centres)
  const all = [...series.map((s) => s.points), ...(centres ? [centres] : [])]
  const width = options.width ?? 400
  const height = options.height ?? 400
  const axes = {
    width,
    height,
    title: options.title,
    xLabel: options.xLabel,
    yLabel: options.yLabel,
    xRange: options.xRange ?? dataRange(coordinates(all, 0)),
    yRange: options.yRange ?? dataRange(coordinates(all, 1))
  }
  const raster = new Raster(width, height)
  const frame = layoutFrame(axes)
  raster.frame = frame
  drawAxes(raster, frame, axes)
  const inside = (x: number, y: number) =>
    Number.isFinite(x) && Number.isFinite(y) && x >= frame.xRange[0] && x <= frame.xRange[1] && y >= frame.yRange[0] && y <= frame.yRange[1]
  raster.clipped(frame, () => {
    series.forEach((s, k) => {
      const colour = s.colour ?? PALETTE[k % PALETTE.length]!
      for (let i = 0; i + 1 < s.points.length; i += 2) {
        const x = s.points[i]!
        const y = s.points[i + 1]!
        if (inside(x, y)) raster.disc(toPixelX(frame, x), toPixelY(frame, y), options.pointRadius ?? 1.5, colour, options.alpha ?? 0.6)
      }
    })
    if (centres) {
      const colour = options.centreColour ?? [200, 0, 0]
      for (let i = 0; i + 1 < centres.length; i += 2) {
        if (!inside(centres[i]!, centres[i + 1]!)) continue
        const x = Math.round(toPixelX(frame, centres[i]!))
        const y = Math.round(toPixelY(frame, centres[i + 1]!))
        raster.line(x - 4, y - 4, x + 4, y + 4, colour, { thickness: 2 })
        raster.line(x - 4, y + 4, x + 4, y - 4, colour, { thickness: 2 })
      }
    }
  })
  const legend: LegendEntry[] = named ? series.map((s, k) => ({ name: s.name, colour: s.colour ?? PALETTE[k % PALETTE.length]!, kind: "dot" })) : []
  if (named && centres) legend.push({ name: options.centresName ?? "modes", colour: options.centreColour ?? [200, 0, 0], kind: "cross" })
  drawLegend(raster, frame, legend)
  return raster
}
