// CUDA im2col / col2im (layouts in kernels/backend.h). im2col: one thread per column entry.
// col2im: one thread per pixel, which adds the entries that read it tap by tap in kernel order
// starting from zero: the same additions in the same order as the CPU kernel (native/cpu/
// conv.cc), so the results match it bit for bit, with no atomics.
#include "../kernels/conv_geometry.h"
#include "runtime.cuh"

namespace dv::cuda {
namespace {

// Strides of the operands, in elements.
struct ConvStrides {
  int64_t xn, xc;  // image: batch, channel (rows of a plane are w apart, pixels 1)
  int64_t cn, ck;  // columns: batch, row (positions 1 apart)
};

template <class T>
__global__ void im2col_kernel(const T* x, ConvGeometry g, ConvStrides s, T* cols, int64_t total) {
  const int64_t positions = g.hout * g.wout, area = g.kh * g.kw;
  DV_CUDA_LOOP(e, total) {
    const int64_t pos = e % positions, row = (e / positions) % (g.c * area), n = e / (positions * g.c * area);
    const int64_t c = row / area, k = row % area, i = k / g.kw, j = k % g.kw;
    const int64_t oh = pos / g.wout, ow = pos % g.wout;
    const int64_t y = oh * g.sh - g.ph + i * g.dh, xx = ow * g.sw - g.pw + j * g.dw;
    const bool inside = y >= 0 && y < g.h && xx >= 0 && xx < g.w;
    cols[n * s.cn + row * s.ck + pos] = inside ? x[n * s.xn + c * s.xc + y * g.w + xx] : T(0);
  }
}

template <class T>
__global__ void col2im_kernel(const T* cols, ConvGeometry g, ConvStrides s, T* x, int64_t total) {
  const int64_t plane = g.h * g.w, area = g.kh * g.kw;
  DV_CUDA_LOOP(e, total) {
    const int64_t px = e % g.w, py = (e / g.w) % g.h, c = (e / plane) % g.c, n = e / (plane * g.c);
    T acc = T(0);
    for (int64_t k = 0; k < area; ++k) {
      const int64_t i = k / g.kw, j = k % g.kw;
      const int64_t ty = py + g.ph - i * g.dh, tx = px + g.pw - j * g.dw;  // = oh*sh, ow*sw
      if (ty < 0 || tx < 0 || ty % g.sh != 0 || tx % g.sw != 0) continue;
      const int64_t oh = ty / g.sh, ow = tx / g.sw;
      if (oh >= g.hout || ow >= g.wout) continue;
      acc += cols[n * s.cn + (c * area + k) * s.ck + oh * g.wout + ow];
    }
    x[e] = acc;
  }
}

void im2col(const Tensor& x, const ConvGeometry& g, const Tensor& cols) {
  const int64_t total = cols.numel();
  if (total == 0) return;
  const ConvStrides s{x.strides()[0], x.strides()[1], cols.strides()[0], cols.strides()[1]};
  dispatch_float(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    im2col_kernel<T><<<blocks_for(total), kThreads, 0, stream_for(x.device())>>>(x.data<T>(), g, s, cols.data<T>(),
                                                                                  total);
  });
  check_launch("im2col");
}

void col2im(const Tensor& cols, const ConvGeometry& g, const Tensor& x) {
  const int64_t total = x.numel();
  if (total == 0) return;
  const ConvStrides s{0, 0, cols.strides()[0], cols.strides()[1]};
  dispatch_float(cols.dtype(), [&](auto zero) {
    using T = decltype(zero);
    col2im_kernel<T><<<blocks_for(total), kThreads, 0, stream_for(x.device())>>>(cols.data<T>(), g, s, x.data<T>(),
                                                                                  total);
  });
  check_launch("col2im");
}

BackendRegistrar reg(DeviceKind::CUDA, [](Backend& b) {
  b.im2col = im2col;
  b.col2im = col2im;
});

}  // namespace
}  // namespace dv::cuda
