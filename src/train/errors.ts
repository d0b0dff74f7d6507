/** Typed failures of a training run. */
import { Data } from "effect"

/** A player's loss was NaN or infinite: the run stops, keeping its last good checkpoint. */
export class NonFiniteLoss extends Data.TaggedError("NonFiniteLoss")<{
  readonly player: string
  readonly step: number
  readonly value: number
  readonly message: string
}> {}

/** A checkpoint file is truncated, damaged, or not a checkpoint at all. */
export class CheckpointCorrupt extends Data.TaggedError("CheckpointCorrupt")<{ readonly path: string; readonly message: string }> {}

/** A sound checkpoint of another study, configuration, or shapes. */
export class CheckpointMismatch extends Data.TaggedError("CheckpointMismatch")<{ readonly path: string; readonly message: string }> {}

/** Reading or writing a checkpoint failed at the file-system level. */
export class CheckpointIOError extends Data.TaggedError("CheckpointIOError")<{ readonly path: string; readonly message: string }> {}
