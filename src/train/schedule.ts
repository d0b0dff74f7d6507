/**
 * Schedules are values: which player steps, how many times, with which batch policy, and
 * when the run ends. A schedule is a pure function of the run's counters (and, for early
 * stopping, of the evaluation history), so it can be printed, tested without training, and
 * resumed from a checkpoint exactly.
 */
import { dual } from "effect/Function"
import { type Pipeable, pipeArguments } from "effect/Pipeable"
import { InvalidArgument } from "../native/errors.js"

/** Where a run is. Serialisable: it goes into checkpoints. */
export interface Counters {
  /** Iterations completed (an iteration is one pass through the schedule's step list). */
  readonly iteration: number
  /** Steps completed by each player. */
  readonly steps: Readonly<Record<string, number>>
  /** Steps completed in all. */
  readonly total: number
}

export const startCounters = (players: readonly string[]): Counters => ({
  iteration: 0,
  steps: Object.fromEntries(players.map((p) => [p, 0])),
  total: 0
})

export interface StepPlan {
  readonly player: string
  /** "fresh": draw the next batch; "reuse": use the batch this player's first step of the iteration drew. */
  readonly batch: "fresh" | "reuse"
}

/** Evaluation results so far, oldest first (early stopping reads them). */
export type History = readonly { readonly step: number; readonly values: Readonly<Record<string, number>> }[]

export type ScheduleSpec =
  | { readonly _tag: "alternate"; readonly counts: Readonly<Record<string, number>> }
  | { readonly _tag: "boost"; readonly of: ScheduleSpec; readonly player: string; readonly count: number; readonly whilePlayer: string; readonly below: number; readonly every: number }
  | { readonly _tag: "total"; readonly of: ScheduleSpec; readonly player: string; readonly steps: number }
  | { readonly _tag: "earlyStop"; readonly of: ScheduleSpec; readonly metric: string; readonly mode: "min" | "max"; readonly patience: number; readonly minDelta: number }
  | { readonly _tag: "reuseBatch"; readonly of: ScheduleSpec; readonly player: string }

export interface Schedule extends Pipeable {
  readonly _tag: "Schedule"
  readonly spec: ScheduleSpec
  readonly description: string
  readonly players: readonly string[]
  /** The steps of the iteration that starts at these counters. */
  readonly iteration: (counters: Counters) => readonly StepPlan[]
  /** Whether the run is over before the iteration that would start at these counters. */
  readonly done: (counters: Counters, history: History) => boolean
}

const proto = {
  pipe(this: Schedule) {
    // eslint-disable-next-line prefer-rest-params
    return pipeArguments(this, arguments)
  }
}
const make = (s: Omit<Schedule, "pipe">): Schedule => Object.assign(Object.create(proto), s) as Schedule

const count = (n: number, what: string): number => {
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgument({ message: `${what} must be a non-negative integer, got ${n}` })
  return n
}

const knownPlayer = (s: Schedule, player: string) => {
  if (!s.players.includes(player)) throw new InvalidArgument({ message: `schedule has no player "${player}" (players: ${s.players.join(", ")})` })
  return player
}

/**
 * Each iteration: counts[p] steps of each player in the order given, every step with a fresh
 * batch. alternate({ critic: 5, generator: 1 }) is WGAN's "5 critic steps, then 1 generator step".
 * Without a total it never ends: add `total(...)`.
 */
export const alternate = (counts: Readonly<Record<string, number>>): Schedule => {
  const players = Object.keys(counts)
  if (players.length === 0) throw new InvalidArgument({ message: "alternate needs at least one player" })
  players.forEach((p) => count(counts[p]!, `steps of ${p}`))
  if (players.every((p) => counts[p] === 0)) throw new InvalidArgument({ message: "alternate: every count is 0, so no step would ever run" })
  const steps: StepPlan[] = players.flatMap((p) => Array.from({ length: counts[p]! }, () => ({ player: p, batch: "fresh" as const })))
  return make({
    _tag: "Schedule",
    spec: { _tag: "alternate", counts: { ...counts } },
    description: players.map((p) => `${counts[p]}×${p}`).join(", then "),
    players,
    iteration: () => steps,
    done: () => false
  })
}

/** One player stepping alone (a VAE, a classifier). */
export const single = (player = "model"): Schedule => alternate({ [player]: 1 })

const replaceCount = (plan: readonly StepPlan[], player: string, n: number): StepPlan[] => {
  const first = plan.findIndex((s) => s.player === player)
  const others = plan.filter((s) => s.player !== player)
  const mine = Array.from({ length: n }, () => ({ player, batch: plan[first]?.batch ?? ("fresh" as const) }))
  const at = first < 0 ? others.length : plan.slice(0, first).filter((s) => s.player !== player).length
  return [...others.slice(0, at), ...mine, ...others.slice(at)]
}

/**
 * `player` takes `count` steps per iteration instead of its usual number while `whilePlayer`
 * has taken fewer than `below` steps, and on every iteration where that count is a multiple of
 * `every` (0: never). WGAN (Arjovsky et al. 2017): boost({ player: "critic", count: 100,
 * whilePlayer: "generator", below: 25, every: 500 }).
 */
