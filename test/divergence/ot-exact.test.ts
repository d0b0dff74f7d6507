/**
 * Exact OT (network simplex) against a hand-derived case, brute force over permutations, vertex
 * enumeration of the transport polytope, duality, finite differences, bad inputs and W6.
 */
import { describe, expect, it } from "@effect/vitest"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { ringCloud, sourceCloud } from "../../bench/harness/clouds.js"
import { W6_EXPECTED } from "../../bench/workloads/w6-emd.js"
import { valueAndGrad } from "../../src/autodiff/index.js"
import { exactOt, groundCost, wassersteinExact } from "../../src/divergence/index.js"
import { native } from "../../src/native/addon.js"
import * as T from "../../src/tensor/index.js"
import { prng } from "../support/random.js"
import { bestPermutation, vertexOptimum } from "../support/transport.js"

const f64 = (data: readonly number[] | Float64Array, shape?: number[]) =>
  T.tensor(Float64Array.from(data), { dtype: "float64", ...(shape ? { shape } : {}) })
const matrix = (rows: number, cols: number, next: () => number, lo = 0, hi = 1) =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => lo + (hi - lo) * next()))
const simplex = (k: number, next: () => number) => {
  const w = Array.from({ length: k }, () => 0.05 + next())
  const s = w.reduce((x, y) => x + y, 0)
  return w.map((x) => x / s)
}
const solve = (a: number[], b: number[], C: number[][]) => {
  const r = exactOt(f64(a), f64(b), f64(C.flat(), [a.length, b.length]))
  const P = r.plan.toTypedArray() as Float64Array
  return { value: r.value.item(), P, u: r.potentials.u.toArray() as number[], v: r.potentials.v.toArray() as number[], r }
}

/** u_i + v_j ≤ C_ij everywhere, = where P_ij > 0; marginals; Σ a u + Σ b v = Σ P C. */
const expectOptimalityCertificate = (a: number[], b: number[], C: number[][], s: ReturnType<typeof solve>, tol = 1e-12) => {
  const n = a.length, m = b.length
  let primal = 0
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const p = s.P[i * m + j]!
      expect(p).toBeGreaterThanOrEqual(0)
      expect(s.u[i]! + s.v[j]!).toBeLessThanOrEqual(C[i]![j]! + tol)
      if (p > 1e-15) expect(Math.abs(s.u[i]! + s.v[j]! - C[i]![j]!)).toBeLessThan(tol)
      primal += p * C[i]![j]!
    }
  for (let i = 0; i < n; i++) expect(Math.abs(s.P.slice(i * m, (i + 1) * m).reduce((x, y) => x + y, 0) - a[i]!)).toBeLessThan(1e-14)
  for (let j = 0; j < m; j++) {
    let col = 0
    for (let i = 0; i < n; i++) col += s.P[i * m + j]!
    expect(Math.abs(col - b[j]!)).toBeLessThan(1e-14)
  }
  const dual = a.reduce((x, ai, i) => x + ai * s.u[i]!, 0) + b.reduce((x, bj, j) => x + bj * s.v[j]!, 0)
  expect(Math.abs(primal - s.value)).toBeLessThan(tol)
  expect(Math.abs(dual - s.value)).toBeLessThan(tol)
}

