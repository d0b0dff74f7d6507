/** Several plots side by side in one picture (e.g. samples at steps 0, 1k, 5k, 10k). */
import { drawText, textHeight } from "./font.js"
import { PlotError, Raster, type Rgb, WHITE } from "./raster.js"

export interface PanelOptions {
  /** Pixels between panels and around them (default 8). */
  readonly gap?: number
  readonly background?: Rgb
  /** A heading above the row. */
  readonly title?: string
  /** Where a shorter panel sits (default "top"). */
  readonly align?: "top" | "middle" | "bottom"
}

/**
 * The rasters left to right, each at x = gap + (sum of earlier widths and gaps) and below the
 * title. Frames are not carried over (the panels keep their own).
 */
export const panelRow = (panels: ReadonlyArray<Raster>, options: PanelOptions = {}): Raster => {
  if (panels.length === 0) throw new PlotError({ message: "panelRow needs at least one panel" })
  const gap = options.gap ?? 8
  if (!Number.isInteger(gap) || gap < 0) throw new PlotError({ message: `gap must be a non-negative integer, got ${gap}` })
  const top = options.title ? gap + textHeight(2) : 0
  const tallest = Math.max(...panels.map((p) => p.height))
  const width = gap + panels.reduce((sum, p) => sum + p.width + gap, 0)
  const out = new Raster(width, top + gap + tallest + gap, options.background ?? WHITE)
  if (options.title) drawText(out, options.title, Math.floor(width / 2), gap, { scale: 2, anchor: "middle", colour: [40, 40, 40] })
  let x = gap
  for (const p of panels) {
    const slack = tallest - p.height
    const dy = options.align === "middle" ? Math.floor(slack / 2) : options.align === "bottom" ? slack : 0
    out.blit(p, x, top + gap + dy)
    x += p.width + gap
  }
  return out
}
