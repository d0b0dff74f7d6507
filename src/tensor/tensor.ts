/**
 * The Tensor handle: a thin object over a native tensor. Shape, dtype and device are read
 * from the addon once and cached. Ops are plain functions (see ops/); the methods added in
 * methods.ts call them. Memory is returned by the tensor's owner (ownership.ts), by
 * `dispose()`, or, as a backstop only, by the garbage collector.
 */
import type { Effect } from "effect"
import { type Pipeable, pipeArguments } from "effect/Pipeable"
import { type Handle, native } from "../native/addon.js"
import { InvalidArgument, type TensorError, UseAfterDispose } from "../native/errors.js"
import { type DeviceId, deviceOf } from "./device.js"
import { type DType, dtypeOf } from "./dtype.js"
import { adopt, free, type Owned, type Owner } from "./ownership.js"

export type Shape = readonly number[]

export interface Tensor extends Pipeable {}

export class Tensor implements Owned, Disposable {
  /** @internal */ _id: number
  /** @internal */ _owner: Owner | undefined = undefined
  /** @internal */ private _meta: number[] | undefined = undefined

  /** Frees every tensor created under the effect when it ends, except those it returns (scope.ts). */
  declare static scoped: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Runs synchronous tensor code with the fiber's owner and device (scope.ts). */
  declare static compute: <A>(f: () => A) => Effect.Effect<A, TensorError>
  /** Runs f, freeing at once every tensor it created but did not return (local.ts). */
  declare static local: <A>(f: () => A) => A
  /** Native tensors alive on a device (CPU by default), graph-held ones included. */
  declare static liveCount: (device?: DeviceId) => number
  /** Bytes of tensor memory alive on a device (CPU by default). */
  declare static liveBytes: (device?: DeviceId) => number

  /** @internal use `Tensor.fromHandle`, or the creation functions */
  constructor(id: Handle) {
    this._id = id
  }

  /** @internal adopts a fresh native handle into the current owner */
  static fromHandle(id: Handle): Tensor {
    const t = new Tensor(id)
    adopt(t)
    return t
  }

  /** The native handle; throws UseAfterDispose once the tensor has been freed. */
  get handle(): Handle {
    if (this._id < 0) throw new UseAfterDispose({ message: "tensor used after it was disposed" })
    return this._id
  }

  get isDisposed(): boolean {
    return this._id < 0
  }

  private meta(): number[] {
    if (this._meta === undefined) this._meta = native.meta(this.handle)
    return this._meta
  }

  get shape(): Shape {
    const m = this.meta()
    return m.slice(4, 4 + m[3]!)
  }
  get ndim(): number {
    return this.meta()[3]!
  }
  get size(): number {
    const m = this.meta()
    let n = 1
    for (let i = 4; i < m.length; i++) n *= m[i]!
    return n
  }
  get dtype(): DType {
    return dtypeOf(this.meta()[0]!)
  }
  get device(): DeviceId {
    return deviceOf(this.meta()[1]!)
  }
  /** Whether gradients flow to this tensor (read fresh: it changes when marked). */
  get requiresGrad(): boolean {
    return native.meta(this.handle)[2] === 1
  }

  /** A copy of the values, row-major, in the typed array of the dtype (bool: Uint8Array). */
  toTypedArray(): Float32Array | Float64Array | Int32Array | Uint8Array {
    return native.toArray(this.handle)
  }

  /** The values as nested arrays (numbers; bool as 0/1). */
  toArray(): unknown {
    const flat = Array.from(this.toTypedArray() as ArrayLike<number>)
    const shape = this.shape
    if (shape.length === 0) return flat[0]
    const build = (axis: number, offset: number): unknown[] => {
      const n = shape[axis]!
      if (axis === shape.length - 1) return flat.slice(offset, offset + n)
      const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1)
      return Array.from({ length: n }, (_, i) => build(axis + 1, offset + i * stride))
    }
    return build(0, 0)
  }

  /** The single value of a one-element tensor. */
  item(): number {
    return native.item(this.handle)
  }

  /** Frees the native memory now. Idempotent. */
  dispose(): void {
    free(this)
  }

  [Symbol.dispose](): void {
    free(this)
  }

  toString(): string {
    if (this._id < 0) return "Tensor(disposed)"
    return `Tensor(${this.dtype}, [${this.shape.join(", ")}], ${this.device.kind})`
  }
}

Tensor.prototype.pipe = function (this: Tensor) {
  // eslint-disable-next-line prefer-rest-params
  return pipeArguments(this, arguments)
} as Pipeable["pipe"]

export type TensorLike = Tensor | number

export const isTensor = (u: unknown): u is Tensor => u instanceof Tensor

/** u itself when it is a Tensor, else a typed error naming the argument. */
export const asTensor = (u: unknown, what = "argument"): Tensor => {
  if (u instanceof Tensor) return u
  throw new InvalidArgument({ message: `${what} must be a Tensor, got ${describe(u)}` })
}

/** The handle of a tensor argument, with a typed error for anything else. */
export const handleOf = (u: unknown, what = "argument"): Handle => {
  if (u instanceof Tensor) return u.handle
  throw new InvalidArgument({ message: `${what} must be a Tensor, got ${describe(u)}` })
}

export const describe = (u: unknown): string =>
  u === null ? "null" : Array.isArray(u) ? "an array" : typeof u === "object" ? (u.constructor?.name ?? "an object") : typeof u
