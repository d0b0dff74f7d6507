/**
 * W6 emd-exact (workloads.md §W6): exact OT between X_500 and Y_500 with uniform weights and
 * squared Euclidean cost, by the network simplex. One unit = cost matrix + solve + value read
 * back; value = the transport cost Σ P C (= W₂²), expected 0.0149530556204252 (rel 1e-9).
 */
import { wassersteinExact } from "../../src/divergence/index.js"
import { local, tensor } from "../../src/tensor/index.js"
import { ringCloud, sourceCloud } from "../harness/clouds.js"
import type { Case, Prepared, Workload } from "../harness/types.js"

export const W6_N = 500
export const W6_EXPECTED = 0.0149530556204252

const emd: Case = {
  impl: "diverge-emd-f64",
  params: { n: W6_N },
  plan: { warmup: 2, reps: 10 },
  quick: { warmup: 0, reps: 1 },
  prepare: (): Prepared => {
    const x = tensor(sourceCloud(W6_N), { shape: [W6_N, 2], dtype: "float64" })
    const y = tensor(ringCloud(W6_N), { shape: [W6_N, 2], dtype: "float64" })
    let value = NaN
    return {
      unit: () => {
        value = local(() => wassersteinExact(x, y, { p: 2 }).cost.item())
      },
      report: () => {
        const relErr = Math.abs(value - W6_EXPECTED) / W6_EXPECTED
        return {
          value,
          value_name: "transport_cost",
          extra: { expected: W6_EXPECTED, rel_err: relErr, rel_tol: 1e-9, check: relErr <= 1e-9 ? "ok" : "FAILED" }
        }
      }
    }
  }
}

export const w6Emd: Workload = { id: "W6", name: "emd-exact", cases: [emd] }
