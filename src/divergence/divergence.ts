/**
 * A Divergence is a value: a name, how the critic's output is activated, the critic's and
 * the generator's objectives (both minimised), and its conventions. Values combine with
 * `plus`, `scale` and `withPenalty` into new values; nothing here runs until a loss is asked
 * for with the inputs of one training step.
 */
import { Data } from "effect"
import { type Pipeable, pipeArguments } from "effect/Pipeable"
import { dual } from "effect/Function"
import { local } from "../tensor/local.js"
import { add, mul } from "../tensor/ops/elementwise.js"
import { reshape } from "../tensor/ops/shape.js"
import type { Tensor } from "../tensor/tensor.js"
import type { Key } from "../random/index.js"
import type { DivergenceSpec, PenaltySpec } from "./spec.js"

/** What one step provides; each divergence reads the fields it needs (MissingInput otherwise). */
export interface Inputs {
  /** Samples of the data distribution P. */
  readonly real?: Tensor
  /** Samples of the model Q (with gradient to the generator when training it). */
  readonly fake?: Tensor
  /** The critic's raw output V(x), one value per sample. */
  readonly critic?: (x: Tensor) => Tensor
  /** Randomness for this step (interpolates, projections, reparameterisation). */
  readonly key?: Key
  /** Index of the current critic step (lazy penalties). */
  readonly step?: number
  /** Latent-variable models: the data batch, the encoder's diagonal Gaussian, the decoder. */
  readonly data?: Tensor
  readonly posterior?: { readonly mean: Tensor; readonly logVar: Tensor }
  readonly decode?: (z: Tensor) => Tensor
  /** Samples of a reference distribution in latent space (e.g. the prior), for latent MMD. */
  readonly latent?: Tensor
  readonly prior?: Tensor
}

export class MissingInput extends Data.TaggedError("MissingInput")<{ readonly message: string }> {}

/** The fields of Inputs a divergence reads, failing clearly when one is absent. */
export const need = <K extends keyof Inputs>(inputs: Inputs, key: K, who: string): NonNullable<Inputs[K]> => {
  const v = inputs[key]
  if (v === undefined || v === null) throw new MissingInput({ message: `${who} needs inputs.${String(key)}` })
  return v as NonNullable<Inputs[K]>
}

export interface Conventions {
  /** What the objective estimates at the optimum (e.g. "2·JS(P‖Q) − log 4"). */
  readonly estimates: string
  /** How signs are arranged (both players minimise their loss). */
  readonly sign: string
  /** Scalings applied relative to the textbook definition. */
  readonly scaling: string
}

export interface Divergence extends Pipeable {
  readonly _tag: "Divergence"
  readonly name: string
  readonly spec: DivergenceSpec
  readonly conventions: Conventions
  /** g_f: maps the critic's raw output into the conjugate's domain (identity when none). */
  readonly activation: ((v: Tensor) => Tensor) | undefined
  /** The loss the critic minimises; undefined when there is no critic (MMD, ELBO, OT). */
  readonly criticLoss: ((inputs: Inputs) => Tensor) | undefined
  /** The loss the generator (or model) minimises. */
  readonly generatorLoss: (inputs: Inputs) => Tensor
  /** WGAN weight clipping: the critic's parameters are projected into [-c, c] after each step. */
  readonly weightClip: number | undefined
}

const proto = {
  pipe(this: Divergence) {
    // eslint-disable-next-line prefer-rest-params
    return pipeArguments(this, arguments)
  }
}

export const make = (fields: Omit<Divergence, "_tag" | "pipe" | "weightClip"> & { readonly weightClip?: number }): Divergence =>
  Object.assign(Object.create(proto), { _tag: "Divergence", weightClip: undefined, ...fields }) as Divergence

export const isDivergence = (u: unknown): u is Divergence =>
  typeof u === "object" && u !== null && (u as { _tag?: unknown })._tag === "Divergence"

