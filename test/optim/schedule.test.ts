/** Learning-rate schedules against their closed forms, and their argument checks. */
import { describe, expect, it } from "@effect/vitest"
import { Schedules as S } from "../../src/optim/index.js"
import * as T from "../../src/tensor/index.js"

const at = (s: S.Schedule, steps: readonly number[]) => steps.map(s)
const close = (xs: readonly number[], ys: readonly number[]) => xs.forEach((x, i) => expect(x).toBeCloseTo(ys[i]!, 14))

describe("schedules", () => {
  it("constant", () => expect(at(S.constant(0.3), [0, 1, 1000])).toEqual([0.3, 0.3, 0.3]))

  it("linear: init before `begin`, interpolated over `steps`, end after", () =>
    close(at(S.linear(1, 0.1, 10, 5), [0, 5, 10, 15, 100]), [1, 1, 0.55, 0.1, 0.1]))

  it("exponentialDecay: init · rate^(step / steps), floored exponent with staircase", () => {
    close(at(S.exponentialDecay(0.1, 0.5, 2), [0, 3, 4]), [0.1, 0.1 * 0.5 ** 1.5, 0.025])
    close(at(S.exponentialDecay(0.1, 0.5, 2, { staircase: true }), [1, 3, 4]), [0.1, 0.05, 0.025])
  })

  it("cosineDecay: init · ((1 − α) · ½(1 + cos(π t / T)) + α), constant after T", () =>
    close(at(S.cosineDecay(2, 10, 0.1), [0, 5, 10, 20]), [2, 2 * (0.9 * 0.5 + 0.1), 0.2, 0.2]))

  it("piecewiseConstant: values[i] on [boundaries[i − 1], boundaries[i])", () =>
    expect(at(S.piecewiseConstant([3, 7], [1, 0.5, 0.1]), [0, 2, 3, 6, 7, 50])).toEqual([1, 1, 0.5, 0.5, 0.1, 0.1]))

  it("join restarts the step count of each schedule at its boundary", () =>
    close(at(S.join([S.constant(1), S.linear(1, 0, 4)], [5]), [4, 5, 7, 9, 20]), [1, 1, 0.5, 0, 0]))

  it("warmup ramps linearly to where the following schedule starts", () =>
    close(at(S.warmup(4, S.cosineDecay(1, 8)), [0, 1, 2, 3, 4, 8, 12]), [0, 0.25, 0.5, 0.75, 1, 0.5, 0]))

  it("bad arguments are InvalidArgument", () => {
    const bad = [
      () => S.constant(-1),
      () => S.linear(1, 0, 0),
      () => S.linear(NaN, 0, 3),
      () => S.exponentialDecay(1, 0),
      () => S.cosineDecay(1, 10, 2),
      () => S.piecewiseConstant([3, 2], [1, 1, 1]),
      () => S.piecewiseConstant([3], [1]),
      () => S.join([S.constant(1)], [2]),
      () => S.warmup(2.5, 0.1),
      () => S.asSchedule("fast" as unknown as number, "test")
    ]
    for (const make of bad) expect(make).toThrow(T.InvalidArgument)
  })
})
