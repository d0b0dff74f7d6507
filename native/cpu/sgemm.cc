// The AVX-512 float32 product behind sgemm.h. B is packed into panels of 32 columns (zero
// padded); a micro-kernel keeps an R x 32 block of C (R <= 8 rows) in 2R vector registers and
// walks k once: per k, two loads of the B panel and R broadcasts of A, 2R fused
// multiply-adds. A is read in place through its strides (both layouts broadcast well).
// Measured on this project's AVX-512 machine against OpenBLAS 0.3.21's Haswell kernels at one
// thread: 190-200 GFLOP/s against 100-104 for 128x400x784 and similar (bench/NOTES.md).
#include "sgemm.h"

#include "../core/error.h"
#include <cstdlib>
#include <cstring>
#include <memory>

#ifdef __AVX512F__
#include <immintrin.h>
#endif

namespace dv::cpu {

#ifdef __AVX512F__
namespace {

constexpr int kPanel = 32;  // columns per packed panel: two 16-float vectors
constexpr int kRows = 8;    // rows per micro-kernel call
constexpr int64_t kDepth = 1024;  // k per packed panel (128 KiB): C takes a partial sum per 1024 k

// Explicit FMA intrinsics: the build forbids implicit contraction (-ffp-contract=off), and
// these fix the rounding of each step rather than leave it to the compiler.
template <int R>
void micro_kernel(int64_t k, const float* a, int64_t sai, int64_t sap, const float* panel, float* c, int64_t ldc,
                  __mmask16 lo_mask, __mmask16 hi_mask, bool accumulate) {
  __m512 lo[R], hi[R];
  for (int r = 0; r < R; ++r) lo[r] = hi[r] = _mm512_setzero_ps();
  for (int64_t p = 0; p < k; ++p) {
    const __m512 b0 = _mm512_load_ps(panel + p * kPanel), b1 = _mm512_load_ps(panel + p * kPanel + 16);
    for (int r = 0; r < R; ++r) {
      const __m512 av = _mm512_set1_ps(a[r * sai + p * sap]);
      lo[r] = _mm512_fmadd_ps(av, b0, lo[r]);
      hi[r] = _mm512_fmadd_ps(av, b1, hi[r]);
    }
  }
  for (int r = 0; r < R; ++r) {
    float* row = c + r * ldc;
    if (accumulate) {
      lo[r] = _mm512_add_ps(_mm512_maskz_loadu_ps(lo_mask, row), lo[r]);
      hi[r] = _mm512_add_ps(_mm512_maskz_loadu_ps(hi_mask, row + 16), hi[r]);
    }
    _mm512_mask_storeu_ps(row, lo_mask, lo[r]);
    _mm512_mask_storeu_ps(row + 16, hi_mask, hi[r]);
  }
}

using Kernel = void (*)(int64_t, const float*, int64_t, int64_t, const float*, float*, int64_t, __mmask16, __mmask16,
                        bool);
constexpr Kernel kKernels[kRows + 1] = {nullptr,          micro_kernel<1>, micro_kernel<2>, micro_kernel<3>,
                                        micro_kernel<4>, micro_kernel<5>, micro_kernel<6>, micro_kernel<7>,
                                        micro_kernel<8>};

// A 64-byte aligned buffer per thread for the packed panel, grown as needed.
float* panel_buffer(int64_t floats) {
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  thread_local std::unique_ptr<float, Free> buffer;
  thread_local int64_t capacity = 0;
  if (floats > capacity) {
    const size_t bytes = (static_cast<size_t>(floats) * sizeof(float) + 63) / 64 * 64;
    buffer.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
    if (!buffer) fail(ErrorCode::OutOfMemory, "matmul: no memory for a packed panel of ", bytes, " bytes");
    capacity = floats;
  }
  return buffer.get();
}

__mmask16 mask_of(int64_t count) { return count >= 16 ? __mmask16(0xffff) : __mmask16((1u << count) - 1); }

}  // namespace

bool own_sgemm_available() { return true; }

void own_sgemm(int64_t m, int64_t n, int64_t k, const float* a, int64_t sai, int64_t sap, const float* b, int64_t sbp,
               int64_t sbj, float* c, int64_t ldc, bool accumulate) {
  float* panel = panel_buffer((k < kDepth ? k : kDepth) * kPanel);
  for (int64_t j0 = 0; j0 < n; j0 += kPanel) {
    const int64_t width = n - j0 < kPanel ? n - j0 : kPanel;
    const __mmask16 lo_mask = mask_of(width), hi_mask = mask_of(width > 16 ? width - 16 : 0);
    for (int64_t k0 = 0; k0 < k; k0 += kDepth) {
      const int64_t depth = k - k0 < kDepth ? k - k0 : kDepth;
      for (int64_t p = 0; p < depth; ++p) {
        float* dst = panel + p * kPanel;
        const float* src = b + (k0 + p) * sbp + j0 * sbj;
        if (sbj == 1) {
          std::memcpy(dst, src, static_cast<size_t>(width) * sizeof(float));
        } else {
          for (int64_t j = 0; j < width; ++j) dst[j] = src[j * sbj];
        }
        for (int64_t j = width; j < kPanel; ++j) dst[j] = 0.0f;
      }
      for (int64_t i = 0; i < m; i += kRows) {
        const int64_t rows = m - i < kRows ? m - i : kRows;
        kKernels[rows](depth, a + i * sai + k0 * sap, sai, sap, panel, c + i * ldc + j0, ldc, lo_mask, hi_mask,
                       accumulate || k0 > 0);
      }
    }
  }
}

#else

bool own_sgemm_available() { return false; }
void own_sgemm(int64_t, int64_t, int64_t, const float*, int64_t, int64_t, const float*, int64_t, int64_t, float*,
               int64_t, bool) {
  fail(ErrorCode::Internal, "own_sgemm: not in this build (no AVX-512)");
}

#endif

}  // namespace dv::cpu
