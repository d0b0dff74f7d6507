/**
 * Every primitive op (and the composites) passes checkGrad in float64 at first and second
 * order, with broadcasting and non-contiguous (transposed, strided, expanded) inputs.
 * Inputs stay away from kinks (0 for abs/relu, ties for max) where derivatives jump.
 */
import { describe, expect, it } from "@effect/vitest"
import { checkGrad, stopGradient } from "../../src/autodiff/index.js"
import * as T from "../../src/tensor/index.js"
import { awayFromZero, uniformTensor as U } from "../support/random.js"

type Case = { name: string; f: (...xs: T.Tensor[]) => T.Tensor; inputs: () => T.Tensor[]; tol?: { atol: number; rtol: number; eps?: number } }

const pos = (shape: number[], seed: number) => U(shape, 0.5, 2, seed)
const any = (shape: number[], seed: number) => U(shape, -1.5, 1.5, seed)

const cases: Case[] = [
  // unary
  ...(["neg", "exp", "tanh", "sigmoid", "sin", "cos", "expm1"] as const).map((n) => ({
    name: n, f: (x: T.Tensor) => (T[n] as (x: T.Tensor) => T.Tensor)(x), inputs: () => [any([3, 4], 1)] })),
  ...(["log", "sqrt", "rsqrt", "log1p"] as const).map((n) => ({
    name: n, f: (x: T.Tensor) => (T[n] as (x: T.Tensor) => T.Tensor)(x), inputs: () => [pos([3, 4], 2)] })),
  { name: "abs", f: T.abs, inputs: () => [awayFromZero([5], 0.2, 2, 3)] },
  { name: "sign", f: (x) => T.mul(T.sign(x), x), inputs: () => [awayFromZero([5], 0.2, 2, 4)] },
  { name: "relu", f: T.relu, inputs: () => [awayFromZero([2, 5], 0.2, 2, 5)] },
  { name: "powScalar 3", f: (x) => T.powScalar(x, 3), inputs: () => [any([4], 6)] },
  { name: "powScalar -1.5", f: (x) => T.powScalar(x, -1.5), inputs: () => [pos([4], 7)] },
  { name: "clamp", f: (x) => T.clamp(x, -0.5, 0.5), inputs: () => [T.tensor([-1, -0.3, 0.1, 0.4, 0.9], { dtype: "float64" })] },
  // binary, broadcasting and views
  { name: "add broadcast", f: T.add, inputs: () => [any([3, 1, 4], 8), any([2, 4], 9)] },
  { name: "sub transposed", f: (a, b) => T.sub(T.transpose(a), b), inputs: () => [any([4, 3], 10), any([3, 4], 11)] },
  { name: "mul broadcast", f: T.mul, inputs: () => [any([2, 3], 12), any([3], 13)] },
  { name: "div", f: T.div, inputs: () => [any([2, 3], 14), awayFromZero([2, 1], 0.5, 2, 15)] },
  { name: "pow", f: T.pow, inputs: () => [pos([3], 16), any([3], 17)] },
  { name: "maximum", f: T.maximum, inputs: () => [T.tensor([1, -2, 3], { dtype: "float64" }), T.tensor([0, 1, 4], { dtype: "float64" })] },
  { name: "minimum", f: T.minimum, inputs: () => [T.tensor([1, -2, 3], { dtype: "float64" }), T.tensor([0, 1, 4], { dtype: "float64" })] },
  { name: "number operands", f: (x) => T.div(T.sub(2, x), T.add(x, 3)), inputs: () => [pos([3], 18)] },
  { name: "where", f: (a, b) => T.where(T.gt(a, 0), T.mul(a, b), T.exp(b)), inputs: () => [awayFromZero([4], 0.2, 1, 19), any([4], 20)] },
  // reductions
  { name: "sum axes keepdims", f: (x) => T.square(T.sum(x, [0, 2], true)), inputs: () => [any([2, 3, 4], 21)] },
  { name: "sum all", f: (x) => T.square(T.sum(x)), inputs: () => [any([3, 2], 22)] },
  { name: "max axis", f: (x) => T.square(T.max(x, 1)), inputs: () => [T.tensor([[1, 5, 3], [7, 2, 0]], { dtype: "float64" })] },
  { name: "min axis keepdims", f: (x) => T.square(T.min(x, 0, true)), inputs: () => [T.tensor([[1, 5, 3], [7, 2, 0]], { dtype: "float64" })] },
  { name: "logsumexp", f: (x) => T.logsumexp(x, -1), inputs: () => [any([3, 5], 23)] },
  { name: "mean", f: (x) => T.square(T.mean(x, 1)), inputs: () => [any([3, 4], 24)] },
  { name: "variance", f: (x) => T.variance(x, 0, false, 1), inputs: () => [any([5, 2], 25)] },
  // matmul
  { name: "matmul", f: T.matmul, inputs: () => [any([3, 4], 26), any([4, 2], 27)] },
  { name: "matmul batched broadcast", f: T.matmul, inputs: () => [any([2, 1, 3, 4], 28), any([3, 4, 2], 29)] },
  { name: "matmul transposed views", f: (a, b) => T.matmul(T.transpose(a), T.transpose(b)), inputs: () => [any([4, 3], 30), any([2, 4], 31)] },
  { name: "matmul vector", f: (a, b) => T.matmul(a, b), inputs: () => [any([4], 32), any([4, 3], 33)] },
  { name: "affine batched, transposed w", f: (x, w, b) => T.affine(x, T.transpose(w), b), inputs: () => [any([2, 3, 4], 61), any([5, 4], 62), any([5], 63)] },
  // views and copies
  { name: "reshape", f: (x) => T.mul(T.reshape(x, [3, -1]), T.reshape(x, [3, 4])), inputs: () => [any([2, 6], 34)] },
  { name: "permute", f: (x) => T.exp(T.permute(x, [2, 0, 1])), inputs: () => [any([2, 3, 2], 35)] },
  { name: "expand", f: (x) => T.sin(T.expand(x, [3, 2, 4])), inputs: () => [any([2, 1], 36)] },
  { name: "slice step", f: (x) => T.exp(T.slice(x, 1, 1, 6, 2)), inputs: () => [any([2, 7], 37)] },
  { name: "unsqueeze squeeze flatten", f: (x) => T.flatten(T.squeeze(T.unsqueeze(T.tanh(x), 1), 1)), inputs: () => [any([2, 3], 38)] },
  { name: "contiguous of view", f: (x) => T.square(T.contiguous(T.transpose(x))), inputs: () => [any([3, 2], 39)] },
  { name: "cast float32 round trip", f: (x) => T.cast(T.cast(x, "float32"), "float64"), inputs: () => [any([3], 40)], tol: { atol: 1e-3, rtol: 1e-3, eps: 1e-2 } },
  { name: "concat", f: (a, b) => T.square(T.concat([a, b], 1)), inputs: () => [any([2, 2], 41), any([2, 3], 42)] },
  { name: "stack", f: (a, b) => T.tanh(T.stack([a, b], 0)), inputs: () => [any([3], 43), any([3], 44)] },
  // indexing
  { name: "indexSelect", f: (x) => T.square(T.indexSelect(x, 0, T.tensor([2, 0, 2], { dtype: "int32" }))), inputs: () => [any([3, 2], 45)] },
  { name: "indexAdd", f: (b, s) => T.square(T.indexAdd(b, 1, T.tensor([1, 1], { dtype: "int32" }), s)), inputs: () => [any([2, 3], 46), any([2, 2], 47)] },
  { name: "gather", f: (x) => T.square(T.gather(x, 1, T.tensor([[0, 0], [2, 1]], { dtype: "int32" }))), inputs: () => [any([2, 3], 48)] },
  { name: "scatterAdd", f: (b, s) => T.square(T.scatterAdd(b, 0, T.tensor([[1, 0, 1]], { dtype: "int32" }), s)), inputs: () => [any([2, 3], 49), any([1, 3], 50)] },
  { name: "sort", f: (x) => T.mul(T.sort(x), T.tensor([1, 2, 3, 4], { dtype: "float64" })), inputs: () => [T.tensor([0.3, -1, 2, 0.7], { dtype: "float64" })] },
  // composites
  { name: "softplus", f: T.softplus, inputs: () => [any([6], 51)] },
  { name: "logSigmoid", f: T.logSigmoid, inputs: () => [any([6], 52)] },
  { name: "logSoftmax", f: (x) => T.logSoftmax(x, 1), inputs: () => [any([2, 4], 53)] },
  { name: "softmax", f: (x) => T.softmax(x, 0), inputs: () => [any([3, 2], 54)] },
  { name: "bce with logits", f: (l) => T.binaryCrossEntropyWithLogits(l, T.tensor([0, 1, 0.3], { dtype: "float64" })), inputs: () => [any([3], 55)] },
  { name: "bceLogits in logits and targets, broadcast", f: T.bceLogits, inputs: () => [any([2, 3], 59), U([3], 0, 1, 60)] },
  { name: "mse", f: (a, b) => T.mse(a, b), inputs: () => [any([4], 56), any([4], 57)] },
  { name: "norm", f: (x) => T.norm(x, 1), inputs: () => [any([3, 4], 58)] }
]

