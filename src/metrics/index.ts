/** diverge/metrics: sample-quality metrics, metric sinks, and plots. */
export { modeCoverage, type ModeCoverage } from "./modes.js"
export { exactWasserstein, type ExactWassersteinOptions } from "./wasserstein.js"
export { classEntropy, frechetDistance, featureMoments } from "./mnist.js"
export { type MetricRecord, type MetricSink, SinkError, jsonLinesSink, tensorBoardSink, imageDirSink, combineSinks, readJsonLines } from "./sink.js"
export { consoleProgressSink } from "./progress.js"
export * as Plot from "./plot/index.js"
