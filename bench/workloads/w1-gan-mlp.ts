/**
 * W1 gan-mlp-2d: a non-saturating GAN with 2-128-128-128-{2,1} ReLU MLPs on the 25-Gaussian
 * grid (workloads.md §W1). One unit = one D step + one G step with Adam(1e-4, (0.5, 0.9)),
 * batch 256, fresh N(0, I₂) noise for each use, real batch t = rows [256(t mod 256), +256).
 */
import { nonSaturating } from "../../src/divergence/index.js"
import { mlp } from "../../src/nn/index.js"
import { adam } from "../../src/optim/index.js"
import { fold, type Key, key, normal, split } from "../../src/random/index.js"
import { slice, type Tensor } from "../../src/tensor/index.js"
import type { Case, Prepared, Workload } from "../harness/types.js"
import { adversarialIteration, type Player, player } from "./adversarial.js"
import { gridPool } from "../../src/data/index.js"

export const ganMlpCase = (
  impl: string,
  width: number,
  prepareIteration: (ctx: GanContext) => () => number,
  params: Readonly<Record<string, number>> = {}
): Case => ({
  impl,
  params: { batch: 256, width, ...params },
  plan: { warmup: 20, reps: 200 },
  quick: { warmup: 1, reps: 3 },
  prepare: (): Prepared => {
    const [kd, kg, kp, kr] = split(key(1), 4)
    const pool = gridPool(kp!, 65536)
    const widths = (out: number) => [2, width, width, width, out]
    const ctx: GanContext = {
      G: player(mlp(widths(2)), kg!, adam(1e-4, { b1: 0.5, b2: 0.9 })),
      D: player(mlp(widths(1)), kd!, adam(1e-4, { b1: 0.5, b2: 0.9 })),
      batch: (t: number) => slice(pool, 0, 256 * (t % 256), 256 * (t % 256) + 256),
      noise: (k) => normal(k, [256, 2]),
      key: kr!
    }
    const unit = prepareIteration(ctx)
    let last = NaN
    return {
      unit: () => {
        last = unit()
      },
      report: () => ({ value: last, value_name: "loss_d" })
    }
  }
})

export interface GanContext {
  readonly G: Player
  readonly D: Player
  readonly batch: (t: number) => Tensor
  readonly noise: (k: Key) => Tensor
  readonly key: Key
}

export const w1GanMlp: Workload = {
  id: "W1",
  name: "gan-mlp-2d",
  cases: [
    ganMlpCase("diverge-gan-mlp-2d", 128, (ctx) => {
      let t = 0
      return () => {
        const it = adversarialIteration(nonSaturating, ctx.G, ctx.D, fold(ctx.key, t), ctx.noise, () => ctx.batch(t))
        t++
        return it.lossD
      }
    })
  ]
}
