/** `--set key=value` configuration overrides, and how failures are printed. */
import { Console, Effect } from "effect"
import { StudyConfigError } from "../study/study.js"

/** Each `key=value` as a field; values are JSON (numbers, booleans, strings in quotes) or plain strings. */
export const parseSettings = (items: ReadonlyArray<string>): Effect.Effect<Record<string, unknown>, StudyConfigError> =>
  Effect.suspend(() => {
    const out: Record<string, unknown> = {}
    for (const item of items) {
      const at = item.indexOf("=")
      if (at <= 0) return Effect.fail(new StudyConfigError({ study: "-", message: `--set expects key=value, got "${item}"` }))
      const raw = item.slice(at + 1)
      let value: unknown
      try {
        value = JSON.parse(raw)
      } catch {
        value = raw
      }
      out[item.slice(0, at)] = value
    }
    return Effect.succeed(out)
  })

/** Prints a typed failure readably and sets a failing exit code (defects still surface). */
export const printFailure = (error: unknown) =>
  Effect.gen(function* () {
    const e = error as { _tag?: string; message?: string }
    yield* Console.error(`diverge: ${e._tag ?? "error"}: ${e.message ?? String(error)}`)
    process.exitCode = 1
  })
