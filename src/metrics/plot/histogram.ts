/** 1-D samples as a density histogram with density curves drawn over it (the f-GAN 1-D study). */
import { checkRange, dataRange, drawAxes, drawLegend, layoutFrame, type LegendEntry, toPixelX, toPixelY } from "./axes.js"
import { PALETTE, PlotError, Raster, type Rgb } from "./raster.js"

export interface DensityCurve {
  readonly name: string
  readonly pdf: (x: number) => number
  readonly colour?: Rgb
  readonly dashed?: boolean
}

export interface HistogramOptions {
  readonly width?: number
  readonly height?: number
  readonly title?: string
  readonly xLabel?: string
  /** Default "density". */
  readonly yLabel?: string
  /** Number of equal bins (default 40) over `range` (default: the samples' range, padded). */
  readonly bins?: number
  readonly range?: readonly [number, number]
  readonly yRange?: readonly [number, number]
  /** Curves drawn over the bars, e.g. the target density. */
  readonly curves?: ReadonlyArray<DensityCurve>
  /** Legend name of the samples (default "samples"). */
  readonly name?: string
  readonly colour?: Rgb
}

export interface Histogram {
  readonly edges: Float64Array
  /** Count of samples in each bin; bin i is [edges[i], edges[i+1]), the last one closed. */
  readonly counts: Float64Array
  /** count / (finite samples × bin width): integrates to the fraction of samples in range. */
  readonly density: Float64Array
}

/** Bins the finite samples; samples outside the range count towards the normaliser only. */
export const histogram = (samples: ArrayLike<number>, bins: number, range: readonly [number, number]): Histogram => {
  if (!Number.isInteger(bins) || bins < 1) throw new PlotError({ message: `bins must be a positive integer, got ${bins}` })
  checkRange("range", range)
  const [lo, hi] = range
  const width = (hi - lo) / bins
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => lo + i * width)
  const counts = new Float64Array(bins)
  let finite = 0
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!
    if (!Number.isFinite(v)) continue
    finite++
    if (v < lo || v > hi) continue
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]! += 1
  }
  const density = counts.map((c) => (finite > 0 ? c / (finite * width) : 0))
  return { edges, counts, density }
}

const curveLegend = (curves: ReadonlyArray<DensityCurve>, offset: number): LegendEntry[] =>
  curves.map((c, k) => ({ name: c.name, colour: c.colour ?? PALETTE[(k + offset) % PALETTE.length]!, kind: "line" }))

const drawCurves = (raster: Raster, curves: ReadonlyArray<DensityCurve>, offset: number): void => {
  const frame = raster.frame!
  raster.clipped(frame, () => {
    curves.forEach((c, k) => {
      const colour = c.colour ?? PALETTE[(k + offset) % PALETTE.length]!
      const style = { thickness: 2, ...(c.dashed ? { dash: [6, 4] as const } : {}) }
      let previous: [number, number] | undefined
      // One evaluation per pixel column, so the curve is as smooth as the raster allows.
      for (let px = 0; px < frame.width; px++) {
        const x = frame.xRange[0] + (px / (frame.width - 1)) * (frame.xRange[1] - frame.xRange[0])
        const y = c.pdf(x)
        if (!Number.isFinite(y)) {
          previous = undefined
          continue
        }
        const point: [number, number] = [frame.left + px, toPixelY(frame, y)]
        if (previous) raster.line(previous[0], previous[1], point[0], point[1], colour, style)
        previous = point
      }
    })
  })
}

const curveMax = (curves: ReadonlyArray<DensityCurve>, range: readonly [number, number], n = 512): number => {
  let max = 0
  for (const c of curves) {
    for (let i = 0; i < n; i++) {
      const y = c.pdf(range[0] + (i / (n - 1)) * (range[1] - range[0]))
      if (Number.isFinite(y) && y > max) max = y
    }
  }
  return max
}

/**
 * A density histogram of the samples (bars of height count / (n × bin width), n the number of
 * finite samples) with the curves drawn over it on the same scale.
 */
export const histogramPlot = (samples: ArrayLike<number>, options: HistogramOptions = {}): Raster => {
  const curves = options.curves ?? []
  const range = options.range ?? dataRange(Array.from(samples))
  const h = histogram(samples, options.bins ?? 40, range)
  const top = Math.max(...h.density, curveMax(curves, range))
  const width = options.width ?? 480
  const height = options.height ?? 320
  const axes = {
    width,
    height,
    title: options.title,
    xLabel: options.xLabel,
    yLabel: options.yLabel ?? "density",
    xRange: range,
    yRange: options.yRange ?? ([0, top > 0 ? top * 1.08 : 1] as const)
  }
  const raster = new Raster(width, height)
  const frame = layoutFrame(axes)
  raster.frame = frame
  drawAxes(raster, frame, axes)
  const colour = options.colour ?? PALETTE[0]!
  raster.clipped(frame, () => {
    const base = Math.round(toPixelY(frame, 0))
    for (let i = 0; i < h.counts.length; i++) {
      if (h.counts[i] === 0) continue
      const x0 = Math.round(toPixelX(frame, h.edges[i]!))
      const x1 = Math.round(toPixelX(frame, h.edges[i + 1]!))
      const y = Math.round(toPixelY(frame, h.density[i]!))
      raster.fillRect(x0, y, Math.max(1, x1 - x0), base - y + 1, colour, 0.45)
      raster.fillRect(x0, y, Math.max(1, x1 - x0), 1, colour)
    }
  })
  drawCurves(raster, curves, 1)
  drawLegend(raster, frame, [{ name: options.name ?? "samples", colour, kind: "box" }, ...curveLegend(curves, 1)])
  return raster
}

export interface DensityOptions extends Omit<HistogramOptions, "bins" | "curves" | "name" | "colour" | "range"> {
  readonly range: readonly [number, number]
}

/** Density curves alone over a fixed x range (e.g. the target and the model's density). */
export const densityPlot = (curves: ReadonlyArray<DensityCurve>, options: DensityOptions): Raster => {
  if (curves.length === 0) throw new PlotError({ message: "densityPlot needs at least one curve" })
  checkRange("range", options.range)
  const top = curveMax(curves, options.range)
  const width = options.width ?? 480
  const height = options.height ?? 320
  const axes = {
    width,
    height,
    title: options.title,
    xLabel: options.xLabel,
    yLabel: options.yLabel ?? "density",
    xRange: options.range,
    yRange: options.yRange ?? ([0, top > 0 ? top * 1.08 : 1] as const)
  }
  const raster = new Raster(width, height)
  const frame = layoutFrame(axes)
  raster.frame = frame
  drawAxes(raster, frame, axes)
  drawCurves(raster, curves, 0)
  drawLegend(raster, frame, curveLegend(curves, 0))
  return raster
}
