/** Composite functions stay finite, with finite gradients, at |x| up to 1e4 in float32. */
import { describe, expect, it } from "@effect/vitest"
import { grad } from "../../src/autodiff/index.js"
import * as T from "../../src/tensor/index.js"

const xs = [-1e4, -100, -20, 0, 20, 100, 1e4]
const big = () => T.tensor(xs)
const finite = (t: T.Tensor) => Array.from(t.toTypedArray() as Float32Array).every(Number.isFinite)

describe("numerical stability in float32", () => {
  const fns: Array<[string, (x: T.Tensor) => T.Tensor, (x: number) => number]> = [
    ["softplus", T.softplus, (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))],
    ["logSigmoid", T.logSigmoid, (x) => -(Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x))))],
    ["sigmoid", T.sigmoid, (x) => 1 / (1 + Math.exp(-x))],
    ["tanh", T.tanh, Math.tanh],
    ["bce(l, 1)", (l) => T.binaryCrossEntropyWithLogits(l, 1, "none"), (l) => Math.max(-l, 0) + Math.log1p(Math.exp(-Math.abs(l)))]
  ]
  for (const [name, f, reference] of fns) {
    it(`${name}: values match a float64 reference and gradients are finite`, () =>
      T.local(() => {
        const got = Array.from(f(big()).toTypedArray() as Float32Array)
        got.forEach((v, i) => expect(v).toBeCloseTo(reference(xs[i]!), 2))
        expect(finite(grad((x: T.Tensor) => T.sum(f(x)))(big()))).toBe(true)
      }))
  }

  it("logSoftmax and logsumexp over huge logits", () =>
    T.local(() => {
      const logits = T.tensor([[1e4, 0, -1e4], [-1e4, -1e4, -1e4]])
      const lsm = logits.pipe((x) => T.logSoftmax(x, 1)).toArray() as number[][]
      expect(lsm[0]).toEqual([0, -1e4, -2e4])
      // the float32 spacing at 1e4 is 2^-10, so -1e4 - lse(-1e4, x3) carries that error
      expect(Math.abs(lsm[1]![0]! + Math.log(3))).toBeLessThan(2 ** -10)
      const lse = Array.from(T.logsumexp(logits, 1).toTypedArray())
      expect(lse[0]).toBe(1e4)
      expect(Math.abs(lse[1]! - (-1e4 + Math.log(3)))).toBeLessThan(2 ** -10)
      expect(finite(grad((x: T.Tensor) => T.sum(T.logSoftmax(x, 1)))(logits))).toBe(true)
    }))

  it("norm has a zero (not NaN) gradient at the origin, first and second order", () =>
    T.local(() => {
      const zero = T.zeros([3], { dtype: "float64" })
      expect(Array.from(grad((x: T.Tensor) => T.norm(x))(zero).toTypedArray())).toEqual([0, 0, 0])
      const second = grad((x: T.Tensor) => T.sum(grad((y: T.Tensor) => T.norm(y), { createGraph: true })(x)))(zero)
      expect(Array.from(second.toTypedArray())).toEqual([0, 0, 0])
    }))
})
