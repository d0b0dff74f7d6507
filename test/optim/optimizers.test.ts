/**
 * The ready optimizers against PyTorch's update rules (torch.optim 1.13 documentation),
 * written out per element in float64 below: the first three steps must agree to 1e-12
 * (relative, absolute below 1). The gradient of each step comes from the trajectory's own
 * parameters (see harness.ts), so the steps are coupled as in training.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { adam, adamw, rmsprop, Schedules, sgd, step } from "../../src/optim/index.js"
import * as T from "../../src/tensor/index.js"
import { expectMatchesReference, makeParams, withValues, gradientAt, flat, type ReferenceStep } from "./harness.js"

type LrAt = (t: number) => number
const fixed = (lr: number): LrAt => () => lr

/** torch.optim.SGD. */
const sgdReference = (lrAt: LrAt, o: { momentum?: number; dampening?: number; nesterov?: boolean; wd?: number } = {}): ReferenceStep => {
  const mu = o.momentum ?? 0, tau = o.dampening ?? 0, wd = o.wd ?? 0
  const b: number[] = []
  return (p, g0, t) =>
    p.map((x, i) => {
      let g = g0[i]! + wd * x
      if (mu !== 0) {
        b[i] = t > 1 ? mu * b[i]! + (1 - tau) * g : g
        g = o.nesterov === true ? g + mu * b[i]! : b[i]!
      }
      return x - lrAt(t) * g
    })
}

/** torch.optim.Adam (workloads.md §0) and, with `decoupled`, torch.optim.AdamW. */
const adamReference = (lrAt: LrAt, o: { b1?: number; b2?: number; eps?: number; wd?: number; decoupled?: boolean } = {}): ReferenceStep => {
  const b1 = o.b1 ?? 0.9, b2 = o.b2 ?? 0.999, eps = o.eps ?? 1e-8, wd = o.wd ?? 0
  const m = new Array<number>(10).fill(0), v = new Array<number>(10).fill(0)
  return (p, g0, t) =>
    p.map((x, i) => {
      const lr = lrAt(t)
      let g = g0[i]!, y = x
      if (o.decoupled === true) y = x - lr * wd * x
      else g += wd * x
      m[i] = b1 * m[i]! + (1 - b1) * g
      v[i] = b2 * v[i]! + (1 - b2) * g * g
      return y - (lr / (1 - b1 ** t)) * m[i]! / (Math.sqrt(v[i]!) / Math.sqrt(1 - b2 ** t) + eps)
    })
}

/** torch.optim.RMSprop. */
const rmspropReference = (lrAt: LrAt, o: { alpha?: number; eps?: number; momentum?: number; centered?: boolean; wd?: number } = {}): ReferenceStep => {
  const alpha = o.alpha ?? 0.99, eps = o.eps ?? 1e-8, mu = o.momentum ?? 0, wd = o.wd ?? 0
  const v = new Array<number>(10).fill(0), gAvg = new Array<number>(10).fill(0), b = new Array<number>(10).fill(0)
  return (p, g0, t) =>
    p.map((x, i) => {
      const g = g0[i]! + wd * x
      v[i] = alpha * v[i]! + (1 - alpha) * g * g
      let vTilde = v[i]!
      if (o.centered === true) {
        gAvg[i] = alpha * gAvg[i]! + (1 - alpha) * g
        vTilde -= gAvg[i]! * gAvg[i]!
      }
      const normalised = g / (Math.sqrt(vTilde) + eps)
      if (mu > 0) {
        b[i] = mu * b[i]! + normalised
        return x - lrAt(t) * b[i]!
      }
      return x - lrAt(t) * normalised
    })
}

