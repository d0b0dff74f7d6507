// diverge's own float32 matrix product for CPUs with AVX-512 (built with -march=native there).
// Every element of C is one sequential fused multiply-add chain over k, from zero (then added
// to C's old value when accumulating), whatever the blocking: products cut into blocks, or
// spread over threads, give the same bits. Elsewhere (no AVX-512 in the build) it is absent
// and products go to OpenBLAS.
#pragma once
#include <cstdint>

namespace dv::cpu {

// True where this build has the kernel.
bool own_sgemm_available();

// C[i, j] (+)= sum_p A[i, p] B[p, j] for i < m, j < n, p < k, with A(i, p) at a[i*sai + p*sap],
// B(p, j) at b[p*sbp + j*sbj] and C row-major with leading dimension ldc. `accumulate` adds
// to C's values; otherwise C is overwritten.
void own_sgemm(int64_t m, int64_t n, int64_t k, const float* a, int64_t sai, int64_t sap, const float* b, int64_t sbp,
               int64_t sbj, float* c, int64_t ldc, bool accumulate);

}  // namespace dv::cpu
