/**
 * A VAE on MNIST (Kingma & Welling 2014): one-hidden-layer MLP encoder and decoder, Bernoulli
 * pixels, a diagonal-Gaussian posterior, Adam on the negative ELBO. The report gives the test
 * ELBO over training, the K-sample IWAE bound of Burda et al. (2016) at the end, prior samples,
 * reconstructions of test digits and the MNIST scorer's view of the samples.
 */
import { Effect } from "effect"
import { datasetSource, loadMnist, mnistScorer, type Scorer, tensorDataset } from "../../src/data/index.js"
import { classEntropy, frechetDistance } from "../../src/metrics/index.js"
import { encodePng, imageGrid, linePlot } from "../../src/metrics/plot/index.js"
import { readJsonLines } from "../../src/metrics/sink.js"
import { fold, key } from "../../src/random/index.js"
import { trainArm } from "../../src/study/arm.js"
import type { Study } from "../../src/study/study.js"
import { compute, concat, type DeviceId, deviceName, indexSelect, scoped, tensor, type Tensor } from "../../src/tensor/index.js"
import { single, total, type TrainState } from "../../src/train/index.js"
import { join } from "node:path"
import { Config, defaults } from "./config.js"
import { priorSamples, reconstruct, testBounds, type VaeParams, vaeGame, vaeModel } from "./model.js"

export { Config, defaults } from "./config.js"
export { testBounds, vaeModel } from "./model.js"

/** The test split's one binarisation: the same for every seed, so test bounds compare across runs. */
const TEST_BINARISATION = key(20140)

const references = new Map<string, { readonly testEntropy: number; readonly trainFrechet: number }>()

/**
 * The scorer's numbers for real digits, as references: the class entropy of the test digits and
 * the Fréchet distance between test and training digits (grey levels). They depend on nothing
 * but the data, the committed scorer and the device, so they are computed once per process.
 */
const referenceScores = (device: DeviceId, scorer: Scorer, test: Tensor) =>
  Effect.gen(function* () {
    const known = references.get(deviceName(device))
    if (known !== undefined) return known
    const train = yield* loadMnist("train")
    const values = yield* compute(() => ({ testEntropy: classEntropy(scorer, test), trainFrechet: frechetDistance(scorer, test, train.images) }))
    references.set(deviceName(device), values)
    return values
  }).pipe(scoped)

