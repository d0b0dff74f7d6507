/** Matrix products (OpenBLAS on the CPU; transposed views are passed as BLAS flags). */
import { dual } from "effect/Function"
import { native, opId } from "../../native/addon.js"
import { InvalidArgument } from "../../native/errors.js"
import { local } from "../local.js"
import { handleOf, Tensor } from "../tensor.js"
import { add } from "./elementwise.js"
import { reshape, squeeze, unsqueeze } from "./shape.js"

const MATMUL = opId("matmul")

const matmulRaw = (a: Tensor, b: Tensor): Tensor => Tensor.fromHandle(native.binary(MATMUL, handleOf(a), handleOf(b), 0))

/**
 * NumPy's matmul: [..., m, k] @ [..., k, n] with broadcast batch dimensions; a 1-D operand
 * is a row (left) or column (right) vector whose axis is dropped from the result.
 */
export const matmul: {
  (b: Tensor): (a: Tensor) => Tensor
  (a: Tensor, b: Tensor): Tensor
} = dual(2, (a: Tensor, b: Tensor): Tensor => {
  const ra = a instanceof Tensor ? a.ndim : -1, rb = b instanceof Tensor ? b.ndim : -1
  if (ra >= 2 && rb >= 2) return matmulRaw(a, b)
  if (ra === 0 || rb === 0) throw new InvalidArgument({ message: "matmul: operands must have at least one dimension" })
  return local(() => {
    const left = ra === 1 ? unsqueeze(a, 0) : a
    const right = rb === 1 ? unsqueeze(b, -1) : b
    let out = matmulRaw(left, right)
    if (rb === 1) out = squeeze(out, -1)
    if (ra === 1) out = squeeze(out, rb === 1 ? -1 : -2)
    return out
  })
})

/**
 * x @ w + b with a bias b of shape [n]: one native op whose bias is the starting value of
 * BLAS's accumulation (no separate pass to add it). A 1-D x is matmul then add.
 */
export const affine = (x: Tensor, w: Tensor, b: Tensor): Tensor =>
  x instanceof Tensor && x.ndim >= 2 && w instanceof Tensor && w.ndim >= 2
    ? Tensor.fromHandle(native.linear(handleOf(x), handleOf(w), handleOf(b, "bias")))
    : local(() => add(matmul(x, w), b))

/** The outer product of two vectors. */
export const outer = (a: Tensor, b: Tensor): Tensor =>
  local(() => matmulRaw(reshape(a, [-1, 1]), reshape(b, [1, -1])))
