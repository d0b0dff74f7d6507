/**
 * Layers as data. A layer is a pair of pure functions: `init(key)` makes its variables —
 * trainable `params` and mutable `state` (e.g. BatchNorm's running statistics) — and
 * `apply(variables, x, mode)` computes the output and the new state. Nothing is hidden in
 * the layer: the caller holds the variables, and randomness (dropout) comes from `mode.key`.
 */
import { Data } from "effect"
import { fold, type Key } from "../random/index.js"
import type { DeviceId } from "../tensor/device.js"
import type { DType } from "../tensor/dtype.js"
import type { Tensor } from "../tensor/tensor.js"

export interface InitOptions {
  readonly dtype?: DType
  readonly device?: DeviceId
}

export interface Variables<P, S> {
  readonly params: P
  readonly state: S
}

export interface Mode {
  /** Training: batch statistics in normalisation layers, active dropout. Default false. */
  readonly train?: boolean
  /** Randomness for this call (dropout); each sublayer gets its own key folded from it. */
  readonly key?: Key
}

export interface Output<S> {
  readonly y: Tensor
  readonly state: S
}

export interface Layer<P = unknown, S = unknown> {
  readonly name: string
  readonly init: (key: Key, options?: InitOptions) => Variables<P, S>
  readonly apply: (variables: Variables<P, S>, x: Tensor, mode?: Mode) => Output<S>
}

export class MissingKey extends Data.TaggedError("MissingKey")<{ readonly message: string }> {}

/** A layer without state from an init of its params and a pure function. */
export const stateless = <P>(
  name: string,
  init: (key: Key, options: InitOptions) => P,
  forward: (params: P, x: Tensor, mode: Mode) => Tensor
): Layer<P, undefined> => ({
  name,
  init: (key, options = {}) => ({ params: init(key, options), state: undefined }),
  apply: (variables, x, mode = {}) => ({ y: forward(variables.params, x, mode), state: undefined })
})

/** A parameter-free layer (an activation). */
export const fn = (name: string, f: (x: Tensor) => Tensor): Layer<undefined, undefined> =>
  stateless(name, () => undefined, (_, x) => f(x))

/** The output only, for layers whose state is not needed (inference, frozen statistics). */
export const forward = <P, S>(layer: Layer<P, S>, variables: Variables<P, S>, x: Tensor, mode?: Mode): Tensor =>
  layer.apply(variables, x, mode).y

/** Layers applied one after the other; params and state are arrays, one entry per layer. */
export const sequential = (...layers: readonly Layer<any, any>[]): Layer<unknown[], unknown[]> => ({
  name: `sequential(${layers.map((l) => l.name).join(", ")})`,
  init: (key, options = {}) => {
    const vars = layers.map((layer, i) => layer.init(fold(key, i), options))
    return { params: vars.map((v) => v.params), state: vars.map((v) => v.state) }
  },
  apply: (variables, x, mode = {}) => {
    let y = x
    const state: unknown[] = []
    layers.forEach((layer, i) => {
      const sub = mode.key === undefined ? mode : { ...mode, key: fold(mode.key, i) }
      const out = layer.apply({ params: variables.params[i], state: variables.state[i] }, y, sub)
      y = out.y
      state.push(out.state)
    })
    return { y, state }
  }
})
