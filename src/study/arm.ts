/**
 * One training run inside a study ("an arm": GAN vs WGAN-GP are two arms of one study), with
 * its checkpoint in the run folder, resumed from it under `diverge resume`, and its metrics
 * written to the study's sinks under the arm's name. Every call evaluates at least once.
 */
import { Effect, FileSystem } from "effect"
import { join } from "node:path"
import type { SinkError } from "../metrics/sink.js"
import { fold, type Key } from "../random/index.js"
import { compute, scoped } from "../tensor/scope.js"
import { type CheckpointMeta, checkpointBody, checkShapes, initialState, load, train, type TrainOptions, type TrainState } from "../train/index.js"
import type { StudyContext } from "./study.js"

export interface ArmOptions<C, E, R> extends Omit<TrainOptions<C, E, R>, "checkpoint" | "resume" | "onMetrics"> {
  /** Checkpoint every this many iterations (default 100). */
  readonly checkpointEvery?: number
  /** Added to the arm's step numbers in the sinks, so a study's steps keep rising across arms. */
  readonly stepOffset?: number
}

export const armMeta = (ctx: StudyContext, arm: string): CheckpointMeta => ({ study: ctx.study, configHash: `${ctx.configHash}/${arm}` })

export const trainArm = <C, E = never, R = never>(ctx: StudyContext, arm: string, options: ArmOptions<C, E, R>) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = join(ctx.dir, `${arm}.ckpt`)
    const meta = armMeta(ctx, arm)
    let resume: TrainState<C> | undefined
    if (ctx.resume && (yield* fs.exists(path).pipe(Effect.orElseSucceed(() => false)))) {
      const loaded = (yield* load(path, meta, ctx.device)) as ReturnType<typeof checkpointBody<C>>
      // The shapes must be those of this study's networks (a fresh initialisation, freed at once).
      yield* scoped(Effect.flatMap(compute(() => initialState(options.game, options.data, options.key)), (fresh) => checkShapes(path, loaded.params, fresh.params)))
      const { key: _key, ...state } = loaded
      resume = state as TrainState<C>
    }
    const offset = options.stepOffset ?? 0
    // An arm resumed after it had finished runs no iteration, so no evaluation: its final state
    // is evaluated once here, with the key the loop's last evaluation had, so that the study's
    // report is whole. (Its metrics are in metrics.jsonl already and are not written again.)
    let evaluations = 0
    const evaluate = options.evaluate && {
      every: options.evaluate.every,
      run: (state: TrainState<C>, key: Key) => {
        evaluations++
        return options.evaluate!.run(state, key)
      }
    }
    const final = yield* train<C, E | SinkError, R>({
      ...options,
      ...(resume ? { resume } : {}),
      ...(evaluate ? { evaluate } : {}),
      checkpoint: { path, every: options.checkpointEvery ?? 100, meta },
      onMetrics: (r) => ctx.sink.write({ step: r.step + offset, values: Object.fromEntries(Object.entries(r.values).map(([k, v]) => [`${arm}/${k}`, v])) })
    })
    if (evaluate && evaluations === 0) yield* evaluate.run(final, fold(fold(options.key, 2), final.counters.iteration))
    return final
  })
