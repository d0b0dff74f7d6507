/** Element types: float32 trains, float64 checks gradients, int32 indexes, bool masks. */
import { InvalidArgument } from "../native/errors.js"

export type DType = "float32" | "float64" | "int32" | "bool"

export const dtypes: readonly DType[] = ["float32", "float64", "int32", "bool"]

/** The code the addon uses for each dtype (native/core/dtype.h). */
export const dtypeCode = (d: DType): number => {
  const code = dtypes.indexOf(d)
  if (code < 0) throw new InvalidArgument({ message: `unknown dtype ${String(d)}` })
  return code
}

export const dtypeOf = (code: number): DType => dtypes[code]!

export type TypedArrayOf<D extends DType> = D extends "float32"
  ? Float32Array
  : D extends "float64"
    ? Float64Array
    : D extends "int32"
      ? Int32Array
      : Uint8Array

export const isFloating = (d: DType): boolean => d === "float32" || d === "float64"

/** The dtype a typed array holds, when unambiguous. */
export const dtypeOfArray = (a: ArrayBufferView): DType | undefined =>
  a instanceof Float32Array
    ? "float32"
    : a instanceof Float64Array
      ? "float64"
      : a instanceof Int32Array
        ? "int32"
        : a instanceof Uint8Array
          ? "bool"
          : undefined
