/**
 * W8 sgemm-peak: C = A @ B, row-major float32, N x N x N for N = 1024 and 2048, A and B
 * standard normal. value = GFLOP/s at the median time (2 N^3 / t), gflops_best at the minimum.
 * The CPU op is synchronous, so the unit is the product itself; its result is freed at once
 * (matmul has no `out=` form, so every unit allocates a fresh N x N output).
 */
import { matmul, tensor } from "../../src/tensor/index.js"
import { normalsF32, Xoshiro128 } from "../harness/prng.js"
import type { Case, Prepared, Workload } from "../harness/types.js"

const gflops = (n: number, ms: number): number => (2 * n ** 3) / (ms * 1e6)

const sgemm = (n: number, reps: number): Case => ({
  impl: `diverge-matmul-${n}`,
  params: { n },
  plan: { warmup: 2, reps },
  quick: { warmup: 1, reps: 2 },
  prepare: (): Prepared => {
    const rng = new Xoshiro128(n)
    const a = tensor(normalsF32(rng, n * n), { shape: [n, n] })
    const b = tensor(normalsF32(rng, n * n), { shape: [n, n] })
    return {
      unit: () => matmul(a, b).dispose(),
      report: (s) => ({
        value: gflops(n, s.ms_median),
        value_name: "gflops",
        extra: { gflops_best: gflops(n, s.ms_min), gflop: (2 * n ** 3) / 1e9 }
      })
    }
  }
})

export const w8Sgemm: Workload = {
  id: "W8",
  name: "sgemm-peak",
  cases: [sgemm(1024, 20), sgemm(2048, 6)]
}