describe("exactOt", () => {
  it("solves a hand-derived 2×2 problem: plan, value and potentials", () =>
    T.local(() => {
      // P = [[t, .6 − t], [.3 − t, .1 + t]], cost 2.2 − 3t, so t = .3: value 1.3; duals from the
      // support cells (1,1), (1,2), (2,2): u = (0, −1) + c, v = (1, 2) − c.
      const a = [0.6, 0.4], b = [0.3, 0.7], C = [[1, 2], [3, 1]]
      const s = solve(a, b, C)
      expect(s.value).toBeCloseTo(1.3, 14)
      expect(Array.from(s.P).map((p) => Math.round(p * 1e12) / 1e12)).toEqual([0.3, 0.3, 0, 0.4])
      expect(s.u[1]! - s.u[0]!).toBeCloseTo(-1, 14)
      expect(s.v[0]! + s.u[0]!).toBeCloseTo(1, 14)
      expect(s.v[1]! + s.u[0]!).toBeCloseTo(2, 14)
      // normalisation Σ a u = Σ b v (= value / 2)
      expect(0.6 * s.u[0]! + 0.4 * s.u[1]!).toBeCloseTo(1.3 / 2, 14)
    }))

  it("with uniform weights and n = m the optimum is the best permutation (n ≤ 7, brute force)", () => {
    const next = prng(5)
    for (let n = 1; n <= 7; n++)
      for (let rep = 0; rep < 3; rep++)
        T.local(() => {
          const C = matrix(n, n, next, -1, 2)
          const w = new Array<number>(n).fill(1 / n)
          const s = solve(w, w, C)
          const brute = bestPermutation(C)
          expect(Math.abs(s.value - brute.cost / n)).toBeLessThan(1e-13)
          for (const p of s.P) expect(Math.min(Math.abs(p), Math.abs(p - 1 / n))).toBeLessThan(1e-15)
          expectOptimalityCertificate(w, w, C, s)
        })
  })

  it("matches vertex enumeration of the transport polytope on random general-weight problems", () => {
    const next = prng(17)
    for (const [n, m] of [[1, 4], [2, 3], [3, 3], [3, 4], [4, 3], [4, 4], [2, 5]] as const)
      for (let rep = 0; rep < 3; rep++)
        T.local(() => {
          const a = simplex(n, next), b = simplex(m, next), C = matrix(n, m, next, 0, 5)
          const s = solve(a, b, C)
          expect(Math.abs(s.value - vertexOptimum(a, b, C))).toBeLessThan(1e-9)
          expectOptimalityCertificate(a, b, C, s)
        })
  })

  it("a larger problem: strong duality and complementary slackness certify the optimum", () =>
    T.local(() => {
      const next = prng(3)
      const a = simplex(60, next), b = simplex(45, next), C = matrix(60, 45, next, -2, 3)
      expectOptimalityCertificate(a, b, C, solve(a, b, C), 1e-11)
    }))

  it("zero weights: no mass on those rows/columns, their potentials still feasible", () =>
    T.local(() => {
      const next = prng(8)
      const a = [0.5, 0, 0.5], b = [0, 0.25, 0.75, 0], C = matrix(3, 4, next, 0, 4)
      const s = solve(a, b, C)
      expect(Math.abs(s.value - vertexOptimum([0.5, 0.5], [0.25, 0.75], [C[0]!.slice(1, 3), C[2]!.slice(1, 3)]))).toBeLessThan(1e-12)
      expectOptimalityCertificate(a, b, C, s)
    }))

  it("degenerate problems (tied integer costs, zero weights, n or m = 1) keep exact certificates", () => {
    const next = prng(99)
    for (let trial = 0; trial < 150; trial++)
      T.local(() => {
        const n = 1 + Math.floor(next() * 9), m = 1 + Math.floor(next() * 9)
        const raw = (k: number) => {
          const w: number[] = Array.from({ length: k }, () => (next() < 0.3 ? 0 : Math.floor(next() * 4)))
          if (!w.some((x) => x > 0)) w[0] = 1
          const t = w.reduce((x, y) => x + y, 0)
          return w.map((x) => x / t)
        }
        const a = raw(n), b = raw(m), C = matrix(n, m, next).map((r) => r.map((c) => Math.floor(3 * c)))
        expectOptimalityCertificate(a, b, C, solve(a, b, C), 1e-14)
      })
  })

  it("reads non-contiguous costs (a transposed view) like their contiguous copy", () =>
    T.local(() => {
      const next = prng(41)
      const a = simplex(5, next), b = simplex(3, next), Ct = matrix(3, 5, next)
      const viaView = exactOt(f64(a), f64(b), T.transpose(f64(Ct.flat(), [3, 5]))).value.item()
      const C = Array.from({ length: 5 }, (_, i) => Ct.map((r) => r[i]!))
      expect(viaView).toBe(solve(a, b, C).value)
    }))

  it("masses within the tolerance are balanced by rescaling b; float32 inputs are accepted", () =>
    T.local(() => {
      const C = [[0, 1], [1, 0]]
      const s = exactOt(f64([0.5, 0.5]), f64([0.5, 0.5 + 1e-12]), f64(C.flat(), [2, 2]))
      expect(s.value.item()).toBeLessThan(1e-12)
      const r = exactOt(T.tensor([0.25, 0.75]), T.tensor([0.5, 0.5]), T.tensor(C))
      expect(r.value.dtype).toBe("float32")
      expect(r.value.item()).toBeCloseTo(0.25, 6)
    }))

  it("W6: X_500 → Y_500, uniform weights, squared Euclidean cost = 0.0149530556204252 (rel 1e-9)", () =>
    T.local(() => {
      const x = f64(sourceCloud(500), [500, 2]), y = f64(ringCloud(500), [500, 2])
      const value = wassersteinExact(x, y, { p: 2 }).cost.item()
      expect(Math.abs(value - W6_EXPECTED) / W6_EXPECTED).toBeLessThan(1e-9)
    }))
})

