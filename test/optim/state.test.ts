/**
 * States as data (JSON round trips that resume bit for bit), memory over a training loop,
 * graphs (none from `step`; differentiable `update` for unrolled optimisation), and small
 * end-to-end fits.
 */
import { describe, expect, it } from "@effect/vitest"
import { grad, Tree, valueAndGrad } from "../../src/autodiff/index.js"
import * as O from "../../src/optim/index.js"
import * as T from "../../src/tensor/index.js"
import { f64, flat, gradientAt, makeParams, withValues } from "./harness.js"

const run = <P>(opt: O.GradientTransformation<any>, params: P, state: unknown, steps: number) => {
  let p = params, s = state
  for (let i = 0; i < steps; i++) ({ params: p, state: s } = O.step(opt, p, withValues(p, gradientAt(flat(p))), s))
  return { params: p, state: s }
}

describe("optimizer states as JSON", () => {
  const optimizers: ReadonlyArray<readonly [string, () => O.GradientTransformation<any>]> = [
    ["adam", () => O.adam(0.01, { weightDecay: 0.1 })],
    ["adamw", () => O.adamw(O.Schedules.cosineDecay(0.01, 10))],
    ["sgd with Nesterov momentum", () => O.sgd(0.01, { momentum: 0.9, nesterov: true })],
    ["centered rmsprop with momentum", () => O.rmsprop(0.01, { centered: true, momentum: 0.5 })],
    [
      "a partition of chains",
      () => O.partition({ a: O.chain(O.clipByGlobalNorm(1), O.adam(0.01)), b: O.chain(O.sgd(0.1), O.clipWeights(1)) }, { w: "a", layers: "b", name: "b" })
    ]
  ]
  for (const [name, make] of optimizers)
    it(`${name}: a restored state resumes exactly where the original does`, () =>
      T.local(() => {
        const opt = make()
        const { params, state } = run(opt, makeParams(), opt.init(makeParams()), 2)
        const text = JSON.stringify(O.stateToJson(state))
        const restored = O.stateFromJson(JSON.parse(text))
        expect(O.stateToJson(restored)).toEqual(JSON.parse(text))
        expect(flat(run(opt, params, restored, 2).params)).toEqual(flat(run(opt, params, state, 2).params))
      }))

  it("keeps float32 values, dtypes, shapes and non-finite numbers", () =>
    T.local(() => {
      const tree = {
        count: 3,
        x: T.tensor(Float32Array.from([0.1, -2.5e-8, NaN, Infinity]), { shape: [2, 2] }),
        flags: T.tensor([1, 0], { dtype: "bool" }),
        idx: T.tensor([7, -3], { dtype: "int32" }),
        scalar: T.tensor(Float64Array.from([Math.PI]), { shape: [] }),
        limit: -Infinity,
        nested: [null, "label", { y: T.zeros([0]) }]
      }
      const back = O.stateFromJson<typeof tree>(JSON.parse(JSON.stringify(O.stateToJson(tree))))
      expect(back.count).toBe(3)
      expect(back.limit).toBe(-Infinity)
      expect(back.nested[0]).toBeNull()
      expect(back.nested[1]).toBe("label")
      for (const [a, b] of [[tree.x, back.x], [tree.flags, back.flags], [tree.idx, back.idx], [tree.scalar, back.scalar]] as const) {
        expect(b.dtype).toBe(a.dtype)
        expect(b.shape).toEqual(a.shape)
        expect(Array.from(b.toTypedArray() as ArrayLike<number>)).toEqual(Array.from(a.toTypedArray() as ArrayLike<number>))
      }
      expect((back.nested[2] as { y: T.Tensor }).y.shape).toEqual([0])
    }))

  it("refuses malformed JSON with InvalidArgument and leaks nothing", () =>
    T.local(() => {
      const before = T.liveCount()
      const ok = { $tensor: { dtype: "float32", shape: [1], data: [1] } }
      for (const bad of [
        { $tensor: { dtype: "float16", shape: [1], data: [1] } },
        { $tensor: { dtype: "float32", shape: [2], data: [1] } },
        { $tensor: { dtype: "float32", shape: [-1], data: [] } },
        [ok, { $tensor: { dtype: "float32", shape: [1], data: ["x"] } }],
        { $number: "many" }
      ])
        expect(() => O.stateFromJson(bad)).toThrow(T.InvalidArgument)
      expect(T.liveCount()).toBe(before)
      expect(() => O.stateToJson({ $tensor: 1 })).toThrow(T.InvalidArgument)
    }))
})

