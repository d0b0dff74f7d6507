/** Indexing with int32 index tensors along one axis. */
import { native, opId } from "../../native/addon.js"
import { InvalidArgument } from "../../native/errors.js"
import { type DType } from "../dtype.js"
import { local } from "../local.js"
import { asTensor, handleOf, Tensor } from "../tensor.js"
import { arange } from "./creation.js"
import { eq } from "./elementwise.js"
import { cast, transpose, unsqueeze } from "./shape.js"

const INDEX_SELECT = opId("index_select")
const INDEX_ADD = opId("index_add")
const GATHER = opId("gather")
const SCATTER_ADD = opId("scatter_add")

const axisArg = (axis: number): number => {
  if (!Number.isInteger(axis)) throw new InvalidArgument({ message: `axis must be an integer, got ${axis}` })
  return axis
}

/** The slices x[..., idx[i], ...] along `axis` (idx: 1-D int32). */
export const indexSelect = (x: Tensor, axis: number, idx: Tensor): Tensor =>
  Tensor.fromHandle(native.indexSelect(INDEX_SELECT, handleOf(x), axisArg(axis), handleOf(idx, "indices")))

/** base with src's slices added at positions idx along `axis` (repeated indices accumulate). */
export const indexAdd = (base: Tensor, axis: number, idx: Tensor, src: Tensor): Tensor =>
  Tensor.fromHandle(native.indexAdd(INDEX_ADD, handleOf(base), axisArg(axis), handleOf(idx, "indices"), handleOf(src, "source")))

/** out[..i..] = x[.. idx[..i..] ..] along `axis` (take_along_axis; idx has x's rank). */
export const gather = (x: Tensor, axis: number, idx: Tensor): Tensor =>
  Tensor.fromHandle(native.indexSelect(GATHER, handleOf(x), axisArg(axis), handleOf(idx, "indices")))

/** base with src[..i..] added at position idx[..i..] along `axis`. */
export const scatterAdd = (base: Tensor, axis: number, idx: Tensor, src: Tensor): Tensor =>
  Tensor.fromHandle(native.indexAdd(SCATTER_ADD, handleOf(base), axisArg(axis), handleOf(idx, "indices"), handleOf(src, "source")))

/** One-hot rows: out[..., k] = (idx[...] == k), for k < n. */
export const oneHot = (idx: Tensor, n: number, dtype: DType = "float32"): Tensor =>
  local(() => cast(eq(unsqueeze(idx, -1), arange(0, n, 1, { dtype: "int32", device: asTensor(idx, "oneHot: indices").device })), dtype))

const ARGSORT = opId("argsort")

/** Indices that sort x along `axis` (stable; NaN last; int32). */
export const argsort = (x: Tensor, axis = -1, descending = false): Tensor =>
  local(() => {
    const last = asTensor(x, "argsort: argument").ndim - 1
    const a = axis < 0 ? axis + x.ndim : axis
    if (!Number.isInteger(a) || a < 0 || a > last)
      throw new InvalidArgument({ message: `argsort: axis ${axis} out of range for a ${x.ndim}-D tensor` })
    if (a === last) return Tensor.fromHandle(native.unaryParams(ARGSORT, handleOf(x), descending ? 1 : 0, 0))
    const moved = transpose(x, a, last)
    return transpose(Tensor.fromHandle(native.unaryParams(ARGSORT, moved.handle, descending ? 1 : 0, 0)), a, last)
  })

/** x sorted along `axis`; differentiable (the gradient is routed back through the permutation). */
export const sort = (x: Tensor, axis = -1, descending = false): Tensor =>
  local(() => gather(x, axis, argsort(x, axis, descending)))
