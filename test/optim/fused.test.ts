/**
 * The fused Adam step against the unfused op sequence it replaces (the reference below is
 * adamWith's former body): the same moments and update, bit for bit, over several steps, for
 * float32 and float64, above and below the size at which the CPU kernel splits across threads;
 * and, given the parameters, the moved parameters against `add(p, u)`.
 */
import { describe, expect, it } from "@effect/vitest"
import { adamStep } from "../../src/optim/fused.js"
import { adam, applyUpdates, step } from "../../src/optim/index.js"
import { key, normal, split } from "../../src/random/index.js"
import * as T from "../../src/tensor/index.js"

const reference = (g: T.Tensor, m: T.Tensor, v: T.Tensor, b1: number, b2: number, a: number, b: number) => {
  const m1 = T.add(T.mul(m, b1), T.mul(g, 1 - b1))
  const v1 = T.add(T.mul(v, b2), T.mul(T.mul(g, g), 1 - b2))
  return [m1, v1, T.div(T.mul(m1, a), T.add(T.sqrt(v1), b))] as const
}

/** The raw bits of a tensor's elements, so that equality is exact (NaN and −0 included). */
const bitsOf = (t: T.Tensor): number[] => {
  const x = t.toTypedArray() as Float32Array | Float64Array
  return Array.from(x instanceof Float32Array ? new Uint32Array(x.buffer, x.byteOffset, x.length) : new BigUint64Array(x.buffer, x.byteOffset, x.length), Number)
}

const sameBits = (a: T.Tensor, b: T.Tensor) => {
  expect(a.shape).toEqual(b.shape)
  expect(a.dtype).toBe(b.dtype)
  const x = bitsOf(a), y = bitsOf(b)
  let differ = 0
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) differ++
  expect(differ).toBe(0)
}

describe("adamStep", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const shape of [[7, 5], [3, 40000]]) {
      it(`matches the unfused ops bit for bit (${dtype}, [${shape}])`, () => {
        T.local(() => {
          const b1 = 0.9, b2 = 0.999, eps = 1e-8, lr = 3e-3
          let k = key(shape[1]!)
          let mf = T.zeros(shape, { dtype }), vf = T.zeros(shape, { dtype })
          let mr = mf, vr = vf
          for (let t = 1; t <= 6; t++) {
            const [k1, k2] = split(k)
            k = k1
            // Gradients of varied scale, so that v spans many binades.
            const g = T.mul(normal(k2, shape, { dtype }), 10 ** (2 - t))
            const bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t))
            const a = -lr / (1 - Math.pow(b1, t)) * bc2Sqrt, b = eps * bc2Sqrt
            const fused = adamStep(g, mf, vf, b1, b2, a, b)
            const ref = reference(g, mr, vr, b1, b2, a, b)
            for (let i = 0; i < 3; i++) sameBits(fused[i]!, ref[i]!)
            ;[mf, vf] = fused
            ;[mr, vr] = ref
          }
        })
      })
    }
  }

  it("rounds each scalar and each operation as the unfused ops do (coefficients far from 1)", () => {
    T.local(() => {
      for (const dtype of ["float32", "float64"] as const) {
        const [k1, k2, k3] = split(key(7), 3)
        const g = normal(k1, [1000], { dtype }), m = normal(k2, [1000], { dtype })
        const v = T.abs(normal(k3, [1000], { dtype }))
        const fused = adamStep(g, m, v, 0.3, 0.71, 1 / 3, 0.1)
        const ref = reference(g, m, v, 0.3, 0.71, 1 / 3, 0.1)
        for (let i = 0; i < 3; i++) sameBits(fused[i]!, ref[i]!)
      }
    })
  })

  it("reads non-contiguous inputs as their contiguous copies", () => {
    T.local(() => {
      const [k1, k2, k3] = split(key(3), 3)
      const g = normal(k1, [6, 4]), m = normal(k2, [4, 6]), v = T.abs(normal(k3, [6, 4]))
      const mt = T.transpose(m, 0, 1)
      const fused = adamStep(g, mt, v, 0.9, 0.999, -0.01, 1e-8)
      const ref = reference(g, mt, v, 0.9, 0.999, -0.01, 1e-8)
      for (let i = 0; i < 3; i++) sameBits(fused[i]!, ref[i]!)
    })
  })

  it("refuses mismatched shapes, dtypes, integer tensors and non-finite numbers", () => {
    T.local(() => {
      const x = T.zeros([2, 3])
      expect(() => adamStep(x, T.zeros([3, 2]), x, 0.9, 0.999, 1, 1e-8)).toThrow(T.ShapeMismatch)
      expect(() => adamStep(x, x, T.zeros([2, 3], { dtype: "float64" }), 0.9, 0.999, 1, 1e-8)).toThrow(T.DTypeMismatch)
      const i = T.zeros([2, 3], { dtype: "int32" })
      expect(() => adamStep(i, i, i, 0.9, 0.999, 1, 1e-8)).toThrow(T.DTypeMismatch)
      expect(() => adamStep(x, x, x, 0.9, 0.999, Number.NaN, 1e-8)).toThrow(T.InvalidArgument)
      expect(() => adamStep(x, x, x, 0.9, Infinity, 1, 1e-8)).toThrow(/finite/)
      expect(() => adamStep(x, x, 42 as unknown as T.Tensor, 0.9, 0.999, 1, 1e-8)).toThrow()
    })
  })
})

