/** The plots: where data lands in pixels, colours, layout, errors, determinism. */
import { describe, expect, it } from "@effect/vitest"
import { PNG } from "pngjs"
import * as P from "../../../src/metrics/plot/index.js"
import { prng } from "../../support/random.js"

const C1: P.Rgb = [10, 20, 30]
const C2: P.Rgb = [200, 40, 60]
const same = (a: P.Rgb, b: P.Rgb) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2]

/** The documented mapping, written again: range start at the first pixel, end at the last. */
const px = (f: P.PlotFrame, x: number) => {
  const t = f.xLog ? Math.log10(x / f.xRange[0]) / Math.log10(f.xRange[1] / f.xRange[0]) : (x - f.xRange[0]) / (f.xRange[1] - f.xRange[0])
  return Math.round(f.left + t * (f.width - 1))
}
const py = (f: P.PlotFrame, y: number) => {
  const t = f.yLog ? Math.log10(y / f.yRange[0]) / Math.log10(f.yRange[1] / f.yRange[0]) : (y - f.yRange[0]) / (f.yRange[1] - f.yRange[0])
  return Math.round(f.top + (1 - t) * (f.height - 1))
}
const pixelsOf = (r: P.Raster, colour: P.Rgb): Array<[number, number]> => {
  const out: Array<[number, number]> = []
  for (let y = 0; y < r.height; y++) for (let x = 0; x < r.width; x++) if (same(r.pixel(x, y), colour)) out.push([x, y])
  return out
}
const insideFrame = (f: P.PlotFrame, [x, y]: [number, number]) => x >= f.left && x < f.left + f.width && y >= f.top && y < f.top + f.height

describe("scatterPlot", () => {
  const points = [0, 0, 1, 1, -1, -1, 0.5, -0.5, 0, 1.5, NaN, 0]
  const plot = () => P.scatterPlot(points, { width: 200, height: 180, xRange: [-1, 1], yRange: [-1, 1], colour: C1, pointRadius: 1, alpha: 1, title: "t" })

  it("puts each point at its pixel; points outside the ranges or non-finite are left out", () => {
    const r = plot()
    const f = r.frame!
    expect([r.width, r.height]).toEqual([200, 180])
    for (const [x, y] of [[0, 0], [1, 1], [-1, -1], [0.5, -0.5]] as const) expect(r.pixel(px(f, x), py(f, y))).toEqual(C1)
    const inked = pixelsOf(r, C1)
    expect(inked.length).toBeGreaterThan(0)
    for (const p of inked) expect(insideFrame(f, p)).toBe(true)
    // Each point is a disc of radius 1: at most 5 pixels, so 4 points make at most 20.
    expect(inked.length).toBeLessThanOrEqual(20)
    expect(same(r.pixel(px(f, -0.5), py(f, 0.5)), C1)).toBe(false)
  })

  it("draws mode centres as crosses over the points, later sets over earlier ones", () => {
    const r = P.scatterPlot(
      [{ name: "real", points: [0.2, 0.2], colour: C1 }, { name: "fake", points: [0.2, 0.2], colour: C2 }],
      { xRange: [-1, 1], yRange: [-1, 1], centres: [-0.5, 0.5], centreColour: [0, 200, 0], pointRadius: 2, alpha: 1 }
    )
    const f = r.frame!
    expect(r.pixel(px(f, 0.2), py(f, 0.2))).toEqual(C2)
    const c = [px(f, -0.5), py(f, 0.5)] as const
    for (const d of [-3, 0, 3]) expect(r.pixel(c[0] + d, c[1] + d)).toEqual([0, 200, 0])
    expect(r.pixel(c[0] + 3, c[1] - 3)).toEqual([0, 200, 0])
    // The legend lists both sets and the centres: their swatch colours appear in its top-right corner.
    const legend = (colour: P.Rgb) => pixelsOf(r, colour).filter(([x, y]) => x > f.left + f.width / 2 && y < f.top + 40)
    expect(legend(C1).length).toBeGreaterThan(0)
    expect(legend([0, 200, 0]).length).toBeGreaterThan(0)
  })

  it("is deterministic: the same input gives the same PNG bytes", () => {
    const next = prng(1)
    const cloud = Float32Array.from({ length: 2000 }, () => next() * 4 - 2)
    const a = P.encodePng(P.scatterPlot(cloud, { centres: [0, 0, 1, 1] }))
    const b = P.encodePng(P.scatterPlot(cloud, { centres: [0, 0, 1, 1] }))
    expect(b).toEqual(a)
    cloud[0] = 1.9
    expect(P.encodePng(P.scatterPlot(cloud, { centres: [0, 0, 1, 1] }))).not.toEqual(a)
  })

  it("refuses odd coordinate counts and bad ranges", () => {
    expect(() => P.scatterPlot([1, 2, 3])).toThrow(P.PlotError)
    expect(() => P.scatterPlot([1, 2], { xRange: [1, 1] })).toThrow(/xRange/)
    expect(() => P.scatterPlot([NaN, NaN])).toThrow(/no finite value/)
    expect(() => P.scatterPlot([1, 2], { width: 30, height: 30 })).toThrow(/no room/)
  })
})

