/**
 * Seeded random numbers for benchmark data (not the library's Philox keys: benchmark inputs
 * only need to be the same on every run). xoshiro128** seeded through splitmix32, normals by
 * Box–Muller.
 */

const splitmix32 = (state: { s: number }): number => {
  state.s = (state.s + 0x9e3779b9) | 0
  let z = state.s
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) >>> 0
}

/** A stream of uniform 32-bit integers determined by `seed`. */
export class Xoshiro128 {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    const st = { s: seed | 0 }
    this.a = splitmix32(st)
    this.b = splitmix32(st)
    this.c = splitmix32(st)
    this.d = splitmix32(st)
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0
    const t = this.b << 9
    this.c ^= this.a
    this.d ^= this.b
    this.b ^= this.c
    this.a ^= this.d
    this.c ^= t
    this.d = rotl(this.d, 11)
    return result
  }

  /** Uniform in (0, 1]: never 0, so log(u) is finite. */
  nextOpenUnit(): number {
    return (this.nextUint32() + 1) / 4294967296
  }
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k))

/** n standard normal draws (float32), continuing the stream of `rng`. */
export const normalsF32 = (rng: Xoshiro128, n: number): Float32Array => {
  const out = new Float32Array(n)
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(rng.nextOpenUnit()))
    const theta = 2 * Math.PI * rng.nextOpenUnit()
    out[i] = r * Math.cos(theta)
    if (i + 1 < n) out[i + 1] = r * Math.sin(theta)
  }
  return out
}
