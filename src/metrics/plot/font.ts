/**
 * A small bitmap font: 5×7 glyphs (with one row below the baseline for descenders) for
 * printable ASCII but the backquote, and a few symbols that metric names use (× ± ² · ₁ ₂ α θ
 * μ σ χ). Each block below lists up to ten characters, then their eight rows side by side, '#'
 * for ink. Characters without a glyph are drawn as a hollow box. Drawing is integer-only, so text is the same bytes every time.
 */
import type { Raster, Rgb } from "./raster.js"

const BLOCKS = String.raw`
0     1     2     3     4     5     6     7     8     9
.###. ..#.. .###. ##### ...#. ##### ..##. ##### .###. .###.
#...# .##.. #...# ...#. ..##. #.... .#... ....# #...# #...#
#..## ..#.. ....# ..#.. .#.#. ####. #.... ...#. #...# #...#
#.#.# ..#.. ...#. ...#. #..#. ....# ####. ..#.. .###. .####
##..# ..#.. ..#.. ....# ##### ....# #...# .#... #...# ....#
#...# ..#.. .#... #...# ...#. #...# #...# .#... #...# ...#.
.###. .###. ##### .###. ...#. .###. .###. .#... .###. .##..
..... ..... ..... ..... ..... ..... ..... ..... ..... .....
A     B     C     D     E     F     G     H     I     J
.###. ####. .###. ###.. ##### ##### .###. #...# .###. ..###
#...# #...# #...# #..#. #.... #.... #...# #...# ..#.. ...#.
#...# #...# #.... #...# #.... #.... #.... #...# ..#.. ...#.
##### ####. #.... #...# ####. ####. #.### ##### ..#.. ...#.
#...# #...# #.... #...# #.... #.... #...# #...# ..#.. ...#.
#...# #...# #...# #..#. #.... #.... #...# #...# ..#.. #..#.
#...# ####. .###. ###.. ##### #.... .#### #...# .###. .##..
..... ..... ..... ..... ..... ..... ..... ..... ..... .....
K     L     M     N     O     P     Q     R     S     T
#...# #.... #...# #...# .###. ####. .###. ####. .#### #####
#..#. #.... ##.## #...# #...# #...# #...# #...# #.... ..#..
#.#.. #.... #.#.# ##..# #...# #...# #...# #...# #.... ..#..
##... #.... #.#.# #.#.# #...# ####. #...# ####. .###. ..#..
#.#.. #.... #...# #..## #...# #.... #.#.# #.#.. ....# ..#..
#..#. #.... #...# #...# #...# #.... #..#. #..#. ....# ..#..
#...# ##### #...# #...# .###. #.... .##.# #...# ####. ..#..
..... ..... ..... ..... ..... ..... ..... ..... ..... .....
U     V     W     X     Y     Z     a     b     c     d
#...# #...# #...# #...# #...# ##### ..... #.... ..... ....#
#...# #...# #...# #...# #...# ....# ..... #.... ..... ....#
#...# #...# #...# .#.#. .#.#. ...#. .###. #.##. .###. .##.#
#...# #...# #.#.# ..#.. ..#.. ..#.. ....# ##..# #.... #..##
#...# #...# #.#.# .#.#. ..#.. .#... .#### #...# #.... #...#
#...# .#.#. #.#.# #...# ..#.. #.... #...# #...# #...# #...#
.###. ..#.. .#.#. #...# ..#.. ##### .#### ####. .###. .####
..... ..... ..... ..... ..... ..... ..... ..... ..... .....
e     f     g     h     i     j     k     l     m     n
..... ..##. ..... #.... ..#.. ...#. #.... .##.. ..... .....
..... .#..# ..... #.... ..... ..... #.... ..#.. ..... .....
.###. .#... .#### #.##. .##.. ..##. #..#. ..#.. ##.#. #.##.
#...# ###.. #...# ##..# ..#.. ...#. #.#.. ..#.. #.#.# ##..#
##### .#... #...# #...# ..#.. ...#. ##... ..#.. #.#.# #...#
#.... .#... .#### #...# ..#.. ...#. #.#.. ..#.. #...# #...#
.###. .#... ....# #...# .###. #..#. #..#. .###. #...# #...#
..... ..... .###. ..... ..... .##.. ..... ..... ..... .....
o     p     q     r     s     t     u     v     w     x
..... ..... ..... ..... ..... .#... ..... ..... ..... .....
..... ..... ..... ..... ..... .#... ..... ..... ..... .....
.###. ####. .#### #.##. .###. ###.. #...# #...# #...# #...#
#...# #...# #...# ##..# #.... .#... #...# #...# #...# .#.#.
#...# #...# #...# #.... .###. .#... #...# #...# #.#.# ..#..
#...# ####. .#### #.... ....# .#..# #..## .#.#. #.#.# .#.#.
.###. #.... ....# #.... ####. ..##. .##.# ..#.. .#.#. #...#
..... #.... ....# ..... ..... ..... ..... ..... ..... .....
y     z     !     "     #     $     %     &     '     (
..... ..... ..#.. .#.#. .#.#. ..#.. ##... .##.. ..#.. ...#.
..... ..... ..#.. .#.#. .#.#. .#### ##..# #..#. ..#.. ..#..
#...# ##### ..#.. ..... ##### #.#.. ...#. #.#.. ..... .#...
#...# ...#. ..#.. ..... .#.#. .###. ..#.. .#... ..... .#...
#...# ..#.. ..#.. ..... ##### ..#.# .#... #.#.# ..... .#...
.#### .#... ..... ..... .#.#. ####. #..## #..#. ..... ..#..
....# ##### ..#.. ..... .#.#. ..#.. ...## .##.# ..... ...#.
.###. ..... ..... ..... ..... ..... ..... ..... ..... .....
)     *     +     ,     -     .     /     :     ;     <
.#... ..... ..... ..... ..... ..... ..... ..... ..... ...#.
..#.. ..#.. ..#.. ..... ..... ..... ....# ..#.. ..#.. ..#..
...#. #.#.# ..#.. ..... ..... ..... ...#. ..#.. ..#.. .#...
...#. .###. ##### ..... .###. ..... ..#.. ..... ..... #....
...#. #.#.# ..#.. ..... ..... ..... .#... ..... ..... .#...
..#.. ..#.. ..#.. .##.. ..... .##.. #.... ..#.. ..#.. ..#..
.#... ..... ..... ..#.. ..... .##.. ..... ..#.. ..#.. ...#.
..... ..... ..... .#... ..... ..... ..... ..... .#... .....
=     >     ?     @     [     \     ]     ^     _     {
..... .#... .###. .###. .###. ..... .###. ..#.. ..... ...#.
..... ..#.. #...# #...# .#... #.... ...#. .#.#. ..... ..#..
##### ...#. ....# #.### .#... .#... ...#. #...# ..... ..#..
..... ....# ...#. #.#.# .#... ..#.. ...#. ..... ..... .#...
##### ...#. ..#.. #.### .#... ...#. ...#. ..... ..... ..#..
..... ..#.. ..... #.... .#... ....# ...#. ..... ..... ..#..
..... .#... ..#.. .###. .###. ..... .###. ..... ..... ...#.
..... ..... ..... ..... ..... ..... ..... ..... ##### .....
|     }     ~     ×     ±     ²     ·     ₁     ₂     α
..#.. .#... ..... ..... ..#.. .##.. ..... ..... ..... .....
..#.. ..#.. ..... #...# ..#.. ...#. ..... ..... ..... .....
..#.. ..#.. .#... .#.#. ##### ..#.. ..... ..... ..... .##.#
..#.. ...#. #.#.# ..#.. ..#.. .###. ..#.. ..#.. .##.. #..#.
..#.. ..#.. ...#. .#.#. ..#.. ..... ..... .##.. ...#. #..#.
..#.. ..#.. ..... #...# ..... ..... ..... ..#.. ..#.. #..#.
..#.. .#... ..... ..... ##### ..... ..... ..#.. .#... .##.#
..#.. ..... ..... ..... ..... ..... ..... .###. .###. .....
θ     μ     σ     χ
.###. ..... ..... .....
#...# ..... ..... .....
#...# #...# .#### #...#
##### #...# #..#. .#.#.
#...# #...# #...# ..#..
#...# ##..# #...# ..#..
.###. #.##. .###. .#.#.
..... #.... ..... #...#
`