/** A critic's output as one value per sample ([B] or [B, 1] both become [B]). */
export const perSample = (v: Tensor): Tensor => reshape(v, [-1])

const sumLosses = (a: ((i: Inputs) => Tensor) | undefined, b: ((i: Inputs) => Tensor) | undefined) =>
  a === undefined ? b : b === undefined ? a : (i: Inputs) => local(() => add(a(i), b(i)))

/** The sum of two objectives: each player minimises the sum of its losses. */
export const plus: {
  (that: Divergence): (self: Divergence) => Divergence
  (self: Divergence, that: Divergence): Divergence
} = dual(2, (self: Divergence, that: Divergence): Divergence =>
  make({
    name: `${self.name} + ${that.name}`,
    spec: { _tag: "plus", terms: [self.spec, that.spec] },
    conventions: {
      estimates: `${self.conventions.estimates} + ${that.conventions.estimates}`,
      sign: "each player minimises the sum of its losses",
      scaling: "terms as given"
    },
    activation: self.activation === that.activation ? self.activation : undefined,
    criticLoss: sumLosses(self.criticLoss, that.criticLoss),
    generatorLoss: sumLosses(self.generatorLoss, that.generatorLoss)!,
    ...(self.weightClip !== undefined || that.weightClip !== undefined
      ? { weightClip: Math.min(self.weightClip ?? Infinity, that.weightClip ?? Infinity) }
      : {})
  }))

/** Both losses multiplied by a factor. */
export const scale: {
  (factor: number): (self: Divergence) => Divergence
  (self: Divergence, factor: number): Divergence
} = dual(2, (self: Divergence, factor: number): Divergence => {
  const times = (f: ((i: Inputs) => Tensor) | undefined) => (f === undefined ? undefined : (i: Inputs) => local(() => mul(f(i), factor)))
  return make({
    name: `${factor}·(${self.name})`,
    spec: { _tag: "scale", factor, of: self.spec },
    conventions: { ...self.conventions, estimates: `${factor}·(${self.conventions.estimates})`, scaling: `${factor}× ${self.conventions.scaling}` },
    activation: self.activation,
    criticLoss: times(self.criticLoss),
    generatorLoss: times(self.generatorLoss)!,
    ...(self.weightClip !== undefined ? { weightClip: self.weightClip } : {})
  })
})

/** A regulariser of the critic: its value is added to the critic's loss (undefined: skipped this step). */
export interface Penalty {
  readonly _tag: "Penalty"
  readonly name: string
  readonly spec: PenaltySpec
  readonly apply: (inputs: Inputs) => Tensor | undefined
}

export const withPenalty: {
  (penalty: Penalty): (self: Divergence) => Divergence
  (self: Divergence, penalty: Penalty): Divergence
} = dual(2, (self: Divergence, penalty: Penalty): Divergence => {
  const critic = self.criticLoss
  if (critic === undefined) throw new MissingInput({ message: `${self.name} has no critic to penalise` })
  return make({
    name: `${self.name} with ${penalty.name}`,
    spec: { _tag: "withPenalty", of: self.spec, penalty: penalty.spec },
    conventions: self.conventions,
    activation: self.activation,
    criticLoss: (i) =>
      local(() => {
        const base = critic(i)
        const p = penalty.apply(i)
        return p === undefined ? base : add(base, p)
      }),
    generatorLoss: self.generatorLoss,
    ...(self.weightClip !== undefined ? { weightClip: self.weightClip } : {})
  })
})

/** WGAN's weight clipping: the critic's parameters live in [-c, c] (an optimizer projection). */
export const withWeightClip: {
  (c: number): (self: Divergence) => Divergence
  (self: Divergence, c: number): Divergence
} = dual(2, (self: Divergence, c: number): Divergence =>
  make({ ...self, name: `${self.name} with weights clipped to ±${c}`, spec: { _tag: "withWeightClip", of: self.spec, c }, weightClip: c }))