describe("memory", () => {
  it("a loop of steps keeps Tensor.liveCount() flat when old params, grads and states are freed", () =>
    T.local(() => {
      const opt = O.chain(O.clipByGlobalNorm(5), O.adamw(0.01), O.clipWeights(3))
      const loss = (p: ReturnType<typeof makeParams>) => T.add(T.sum(T.square(p.w)), T.sum(T.exp(p.layers[0].b)))
      let params = makeParams()
      let state = opt.init(params)
      const counts: number[] = []
      for (let i = 0; i < 12; i++) {
        const grads = grad(loss)(params)
        const next = O.step(opt, params, grads, state)
        Tree.disposeTree([params, grads, state])
        ;({ params, state } = next)
        counts.push(T.liveCount())
      }
      expect(new Set(counts).size, counts.join(",")).toBe(1)
    }))
})

describe("graphs", () => {
  it("step records no graph, even from gradients that carry one", () =>
    T.local(() => {
      const p = { w: f64([1, 2]) }
      const g = grad((q: typeof p) => T.sum(T.powScalar(q.w, 3)), { createGraph: true })(p)
      expect(g.w.requiresGrad).toBe(true)
      const opt = O.adam(0.1)
      expect(O.step(opt, p, g, opt.init(p)).params.w.requiresGrad).toBe(false)
    }))

  it("update is differentiable when called directly (one unrolled SGD step)", () =>
    T.local(() => {
      // L(p) = ½ Σ a p²; one step p' = p − lr · a p; d/dp L(p') = (1 − lr a)² a p.
      const a = f64([1, 3]), lr = 0.1
      const loss = (p: T.Tensor) => T.mul(T.sum(T.mul(a, T.square(p))), 0.5)
      const opt = O.sgd(lr)
      const unrolled = (p: T.Tensor) => {
        const g = grad(loss, { createGraph: true })(p)
        const [u] = opt.update(g, opt.init(p), p)
        return loss(O.applyUpdates(p, u))
      }
      const p = f64([0.7, -1.2])
      const expected = [0.7, -1.2].map((x, i) => (1 - lr * [1, 3][i]!) ** 2 * [1, 3][i]! * x)
      Array.from(grad(unrolled)(p).toTypedArray()).forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 14))
    }))
})

describe("end to end: least squares", () => {
  // y = X w* + b*, X fixed and well conditioned; the fit must recover w*, b*.
  const wStar = [1.5, -2, 0.5], bStar = 0.3
  const rows = Array.from({ length: 24 }, (_, i) => [Math.sin(i + 1), Math.cos(2 * i + 1), ((i % 5) - 2) / 2])
  const X = () => f64(rows)
  const y = () => f64(rows.map((r) => [r.reduce((s, x, j) => s + x * wStar[j]!, bStar)]))
  const loss = (p: { w: T.Tensor; b: T.Tensor }, x: T.Tensor, target: T.Tensor) => T.mse(T.add(T.matmul(x, p.w), p.b), target)

  const fit = (opt: O.GradientTransformation<any>, steps: number) =>
    T.local(() => {
      const x = X(), target = y()
      let params = { w: T.zeros([3, 1], { dtype: "float64" }), b: T.zeros([1], { dtype: "float64" }) }
      let state = opt.init(params)
      let last = Infinity
      for (let i = 0; i < steps; i++) {
        const { value, grad: g } = valueAndGrad(loss)(params, x, target)
        last = value.item()
        const next = O.step(opt, params, g, state)
        Tree.disposeTree([params, g, state, value])
        ;({ params, state } = next)
      }
      return { w: flat(params.w), b: params.b.item(), loss: last }
    })

  for (const [name, opt, steps] of [
    ["sgd with momentum", O.sgd(0.1, { momentum: 0.9 }), 300],
    ["adam with warm-up and cosine decay", O.adam(O.Schedules.warmup(20, O.Schedules.cosineDecay(0.1, 580, 0.01))), 600],
    ["rmsprop with a piecewise-constant rate", O.rmsprop(O.Schedules.piecewiseConstant([300, 450], [0.03, 0.003, 0.0003])), 600]
  ] as const)
    it(`${name} recovers the coefficients to 1e-3`, () => {
      const result = fit(opt, steps)
      result.w.forEach((w, j) => expect(Math.abs(w - wStar[j]!)).toBeLessThan(1e-3))
      expect(Math.abs(result.b - bStar)).toBeLessThan(1e-3)
      expect(result.loss).toBeLessThan(1e-5)
    })
})
