/**
 * `npm run bench`: runs the workloads of shared/bench/workloads.md that exist so far, each
 * (workload, impl, threads) in a fresh process, and prints one JSON line per run.
 *
 *   npm run bench -- --only W7,W8 --threads 1,2 --reps 10 --quick
 */
import { ArgsError, parseArgs } from "./harness/args.js"
import { runOurs } from "./harness/spawn.js"
import type { Plan } from "./harness/types.js"
import { findWorkload, workloads } from "./workloads/index.js"

const usage = `usage: npm run bench -- [--only W7,W8] [--threads 1,2] [--reps N] [--warmup N] [--quick]
workloads: ${workloads.map((w) => `${w.id} ${w.name}`).join(", ")}`

const main = async (): Promise<number> => {
  let args
  try {
    args = parseArgs(process.argv.slice(2))
  } catch (e) {
    if (e instanceof ArgsError) {
      process.stderr.write(`${e.message}\n${usage}\n`)
      return 2
    }
    throw e
  }
  if (args.help) {
    process.stdout.write(usage + "\n")
    return 0
  }
  const selected = args.only.length === 0 ? workloads : args.only.map((k) => findWorkload(k) ?? k)
  let failures = 0
  for (const w of selected) {
    if (typeof w === "string") {
      process.stderr.write(`bench: workload ${w} is not implemented yet (have: ${workloads.map((x) => x.id).join(", ")})\n`)
      continue
    }
    for (const kase of w.cases) {
      const base: Plan = args.quick ? kase.quick : kase.plan
      const plan = { warmup: args.warmup ?? base.warmup, reps: args.reps ?? base.reps }
      for (const t of args.threads) {
        const r = await runOurs(w.id, kase.impl, t, plan)
        for (const rec of r.records) process.stdout.write(JSON.stringify(rec) + "\n")
        if (r.code !== 0 || r.records.length === 0) {
          failures++
          process.stderr.write(`bench: ${w.id} ${kase.impl} threads=${t} failed (exit ${r.code})\n${r.stderr}`)
        } else if (r.stderr.length > 0) process.stderr.write(r.stderr)
      }
    }
  }
  return failures === 0 ? 0 : 1
}

main().then((code) => process.exit(code))
