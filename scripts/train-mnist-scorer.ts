/**
 * Trains the MNIST scorer (src/data/scorer.ts) and writes assets/mnist-mlp-scorer.bin:
 *
 *   npx tsx scripts/train-mnist-scorer.ts [--out path]
 *
 * A 784-256-10 ReLU MLP with PyTorch's default initialisation, trained on the 7,996-image
 * training split for 15 epochs with Adam (lr 1e-3, PyTorch defaults otherwise) on the mean
 * cross-entropy, batches of 64 shuffled per epoch, each batch moved by a random (dy, dx) in
 * {−1, 0, 1}² (zero fill). Everything is keyed from one seed, and the CPU kernels do not
 * depend on the thread count, so a run gives the same bytes every time (CPU, float32; a CPU
 * for which OpenBLAS picks other sgemm kernels may give other bits). test/data/scorer.test.ts
 * rebuilds the file with `trainMnistScorer` and compares. Held-out accuracy of the committed
 * weights: 96.41% (other seeds: 95.9–96.4%). About 4–10 s on this machine.
 */
import * as fs from "node:fs"
import { pathToFileURL } from "node:url"
import { valueAndGrad } from "../src/autodiff/index.js"
import { batchIterator, tensorDataset } from "../src/data/batches.js"
import { mnistTensors, readMnist } from "../src/data/mnist.js"
import { encodeScorer, SCORER_FILE, SCORER_HIDDEN, type ScorerParams, scorerLogits } from "../src/data/scorer.js"
import * as nn from "../src/nn/index.js"
import * as O from "../src/optim/index.js"
import { fold, key, randint } from "../src/random/index.js"
import * as T from "../src/tensor/index.js"

export const SCORER_TRAINING = { seed: 1729, epochs: 15, batchSize: 64, learningRate: 1e-3, translate: 1 } as const

/** Mean cross-entropy of logits [N, 10] against int32 labels [N]. */
export const crossEntropy = (logits: T.Tensor, labels: T.Tensor): T.Tensor =>
  T.local(() => T.mean(T.sub(T.logsumexp(logits, 1), T.squeeze(T.gather(logits, 1, T.unsqueeze(labels, 1)), 1))))

/** Images [B, 784] moved down by dy and right by dx pixels, zero-filled. */
export const translate = (images: T.Tensor, dy: number, dx: number): T.Tensor =>
  T.local(() => {
    const m = Math.max(Math.abs(dy), Math.abs(dx))
    if (m === 0) return images
    const B = images.shape[0]!
    const rows = T.zeros([B, m, 28])
    const tall = T.concat([rows, T.reshape(images, [B, 28, 28]), rows], 1)
    const cols = T.zeros([B, 28 + 2 * m, m])
    const padded = T.concat([cols, tall, cols], 2)
    const window = T.slice(T.slice(padded, 1, m - dy, m - dy + 28), 2, m - dx, m - dx + 28)
    return T.reshape(T.contiguous(window), [B, 784])
  })

export interface TrainOptions {
  /** Stop after this many steps (a prefix of the run); default: every step of every epoch. */
  readonly steps?: number
}

/**
 * The scorer's parameters after training (float32, CPU), created in the current owner, and the
 * number of optimizer steps taken. Keys from key(seed): fold 0 initialises (fold 0 the hidden
 * layer, fold 1 the output layer), fold 1 shuffles, fold(fold 2, step) moves batch `step`.
 */
export const trainMnistScorer = (options: TrainOptions = {}): { readonly params: ScorerParams; readonly steps: number } => {
  const root = key(SCORER_TRAINING.seed)
  return train(options, root)
}

const train = (options: TrainOptions, root: ReturnType<typeof key>): { readonly params: ScorerParams; readonly steps: number } => {
  const { epochs, batchSize, learningRate, translate: reach } = SCORER_TRAINING
  return T.local(() => {
    const train = mnistTensors(readMnist().train, { device: T.cpu })
    let params: ScorerParams = {
      hidden: nn.linear(784, SCORER_HIDDEN).init(fold(fold(root, 0), 0), { device: T.cpu }).params as ScorerParams["hidden"],
      output: nn.linear(SCORER_HIDDEN, 10).init(fold(fold(root, 0), 1), { device: T.cpu }).params as ScorerParams["output"]
    }
    const opt = O.adam(learningRate)
    let state = opt.init(params)
    const loss = (p: ScorerParams, images: T.Tensor, labels: T.Tensor) => crossEntropy(scorerLogits(p, images), labels)
    let steps = 0
    for (const batch of batchIterator(tensorDataset(train), { batchSize, key: fold(root, 1), epochs })) {
      if (options.steps !== undefined && steps >= options.steps) break
      const next = T.local(() => {
        const [dy, dx] = randint(fold(fold(root, 2), steps), [2], -reach, reach + 1).toTypedArray()
        const images = translate(batch.data.images, dy!, dx!)
        const { grad } = valueAndGrad(loss)(params, images, batch.data.labels)
        return O.step(opt, params, grad, state)
      })
      O.disposeTree([params, state])
      params = next.params
      state = next.state
      steps++
    }
    O.disposeTree(train)
    return { params, steps }
  })
}

/** Fraction of correctly classified images. */
export const accuracy = (params: ScorerParams, images: T.Tensor, labels: T.Tensor): number =>
  T.local(() => T.mean(T.cast(T.eq(T.argmax(scorerLogits(params, images), 1), labels), "float64")).item())

/** The file bytes of a trained scorer (the header records how it was trained). */
export const scorerBytes = (params: ScorerParams, steps: number): Uint8Array =>
  encodeScorer(params, { model: "mlp 784-256-10 relu", training: SCORER_TRAINING, steps, split: "mnist train 7996 / test 2004", blas: cpuBlas() })

/** The CPU backend's BLAS line: the weights are bit-reproducible where it is the same. */
export const cpuBlas = (): string => T.backends().find((b) => b.name === "cpu")?.detail ?? ""

const main = () => {
  const at = process.argv.indexOf("--out")
  const out = at >= 0 ? process.argv[at + 1]! : SCORER_FILE
  T.local(() => {
    const started = performance.now()
    const { params, steps } = trainMnistScorer()
    const test = mnistTensors(readMnist().test)
    const bytes = scorerBytes(params, steps)
    fs.writeFileSync(out, bytes)
    const testAccuracy = accuracy(params, test.images, test.labels)
    console.log(JSON.stringify({ out, bytes: bytes.length, steps, testAccuracy, seconds: (performance.now() - started) / 1000 }))
  })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main()
