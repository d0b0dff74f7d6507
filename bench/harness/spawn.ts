/**
 * Running benchmark processes: ours (bench/harness/child.ts under tsx) and the Python
 * references (bench/compare/*.py under Debian's /usr/bin/python3), each with the thread
 * count fixed through the environment before any library loads (workloads.md §0).
 */
import { spawn } from "node:child_process"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import type { BenchRecord, Plan } from "./types.js"

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..")
export const pythonExe = process.env.DIVERGE_BENCH_PYTHON ?? "/usr/bin/python3"

/** The environment of a process that must use `threads` compute threads everywhere. */
export const threadEnv = (threads: number): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const k of ["DIVERGE_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"]) env[k] = String(threads)
  // Passive unless the caller chose; "unset" restores libgomp's default (spin, then sleep).
  if (env.OMP_WAIT_POLICY === undefined) env.OMP_WAIT_POLICY = "PASSIVE"
  else if (env.OMP_WAIT_POLICY === "unset") delete env.OMP_WAIT_POLICY
  return env
}

export interface ChildResult {
  readonly records: BenchRecord[]
  readonly code: number | null
  readonly stderr: string
}

/** Runs a command, collecting the JSON lines it prints; other output goes to stderr. */
export const runProcess = (cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 30 * 60_000) =>
  new Promise<ChildResult>((resolvePromise) => {
    const child = spawn(cmd, args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs })
    let out = ""
    let err = ""
    child.stdout.on("data", (d: Buffer) => (out += d.toString()))
    child.stderr.on("data", (d: Buffer) => (err += d.toString()))
    const finish = (code: number | null) => {
      const records: BenchRecord[] = []
      for (const line of out.split("\n")) {
        const s = line.trim()
        if (!s.startsWith("{")) {
          if (s.length > 0) err += s + "\n"
          continue
        }
        try {
          records.push(JSON.parse(s) as BenchRecord)
        } catch {
          err += `unparsable line: ${s}\n`
        }
      }
      resolvePromise({ records, code, stderr: err })
    }
    child.on("error", (e) => {
      err += `${e.message}\n`
      finish(null)
    })
    child.on("close", finish)
  })

const planArgs = (plan: Partial<Plan>): string[] => [
  ...(plan.warmup !== undefined ? ["--warmup", String(plan.warmup)] : []),
  ...(plan.reps !== undefined ? ["--reps", String(plan.reps)] : [])
]

/** One of our cases in a fresh process. */
export const runOurs = (workload: string, impl: string, threads: number, plan: Partial<Plan> = {}) =>
  runProcess(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "bench", "harness", "child.ts"), workload, impl, "--threads", String(threads), ...planArgs(plan)],
    threadEnv(threads)
  )

/** One reference impl of a Python script in bench/compare, in a fresh process. */
export const runTheirs = (script: string, impl: string, threads: number, plan: Partial<Plan> & { quick?: boolean } = {}) =>
  runProcess(
    pythonExe,
    [join(repoRoot, "bench", "compare", script), "--impl", impl, "--threads", String(threads), ...planArgs(plan), ...(plan.quick ? ["--quick"] : [])],
    pythonEnv(threads)
  )

/** Debian's python with its own packages only: no pyenv or user paths leaking in. */
const pythonEnv = (threads: number): NodeJS.ProcessEnv => {
  const env = threadEnv(threads)
  delete env.PYTHONPATH
  delete env.PYTHONHOME
  env.PYTHONNOUSERSITE = "1"
  return env
}