describe("sgd (torch.optim.SGD)", () => {
  it("plain", () => expectMatchesReference(sgd(0.1), sgdReference(fixed(0.1))))
  it("momentum", () => expectMatchesReference(sgd(0.05, { momentum: 0.9 }), sgdReference(fixed(0.05), { momentum: 0.9 })))
  it("momentum with dampening (the first step keeps the whole gradient)", () =>
    expectMatchesReference(sgd(0.05, { momentum: 0.8, dampening: 0.3 }), sgdReference(fixed(0.05), { momentum: 0.8, dampening: 0.3 })))
  it("Nesterov with weight decay", () =>
    expectMatchesReference(
      sgd(0.05, { momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
      sgdReference(fixed(0.05), { momentum: 0.9, nesterov: true, wd: 0.01 })
    ))
  it("an exponentially decaying learning rate (step 0 for the first update)", () =>
    expectMatchesReference(sgd(Schedules.exponentialDecay(0.1, 0.5), { momentum: 0.5 }), sgdReference((t) => 0.1 * 0.5 ** (t - 1), { momentum: 0.5 })))
})

describe("adam (torch.optim.Adam)", () => {
  it("defaults", () => expectMatchesReference(adam(0.01), adamReference(fixed(0.01))))
  it("betas (0.5, 0.9) as in W1/W2, eps 1e-6, weight decay 0.1", () =>
    expectMatchesReference(
      adam(0.02, { b1: 0.5, b2: 0.9, eps: 1e-6, weightDecay: 0.1 }),
      adamReference(fixed(0.02), { b1: 0.5, b2: 0.9, eps: 1e-6, wd: 0.1 })
    ))
  it("a cosine-decayed learning rate", () =>
    expectMatchesReference(adam(Schedules.cosineDecay(0.05, 4)), adamReference((t) => 0.05 * 0.5 * (1 + Math.cos((Math.PI * (t - 1)) / 4)))))
  it("b1 = 0 (no first-moment average)", () => expectMatchesReference(adam(0.01, { b1: 0 }), adamReference(fixed(0.01), { b1: 0 })))
})

describe("adamw (torch.optim.AdamW)", () => {
  it("default weight decay 1e-2", () => expectMatchesReference(adamw(0.05), adamReference(fixed(0.05), { wd: 1e-2, decoupled: true })))
  it("weight decay 0.3 under a linear warm-up", () =>
    expectMatchesReference(
      adamw(Schedules.warmup(2, 0.01), { weightDecay: 0.3, b2: 0.99 }),
      adamReference((t) => [0, 0.005, 0.01][t - 1]!, { wd: 0.3, b2: 0.99, decoupled: true })
    ))
})

describe("rmsprop (torch.optim.RMSprop)", () => {
  it("defaults", () => expectMatchesReference(rmsprop(0.01), rmspropReference(fixed(0.01))))
  it("centered", () => expectMatchesReference(rmsprop(0.01, { centered: true, alpha: 0.9 }), rmspropReference(fixed(0.01), { centered: true, alpha: 0.9 })))
  it("momentum", () => expectMatchesReference(rmsprop(0.01, { momentum: 0.9 }), rmspropReference(fixed(0.01), { momentum: 0.9 })))
  it("centered, momentum and weight decay together", () =>
    expectMatchesReference(
      rmsprop(0.005, { centered: true, momentum: 0.5, weightDecay: 0.05, alpha: 0.95, eps: 1e-6 }),
      rmspropReference(fixed(0.005), { centered: true, momentum: 0.5, wd: 0.05, alpha: 0.95, eps: 1e-6 })
    ))
})

describe("configuration errors", () => {
  const cases: ReadonlyArray<readonly [string, () => unknown]> = [
    ["negative lr", () => sgd(-0.1)],
    ["NaN lr", () => adam(NaN)],
    ["lr that is not a number", () => adam("0.1" as unknown as number)],
    ["b1 = 1", () => adam(0.1, { b1: 1 })],
    ["b2 < 0", () => adamw(0.1, { b2: -0.1 })],
    ["eps = 0", () => adam(0.1, { eps: 0 })],
    ["negative weight decay", () => sgd(0.1, { weightDecay: -1 })],
    ["Nesterov without momentum", () => sgd(0.1, { nesterov: true })],
    ["Nesterov with dampening", () => sgd(0.1, { momentum: 0.9, nesterov: true, dampening: 0.1 })],
    ["rmsprop alpha = 1", () => rmsprop(0.1, { alpha: 1 })],
    ["infinite momentum", () => rmsprop(0.1, { momentum: Infinity })]
  ]
  for (const [name, make] of cases) it(`${name} is an InvalidArgument`, () => expect(make).toThrow(T.InvalidArgument))

  it.effect("a schedule that turns negative fails the step inside Tensor.compute (error channel, not a defect)", () =>
    Effect.gen(function* () {
      const opt = sgd((t) => 0.1 - 0.1 * t)
      const result = yield* T.scoped(
        T.compute(() => {
          let params = makeParams()
          let state = opt.init(params)
          for (let i = 0; i < 3; i++) ({ params, state } = step(opt, params, withValues(params, gradientAt(flat(params))), state))
          return params
        })
      ).pipe(Effect.flip)
      expect(result._tag).toBe("InvalidArgument")
      expect(result.message).toMatch(/step 2/)
    }))

  it("a state that does not fit the parameters is refused", () =>
    T.local(() => {
      const opt = adam(0.1)
      const state = opt.init({ w: T.zeros([2]) })
      const params = makeParams()
      expect(() => step(opt, params, params, state)).toThrow(T.InvalidArgument)
    }))
})
