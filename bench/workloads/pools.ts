/**
 * The benchmark data pools of workloads.md, drawn from diverge keys (the reference's NumPy and
 * torch streams are not reproduced: losses are sanity values only, as §0 says).
 */
import { bernoulli, type Key, normal, randint, split, uniform } from "../../src/random/index.js"
import { add, cast, div, mul, type Tensor, tensor } from "../../src/tensor/index.js"

/** 25-Gaussian grid (§ shared data): centre (2(c div 5 − 2), 2(c mod 5 − 2)), point (centre + 0.05·N(0, I))/2.828. */
export const gridPool = (k: Key, n: number): Tensor => {
  const [kc, kn] = split(k, 2)
  const c = randint(kc!, [n], 0, 25).toTypedArray() as Int32Array
  const centres = new Float32Array(2 * n)
  c.forEach((ci, i) => {
    centres[2 * i] = 2 * (Math.floor(ci / 5) - 2)
    centres[2 * i + 1] = 2 * ((ci % 5) - 2)
  })
  return div(add(tensor(centres, { shape: [n, 2] }), mul(normal(kn!, [n, 2]), 0.05)), 2.828)
}

/** W3: binary images, every pixel Bernoulli(1/2), as float32 0/1. */
export const bernoulliPool = (k: Key, n: number, d: number): Tensor => cast(bernoulli(k, 0.5, [n, d]), "float32")

/** W4: "images" uniform on [−1, 1). */
export const uniformPool = (k: Key, shape: readonly number[]): Tensor => uniform(k, shape, { lo: -1, hi: 1 })
