/**
 * diverge/metrics/plot: PNG plots drawn into an RGBA raster (no canvas, no native code). Plot
 * functions return a `Raster`; `encodePng(raster)` gives the bytes for a file, a TensorBoard
 * image or a report. Same input, same bytes. Bad input throws a `PlotError`.
 */
export { PlotError, Raster, type Rgb, type PlotFrame, PALETTE, WHITE, BLACK, encodePng } from "./raster.js"
export { drawText, textWidth, textHeight, hasGlyph, type TextOptions } from "./font.js"
export { dataRange, linearTicks, logTicks, tickLabel, toPixelX, toPixelY, type LegendEntry, drawLegend } from "./axes.js"
export { scatterPlot, type ScatterOptions, type ScatterSeries, type Points } from "./scatter.js"
export { linePlot, type LineOptions, type LineSeries } from "./line.js"
export { histogram, histogramPlot, densityPlot, type Histogram, type HistogramOptions, type DensityCurve, type DensityOptions } from "./histogram.js"
export { imageGrid, NAN_COLOUR, type ImageGridOptions } from "./grid.js"
export { panelRow, type PanelOptions } from "./panel.js"
