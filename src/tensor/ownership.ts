/**
 * Who frees a tensor. Every tensor is adopted, when created, by the owner current at that
 * moment (a scope: see scope.ts) or, with none, by the garbage-collector backstop. An owner
 * frees its tensors when its scope ends; the backstop frees what the program forgot to
 * dispose, late. The current owner is set only for the length of a synchronous block, so
 * it never spans an await or a fiber switch.
 */
import { native } from "../native/addon.js"
import { cpu, type DeviceId } from "./device.js"

/** What ownership needs of a tensor (the Tensor class implements it). */
export interface Owned {
  _id: number // -1 once freed
  _owner: Owner | undefined
}

export class Owner {
  private tensors: Owned[] = []
  private gone = 0

  /** The owner that was current when this one was made (it outlives this one). */
  constructor(readonly parent?: Owner) {}

  /** Whether this owner was made, directly or not, under `ancestor`. */
  isUnder(ancestor: Owner): boolean {
    for (let o = this.parent; o !== undefined; o = o.parent) if (o === ancestor) return true
    return false
  }

  add(t: Owned): void {
    t._owner = this
    this.tensors.push(t)
  }

  /** t left this owner (disposed, or handed to another); compacts now and then. */
  forget(t: Owned): void {
    t._owner = undefined
    if (++this.gone > 1024 && this.gone * 2 > this.tensors.length) {
      this.tensors = this.tensors.filter((x) => x._owner === this)
      this.gone = 0
    }
  }

  /** Frees every tensor still owned here. */
  release(): void {
    const ids: number[] = []
    for (const t of this.tensors) {
      if (t._owner !== this) continue
      if (t._id >= 0) ids.push(t._id)
      t._id = -1
      t._owner = undefined
    }
    this.tensors = []
    this.gone = 0
    if (ids.length > 0) native.disposeMany(ids)
  }
}

const backstop = new FinalizationRegistry<number>((id) => {
  try {
    native.dispose(id)
  } catch {
    // already gone: nothing to free
  }
})

let currentOwner: Owner | undefined
let currentDevice: DeviceId = cpu

export const adopt = (t: Owned): void => {
  if (currentOwner !== undefined) currentOwner.add(t)
  else backstop.register(t, t._id, t)
}

/** Moves t to another owner (undefined: the backstop). */
export const transfer = (t: Owned, to: Owner | undefined): void => {
  if (t._id < 0 || t._owner === to) return
  if (t._owner !== undefined) t._owner.forget(t)
  else backstop.unregister(t)
  if (to !== undefined) to.add(t)
  else backstop.register(t, t._id, t)
}

/** Frees one tensor now. Idempotent. */
export const free = (t: Owned): void => {
  if (t._id < 0) return
  const id = t._id
  t._id = -1
  if (t._owner !== undefined) t._owner.forget(t)
  else backstop.unregister(t)
  native.dispose(id)
}

export const getCurrentOwner = (): Owner | undefined => currentOwner
export const getCurrentDevice = (): DeviceId => currentDevice

/** Runs f with the given owner and device current, restoring the previous ones after. */
export const withOwner = <A>(owner: Owner | undefined, device: DeviceId, f: () => A): A => {
  const previousOwner = currentOwner
  const previousDevice = currentDevice
  currentOwner = owner
  currentDevice = device
  try {
    return f()
  } finally {
    currentOwner = previousOwner
    currentDevice = previousDevice
  }
}
