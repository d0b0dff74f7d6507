/**
 * Elementwise ops with NumPy broadcasting. A plain number operand becomes a 0-d tensor of
 * the other operand's dtype. Binary ops are dual: `add(a, b)` or, in a pipe, `add(b)`.
 */
import { dual } from "effect/Function"
import { native, opId } from "../../native/addon.js"
import { InvalidArgument } from "../../native/errors.js"
import { asTensor, handleOf, Tensor, type TensorLike } from "../tensor.js"
import { full } from "./creation.js"

const unary = (name: string) => {
  const id = opId(name)
  return (x: Tensor): Tensor => Tensor.fromHandle(native.unary(id, handleOf(x)))
}

export const neg = unary("neg")
export const exp = unary("exp")
export const log = unary("log")
export const log1p = unary("log1p")
export const expm1 = unary("expm1")
export const sqrt = unary("sqrt")
export const rsqrt = unary("rsqrt")
export const abs = unary("abs")
export const sign = unary("sign")
export const tanh = unary("tanh")
export const sigmoid = unary("sigmoid")
export const relu = unary("relu")
/** log(1 + e^x) = max(x, 0) + log1p(e^-|x|), with derivative σ(x). */
export const softplus = unary("softplus")
export const sin = unary("sin")
export const cos = unary("cos")
export const erf = unary("erf")
/** The principal branch W₀ of the Lambert W function (w·eʷ = x), for x ≥ −1/e (NaN below). */
export const lambertW = unary("lambert_w")
/** The Wright omega function ω(u) = W₀(eᵘ), defined for every real u without overflow. */
export const wrightOmega = unary("wright_omega")

const POW_SCALAR = opId("pow_scalar")
const CLAMP = opId("clamp")

const number = (v: unknown, what: string): number => {
  if (typeof v !== "number") throw new InvalidArgument({ message: `${what} must be a number` })
  return v
}

/** x ** p for a constant p (x * x for p = 2). */
export const powScalar = (x: Tensor, p: number): Tensor =>
  Tensor.fromHandle(native.unaryParams(POW_SCALAR, handleOf(x), number(p, "exponent"), 0))

export const square = (x: Tensor): Tensor => powScalar(x, 2)

/** Clamps into [lo, hi] (either bound may be ±Infinity). The gradient passes where lo <= x <= hi. */
export const clamp: {
  (lo: number, hi: number): (x: Tensor) => Tensor
  (x: Tensor, lo: number, hi: number): Tensor
} = dual(3, (x: Tensor, lo: number, hi: number): Tensor =>
  Tensor.fromHandle(native.unaryParams(CLAMP, handleOf(x), number(lo, "lower bound"), number(hi, "upper bound"))))

type BinaryFn = {
  (b: TensorLike): (a: TensorLike) => Tensor
  (a: TensorLike, b: TensorLike): Tensor
}

const binary = (name: string): BinaryFn => {
  const id = opId(name)
  return dual(2, (a: TensorLike, b: TensorLike): Tensor => {
    if (typeof b === "number") return Tensor.fromHandle(native.binary(id, handleOf(a, "left operand"), b, 2))
    if (typeof a === "number") return Tensor.fromHandle(native.binary(id, a, handleOf(b, "right operand"), 1))
    return Tensor.fromHandle(native.binary(id, handleOf(a, "left operand"), handleOf(b, "right operand"), 0))
  })
}

export const add = binary("add")
export const sub = binary("sub")
export const mul = binary("mul")
export const div = binary("div")
export const maximum = binary("maximum")
export const minimum = binary("minimum")
export const eq = binary("eq")
export const ne = binary("ne")
export const lt = binary("lt")
export const le = binary("le")
export const gt = binary("gt")
export const ge = binary("ge")
/** Elementwise softplus(l) − l·y (binary cross-entropy of logit l at target y), one native op. */
export const bceLogits = binary("bce_logits")

const powTensor = binary("pow")
/** a ** b; a constant exponent uses the faster, sign-safe powScalar. */
export const pow: BinaryFn = dual(2, (a: TensorLike, b: TensorLike): Tensor =>
  typeof b === "number" && a instanceof Tensor ? powScalar(a, b) : powTensor(a, b))

/** cond ? a : b elementwise (cond is bool); a number branch takes the other's dtype. */
export const where = (cond: Tensor, a: TensorLike, b: TensorLike): Tensor => {
  if (typeof a === "number" && typeof b === "number")
    throw new InvalidArgument({ message: "where: at least one branch must be a tensor" })
  const other = typeof a === "number" ? asTensor(b, "where: second branch") : asTensor(a, "where: first branch")
  const scalarLike = (v: number) => {
    const d = other.dtype
    if ((d === "int32" && !(Number.isInteger(v) && v >= -2147483648 && v <= 2147483647)) || (d === "bool" && v !== 0 && v !== 1))
      throw new InvalidArgument({ message: `where: the number ${v} is not a ${d}; cast the other branch to a floating dtype first` })
    return full([], v, { dtype: d, device: other.device })
  }
  const ta = typeof a === "number" ? scalarLike(a) : a
  const tb = typeof b === "number" ? scalarLike(b) : b
  try {
    return Tensor.fromHandle(native.where(handleOf(cond, "condition"), handleOf(ta), handleOf(tb)))
  } finally {
    if (ta !== a) ta.dispose()
    if (tb !== b) tb.dispose()
  }
}
