/** diverge/data: toy distributions as published, MNIST (offline, fixed split), batches as Streams, the MNIST scorer. */
export {
  type Distribution,
  type Modes,
  type SampleOptions,
  type IsotropicMixture,
  isotropicMixture,
  modeCentres
} from "./distribution.js"
export {
  ring,
  grid,
  eightGaussians,
  twentyFiveGaussians,
  swissRoll,
  SWISS_ROLL_NOISE,
  SWISS_ROLL_DIVISOR,
  parallelLines,
  parallelLinesDistances,
  veegan1200d,
  VEEGAN_1200D_OFFSETS,
  gridPool,
  poolBatch,
  GRID_POOL_SIZE
} from "./toy.js"
export { gaussianMixture1d, type GaussianMixture1d, type Mixture1dSpec } from "./mixture1d.js"
export {
  MnistUnavailable,
  MNIST_CLASS_COUNTS,
  MNIST_PIXELS,
  MNIST_SIZE,
  MNIST_SHA256,
  MNIST_FILE,
  type Mnist,
  type MnistArrays,
  type MnistSource,
  type MnistTensorOptions,
  type MnistTensors,
  mnistTestCount,
  mnistSplitRows,
  convertMnist,
  mnistBytes,
  readMnist,
  mnistTensors,
  loadMnist
} from "./mnist.js"
export {
  Cursor,
  firstCursor,
  cursorFromJSON,
  type Dataset,
  tensorDataset,
  type BatchOptions,
  type Batch,
  batches,
  type BatchIterator,
  batchIterator
} from "./batches.js"
export {
  ScorerUnavailable,
  SCORER_FILE,
  SCORER_HIDDEN,
  type Scorer,
  type ScorerParams,
  scorerFeatures,
  scorerLogits,
  scorerFromParams,
  encodeScorer,
  decodeScorer,
  loadMnistScorer,
  mnistScorer
} from "./scorer.js"
export { WeightsFormatError, WEIGHTS_FORMAT, type NamedArray, type WeightsHeader, encodeWeights, decodeWeights } from "./weights.js"
export { datasetSource, samplerSource, type Source } from "./source.js"
