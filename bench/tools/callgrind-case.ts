/**
 * Any bench case, N units on one thread, for instruction counting under callgrind
 * (reproducible whatever the load, unlike wall time). Valgrind 3.19 has no AVX-512, so the
 * addon is built for x86-64-v3 into its own folder and loaded through DIVERGE_ADDON:
 *
 *   npx cmake-js compile --out build-prof --CDDIVERGE_CUDA=OFF --CDDIVERGE_MARCH=x86-64-v3
 *   bench/tools/callgrind-case.sh W2 diverge-wgan-gp-h128 2 /tmp/cg.out
 *
 * The script starts node under callgrind with instrumentation off; this file prepares the
 * case, runs one untimed unit, writes `<gate>.ready` and waits for `<gate>` to exist, so that
 * only the N units are counted (callgrind_control -i on in between).
 */
import { existsSync, writeFileSync } from "node:fs"
import { Effect } from "effect"
import { setNumThreads, Tensor } from "../../src/tensor/index.js"
import { findWorkload } from "../workloads/index.js"

const [id, impl, n, gate] = process.argv.slice(2)
const kase = findWorkload(id ?? "")?.cases.find((c) => c.impl === impl)
if (kase === undefined) {
  process.stderr.write("usage: callgrind-case.ts <workload> <impl> <units> [gate file]\n")
  process.exit(2)
}
setNumThreads(1)
const pause = new Int32Array(new SharedArrayBuffer(4))
Effect.runSync(
  Tensor.scoped(
    Tensor.compute(() => {
      const prepared = kase.prepare()
      prepared.unit()
      if (gate !== undefined) {
        writeFileSync(`${gate}.ready`, "")
        while (!existsSync(gate)) Atomics.wait(pause, 0, 0, 200)
      }
      for (let i = 0; i < Number(n ?? 1); i++) prepared.unit()
    })
  )
)