describe("adamStep with the parameters (adam_apply)", () => {
  for (const dtype of ["float32", "float64"] as const) {
    it(`gives the moments of adamStep and p + u rounded as add(p, u) (${dtype})`, () => {
      T.local(() => {
        const [k1, k2, k3, k4] = split(key(11), 4)
        const shape = [3, 40000]
        const g = normal(k1, shape, { dtype }), m = normal(k2, shape, { dtype })
        const v = T.abs(normal(k3, shape, { dtype })), p = normal(k4, shape, { dtype })
        const [m1, v1, moved] = adamStep(g, m, v, 0.9, 0.999, -3e-3, 1e-8, p)
        const [m2, v2, u] = adamStep(g, m, v, 0.9, 0.999, -3e-3, 1e-8)
        sameBits(m1, m2)
        sameBits(v1, v2)
        sameBits(moved, T.add(p, u))
      })
    })
  }

  it("makes step() with adam equal update + applyUpdates bit for bit over several steps", () => {
    T.local(() => {
      const opt = adam(1e-2, { b1: 0.5, b2: 0.9 })
      expect(opt.updateAndApply).toBeDefined()
      const [k0, k1] = split(key(5))
      let fused = { w: normal(k0, [40, 30]), b: normal(k1, [30]) }
      let plain = fused
      let sf = opt.init(fused), sp = opt.init(plain)
      for (let t = 0; t < 5; t++) {
        const [ka, kb] = split(key(100 + t))
        const grads = { w: normal(ka!, [40, 30]), b: normal(kb!, [30]) }
        const next = step(opt, fused, grads, sf)
        const [updates, state] = opt.update(grads, sp, plain)
        const moved = applyUpdates(plain, updates)
        sameBits(next.params.w, moved.w)
        sameBits(next.params.b, moved.b)
        fused = next.params
        sf = next.state
        plain = moved
        sp = state
      }
    })
  })

  it("refuses a parameter of another shape or dtype", () => {
    T.local(() => {
      const x = T.zeros([2, 3])
      expect(() => adamStep(x, x, x, 0.9, 0.999, 1, 1e-8, T.zeros([3, 2]))).toThrow(T.ShapeMismatch)
      expect(() => adamStep(x, x, x, 0.9, 0.999, 1, 1e-8, T.zeros([2, 3], { dtype: "float64" }))).toThrow(T.DTypeMismatch)
    })
  })
})
