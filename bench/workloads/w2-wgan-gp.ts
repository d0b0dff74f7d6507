/**
 * W2 wgan-gp-2d (workloads.md §W2): WGAN-GP with λ = 10 on the 25-Gaussian grid, W1's MLPs at
 * hidden width 512 (and the 128 variant). One unit = one generator iteration: 5 critic steps,
 * each on the next real batch (the counter advances per critic step), with the penalty's
 * double backward, then one generator step with the critic frozen. value = last critic loss.
 */
import { gradientPenalty, wasserstein, withPenalty } from "../../src/divergence/index.js"
import { fold } from "../../src/random/index.js"
import type { Workload } from "../harness/types.js"
import { adversarialIteration } from "./adversarial.js"
import { ganMlpCase } from "./w1-gan-mlp.js"

const criticSteps = 5
const wganGp = withPenalty(wasserstein, gradientPenalty(10))

const wganGpCase = (width: number) =>
  ganMlpCase(`diverge-wgan-gp-h${width}`, width, (ctx) => {
    let t = 0
    return () => {
      const base = criticSteps * t
      const it = adversarialIteration(wganGp, ctx.G, ctx.D, fold(ctx.key, t), ctx.noise, (i) => ctx.batch(base + i), criticSteps)
      t++
      return it.lossD
    }
  }, { critic_steps: criticSteps })

export const w2WganGp: Workload = { id: "W2", name: "wgan-gp-2d", cases: [wganGpCase(512), wganGpCase(128)] }
