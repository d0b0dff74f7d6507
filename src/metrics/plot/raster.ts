/**
 * An RGBA raster with the few drawing operations the plots need, and its PNG encoding. Every
 * operation works on whole pixels with integer arithmetic after rounding, so the same calls give
 * the same bytes on any machine. The raster is opaque: colours are blended over what is there.
 */
import { Data } from "effect"
import { PNG } from "pngjs"

/** Bad input to a plot (empty data, mismatched lengths, a bad shape or range). Plot functions throw it. */
export class PlotError extends Data.TaggedError("PlotError")<{ readonly message: string }> {}

export type Rgb = readonly [number, number, number]

export const WHITE: Rgb = [255, 255, 255]
export const BLACK: Rgb = [0, 0, 0]

/** Okabe–Ito colours (distinguishable with colour-blindness), then a few more. */
export const PALETTE: ReadonlyArray<Rgb> = [
  [0, 114, 178],
  [213, 94, 0],
  [0, 158, 115],
  [204, 121, 167],
  [230, 159, 0],
  [86, 180, 233],
  [120, 120, 120],
  [240, 228, 66],
  [0, 0, 0]
]

/** Where a plot's data area lies in its raster, and the data ranges it shows. */
export interface PlotFrame {
  /** Pixel column of xRange[0] and row of yRange[1]; the area spans width × height pixels. */
  readonly left: number
  readonly top: number
  readonly width: number
  readonly height: number
  readonly xRange: readonly [number, number]
  readonly yRange: readonly [number, number]
  readonly xLog: boolean
  readonly yLog: boolean
}

export class Raster {
  readonly data: Uint8Array
  /** Set by the plot functions: where the data area is (for tests and for overlays). */
  frame: PlotFrame | undefined = undefined
  /** While set, `blend` draws only inside this rectangle (x0 ≤ x < x1, y0 ≤ y < y1). */
  clip: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number } | undefined = undefined

  constructor(readonly width: number, readonly height: number, background: Rgb = WHITE) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width * height > 1 << 26) {
      throw new PlotError({ message: `a raster must be 1 to 2^26 pixels with integer sides, got ${width}×${height}` })
    }
    this.data = new Uint8Array(width * height * 4)
    for (let i = 0; i < width * height; i++) {
      this.data[4 * i] = background[0]
      this.data[4 * i + 1] = background[1]
      this.data[4 * i + 2] = background[2]
      this.data[4 * i + 3] = 255
    }
  }

  /** The RGB colour at (x, y). */
  pixel(x: number, y: number): Rgb {
    const i = 4 * (y * this.width + x)
    return [this.data[i]!, this.data[i + 1]!, this.data[i + 2]!]
  }

  /** Paints one pixel (integer coordinates), `alpha` in [0, 1]; outside the raster it is dropped. */
  blend(x: number, y: number, colour: Rgb, alpha = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return
    const c = this.clip
    if (c !== undefined && (x < c.x0 || y < c.y0 || x >= c.x1 || y >= c.y1)) return
    const i = 4 * (y * this.width + x)
    if (alpha >= 1) {
      this.data[i] = colour[0]
      this.data[i + 1] = colour[1]
      this.data[i + 2] = colour[2]
      return
    }
    for (let c = 0; c < 3; c++) this.data[i + c] = Math.round(colour[c]! * alpha + this.data[i + c]! * (1 - alpha))
  }

  fillRect(x: number, y: number, w: number, h: number, colour: Rgb, alpha = 1): void {
    const x0 = Math.max(0, Math.round(x))
    const y0 = Math.max(0, Math.round(y))
    const x1 = Math.min(this.width, Math.round(x) + Math.round(w))
    const y1 = Math.min(this.height, Math.round(y) + Math.round(h))
    for (let j = y0; j < y1; j++) for (let i = x0; i < x1; i++) this.blend(i, j, colour, alpha)
  }

  /** One-pixel outline of a rectangle. */
  strokeRect(x: number, y: number, w: number, h: number, colour: Rgb): void {
    this.fillRect(x, y, w, 1, colour)
    this.fillRect(x, y + h - 1, w, 1, colour)
    this.fillRect(x, y, 1, h, colour)
    this.fillRect(x + w - 1, y, 1, h, colour)
  }

  /**
   * A line between the rounded end points (Bresenham), `thickness` pixels wide (a square pen).
   * With `dash = [on, off]`, pixels are drawn in runs of `on` steps separated by `off` steps.
   */
  line(x0: number, y0: number, x1: number, y1: number, colour: Rgb, options: { thickness?: number; dash?: readonly [number, number]; alpha?: number } = {}): void {
    const t = Math.max(1, Math.round(options.thickness ?? 1))
    const back = Math.floor((t - 1) / 2)
    let x = Math.round(x0)
    let y = Math.round(y0)
    const xe = Math.round(x1)
    const ye = Math.round(y1)
    const dx = Math.abs(xe - x)
    const dy = -Math.abs(ye - y)
    const sx = x < xe ? 1 : -1
    const sy = y < ye ? 1 : -1
    let err = dx + dy
    for (let n = 0; ; n++) {
      const dash = options.dash
      if (dash === undefined || n % (dash[0] + dash[1]) < dash[0]) {
        if (t === 1) this.blend(x, y, colour, options.alpha ?? 1)
        else this.fillRect(x - back, y - back, t, t, colour, options.alpha ?? 1)
      }
      if (x === xe && y === ye) break
      const e2 = 2 * err
      if (e2 >= dy) {
        err += dy
        x += sx
      }
      if (e2 <= dx) {
        err += dx
        y += sy
      }
    }
  }

  /** A filled disc: the pixels whose centres lie within `radius` of (cx, cy) (pixel centres at integers). */
  disc(cx: number, cy: number, radius: number, colour: Rgb, alpha = 1): void {
    const r = Math.max(0.5, radius)
    for (let j = Math.ceil(cy - r); j <= Math.floor(cy + r); j++) {
      for (let i = Math.ceil(cx - r); i <= Math.floor(cx + r); i++) {
        if ((i - cx) ** 2 + (j - cy) ** 2 <= r * r) this.blend(i, j, colour, alpha)
      }
    }
  }

  /** Runs `draw` with blending limited to the frame's data area. */
  clipped(frame: PlotFrame, draw: () => void): void {
    const saved = this.clip
    this.clip = { x0: frame.left, y0: frame.top, x1: frame.left + frame.width, y1: frame.top + frame.height }
    try {
      draw()
    } finally {
      this.clip = saved
    }
  }

  /** Copies another raster with its top-left corner at (x, y). */
  blit(source: Raster, x: number, y: number): void {
    for (let j = 0; j < source.height; j++) {
      const ty = y + j
      if (ty < 0 || ty >= this.height) continue
      for (let i = 0; i < source.width; i++) {
        const tx = x + i
        if (tx < 0 || tx >= this.width) continue
        const s = 4 * (j * source.width + i)
        this.data.set(source.data.subarray(s, s + 4), 4 * (ty * this.width + tx))
      }
    }
  }
}

/** The raster as PNG bytes (8-bit RGBA, no time stamp, so the same raster gives the same bytes). */
export const encodePng = (raster: Raster): Uint8Array => {
  const png = new PNG({ width: raster.width, height: raster.height, colorType: 6, inputColorType: 6, bitDepth: 8, inputHasAlpha: true })
  png.data = Buffer.from(raster.data.buffer, raster.data.byteOffset, raster.data.byteLength)
  return new Uint8Array(PNG.sync.write(png, { colorType: 6 }))
}
