/**
 * Optimizer states (and any parameter tree) to and from JSON values, for checkpoints. A tensor
 * becomes {"$tensor": {dtype, shape, data}} with its values row-major (non-finite values as the
 * strings "NaN", "Infinity", "-Infinity"); a non-finite number becomes {"$number": "NaN"}.
 * Float values survive exactly (JSON numbers are float64; a float32 read back rounds to itself).
 * `undefined` inside records is dropped, as JSON.stringify does.
 */
import type { Tree } from "../tensor/tree.js"
import { InvalidArgument } from "../native/errors.js"
import { local } from "../tensor/local.js"
import { type CreateOptions, tensor } from "../tensor/ops/creation.js"
import { type DType, dtypes } from "../tensor/dtype.js"
import { Tensor } from "../tensor/tensor.js"

export type Json = number | string | boolean | null | readonly Json[] | { readonly [key: string]: Json }

const bad = (message: string) => new InvalidArgument({ message: `state JSON: ${message}` })

const encodeNumber = (x: number): Json => (Number.isFinite(x) ? x : String(x))
const decodeNumber = (x: unknown): number => {
  if (typeof x === "number") return x
  if (x === "NaN") return NaN
  if (x === "Infinity") return Infinity
  if (x === "-Infinity") return -Infinity
  throw bad(`${JSON.stringify(x)} is not a number`)
}

const isPlainRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u) && Object.getPrototypeOf(u) === Object.prototype

const reserved = (r: Record<string, unknown>): boolean => {
  const keys = Object.keys(r)
  return keys.length === 1 && (keys[0] === "$tensor" || keys[0] === "$number")
}

/** A JSON value holding the tree; `JSON.stringify` it to write a checkpoint. */
export const stateToJson = (tree: unknown): Json => {
  if (tree instanceof Tensor) {
    const data = Array.from(tree.toTypedArray() as ArrayLike<number>, encodeNumber)
    return { $tensor: { dtype: tree.dtype, shape: [...tree.shape], data } }
  }
  if (typeof tree === "number") return Number.isFinite(tree) ? tree : { $number: String(tree) }
  if (typeof tree === "string" || typeof tree === "boolean" || tree === null) return tree
  if (Array.isArray(tree)) return tree.map((x) => (x === undefined ? null : stateToJson(x)))
  if (isPlainRecord(tree)) {
    if (reserved(tree)) throw bad(`a record with the single key "${Object.keys(tree)[0]}" cannot be stored`)
    const out: Record<string, Json> = {}
    for (const key of Object.keys(tree)) if (tree[key] !== undefined) out[key] = stateToJson(tree[key])
    return out
  }
  throw bad(`cannot store a value of type ${typeof tree}`)
}

const decodeTensor = (spec: unknown, options: CreateOptions): Tensor => {
  if (!isPlainRecord(spec)) throw bad("$tensor must be a record")
  const { dtype, shape, data } = spec
  if (typeof dtype !== "string" || !dtypes.includes(dtype as DType)) throw bad(`unknown dtype ${JSON.stringify(dtype)}`)
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) throw bad("shape must be an array of non-negative integers")
  if (!Array.isArray(data)) throw bad("data must be an array")
  const size = (shape as number[]).reduce((a, b) => a * b, 1)
  if (data.length !== size) throw bad(`shape [${shape.join(", ")}] needs ${size} values, got ${data.length}`)
  const values = data.map(decodeNumber)
  const d = dtype as DType
  const array = d === "float32" ? Float32Array.from(values) : d === "float64" ? Float64Array.from(values) : d === "int32" ? Int32Array.from(values) : Uint8Array.from(values)
  return tensor(array, { ...options, dtype: d, shape: shape as number[] })
}

/** Rebuilds a tree written by `stateToJson`; tensors are created on `options.device` (default: current). */
export const stateFromJson = <S = Tree>(json: unknown, options: Pick<CreateOptions, "device"> = {}): S => {
  const visit = (node: unknown): unknown => {
    if (typeof node === "number" || typeof node === "string" || typeof node === "boolean" || node === null) return node
    if (Array.isArray(node)) return node.map(visit)
    if (isPlainRecord(node)) {
      if (reserved(node)) return "$tensor" in node ? decodeTensor(node.$tensor, options) : decodeNumber(node.$number)
      const out: Record<string, unknown> = {}
      for (const key of Object.keys(node)) out[key] = visit(node[key])
      return out
    }
    throw bad(`unexpected ${typeof node}`)
  }
  return local(() => visit(json)) as S
}
