/**
 * Transform algebra and the clipping transforms: chain is associative with identity as its
 * unit (property tests, exact equality: both sides run the same ops in the same order),
 * clipByGlobalNorm against its closed form, clipWeights as a projection, partition.
 */
import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { Tree } from "../../src/autodiff/index.js"
import * as O from "../../src/optim/index.js"
import * as T from "../../src/tensor/index.js"
import { f64, flat, withValues } from "./harness.js"

const values = (t: T.Tensor) => Array.from(t.toTypedArray() as Float64Array)

// A palette of transforms covering stateless, stateful and projecting ones.
const palette = fc.oneof(
  fc.double({ min: -3, max: 3, noNaN: true }).map((s) => O.scale(s)),
  fc.double({ min: 0.1, max: 2, noNaN: true }).map((c) => O.clipByValue(c)),
  fc.double({ min: 0.1, max: 5, noNaN: true }).map((n) => O.clipByGlobalNorm(n)),
  fc.double({ min: 0, max: 0.95, noNaN: true }).map((m) => O.trace({ decay: m })),
  fc.double({ min: 0, max: 0.5, noNaN: true }).map((wd) => O.addDecayedWeights(wd)),
  fc.constant(O.scaleByAdam({ b1: 0.5, b2: 0.9 })),
  fc.constant(O.scaleByRms({ centered: true, alpha: 0.9 })),
  fc.double({ min: 0.5, max: 3, noNaN: true }).map((c) => O.clipWeights(c)),
  fc.constant(O.identity())
)

const vector = fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 5, maxLength: 5 })

/** Updates and projected parameters of two steps with the given gradients (flat values). */
const trajectory = (opt: O.GradientTransformation<any>, p0: number[], grads: number[][]): number[][] =>
  T.local(() => {
    const like = { a: f64(p0.slice(0, 3)), b: [f64(p0.slice(3, 5))] }
    let params = like
    let state = opt.init(params)
    const out: number[][] = []
    for (const g of grads) {
      const [u, next] = opt.update(withValues(like, g), state, params)
      out.push(flat(u))
      const moved = O.applyUpdates(params, u)
      params = opt.project ? opt.project(moved) : moved
      state = next
      out.push(flat(params))
    }
    return out
  })

describe("chain", () => {
  it("is associative: chain(a, chain(b, c)) ≡ chain(chain(a, b), c)", () =>
    fc.assert(
      fc.property(palette, palette, palette, vector, vector, vector, (a, b, c, p0, g1, g2) => {
        const left = trajectory(O.chain(a, O.chain(b, c)), p0, [g1, g2])
        const right = trajectory(O.chain(O.chain(a, b), c), p0, [g1, g2])
        expect(left).toEqual(right)
        expect(trajectory(O.chain(a, b, c), p0, [g1, g2])).toEqual(left)
      }),
      { numRuns: 40 }
    ))

  it("has identity as a unit on both sides, and chain() is the identity", () =>
    fc.assert(
      fc.property(palette, vector, vector, vector, (a, p0, g1, g2) => {
        const alone = trajectory(a, p0, [g1, g2])
        expect(trajectory(O.chain(O.identity(), a), p0, [g1, g2])).toEqual(alone)
        expect(trajectory(O.chain(a, O.identity()), p0, [g1, g2])).toEqual(alone)
        expect(trajectory(O.chain(), p0, [g1, g2])).toEqual(trajectory(O.identity(), p0, [g1, g2]))
      }),
      { numRuns: 20 }
    ))

  it("applies updates left to right and projections in order", () =>
    T.local(() => {
      const p = { w: f64([0.1, 0.2, 0.3]) }
      const g = { w: f64([0.1, 0.6, -0.2]) }
      const run = (opt: O.GradientTransformation<any>) => values(O.step(opt, p, g, opt.init(p)).params.w).map((x) => Number(x.toFixed(12)))
      // scale then clip: 2g = [0.2, 1.2, -0.4] → [0.2, 0.5, -0.4]; clip then scale: [0.2, 1, -0.4]
      expect(run(O.chain(O.scale(2), O.clipByValue(0.5)))).toEqual([0.3, 0.7, -0.1])
      expect(run(O.chain(O.clipByValue(0.5), O.scale(2)))).toEqual([0.3, 1.2, -0.1])
      // p + g = [0.2, 0.8, 0.1]: clip then double vs double then clip
      const doubling: O.GradientTransformation<null> = {
        init: () => null,
        update: (u) => [u, null],
        project: (q) => Tree.map(q, (t) => T.mul(t, 2))
      }
      expect(run(O.chain(O.identity(), O.clipWeights(0.5), doubling))).toEqual([0.4, 1, 0.2])
      expect(run(O.chain(doubling, O.identity(), O.clipWeights(0.5)))).toEqual([0.4, 0.5, 0.2])
    }))

  it("refuses a non-transform and a state of the wrong length", () =>
    T.local(() => {
      expect(() => O.chain(O.scale(1), {} as O.GradientTransformation)).toThrow(T.InvalidArgument)
      expect(() => O.chain(O.scale(1)).update({ w: f64([1]) }, [], undefined)).toThrow(T.InvalidArgument)
    }))
})

