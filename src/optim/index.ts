/** diverge/optim: optimizers as pure gradient transformations (optax style, PyTorch numerics). */
export {
  type GradientTransformation,
  type EmptyState,
  applyUpdates,
  step,
  stateless,
  identity,
  chain,
  scale,
  addDecayedWeights,
  clipByValue,
  clipByGlobalNorm,
  globalNorm,
  clipWeights
} from "./transform.js"
export {
  type CountState,
  type TraceOptions,
  type TraceState,
  type AdamOptions,
  type AdamState,
  type RmsOptions,
  type RmsState,
  scaleByLearningRate,
  trace,
  scaleByAdam,
  scaleByRms
} from "./scale.js"
export { type LabelTree, partition } from "./partition.js"
export { type SgdOptions, type AdamConfig, type RmspropOptions, sgd, adam, adamw, rmsprop } from "./optimizers.js"
export * as Schedules from "./schedule.js"
export type { Schedule, LearningRate } from "./schedule.js"
export { type Json, stateToJson, stateFromJson } from "./serialize.js"
export { disposeTree } from "../tensor/tree.js"
