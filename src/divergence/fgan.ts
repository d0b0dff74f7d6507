/**
 * The f-GAN family (Nowozin, Cseke & Tomioka, 2016, Tables 1 and 2). For a convex f with
 * f(1) = 0, D_f(P‖Q) = E_Q[f(p/q)] ≥ sup_T E_P[T(x)] − E_Q[f*(T(x))], with equality at
 * T*(x) = f'(p(x)/q(x)). The critic outputs V(x); T = g_f(V) lands in the domain of f*.
 * The critic minimises −(E_P[T] − E_Q[f*(T)]); the generator minimises −E_Q[f*(T)] (the
 * saddle objective), or −E_Q[T] with `generator: "alternative"` (Nowozin et al. §3.2).
 */
import { InvalidArgument } from "../native/errors.js"
import { local } from "../tensor/local.js"
import { add, div, exp, log, mul, neg, softplus, sqrt, sub, tanh, wrightOmega } from "../tensor/ops/elementwise.js"
import { mean } from "../tensor/ops/reduce.js"
import type { Tensor } from "../tensor/tensor.js"
import { type Divergence, make, need, perSample } from "./divergence.js"

export type FName =
  | "kl"
  | "reverseKl"
  | "pearson"
  | "neyman"
  | "squaredHellinger"
  | "jeffrey"
  | "jensenShannon"
  | "gan"
  | "totalVariation"

export const fNames: readonly FName[] = ["kl", "reverseKl", "pearson", "neyman", "squaredHellinger", "jeffrey", "jensenShannon", "gan", "totalVariation"]

export interface FDivergence {
  readonly name: FName
  /** The generator function f (scalar, float64): D_f(P‖Q) = ∫ q f(p/q). */
  readonly f: (u: number) => number
  /** f', which gives the optimal critic T*(x) = f'(p(x)/q(x)). */
  readonly fPrime: (u: number) => number
  readonly fPrimeAtOne: number
  /** The Fenchel conjugate f*(t) = sup_u (u t − f(u)) on its domain. */
  readonly conjugate: (t: Tensor) => Tensor
  /** The output activation g_f. */
  readonly activation: (v: Tensor) => Tensor
  /** f*(g_f(v)) in a form that stays finite for large |v|. */
  readonly conjugateOfActivation: (v: Tensor) => Tensor
  readonly conjugateDomain: string
  /** What D_f equals in the usual notation. */
  readonly estimates: string
}

const LN2 = Math.LN2
const xlogx = (u: number) => (u === 0 ? 0 : u * Math.log(u))

