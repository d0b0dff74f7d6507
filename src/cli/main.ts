/**
 * The `diverge` command: list the studies, run one, resume an interrupted run, show the
 * devices and versions. Built with effect/cli; Ctrl-C interrupts the run, which writes its
 * checkpoints and frees its memory before exiting.
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { findStudy, studies } from "../../studies/index.js"
import { resumeStudy, runStudy } from "../study/run.js"
import { UnknownStudy } from "../study/study.js"
import { backends, numThreads } from "../tensor/index.js"
import { parseSettings, printFailure } from "./settings.js"

const list = Command.make("list", {}, () =>
  Effect.forEach(studies, (s) => Console.log(`${s.name.padEnd(20)} ${s.title}`), { discard: true })
).pipe(Command.withDescription("List the studies"))

const run = Command.make(
  "run",
  {
    study: Argument.String("study").pipe(Argument.withDescription("A study name (see `diverge list`)")),
    seed: Flag.Int("seed").pipe(Flag.withDescription("The seed every key derives from"), Flag.withDefault(0)),
    steps: Flag.Int("steps").pipe(Flag.withDescription("Training length (the study's main step count)"), Flag.optional),
    device: Flag.Literals("device", ["cpu", "cuda"]).pipe(Flag.withDescription("Where tensors live"), Flag.withDefault("cpu")),
    out: Flag.String("out").pipe(Flag.withDescription("Folder for run folders"), Flag.withDefault("runs")),
    set: Flag.String("set").pipe(Flag.withDescription("A configuration field, key=value (JSON values); repeatable"), Flag.atLeast(0))
  },
  ({ study, seed, steps, device, out, set }) =>
    Effect.gen(function* () {
      const s = findStudy(study)
      if (s === undefined) return yield* new UnknownStudy({ name: study, message: `no study named "${study}"; one of: ${studies.map((x) => x.name).join(", ")}` })
      const config = yield* parseSettings(set)
      const result = yield* runStudy(s, { seed, device, out, config, ...(Option.isSome(steps) ? { steps: steps.value } : {}) })
      yield* Console.log(`\n${result.outcome.summary ?? ""}\nreport: ${result.dir}/report.html`)
    }).pipe(Effect.catch(printFailure))
).pipe(Command.withDescription("Run a study; writes runs/<study>-<time>/ with a report.html"))

const resume = Command.make(
  "resume",
  { dir: Argument.String("run-dir").pipe(Argument.withDescription("The folder of an earlier run")) },
  ({ dir }) =>
    resumeStudy(studies, dir).pipe(
      Effect.flatMap((result) => Console.log(`\n${result.outcome.summary ?? ""}\nreport: ${result.dir}/report.html`)),
      Effect.catch(printFailure)
    )
).pipe(Command.withDescription("Continue an interrupted run from its checkpoints"))

const info = Command.make("info", {}, () =>
  Effect.gen(function* () {
    for (const b of backends()) if (b.name !== "none") yield* Console.log(`${b.name.padEnd(6)} ${b.available ? "available" : "not available"}  ${b.detail}`)
    yield* Console.log(`threads ${numThreads()}; node ${process.version}`)
  })
).pipe(Command.withDescription("Devices, BLAS and versions"))

const diverge = Command.make("diverge").pipe(
  Command.withDescription("Learning distributions with divergences as values"),
  Command.withSubcommands([list, run, resume, info])
)

diverge.pipe(Command.run({ version: "0.1.0" }), Effect.provide(NodeServices.layer), NodeRuntime.runMain)