export const boost: {
  (options: { player: string; count: number; whilePlayer: string; below: number; every?: number }): (self: Schedule) => Schedule
  (self: Schedule, options: { player: string; count: number; whilePlayer: string; below: number; every?: number }): Schedule
} = dual(2, (self: Schedule, o: { player: string; count: number; whilePlayer: string; below: number; every?: number }): Schedule => {
  knownPlayer(self, o.player)
  knownPlayer(self, o.whilePlayer)
  count(o.count, "boosted count")
  count(o.below, "below")
  const every = count(o.every ?? 0, "every")
  const active = (c: Counters) => {
    const g = c.steps[o.whilePlayer] ?? 0
    return g < o.below || (every > 0 && g % every === 0)
  }
  return make({
    ...self,
    spec: { _tag: "boost", of: self.spec, player: o.player, count: o.count, whilePlayer: o.whilePlayer, below: o.below, every },
    description: `${self.description}; ${o.count}×${o.player} while ${o.whilePlayer} steps < ${o.below}${every > 0 ? ` or a multiple of ${every}` : ""}`,
    iteration: (c) => (active(c) ? replaceCount(self.iteration(c), o.player, o.count) : self.iteration(c))
  })
})

/** The run ends once `player` has taken `steps` steps (checked between iterations). */
export const total: {
  (player: string, steps: number): (self: Schedule) => Schedule
  (self: Schedule, player: string, steps: number): Schedule
} = dual(3, (self: Schedule, player: string, steps: number): Schedule => {
  knownPlayer(self, player)
  count(steps, "total steps")
  return make({
    ...self,
    spec: { _tag: "total", of: self.spec, player, steps },
    description: `${self.description}; until ${steps} ${player} steps`,
    done: (c, h) => (c.steps[player] ?? 0) >= steps || self.done(c, h)
  })
})

/** The run ends when `metric` has not improved by more than `minDelta` for `patience` evaluations. */
export const earlyStop: {
  (o: { metric: string; mode?: "min" | "max"; patience: number; minDelta?: number }): (self: Schedule) => Schedule
  (self: Schedule, o: { metric: string; mode?: "min" | "max"; patience: number; minDelta?: number }): Schedule
} = dual(2, (self: Schedule, o: { metric: string; mode?: "min" | "max"; patience: number; minDelta?: number }): Schedule => {
  const mode = o.mode ?? "min"
  const patience = count(o.patience, "patience")
  const minDelta = o.minDelta ?? 0
  if (!(minDelta >= 0)) throw new InvalidArgument({ message: `minDelta must be non-negative, got ${minDelta}` })
  const stalled = (h: History): boolean => {
    const values = h.map((r) => r.values[o.metric]).filter((v): v is number => typeof v === "number" && !Number.isNaN(v))
    let best = mode === "min" ? Infinity : -Infinity
    let since = 0
    for (const v of values) {
      const better = mode === "min" ? v < best - minDelta : v > best + minDelta
      if (better) {
        best = v
        since = 0
      } else since++
    }
    return values.length > 0 && since >= patience
  }
  return make({
    ...self,
    spec: { _tag: "earlyStop", of: self.spec, metric: o.metric, mode, patience, minDelta },
    description: `${self.description}; stop when ${o.metric} has not ${mode === "min" ? "fallen" : "risen"} for ${patience} evaluations`,
    done: (c, h) => stalled(h) || self.done(c, h)
  })
})

/** `player` reuses within an iteration the batch its first step drew (instead of a fresh batch per step). */
export const reuseBatch: {
  (player: string): (self: Schedule) => Schedule
  (self: Schedule, player: string): Schedule
} = dual(2, (self: Schedule, player: string): Schedule => {
  knownPlayer(self, player)
  return make({
    ...self,
    spec: { _tag: "reuseBatch", of: self.spec, player },
    description: `${self.description}; ${player} reuses one batch per iteration`,
    iteration: (c) => {
      let seen = false
      return self.iteration(c).map((s) => {
        if (s.player !== player) return s
        const plan: StepPlan = { player, batch: seen ? "reuse" : "fresh" }
        seen = true
        return plan
      })
    }
  })
})

/** Counters after the given steps of one iteration. */
export const advance = (c: Counters, plan: StepPlan): Counters => ({
  iteration: c.iteration,
  steps: { ...c.steps, [plan.player]: (c.steps[plan.player] ?? 0) + 1 },
  total: c.total + 1
})

export const endIteration = (c: Counters): Counters => ({ ...c, iteration: c.iteration + 1 })

/** The first `n` steps a schedule runs (no early stopping), for printing and tests. */
export const unroll = (s: Schedule, n: number, from: Counters = startCounters(s.players)): StepPlan[] => {
  const out: StepPlan[] = []
  let c = from
  while (out.length < n && !s.done(c, [])) {
    const plan = s.iteration(c)
    if (plan.length === 0) throw new InvalidArgument({ message: "schedule produced an empty iteration" })
    for (const step of plan) {
      if (out.length >= n) break
      out.push(step)
      c = advance(c, step)
    }
    c = endIteration(c)
  }
  return out
}
