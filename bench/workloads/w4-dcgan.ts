/**
 * W4 dcgan-28 (workloads.md §W4): a small DCGAN on 28×28×1, convolutions without bias,
 * BatchNorm always in training mode (running statistics updated), DCGAN initialisation
 * (conv weights N(0, 0.02), BN γ ~ N(1, 0.02), β = 0), batch 64, z ~ N(0, I₆₄) as [B, 64, 1, 1],
 * Adam(2e-4, (0.5, 0.999)); one unit = one iteration as in W1.
 */
import { nonSaturating } from "../../src/divergence/index.js"
import { batchNorm2d, conv2d, convTranspose2d, Init, leakyRelu, relu, sequential, tanh } from "../../src/nn/index.js"
import { adam } from "../../src/optim/index.js"
import { fold, key, normal, split } from "../../src/random/index.js"
import { slice } from "../../src/tensor/index.js"
import type { Case, Prepared, Workload } from "../harness/types.js"
import { adversarialIteration, player } from "./adversarial.js"
import { uniformPool } from "./pools.js"

const w = { bias: false, weightInit: Init.normalInit(0.02) } as const
const bn = (c: number) => batchNorm2d(c, { gammaInit: Init.normalInit(0.02, 1), betaInit: Init.zeros })

export const dcganGenerator = () =>
  sequential(
    convTranspose2d(64, 128, 7, w), bn(128), relu,
    convTranspose2d(128, 64, 4, { stride: 2, padding: 1, ...w }), bn(64), relu,
    convTranspose2d(64, 1, 4, { stride: 2, padding: 1, ...w }), tanh
  )

export const dcganCritic = () =>
  sequential(
    conv2d(1, 64, 4, { stride: 2, padding: 1, ...w }), leakyRelu(0.2),
    conv2d(64, 128, 4, { stride: 2, padding: 1, ...w }), bn(128), leakyRelu(0.2),
    conv2d(128, 1, 7, w)
  )

const dcgan: Case = {
  impl: "diverge-dcgan-28",
  params: { batch: 64 },
  plan: { warmup: 20, reps: 200 },
  quick: { warmup: 1, reps: 2 },
  prepare: (): Prepared => {
    const [kg, kd, kp, kr] = split(key(4), 4)
    const G = player(dcganGenerator(), kg!, adam(2e-4, { b1: 0.5, b2: 0.999 }))
    const D = player(dcganCritic(), kd!, adam(2e-4, { b1: 0.5, b2: 0.999 }))
    const pool = uniformPool(kp!, [1024, 1, 28, 28])
    let t = 0
    let last = NaN
    return {
      unit: () => {
        const batch = () => slice(pool, 0, 64 * (t % 16), 64 * (t % 16) + 64)
        last = adversarialIteration(nonSaturating, G, D, fold(kr!, t), (k) => normal(k, [64, 64, 1, 1]), batch).lossD
        t++
      },
      report: () => ({ value: last, value_name: "loss_d" })
    }
  }
}

export const w4Dcgan: Workload = { id: "W4", name: "dcgan-28", cases: [dcgan] }
