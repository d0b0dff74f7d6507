/**
 * Parameter trees: tensors nested in arrays and plain records. Anything else in a tree
 * (numbers, strings, undefined) is carried along unchanged and never differentiated.
 */
import { InvalidArgument } from "../native/errors.js"
import { Tensor } from "./tensor.js"

export type Tree = Tensor | number | string | boolean | null | undefined | readonly Tree[] | { readonly [key: string]: Tree }

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u) && !(u instanceof Tensor) && Object.getPrototypeOf(u) === Object.prototype

/** The tensors of a tree, depth first (array order, then record keys in insertion order). */
export const leaves = (tree: unknown): Tensor[] => {
  const out: Tensor[] = []
  const visit = (node: unknown): void => {
    if (node instanceof Tensor) out.push(node)
    else if (Array.isArray(node)) node.forEach(visit)
    else if (isRecord(node)) for (const key of Object.keys(node)) visit(node[key])
  }
  visit(tree)
  return out
}

/** A tree of the same structure with every tensor replaced by f(tensor, its leaf index). */
export const map = <T>(tree: T, f: (t: Tensor, index: number) => Tensor): T => {
  let index = 0
  const visit = (node: unknown): unknown => {
    if (node instanceof Tensor) return f(node, index++)
    if (Array.isArray(node)) return node.map(visit)
    if (isRecord(node)) {
      const out: Record<string, unknown> = {}
      for (const key of Object.keys(node)) out[key] = visit(node[key])
      return out
    }
    return node
  }
  return visit(tree) as T
}

/** Rebuilds `structure` with its tensors replaced, in order, by `replacement`. */
export const unflatten = <T>(structure: T, replacement: readonly Tensor[]): T => {
  const count = leaves(structure).length
  if (count !== replacement.length)
    throw new InvalidArgument({ message: `tree has ${count} tensors but ${replacement.length} were given` })
  return map(structure, (_, i) => replacement[i]!)
}

/** Combines two trees of the same structure leaf by leaf. */
export const zipWith = <T>(a: T, b: T, f: (x: Tensor, y: Tensor, index: number) => Tensor): T => {
  const bs = leaves(b)
  if (bs.length !== leaves(a).length) throw new InvalidArgument({ message: "trees have different numbers of tensors" })
  return map(a, (x, i) => f(x, bs[i]!, i))
}

/** Frees every tensor of a tree now (old parameters, optimizer states, gradients). Idempotent. */
export const disposeTree = (tree: unknown): void => {
  for (const t of leaves(tree)) t.dispose()
}
