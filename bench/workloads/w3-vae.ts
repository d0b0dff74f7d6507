/**
 * W3 vae-mlp-784 (workloads.md §W3): encoder 784-400 ReLU with 400-20 heads for μ and log σ²,
 * decoder 20-400 ReLU-784 logits, Bernoulli ELBO (Σ BCE + KLD)/128 with fresh ε ~ N(0, I₂₀),
 * Adam(1e-3, (0.9, 0.999)). One unit = one step; value = the loss.
 */
import { valueAndGrad } from "../../src/autodiff/index.js"
import { bernoulli as bernoulliLikelihood, elbo } from "../../src/divergence/index.js"
import { forward, linear, mlp, relu, sequential } from "../../src/nn/index.js"
import { adam, step } from "../../src/optim/index.js"
import { fold, key, split } from "../../src/random/index.js"
import { local, slice, type Tensor, Tree } from "../../src/tensor/index.js"
import type { Case, Prepared, Workload } from "../harness/types.js"
import { bernoulliPool } from "./pools.js"

const vae: Case = {
  impl: "diverge-vae-mlp-784",
  params: { batch: 128, latent: 20 },
  plan: { warmup: 20, reps: 200 },
  quick: { warmup: 1, reps: 3 },
  prepare: (): Prepared => {
    const [k1, k2, k3, k4, kp, kr] = split(key(3), 6)
    const trunk = sequential(linear(784, 400), relu)
    const muHead = linear(400, 20), logVarHead = linear(400, 20)
    const decoder = mlp([20, 400, 784])
    const trunkVars = trunk.init(k1!), decoderVars = decoder.init(k4!)
    let params = { trunk: trunkVars.params, mu: muHead.init(k2!).params, logVar: logVarHead.init(k3!).params, decoder: decoderVars.params }
    const pool = bernoulliPool(kp!, 8192, 784)
    const optimizer = adam(1e-3)
    let optState = optimizer.init(params)
    const loss = elbo(bernoulliLikelihood)
    let t = 0
    let last = NaN
    return {
      unit: () => {
        const x = (): Tensor => slice(pool, 0, 128 * (t % 64), 128 * (t % 64) + 128)
        const next = local(() => {
          const { value, grad } = valueAndGrad((p: typeof params) => {
            const h = forward(trunk, { params: p.trunk, state: trunkVars.state }, x())
            const posterior = { mean: forward(muHead, { params: p.mu, state: undefined }, h), logVar: forward(logVarHead, { params: p.logVar, state: undefined }, h) }
            const decode = (z: Tensor) => forward(decoder, { params: p.decoder, state: decoderVars.state }, z)
            return loss.generatorLoss({ data: x(), posterior, decode, key: fold(kr!, t) })
          })(params)
          const stepped = step(optimizer, params, grad, optState)
          return { ...stepped, loss: value.item() }
        })
        Tree.leaves([params, optState]).forEach((tn) => tn.dispose())
        params = next.params
        optState = next.state
        last = next.loss
        t++
      },
      report: () => ({ value: last, value_name: "loss" })
    }
  }
}

export const w3Vae: Workload = { id: "W3", name: "vae-mlp-784", cases: [vae] }