export const GLYPH_WIDTH = 5
/** Rows of a glyph cell: seven above the baseline, one below. */
export const GLYPH_ROWS = 8
/** Punctuation drawn with its blank columns trimmed, so "0.25" does not look spaced out. */
const NARROW = new Set([".", ",", ":", ";", "'", "!", "|"])
const SPACE_ADVANCE = 4

interface Glyph {
  readonly rows: Uint8Array // bit (4 - column) set where the glyph has ink
  readonly first: number // first column drawn
  readonly advance: number // columns from this glyph's start to the next one's
}

const parse = (): Map<string, Glyph> => {
  const lines = BLOCKS.split("\n").filter((l) => l.length > 0)
  const glyphs = new Map<string, Glyph>()
  for (let b = 0; b + GLYPH_ROWS < lines.length; b += GLYPH_ROWS + 1) {
    const header = [...lines[b]!]
    const rows = lines.slice(b + 1, b + 1 + GLYPH_ROWS)
    for (let i = 0; 6 * i < rows[0]!.length; i++) {
      const char = header[6 * i]!
      const bits = Uint8Array.from(rows, (r) => {
        let v = 0
        for (let c = 0; c < GLYPH_WIDTH; c++) if (r[6 * i + c] === "#") v |= 1 << (GLYPH_WIDTH - 1 - c)
        return v
      })
      const used = bits.reduce((a, v) => a | v, 0)
      let first = 0
      let last = GLYPH_WIDTH - 1
      if (NARROW.has(char) && used !== 0) {
        while (!(used & (1 << (GLYPH_WIDTH - 1 - first)))) first++
        while (!(used & (1 << (GLYPH_WIDTH - 1 - last)))) last--
      }
      glyphs.set(char, { rows: bits, first, advance: last - first + 2 })
    }
  }
  return glyphs
}