export const vaeMnist: Study<Config> = {
  name: "vae-mnist",
  title: "A VAE on MNIST",
  description:
    "A variational autoencoder with a 784-h-2d encoder (the posterior's means and log-variances) and a d-h-784 decoder (Bernoulli logits), ReLU MLPs, trained with Adam on the negative ELBO (one reparameterised sample, analytic KL) over the 7,996 training digits. Test numbers are on the 2,004 held-out digits, binarised once (the same draw for every seed). The ELBO and the IWAE bound are log-likelihood lower bounds in nats per digit (higher is better); the IWAE bound with K samples is at least the ELBO in expectation and tighter. Prior samples are shown as the decoder's Bernoulli means.",
  config: Config,
  defaults,
  totalSteps: (c) => c.steps,
  withSteps: (c, steps) => ({ ...c, steps, evaluateEvery: Math.max(1, Math.min(c.evaluateEvery, Math.floor(steps / 4))) }),
  run: (c, ctx) =>
    Effect.gen(function* () {
      const binary = c.binarize === "bernoulli" ? { encoding: "bernoulli" as const, key: TEST_BINARISATION } : { encoding: "threshold" as const }
      const train = yield* loadMnist("train", c.binarize === "threshold" ? binary : {})
      const test = yield* loadMnist("test", binary)
      const model = vaeModel(c)
      const armKey = fold(ctx.key, 0)
      const testKey = fold(ctx.key, 2)
      const elboOf = (params: VaeParams) => compute(() => testBounds(model, params, test.images, testKey, 1, c.iwaeChunk))
      const evaluate = (state: TrainState) => Effect.map(elboOf(state.params.vae as VaeParams), (b) => ({ testElbo: b.bound, testKl: b.kl }))
      const final = yield* trainArm(ctx, "vae", {
        game: vaeGame(c, model),
        schedule: single("vae").pipe(total("vae", c.steps)),
        data: datasetSource(tensorDataset(train.images), { batchSize: c.batchSize, key: fold(ctx.key, 3), dropLast: true }),
        key: armKey,
        evaluate: { every: c.evaluateEvery, run: evaluate }
      })
      const params = final.params.vae as VaeParams
      // The untrained model: train's initialisation is the game's init at fold(armKey, 0).
      const untrained = yield* compute(() => testBounds(model, model.init(fold(armKey, 0)), test.images, testKey, 1, c.iwaeChunk))
      // Evaluated here, not only in the training loop, so that a run resumed after training also has them.
      const last = yield* elboOf(params)
      const iwae = yield* compute(() => testBounds(model, params, test.images, fold(ctx.key, 4), c.iwaeSamples, c.iwaeChunk))

      const scorer = yield* mnistScorer()
      const greyTest = yield* loadMnist("test")
      const reference = yield* referenceScores(ctx.device, scorer, greyTest.images)
      const scores = yield* compute(() => {
        const generated = priorSamples(c, model, params, fold(ctx.key, 5), c.scoreSamples)
        return { entropy: classEntropy(scorer, generated), frechet: frechetDistance(scorer, greyTest.images, generated), ...reference }
      })

      const { samplesPng, reconstructionsPng } = yield* compute(() => {
        const samples = priorSamples(c, model, params, fold(ctx.key, 6), 64).toTypedArray()
        const labels = test.labels.toTypedArray() as Int32Array
        const rows = Array.from({ length: 2 }, (_, half) => Array.from({ length: 10 }, (_, d) => labels.indexOf(d) + half))
        const originals = rows.map((r) => indexSelect(test.images, 0, tensor(Int32Array.from(r))))
        // Rows: originals 0–9, their reconstructions, the next originals, theirs.
        const grid = concat(originals.flatMap((x) => [x, reconstruct(model, params, x)]), 0)
        return {
          samplesPng: encodePng(imageGrid(samples, { shape: [64, 28, 28], cols: 8, title: "samples from the prior" })),
          reconstructionsPng: encodePng(imageGrid(grid.toTypedArray(), { shape: [40, 28, 28], cols: 10, title: "test digits and reconstructions" }))
        }
      })
      yield* ctx.plot("vae/samples", c.steps, samplesPng)
      yield* ctx.plot("vae/reconstructions", c.steps, reconstructionsPng)

      const records = yield* readJsonLines(join(ctx.dir, "metrics.jsonl")).pipe(Effect.orElseSucceed(() => []))
      const trainLoss = records.filter((r) => "vae/loss/vae" in r.values).map((r) => [r.step, r.values["vae/loss/vae"]!] as const)
      const window = Math.max(1, Math.floor(trainLoss.length / 100))
      const smoothed = Array.from({ length: Math.floor(trainLoss.length / window) }, (_, i) => {
        const part = trainLoss.slice(i * window, (i + 1) * window)
        return [part[part.length - 1]![0], part.reduce((s, p) => s + p[1], 0) / part.length] as const
      })
      const testCurve = [{ step: 0, elbo: untrained.bound }, ...final.history.map((h) => ({ step: h.step, elbo: h.values.testElbo! }))]
      const lossPlot = linePlot(
        [
          { name: `train -ELBO (mean of ${window} steps)`, x: smoothed.map((p) => p[0]), y: smoothed.map((p) => p[1]) },
          { name: "test -ELBO", x: testCurve.map((p) => p.step), y: testCurve.map((p) => -p.elbo) }
        ],
        { title: "negative ELBO (nats per digit)", xLabel: "step", logY: true, width: 520, height: 320 }
      )

      const k = c.iwaeSamples
      return {
        metrics: [
          { name: "test ELBO", value: last.bound, note: `nats per digit after ${final.counters.steps.vae ?? 0} steps` },
          { name: "test ELBO of the untrained model", value: untrained.bound, note: "the initial parameters (logits near 0: about −784 log 2)" },
          { name: `test IWAE bound (K = ${k})`, value: iwae.bound, note: `IWAE − ELBO = ${(iwae.bound - last.bound).toFixed(2)} nats (≥ 0 in expectation)` },
          { name: "test KL(q(z|x) ‖ p(z))", value: last.kl, note: `nats; reconstruction term E_q log p(x|z) ≈ ${(last.bound + last.kl).toFixed(1)}` },
          { name: "class entropy of prior samples", value: scores.entropy, note: `nats, ${c.scoreSamples} samples; test digits: ${scores.testEntropy.toFixed(3)}, uniform: ${Math.log(10).toFixed(3)}` },
          { name: "Fréchet distance to test digits", value: scores.frechet, note: `scorer features, ${c.scoreSamples} samples; training digits: ${scores.trainFrechet.toFixed(2)}` }
        ],
        sections: [
          { heading: "Samples from the prior", text: "σ(decoder(z)), z ~ N(0, I): the Bernoulli means, 64 draws.", images: [{ png: samplesPng, caption: "prior samples" }] },
          {
            heading: "Reconstructions",
            text: "Rows 1 and 3: binarised test digits (two of each class); rows 2 and 4: σ(decoder(μ(x))), the decoded posterior mean.",
            images: [{ png: reconstructionsPng, caption: "originals above their reconstructions" }]
          },
          { heading: "Loss curves", text: "Negative ELBO on the training batches (a fresh binarisation each step) and on the test split (step 0: the untrained model).", images: [{ png: encodePng(lossPlot), caption: "negative ELBO" }] }
        ],
        summary: `Test ELBO ${last.bound.toFixed(2)} nats (untrained ${untrained.bound.toFixed(1)}), IWAE(${k}) ${iwae.bound.toFixed(2)}; prior samples: class entropy ${scores.entropy.toFixed(3)} (test digits ${scores.testEntropy.toFixed(3)}), Fréchet distance ${scores.frechet.toFixed(2)} (training digits ${scores.trainFrechet.toFixed(2)}).`
      }
    })
}