describe("exactOt gradients (envelope theorem)", () => {
  it("∂/∂C is the plan; ∂/∂a, ∂/∂b are the centred potentials; both match finite differences", () =>
    T.local(() => {
      const next = prng(21)
      const n = 4, m = 5
      const a = simplex(n, next), b = simplex(m, next), C = matrix(n, m, next, 0, 3)
      const f = (p: { a: T.Tensor; b: T.Tensor; C: T.Tensor }) => exactOt(p.a, p.b, p.C).value
      const { grad } = valueAndGrad(f)({ a: f64(a), b: f64(b), C: f64(C.flat(), [n, m]) })
      const s = solve(a, b, C)
      const gC = grad.C.toTypedArray() as Float64Array, ga = grad.a.toArray() as number[], gb = grad.b.toArray() as number[]
      gC.forEach((g, k) => expect(g).toBe(s.P[k]))
      const h = 1e-7
      // cost entries: central differences (the optimal basis is stable for small changes)
      for (const [i, j] of [[0, 0], [1, 3], [3, 4], [2, 1]] as const) {
        const Cp = C.map((r) => [...r]), Cm = C.map((r) => [...r])
        Cp[i]![j]! += h
        Cm[i]![j]! -= h
        expect(Math.abs((solve(a, b, Cp).value - solve(a, b, Cm).value) / (2 * h) - gC[i * m + j]!)).toBeLessThan(1e-7)
      }
      // weights: mass-preserving directions e_i − e_k
      for (const [i, k] of [[0, 1], [2, 3], [3, 0]] as const) {
        const dir = (w: number[], t: number) => w.map((x, q) => x + (q === i ? t : q === k ? -t : 0))
        const fd = (solve(dir(a, h), b, C).value - solve(dir(a, -h), b, C).value) / (2 * h)
        expect(Math.abs(fd - (ga[i]! - ga[k]!))).toBeLessThan(1e-7)
        const fdb = (solve(a, dir(b, h), C).value - solve(a, dir(b, -h), C).value) / (2 * h)
        expect(Math.abs(fdb - (gb[i]! - gb[k]!))).toBeLessThan(1e-7)
      }
      expect(Math.abs(ga.reduce((x, y) => x + y, 0))).toBeLessThan(1e-14)
      expect(Math.abs(gb.reduce((x, y) => x + y, 0))).toBeLessThan(1e-14)
    }))

  it("gradients reach sample positions through the ground cost (vs finite differences)", () =>
    T.local(() => {
      const next = prng(33)
      const n = 6, m = 4, d = 2
      const xs = Array.from({ length: n * d }, next), ys = Array.from({ length: m * d }, next)
      for (const p of [1, 2, 3]) {
        const f = (x: T.Tensor) => wassersteinExact(x, f64(ys, [m, d]), { p }).value
        const { value, grad } = valueAndGrad(f)(f64(xs, [n, d]))
        const g = grad.toTypedArray() as Float64Array
        const h = 1e-6
        for (let k = 0; k < n * d; k++) {
          const up = [...xs], dn = [...xs]
          up[k]! += h
          dn[k]! -= h
          const fd = T.local(() => (f(f64(up, [n, d])).item() - f(f64(dn, [n, d])).item()) / (2 * h))
          expect(Math.abs(fd - g[k]!)).toBeLessThan(1e-6)
        }
        expect(value.item()).toBeGreaterThan(0)
      }
    }))

  it("groundCost is ‖x − y‖^p from differences, with zero derivative at coincident points", () =>
    T.local(() => {
      const x = f64([0, 0, 1, 1], [2, 2]), y = f64([0, 0, 4, 5], [2, 2])
      expect(groundCost(x, y, 1).toArray()).toEqual([[0, Math.hypot(4, 5)], [Math.SQRT2, 5]])
      const { grad } = valueAndGrad((z: T.Tensor) => T.sum(groundCost(z, y, 1)))(x)
      expect((grad.toArray() as number[][])[0]![0]).toBeCloseTo(-4 / Math.hypot(4, 5), 14)
      expect((grad.toArray() as number[][]).flat().every(Number.isFinite)).toBe(true)
    }))
})

