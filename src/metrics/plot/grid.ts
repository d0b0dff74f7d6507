/** A grid of small images (MNIST samples, reconstructions) as one picture. */
import { drawText, textHeight } from "./font.js"
import { PlotError, Raster, type Rgb } from "./raster.js"

export interface ImageGridOptions {
  /** [N, H, W], [N, 1, H, W] (grey) or [N, 3, H, W] (RGB), row-major values. */
  readonly shape: ReadonlyArray<number>
  /** Values mapped to 0..255: "unit" is [0, 1] (default), "symmetric" is [-1, 1]; clipped outside. */
  readonly valueRange?: "unit" | "symmetric" | readonly [number, number]
  /** Grid size; by default cols = ceil(sqrt(N)) and rows = ceil(N / cols). */
  readonly rows?: number
  readonly cols?: number
  /** Each image pixel becomes scale × scale raster pixels (default 2). */
  readonly scale?: number
  /** Pixels between and around images (default 2). */
  readonly padding?: number
  readonly background?: Rgb
  readonly title?: string
}

/** Shown for a NaN, so a broken sample is visible rather than black. */
export const NAN_COLOUR: Rgb = [255, 0, 255]

const positiveInt = (name: string, v: number): number => {
  if (!Number.isInteger(v) || v < 1) throw new PlotError({ message: `${name} must be a positive integer, got ${v}` })
  return v
}

/**
 * Image k goes to row floor(k / cols), column k mod cols. With padding p and scale s, the image
 * in row r and column c has its top-left pixel at (p + c (W s + p), top + p + r (H s + p)), where
 * top is the title's height (0 without a title). Empty cells keep the background.
 */
export const imageGrid = (values: ArrayLike<number>, options: ImageGridOptions): Raster => {
  const shape = options.shape
  const ok = (shape.length === 3) || (shape.length === 4 && (shape[1] === 1 || shape[1] === 3))
  if (!ok) throw new PlotError({ message: `imageGrid needs a shape [N, H, W] or [N, C, H, W] with C = 1 or 3, got [${shape.join(", ")}]` })
  const n = positiveInt("N", shape[0]!)
  const channels = shape.length === 4 ? shape[1]! : 1
  const h = positiveInt("H", shape[shape.length - 2]!)
  const w = positiveInt("W", shape[shape.length - 1]!)
  if (values.length !== n * channels * h * w) {
    throw new PlotError({ message: `imageGrid: shape [${shape.join(", ")}] needs ${n * channels * h * w} values, got ${values.length}` })
  }
  const cols = positiveInt("cols", options.cols ?? (options.rows !== undefined ? Math.ceil(n / options.rows) : Math.ceil(Math.sqrt(n))))
  const rows = positiveInt("rows", options.rows ?? Math.ceil(n / cols))
  if (rows * cols < n) throw new PlotError({ message: `a ${rows}×${cols} grid cannot hold ${n} images` })
  const scale = positiveInt("scale", options.scale ?? 2)
  const pad = options.padding ?? 2
  if (!Number.isInteger(pad) || pad < 0) throw new PlotError({ message: `padding must be a non-negative integer, got ${pad}` })
  const range = options.valueRange ?? "unit"
  const [lo, hi] = range === "unit" ? [0, 1] : range === "symmetric" ? [-1, 1] : range
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new PlotError({ message: `valueRange must be finite and increasing, got [${lo}, ${hi}]` })

  const top = options.title ? 6 + textHeight(2) + 4 : 0
  const width = pad + cols * (w * scale + pad)
  const raster = new Raster(Math.max(width, 1), top + pad + rows * (h * scale + pad), options.background ?? [128, 128, 128])
  if (options.title) {
    raster.fillRect(0, 0, raster.width, top, [255, 255, 255])
    drawText(raster, options.title, Math.floor(raster.width / 2), 6, { scale: 2, anchor: "middle", colour: [40, 40, 40] })
  }
  const level = (v: number) => Math.round(Math.min(1, Math.max(0, (v - lo) / (hi - lo))) * 255)
  const plane = h * w
  for (let k = 0; k < n; k++) {
    const x0 = pad + (k % cols) * (w * scale + pad)
    const y0 = top + pad + Math.floor(k / cols) * (h * scale + pad)
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const at = k * channels * plane + y * w + x
        const rgb = channels === 1 ? [values[at]!, values[at]!, values[at]!] : [values[at]!, values[at + plane]!, values[at + 2 * plane]!]
        const colour: Rgb = rgb.some(Number.isNaN) ? NAN_COLOUR : [level(rgb[0]!), level(rgb[1]!), level(rgb[2]!)]
        raster.fillRect(x0 + x * scale, y0 + y * scale, scale, scale, colour)
      }
    }
  }
  return raster
}
