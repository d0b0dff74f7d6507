/** Layers: values against hand-written references, checkGrad in float64, state and keys. */
import { describe, expect, it } from "@effect/vitest"
import { checkGrad, valueAndGrad } from "../../src/autodiff/index.js"
import * as nn from "../../src/nn/index.js"
import { key } from "../../src/random/index.js"
import * as T from "../../src/tensor/index.js"
import { uniformTensor } from "../support/random.js"

const f64 = { dtype: "float64" } as const
const vals = (t: T.Tensor) => Array.from(t.toTypedArray() as ArrayLike<number>)

/** checkGrad of a layer's output with respect to its input and every parameter. */
const checkLayer = (layer: nn.Layer<any, any>, x: T.Tensor, mode: nn.Mode = {}, order: 1 | 2 = 1) =>
  T.local(() => {
    const vars = layer.init(key(3), f64)
    const leaves = nn.Tree.leaves(vars.params)
    const report = checkGrad(
      (input, ...ps) => layer.apply({ params: nn.Tree.unflatten(vars.params, ps), state: vars.state }, input, mode).y,
      [x, ...leaves],
      { order, atol: 1e-7, rtol: 1e-5 }
    )
    expect(report.ok, `${layer.name}: ${JSON.stringify(report)}`).toBe(true)
  })

