/**
 * `npm run bench:compare`: ours against the references (PyTorch 1.13, POT 0.8.2, NumPy),
 * side by side. For each workload and thread count, paired rounds run ours and theirs
 * interleaved, each impl in a fresh process (the order flips every round so that drifting
 * load does not favour one side). Prints a markdown table of ratios ours/theirs and appends
 * every JSON line to bench/results/<date>.jsonl. Not part of `npm test`.
 *
 *   npm run bench:compare -- --only W7,W8 --threads 1,2 --rounds 5 [--quick]
 */
import { appendFileSync, mkdirSync } from "node:fs"
import { cpus, hostname, loadavg } from "node:os"
import { join } from "node:path"
import { ArgsError, parseArgs } from "../harness/args.js"
import { repoRoot, runOurs, runTheirs } from "../harness/spawn.js"
import type { Plan } from "../harness/types.js"
import { findWorkload } from "../workloads/index.js"
import { pairings } from "./pairs.js"
import { markdownTable, type PairSummary, type RoundRecord, summarizePair } from "./summary.js"

const usage = "usage: npm run bench:compare -- [--only W7,W8] [--threads 1,2] [--rounds N] [--reps N] [--warmup N] [--quick]"

const main = async (): Promise<number> => {
  let args
  try {
    args = parseArgs(process.argv.slice(2), { rounds: 5 })
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
  const wanted = new Set(args.only.map((s) => s.toUpperCase()))
  const selected = pairings.filter((p) => wanted.size === 0 || wanted.has(p.id) || wanted.has(p.workload.toUpperCase()))
  const now = new Date()
  const dir = join(repoRoot, "bench", "results")
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${now.toISOString().slice(0, 10)}.jsonl`)
  // Every line names its run (several runs of a day share one file).
  const run = now.toISOString()
  const write = (obj: object) => appendFileSync(file, JSON.stringify({ run, ...obj }) + "\n")
  const machine = cpus()[0]?.model ?? "unknown"
  write({ kind: "run", machine, cores: cpus().length, host: hostname(), load: loadavg(), args })
  process.stderr.write(`bench:compare on ${machine} (${cpus().length} cores), load ${loadavg().map((x) => x.toFixed(2)).join(" ")}; lines -> ${file}\n`)

  const runs: RoundRecord[] = []
  const summaries: PairSummary[] = []
  const missing: string[] = []
  let failures = 0
  const plan = (p?: Plan): Partial<Plan> & { quick?: boolean } => ({
    warmup: args.warmup ?? (args.quick ? p?.warmup : undefined),
    reps: args.reps ?? (args.quick ? p?.reps : undefined),
    quick: args.quick
  })
  const collect = (side: "ours" | "theirs", round: number, variant: string, what: string) =>
    (r: Awaited<ReturnType<typeof runOurs>>) => {
      for (const record of r.records) {
        runs.push({ side, round, variant, record })
        write({ kind: "record", side, round, variant, ...record })
      }
      if (r.code !== 0 || r.records.length === 0) {
        failures++
        process.stderr.write(`bench:compare: ${what} failed (exit ${r.code})\n${r.stderr}`)
      }
    }

  for (const pair of selected) {
    const workload = findWorkload(pair.id)
    const ours = pair.ours.flatMap((impl) => {
      const kase = workload?.cases.find((c) => c.impl === impl)
      return kase === undefined ? [] : [kase]
    })
    for (const impl of pair.ours) if (!ours.some((c) => c.impl === impl)) missing.push(`${pair.id}${pair.variant ? ` ${pair.variant}` : ""} (${impl} vs ${pair.theirs.join(", ")})`)
    if (ours.length === 0) continue
    for (const t of args.threads) {
      for (let round = 0; round < args.rounds; round++) {
        const runOursAll = async () => {
          for (const kase of ours)
            await runOurs(pair.id, kase.impl, t, plan(kase.quick)).then(collect("ours", round, pair.variant, `${kase.impl} T=${t}`))
        }
        const runTheirsAll = async () => {
          for (const impl of pair.theirs)
            await runTheirs(pair.script, impl, t, plan()).then(collect("theirs", round, pair.variant, `${pair.script} ${impl} T=${t}`))
        }
        process.stderr.write(`${pair.id} ${pair.variant} T=${t} round ${round + 1}/${args.rounds}\n`)
        if (round % 2 === 0) {
          await runOursAll()
          await runTheirsAll()
        } else {
          await runTheirsAll()
          await runOursAll()
        }
      }
      for (const kase of ours)
        for (const theirs of pair.theirs) {
          const s = summarizePair(runs, { id: pair.id, variant: pair.variant, threads: t, ours: kase.impl, theirs })
          if (s !== undefined) {
            summaries.push(s)
            write(s)
          }
        }
    }
  }
  process.stdout.write(
    `Measured ${now.toISOString()} on ${machine} (${cpus().length} cores); load average at the end ${loadavg().map((x) => x.toFixed(2)).join(" ")}\n\n`
  )
  process.stdout.write(markdownTable(summaries, missing))
  return failures === 0 ? 0 : 1
}

main().then((code) => process.exit(code))