describe("linePlot", () => {
  it("draws a constant series along its row between its first and last x", () => {
    const r = P.linePlot([{ name: "", x: [0, 1, 2], y: [0.5, 0.5, 0.5], colour: C1 }], { xRange: [0, 2], yRange: [0, 1], thickness: 1 })
    const f = r.frame!
    for (let x = px(f, 0); x <= px(f, 2); x++) expect(r.pixel(x, py(f, 0.5))).toEqual(C1)
    expect(pixelsOf(r, C1).length).toBe(px(f, 2) - px(f, 0) + 1) // no legend for one unnamed series
  })

  it("spaces decades evenly on a log axis", () => {
    const r = P.linePlot([{ name: "elbo", x: [0, 1, 2], y: [1, 10, 100], colour: C1 }], { xRange: [0, 2], yRange: [1, 100], logY: true, thickness: 1 })
    const f = r.frame!
    expect(r.pixel(px(f, 1), py(f, 10))).toEqual(C1)
    expect(Math.abs(py(f, 10) - (f.top + (f.height - 1) / 2))).toBeLessThanOrEqual(0.5)
  })

  it("breaks the line at a non-finite value and marks an isolated point", () => {
    const r = P.linePlot([{ name: "", y: [0.5, NaN, 0.5, 0.5], colour: C1 }], { xRange: [0, 3], yRange: [0, 1], thickness: 1 })
    const f = r.frame!
    expect(r.pixel(px(f, 0), py(f, 0.5))).toEqual(C1)
    expect(same(r.pixel(px(f, 0.5), py(f, 0.5)), C1)).toBe(false)
    expect(r.pixel(px(f, 2.5), py(f, 0.5))).toEqual(C1)
  })

  it("clips lines to the data area and draws dashed series with gaps", () => {
    const r = P.linePlot([{ name: "a", y: [0, 10], colour: C1 }, { name: "b", y: [0.2, 0.2], colour: C2, dashed: true }], {
      xRange: [0, 1],
      yRange: [0, 1],
      thickness: 1,
      legend: false
    })
    const f = r.frame!
    for (const p of pixelsOf(r, C1)) expect(insideFrame(f, p)).toBe(true)
    const row = py(f, 0.2)
    const dashed = Array.from({ length: f.width }, (_, i) => same(r.pixel(f.left + i, row), C2))
    expect(dashed.filter(Boolean).length).toBeGreaterThan(f.width / 2)
    expect(dashed.filter((d) => !d).length).toBeGreaterThan(f.width / 5)
  })

  it("refuses bad series", () => {
    expect(() => P.linePlot([])).toThrow(P.PlotError)
    expect(() => P.linePlot([{ name: "a", x: [1, 2], y: [1] }])).toThrow(/2 x values and 1 y values/)
    expect(() => P.linePlot([{ name: "a", y: [0, -1] }], { logY: true })).toThrow(/log axis/)
  })
})

describe("histogram", () => {
  it("counts samples in half-open bins (the last closed) and normalises by all finite samples", () => {
    const h = P.histogram([0, 0.1, 0.5, 0.99, 1, 1.5, NaN], 2, [0, 1])
    expect([...h.edges]).toEqual([0, 0.5, 1])
    expect([...h.counts]).toEqual([2, 3])
    expect(h.density[0]).toBeCloseTo(2 / (6 * 0.5), 15)
    expect(h.density[1]).toBeCloseTo(3 / (6 * 0.5), 15)
    expect(() => P.histogram([1], 0, [0, 1])).toThrow(P.PlotError)
  })

  it("draws bars whose tops are at the density, with the curve over them", () => {
    // 1000 evenly spread samples on [0, 1): every one of 10 bins has density 1.
    const samples = Float64Array.from({ length: 1000 }, (_, i) => (i + 0.5) / 1000)
    const r = P.histogramPlot(samples, { bins: 10, range: [0, 1], yRange: [0, 2], colour: C1, curves: [{ name: "p", pdf: () => 1.5, colour: C2 }] })
    const f = r.frame!
    for (const x of [0.05, 0.45, 0.95]) {
      expect(r.pixel(px(f, x), py(f, 1))).toEqual(C1) // the bar's top edge
      expect(r.pixel(px(f, x), py(f, 1) - 2)).toEqual([255, 255, 255])
      expect(r.pixel(px(f, x), py(f, 1.5))).toEqual(C2)
    }
  })

  it("densityPlot draws each curve at its value in every pixel column", () => {
    const r = P.densityPlot([{ name: "x", pdf: (x) => x, colour: C1 }], { range: [0, 1], yRange: [0, 1] })
    const f = r.frame!
    for (const column of [5, 50, 100, 200]) {
      const x = column / (f.width - 1)
      expect(r.pixel(f.left + column, py(f, x))).toEqual(C1)
    }
    expect(() => P.densityPlot([], { range: [0, 1] })).toThrow(P.PlotError)
  })
})

