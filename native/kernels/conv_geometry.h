// The geometry of a 2-D convolution over an NCHW image batch, shared by the op layer (which
// validates it) and the im2col/col2im kernels of every backend (which trust it).
#pragma once
#include <cstdint>

namespace dv {

// Output length of a convolution along one axis: floor((in + 2p - d(k-1) - 1) / s) + 1.
// May be zero or negative for a kernel that does not fit; the shape rule refuses those.
inline int64_t conv_output_size(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d) {
  const int64_t span = in + 2 * p - d * (k - 1) - 1;
  return span < 0 ? 0 : span / s + 1;
}

struct ConvGeometry {
  int64_t n = 0, c = 0, h = 0, w = 0;  // image batch, channels, height, width
  int64_t kh = 1, kw = 1;              // kernel extent
  int64_t sh = 1, sw = 1;              // stride
  int64_t ph = 0, pw = 0;              // zero padding on each side
  int64_t dh = 1, dw = 1;              // dilation
  int64_t hout = 0, wout = 0;          // derived: conv_output_size along each axis

  int64_t kernel_area() const { return kh * kw; }
  int64_t rows() const { return c * kh * kw; }      // second dimension of the columns
  int64_t positions() const { return hout * wout; }  // third dimension of the columns
};

}  // namespace dv
