/**
 * The data pools of W3 and W4 (W1's 25-Gaussian grid is src/data's gridPool), drawn from diverge
 * keys: the reference's torch streams are not reproduced (losses are sanity values only, §0).
 */
import { bernoulli, type Key, uniform } from "../../src/random/index.js"
import { cast, type Tensor } from "../../src/tensor/index.js"

/** W3: binary images, every pixel Bernoulli(1/2), as float32 0/1. */
export const bernoulliPool = (k: Key, n: number, d: number): Tensor => cast(bernoulli(k, 0.5, [n, d]), "float32")

/** W4: "images" uniform on [−1, 1). */
export const uniformPool = (k: Key, shape: readonly number[]): Tensor => uniform(k, shape, { lo: -1, hi: 1 })
