/**
 * Failures are typed and say what went wrong: the tag, a message that names the op and the
 * offending shapes or values, and (in an Effect) the error channel rather than a defect.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
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
