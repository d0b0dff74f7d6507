/** Command-line flags shared by `npm run bench` and `npm run bench:compare`. */

export interface BenchArgs {
  /** Workload ids or names; empty = all. */
  readonly only: readonly string[]
  readonly threads: readonly number[]
  readonly reps: number | undefined
  readonly warmup: number | undefined
  readonly quick: boolean
  /** Paired rounds (compare only). */
  readonly rounds: number
  readonly help: boolean
}

export class ArgsError extends Error {}

const positiveInt = (flag: string, v: string | undefined): number => {
  const n = Number(v)
  if (v === undefined || !Number.isInteger(n) || n < 0) throw new ArgsError(`${flag} needs a non-negative integer, got ${v}`)
  return n
}

const list = (flag: string, v: string | undefined): string[] => {
  if (v === undefined || v.length === 0) throw new ArgsError(`${flag} needs a comma-separated list`)
  return v.split(",").map((s) => s.trim()).filter((s) => s.length > 0)
}

export const parseArgs = (argv: readonly string[], defaults: { rounds: number } = { rounds: 5 }): BenchArgs => {
  let only: string[] = []
  let threads = [1, 2]
  let reps: number | undefined
  let warmup: number | undefined
  let quick = false
  let rounds = defaults.rounds
  let help = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined]
    const value = () => inline ?? argv[++i]
    switch (flag) {
      case "--only": only = list(flag, value()); break
      case "--threads":
        threads = list(flag, value()).map((t) => positiveInt(flag, t))
        if (threads.some((t) => t < 1 || t > 64)) throw new ArgsError("--threads: each count must be in [1, 64]")
        break
      case "--reps":
        reps = positiveInt(flag, value())
        if (reps < 1) throw new ArgsError("--reps must be at least 1")
        break
      case "--warmup": warmup = positiveInt(flag, value()); break
      case "--rounds":
        rounds = positiveInt(flag, value())
        if (rounds < 1) throw new ArgsError("--rounds must be at least 1")
        break
      case "--quick": quick = true; break
      case "--help": case "-h": help = true; break
      default: throw new ArgsError(`unknown flag ${a}`)
    }
  }
  return { only, threads, reps, warmup, quick, rounds, help }
}
