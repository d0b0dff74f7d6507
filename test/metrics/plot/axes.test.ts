/** Ticks, tick labels and data ranges. */
import { describe, expect, it } from "@effect/vitest"
import { dataRange, linearTicks, logTicks, tickLabel } from "../../../src/metrics/plot/axes.js"
import { PlotError } from "../../../src/metrics/plot/raster.js"

describe("ticks", () => {
  it("linear ticks sit at 1, 2 or 5 × 10^k, the spacing whose count is nearest the target", () => {
    expect(linearTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    expect(linearTicks(-3, 3, 3)).toEqual([-2, 0, 2])
    expect(linearTicks(0.5, 9.5, 4)).toEqual([2, 4, 6, 8]) // 9 / 2 = 4.5 intervals, nearest 4
    expect(linearTicks(0, 0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]) // no 0.30000000000000004
    expect(linearTicks(1000, 5000, 4)).toEqual([1000, 2000, 3000, 4000, 5000])
    expect(linearTicks(-0.013, 0.021, 3)).toEqual([-0.01, 0, 0.01, 0.02])
  })

  it("log ticks are the powers of ten, or 1-2-5 steps over a short range", () => {
    expect(logTicks(1e-3, 10)).toEqual([0.001, 0.01, 0.1, 1, 10])
    expect(logTicks(0.5, 2000)).toEqual([1, 10, 100, 1000])
    expect(logTicks(1, 50)).toEqual([1, 2, 5, 10, 20, 50])
    expect(logTicks(3, 40)).toEqual([5, 10, 20])
  })

  it("labels use the decimals the tick set needs, and exponents far from 1", () => {
    const half = [0, 0.5, 1]
    expect(half.map((t) => tickLabel(t, half))).toEqual(["0.0", "0.5", "1.0"])
    const thousands = [0, 1000, 2000]
    expect(thousands.map((t) => tickLabel(t, thousands))).toEqual(["0", "1000", "2000"])
    expect(tickLabel(-0.25, [-0.25, 0, 0.25])).toBe("-0.25")
    expect(tickLabel(1e-5)).toBe("1e-5")
    expect(tickLabel(2.5e6)).toBe("2.5e6")
    expect(tickLabel(0.01)).toBe("0.01")
  })
})

describe("dataRange", () => {
  it("pads the finite values' range by 5% each side", () => {
    const [lo, hi] = dataRange([1, NaN, 3, 2, Infinity])
    expect(lo).toBeCloseTo(0.9, 12)
    expect(hi).toBeCloseTo(3.1, 12)
    expect(dataRange([5], { pad: 0 })).toEqual([4, 6])
  })

  it("pads by a factor on a log axis and ignores values ≤ 0 there", () => {
    const [lo, hi] = dataRange([0, -1, 1, 100], { log: true })
    expect(lo).toBeCloseTo(10 ** -0.1, 12)
    expect(hi).toBeCloseTo(10 ** 2.1, 10)
  })

  it("fails when nothing can be plotted", () => {
    expect(() => dataRange([NaN])).toThrow(PlotError)
    expect(() => dataRange([-1, 0], { log: true })).toThrow(/log axis/)
  })
})
