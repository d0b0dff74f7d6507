/**
 * Ground costs and discrete measures for the entropic and sliced OT solvers: the cost matrix
 * ‖x_i − y_j‖^p of two point clouds, uniform weights, and the checks every solver runs on
 * (weights, cost) before it starts.
 */
import { InvalidArgument, ShapeMismatch } from "../../native/errors.js"
import { isFloating } from "../../tensor/dtype.js"
import { local } from "../../tensor/local.js"
import { full } from "../../tensor/ops/creation.js"
import { add, gt, powScalar, sqrt, square, sub, where } from "../../tensor/ops/elementwise.js"
import { max, min, sum } from "../../tensor/ops/reduce.js"
import { reshape, slice } from "../../tensor/ops/shape.js"
import { Tensor } from "../../tensor/tensor.js"
import { squaredDistances } from "../mmd.js"

const rows = (t: Tensor): Tensor => (t.ndim === 1 ? reshape(t, [-1, 1]) : t)

const checkP = (p: number, who: string): void => {
  if (typeof p !== "number" || !(p >= 1) || !Number.isFinite(p)) throw new InvalidArgument({ message: `${who}: p must be a finite number ≥ 1, got ${p}` })
}

/** ‖x_i − y_j‖² for rows x [n, d], y [m, d]: coordinate by coordinate from differences when d is small, else by the expansion (clipped at 0). */
const squaredCost = (a: Tensor, b: Tensor): Tensor =>
  local(() => {
    const d = a.shape[1]!
    if (d > 8) return squaredDistances(a, b)
    let acc: Tensor | undefined
    for (let k = 0; k < d; k++) {
      const term = square(sub(slice(a, 1, k, k + 1), reshape(slice(b, 1, k, k + 1), [1, -1])))
      acc = acc === undefined ? term : add(acc, term)
    }
    return acc!
  })

/**
 * The ground cost C_ij = ‖x_i − y_j‖^p between point sets x [n, d] and y [m, d] ([n] and [m] are
 * points on the line), differentiable with derivative 0 at coincident points.
 */
export const groundCost = (x: Tensor, y: Tensor, p = 2): Tensor =>
  local(() => {
    checkP(p, "groundCost")
    if (!(x instanceof Tensor) || !(y instanceof Tensor)) throw new InvalidArgument({ message: "groundCost: x and y must be tensors" })
    const a = rows(x), b = rows(y)
    if (a.ndim !== 2 || b.ndim !== 2 || a.shape[1] !== b.shape[1] || a.shape[1] === 0)
      throw new ShapeMismatch({ message: `groundCost: x and y must be [n, d] and [m, d] with d ≥ 1; got [${x.shape}] and [${y.shape}]` })
    const r2 = squaredCost(a, b)
    if (p === 2) return r2
    // ‖·‖ = √r² with the branch at 0 replaced, so no infinite derivative meets a zero (as `norm`)
    const positive = gt(r2, 0)
    const dist = where(positive, sqrt(where(positive, r2, 1)), 0)
    return p === 1 ? dist : powScalar(dist, p)
  })

/** Weights 1/n. */
export const uniformWeights = (n: number, like: Tensor): Tensor => full([n], 1 / n, { dtype: like.dtype, device: like.device })

/** Rejects what no solver can handle: shapes, dtypes, non-positive or non-finite weights, unequal masses, non-finite costs. */
export const checkProblem = (a: Tensor, b: Tensor, cost: Tensor, who: string): void => {
  for (const [name, t] of [["a", a], ["b", b], ["cost", cost]] as const)
    if (!(t instanceof Tensor)) throw new InvalidArgument({ message: `${who}: ${name} must be a tensor` })
  if (a.ndim !== 1 || b.ndim !== 1) throw new InvalidArgument({ message: `${who}: weights must be 1-D, got shapes [${a.shape}] and [${b.shape}]` })
  const n = a.shape[0]!, m = b.shape[0]!
  if (n === 0 || m === 0) throw new InvalidArgument({ message: `${who}: empty measure (n = ${n}, m = ${m})` })
  if (cost.ndim !== 2 || cost.shape[0] !== n || cost.shape[1] !== m)
    throw new InvalidArgument({ message: `${who}: cost must have shape [${n}, ${m}], got [${cost.shape}]` })
  if (!isFloating(cost.dtype) || a.dtype !== cost.dtype || b.dtype !== cost.dtype)
    throw new InvalidArgument({ message: `${who}: a, b and cost must share one floating dtype, got ${a.dtype}, ${b.dtype}, ${cost.dtype}` })
  const [minA, minB, massA, massB, costMin, costMax] = local(() =>
    [min(a), min(b), sum(a), sum(b), min(cost), max(cost)].map((t) => t.item())
  ) as [number, number, number, number, number, number]
  if (!(minA > 0) || !(minB > 0) || !Number.isFinite(massA) || !Number.isFinite(massB))
    throw new InvalidArgument({ message: `${who}: weights must be positive and finite (drop zero-weight points), got min ${minA} and ${minB}` })
  const relTol = cost.dtype === "float64" ? 1e-9 : 1e-5
  if (Math.abs(massA - massB) > relTol * Math.max(massA, massB))
    throw new InvalidArgument({ message: `${who}: the measures must have equal mass, got ${massA} and ${massB}` })
  if (!Number.isFinite(costMin) || !Number.isFinite(costMax))
    throw new InvalidArgument({ message: `${who}: the cost matrix must be finite` })
}

export const checkEpsilon = (epsilon: number, who: string): void => {
  if (typeof epsilon !== "number" || !(epsilon > 0) || !Number.isFinite(epsilon))
    throw new InvalidArgument({ message: `${who}: epsilon must be a positive finite number, got ${epsilon}` })
}

export { checkP }
