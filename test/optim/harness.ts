/**
 * Shared pieces of the optimizer tests: a small float64 parameter tree, its values as one flat
 * array (every optimizer here is elementwise, so a reference works on the concatenation), and
 * a driver comparing the first steps of an optimizer with a reference written in the test.
 */
import { expect } from "@effect/vitest"
import { Tree } from "../../src/autodiff/index.js"
import { type GradientTransformation, step } from "../../src/optim/index.js"
import * as T from "../../src/tensor/index.js"

export const f64 = (data: number[] | number[][]) => T.tensor(data, { dtype: "float64" })

export interface Params {
  readonly w: T.Tensor
  readonly layers: readonly [{ readonly b: T.Tensor }, T.Tensor]
  readonly name: string
}

export const initialValues = [0.5, -1.25, 2, 0.75, -0.3, 1.1, -0.6, 0.2, 0.9, -1.7]

export const makeParams = (values: readonly number[] = initialValues): Params => ({
  w: f64([values.slice(0, 3), values.slice(3, 6)]),
  layers: [{ b: f64(values.slice(6, 8)) }, f64(values.slice(8, 10))],
  name: "net"
})

export const flat = (tree: unknown): number[] => Tree.leaves(tree).flatMap((t) => Array.from(t.toTypedArray() as Float64Array))

/** A tree shaped like `like` holding the given flat values. */
export const withValues = <P>(like: P, values: readonly number[]): P => {
  let at = 0
  return Tree.map(like, (t) => {
    const piece = values.slice(at, at + t.size)
    at += t.size
    return T.tensor(Float64Array.from(piece), { shape: t.shape, dtype: "float64" })
  })
}

// The gradient of sum(½ a p² + c p): a · p + c, with curvatures and offsets of both signs.
const A = [1, 2.5, 0.3, 4, 1.5, 0.8, 3, 0.5, 2, 1.2]
const C = [0.4, -0.7, 0.1, 1.3, -0.2, 0.6, -1.1, 0.05, 0.9, -0.35]
export const gradientAt = (p: readonly number[]): number[] => p.map((x, i) => A[i]! * x + C[i]!)

/** A reference step: from the parameters and gradient of step t (t = 1, 2, ...) to the next parameters. */
export type ReferenceStep = (p: readonly number[], g: readonly number[], t: number) => number[]

/**
 * Runs `steps` optimizer steps and the reference side by side, each on its own trajectory,
 * and checks |ours − reference| ≤ tol · max(1, |reference|) after every step.
 */
export const expectMatchesReference = (opt: GradientTransformation<any>, reference: ReferenceStep, steps = 3, tol = 1e-12): void =>
  T.local(() => {
    let params = makeParams()
    let state = opt.init(params)
    let ref = [...initialValues]
    for (let t = 1; t <= steps; t++) {
      const grads = withValues(params, gradientAt(flat(params)))
      ;({ params, state } = step(opt, params, grads, state))
      ref = reference(ref, gradientAt(ref), t)
      const ours = flat(params)
      ours.forEach((x, i) => {
        const scale = Math.max(1, Math.abs(ref[i]!))
        expect(Math.abs(x - ref[i]!), `step ${t}, element ${i}: ${x} vs ${ref[i]}`).toBeLessThanOrEqual(tol * scale)
      })
      expect(params.name).toBe("net")
    }
  })
