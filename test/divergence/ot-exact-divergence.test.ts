/** Exact transport as a divergence value: the loss of a shifted permutation, its envelope gradient, its spec. */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { valueAndGrad } from "../../src/autodiff/index.js"
import { DivergenceSpec, exactTransport, fromSpec, MissingInput, plus, scale } from "../../src/divergence/index.js"
import * as T from "../../src/tensor/index.js"
import { prng } from "../support/random.js"

describe("exactTransport", () => {
  it("a shifted permutation of the data costs ‖shift‖^p; the gradient moves each point towards its match", () =>
    T.local(() => {
      const next = prng(7)
      const n = 6
      // Points far apart compared with the shift, so the optimal plan matches each fake point to its source.
      const real = Array.from({ length: n }, (_, i) => [10 * i + next(), 10 * next()])
      const perm = [3, 0, 5, 1, 4, 2]
      const shift = [0.3, -0.4]
      const fake = perm.map((j) => [real[j]![0]! + shift[0]!, real[j]![1]! + shift[1]!])
      const x = T.tensor(Float64Array.from(real.flat()), { dtype: "float64", shape: [n, 2] })
      const y = T.tensor(Float64Array.from(fake.flat()), { dtype: "float64", shape: [n, 2] })
      for (const p of [1, 2]) {
        const d = exactTransport({ p })
        const { value, grad } = valueAndGrad((f: T.Tensor) => d.generatorLoss({ real: x, fake: f }))(y)
        expect(value.item()).toBeCloseTo(p === 2 ? 0.25 : 0.5, 12) // ‖(0.3, −0.4)‖ = 0.5
        // Envelope gradient: (1/n) ∇_y ‖y − x_match‖^p = (1/n) p ‖s‖^(p−2) s for every point.
        const g = grad.toTypedArray() as Float64Array
        const scaleBy = (p * 0.5 ** (p - 2)) / n
        for (let i = 0; i < n; i++) {
          expect(g[2 * i]).toBeCloseTo(scaleBy * shift[0]!, 12)
          expect(g[2 * i + 1]).toBeCloseTo(scaleBy * shift[1]!, 12)
        }
      }
    }))

  it("round-trips through its spec, inside combinators too, and names a missing input", () =>
    T.local(() => {
      for (const v of [exactTransport(), exactTransport({ p: 1 }), plus(scale(exactTransport(), 0.5), exactTransport({ p: 1 }))]) {
        const encoded = JSON.parse(JSON.stringify(Schema.encodeSync(DivergenceSpec)(v.spec)))
        expect(fromSpec(Schema.decodeUnknownSync(DivergenceSpec)(encoded)).spec).toEqual(v.spec)
      }
      expect(() => exactTransport({ p: 0.5 })).toThrow(expect.objectContaining({ _tag: "InvalidArgument" }))
      expect(() => exactTransport().generatorLoss({ real: T.zeros([2, 2]) })).toThrow(MissingInput)
    }))
})
