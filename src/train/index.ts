/** diverge/train: players, schedules as values, the training loop, checkpoints. */
export * from "./schedule.js"
export type { Player, Game, StepContext, LossResult, BatchSource } from "./player.js"
export { train, initialState, checkpointBody, type TrainState, type TrainOptions, type MetricsRecord } from "./loop.js"
export { save, load, encode, decode, checkShapes, type CheckpointMeta } from "./checkpoint.js"
export { NonFiniteLoss, CheckpointCorrupt, CheckpointMismatch, CheckpointIOError } from "./errors.js"
