/** Dropout (keyed): in train mode zero each element with probability p and scale the rest by 1/(1 − p). */
import { InvalidArgument } from "../native/errors.js"
import { bernoulli } from "../random/index.js"
import { local } from "../tensor/local.js"
import { div, mul } from "../tensor/ops/elementwise.js"
import { cast } from "../tensor/ops/shape.js"
import { fn, type Layer, MissingKey } from "./layer.js"

export const dropout = (p: number): Layer<undefined, undefined> => {
  if (!(p >= 0 && p < 1)) throw new InvalidArgument({ message: `dropout probability must be in [0, 1), got ${p}` })
  const layer = fn(`dropout(${p})`, (x) => x)
  return {
    ...layer,
    apply: (_variables, x, mode = {}) => {
      if (mode.train !== true || p === 0) return { y: x, state: undefined }
      if (mode.key === undefined) throw new MissingKey({ message: "dropout in train mode needs mode.key" })
      const key = mode.key
      return { y: local(() => div(mul(x, cast(bernoulli(key, 1 - p, x.shape), x.dtype)), 1 - p)), state: undefined }
    }
  }
}
