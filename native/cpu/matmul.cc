// CPU matrix products through OpenBLAS. Transposed or otherwise strided operands are passed
// to BLAS as flags and leading dimensions, never copied unless BLAS cannot read them. OpenBLAS
// runs on one thread; the split across cores is ours (one pool for the whole library).
#include <cblas.h>
#include <string>
#include <algorithm>
#include "../kernels/backend.h"
#include "../kernels/gemm_layout.h"
#include "parallel.h"
#include "sgemm.h"

namespace dv::cpu {
namespace {

// Float32 products at least this wide go to diverge's own kernel where the build has it
// (sgemm.h); narrower ones waste most of its 32-column panels and stay with OpenBLAS.
constexpr int64_t kOwnMinColumns = 8;

template <class T>
void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda, const T* b, int64_t ldb, T* c,
          int64_t ldc, T beta, bool own) {
  if constexpr (std::is_same_v<T, float>) {
    if (own) {
      own_sgemm(m, n, k, a, ta ? 1 : lda, ta ? lda : 1, b, tb ? 1 : ldb, tb ? ldb : 1, c, ldc, beta != 0.0f);
      return;
    }
  }
  auto TA = ta ? CblasTrans : CblasNoTrans, TB = tb ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, float>)
    cblas_sgemm(CblasRowMajor, TA, TB, int(m), int(n), int(k), 1.0f, a, int(lda), b, int(ldb), beta, c, int(ldc));
  else
    cblas_dgemm(CblasRowMajor, TA, TB, int(m), int(n), int(k), 1.0, a, int(lda), b, int(ldb), beta, c, int(ldc));
}

// Below this many multiply-adds per thread a product stays on one thread.
constexpr int64_t kGemmGrain = 1 << 19;

// How many blocks a product of `len` rows (or columns) and `work` multiply-adds is cut into:
// each with at least kGemmGrain multiply-adds and 128 rows (so that re-packing the other
// operand per block stays cheap), at most 32 blocks.
int64_t product_blocks(int64_t len, int64_t work) {
  return std::max<int64_t>(1, std::min({len / 128, work / kGemmGrain, int64_t{32}}));
}

// Start of block `i` of `blocks` over [0, len), on a multiple of 16 (BLAS's register tiles).
int64_t block_edge(int64_t len, int64_t blocks, int64_t i) {
  if (i >= blocks) return len;
  return (len * i / blocks) / 16 * 16;
}

template <class T>
void matmul_typed(const Tensor& a_in, const Tensor& b_in, const Tensor& out, bool accumulate) {
  const T beta = accumulate ? T(1) : T(0);
  // Chosen from the whole product's shape, so that its blocks all take the same kernel.
  const bool own = std::is_same_v<T, float> && own_sgemm_available() && out.dim(out.ndim() - 1) >= kOwnMinColumns;
  const int nd = out.ndim();
  const int64_t m = out.dim(nd - 2), n = out.dim(nd - 1), k = a_in.dim(a_in.ndim() - 1);
  // Make each operand readable by BLAS (a copy only for exotic strides).
  auto readable = [&](const Tensor& t, int64_t rows, int64_t cols) {
    int r = t.ndim();
    Operand op = blas_operand(rows, cols, t.strides()[r - 2], t.strides()[r - 1]);
    if (op.ok) return std::make_pair(t, op);
    Tensor c = empty(t.shape(), t.dtype(), t.device());
    backend(t.device()).copy(t, c);
    return std::make_pair(c, blas_operand(rows, cols, c.strides()[r - 2], c.strides()[r - 1]));
  };
  const std::pair<Tensor, Operand> ra = readable(a_in, m, k), rb = readable(b_in, k, n);
  const Tensor &a = ra.first, &b = rb.first;
  const Operand opa = ra.second, opb = rb.second;
  Shape batch_shape;
  for (int d = 0; d < nd - 2; ++d) batch_shape.push_back(out.dim(d));
  auto batch_strides = [&](const Tensor& t) {
    Shape s;
    Strides st;
    for (int d = 0; d < t.ndim() - 2; ++d) s.push_back(t.dim(d)), st.push_back(t.strides()[d]);
    return broadcast_strides(s, st, batch_shape);
  };
  const Strides sa = batch_strides(a), sb = batch_strides(b);
  const int64_t batches = numel(batch_shape);
  T* c = out.data<T>();
  if (k == 0) {
    if (!accumulate)
      for (int64_t i = 0, total = out.numel(); i < total; ++i) c[i] = T(0);
    return;
  }
  auto batch_offsets = [&](int64_t bi, int64_t& oa, int64_t& ob) {
    oa = ob = 0;
    for (int d = batch_shape.n - 1; d >= 0; --d) {
      int64_t i = bi % batch_shape[d];
      bi /= batch_shape[d];
      oa += i * sa[d];
      ob += i * sb[d];
    }
  };
  const T* A = a.data<T>();
  const T* B = b.data<T>();
  const int64_t work = m * n * k;
  if (batches > 1) {
    parallel_for(batches, std::max<int64_t>(1, kGemmGrain / std::max<int64_t>(work, 1)), [&](int64_t lo, int64_t hi) {
      for (int64_t bi = lo; bi < hi; ++bi) {
        int64_t oa, ob;
        batch_offsets(bi, oa, ob);
        gemm<T>(opa.trans, opb.trans, m, n, k, A + oa, opa.ld, B + ob, opb.ld, c + bi * m * n, n, beta, own);
      }
    });
    return;
  }
  // One product: split the longer of the two output dimensions into blocks fixed by the shape
  // alone, one BLAS call each. OpenBLAS's float32 result for an element depends on the size of
  // the call it is part of, so blocks that followed the thread count would change the bits.
  const bool split_rows = m >= n;
  const int64_t len = split_rows ? m : n;
  const int64_t blocks = product_blocks(len, work);
  parallel_for(blocks, 1, [&](int64_t first, int64_t last) {
    for (int64_t blk = first; blk < last; ++blk) {
      const int64_t lo = block_edge(len, blocks, blk), hi = block_edge(len, blocks, blk + 1);
      if (split_rows) {
        const T* a0 = A + (opa.trans ? lo : lo * opa.ld);
        gemm<T>(opa.trans, opb.trans, hi - lo, n, k, a0, opa.ld, B, opb.ld, c + lo * n, n, beta, own);
      } else {
        const T* b0 = B + (opb.trans ? lo * opb.ld : lo);
        gemm<T>(opa.trans, opb.trans, m, hi - lo, k, A, opa.ld, b0, opb.ld, c + lo, n, beta, own);
      }
    }
  });
}

void matmul(const Tensor& a, const Tensor& b, const Tensor& out, bool accumulate) {
  dispatch_float(a.dtype(), [&](auto zero) { matmul_typed<decltype(zero)>(a, b, out, accumulate); });
}

struct BlasInit {
  BlasInit() { openblas_set_num_threads(1); }
};

// OpenBLAS picks its kernels for the CPU at load time; results are bit-identical only between
// machines where it picks the same ones, so manifests and weight files record this line.
const char* describe_blas() {
  static const std::string line = std::string(openblas_get_config()) + "; core " + openblas_get_corename() +
                                  (own_sgemm_available() ? "; float32 products: diverge AVX-512 kernel" : "");
  return line.c_str();
}

BackendRegistrar reg(DeviceKind::CPU, [](Backend& b) {
  static BlasInit init;
  b.matmul = matmul;
  b.describe = describe_blas;
});

}  // namespace
}  // namespace dv::cpu
