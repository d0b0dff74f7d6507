/** W6 emd-exact through the bench harness; the RNG-free clouds against workloads.md checksums. */
import { describe, expect, it } from "@effect/vitest"
import { runCase } from "../../bench/harness/case.js"
import { checksum, ringCloud, sourceCloud } from "../../bench/harness/clouds.js"
import { pairings } from "../../bench/compare/pairs.js"
import { findWorkload } from "../../bench/workloads/index.js"
import { W6_EXPECTED } from "../../bench/workloads/w6-emd.js"
import { liveCount } from "../../src/tensor/index.js"

describe("W6 emd-exact", () => {
  it("the clouds match the checksums of workloads.md", () => {
    // sums of all coordinates, as listed in shared/bench/workloads.md (summation order differs: 1e-12)
    for (const [cloud, sum] of [[sourceCloud(1000), 999.3376009953462], [ringCloud(4000), 4000.2710828117374],
      [sourceCloud(500), 497.92414490442974], [ringCloud(500), 500.0598833964225]] as const)
      expect(Math.abs(checksum(cloud) - sum) / sum).toBeLessThan(1e-12)
  })

  it("one unit reports the transport cost 0.0149530556204252 (rel 1e-9) and frees its tensors", () => {
    const w6 = findWorkload("W6")!
    expect(w6.name).toBe("emd-exact")
    const before = liveCount()
    const rec = runCase(w6, w6.cases[0]!, { threads: 1, plan: { warmup: 0, reps: 1 } })
    expect(Math.abs(rec.value - W6_EXPECTED) / W6_EXPECTED).toBeLessThan(1e-9)
    expect(rec.check).toBe("ok")
    expect(rec.value_name).toBe("transport_cost")
    expect(liveCount()).toBe(before)
  })

  it("bench/compare pairs every W6 impl of ours with POT's emd2", () => {
    const w6 = findWorkload("W6")!
    const pair = pairings.find((p) => p.id === "W6")!
    expect(pair.workload).toBe(w6.name)
    expect(pair.theirs).toContain("pot-emd2-f64")
    for (const impl of pair.ours) expect(w6.cases.map((c) => c.impl)).toContain(impl)
  })
})
