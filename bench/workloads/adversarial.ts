/**
 * The iteration shared by W1, W2 and W4: a critic step on one real batch and one no-grad
 * generator batch, then a generator step with the critic frozen, both with Adam; the losses
 * are read back to the host. Networks are diverge layers; the step is the library's own
 * (valueAndGrad + optim.step), so the benchmark measures what a study runs.
 */
import { valueAndGrad } from "../../src/autodiff/index.js"
import type { Divergence, Inputs } from "../../src/divergence/index.js"
import type { Layer } from "../../src/nn/index.js"
import { type GradientTransformation, step } from "../../src/optim/index.js"
import { fold, type Key, split } from "../../src/random/index.js"
import { keeper, local, noGrad, type Tensor, Tree } from "../../src/tensor/index.js"

export interface Player {
  readonly net: Layer<any, any>
  params: unknown
  state: unknown
  readonly optimizer: GradientTransformation<any>
  optState: unknown
}

export const player = (net: Layer<any, any>, key: Key, optimizer: GradientTransformation<any>): Player => {
  const v = net.init(key)
  return { net, params: v.params, state: v.state, optimizer, optState: optimizer.init(v.params) }
}

/** Replaces a player's variables, freeing the tensors the new ones do not reuse. */
const update = (p: Player, next: { params: unknown; state: unknown; optState: unknown }) => {
  const keep = new Set(Tree.leaves([next.params, next.state, next.optState]))
  for (const t of Tree.leaves([p.params, p.state, p.optState])) if (!keep.has(t)) t.dispose()
  p.params = next.params
  p.state = next.state
  p.optState = next.optState
}

export interface Iteration {
  readonly lossD: number
  readonly lossG: number
}

/**
 * One iteration. `noise(key)` draws a generator input; `criticSteps` real batches are consumed
 * (W2: 5), each from `batch(i)`. Layer states (BatchNorm statistics) are threaded through every
 * forward pass in train mode, as PyTorch's modules do.
 */
export const adversarialIteration = (
  divergence: Divergence,
  G: Player,
  D: Player,
  key: Key,
  noise: (k: Key) => Tensor,
  batch: (i: number) => Tensor,
  criticSteps = 1
): Iteration => {
  let lossD = 0
  for (let i = 0; i < criticSteps; i++) {
    const [kz, kp] = split(fold(key, i), 2)
    const next = local(() => {
      const out = noGrad(() => G.net.apply({ params: G.params, state: G.state }, noise(kz!), { train: true }))
      let dState = D.state
      const keep = keeper() // the critic's new statistics leave the loss's own scopes through this closure
      const critic = (params: unknown) => (x: Tensor) => {
        const r = D.net.apply({ params, state: dState }, x, { train: true })
        dState = keep(r.state)
        return r.y
      }
      // New layer states are made inside the differentiated function: they leave it as aux.
      const { value, grad, aux } = valueAndGrad(
        (params: unknown) => {
          const inputs: Inputs = { real: batch(i), fake: out.y, critic: critic(params), key: kp!, step: i }
          return [divergence.criticLoss!(inputs), dState] as const
        },
        { hasAux: true }
      )(D.params)
      const stepped = step(D.optimizer, D.params, grad, D.optState)
      return { g: out.state, d: { params: stepped.params, state: aux, optState: stepped.state }, loss: value.item() }
    })
    update(G, { params: G.params, state: next.g, optState: G.optState })
    update(D, next.d)
    lossD = next.loss
  }
  const next = local(() => {
    const z = noise(fold(key, criticSteps))
    let gState = G.state, dState = D.state
    const keep = keeper()
    const { value, grad, aux } = valueAndGrad(
      (params: unknown) => {
        const out = G.net.apply({ params, state: gState }, z, { train: true })
        gState = out.state
        const critic = (x: Tensor) => {
          const r = D.net.apply({ params: D.params, state: dState }, x, { train: true })
          dState = keep(r.state)
          return r.y
        }
        return [divergence.generatorLoss({ fake: out.y, critic }), { g: gState, d: dState }] as const
      },
      { hasAux: true }
    )(G.params)
    const stepped = step(G.optimizer, G.params, grad, G.optState)
    return { g: { params: stepped.params, state: aux.g, optState: stepped.state }, d: aux.d, loss: value.item() }
  })
  update(G, next.g)
  update(D, { params: D.params, state: next.d, optState: D.optState })
  return { lossD, lossG: next.loss }
}