describe("exactOt: bad inputs are typed errors", () => {
  const C = () => f64([0, 1, 1, 0], [2, 2])
  const w = () => f64([0.5, 0.5])
  const cases: Array<[string, () => unknown, string]> = [
    ["cost shape", () => exactOt(w(), w(), f64([0, 1, 1], [3, 1])), "ShapeMismatch"],
    ["weights not vectors", () => exactOt(f64([0.5, 0.5], [1, 2]), w(), C()), "ShapeMismatch"],
    ["empty measure", () => exactOt(f64([]), f64([]), f64([], [0, 0])), "ShapeMismatch"],
    ["int32 weights", () => exactOt(T.tensor([1, 1], { dtype: "int32" }), T.tensor([1, 1], { dtype: "int32" }), C()), "DTypeMismatch"],
    ["negative weight", () => exactOt(f64([1.5, -0.5]), w(), C()), "InvalidArgument"],
    ["NaN weight", () => exactOt(f64([NaN, 1]), w(), C()), "InvalidArgument"],
    ["zero mass", () => exactOt(f64([0, 0]), f64([0, 0]), C()), "InvalidArgument"],
    ["mass mismatch", () => exactOt(w(), f64([0.5, 0.6]), C()), "InvalidArgument"],
    ["NaN cost", () => exactOt(w(), w(), f64([0, NaN, 1, 0], [2, 2])), "InvalidArgument"],
    ["infinite cost", () => exactOt(w(), w(), f64([0, Infinity, 1, 0], [2, 2])), "InvalidArgument"],
    ["cost too large for the potentials", () => exactOt(w(), w(), f64([0, 1e305, 1, 0], [2, 2])), "InvalidArgument"],
    ["maxIterations 0", () => exactOt(w(), w(), C(), { maxIterations: 0 }), "InvalidArgument"],
    ["maxIterations not an integer", () => exactOt(w(), w(), C(), { maxIterations: 1.5 }), "InvalidArgument"],
    ["negative mass tolerance", () => exactOt(w(), w(), C(), { massTolerance: -1 }), "InvalidArgument"],
    ["not a tensor", () => exactOt([0.5, 0.5] as unknown as T.Tensor, w(), C()), "InvalidArgument"]
  ]
  for (const [name, run, tag] of cases)
    it(`${name} → ${tag}`, () => T.local(() => expect(run).toThrow(expect.objectContaining({ _tag: tag }))))

  it("the iteration budget ends the solve with IterationLimit (never a hang)", () =>
    T.local(() => {
      const next = prng(2)
      const n = 30, C = f64(matrix(n, n, next).flat(), [n, n]), u = f64(new Array<number>(n).fill(1 / n))
      expect(() => exactOt(u, u, C, { maxIterations: 3 })).toThrow(expect.objectContaining({ _tag: "IterationLimit" }))
      expect(exactOt(u, u, C).iterations).toBeGreaterThan(3)
    }))

  it("the raw addon throws JS errors with stable codes; the wrapper maps them to tagged errors", () =>
    T.local(() => {
      const raw = createRequire(import.meta.url)(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "build", "Release", "diverge.node")) as {
        transport: (...args: unknown[]) => unknown
      }
      const bad = f64([0.5, -0.5]), ok = f64([0.5, 0.5]), i32 = T.tensor([1, 1], { dtype: "int32" })
      const codeOf = (f: () => unknown) => {
        try {
          f()
        } catch (e) {
          return (e as { code?: string }).code
        }
        return undefined
      }
      expect(codeOf(() => raw.transport(bad.handle, ok.handle, C().handle, 10, 1e-9))).toBe("InvalidArgument")
      expect(codeOf(() => raw.transport(i32.handle, ok.handle, C().handle, 10, 1e-9))).toBe("DTypeMismatch")
      expect(codeOf(() => raw.transport(ok.handle, ok.handle, ok.handle, 10, 1e-9))).toBe("ShapeMismatch")
      expect(codeOf(() => raw.transport(ok.handle, ok.handle, C().handle, "many", 1e-9))).toBe("InvalidArgument")
      expect(codeOf(() => raw.transport(ok.handle))).toBe("InvalidArgument")
      expect(() => native.transport(bad.handle, ok.handle, C().handle, 10, 1e-9)).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
    }))

  it.effect("inside T.compute the failures are typed failures of the Effect (not defects)", () =>
    Effect.gen(function* () {
      const mismatch = yield* Effect.flip(T.compute(() => exactOt(f64([1]), f64([2]), f64([0], [1, 1])).value))
      expect(mismatch._tag).toBe("InvalidArgument")
      const next = prng(2)
      const n = 30
      const budget = yield* Effect.flip(T.compute(() => {
        const u = f64(new Array<number>(n).fill(1 / n))
        return exactOt(u, u, f64(matrix(n, n, next).flat(), [n, n]), { maxIterations: 3 }).value
      }))
      expect(budget._tag).toBe("IterationLimit")
    }))

  it("repeated solves, gradients and failures leak no tensors", () => {
    const before = T.liveCount()
    const next = prng(4)
    for (let k = 0; k < 20; k++)
      T.local(() => {
        const x = f64(Array.from({ length: 10 }, next), [5, 2]), y = f64(Array.from({ length: 8 }, next), [4, 2])
        valueAndGrad((z: T.Tensor) => wassersteinExact(z, y).value)(x)
        expect(() => exactOt(f64([1, -1]), f64([0, 0]), f64([0, 0, 0, 0], [2, 2]))).toThrow()
      })
    expect(T.liveCount()).toBe(before)
  })
})
