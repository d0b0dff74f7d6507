/**
 * Philox4x32-10 in JavaScript, bit for bit the native one (native/kernels/philox.h): used to
 * derive keys (key, split, fold) without a round trip to the addon. All arithmetic is on
 * uint32 values held in numbers: Math.imul for the low half of a product, and a 16-bit split
 * for the high half, whose partial products stay below 2^53 and so are exact.
 */

const M0 = 0xd2511f53
const M1 = 0xcd9e8d57
const W0 = 0x9e3779b9
const W1 = 0xbb67ae85

/** The high 32 bits of the 64-bit product of two uint32 values. */
export const mulhi32 = (a: number, b: number): number => {
  const aHi = a >>> 16
  const aLo = a & 0xffff
  // a b = aHi b 2^16 + aLo b, each partial product < 2^48; floor(a b / 2^32) =
  // floor((aHi b + floor(aLo b / 2^16)) / 2^16).
  return Math.floor((aHi * b + Math.floor((aLo * b) / 65536)) / 65536) >>> 0
}

export type Words = readonly [number, number, number, number]

const round = (c: Words, k0: number, k1: number): Words => {
  const hi0 = mulhi32(M0, c[0])
  const lo0 = Math.imul(M0, c[0]) >>> 0
  const hi1 = mulhi32(M1, c[2])
  const lo1 = Math.imul(M1, c[2]) >>> 0
  return [(hi1 ^ c[1] ^ k0) >>> 0, lo1, (hi0 ^ c[3] ^ k1) >>> 0, lo0]
}

/** Philox4x32-10 of a counter (four uint32 words) under a key (two uint32 words). */
export const philox4x32_10 = (counter: Words, k0: number, k1: number): Words => {
  let c = round(counter, k0 >>> 0, k1 >>> 0)
  for (let r = 1; r < 10; r++) {
    k0 = (k0 + W0) >>> 0
    k1 = (k1 + W1) >>> 0
    c = round(c, k0, k1)
  }
  return c
}
