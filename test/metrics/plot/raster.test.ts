/** The raster's drawing operations, its PNG encoding, and the bitmap font. */
import { describe, expect, it } from "@effect/vitest"
import { PNG } from "pngjs"
import { drawText, hasGlyph, textHeight, textWidth } from "../../../src/metrics/plot/font.js"
import { encodePng, PlotError, Raster, type Rgb } from "../../../src/metrics/plot/raster.js"

const INK: Rgb = [10, 20, 30]
const inked = (r: Raster, colour: Rgb = INK): Array<[number, number]> => {
  const out: Array<[number, number]> = []
  for (let y = 0; y < r.height; y++) for (let x = 0; x < r.width; x++) if (r.pixel(x, y).every((v, i) => v === colour[i])) out.push([x, y])
  return out
}
const bitmap = (r: Raster): string[] =>
  Array.from({ length: r.height }, (_, y) => Array.from({ length: r.width }, (_, x) => (r.pixel(x, y)[0] === 0 ? "#" : ".")).join(""))

describe("Raster", () => {
  it("starts filled with the background, opaque", () => {
    const r = new Raster(3, 2, [1, 2, 3])
    expect(r.data.length).toBe(24)
    for (let i = 0; i < 6; i++) expect([...r.data.subarray(4 * i, 4 * i + 4)]).toEqual([1, 2, 3, 255])
    expect(() => new Raster(0, 5)).toThrow(PlotError)
    expect(() => new Raster(2.5, 5)).toThrow(PlotError)
  })

  it("blends a colour over the pixel by its alpha, rounding to the nearest level", () => {
    const r = new Raster(2, 1)
    r.blend(0, 0, [0, 0, 0], 0.25) // 255 × 0.75 = 191.25
    r.blend(1, 0, [100, 0, 255], 0.5) // (100 + 255) / 2 = 177.5, 255 / 2 = 127.5, 255
    expect(r.pixel(0, 0)).toEqual([191, 191, 191])
    expect(r.pixel(1, 0)).toEqual([178, 128, 255])
    r.blend(5, 0, [0, 0, 0]) // outside: dropped
    expect(r.data[3]).toBe(255)
  })

  it("draws lines that include both end points and stay within half a pixel of the true line", () => {
    const r = new Raster(30, 20)
    r.line(2, 3, 25, 14, INK)
    const pixels = inked(r)
    expect(pixels).toContainEqual([2, 3])
    expect(pixels).toContainEqual([25, 14])
    const columns = new Set(pixels.map(([x]) => x))
    expect(pixels.length).toBe(24) // a shallow line has one pixel per column
    expect(columns.size).toBe(24)
    for (const [x, y] of pixels) expect(Math.abs(y - (3 + ((x - 2) * 11) / 23))).toBeLessThanOrEqual(0.5)
    const h = new Raster(10, 3)
    h.line(7, 1, 2, 1, INK)
    expect(inked(h)).toEqual([[2, 1], [3, 1], [4, 1], [5, 1], [6, 1], [7, 1]])
  })

  it("draws dashed and thick lines", () => {
    const r = new Raster(12, 3)
    r.line(0, 1, 11, 1, INK, { dash: [3, 2] })
    expect(inked(r).map(([x]) => x)).toEqual([0, 1, 2, 5, 6, 7, 10, 11])
    const t = new Raster(6, 6)
    t.line(1, 2, 4, 2, INK, { thickness: 3 })
    expect(inked(t).length).toBe(3 * 6) // rows 1..3, columns 0..5
  })

  it("fills discs with the pixels whose centres are within the radius", () => {
    const r = new Raster(11, 11)
    r.disc(5, 5, 1, INK)
    expect(inked(r).length).toBe(5)
    const s = new Raster(11, 11)
    s.disc(5, 5, 1.5, INK) // the diagonal neighbours are √2 away
    expect(inked(s).length).toBe(9)
    const u = new Raster(11, 11)
    u.disc(5, 5, 3, INK)
    let expected = 0
    for (let y = 0; y < 11; y++) for (let x = 0; x < 11; x++) if ((x - 5) ** 2 + (y - 5) ** 2 <= 9) expected++
    expect(inked(u).length).toBe(expected)
  })

  it("clips drawing to a frame's data area while asked to", () => {
    const r = new Raster(10, 10)
    const frame = { left: 2, top: 3, width: 4, height: 5, xRange: [0, 1] as const, yRange: [0, 1] as const, xLog: false, yLog: false }
    r.clipped(frame, () => r.fillRect(0, 0, 10, 10, INK))
    const pixels = inked(r)
    expect(pixels.length).toBe(20)
    for (const [x, y] of pixels) expect(x >= 2 && x < 6 && y >= 3 && y < 8).toBe(true)
    r.fillRect(0, 0, 1, 1, INK)
    expect(r.pixel(0, 0)).toEqual(INK)
  })

  it("blits another raster at an offset, cut at the edges", () => {
    const dst = new Raster(5, 5)
    const src = new Raster(3, 3, INK)
    dst.blit(src, 3, -1)
    expect(inked(dst).sort()).toEqual([[3, 0], [3, 1], [4, 0], [4, 1]].sort())
  })
})