describe("checkGrad over every op", () => {
  for (const c of cases) {
    for (const order of [1, 2] as const) {
      it(`${c.name} (order ${order})`, () =>
        T.local(() => {
          const report = checkGrad(c.f, c.inputs(), { order, ...(c.tol ?? { atol: 1e-6, rtol: 1e-5 }) })
          expect(report.worstRatio, JSON.stringify(report)).toBeLessThanOrEqual(1)
          expect(report.ok).toBe(true)
        }))
    }
  }

  it("catches a wrong derivative and reports its worst element", () =>
    T.local(() => {
      // x * stopGradient(x): the engine sees derivative x, the true one is 2x.
      // checkGrad weighs the output with fixed weights v, so analytic = v·x, numeric = 2v·x.
      const report = checkGrad((a, b) => T.add(T.mul(a, stopGradient(a)), T.mul(b, b)), [
        T.tensor([3], { dtype: "float64" }),
        T.tensor([1], { dtype: "float64" })
      ])
      expect(report.ok).toBe(false)
      expect(report.worst.input).toBe(0)
      expect(report.worst.index).toBe(0)
      expect(report.worst.analytic / report.worst.numeric).toBeCloseTo(0.5, 6)
    }))

  it("refuses float32 inputs with a typed error", () =>
    T.local(() => {
      expect(() => checkGrad(T.exp, [T.tensor([1])])).toThrow(T.DTypeMismatch)
    }))
})
