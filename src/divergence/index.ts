/** diverge/divergence: divergences as values, their combinators, penalties and closed forms. */
export {
  type Divergence, type Inputs, type Conventions, type Penalty, MissingInput,
  make, isDivergence, plus, scale, withPenalty, withWeightClip, perSample
} from "./divergence.js"
export { fgan, fDivergences, fNames, variationalBound, type FName, type FDivergence, type FganOptions } from "./fgan.js"
export { minimax, nonSaturating, leastSquares, hinge, wasserstein, type LeastSquaresOptions } from "./gan.js"
export { gradientPenalty, r1, r2, inputGradient, type GradientPenaltyOptions } from "./penalty.js"
export { mmd, mmd2, gaussianKernel, inverseMultiquadricKernel, energyKernel, squaredDistances, kernelFromSpec, type Kernel, type KernelSpec, type Estimator, type MmdOptions } from "./mmd.js"
export { elbo, elboPerSample, bernoulli, gaussian, gaussianKlToStandard, type Likelihood, type LikelihoodSpec, type ElboOptions } from "./elbo.js"
export { DivergenceSpec, KernelSpecSchema, PenaltySpec, fromSpec, penaltyFromSpec } from "./spec.js"
export {
  groundCost, uniformWeights, wasserstein1d, wassersteinPow1d, quantileCoupling, rankCoupling, exactOt, wassersteinExact, exactTransport,
  type OneDOptions, type ExactOt, type ExactOtOptions, type WassersteinExact, type WassersteinExactOptions,
  sinkhorn, sinkhornClouds, symmetricSinkhorn, SinkhornNumericalError, entropicOT, debiasedSinkhorn, sinkhornDivergence,
  slicedWasserstein, slicedWassersteinPower, directions,
  type SinkhornOptions, type SinkhornResult, type SinkhornDomain, type EpsilonScaling, type CloudOptions,
  type Differentiation, type EntropicOptions, type SinkhornDivergenceOptions, type SlicedOptions
} from "./ot/index.js"
export * as ClosedForm from "./closed-form.js"
export { simpson, fDivergence1d, type FDivergence1dOptions } from "./quadrature.js"
