/**
 * The CPU thread pool shared by every kernel and by OpenBLAS. Its size starts at the
 * machine's core count (or DIVERGE_NUM_THREADS); idle workers block rather than spin.
 */
import { native } from "../native/addon.js"
import { InvalidArgument } from "../native/errors.js"

export const numThreads = (): number => native.numThreads()

export const setNumThreads = (n: number): number => {
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgument({ message: `threads must be an integer in [1, 64], got ${n}` })
  return native.setNumThreads(n)
}
