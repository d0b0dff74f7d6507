/**
 * diverge/divergence/ot: optimal transport — ground costs, exact OT (network simplex), exact 1-D
 * W_p, entropic OT (Sinkhorn in the scaling and log domains), the debiased Sinkhorn divergence,
 * sliced Wasserstein.
 */
export { groundCost, uniformWeights } from "./cost.js"
export { wasserstein1d, wassersteinPow1d, quantileCoupling, rankCoupling, type OneDOptions, type Weights } from "./one-d.js"
export {
  exactOt, wassersteinExact, exactTransport,
  type ExactOt, type ExactOtOptions, type WassersteinExact, type WassersteinExactOptions
} from "./exact.js"
export {
  sinkhorn, sinkhornClouds, symmetricSinkhorn, SinkhornNumericalError,
  type SinkhornOptions, type SinkhornResult, type SinkhornDomain, type EpsilonScaling, type CloudOptions
} from "./sinkhorn.js"
export {
  entropicOT, debiasedSinkhorn, sinkhornDivergence,
  type Differentiation, type EntropicOptions, type SinkhornDivergenceOptions
} from "./sinkhorn-divergence.js"
export { slicedWasserstein, slicedWassersteinPower, directions, type SlicedOptions } from "./sliced.js"
