/**
 * CRC-32C (Castagnoli polynomial 0x1EDC6F41, bit-reflected 0x82F63B78; initial value and final
 * xor 0xFFFFFFFF), as TFRecord files use it, and TFRecord's mask that keeps a CRC of data that
 * itself contains CRCs from being degenerate.
 */
const table = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** CRC-32C of the bytes, as an unsigned 32-bit integer. */
export const crc32c = (bytes: Uint8Array): number => {
  let c = 0xffffffff
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** TFRecord's masked CRC: rotate right by 15 bits, then add 0xa282ead8 (mod 2^32). */
export const maskCrc = (crc: number): number => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0
