/**
 * Fused native optimizer steps: one pass over memory per parameter tensor instead of one per
 * elementwise op. Results are bit-identical to the unfused op sequences they replace.
 */
import { native, opId } from "../native/addon.js"
import { handleOf, Tensor } from "../tensor/tensor.js"

const ADAM_STEP = opId("adam_step")
const ADAM_APPLY = opId("adam_apply")

/**
 * Adam's moments and update in one native pass (g, m, v: one shape and floating dtype):
 * m' = b1 m + (1 − b1) g, v' = b2 v + (1 − b2) g · g, u = (a m') / (√v' + b), rounded exactly as
 * `add(mul(m, b1), mul(g, 1 − b1))`, ... would be. Returns [m', v', u], three new tensors; given
 * the parameters p (g's shape and dtype), [m', v', p + u] with p + u rounded as `add(p, u)`.
 */
export const adamStep = (
  g: Tensor,
  m: Tensor,
  v: Tensor,
  b1: number,
  b2: number,
  a: number,
  b: number,
  p?: Tensor
): [Tensor, Tensor, Tensor] => {
  const tensors = [handleOf(g, "gradient"), handleOf(m, "first moment"), handleOf(v, "second moment")]
  if (p !== undefined) tensors.push(handleOf(p, "parameter"))
  const [x, y, z] = native.fused(p === undefined ? ADAM_STEP : ADAM_APPLY, ...tensors, b1, b2, a, b)
  return [Tensor.fromHandle(x), Tensor.fromHandle(y), Tensor.fromHandle(z)]
}
