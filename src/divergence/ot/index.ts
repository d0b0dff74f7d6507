/** diverge/divergence/ot: optimal transport — exact (network simplex) and exact 1-D. */
export { wasserstein1d, wassersteinPow1d, quantileCoupling, rankCoupling, type OneDOptions, type Weights } from "./one-d.js"
export {
  exactOt, wassersteinExact, groundCost,
  type ExactOt, type ExactOtOptions, type WassersteinExact, type WassersteinExactOptions
} from "./exact.js"
