/**
 * Scopes own tensors. `scoped(effect)` gives the effect an owner that frees every tensor
 * created under it when the effect ends (success, failure or interruption), except those
 * in its result, which move to the enclosing owner. `compute(f)` runs synchronous tensor
 * code with the fiber's owner and device current and puts thrown tensor errors in the
 * error channel.
 */
import { Context, Effect } from "effect"
import { native } from "../native/addon.js"
import { isTensorError, type TensorError } from "../native/errors.js"
import { cpu, Device, type DeviceId, deviceCode } from "./device.js"
import { escape, local } from "./local.js"
import { Owner, withOwner } from "./ownership.js"
import { Tensor } from "./tensor.js"

/** The owner of tensors created by `compute` blocks in this fiber (none: the GC backstop). */
export const CurrentOwner = Context.Reference<Owner | undefined>("diverge/tensor/CurrentOwner", {
  defaultValue: () => undefined
})

export const scoped = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.withFiber((fiber) => {
    const parent = fiber.getRef(CurrentOwner)
    const owner = new Owner(parent)
    return effect.pipe(
      Effect.provideService(CurrentOwner, owner),
      Effect.onExit((exit) =>
        Effect.sync(() => {
          if (exit._tag === "Success") escape(exit.value, owner, parent)
          owner.release()
        })
      )
    )
  })

/** Runs synchronous tensor code; a thrown tensor error fails the effect, any other throw is a defect. */
export const compute = <A>(f: () => A): Effect.Effect<A, TensorError> =>
  Effect.withFiber((fiber) => {
    try {
      return Effect.succeed(withOwner(fiber.getRef(CurrentOwner), fiber.getRef(Device), f))
    } catch (e) {
      return isTensorError(e) ? Effect.fail(e) : Effect.die(e)
    }
  })

export interface MemoryStats {
  /** Native tensors alive on the device, including those held by autograd graphs. */
  readonly liveTensors: number
  readonly liveBytes: number
  readonly peakBytes: number
  /**
   * Bytes the device's allocator holds: live blocks (rounded up to their size classes on CUDA)
   * plus the freed blocks it keeps for reuse (`emptyCache` returns those).
   */
  readonly reservedBytes: number
}

export const memoryStats = (device: DeviceId = cpu): MemoryStats => {
  const [liveTensors, liveBytes, peakBytes, , reservedBytes] = native.stats(deviceCode(device))
  return { liveTensors, liveBytes, peakBytes, reservedBytes }
}

export const liveCount = (device: DeviceId = cpu): number => memoryStats(device).liveTensors
export const liveBytes = (device: DeviceId = cpu): number => memoryStats(device).liveBytes

Tensor.scoped = scoped
Tensor.compute = compute
Tensor.local = local
Tensor.liveCount = liveCount
Tensor.liveBytes = liveBytes
