/** Activations as parameter-free layers (and as plain functions). */
import { local } from "../tensor/local.js"
import { add, erf, expm1, gt, minimum, mul, relu as reluFn, sigmoid as sigmoidFn, softplus as softplusFn, tanh as tanhFn, where } from "../tensor/ops/elementwise.js"
import type { Tensor } from "../tensor/tensor.js"
import { fn } from "./layer.js"

/** x for x > 0, slope·x otherwise. */
export const leakyReluFn = (x: Tensor, slope = 0.01): Tensor => local(() => where(gt(x, 0), x, mul(x, slope)))

/** x for x > 0, α(eˣ − 1) otherwise (eˣ is taken at min(x, 0) so large x never overflows). */
export const eluFn = (x: Tensor, alpha = 1): Tensor => local(() => add(reluFn(x), mul(expm1(minimum(x, 0)), alpha)))

/** The exact GELU, x·Φ(x) = ½x(1 + erf(x/√2)). */
export const geluFn = (x: Tensor): Tensor => local(() => mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1)))

export const relu = fn("relu", reluFn)
export const leakyRelu = (slope = 0.01) => fn(`leakyRelu(${slope})`, (x) => leakyReluFn(x, slope))
export const elu = (alpha = 1) => fn(`elu(${alpha})`, (x) => eluFn(x, alpha))
export const tanh = fn("tanh", tanhFn)
export const sigmoid = fn("sigmoid", sigmoidFn)
export const softplus = fn("softplus", softplusFn)
export const gelu = fn("gelu", geluFn)
export const identity = fn("identity", (x) => x)
