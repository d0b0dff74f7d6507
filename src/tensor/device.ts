/**
 * Devices. A DeviceId names one (cpu, cuda:0, ...). The `Device` reference in an Effect's
 * context says where `Tensor.compute` blocks create tensors; `Device.Cpu` and `Device.Cuda`
 * are the layers that set it. The Cuda layer fails with DeviceUnavailable where no GPU
 * answers, and empties its memory pool (the cached blocks; live tensors stay) when its scope
 * closes.
 */
import { Context, Effect, Layer } from "effect"
import { native } from "../native/addon.js"
import { DeviceUnavailable, InvalidArgument } from "../native/errors.js"

export interface DeviceId {
  readonly kind: "cpu" | "cuda"
  readonly index: number
}

export const cpu: DeviceId = Object.freeze({ kind: "cpu", index: 0 })
export const cuda = (index = 0): DeviceId => Object.freeze({ kind: "cuda", index })

export const deviceCode = (d: DeviceId): number => {
  if (d === undefined || d === null || (d.kind !== "cpu" && d.kind !== "cuda") || !Number.isInteger(d.index) || d.index < 0 || d.index > 7 ||
    (d.kind === "cpu" && d.index !== 0))
    throw new InvalidArgument({ message: `not a device: ${JSON.stringify(d)}` })
  return (d.kind === "cpu" ? 0 : 256) + d.index
}

export const deviceOf = (code: number): DeviceId => (code < 256 ? cpu : cuda(code % 256))

export const deviceName = (d: DeviceId): string => (d.kind === "cpu" ? "cpu" : `cuda:${d.index}`)

/** What each backend is on this machine: CPU (OpenBLAS and the kernels it chose) and CUDA. */
export const backends = (): ReadonlyArray<{ readonly name: string; readonly available: boolean; readonly detail: string }> =>
  native.devices().map(({ name, available, detail }) => ({ name, available, detail }))

/** Whether a backend is compiled in and a device answers on this machine. */
export const isAvailable = (kind: DeviceId["kind"]): boolean =>
  native.devices().some((row) => row.name === kind && row.available)

const DeviceRef = Context.Reference<DeviceId>("diverge/tensor/Device", { defaultValue: () => cpu })

/**
 * Hands the cached free blocks of a device's allocator back to the system (the CUDA pool's
 * blocks to the driver, the CPU's kept buffers to the OS); returns the bytes still reserved.
 */
export const emptyCache = (device: DeviceId): number => native.emptyCache(deviceCode(device))

const cudaLayer: Layer.Layer<never, DeviceUnavailable> = Layer.effect(
  DeviceRef,
  Effect.acquireRelease(
    Effect.suspend(() =>
      isAvailable("cuda")
        ? Effect.succeed(cuda(0))
        : Effect.fail(new DeviceUnavailable({ message: "no CUDA device is available on this machine" }))
    ),
    (device) => Effect.sync(() => emptyCache(device))
  )
)

/**
 * The device that tensor-creating code in `Tensor.compute` uses: the CPU unless a layer
 * says otherwise. `Device.Cpu` and `Device.Cuda` are those layers.
 */
export const Device = Object.assign(DeviceRef, {
  Cpu: Layer.succeed(DeviceRef, cpu) as Layer.Layer<never>,
  Cuda: cudaLayer
})
