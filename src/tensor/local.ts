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
 * Moves the tensors in `value` that `from` owns to `to` (undefined: the garbage-collector
 * backstop). Tensors owned elsewhere (e.g. parameters returned as they are) stay where they are.
 */
export const escape = <A>(value: A, from: Owner, to: Owner | undefined): A => {
  forEachTensor(value, (t) => {
    if (t._owner === from) transfer(t, to)
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
  const owner = new Owner(outer)
  try {
    return escape(withOwner(owner, getCurrentDevice(), f), owner, outer)
  } finally {
    owner.release()
  }
}

/**
 * A function that hands tensors to the owner current now. For values that leave a block
 * sideways — through a closure, like the new BatchNorm statistics of a critic called inside a
 * divergence's loss — rather than as its result: `const keep = keeper()` before the block,
 * `state = keep(out.state)` inside it. Only tensors of owners made under this one move, so a
 * longer-lived tensor passed through is never handed to a shorter-lived owner.
 */
export const keeper = () => {
  const target = getCurrentOwner()
  return <A>(value: A): A => {
    forEachTensor(value, (t) => {
      if (t._owner !== undefined && t._owner !== target && (target === undefined || t._owner.isUnder(target))) transfer(t, target)
    })
    return value
  }
}
