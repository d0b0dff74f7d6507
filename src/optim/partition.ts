/**
 * Different transforms for differently labelled parameters (optax's multi_transform): e.g. no
 * weight decay on biases, or separate learning rates for two sub-networks in one tree.
 */
import { leaves, map } from "../tensor/tree.js"
import { local } from "../tensor/local.js"
import { Tensor } from "../tensor/tensor.js"
import { invalidConfig } from "./config.js"
import type { GradientTransformation } from "./transform.js"

/**
 * Labels for a parameter tree: the same structure with a label string in place of each
 * tensor, or a prefix of it (a label in place of a whole subtree labels all its tensors).
 */
export type LabelTree = string | readonly LabelTree[] | { readonly [key: string]: LabelTree }

// Records as tree.ts sees them (plain objects only), so labels line up with leaves().
const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u) && Object.getPrototypeOf(u) === Object.prototype

/** The label of each tensor of `params`, in leaf order. */
const labelsOfLeaves = (params: unknown, labels: unknown): string[] => {
  const out: string[] = []
  const visit = (node: unknown, label: unknown, path: string): void => {
    if (typeof label === "string") {
      for (let i = leaves(node).length; i > 0; i--) out.push(label)
      return
    }
    if (node instanceof Tensor) throw invalidConfig("partition", `no label for the tensor at ${path || "the root"}`)
    if (Array.isArray(node)) {
      if (!Array.isArray(label) || label.length !== node.length)
        throw invalidConfig("partition", `the labels at ${path || "the root"} must be a label or an array of ${node.length}`)
      node.forEach((child, i) => visit(child, label[i], `${path}[${i}]`))
    } else if (isRecord(node)) {
      if (!isRecord(label)) throw invalidConfig("partition", `the labels at ${path || "the root"} must be a label or a record`)
      for (const key of Object.keys(node)) {
        if (leaves(node[key]).length > 0 && !(key in label)) throw invalidConfig("partition", `no label for ${path}.${key}`)
        visit(node[key], label[key], `${path}.${key}`)
      }
    }
  }
  visit(params, labels, "")
  return out
}

/** The tree with the tensors of other labels replaced by null (so leaves() skips them). */
const mask = <P>(tree: P, leafLabels: readonly string[], label: string): P =>
  map(tree, (t, i) => (leafLabels[i] === label ? t : (null as unknown as Tensor)))

/** Reassembles a full tree from the per-label results (each in the order of its own leaves). */
const merge = <P>(structure: P, leafLabels: readonly string[], parts: Readonly<Record<string, readonly Tensor[]>>): P => {
  const taken: Record<string, number> = {}
  return map(structure, (_, i) => {
    const label = leafLabels[i]!
    const k = taken[label] ?? 0
    taken[label] = k + 1
    return parts[label]![k]!
  })
}

/**
 * Applies `transforms[label]` to the tensors labelled `label`. Each transform sees the
 * parameter tree with the other tensors masked out (null), so whole-tree transforms such as
 * clipByGlobalNorm act within their partition. The state is a record of per-label states.
 */
export const partition = <L extends string>(
  transforms: { readonly [K in L]: GradientTransformation<any> },
  labels: LabelTree | ((params: unknown) => LabelTree)
): GradientTransformation<{ readonly [K in L]: unknown }> => {
  if (!isRecord(transforms)) throw invalidConfig("partition", "transforms must be a record of gradient transformations")
  const names = Object.keys(transforms) as L[]
  for (const name of names) {
    const t = transforms[name] as GradientTransformation | undefined
    if (typeof t?.init !== "function" || typeof t?.update !== "function")
      throw invalidConfig("partition", `transforms.${name} is not a gradient transformation`)
  }
  const leafLabels = (tree: unknown): string[] => {
    const ls = labelsOfLeaves(tree, typeof labels === "function" ? labels(tree) : labels)
    for (const l of ls) if (!names.includes(l as L)) throw invalidConfig("partition", `no transform for the label "${l}"`)
    return ls
  }
  const projecting = names.filter((n) => transforms[n].project !== undefined)
  return {
    init: (params) => {
      const ls = leafLabels(params)
      const state = {} as Record<L, unknown>
      for (const n of names) state[n] = transforms[n].init(mask(params, ls, n))
      return state
    },
    update: (updates, state, params) => {
      if (!isRecord(state)) throw invalidConfig("partition", "the state is not a record of per-label states")
      const ls = leafLabels(params ?? updates)
      return local(() => {
        const parts: Record<string, Tensor[]> = {}
        const next = {} as Record<L, unknown>
        for (const n of names) {
          const masked = params === undefined ? undefined : mask(params, ls, n)
          const [u, s] = transforms[n].update(mask(updates, ls, n), (state as Record<string, unknown>)[n], masked)
          parts[n] = leaves(u)
          const expected = ls.filter((l) => l === n).length
          if (parts[n].length !== expected)
            throw invalidConfig("partition", `transforms.${n} returned ${parts[n].length} tensors for ${expected}`)
          next[n] = s
        }
        return [merge(updates, ls, parts), next] as const
      })
    },
    project:
      projecting.length === 0
        ? undefined
        : (params) =>
            local(() => {
              const ls = leafLabels(params)
              const parts: Record<string, Tensor[]> = {}
              for (const n of names) {
                const own = mask(params, ls, n)
                const f = transforms[n].project
                parts[n] = leaves(f ? f(own) : own)
              }
              return merge(params, ls, parts)
            })
  }
}