describe("encodePng", () => {
  it("decodes back to the same RGBA pixels, and the same raster gives the same bytes", () => {
    const r = new Raster(7, 5)
    for (let y = 0; y < 5; y++) for (let x = 0; x < 7; x++) r.blend(x, y, [x * 30, y * 50, (x * y) % 256])
    const png = encodePng(r)
    const decoded = PNG.sync.read(Buffer.from(png))
    expect([decoded.width, decoded.height]).toEqual([7, 5])
    expect(new Uint8Array(decoded.data)).toEqual(r.data)
    expect(png[25]).toBe(6) // IHDR colour type: RGBA
    expect(encodePng(r)).toEqual(png)
  })
})

describe("font", () => {
  it("draws a glyph as its 5×7 design", () => {
    const r = new Raster(5, 8)
    drawText(r, "1", 0, 0)
    expect(bitmap(r)).toEqual(["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###.", "....."])
    const g = new Raster(5, 8)
    drawText(g, "g", 0, 0) // a descender uses the eighth row
    expect(bitmap(g)[7]).toBe(".###.")
  })

  it("measures text: 6 pixels a glyph less the last gap; narrow punctuation; scale", () => {
    expect(textWidth("0")).toBe(5)
    expect(textWidth("00")).toBe(11)
    expect(textWidth("00", 2)).toBe(22)
    expect(textWidth("0.5")).toBe(5 + 1 + 2 + 1 + 5) // "." is two pixels wide
    expect(textWidth("")).toBe(0)
    expect(textHeight(2)).toBe(16)
    const r = new Raster(40, 10)
    drawText(r, "0.5", 3, 1)
    const xs = inked(r, [0, 0, 0]).map(([x]) => x)
    expect(Math.min(...xs)).toBe(3)
    expect(Math.max(...xs)).toBe(3 + textWidth("0.5") - 1)
  })

  it("has a distinct glyph for every printable ASCII character but the backquote", () => {
    const seen = new Map<string, string>()
    for (let c = 33; c < 127; c++) {
      const char = String.fromCharCode(c)
      if (char === "`") continue
      expect(hasGlyph(char)).toBe(true)
      const r = new Raster(5, 8)
      drawText(r, char, 0, 0)
      const key = bitmap(r).join("/")
      expect(key).toMatch(/#/)
      expect(seen.get(key)).toBeUndefined()
      seen.set(key, char)
    }
    expect(hasGlyph("χ")).toBe(true)
    expect(hasGlyph("€")).toBe(false)
  })

  it("draws unknown characters as a box, centred and end anchors, and vertical text", () => {
    const box = new Raster(5, 8)
    drawText(box, "€", 0, 0)
    expect(bitmap(box)).toEqual(["#####", "#...#", "#...#", "#...#", "#...#", "#...#", "#####", "....."])
    const end = new Raster(20, 8)
    drawText(end, "1", 19, 0, { anchor: "end" })
    const xs = inked(end, [0, 0, 0]).map(([x]) => x) // the cell spans columns 14..18; "1" has ink in its columns 1..3
    expect([Math.min(...xs), Math.max(...xs)]).toEqual([15, 17])
    const v = new Raster(8, 5)
    drawText(v, "1", 0, 4, { vertical: true })
    // A quarter turn anticlockwise: glyph row r becomes column r, glyph column c becomes row 4 - c.
    expect(bitmap(v)).toEqual(["........", "......#.", "#######.", ".#....#.", "........"])
  })
})
