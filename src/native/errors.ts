/**
 * Typed failures of the tensor engine. Native errors arrive as JS errors with a stable
 * `code`; `fromNative` turns them into these tagged errors, which plain tensor functions
 * throw and `Tensor.compute` places in the effect's error channel.
 */
import { Data } from "effect"

export class ShapeMismatch extends Data.TaggedError("ShapeMismatch")<{ readonly message: string }> {}
export class DTypeMismatch extends Data.TaggedError("DTypeMismatch")<{ readonly message: string }> {}
export class DeviceMismatch extends Data.TaggedError("DeviceMismatch")<{ readonly message: string }> {}
export class InvalidArgument extends Data.TaggedError("InvalidArgument")<{ readonly message: string }> {}
export class UseAfterDispose extends Data.TaggedError("UseAfterDispose")<{ readonly message: string }> {}
export class OutOfMemory extends Data.TaggedError("OutOfMemory")<{ readonly message: string }> {}
export class DeviceUnavailable extends Data.TaggedError("DeviceUnavailable")<{ readonly message: string }> {}
export class NotDifferentiable extends Data.TaggedError("NotDifferentiable")<{ readonly message: string }> {}
export class GraphReleased extends Data.TaggedError("GraphReleased")<{ readonly message: string }> {}
/** An iterative solver (e.g. the network simplex) used up its iteration budget. */
export class IterationLimit extends Data.TaggedError("IterationLimit")<{ readonly message: string }> {}
export class NativeFailure extends Data.TaggedError("NativeFailure")<{ readonly message: string }> {}

export type TensorError =
  | ShapeMismatch
  | DTypeMismatch
  | DeviceMismatch
  | InvalidArgument
  | UseAfterDispose
  | OutOfMemory
  | DeviceUnavailable
  | NotDifferentiable
  | GraphReleased
  | IterationLimit
  | NativeFailure

const byCode = {
  ShapeMismatch,
  DTypeMismatch,
  DeviceMismatch,
  InvalidArgument,
  UseAfterDispose,
  OutOfMemory,
  DeviceUnavailable,
  NotDifferentiable,
  GraphReleased,
  IterationLimit,
  Internal: NativeFailure
} as const

const tensorErrorTags = new Set<string>([...Object.values(byCode).map((c) => new c({ message: "" })._tag)])

export const isTensorError = (u: unknown): u is TensorError =>
  typeof u === "object" && u !== null && "_tag" in u && tensorErrorTags.has((u as { _tag: string })._tag)

/** Maps an error thrown by the addon to its tagged error (anything else passes through). */
export const fromNative = (e: unknown): unknown => {
  if (e instanceof Error && typeof (e as { code?: unknown }).code === "string") {
    const make = byCode[(e as unknown as { code: string }).code as keyof typeof byCode]
    if (make) return new make({ message: e.message })
  }
  return e
}