describe("clipping", () => {
  it("clipByGlobalNorm scales by maxNorm / ‖g‖ above the limit and leaves g below it", () =>
    T.local(() => {
      const g = { a: f64([3, 4]), b: [f64([12])] } // ‖g‖ = 13
      const [clipped] = O.clipByGlobalNorm(6.5).update(g, null)
      expect(flat(clipped)).toEqual([1.5, 2, 6])
      const [kept] = O.clipByGlobalNorm(13.5).update(g, null)
      expect(flat(kept)).toEqual([3, 4, 12])
      expect(O.globalNorm(g).item()).toBe(13)
    }))

  it("clipByGlobalNorm matches g · min(1, c / ‖g‖) on random trees (1e-14 relative)", () =>
    fc.assert(
      fc.property(vector, fc.double({ min: 0.05, max: 20, noNaN: true }), (v, c) =>
        T.local(() => {
          const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0))
          const [clipped] = O.clipByGlobalNorm(c).update({ x: f64(v.slice(0, 2)), y: f64(v.slice(2)) }, null)
          const expected = v.map((x) => (norm > c ? (x * c) / norm : x))
          flat(clipped).forEach((x, i) => expect(Math.abs(x - expected[i]!)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(expected[i]!))))
        })
      ),
      { numRuns: 30 }
    ))

  it("clipByGlobalNorm of a zero gradient is zero (no 0/0)", () =>
    T.local(() => expect(flat(O.clipByGlobalNorm(1).update({ a: f64([0, 0]) }, null)[0])).toEqual([0, 0])))

  it("clipByValue clamps each coordinate", () =>
    T.local(() => expect(flat(O.clipByValue(0.5).update([f64([-2, 0.25, 0.7])], null)[0])).toEqual([-0.5, 0.25, 0.5])))

  it("clipWeights keeps every weight in [−c, c] through SGD steps with large gradients", () =>
    T.local(() => {
      const c = 0.01
      const opt = O.chain(O.sgd(1), O.clipWeights(c))
      let params = { w: f64([[0.3, -0.2], [0.005, 0]]), b: f64([-0.009]) }
      let state = opt.init(params)
      for (let i = 0; i < 4; i++) {
        const before = flat(params)
        const grads = withValues(params, before.map((_, j) => Math.sin(7 * i + 3 * j) * 5))
        const expected = before.map((x, j) => Math.min(c, Math.max(-c, x - Math.sin(7 * i + 3 * j) * 5)))
        ;({ params, state } = O.step(opt, params, grads, state))
        expect(flat(params)).toEqual(expected)
        for (const x of flat(params)) expect(Math.abs(x)).toBeLessThanOrEqual(c)
      }
    }))

  it("bad bounds are InvalidArgument", () => {
    for (const make of [() => O.clipWeights(0), () => O.clipByValue(-1), () => O.clipByGlobalNorm(NaN), () => O.scale(Infinity)])
      expect(make).toThrow(T.InvalidArgument)
  })
})

describe("partition", () => {
  const twoPlayers = () => ({
    generator: { w: f64([1, 2]), b: f64([0.5]) },
    critic: [f64([0.2, -0.3]), f64([0.04])],
    tag: "gan"
  })
  const grads = (p: ReturnType<typeof twoPlayers>) => withValues(p, [1, -1, 2, 10, -10, 0.5])

  it("applies each transform to its labelled subtree (prefix labels) and projects only that part", () =>
    T.local(() => {
      const opt = O.partition({ gen: O.sgd(0.1), critic: O.chain(O.sgd(0.01), O.clipWeights(0.05)) }, { generator: "gen", critic: "critic" })
      const params = twoPlayers()
      const next = O.step(opt, params, grads(params), opt.init(params)).params
      const gen = [1 - 0.1, 2 + 0.1, 0.5 - 0.2]
      const critic = [0.2 - 0.1, -0.3 + 0.1, 0.04 - 0.005].map((x) => Math.min(0.05, Math.max(-0.05, x)))
      flat(next).forEach((x, i) => expect(x).toBeCloseTo([...gen, ...critic][i]!, 14))
      expect(next.tag).toBe("gan")
    }))

  it("labels leaf by leaf from a function of the parameters; global-norm clipping stays within a partition", () =>
    T.local(() => {
      const labels = (p: unknown) => {
        const q = p as ReturnType<typeof twoPlayers>
        return { generator: { w: "clip", b: "keep" }, critic: q.critic.map(() => "clip"), tag: "keep" }
      }
      const opt = O.partition({ clip: O.clipByGlobalNorm(1), keep: O.identity() }, labels)
      const params = twoPlayers()
      const [u] = opt.update(grads(params), opt.init(params), params)
      const clipNorm = Math.sqrt(1 + 1 + 100 + 100 + 0.25)
      const expected = [1 / clipNorm, -1 / clipNorm, 2, 10 / clipNorm, -10 / clipNorm, 0.5 / clipNorm]
      flat(u).forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 14))
    }))

  it("keeps per-label states and continues them", () =>
    T.local(() => {
      const opt = O.partition({ a: O.adam(0.1), b: O.sgd(0.1, { momentum: 0.9 }) }, { generator: "a", critic: "b" })
      const params = twoPlayers()
      const state = opt.init(params) as { a: O.AdamState; b: O.TraceState[] }
      expect(Tree.leaves(state.a.mu).length).toBe(2)
      const after = O.step(opt, params, grads(params), state).state as { a: O.AdamState; b: [O.TraceState, O.CountState] }
      expect(after.a.count).toBe(1)
      expect(after.b[0].count).toBe(1)
      expect(flat(after.b[0].momentum)).toEqual([10, -10, 0.5])
    }))

  it("refuses unlabelled tensors and labels without a transform", () =>
    T.local(() => {
      const params = twoPlayers()
      expect(() => O.partition({ a: O.identity() }, { generator: "a" }).init(params)).toThrow(T.InvalidArgument)
      expect(() => O.partition({ a: O.identity() }, { generator: "a", critic: "z" }).init(params)).toThrow(T.InvalidArgument)
      expect(() => O.partition({ a: O.identity() }, { generator: "a", critic: ["a"] }).init(params)).toThrow(T.InvalidArgument)
    }))
})
