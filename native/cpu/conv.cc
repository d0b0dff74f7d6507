// CPU im2col / col2im (layouts in kernels/backend.h). The work is cut into units of one
// channel and a block of images (sized by the shape alone). Within a unit the loops run over
// kernel tap, output row, image, output column: the per-tap bookkeeping is shared by the
// images of the block, and the columns, which the ops store as [C*kh*kw, N, L], are written
// (or read) in order, which matters when an output row is short (a 7x7 kernel over a 7x7
// image has one position per image). col2im gives each pixel the contributions of the taps
// in a fixed order and one unit owns each pixel, so results do not depend on the threads.
#include <algorithm>
#include <vector>
#include "../kernels/backend.h"
#include "../kernels/conv_geometry.h"
#include "parallel.h"

namespace dv::cpu {
namespace {

// Output positions [lo, hi) along one axis whose input index o*s + offset lies in [0, in).
struct Span {
  int64_t lo = 0, hi = 0;
};

Span inside(int64_t out, int64_t in, int64_t s, int64_t offset) {
  int64_t lo = offset >= 0 ? 0 : (-offset + s - 1) / s;
  int64_t last = in - 1 - offset;
  int64_t hi = last < 0 ? 0 : std::min(out, last / s + 1);
  return {std::min(lo, hi), hi};
}

// Column entries per unit of work (below it, images are grouped; a batch this small stays on
// one thread).
constexpr int64_t kGrain = 1 << 15;

// How a convolution's planes are cut into units: each channel into blocks of `images` images.
struct Units {
  int64_t images, blocks, count, grain;
  explicit Units(const ConvGeometry& g) {
    const int64_t per_image = std::max<int64_t>(1, g.kernel_area() * g.positions());
    images = std::clamp<int64_t>(kGrain / per_image, 1, std::max<int64_t>(g.n, 1));
    blocks = (g.n + images - 1) / images;
    count = g.c * blocks;
    grain = std::max<int64_t>(1, kGrain / (images * per_image));
  }
};

// One kernel tap (i, j): where its rows read the image, and which output positions do.
struct Tap {
  int64_t oy, ox;  // input row = oh*sh + oy, input column = ow*sw + ox
  Span ry, rx;
};

std::vector<Tap> taps_of(const ConvGeometry& g) {
  std::vector<Tap> taps;
  taps.reserve(static_cast<size_t>(g.kernel_area()));
  for (int64_t i = 0; i < g.kh; ++i)
    for (int64_t j = 0; j < g.kw; ++j) {
      Tap t;
      t.oy = i * g.dh - g.ph;
      t.ox = j * g.dw - g.pw;
      t.ry = inside(g.hout, g.h, g.sh, t.oy);
      t.rx = inside(g.wout, g.w, g.sw, t.ox);
      taps.push_back(t);
    }
  return taps;
}

// out[ow] = src[ow*sw + ox] inside the image, 0 outside (one output row of one tap).
template <class T>
inline void gather_row(T* __restrict out, const T* __restrict src, const Tap& t, int64_t wout, int64_t sw) {
  int64_t ow = 0;
  for (; ow < t.rx.lo; ++ow) out[ow] = T(0);
  if (sw == 1) {
    for (; ow < t.rx.hi; ++ow) out[ow] = src[ow + t.ox];
  } else {
    for (; ow < t.rx.hi; ++ow) out[ow] = src[ow * sw + t.ox];
  }
  for (; ow < wout; ++ow) out[ow] = T(0);
}

// dst[ow*sw + ox] += in[ow] inside the image (the adjoint of gather_row).
template <class T>
inline void scatter_row(T* __restrict dst, const T* __restrict in, const Tap& t, int64_t sw) {
  if (sw == 1) {
    for (int64_t ow = t.rx.lo; ow < t.rx.hi; ++ow) dst[ow + t.ox] += in[ow];
  } else {
    for (int64_t ow = t.rx.lo; ow < t.rx.hi; ++ow) dst[ow * sw + t.ox] += in[ow];
  }
}

template <class T>
void im2col_typed(const Tensor& x, const ConvGeometry& g, const Tensor& cols) {
  const T* xp = x.data<T>();
  T* cp = cols.data<T>();
  const int64_t xn = x.strides()[0], xc = x.strides()[1], cn = cols.strides()[0], ck = cols.strides()[1];
  const int64_t wout = g.wout, area = g.kernel_area();
  const std::vector<Tap> taps = taps_of(g);
  const Units units(g);
  parallel_for(units.count, units.grain, [&](int64_t lo, int64_t hi) {
    for (int64_t u = lo; u < hi; ++u) {
      const int64_t c = u / units.blocks, n0 = (u % units.blocks) * units.images;
      const int64_t n1 = std::min(g.n, n0 + units.images);
      const T* image = xp + c * xc;
      for (int64_t k = 0; k < area; ++k) {
        const Tap& t = taps[k];
        T* row = cp + (c * area + k) * ck;
        for (int64_t oh = 0; oh < g.hout; ++oh) {
          if (oh < t.ry.lo || oh >= t.ry.hi) {
            for (int64_t n = n0; n < n1; ++n) std::fill_n(row + n * cn + oh * wout, wout, T(0));
            continue;
          }
          const T* src = image + (oh * g.sh + t.oy) * g.w;
          T* out = row + oh * wout;
          if (wout == 1) {  // e.g. a kernel as large as the image: one entry per image
            const bool hit = t.rx.lo == 0 && t.rx.hi == 1;
            for (int64_t n = n0; n < n1; ++n) out[n * cn] = hit ? src[n * xn + t.ox] : T(0);
          } else {
            for (int64_t n = n0; n < n1; ++n) gather_row(out + n * cn, src + n * xn, t, wout, g.sw);
          }
        }
      }
    }
  });
}

template <class T>
void col2im_typed(const Tensor& cols, const ConvGeometry& g, const Tensor& x) {
  const T* cp = cols.data<T>();
  T* xp = x.data<T>();
  const int64_t cn = cols.strides()[0], ck = cols.strides()[1], plane = g.h * g.w;
  const int64_t wout = g.wout, area = g.kernel_area();
  const std::vector<Tap> taps = taps_of(g);
  const Units units(g);
  parallel_for(units.count, units.grain, [&](int64_t lo, int64_t hi) {
    for (int64_t u = lo; u < hi; ++u) {
      const int64_t c = u / units.blocks, n0 = (u % units.blocks) * units.images;
      const int64_t n1 = std::min(g.n, n0 + units.images);
      for (int64_t n = n0; n < n1; ++n) std::fill_n(xp + (n * g.c + c) * plane, plane, T(0));
      for (int64_t k = 0; k < area; ++k) {
        const Tap& t = taps[k];
        const T* row = cp + (c * area + k) * ck;
        for (int64_t oh = t.ry.lo; oh < t.ry.hi; ++oh) {
          T* dst = xp + c * plane + (oh * g.sh + t.oy) * g.w;
          const T* in = row + oh * wout;
          if (wout == 1) {
            if (t.rx.lo == 0 && t.rx.hi == 1)
              for (int64_t n = n0; n < n1; ++n) dst[n * g.c * plane + t.ox] += in[n * cn];
          } else {
            for (int64_t n = n0; n < n1; ++n) scatter_row(dst + n * g.c * plane, in + n * cn, t, g.sw);
          }
        }
      }
    }
  });
}

void im2col(const Tensor& x, const ConvGeometry& g, const Tensor& cols) {
  dispatch_float(x.dtype(), [&](auto zero) { im2col_typed<decltype(zero)>(x, g, cols); });
}

void col2im(const Tensor& cols, const ConvGeometry& g, const Tensor& x) {
  dispatch_float(cols.dtype(), [&](auto zero) { col2im_typed<decltype(zero)>(cols, g, x); });
}

BackendRegistrar reg(DeviceKind::CPU, [](Backend& b) {
  b.im2col = im2col;
  b.col2im = col2im;
});

}  // namespace
}  // namespace dv::cpu
