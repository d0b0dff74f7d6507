/**
 * Direct float64 references for 2-D convolution, written from the definitions with nested
 * loops (no im2col, no matrix product). Each also returns, per output element, the sum of
 * the absolute values of the terms it adds up, which scales the rounding-error bound.
 */
export type Dims4 = readonly [number, number, number, number]
export type P2 = readonly [number, number]

export interface RefGeometry {
  readonly stride: P2
  readonly padding: P2
  readonly dilation: P2
}

export interface RefResult {
  readonly shape: Dims4
  readonly values: Float64Array
  readonly absSum: Float64Array
}

/**
 * PyTorch's conv2d: out[n, o, y, x] = b[o] + Σ_{c,i,j} w[o, c, i, j] · in[n, c, y·s − p + i·d, x·s − p + j·d],
 * terms in the padding omitted.
 */
export const conv2dRef = (x: Float64Array, xs: Dims4, w: Float64Array, ws: Dims4, b: Float64Array | undefined, g: RefGeometry): RefResult => {
  const [N, C, H, W] = xs, [O, , KH, KW] = ws
  const Ho = Math.floor((H + 2 * g.padding[0] - g.dilation[0] * (KH - 1) - 1) / g.stride[0]) + 1
  const Wo = Math.floor((W + 2 * g.padding[1] - g.dilation[1] * (KW - 1) - 1) / g.stride[1]) + 1
  const values = new Float64Array(N * O * Ho * Wo), absSum = new Float64Array(values.length)
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oy = 0; oy < Ho; oy++)
        for (let ox = 0; ox < Wo; ox++) {
          let acc = b ? b[o]! : 0, abs = b ? Math.abs(b[o]!) : 0
          for (let c = 0; c < C; c++)
            for (let i = 0; i < KH; i++) {
              const iy = oy * g.stride[0] - g.padding[0] + i * g.dilation[0]
              if (iy < 0 || iy >= H) continue
              for (let j = 0; j < KW; j++) {
                const ix = ox * g.stride[1] - g.padding[1] + j * g.dilation[1]
                if (ix < 0 || ix >= W) continue
                const t = w[((o * C + c) * KH + i) * KW + j]! * x[((n * C + c) * H + iy) * W + ix]!
                acc += t
                abs += Math.abs(t)
              }
            }
          const at = ((n * O + o) * Ho + oy) * Wo + ox
          values[at] = acc
          absSum[at] = abs
        }
  return { shape: [N, O, Ho, Wo], values, absSum }
}

/**
 * PyTorch's conv_transpose2d, by scattering: every input pixel x[n, ci, y, x] adds
 * x · w[ci, co, i, j] to out[n, co, y·s − p + i·d, x·s − p + j·d] (when inside the output),
 * then b[co] is added. Output size (H − 1)·s − 2p + d·(k − 1) + outputPadding + 1.
 */
export const convTranspose2dRef = (
  x: Float64Array, xs: Dims4, w: Float64Array, ws: Dims4, b: Float64Array | undefined, g: RefGeometry & { readonly outputPadding: P2 }
): RefResult => {
  const [N, Ci, H, W] = xs, [, Co, KH, KW] = ws
  const Ho = (H - 1) * g.stride[0] - 2 * g.padding[0] + g.dilation[0] * (KH - 1) + g.outputPadding[0] + 1
  const Wo = (W - 1) * g.stride[1] - 2 * g.padding[1] + g.dilation[1] * (KW - 1) + g.outputPadding[1] + 1
  const values = new Float64Array(N * Co * Ho * Wo), absSum = new Float64Array(values.length)
  for (let n = 0; n < N; n++)
    for (let ci = 0; ci < Ci; ci++)
      for (let y = 0; y < H; y++)
        for (let xx = 0; xx < W; xx++) {
          const v = x[((n * Ci + ci) * H + y) * W + xx]!
          for (let co = 0; co < Co; co++)
            for (let i = 0; i < KH; i++) {
              const oy = y * g.stride[0] - g.padding[0] + i * g.dilation[0]
              if (oy < 0 || oy >= Ho) continue
              for (let j = 0; j < KW; j++) {
                const ox = xx * g.stride[1] - g.padding[1] + j * g.dilation[1]
                if (ox < 0 || ox >= Wo) continue
                const t = v * w[((ci * Co + co) * KH + i) * KW + j]!
                const at = ((n * Co + co) * Ho + oy) * Wo + ox
                values[at]! += t
                absSum[at]! += Math.abs(t)
              }
            }
        }
  if (b)
    for (let at = 0; at < values.length; at++) {
      const co = Math.floor(at / (Ho * Wo)) % Co
      values[at]! += b[co]!
      absSum[at]! += Math.abs(b[co]!)
    }
  return { shape: [N, Co, Ho, Wo], values, absSum }
}
