/** Entropic and sliced optimal transport: Sinkhorn, the debiased Sinkhorn divergence, sliced Wasserstein. */
export { costMatrix, uniformWeights } from "./cost.js"
export {
  sinkhorn, sinkhornClouds, symmetricSinkhorn, SinkhornNumericalError,
  type SinkhornOptions, type SinkhornResult, type SinkhornDomain, type EpsilonScaling, type CloudOptions
} from "./sinkhorn.js"
export {
  entropicOT, debiasedSinkhorn, sinkhornDivergence,
  type Differentiation, type EntropicOptions, type SinkhornDivergenceOptions
} from "./sinkhorn-divergence.js"
export { slicedWasserstein, slicedWassersteinPower, directions, type SlicedOptions } from "./sliced.js"