export const fDivergences: Readonly<Record<FName, FDivergence>> = {
  kl: {
    name: "kl", f: xlogx, fPrime: (u) => Math.log(u) + 1, fPrimeAtOne: 1,
    conjugate: (t) => exp(sub(t, 1)), activation: (v) => v, conjugateOfActivation: (v) => exp(sub(v, 1)),
    conjugateDomain: "ℝ", estimates: "KL(P‖Q)"
  },
  reverseKl: {
    name: "reverseKl", f: (u) => -Math.log(u), fPrime: (u) => -1 / u, fPrimeAtOne: -1,
    conjugate: (t) => sub(-1, log(neg(t))), activation: (v) => neg(exp(neg(v))), conjugateOfActivation: (v) => sub(v, 1),
    conjugateDomain: "t < 0", estimates: "KL(Q‖P)"
  },
  pearson: {
    name: "pearson", f: (u) => (u - 1) ** 2, fPrime: (u) => 2 * (u - 1), fPrimeAtOne: 0,
    conjugate: (t) => t.square().mul(0.25).add(t), activation: (v) => v, conjugateOfActivation: (v) => v.square().mul(0.25).add(v),
    conjugateDomain: "ℝ", estimates: "χ²_Pearson(P‖Q)"
  },
  neyman: {
    name: "neyman", f: (u) => (1 - u) ** 2 / u, fPrime: (u) => 1 - 1 / (u * u), fPrimeAtOne: 0,
    conjugate: (t) => sub(2, sqrt(sub(1, t)).mul(2)), activation: (v) => sub(1, exp(v)),
    conjugateOfActivation: (v) => sub(2, exp(v.mul(0.5)).mul(2)),
    conjugateDomain: "t < 1", estimates: "χ²_Neyman(P‖Q)"
  },
  squaredHellinger: {
    name: "squaredHellinger", f: (u) => (Math.sqrt(u) - 1) ** 2, fPrime: (u) => 1 - 1 / Math.sqrt(u), fPrimeAtOne: 0,
    conjugate: (t) => t.div(sub(1, t)), activation: (v) => sub(1, exp(v)), conjugateOfActivation: (v) => sub(exp(neg(v)), 1),
    conjugateDomain: "t < 1", estimates: "2·H²(P, Q) with H² = ½∫(√p − √q)²"
  },
  jeffrey: {
    name: "jeffrey", f: (u) => (u - 1) * Math.log(u), fPrime: (u) => Math.log(u) + 1 - 1 / u, fPrimeAtOne: 0,
    conjugate: (t) => jeffreyConjugate(t), activation: (v) => v, conjugateOfActivation: (v) => jeffreyConjugate(v),
    conjugateDomain: "ℝ", estimates: "KL(P‖Q) + KL(Q‖P)"
  },
  jensenShannon: {
    name: "jensenShannon", f: (u) => -(u + 1) * Math.log((1 + u) / 2) + xlogx(u), fPrime: (u) => Math.log((2 * u) / (1 + u)), fPrimeAtOne: 0,
    conjugate: (t) => neg(log(sub(2, exp(t)))), activation: (v) => sub(LN2, softplus(neg(v))),
    conjugateOfActivation: (v) => sub(softplus(v), LN2),
    conjugateDomain: "t < log 2", estimates: "2·JS(P, Q)"
  },
  gan: {
    name: "gan", f: (u) => xlogx(u) - xlogx(u + 1), fPrime: (u) => Math.log(u / (u + 1)), fPrimeAtOne: -LN2,
    conjugate: (t) => neg(log(sub(1, exp(t)))), activation: (v) => neg(softplus(neg(v))), conjugateOfActivation: (v) => softplus(v),
    conjugateDomain: "t < 0", estimates: "2·JS(P, Q) − log 4"
  },
  totalVariation: {
    name: "totalVariation", f: (u) => 0.5 * Math.abs(u - 1), fPrime: (u) => 0.5 * Math.sign(u - 1), fPrimeAtOne: 0,
    conjugate: (t) => t, activation: (v) => tanh(v).mul(0.5), conjugateOfActivation: (v) => tanh(v).mul(0.5),
    conjugateDomain: "|t| ≤ ½", estimates: "TV(P, Q) = ½∫|p − q|"
  }
}

/** Jeffrey: f*(t) = W(e^{1−t}) + 1/W(e^{1−t}) + t − 2, with W(e^u) = ω(u) (Wright omega, no overflow). */
const jeffreyConjugate = (t: Tensor): Tensor =>
  local(() => {
    const w = wrightOmega(sub(1, t))
    return add(w, div(1, w)).add(t).sub(2)
  })

export interface FganOptions {
  /** "saddle": the generator minimises −E_Q[f*(T)]; "alternative": −E_Q[T] (non-saturating). */
  readonly generator?: "saddle" | "alternative"
}

/** The variational lower bound E_P[T] − E_Q[f*(T)] evaluated with critic outputs on P and Q samples. */
export const variationalBound = (fd: FDivergence, vReal: Tensor, vFake: Tensor): Tensor =>
  local(() => sub(mean(fd.activation(perSample(vReal))), mean(fd.conjugateOfActivation(perSample(vFake)))))

export const fgan = (name: FName, options: FganOptions = {}): Divergence => {
  const fd = fDivergences[name]
  if (fd === undefined) throw new InvalidArgument({ message: `unknown f-divergence ${String(name)}; one of ${fNames.join(", ")}` })
  const generator = options.generator ?? "saddle"
  return make({
    name: `f-GAN(${name})`,
    spec: { _tag: "fgan", f: name, generator },
    conventions: {
      estimates: `the critic's bound E_P[T] − E_Q[f*(T)] ≤ D_f(P‖Q) = ${fd.estimates}`,
      sign: "criticLoss = −bound; generatorLoss = −E_Q[f*(T)] (saddle) or −E_Q[T] (alternative)",
      scaling: "as Nowozin et al. (2016), Table 2"
    },
    activation: fd.activation,
    criticLoss: (inputs) =>
      local(() => {
        const critic = need(inputs, "critic", `f-GAN(${name}) critic loss`)
        return neg(variationalBound(fd, critic(need(inputs, "real", "f-GAN critic loss")), critic(need(inputs, "fake", "f-GAN critic loss"))))
      }),
    generatorLoss: (inputs) =>
      local(() => {
        const v = perSample(need(inputs, "critic", `f-GAN(${name}) generator loss`)(need(inputs, "fake", "f-GAN generator loss")))
        return generator === "saddle" ? neg(mean(fd.conjugateOfActivation(v))) : neg(mean(fd.activation(v)))
      })
  })
}
