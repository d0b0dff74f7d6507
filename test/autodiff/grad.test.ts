import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { grad, noGrad, stopGradient, valueAndGrad, variable, vjp } from "../../src/autodiff/index.js"
import * as T from "../../src/tensor/index.js"

const f64 = (data: number[] | number[][], shape?: number[]) => T.tensor(data, { dtype: "float64", ...(shape ? { shape } : {}) })
const values = (t: T.Tensor) => Array.from(t.toTypedArray() as Float64Array)

describe("grad and valueAndGrad", () => {
  it("differentiates sum(x^2) to 2x", () =>
    T.local(() => {
      const x = f64([1, -2, 3.5])
      expect(values(grad((p: T.Tensor) => T.sum(T.square(p)))(x))).toEqual([2, -4, 7])
    }))

  it("returns gradients in the structure of a parameter tree, passing non-tensors through", () =>
    T.local(() => {
      const params = { w: f64([1, 2]), layers: [f64([3]), { b: f64([4]) }], name: "critic", scale: 2 }
      const loss = (p: typeof params) =>
        T.add(T.add(T.sum(T.mul(p.w, p.w)), T.sum(T.mul(p.layers[0] as T.Tensor, 5))), T.sum(T.exp((p.layers[1] as { b: T.Tensor }).b)))
      const { value, grad: g } = valueAndGrad(loss)(params)
      expect(value.item()).toBeCloseTo(1 + 4 + 15 + Math.exp(4), 10)
      expect(values(g.w)).toEqual([2, 4])
      expect(values(g.layers[0] as T.Tensor)).toEqual([5])
      expect(values((g.layers[1] as { b: T.Tensor }).b)[0]).toBeCloseTo(Math.exp(4), 10)
      expect(g.name).toBe("critic")
      expect(g.scale).toBe(2)
      expect(value.requiresGrad).toBe(false)
    }))

  it("passes auxiliary outputs through with hasAux", () =>
    T.local(() => {
      const x = f64([3])
      const { value, grad: g, aux } = valueAndGrad((p: T.Tensor) => [T.sum(T.mul(p, p)), T.mul(p, 10)] as const, { hasAux: true })(x)
      expect(value.item()).toBe(9)
      expect(values(g)).toEqual([6])
      expect(values(aux)).toEqual([30])
    }))

  it("differentiates a gradient again (createGraph): d/dx sum(d/dx sum(x^3)) = 6x", () =>
    T.local(() => {
      const x = f64([0.5, -1, 2])
      const first = (p: T.Tensor) => grad((q: T.Tensor) => T.sum(T.powScalar(q, 3)), { createGraph: true })(p)
      expect(values(first(x))).toEqual([0.75, 3, 12])
      expect(values(grad((p: T.Tensor) => T.sum(first(p)))(x))).toEqual([3, -6, 12])
    }))

  it("gives zero gradients for inputs the output does not depend on", () =>
    T.local(() => {
      const g = grad((p: { a: T.Tensor; b: T.Tensor }) => T.sum(p.a))({ a: f64([1, 2]), b: f64([3]) })
      expect(values(g.b)).toEqual([0])
    }))

  it("stopGradient cuts the graph and noGrad records none", () =>
    T.local(() => {
      const x = f64([2])
      expect(values(grad((p: T.Tensor) => T.sum(T.mul(p, stopGradient(p))))(x))).toEqual([2])
      const v = variable(x)
      expect(v.requiresGrad).toBe(true)
      expect(noGrad(() => T.mul(v, v)).requiresGrad).toBe(false)
      expect(T.mul(v, v).requiresGrad).toBe(true)
    }))

  it("vjp pulls back any cotangent, repeatedly", () =>
    T.local(() => {
      const x = f64([1, 2, 3])
      const [y, pullback] = vjp((p: T.Tensor) => T.mul(p, p), x)
      expect(values(y)).toEqual([1, 4, 9])
      expect(values(pullback(f64([1, 0, 0])))).toEqual([2, 0, 0])
      expect(values(pullback(f64([1, 1, 1])))).toEqual([2, 4, 6])
    }))

  it("refuses a non-scalar objective with a typed error", () =>
    T.local(() => {
      expect(() => grad((p: T.Tensor) => T.mul(p, 2))(f64([1, 2]))).toThrow(T.InvalidArgument)
    }))

  it("refuses gradients of integer tensors and of non-tensors", () =>
    T.local(() => {
      const i = T.tensor([1, 2], { dtype: "int32" })
      expect(() => variable(i)).toThrow(T.DTypeMismatch)
      expect(() => grad((p: T.Tensor) => T.sum(p))("x" as unknown as T.Tensor)).toThrow(T.InvalidArgument)
    }))

  it.effect("keeps memory flat over 10,000 valueAndGrad calls", () =>
    Effect.gen(function* () {
      const params = yield* T.compute(() => ({ w: T.tensor([[0.1, -0.2], [0.3, 0.4]], { dtype: "float64" }), b: f64([0.5, -0.5]) }))
      const x = yield* T.compute(() => T.tensor([[1, 2], [3, 4], [5, 6]], { dtype: "float64" }))
      const loss = (p: typeof params) => T.mean(T.square(T.tanh(T.add(T.matmul(x, p.w), p.b))))
      const step = T.compute(() => {
        const { value, grad: g } = valueAndGrad(loss)(params)
        value.dispose()
        g.w.dispose()
        g.b.dispose()
      })
      yield* step // warm up any lazily created state
      const before = T.memoryStats()
      for (let i = 0; i < 10_000; i++) yield* step
      const after = T.memoryStats()
      expect(after.liveTensors).toBe(before.liveTensors)
      expect(after.liveBytes).toBe(before.liveBytes)
    }))
})
