/**
 * Players and games. A player owns parameters, an optimizer (with its state) and a loss; a
 * game is the set of players plus how to initialise every network. During a player's step
 * the other players' parameters are constants (their networks are "frozen": only gradients
 * with respect to this player's parameters are computed).
 */
import type { Key } from "../random/index.js"
import type { GradientTransformation } from "../optim/index.js"
import type { Tensor } from "../tensor/tensor.js"

export interface StepContext {
  /** This step's batch of data. */
  readonly batch: Tensor
  /** This step's key (derived from the run's key and the step number). */
  readonly key: Key
  /** How many steps this player has taken before this one. */
  readonly step: number
  /** Every player's current parameters (use your own from the loss's first argument). */
  readonly params: Readonly<Record<string, unknown>>
  /** Mutable layer state by network name (BatchNorm statistics). */
  readonly state: Readonly<Record<string, unknown>>
}

export interface LossResult {
  readonly loss: Tensor
  /** Updated layer states (by network name) to keep after this step. */
  readonly state?: Readonly<Record<string, unknown>>
  /** Scalars to log with the loss (e.g. the gradient penalty alone). */
  readonly metrics?: Readonly<Record<string, Tensor>>
}

export interface Player<P = any> {
  readonly name: string
  readonly optimizer: GradientTransformation<any>
  /** The loss this player minimises, as a function of its own parameters. */
  readonly loss: (own: P, context: StepContext) => Tensor | LossResult
}

export interface Game {
  readonly players: readonly Player[]
  /** Parameters by player name and layer state by network name. */
  readonly init: (key: Key) => { readonly params: Readonly<Record<string, unknown>>; readonly state: Readonly<Record<string, unknown>> }
}

/** Batches with an explicit, serialisable cursor: `next(cursor)` is the batch there and the cursor after it. */
export interface BatchSource<C> {
  readonly start: C
  readonly next: (cursor: C) => { readonly batch: Tensor; readonly cursor: C }
}
