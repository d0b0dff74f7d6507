/**
 * W5 sinkhorn: entropic OT between X_1000 and Y_4000 (RNG-free clouds), uniform weights,
 * squared Euclidean cost, ε = 0.05, exactly 100 iterations in the standard domain and in the
 * log domain, float64 and float32. One unit = cost matrix, solve, plan, ⟨P, C⟩ read to the host.
 * The value is checked against workloads.md (f64 rel 1e-10, f32 rel 1e-5).
 */
import { sinkhorn, squaredDistances, uniformWeights } from "../../src/divergence/index.js"
import { local, type DType, tensor } from "../../src/tensor/index.js"
import type { Case, Prepared, Workload } from "../harness/types.js"
import { ringCloud, sourceCloud } from "../harness/clouds.js"

export const W5 = { n: 1000, m: 4000, epsilon: 0.05, iterations: 100 } as const
export const W5_EXPECTED = {
  f64: { std: 0.04799906948014, log: 0.04799906948014, rtol: 1e-10 },
  f32: { std: 0.047999084, log: 0.0479990654, rtol: 1e-5 }
} as const

/** One W5 solve from the clouds in memory; returns ⟨P, C⟩ and ‖Pᵀ1 − b‖₁. */
export const w5Solve = (x: ReturnType<typeof tensor>, y: ReturnType<typeof tensor>, domain: "standard" | "log") =>
  local(() => {
    const C = squaredDistances(x, y)
    const r = sinkhorn(uniformWeights(W5.n, C), uniformWeights(W5.m, C), C, {
      epsilon: W5.epsilon, domain, iterations: W5.iterations, stopEarly: false
    })
    return { value: r.cost.item(), marginalError: r.marginalError.b }
  })

export const w5Clouds = (dtype: DType) => ({
  x: tensor(sourceCloud(W5.n), { shape: [W5.n, 2], dtype: "float64" }).cast(dtype),
  y: tensor(ringCloud(W5.m), { shape: [W5.m, 2], dtype: "float64" }).cast(dtype)
})

const sinkhornCase = (domain: "std" | "log", dtype: "f64" | "f32"): Case => ({
  impl: `diverge-${domain}-${dtype}`,
  params: { n: W5.n, m: W5.m, epsilon: W5.epsilon, iterations: W5.iterations },
  plan: domain === "std" ? { warmup: 2, reps: 10 } : { warmup: 1, reps: 5 },
  quick: { warmup: 0, reps: 1 },
  prepare: (): Prepared => {
    const { x, y } = w5Clouds(dtype === "f64" ? "float64" : "float32")
    let last = { value: NaN, marginalError: NaN }
    return {
      unit: () => {
        last = w5Solve(x, y, domain === "std" ? "standard" : "log")
      },
      report: () => {
        const expected = W5_EXPECTED[dtype][domain]
        const rel = Math.abs(last.value - expected) / expected
        return {
          value: last.value,
          value_name: "transport_cost",
          extra: { expected, rel_error: rel, ok: rel <= W5_EXPECTED[dtype].rtol, marginal_err_l1: last.marginalError }
        }
      }
    }
  }
})

export const w5Sinkhorn: Workload = {
  id: "W5",
  name: "sinkhorn",
  cases: [sinkhornCase("std", "f64"), sinkhornCase("log", "f64"), sinkhornCase("std", "f32"), sinkhornCase("log", "f32")]
}
