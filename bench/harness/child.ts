/**
 * One benchmark case in its own process: `child.ts <workload> <impl> --threads T
 * [--warmup W --reps R]`. Prints one JSON line. Started by bench/run.ts, which sets the
 * thread-count environment variables before this process loads the addon.
 */
import { findWorkload } from "../workloads/index.js"
import { runCase } from "./case.js"

const [key, impl, ...rest] = process.argv.slice(2)
const flag = (name: string): number | undefined => {
  const i = rest.indexOf(name)
  return i >= 0 ? Number(rest[i + 1]) : undefined
}

const workload = key === undefined ? undefined : findWorkload(key)
const kase = workload?.cases.find((c) => c.impl === impl)
if (workload === undefined || kase === undefined) {
  process.stderr.write(`bench child: unknown workload/impl ${key} ${impl}\n`)
  process.exit(2)
}
const threads = flag("--threads") ?? 1
const warmup = flag("--warmup"), reps = flag("--reps")
const plan = warmup !== undefined || reps !== undefined ? { warmup: warmup ?? kase.plan.warmup, reps: reps ?? kase.plan.reps } : undefined
process.stdout.write(JSON.stringify(runCase(workload, kase, { threads, plan })) + "\n")