describe("imageGrid", () => {
  // Image k, pixel (y, x) holds (6k + 3y + x) / 29: every value in [0, 1] distinct.
  const N = 5
  const values = Float32Array.from({ length: N * 6 }, (_, i) => i / 29)

  it("places image k at row floor(k / cols), column k mod cols, with padding between", () => {
    const r = P.imageGrid(values, { shape: [N, 2, 3], cols: 3, scale: 1, padding: 1 })
    expect([r.width, r.height]).toEqual([1 + 3 * (3 + 1), 1 + 2 * (2 + 1)])
    for (let k = 0; k < N; k++) {
      for (let y = 0; y < 2; y++) {
        for (let x = 0; x < 3; x++) {
          const level = Math.round((Math.fround((6 * k + 3 * y + x) / 29)) * 255)
          expect(r.pixel(1 + (k % 3) * 4 + x, 1 + Math.floor(k / 3) * 3 + y)).toEqual([level, level, level])
        }
      }
    }
    expect(r.pixel(1 + 2 * 4, 1 + 3)).toEqual([128, 128, 128]) // the empty sixth cell
    expect(r.pixel(0, 0)).toEqual([128, 128, 128])
  })

  it("[N, 1, H, W] is the same picture as [N, H, W]; scale magnifies each pixel", () => {
    const a = P.encodePng(P.imageGrid(values, { shape: [N, 2, 3] }))
    expect(P.encodePng(P.imageGrid(values, { shape: [N, 1, 2, 3] }))).toEqual(a)
    const big = P.imageGrid(values, { shape: [N, 2, 3], cols: 5, scale: 3, padding: 0 })
    expect([big.width, big.height]).toEqual([45, 6])
    for (let j = 0; j < 3; j++) for (let i = 0; i < 3; i++) expect(big.pixel(3 + i, j)).toEqual(big.pixel(3, 0))
  })

  it("maps [-1, 1] to 0..255 when symmetric, clips outside, shows NaN in magenta; RGB planes", () => {
    const r = P.imageGrid([-1, 0, 1, 2, -7, NaN], { shape: [1, 1, 6], valueRange: "symmetric", scale: 1, padding: 0 })
    expect([0, 1, 2, 3, 4, 5].map((x) => r.pixel(x, 0))).toEqual([[0, 0, 0], [128, 128, 128], [255, 255, 255], [255, 255, 255], [0, 0, 0], P.NAN_COLOUR])
    const rgb = P.imageGrid([1, 0, 0, 0.5, 0, 1], { shape: [1, 3, 1, 2], scale: 1, padding: 0 })
    expect([rgb.pixel(0, 0), rgb.pixel(1, 0)]).toEqual([[255, 0, 0], [0, 128, 255]])
  })

  it("refuses bad shapes, lengths and grids", () => {
    expect(() => P.imageGrid(values, { shape: [N, 6] })).toThrow(P.PlotError)
    expect(() => P.imageGrid(new Float32Array(N * 12), { shape: [N, 2, 2, 3] })).toThrow(/C = 1 or 3/)
    expect(() => P.imageGrid(values, { shape: [N, 2, 2] })).toThrow(/needs 20 values/)
    expect(() => P.imageGrid(values, { shape: [N, 2, 3], rows: 1, cols: 2 })).toThrow(/1×2 grid/)
  })
})

describe("panelRow", () => {
  it("lays panels left to right with gaps, aligned as asked", () => {
    const red = new P.Raster(10, 20, C2)
    const blue = new P.Raster(30, 10, C1)
    const top = P.panelRow([red, blue], { gap: 2 })
    expect([top.width, top.height]).toEqual([2 + 10 + 2 + 30 + 2, 2 + 20 + 2])
    expect(pixelsOf(top, C2).length).toBe(200)
    expect([top.pixel(2, 2), top.pixel(11, 21), top.pixel(14, 2), top.pixel(43, 11), top.pixel(14, 12)]).toEqual([C2, C2, C1, C1, [255, 255, 255]])
    const middle = P.panelRow([red, blue], { gap: 2, align: "middle" })
    expect([middle.pixel(14, 6), middle.pixel(14, 7), middle.pixel(14, 16), middle.pixel(14, 17)]).toEqual([[255, 255, 255], C1, C1, [255, 255, 255]])
    expect(() => P.panelRow([])).toThrow(P.PlotError)
  })

  it("encodes to a PNG of the panel's size", () => {
    const row = P.panelRow([P.linePlot([{ name: "a", y: [1, 2] }]), P.scatterPlot([0, 0, 1, 1])], { title: "panels" })
    const decoded = PNG.sync.read(Buffer.from(P.encodePng(row)))
    expect([decoded.width, decoded.height]).toEqual([row.width, row.height])
  })
})
