/**
 * How a study config names a divergence and its parameters. `DivergenceSpec` is a Schema
 * (decoding reports every problem at once); `fromSpec` builds the value it describes, and
 * every Divergence carries the spec it was built from, so configs and values round-trip.
 */
import { Schema } from "effect"
import { InvalidArgument } from "../native/errors.js"
import { type Divergence, plus, scale, withPenalty, withWeightClip } from "./divergence.js"
import { fgan, fNames } from "./fgan.js"
import { hinge, leastSquares, minimax, nonSaturating, wasserstein } from "./gan.js"
import { gradientPenalty, r1, r2 } from "./penalty.js"
import { type KernelSpec, kernelFromSpec, mmd } from "./mmd.js"
import { bernoulli, elbo, gaussian, type LikelihoodSpec } from "./elbo.js"
import type { Penalty } from "./divergence.js"
import { sinkhornDivergence } from "./ot/sinkhorn-divergence.js"
import { slicedWasserstein } from "./ot/sliced.js"
import { exactTransport } from "./ot/exact.js"

const Positive = Schema.Finite.check(Schema.isGreaterThan(0))
const Every = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))

export const PenaltySpec = Schema.Union([
  Schema.TaggedStruct("gradientPenalty", { lambda: Positive, oneSided: Schema.Boolean, every: Every }),
  Schema.TaggedStruct("r1", { gamma: Positive, every: Every }),
  Schema.TaggedStruct("r2", { gamma: Positive, every: Every })
])
export type PenaltySpec = typeof PenaltySpec.Type

export const KernelSpecSchema = Schema.Union([
  Schema.TaggedStruct("gaussian", { bandwidths: Schema.NonEmptyArray(Positive) }),
  Schema.TaggedStruct("inverseMultiquadric", { c: Positive }),
  Schema.TaggedStruct("energy", {})
])

export type DivergenceSpec =
  | { readonly _tag: "fgan"; readonly f: (typeof fNames)[number]; readonly generator: "saddle" | "alternative" }
  | { readonly _tag: "gan"; readonly loss: "minimax" | "nonSaturating" | "hinge" }
  | { readonly _tag: "leastSquares"; readonly a: number; readonly b: number; readonly c: number }
  | { readonly _tag: "wasserstein" }
  | { readonly _tag: "elbo"; readonly likelihood: LikelihoodSpec; readonly beta: number; readonly samples: number }
  | { readonly _tag: "mmd"; readonly kernel: KernelSpec; readonly estimator: "biased" | "unbiased"; readonly between: "samples" | "latent" }
  | {
      readonly _tag: "sinkhorn"; readonly epsilon: number; readonly p: number; readonly differentiation: "envelope" | "unrolled"
      readonly domain: "standard" | "log"; readonly iterations: number; readonly tolerance: number; readonly epsilonScaling: boolean
    }
  | { readonly _tag: "slicedWasserstein"; readonly projections: number; readonly p: number }
  | { readonly _tag: "exactTransport"; readonly p: number }
  | { readonly _tag: "plus"; readonly terms: readonly [DivergenceSpec, DivergenceSpec] }
  | { readonly _tag: "scale"; readonly factor: number; readonly of: DivergenceSpec }
  | { readonly _tag: "withPenalty"; readonly of: DivergenceSpec; readonly penalty: PenaltySpec }
  | { readonly _tag: "withWeightClip"; readonly of: DivergenceSpec; readonly c: number }

export const DivergenceSpec: Schema.Codec<DivergenceSpec> = Schema.Union([
  Schema.TaggedStruct("fgan", { f: Schema.Literals(fNames), generator: Schema.Literals(["saddle", "alternative"]) }),
  Schema.TaggedStruct("gan", { loss: Schema.Literals(["minimax", "nonSaturating", "hinge"]) }),
  Schema.TaggedStruct("leastSquares", { a: Schema.Finite, b: Schema.Finite, c: Schema.Finite }),
  Schema.TaggedStruct("wasserstein", {}),
  Schema.TaggedStruct("elbo", {
    likelihood: Schema.Union([Schema.TaggedStruct("bernoulli", {}), Schema.TaggedStruct("gaussian", { std: Schema.Union([Positive, Schema.Literal("learned")]) })]),
    beta: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0)),
    samples: Every
  }),
  Schema.TaggedStruct("mmd", { kernel: KernelSpecSchema, estimator: Schema.Literals(["biased", "unbiased"]), between: Schema.Literals(["samples", "latent"]) }),
  Schema.TaggedStruct("sinkhorn", {
    epsilon: Positive,
    p: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(1)),
    differentiation: Schema.Literals(["envelope", "unrolled"]),
    domain: Schema.Literals(["standard", "log"]),
    iterations: Every,
    tolerance: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0)),
    epsilonScaling: Schema.Boolean
  }),
  Schema.TaggedStruct("slicedWasserstein", { projections: Every, p: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(1)) }),
  Schema.TaggedStruct("exactTransport", { p: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(1)) }),
  Schema.TaggedStruct("plus", {
    terms: Schema.Tuple([Schema.suspend((): Schema.Codec<DivergenceSpec> => DivergenceSpec), Schema.suspend((): Schema.Codec<DivergenceSpec> => DivergenceSpec)])
  }),
  Schema.TaggedStruct("scale", { factor: Schema.Finite, of: Schema.suspend((): Schema.Codec<DivergenceSpec> => DivergenceSpec) }),
  Schema.TaggedStruct("withPenalty", { of: Schema.suspend((): Schema.Codec<DivergenceSpec> => DivergenceSpec), penalty: PenaltySpec }),
  Schema.TaggedStruct("withWeightClip", { of: Schema.suspend((): Schema.Codec<DivergenceSpec> => DivergenceSpec), c: Positive })
])

export const penaltyFromSpec = (spec: PenaltySpec): Penalty => {
  switch (spec._tag) {
    case "gradientPenalty": return gradientPenalty(spec.lambda, { oneSided: spec.oneSided, every: spec.every })
    case "r1": return r1(spec.gamma, { every: spec.every })
    case "r2": return r2(spec.gamma, { every: spec.every })
  }
}

/** The divergence a (decoded) spec describes. */
export const fromSpec = (spec: DivergenceSpec): Divergence => {
  switch (spec._tag) {
    case "fgan": return fgan(spec.f, { generator: spec.generator })
    case "gan": return spec.loss === "minimax" ? minimax : spec.loss === "nonSaturating" ? nonSaturating : hinge
    case "leastSquares": return leastSquares(spec)
    case "wasserstein": return wasserstein
    case "elbo": return elbo(spec.likelihood._tag === "bernoulli" ? bernoulli : gaussian(spec.likelihood.std), { beta: spec.beta, samples: spec.samples })
    case "mmd": return mmd(kernelFromSpec(spec.kernel), { estimator: spec.estimator, between: spec.between })
    case "sinkhorn": return sinkhornDivergence(spec)
    case "slicedWasserstein": return slicedWasserstein(spec)
    case "exactTransport": return exactTransport(spec)
    case "plus": return plus(fromSpec(spec.terms[0]), fromSpec(spec.terms[1]))
    case "scale": return scale(fromSpec(spec.of), spec.factor)
    case "withPenalty": return withPenalty(fromSpec(spec.of), penaltyFromSpec(spec.penalty))
    case "withWeightClip": return withWeightClip(fromSpec(spec.of), spec.c)
    default: throw new InvalidArgument({ message: `unknown divergence spec ${JSON.stringify(spec)}` })
  }
}
