/**
 * Sinkhorn against independent references: exact OT by brute force over permutations and by
 * sorting in 1-D (with the bound 0 ≤ ⟨P_ε, C⟩ − OT ≤ ε·log n), the plan's closed form in the
 * potentials, and the agreement of the standard domain, the absorbed log domain and the
 * logsumexp log domain.
 */
import { describe, expect, it } from "@effect/vitest"
import { groundCost, sinkhorn, sinkhornClouds, SinkhornNumericalError, symmetricSinkhorn } from "../../src/divergence/index.js"
import * as T from "../../src/tensor/index.js"
import { prng, uniformTensor } from "../support/random.js"

const f64 = (v: number[] | number[][]) => T.tensor(v, { dtype: "float64" })
const uniform = (n: number) => f64(Array(n).fill(1 / n))
const maxAbsDiff = (x: T.Tensor, y: T.Tensor) => T.local(() => T.max(T.abs(T.sub(x, y))).item())

const permutations = (n: number): number[][] =>
  n === 1 ? [[0]] : permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, k) => [...p.slice(0, k), n - 1, ...p.slice(k)]))

/** Exact OT between uniform measures with n atoms each: a permutation is optimal (Birkhoff). */
const bruteForceOT = (C: number[][]) =>
  Math.min(...permutations(C.length).map((s) => s.reduce((acc, j, i) => acc + C[i]![j]!, 0) / C.length))

