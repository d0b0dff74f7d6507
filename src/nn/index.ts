/** diverge/nn: layers as data (init(key) → variables, apply(variables, x, mode) → output). */
export * from "./layer.js"
export * as Init from "./init.js"
export { linear, maxout, mlp, type LinearParams, type LinearOptions, type MlpOptions } from "./linear.js"
export { relu, leakyRelu, elu, tanh, sigmoid, softplus, gelu, identity, leakyReluFn, eluFn, geluFn } from "./activation.js"
export { batchNorm1d, batchNorm2d, layerNorm, type AffineParams, type RunningStats, type BatchNormOptions } from "./norm.js"
export { dropout } from "./dropout.js"
export { conv2d, convTranspose2d, type ConvParams, type ConvLayerOptions } from "./conv.js"
export * as Tree from "../tensor/tree.js"
