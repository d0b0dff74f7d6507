/**
 * Ownership helpers that need to recognise tensors inside values: moving every tensor of a
 * returned tree to another owner, and running a block whose temporaries are freed at once.
 */
import { getCurrentDevice, getCurrentOwner, Owner, transfer, withOwner } from "./ownership.js"
import { Tensor } from "./tensor.js"

/** Visits every tensor in a tree of arrays, plain objects, Maps and Sets. */
export const forEachTensor = (value: unknown, f: (t: Tensor) => void): void => {
  const seen = new Set<unknown>()
  const visit = (v: unknown): void => {
    if (v instanceof Tensor) return f(v)
    if (typeof v !== "object" || v === null || seen.has(v) || ArrayBuffer.isView(v)) return
    seen.add(v)
    if (Array.isArray(v)) for (const x of v) visit(x)
    else if (v instanceof Map) for (const x of v.values()) visit(x)
    else if (v instanceof Set) for (const x of v) visit(x)
    else for (const key of Object.keys(v)) visit((v as Record<string, unknown>)[key])
  }
  visit(value)
}

/**
 * Moves the tensors in `value` that `from` owns, or that no owner holds, to `to` (undefined:
 * the garbage-collector backstop). Tensors of other owners stay where they are: a block that
 * returns a tensor of an enclosing scope (`local(() => x)`) must not hand it to a
 * shorter-lived owner.
 */
export const escape = <A>(value: A, from: Owner, to: Owner | undefined): A => {
  forEachTensor(value, (t) => {
    if (t._owner === from || t._owner === undefined) transfer(t, to)
  })
  return value
}

/**
 * Runs f with a temporary owner: the tensors it returns move to the enclosing owner, all
 * others are freed before `local` returns. Graph nodes keep what a later backward pass needs,
 * so freeing intermediate handles is always safe.
 */
export const local = <A>(f: () => A): A => {
  const outer = getCurrentOwner()
  const owner = new Owner()
  try {
    return escape(withOwner(owner, getCurrentDevice(), f), owner, outer)
  } finally {
    owner.release()
  }
}
