/**
 * Composite functions written from primitives, each stable for large |x| (no overflow or
 * NaN at |x| = 1e4 in float32), with first and second derivatives from the primitives.
 */
import { local } from "../local.js"
import { Tensor } from "../tensor.js"
import { bceLogits, exp, gt, neg, softplus, sqrt, square, sub, where } from "./elementwise.js"
import { type Axes, logsumexp, mean, sum } from "./reduce.js"

/** log σ(x) = -softplus(-x). */
export const logSigmoid = (x: Tensor): Tensor => local(() => neg(softplus(neg(x))))

/** x - logsumexp(x) along an axis (default: the last). */
export const logSoftmax = (x: Tensor, axis = -1): Tensor => local(() => sub(x, logsumexp(x, axis, true)))

export const softmax = (x: Tensor, axis = -1): Tensor => local(() => exp(logSoftmax(x, axis)))

export type Reduction = "mean" | "sum" | "none"

const reduce = (x: Tensor, reduction: Reduction): Tensor =>
  reduction === "none" ? x : reduction === "sum" ? sum(x) : mean(x)

/**
 * Binary cross-entropy of logits l against targets y in [0, 1]:
 * -[y log σ(l) + (1 - y) log(1 - σ(l))] = softplus(l) - y·l.
 */
export const binaryCrossEntropyWithLogits = (logits: Tensor, targets: Tensor | number, reduction: Reduction = "mean"): Tensor =>
  local(() => reduce(bceLogits(logits, targets), reduction))

/** Mean squared error (or its sum / elementwise values). */
export const mse = (a: Tensor, b: Tensor | number, reduction: Reduction = "mean"): Tensor =>
  local(() => reduce(square(sub(a, b)), reduction))

/**
 * Euclidean norm over axes (all by default). Written so that the derivative at 0 is 0 rather
 * than NaN (as PyTorch's): sqrt sees 1 where the sum of squares is 0, and that branch is
 * replaced by 0, so no infinite derivative is ever multiplied by zero.
 */
export const norm = (x: Tensor, axes?: Axes, keepdims = false): Tensor =>
  local(() => {
    const s = sum(square(x), axes, keepdims)
    const positive = gt(s, 0)
    return where(positive, sqrt(where(positive, s, 1)), 0)
  })