describe("Sinkhorn", () => {
  it("standard domain, absorbed log domain and logsumexp log domain give the same plan, potentials and values", () =>
    T.local(() => {
      const x = uniformTensor([7, 2], 0, 1, 1), y = uniformTensor([9, 2], 0, 1, 2)
      const C = groundCost(x, y)
      const next = prng(3)
      const raw = Array.from({ length: 7 }, () => 0.5 + next())
      const a = f64(raw.map((v) => v / raw.reduce((s, w) => s + w, 0))), b = uniform(9)
      const opts = { epsilon: 0.05, tolerance: 1e-13, iterations: 5000 }
      // The same iterates, not only the same limit: after 3 iterations.
      const early = { epsilon: 0.05, iterations: 3, stopEarly: false }
      const std3 = sinkhorn(a, b, C, { ...early, domain: "standard" })
      for (const logKernel of ["absorb", "logsumexp"] as const)
        expect(maxAbsDiff(sinkhorn(a, b, C, { ...early, logKernel }).plan, std3.plan)).toBeLessThan(1e-15)
      const std = sinkhorn(a, b, C, { ...opts, domain: "standard" })
      const absorbed = sinkhorn(a, b, C, { ...opts, domain: "log" })
      const lse = sinkhorn(a, b, C, { ...opts, domain: "log", logKernel: "logsumexp" })
      for (const r of [absorbed, lse]) {
        expect(r.converged).toBe(true)
        expect(maxAbsDiff(r.plan, std.plan)).toBeLessThan(1e-13)
        expect(maxAbsDiff(r.f, std.f)).toBeLessThan(1e-10)
        expect(maxAbsDiff(r.g, std.g)).toBeLessThan(1e-10)
        expect(r.cost.item()).toBeCloseTo(std.cost.item(), 13)
        expect(r.objective.item()).toBeCloseTo(std.objective.item(), 13)
      }
    }))

  it("the plan is a_i b_j exp((f_i + g_j − C_ij)/ε) with marginals a and b; the objective is ⟨a,f⟩ + ⟨b,g⟩", () =>
    T.local(() => {
      const eps = 0.1
      const C = groundCost(uniformTensor([5, 3], -1, 1, 4), uniformTensor([6, 3], -1, 1, 5))
      const a = f64([0.1, 0.2, 0.3, 0.15, 0.25]), b = uniform(6)
      const r = sinkhorn(a, b, C, { epsilon: eps, tolerance: 1e-14, iterations: 10000 })
      const P = r.plan.toArray() as number[][], c = C.toArray() as number[][]
      const f = Array.from(r.f.toTypedArray()), g = Array.from(r.g.toTypedArray())
      const av = Array.from(a.toTypedArray()), bv = Array.from(b.toTypedArray())
      let cost = 0, kl = 0
      P.forEach((rowP, i) => rowP.forEach((p, j) => {
        expect(p).toBeCloseTo(av[i]! * bv[j]! * Math.exp((f[i]! + g[j]! - c[i]![j]!) / eps), 15)
        cost += p * c[i]![j]!
        kl += p * Math.log(p / (av[i]! * bv[j]!))
      }))
      P.forEach((rowP, i) => expect(rowP.reduce((s, p) => s + p, 0)).toBeCloseTo(av[i]!, 14))
      bv.forEach((bj, j) => expect(P.reduce((s, rowP) => s + rowP[j]!, 0)).toBeCloseTo(bj, 14))
      expect(r.marginalError.a).toBeLessThan(1e-14)
      expect(r.marginalError.b).toBeLessThan(1e-14)
      expect(r.cost.item()).toBeCloseTo(cost, 14)
      expect(r.objective.item()).toBeCloseTo(cost + eps * kl, 13)
      const dual = f.reduce((s, fi, i) => s + av[i]! * fi, 0) + g.reduce((s, gj, j) => s + bv[j]! * gj, 0)
      expect(r.objective.item()).toBeCloseTo(dual, 13)
    }))

  // Each Sinkhorn iterate P (rows exact after the row update) is the entropic optimum for its own
  // marginals (a, b'), so 0 ≤ ⟨P, C⟩ − OT(a, b') ≤ ε KL(P ‖ a⊗b') ≤ ε log n, and
  // |OT(a, b') − OT(a, b)| ≤ max C · ‖b − b'‖₁ / 2: the bound holds up to that slack even where
  // Sinkhorn converges slowly (small ε, nearly block-diagonal plans).
  const withinEntropicBound = (cost: number, exact: number, eps: number, n: number, errB: number, maxC: number) => {
    const slack = (maxC * errB) / 2 + 1e-13
    expect(cost - exact).toBeGreaterThanOrEqual(-slack)
    expect(cost - exact).toBeLessThanOrEqual(eps * Math.log(n) + slack)
  }

  it("approaches exact OT as ε → 0 (permutations, n = 6): 0 ≤ ⟨P_ε, C⟩ − OT ≤ ε log n", () =>
    T.local(() => {
      const n = 6
      const C = groundCost(uniformTensor([n, 2], 0, 1, 6), uniformTensor([n, 2], 0, 1, 7))
      const exact = bruteForceOT(C.toArray() as number[][])
      const maxC = T.max(C).item()
      let last = Infinity
      for (const eps of [0.1, 0.03, 0.01, 0.003, 0.001]) {
        const r = sinkhorn(uniform(n), uniform(n), C, { epsilon: eps, epsilonScaling: true, tolerance: 1e-10, iterations: 3000 })
        expect(r.marginalError.a).toBeLessThan(1e-13)
        expect(r.marginalError.b).toBeLessThan(1e-4)
        withinEntropicBound(r.cost.item(), exact, eps, n, r.marginalError.b, maxC)
        last = r.cost.item() - exact
      }
      expect(Math.abs(last)).toBeLessThan(1e-2 * exact)
    }))

  it("approaches exact 1-D OT (sorted matching, p = 1 and 2, n = 7)", () =>
    T.local(() => {
      const next = prng(8)
      const xs = Array.from({ length: 7 }, () => next()), ys = Array.from({ length: 7 }, () => 2 * next())
      const sx = [...xs].sort((u, v) => u - v), sy = [...ys].sort((u, v) => u - v)
      for (const p of [1, 2]) {
        const exact = sx.reduce((s, v, i) => s + Math.abs(v - sy[i]!) ** p, 0) / 7
        const eps = 1e-4
        const C = groundCost(f64(xs), f64(ys), p)
        const r = sinkhornClouds(f64(xs), f64(ys), { epsilon: eps, p, epsilonScaling: true, tolerance: 1e-10, iterations: 3000 })
        withinEntropicBound(r.cost.item(), exact, eps, 7, r.marginalError.b, T.max(C).item())
      }
    }))

  it("a small ε underflows exp(−C/ε): the standard domain fails with a typed error, the log domain converges", () =>
    T.local(() => {
      // A far outlier: its whole row of exp(−C/ε) is 0 below ε ≈ C/745.
      const x = f64([[0, 0], [0.1, 0], [3, 3]]), y = f64([[0, 0.1], [0.1, 0.1], [2.9, 3]])
      const C = groundCost(x, y)
      const eps = 0.005
      expect(() => sinkhorn(uniform(3), uniform(3), C, { epsilon: eps, domain: "standard" })).toThrow(SinkhornNumericalError)
      const absorbed = sinkhorn(uniform(3), uniform(3), C, { epsilon: eps, tolerance: 1e-13 })
      const lse = sinkhorn(uniform(3), uniform(3), C, { epsilon: eps, tolerance: 1e-13, logKernel: "logsumexp" })
      expect(absorbed.converged).toBe(true)
      expect(maxAbsDiff(absorbed.plan, lse.plan)).toBeLessThan(1e-13)
      expect(Array.from(absorbed.plan.toTypedArray()).every(Number.isFinite)).toBe(true)
      const exact = bruteForceOT(C.toArray() as number[][])
      expect(absorbed.cost.item() - exact).toBeLessThanOrEqual(eps * Math.log(3))
    }))

  it("runs exactly the iterations asked for when stopEarly is false, and reports not converged when they do not suffice", () =>
    T.local(() => {
      const C = groundCost(uniformTensor([8, 2], 0, 1, 9), uniformTensor([8, 2], 0, 1, 10))
      const few = sinkhorn(uniform(8), uniform(8), C, { epsilon: 0.01, iterations: 3, stopEarly: false, tolerance: 1e-12 })
      expect(few.iterations).toBe(3)
      expect(few.converged).toBe(false)
      expect(few.marginalError.b).toBeGreaterThan(1e-12)
      const many = sinkhorn(uniform(8), uniform(8), C, { epsilon: 0.1, iterations: 10000, tolerance: 1e-12 })
      expect(many.converged).toBe(true)
      expect(many.iterations).toBeLessThan(10000)
    }))

  it("the averaged symmetric iteration solves OT_ε(α, α) like the alternating one, in far fewer iterations", () =>
    T.local(() => {
      const x = uniformTensor([4, 2], 0, 1, 5)
      for (const p of [1, 2]) {
        const C = groundCost(x, x, p)
        const o = { epsilon: 0.1, tolerance: 1e-14, iterations: 20000 }
        const sym = symmetricSinkhorn(uniform(4), C, o), alt = sinkhorn(uniform(4), uniform(4), C, o)
        expect(sym.converged && alt.converged).toBe(true)
        expect(sym.iterations).toBeLessThan(alt.iterations)
        expect(maxAbsDiff(sym.plan, alt.plan)).toBeLessThan(1e-14)
        expect(sym.objective.item()).toBeCloseTo(alt.objective.item(), 14)
        // Potentials are unique up to (f + c, g − c).
        const c = alt.f.toTypedArray()[0]! - sym.f.toTypedArray()[0]!
        expect(maxAbsDiff(T.sub(alt.f, c), sym.f)).toBeLessThan(1e-12)
        expect(maxAbsDiff(T.add(alt.g, c), sym.f)).toBeLessThan(1e-12)
      }
    }))

  it("bad inputs are typed errors", () =>
    T.local(() => {
      const C = groundCost(uniformTensor([3, 2], 0, 1, 11), uniformTensor([4, 2], 0, 1, 12))
      const a = uniform(3), b = uniform(4)
      const fails = (f: () => unknown, tag: string) => {
        try {
          f()
        } catch (e) {
          return expect((e as { _tag?: string })._tag).toBe(tag)
        }
        throw new Error("expected a failure")
      }
      fails(() => sinkhorn(a, b, C, { epsilon: 0 }), "InvalidArgument")
      fails(() => sinkhorn(a, b, C, { epsilon: -1 }), "InvalidArgument")
      fails(() => sinkhorn(a, b, C, { epsilon: NaN }), "InvalidArgument")
      fails(() => sinkhorn(f64([0.5, 0.6, -0.1]), b, C, { epsilon: 1 }), "InvalidArgument")
      fails(() => sinkhorn(f64([0.5, 0.3, 0.3]), b, C, { epsilon: 1 }), "InvalidArgument")
      fails(() => sinkhorn(b, a, C, { epsilon: 1 }), "InvalidArgument")
      fails(() => sinkhorn(a, b, T.cast(C, "float32"), { epsilon: 1 }), "InvalidArgument")
      fails(() => sinkhorn(a, b, C, { epsilon: 1, domain: "standard", epsilonScaling: true }), "InvalidArgument")
      fails(() => sinkhorn(a, b, C, { epsilon: 1, iterations: 0 }), "InvalidArgument")
      fails(() => sinkhorn(a, b, T.mul(C, Infinity), { epsilon: 1 }), "InvalidArgument")
      fails(() => groundCost(uniformTensor([3, 2], 0, 1, 1), uniformTensor([3, 3], 0, 1, 1)), "ShapeMismatch")
    }))

  it("works in float32 and frees every temporary", () => {
    const before = T.liveCount()
    T.local(() => {
      const x = uniformTensor([6, 2], 0, 1, 13, "float32"), y = uniformTensor([5, 2], 0, 1, 14, "float32")
      const r32 = sinkhornClouds(x, y, { epsilon: 0.05, epsilonScaling: true })
      const r64 = sinkhornClouds(T.cast(x, "float64"), T.cast(y, "float64"), { epsilon: 0.05 })
      expect(r32.converged).toBe(true)
      expect(r32.cost.item()).toBeCloseTo(r64.cost.item(), 5)
    })
    expect(T.liveCount()).toBe(before)
  })
})
