/**
 * Failures are typed and say what went wrong: the tag, a message that names the op and the
 * offending shapes or values, and (in an Effect) the error channel rather than a defect.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import { native, opId } from "../../src/native/addon.js"
import * as T from "../../src/tensor/index.js"

/** The error f throws (fails the test if it throws nothing). */
const caught = (f: () => unknown): { _tag: string; message: string } => {
  try {
    f()
  } catch (e) {
    return e as { _tag: string; message: string }
  }
  return expect.fail("expected a throw")
}

describe("error messages", () => {
  it("name the op and the shapes, dtypes or values at fault", () =>
    T.local(() => {
      const cases: Array<[() => unknown, string, string[]]> = [
        [() => T.add(T.ones([2, 3]), T.ones([3, 2])), "ShapeMismatch", ["add", "[2,3]", "[3,2]"]],
        [() => T.matmul(T.ones([2, 3]), T.ones([4, 5])), "ShapeMismatch", ["matmul", "[2,3]", "[4,5]"]],
        [() => T.div(T.ones([2]), T.ones([2], { dtype: "float64" })), "DTypeMismatch", ["div", "float32", "float64"]],
        [() => T.log(T.ones([2], { dtype: "int32" })), "DTypeMismatch", ["log", "int32"]],
        [() => T.reshape(T.ones([2, 3]), [5]), "ShapeMismatch", ["reshape", "[2,3]", "[5]"]],
        [() => T.expand(T.ones([2, 3]), [4, 3]), "ShapeMismatch", ["expand", "[2,3]", "[4,3]"]],
        [() => T.concat([T.ones([2, 3]), T.ones([3, 3])], 1), "ShapeMismatch", ["concat"]],
        [() => T.indexSelect(T.ones([3]), 0, T.tensor([7], { dtype: "int32" })), "InvalidArgument", ["index_select", "7"]],
        [() => T.clamp(T.ones([1]), 3, 1), "InvalidArgument", ["clamp", "3", "1"]],
        [() => T.max(T.zeros([0])), "InvalidArgument", ["amax", "empty"]],
        [() => T.sum(T.ones([2]), 3), "InvalidArgument", ["axis 3"]],
        [() => T.slice(T.ones([2]), 0, 0, 2, 0), "InvalidArgument", ["slice", "step"]],
        [() => T.ones([2]).item(), "ShapeMismatch", ["item", "[2]"]],
        [() => T.zeros([2 ** 40]), "OutOfMemory", ["[1099511627776]", "too large"]]
      ]
      for (const [f, tag, parts] of cases) {
        const e = caught(f)
        expect(e._tag, e.message).toBe(tag)
        expect(e).toBeInstanceOf(Error)
        for (const p of parts) expect(e.message).toContain(p)
      }
    }))

  it("non-tensor arguments get an InvalidArgument that says what was passed", () => {
    const e = caught(() => T.exp(3 as never))
    expect(e._tag).toBe("InvalidArgument")
    expect(e.message).toContain("number")
    expect(caught(() => T.add(T.ones([1]) as never, "x" as never))._tag).toBe("InvalidArgument")
    expect(caught(() => T.concat([T.ones([1]), {} as never]))._tag).toBe("InvalidArgument")
  })

  it("every op given a non-tensor where a tensor belongs throws a tagged error, not a TypeError", () =>
    T.local(() => {
      const x = T.ones([2, 3])
      const i = T.tensor([[0, 1, 0], [1, 0, 1]], { dtype: "int32" })
      const calls: Record<string, (bad: never) => unknown> = {
        exp: (b) => T.exp(b), powScalar: (b) => T.powScalar(b, 2), clamp: (b) => T.clamp(b, 0, 1),
        add: (b) => T.add(b, x), addRight: (b) => T.add(x, b), where: (b) => T.where(b, x, x),
        sum: (b) => T.sum(b), sumAxes: (b) => T.sum(x, b), mean: (b) => T.mean(b, 0), variance: (b) => T.variance(b),
        argmax: (b) => T.argmax(b), logsumexp: (b) => T.logsumexp(b, 1),
        reshape: (b) => T.reshape(b, [6]), permute: (b) => T.permute(b, [1, 0]), transpose: (b) => T.transpose(b),
        expand: (b) => T.expand(b, [2, 3]), slice: (b) => T.slice(b, 0, 1), squeeze: (b) => T.squeeze(b),
        unsqueeze: (b) => T.unsqueeze(b, 0), flatten: (b) => T.flatten(b), cast: (b) => T.cast(b, "float64"),
        contiguous: (b) => T.contiguous(b), concat: (b) => T.concat([x, b]), stack: (b) => T.stack([x, b]),
        split: (b) => T.split(b, [1, 1]), gather: (b) => T.gather(b, 0, i), gatherIdx: (b) => T.gather(x, 0, b),
        scatterAdd: (b) => T.scatterAdd(x, 0, i, b), indexSelect: (b) => T.indexSelect(b, 0, T.tensor([0], { dtype: "int32" })),
        indexAdd: (b) => T.indexAdd(b, 0, T.tensor([0], { dtype: "int32" }), T.ones([1, 3])), oneHot: (b) => T.oneHot(b, 3),
        argsort: (b) => T.argsort(b), sort: (b) => T.sort(b), matmul: (b) => T.matmul(b, x), matmulRight: (b) => T.matmul(x, b),
        zerosLike: (b) => T.zerosLike(b), fullLike: (b) => T.fullLike(b, 1)
      }
      for (const [name, call] of Object.entries(calls))
        for (const bad of [5, "x", null, undefined, {}, [1, 2]]) {
          if (((name === "add" || name === "addRight") && bad === 5) || (name === "sumAxes" && bad === undefined)) continue // valid calls
          let e: unknown = undefined
          try {
            call(bad as never)
            expect.fail(`${name}(${String(bad)}) did not throw`)
          } catch (thrown) {
            e = thrown
          }
          if (!T.isTensorError(e)) expect.fail(`${name}(${String(bad)}) threw ${String(e)}`)
        }
    }))

  it("there is one CPU device: cpu:1 is refused in TypeScript and by the addon", () => {
    expect(caught(() => T.zeros([2], { device: { kind: "cpu", index: 1 } }))._tag).toBe("InvalidArgument")
    const e = caught(() => native.create(opId("full"), [2], 0, 1, 0, 0))
    expect(e._tag).toBe("InvalidArgument")
    expect(e.message).toContain("cpu:0")
  })

  it.effect("a missing CUDA device is DeviceUnavailable: creating on cuda, or providing Device.Cuda", () =>
    Effect.gen(function* () {
      if (T.isAvailable("cuda")) return // on a GPU machine this check does not apply
      const e = caught(() => T.zeros([2], { device: T.cuda(0) }))
      expect(e._tag).toBe("DeviceUnavailable")
      expect(e.message).toContain("cuda:0")
      const exit = yield* Effect.exit(
        T.scoped(T.compute(() => T.ones([2]))).pipe(Effect.provide(T.Device.Cuda as Layer.Layer<never, T.DeviceUnavailable>))
      )
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) expect(String(exit.cause)).toContain("DeviceUnavailable")
    }))

  it.effect("in an Effect, tensor errors are failures that catchTag can handle", () =>
    Effect.gen(function* () {
      const recovered = yield* T.compute(() => T.matmul(T.ones([2, 3]), T.ones([2, 3]))).pipe(
        Effect.map(() => "no error"),
        Effect.catchTag("ShapeMismatch", (e) => Effect.succeed(`recovered: ${e.message}`))
      )
      expect(recovered).toContain("recovered: matmul")
    }).pipe(T.scoped))
})