const GLYPHS = parse()
const MISSING: Glyph = { rows: Uint8Array.from([31, 17, 17, 17, 17, 17, 31, 0]), first: 0, advance: 6 }
const SPACE: Glyph = { rows: new Uint8Array(GLYPH_ROWS), first: 0, advance: SPACE_ADVANCE }

const glyphOf = (char: string): Glyph =>
  char === " " ? SPACE : GLYPHS.get(char === "\u2212" ? "-" : char) ?? MISSING

/** Whether the font has a glyph for the character (space included). */
export const hasGlyph = (char: string): boolean => char === " " || char === "\u2212" || GLYPHS.has(char)

/** Width in pixels of the text at the given scale (no trailing gap). */
export const textWidth = (text: string, scale = 1): number => {
  let w = 0
  for (const char of text) w += glyphOf(char).advance
  return Math.max(0, w - 1) * scale
}

/** Height in pixels of one line of text, descender row included. */
export const textHeight = (scale = 1): number => GLYPH_ROWS * scale

export interface TextOptions {
  readonly colour?: Rgb
  /** Integer magnification: 1 for tick labels, 2 for titles. */
  readonly scale?: number
  /** Which point of the text (x, y) names: its start, middle or end along the line. */
  readonly anchor?: "start" | "middle" | "end"
  /** Turned a quarter turn anticlockwise (for a y-axis label), reading bottom to top. */
  readonly vertical?: boolean
}

/**
 * Draws text with the top of its cell at y (x for vertical text, whose cell top is its left
 * edge). Pixels outside the raster are dropped.
 */
export const drawText = (raster: Raster, text: string, x: number, y: number, options: TextOptions = {}): void => {
  const scale = Math.max(1, Math.round(options.scale ?? 1))
  const colour = options.colour ?? [0, 0, 0]
  const width = textWidth(text, scale)
  const shift = options.anchor === "middle" ? Math.floor(width / 2) : options.anchor === "end" ? width : 0
  let pen = 0
  for (const char of text) {
    const glyph = glyphOf(char)
    for (let row = 0; row < GLYPH_ROWS; row++) {
      const bits = glyph.rows[row]!
      for (let col = glyph.first; col < GLYPH_WIDTH; col++) {
        if (!(bits & (1 << (GLYPH_WIDTH - 1 - col)))) continue
        const along = (pen + col - glyph.first) * scale - shift
        const across = row * scale
        if (options.vertical) raster.fillRect(Math.round(x) + across, Math.round(y) - along - scale + 1, scale, scale, colour)
        else raster.fillRect(Math.round(x) + along, Math.round(y) + across, scale, scale, colour)
      }
    }
    pen += glyph.advance
  }
}
