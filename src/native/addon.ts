/**
 * The only module that loads the native addon. It types the addon's surface and wraps each
 * entry point so that native failures surface as tagged errors (see errors.ts).
 */
import { createRequire } from "node:module"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { dirname, join } from "node:path"
import { fromNative } from "./errors.js"

/** Raw handle of a native tensor (a number; see native/binding/handles.h). */
export type Handle = number

export interface OpRow {
  readonly name: string
  readonly family: number
  readonly arity: number
  readonly differentiable: boolean
}

/** What `transport` returns: the optimal cost, the plan (a new float64 [n, m] tensor) and dual potentials. */
export interface TransportSolution {
  readonly cost: number
  readonly plan: Handle
  readonly u: Float64Array
  readonly v: Float64Array
  readonly iterations: number
}

interface RawAddon {
  opTable(): OpRow[]
  unary(op: number, x: Handle): Handle
  unaryParams(op: number, x: Handle, p0: number, p1: number): Handle
  binary(op: number, a: Handle | number, b: Handle | number, scalarFlags: number): Handle
  where(cond: Handle, a: Handle, b: Handle): Handle
  /** x @ w + b with b of shape [n] (the bias starts the product's accumulation). */
  linear(x: Handle, w: Handle, b: Handle): Handle
  reduce(op: number, x: Handle, axes: number, keepdims: boolean): Handle
  reshape(op: number, x: Handle, dims: readonly number[]): Handle
  slice(x: Handle, axis: number, start: number, stop: number, step: number): Handle
  cast(x: Handle, dtype: number): Handle
  concat(xs: readonly Handle[], axis: number): Handle
  indexSelect(op: number, x: Handle, axis: number, idx: Handle): Handle
  indexAdd(op: number, base: Handle, axis: number, idx: Handle, src: Handle): Handle
  create(op: number, dims: readonly number[], dtype: number, device: number, p0: number, p1: number): Handle
  random(op: number, dims: readonly number[], dtype: number, device: number, k0: number, k1: number, p0: number, p1: number): Handle
  /** im2col / col2im; geometry = [kh, kw, sh, sw, ph, pw, dh, dw]; imageSize = [H, W] (col2im only). */
  conv(op: number, x: Handle, geometry: readonly number[], imageSize: readonly number[] | undefined): Handle
  /** Fused optimizer steps: the op's same-shape tensors (adam_step 3, adam_apply 4), four numbers; three new tensors. */
  fused(op: number, ...operands: Array<Handle | number>): [Handle, Handle, Handle]
  fromArray(data: ArrayBufferView, dims: readonly number[], dtype: number, device: number): Handle
  toArray(x: Handle): Float32Array | Float64Array | Int32Array | Uint8Array
  item(x: Handle): number
  meta(x: Handle): number[]
  dispose(x: Handle): boolean
  disposeMany(xs: readonly Handle[]): number
  /** [live tensors, live bytes, peak bytes, live handles, reserved bytes] */
  stats(device: number): [number, number, number, number, number]
  /** Returns the device's cached blocks to the driver; the reserved bytes left. */
  emptyCache(device: number): number
  /** A copy of x on another device (differentiable). */
  toDevice(x: Handle, device: number): Handle
  devices(): Array<{ kind: number; name: string; available: boolean; detail: string }>
  setNumThreads(n: number): number
  numThreads(): number
  setRequiresGrad(x: Handle, requires: boolean): void
  detach(x: Handle): Handle
  gradients(outputs: readonly Handle[], gradOutputs: readonly Handle[], inputs: readonly Handle[], createGraph: boolean, retainGraph: boolean): Handle[]
  setGradEnabled(enabled: boolean): boolean
  /** Exact OT by the network simplex: a [n], b [m], cost [n, m] (float32/float64). */
  transport(a: Handle, b: Handle, cost: Handle, maxIterations: number, massTolerance: number): TransportSolution
}

const locate = (): string => {
  // A different build of the same sources (e.g. one for valgrind, which lacks AVX-512).
  const override = process.env.DIVERGE_ADDON
  if (override !== undefined && override !== "") return override
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "build", "Release", "diverge.node")
    if (existsSync(candidate)) return candidate
    dir = dirname(dir)
  }
  throw new Error("diverge: native addon not found (build/Release/diverge.node); run `npm ci` or `npm run build:native`")
}

const raw: RawAddon = createRequire(import.meta.url)(locate())

type Wrapped = { readonly [K in keyof RawAddon]: RawAddon[K] }
type AnyFn = (this: RawAddon, ...args: unknown[]) => unknown

/**
 * Wraps an entry point so that a native failure is rethrown as its tagged error. Written out
 * per arity (no rest arguments) to keep the per-op cost low.
 */
const guard = (f: AnyFn, arity: number): unknown => {
  switch (arity) {
    case 0: return () => { try { return f.call(raw) } catch (e) { throw fromNative(e) } }
    case 1: return (a: unknown) => { try { return f.call(raw, a) } catch (e) { throw fromNative(e) } }
    case 2: return (a: unknown, b: unknown) => { try { return f.call(raw, a, b) } catch (e) { throw fromNative(e) } }
    case 3: return (a: unknown, b: unknown, c: unknown) => { try { return f.call(raw, a, b, c) } catch (e) { throw fromNative(e) } }
    case 4: return (a: unknown, b: unknown, c: unknown, d: unknown) => { try { return f.call(raw, a, b, c, d) } catch (e) { throw fromNative(e) } }
    default: return (...args: unknown[]) => { try { return f.apply(raw, args) } catch (e) { throw fromNative(e) } }
  }
}

const declaredArity: Record<keyof RawAddon, number> = {
  opTable: 0, unary: 2, unaryParams: 4, binary: 4, where: 3, linear: 3, reduce: 4, reshape: 3, slice: 5, cast: 2, concat: 2,
  indexSelect: 4, indexAdd: 5, create: 6, random: 8, conv: 4, fused: 8, fromArray: 4, toArray: 1, item: 1, meta: 1, dispose: 1, disposeMany: 1,
  stats: 1, emptyCache: 1, toDevice: 2, devices: 0, setNumThreads: 1, numThreads: 0, setRequiresGrad: 2, detach: 1, gradients: 5,
  setGradEnabled: 1, transport: 5
}

const wrapAll = (): Wrapped => {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(declaredArity) as Array<keyof RawAddon>) {
    out[key] = guard(raw[key] as unknown as AnyFn, declaredArity[key])
  }
  return out as unknown as Wrapped
}

export const native: Wrapped = wrapAll()

/** Op ids by name, from the native registry. */
export const opTable: readonly OpRow[] = raw.opTable()
const ids = new Map(opTable.map((row, i) => [row.name, i] as const))
export const opId = (name: string): number => {
  const id = ids.get(name)
  if (id === undefined) throw new Error(`diverge: the native registry has no op named ${name}`)
  return id
}