describe("layers", () => {
  it("linear computes x·W + b with PyTorch's default initialisation bounds", () =>
    T.local(() => {
      const layer = nn.linear(3, 2)
      const { params } = layer.init(key(1), f64)
      const bound = 1 / Math.sqrt(3)
      expect(vals(params.weight).every((v) => Math.abs(v) <= bound)).toBe(true)
      expect(vals(params.bias!).every((v) => Math.abs(v) <= bound)).toBe(true)
      const x = T.tensor([[1, 2, 3]], f64)
      const W = params.weight.toArray() as number[][], bias = vals(params.bias!)
      const want = [0, 1].map((j) => 1 * W[0]![j]! + 2 * W[1]![j]! + 3 * W[2]![j]! + bias[j]!)
      vals(nn.forward(layer, { params, state: undefined }, x)).forEach((v, j) => expect(v).toBeCloseTo(want[j]!, 13))
    }))

  it("init is a pure function of the key", () =>
    T.local(() => {
      const layer = nn.mlp([4, 8, 2])
      const a = nn.Tree.leaves(layer.init(key(5)).params).map(vals)
      const b = nn.Tree.leaves(layer.init(key(5)).params).map(vals)
      const c = nn.Tree.leaves(layer.init(key(6)).params).map(vals)
      expect(a).toEqual(b)
      expect(a).not.toEqual(c)
    }))

  it("mlp builds linear layers with activations between them", () =>
    T.local(() => {
      const net = nn.mlp([2, 5, 5, 1], { activation: nn.tanh })
      expect(net.name).toBe("sequential(linear(2, 5), tanh, linear(5, 5), tanh, linear(5, 1))")
      const vars = net.init(key(2))
      expect(nn.forward(net, vars, T.zeros([7, 2])).shape).toEqual([7, 1])
    }))

  for (const [name, layer, x, mode] of [
    ["linear", () => nn.linear(3, 4), () => uniformTensor([5, 3], -1, 1, 1), {}],
    ["maxout", () => nn.maxout(3, 2, 3), () => uniformTensor([4, 3], -1, 1, 2), {}],
    ["mlp(tanh)", () => nn.mlp([3, 4, 2], { activation: nn.tanh }), () => uniformTensor([4, 3], -1, 1, 3), {}],
    ["batchNorm1d (train)", () => nn.batchNorm1d(3), () => uniformTensor([6, 3], -1, 1, 4), { train: true }],
    ["batchNorm2d (train)", () => nn.batchNorm2d(2), () => uniformTensor([3, 2, 2, 3], -1, 1, 5), { train: true }],
    ["batchNorm1d (eval)", () => nn.batchNorm1d(3), () => uniformTensor([6, 3], -1, 1, 6), {}],
    ["layerNorm", () => nn.layerNorm([4]), () => uniformTensor([3, 4], -1, 1, 7), {}],
    ["leakyRelu", () => nn.leakyRelu(0.2), () => uniformTensor([8], 0.1, 1, 8).mul(T.tensor([1, -1, 1, -1, 1, -1, 1, -1], f64)), {}],
    ["elu", () => nn.elu(1.3), () => uniformTensor([8], 0.1, 1, 9).mul(T.tensor([1, -1, 1, -1, 1, -1, 1, -1], f64)), {}],
    ["gelu", () => nn.gelu, () => uniformTensor([6], -3, 3, 10), {}],
    ["softplus", () => nn.softplus, () => uniformTensor([6], -3, 3, 11), {}],
    ["sigmoid", () => nn.sigmoid, () => uniformTensor([6], -3, 3, 12), {}],
    ["conv2d", () => nn.conv2d(2, 3, [3, 2], { stride: 2, padding: 1 }), () => uniformTensor([2, 2, 5, 4], -1, 1, 13), {}],
    ["convTranspose2d", () => nn.convTranspose2d(3, 2, 4, { stride: 2, padding: 1 }), () => uniformTensor([1, 3, 3, 3], -1, 1, 14), {}]
  ] as const) {
    it(`${name} passes checkGrad (orders 1 and 2)`, () => {
      checkLayer(layer(), x(), mode, 1)
      checkLayer(layer(), x(), mode, 2)
    })
  }

  it("conv layers give PyTorch's output shapes and initialisation bounds", () =>
    T.local(() => {
      const c = nn.conv2d(1, 64, 4, { stride: 2, padding: 1 })
      const cv = c.init(key(1))
      expect(nn.forward(c, cv, T.zeros([2, 1, 28, 28])).shape).toEqual([2, 64, 14, 14])
      expect(vals(cv.params.weight).every((v) => Math.abs(v) <= 1 / Math.sqrt(16))).toBe(true)
      const t = nn.convTranspose2d(64, 128, 7)
      const tv = t.init(key(2))
      expect(nn.forward(t, tv, T.zeros([2, 64, 1, 1])).shape).toEqual([2, 128, 7, 7])
      expect(vals(tv.params.weight).every((v) => Math.abs(v) <= 1 / Math.sqrt(128 * 49))).toBe(true)
    }))

  it("activations match their formulas", () =>
    T.local(() => {
      const xs = [-2, -0.5, 0.5, 3]
      const x = T.tensor(xs, f64)
      const erf = (z: number) => vals(T.erf(T.tensor([z], f64)))[0]!
      vals(nn.forward(nn.gelu, { params: undefined, state: undefined }, x)).forEach((v, i) => expect(v).toBeCloseTo(0.5 * xs[i]! * (1 + erf(xs[i]! / Math.SQRT2)), 13))
      vals(nn.eluFn(x, 2)).forEach((v, i) => expect(v).toBeCloseTo(xs[i]! > 0 ? xs[i]! : 2 * Math.expm1(xs[i]!), 13))
      vals(nn.leakyReluFn(x, 0.1)).forEach((v, i) => expect(v).toBeCloseTo(xs[i]! > 0 ? xs[i]! : 0.1 * xs[i]!, 13))
      expect(vals(nn.eluFn(T.tensor([100]), 1))).toEqual([100]) // no overflow in the unused branch
    }))

  it("batchNorm: batch statistics in train mode, running averages (PyTorch semantics), eval mode", () =>
    T.local(() => {
      const bn = nn.batchNorm1d(2, { momentum: 0.1 })
      const vars = bn.init(key(1), f64)
      const x = T.tensor([[1, 10], [3, 20], [5, 60]], f64)
      const out = bn.apply(vars, x, { train: true })
      const y = out.y.toArray() as number[][]
      const col = (j: number) => y.map((r) => r[j]!)
      for (const j of [0, 1]) {
        expect(col(j).reduce((a, b) => a + b) / 3).toBeCloseTo(0, 12)
        expect(col(j).reduce((a, b) => a + b * b, 0) / 3).toBeCloseTo(1 - 1e-5 / (j === 0 ? 8 / 3 + 1e-5 : 1400 / 3 + 1e-5), 6)
      }
      // running mean = 0.9·0 + 0.1·batch mean; running var = 0.9·1 + 0.1·unbiased batch variance
      vals(out.state.mean).forEach((mu, j) => expect(mu).toBeCloseTo([0.3, 3][j]!, 14))
      expect(vals(out.state.variance)[0]).toBeCloseTo(0.9 + 0.1 * 4, 13)
      expect(vals(out.state.variance)[1]).toBeCloseTo(0.9 + 0.1 * 700, 10)
      const evalOut = bn.apply({ params: vars.params, state: out.state }, x)
      expect(evalOut.state).toBe(out.state)
      expect((evalOut.y.toArray() as number[][])[0]![0]).toBeCloseTo((1 - 0.3) / Math.sqrt(1.3 + 1e-5), 12)
    }))

  it("batchNorm: running statistics carry no autograd history (so threaded states keep no graphs alive)", () =>
    T.local(() => {
      const bn = nn.batchNorm2d(2)
      let state = bn.init(key(2), f64).state
      const params = bn.init(key(2), f64).params
      const x = uniformTensor([4, 2, 3, 3], -1, 1, 7)
      const before = T.liveCount()
      for (let step = 0; step < 3; step++) {
        const next = T.local(() => {
          const { aux } = valueAndGrad((xi: T.Tensor) => {
            const out = bn.apply({ params, state }, xi, { train: true })
            return [T.sum(T.square(out.y)), out.state] as const
          }, { hasAux: true })(x)
          expect(aux.mean.requiresGrad).toBe(false)
          expect(aux.variance.requiresGrad).toBe(false)
          return aux
        })
        if (step > 0) for (const t of [state.mean, state.variance]) t.dispose()
        state = next
      }
      expect(T.liveCount()).toBe(before + 2)
    }))

  it("dropout: keyed, scaled by 1/(1 − p), the identity in eval mode", () =>
    T.local(() => {
      const layer = nn.dropout(0.25)
      const x = T.ones([20000])
      const y = vals(nn.forward(layer, { params: undefined, state: undefined }, x, { train: true, key: key(9) }))
      const zeros = y.filter((v) => v === 0).length / y.length
      expect(Math.abs(zeros - 0.25)).toBeLessThan(4 * Math.sqrt(0.25 * 0.75 / y.length))
      expect(y.every((v) => v === 0 || Math.abs(v - 4 / 3) < 1e-6)).toBe(true)
      const again = vals(nn.forward(layer, { params: undefined, state: undefined }, x, { train: true, key: key(9) }))
      expect(again).toEqual(y)
      expect(nn.forward(layer, { params: undefined, state: undefined }, x)).toBe(x)
      expect(() => nn.forward(layer, { params: undefined, state: undefined }, x, { train: true })).toThrow(nn.MissingKey)
    }))

  it("sequential folds a distinct key into each layer", () =>
    T.local(() => {
      const net = nn.sequential(nn.dropout(0.5), nn.dropout(0.5))
      const vars = net.init(key(0))
      const single = vals(nn.forward(nn.dropout(0.5), { params: undefined, state: undefined }, T.ones([64]), { train: true, key: key(1) }))
      const twice = vals(nn.forward(net, vars, T.ones([64]), { train: true, key: key(1) }))
      expect(twice.some((v) => v === 4)).toBe(true) // survived both layers: scaled twice
      expect(twice).not.toEqual(single)
    }))

  it("initialisers have the variances they promise (within 4 standard errors)", () =>
    T.local(() => {
      const fans = { fanIn: 50, fanOut: 30 }
      const n = 40000
      // The sample variance of n draws has standard error σ²·√(2/n) for a normal and less for a uniform.
      const check = (t: T.Tensor, target: number) => expect(Math.abs(T.variance(t).item() - target)).toBeLessThan(4 * target * Math.sqrt(2 / n))
      check(nn.Init.heNormal(key(1), [200, 200], fans, {}), 2 / 50)
      check(nn.Init.heUniform(key(2), [200, 200], fans, {}), 2 / 50)
      check(nn.Init.glorotUniform(key(3), [200, 200], fans, {}), 2 / 80)
      check(nn.Init.glorotNormal(key(4), [200, 200], fans, {}), 2 / 80)
      check(nn.Init.normalInit(0.02)(key(5), [200, 200], fans, {}), 0.0004)
    }))
})
