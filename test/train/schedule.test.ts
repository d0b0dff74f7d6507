/** Schedule semantics, without any training. */
import { describe, expect, it } from "@effect/vitest"
import { alternate, boost, type Counters, earlyStop, reuseBatch, single, startCounters, total, unroll } from "../../src/train/index.js"
import * as T from "../../src/tensor/index.js"

const pattern = (steps: { player: string }[]) => steps.map((s) => s.player[0]).join("")

/** Critic steps taken before each generator step, over a run. */
const criticRuns = (steps: { player: string }[]) => {
  const runs: number[] = []
  let n = 0
  for (const s of steps) {
    if (s.player === "critic") n++
    else {
      runs.push(n)
      n = 0
    }
  }
  return runs
}

describe("schedules", () => {
  it("alternate runs each player's count in order, every step on a fresh batch", () => {
    const s = alternate({ critic: 5, generator: 1 })
    expect(pattern(unroll(s, 12))).toBe("cccccgcccccg")
    expect(unroll(s, 6).every((p) => p.batch === "fresh")).toBe(true)
    expect(s.description).toBe("5×critic, then 1×generator")
    expect(pattern(unroll(single(), 3))).toBe("mmm")
  })

  it("WGAN's warm-up: 100 critic steps for the first 25 generator steps and every 500th", () => {
    const s = alternate({ critic: 5, generator: 1 }).pipe(boost({ player: "critic", count: 100, whilePlayer: "generator", below: 25, every: 500 }), total("generator", 1002))
    const runs = criticRuns(unroll(s, 1_000_000))
    expect(runs).toHaveLength(1002)
    runs.forEach((n, g) => expect(n).toBe(g < 25 || g % 500 === 0 ? 100 : 5))
  })

  it("total ends the run after the player's count; earlyStop reads the evaluation history", () => {
    const s = alternate({ critic: 2, generator: 1 }).pipe(total("generator", 3))
    expect(pattern(unroll(s, 100))).toBe("ccgccgccg")
    const stop = single().pipe(earlyStop({ metric: "w1", mode: "min", patience: 2, minDelta: 0.01 }))
    const c = startCounters(["model"])
    const h = (...v: number[]) => v.map((w1, i) => ({ step: i, values: { w1 } }))
    expect(stop.done(c, [])).toBe(false)
    expect(stop.done(c, h(1, 0.5, 0.4))).toBe(false) // still improving
    expect(stop.done(c, h(1, 0.5, 0.495, 0.6))).toBe(true) // two evaluations without a gain of 0.01
    expect(single().pipe(earlyStop({ metric: "acc", mode: "max", patience: 1 })).done(c, [{ step: 0, values: { acc: 0.5 } }, { step: 1, values: { acc: 0.4 } }])).toBe(true)
  })

  it("reuseBatch: the player's later steps of an iteration reuse its first batch", () => {
    const s = alternate({ critic: 3, generator: 1 }).pipe(reuseBatch("critic"))
    expect(unroll(s, 4).map((p) => p.batch)).toEqual(["fresh", "reuse", "reuse", "fresh"])
  })

  it("is a pure function of the counters", () => {
    const s = alternate({ critic: 5, generator: 1 }).pipe(boost({ player: "critic", count: 10, whilePlayer: "generator", below: 2 }))
    const at = (g: number): Counters => ({ iteration: g, steps: { critic: 0, generator: g }, total: 0 })
    expect(s.iteration(at(1)).length).toBe(11)
    expect(s.iteration(at(2)).length).toBe(6)
    expect(s.iteration(at(1))).toEqual(s.iteration(at(1)))
  })

  it("refuses unknown players and bad counts with typed errors", () => {
    expect(() => alternate({ critic: -1, generator: 1 })).toThrow(T.InvalidArgument)
    expect(() => alternate({ critic: 0 })).toThrow(T.InvalidArgument)
    expect(() => alternate({ critic: 1 }).pipe(total("generator", 3))).toThrow(/no player "generator"/)
    expect(() => single().pipe(earlyStop({ metric: "x", patience: 1, minDelta: -1 }))).toThrow(T.InvalidArgument)
  })
})
