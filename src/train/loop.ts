/**
 * The training loop as an Effect. Each step runs in its own tensor scope: the batch, the
 * graph and every temporary are freed when it ends; only the new parameters, optimizer
 * state and layer state survive, and the ones they replace are freed at once. Keys derive
 * from the run's key and the step count, data positions are cursors, so the whole run is a
 * function of (configuration, seed) and a resumed run continues bit for bit.
 */
import { Effect } from "effect"
import { valueAndGrad } from "../autodiff/grad.js"
import { InvalidArgument } from "../native/errors.js"
import { fold, type Key } from "../random/index.js"
import { step as optimizerStep } from "../optim/index.js"
import { compute, scoped } from "../tensor/scope.js"
import { Tensor } from "../tensor/tensor.js"
import { leaves } from "../tensor/tree.js"
import { type CheckpointMeta, save } from "./checkpoint.js"
import { NonFiniteLoss } from "./errors.js"
import type { BatchSource, Game, LossResult, Player, StepContext } from "./player.js"
import { advance, type Counters, endIteration, type History, type Schedule, startCounters } from "./schedule.js"

export interface TrainState<C = unknown> {
  readonly params: Readonly<Record<string, unknown>>
  readonly optState: Readonly<Record<string, unknown>>
  readonly state: Readonly<Record<string, unknown>>
  readonly counters: Counters
  readonly cursor: C
  readonly history: History
  /**
   * Inside an iteration (a checkpoint written on interruption): the counters the iteration's
   * plan was made from, how many of its steps are done, and the cursor each player's first
   * batch of the iteration came from (for reused batches). Absent between iterations.
   */
  readonly position?: { readonly start: Counters; readonly index: number; readonly firstCursor: Readonly<Record<string, C>> }
}

export interface MetricsRecord {
  readonly step: number
  readonly values: Readonly<Record<string, number>>
}

export interface TrainOptions<C, E = never, R = never> {
  readonly game: Game
  readonly schedule: Schedule
  readonly data: BatchSource<C>
  /** The run's key: initialisation uses fold(key, 0), step n uses fold(fold(key, 1), n), evaluation i fold(fold(key, 2), i). */
  readonly key: Key
  /** Called after every step (losses) and every evaluation (its metrics). */
  readonly onMetrics?: (record: MetricsRecord) => Effect.Effect<void, E, R>
  /** Runs every `every` iterations and after the last one; its values enter the history. */
  readonly evaluate?: { readonly every: number; readonly run: (state: TrainState<C>, key: Key) => Effect.Effect<Record<string, number>, E, R> }
  /** Written every `every` iterations, at the end, and when the run is interrupted. */
  readonly checkpoint?: { readonly path: string; readonly every: number; readonly meta: CheckpointMeta }
  /** Continue from this state (e.g. a loaded checkpoint) instead of initialising. */
  readonly resume?: TrainState<C>
}

/** Frees the tensors of `old` that `next` no longer holds. */
const disposeReplaced = (old: unknown, next: unknown): void => {
  const keep = new Set(leaves(next))
  for (const t of leaves(old)) if (!keep.has(t)) t.dispose()
}

const asResult = (r: Tensor | LossResult): LossResult => (r instanceof Tensor ? { loss: r } : r)

export const initialState = <C>(game: Game, data: BatchSource<C>, key: Key): TrainState<C> => {
  const { params, state } = game.init(fold(key, 0))
  const optState = Object.fromEntries(game.players.map((p) => [p.name, p.optimizer.init(params[p.name])]))
  return { params, optState, state, counters: startCounters(game.players.map((p) => p.name)), cursor: data.start, history: [] }
}

/** The body a checkpoint stores: the state plus the run key, to refuse resuming with another seed. */
export const checkpointBody = <C>(s: TrainState<C>, key: Key) => ({ ...s, key })

