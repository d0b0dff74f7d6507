/** W5 (workloads.md): the RNG-free clouds' checksums and the float64 Sinkhorn values of both domains. */
import { describe, expect, it } from "@effect/vitest"
import { checksum, ringCloud, sourceCloud } from "../../bench/harness/clouds.js"
import { W5_EXPECTED, w5Clouds, w5Solve } from "../../bench/workloads/w5-sinkhorn.js"
import { findWorkload } from "../../bench/workloads/index.js"
import * as T from "../../src/tensor/index.js"


describe("W5 sinkhorn", () => {
  it("the clouds match the checksums of workloads.md", () => {
    expect(checksum(sourceCloud(1000))).toBeCloseTo(999.3376009953462, 10)
    expect(checksum(ringCloud(4000))).toBeCloseTo(4000.2710828117374, 10)
    expect(checksum(sourceCloud(500))).toBeCloseTo(497.92414490442974, 10)
    expect(checksum(ringCloud(500))).toBeCloseTo(500.0598833964225, 10)
  })

  it("standard and log domain give 0.04799906948014 in float64 (rel 1e-10), with the column marginal converged", () => {
    const before = T.liveCount()
    T.local(() => {
      const { x, y } = w5Clouds("float64")
      for (const domain of ["standard", "log"] as const) {
        const r = w5Solve(x, y, domain)
        expect(Math.abs(r.value - W5_EXPECTED.f64.std) / W5_EXPECTED.f64.std).toBeLessThan(1e-10)
        expect(r.marginalError).toBeLessThan(1e-13)
      }
    })
    expect(T.liveCount()).toBe(before)
    expect(findWorkload("W5")?.cases.map((c) => c.impl)).toEqual(["diverge-std-f64", "diverge-log-f64", "diverge-std-f32", "diverge-log-f32"])
  })
})