export const train = <C, E = never, R = never>(options: TrainOptions<C, E, R>) => {
  const { game, schedule, data, key } = options
  const players = new Map<string, Player>(game.players.map((p) => [p.name, p]))
  for (const name of schedule.players) if (!players.has(name)) throw new InvalidArgument({ message: `schedule names player "${name}", which the game lacks (players: ${[...players.keys()].join(", ")})` })
  const stepKeys = fold(key, 1)
  const evalKeys = fold(key, 2)

  // One step of one player, in its own scope. Fails with NonFiniteLoss before changing anything.
  const runStep = (s: TrainState<C>, player: Player, cursorIn: C, fresh: boolean) =>
    scoped(
      compute(() => {
        const { batch, cursor } = data.next(cursorIn)
        const context: StepContext = { batch, key: fold(stepKeys, s.counters.total), step: s.counters.steps[player.name] ?? 0, params: s.params, state: s.state }
        const { value, grad, aux } = valueAndGrad(
          (own: unknown) => {
            const r = asResult(player.loss(own, context))
            return [r.loss, { state: r.state, metrics: r.metrics }] as const
          },
          { hasAux: true }
        )(s.params[player.name])
        const loss = value.item()
        const metrics: Record<string, number> = { [`loss/${player.name}`]: loss }
        for (const [k, t] of Object.entries(aux.metrics ?? {})) metrics[`${k}/${player.name}`] = t.item()
        if (!Number.isFinite(loss)) return { kind: "nonFinite" as const, loss }
        const next = optimizerStep(player.optimizer, s.params[player.name], grad, s.optState[player.name])
        return { kind: "ok" as const, params: next.params, optState: next.state, state: aux.state ?? {}, metrics, cursor: fresh ? cursor : s.cursor }
      })
    ).pipe(
      Effect.flatMap((r) =>
        r.kind === "nonFinite"
          ? Effect.fail(new NonFiniteLoss({ player: player.name, step: s.counters.steps[player.name] ?? 0, value: r.loss, message: `${player.name}'s loss is ${r.loss} at its step ${s.counters.steps[player.name] ?? 0} (step ${s.counters.total} of the run)` }))
          : Effect.succeed(r)
      )
    )

  return scoped(
    Effect.gen(function* () {
      let s: TrainState<C> = options.resume ?? (yield* compute(() => initialState(game, data, key)))
      const writeCheckpoint = options.checkpoint
        ? (state: TrainState<C>) => save(options.checkpoint!.path, options.checkpoint!.meta, checkpointBody(state, key))
        : undefined
      const body = Effect.gen(function* () {
        while (s.position !== undefined || !schedule.done(s.counters, s.history)) {
          // The plan is a function of the counters at the iteration's start, so an iteration
          // interrupted after some of its steps resumes exactly where it stopped.
          const start = s.position?.start ?? s.counters
          const plan = schedule.iteration(start)
          const firstCursor: Record<string, C> = { ...(s.position?.firstCursor ?? {}) }
          for (let i = s.position?.index ?? 0; i < plan.length; i++) {
            const p = plan[i]!
            const player = players.get(p.player)!
            if (!(p.player in firstCursor)) firstCursor[p.player] = s.cursor
            const fresh = p.batch === "fresh"
            const r = yield* runStep(s, player, fresh ? s.cursor : firstCursor[p.player]!, fresh)
            const next: TrainState<C> = {
              ...s,
              params: { ...s.params, [player.name]: r.params },
              optState: { ...s.optState, [player.name]: r.optState },
              state: { ...s.state, ...r.state },
              counters: advance(s.counters, p),
              cursor: r.cursor,
              position: { start, index: i + 1, firstCursor: { ...firstCursor } }
            }
            disposeReplaced([s.params[player.name], s.optState[player.name], s.state], [next.params[player.name], next.optState[player.name], next.state])
            s = next
            if (options.onMetrics) yield* options.onMetrics({ step: s.counters.total, values: r.metrics })
          }
          const { position: _done, ...between } = s
          s = { ...between, counters: endIteration(s.counters) }
          const finished = schedule.done(s.counters, s.history)
          if (options.evaluate && (s.counters.iteration % options.evaluate.every === 0 || finished)) {
            const values = yield* options.evaluate.run(s, fold(evalKeys, s.counters.iteration))
            s = { ...s, history: [...s.history, { step: s.counters.total, values }] }
            if (options.onMetrics) yield* options.onMetrics({ step: s.counters.total, values })
          }
          if (writeCheckpoint && options.checkpoint!.every > 0 && s.counters.iteration % options.checkpoint!.every === 0) yield* writeCheckpoint(s)
        }
        if (writeCheckpoint) yield* writeCheckpoint(s)
        return s
      })
      // On interruption the last completed step's state is written before the scope frees it.
      return yield* writeCheckpoint ? body.pipe(Effect.onInterrupt(() => Effect.ignore(writeCheckpoint(s)))) : body
    })
  )
}
