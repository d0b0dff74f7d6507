// CUDA matrix products: cuBLAS (strided-batched sgemm/dgemm) where CMake found it
// (DIVERGE_CUBLAS), else a tiled shared-memory kernel, so that builds without cuBLAS link and
// run. Batch dimensions broadcast as on the CPU; transposed operands are passed to cuBLAS as
// flags (kernels/gemm_layout.h) and copied only when it cannot read them.
#include "../kernels/gemm_layout.h"
#include "runtime.cuh"
#ifdef DIVERGE_CUBLAS
#include <cublas_v2.h>
#include <mutex>
#endif

namespace dv::cuda {
namespace {

// The batch geometry of a product: out's batch dimensions, and each operand's batch strides.
struct Batch {
  Shape shape;
  Geometry<2> geo;  // operands a, b
  int64_t count;
};

Batch batch_of(const Tensor& a, const Tensor& b, const Tensor& out) {
  Batch bt;
  for (int d = 0; d < out.ndim() - 2; ++d) bt.shape.push_back(out.dim(d));
  auto strides = [&](const Tensor& t) {
    Shape s;
    Strides st;
    for (int d = 0; d < t.ndim() - 2; ++d) s.push_back(t.dim(d)), st.push_back(t.strides()[d]);
    return broadcast_strides(s, st, bt.shape);
  };
  bt.geo = geometry<2>(bt.shape, {strides(a), strides(b)});
  bt.count = numel(bt.shape);
  return bt;
}

constexpr int kTile = 16;

// out[bi] (m x n, contiguous) = a[bi] (m x k, strides sam, sak) @ b[bi] (k x n, strides sbk, sbn).
template <class T>
__global__ void tiled_gemm(const T* a, const T* b, T* out, Geometry<2> batch, int64_t batches, int64_t m, int64_t n,
                           int64_t k, int64_t sam, int64_t sak, int64_t sbk, int64_t sbn, bool accumulate) {
  __shared__ T as[kTile][kTile];
  __shared__ T bs[kTile][kTile];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int64_t row = static_cast<int64_t>(blockIdx.y) * kTile + ty, col = static_cast<int64_t>(blockIdx.x) * kTile + tx;
  for (int64_t bi = blockIdx.z; bi < batches; bi += gridDim.z) {
    int64_t off[2];
    offsets<2>(batch, bi, off);
    const T* A = a + off[0];
    const T* B = b + off[1];
    T acc = T(0);
    for (int64_t k0 = 0; k0 < k; k0 += kTile) {
      as[ty][tx] = row < m && k0 + tx < k ? A[row * sam + (k0 + tx) * sak] : T(0);
      bs[ty][tx] = k0 + ty < k && col < n ? B[(k0 + ty) * sbk + col * sbn] : T(0);
      __syncthreads();
      for (int j = 0; j < kTile; ++j) acc += as[ty][j] * bs[j][tx];
      __syncthreads();
    }
    if (row < m && col < n) {
      T& o = out[bi * m * n + row * n + col];
      o = accumulate ? o + acc : acc;
    }
  }
}

template <class T>
void tiled(const Tensor& a, const Tensor& b, const Tensor& out, const Batch& bt, int64_t m, int64_t n, int64_t k,
           bool accumulate) {
  const int ra = a.ndim(), rb = b.ndim();
  const dim3 block(kTile, kTile);
  const dim3 grid(static_cast<unsigned>((n + kTile - 1) / kTile), static_cast<unsigned>((m + kTile - 1) / kTile),
                  static_cast<unsigned>(std::min<int64_t>(bt.count, 65535)));
  DV_CHECK(grid.y <= 65535, ErrorCode::InvalidArgument, "matmul: ", m, " rows are too many for the tiled kernel");
  tiled_gemm<T><<<grid, block, 0, stream_for(out.device())>>>(a.data<T>(), b.data<T>(), out.data<T>(), bt.geo, bt.count, m,
                                                              n, k, a.strides()[ra - 2], a.strides()[ra - 1],
                                                              b.strides()[rb - 2], b.strides()[rb - 1], accumulate);
  check_launch("matmul");
}

#ifdef DIVERGE_CUBLAS
void check_blas(cublasStatus_t s, const char* what) {
  if (s == CUBLAS_STATUS_SUCCESS) return;
  if (s == CUBLAS_STATUS_ALLOC_FAILED) fail(ErrorCode::OutOfMemory, what, ": cuBLAS could not allocate");
  fail(ErrorCode::Internal, what, ": cuBLAS status ", static_cast<int>(s));
}

// One handle per device, bound to the device's stream; never destroyed (see memory.cu).
cublasHandle_t handle_for(Device d) {
  static cublasHandle_t handles[8] = {};
  static std::mutex mutex;
  cudaStream_t s = stream_for(d);
  std::lock_guard<std::mutex> lock(mutex);
  cublasHandle_t& h = handles[d.index & 7];
  if (!h) {
    check_blas(cublasCreate(&h), "cublasCreate");
    check_blas(cublasSetStream(h, s), "cublasSetStream");
  }
  return h;
}

// Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: cuBLAS gets B first.
template <class T>
void blas(cublasHandle_t h, const Operand& oa, const Operand& ob, int64_t m, int64_t n, int64_t k, const T* a,
          int64_t stride_a, const T* b, int64_t stride_b, T* c, int64_t batches, bool accumulate) {
  const T one = 1, zero = accumulate ? 1 : 0;
  const cublasOperation_t ta = ob.trans ? CUBLAS_OP_T : CUBLAS_OP_N, tb = oa.trans ? CUBLAS_OP_T : CUBLAS_OP_N;
  if constexpr (std::is_same_v<T, float>)
    check_blas(cublasSgemmStridedBatched(h, ta, tb, int(n), int(m), int(k), &one, b, int(ob.ld), stride_b, a,
                                         int(oa.ld), stride_a, &zero, c, int(n), m * n, int(batches)),
               "matmul");
  else
    check_blas(cublasDgemmStridedBatched(h, ta, tb, int(n), int(m), int(k), &one, b, int(ob.ld), stride_b, a,
                                         int(oa.ld), stride_a, &zero, c, int(n), m * n, int(batches)),
               "matmul");
}

// A contiguous copy of t on its device (for operands cuBLAS cannot read).
Tensor dense(const Tensor& t) {
  Tensor c = empty(t.shape(), t.dtype(), t.device());
  backend(t.device()).copy(t, c);
  return c;
}

template <class T>
bool try_blas(const Tensor& a_in, const Tensor& b_in, const Tensor& out, int64_t m, int64_t n, int64_t k,
              bool accumulate) {
  constexpr int64_t kIntMax = 0x7fffffff;
  if (m > kIntMax || n > kIntMax || k > kIntMax) return false;
  Tensor a = a_in, b = b_in;
  Operand oa = blas_operand(m, k, a.strides()[a.ndim() - 2], a.strides()[a.ndim() - 1]);
  Operand ob = blas_operand(k, n, b.strides()[b.ndim() - 2], b.strides()[b.ndim() - 1]);
  if (!oa.ok) a = dense(a), oa = blas_operand(m, k, k, 1);
  if (!ob.ok) b = dense(b), ob = blas_operand(k, n, n, 1);
  if (oa.ld > kIntMax || ob.ld > kIntMax) return false;
  const Batch bt = batch_of(a, b, out);
  cublasHandle_t h = handle_for(out.device());
  if (bt.geo.nd == 1 && bt.count <= kIntMax) {  // one stride per operand (0 where broadcast)
    const bool scalar_batch = bt.shape.n == 0 || bt.count == 1;
    blas<T>(h, oa, ob, m, n, k, a.data<T>(), scalar_batch ? 0 : bt.geo.stride[0][0], b.data<T>(),
            scalar_batch ? 0 : bt.geo.stride[1][0], out.data<T>(), bt.count, accumulate);
    return true;
  }
  std::vector<int64_t> oa_off(static_cast<size_t>(bt.count)), ob_off(oa_off.size());
  for (int64_t bi = 0; bi < bt.count; ++bi) {  // batch dimensions that no single stride walks
    int64_t i = bi, x = 0, y = 0;
    for (int d = bt.geo.nd - 1; d >= 0; --d) {
      const int64_t r = i % bt.geo.size[d];
      i /= bt.geo.size[d];
      x += r * bt.geo.stride[0][d], y += r * bt.geo.stride[1][d];
    }
    blas<T>(h, oa, ob, m, n, k, a.data<T>() + x, 0, b.data<T>() + y, 0, out.data<T>() + bi * m * n, 1, accumulate);
  }
  return true;
}
#endif

template <class T>
void matmul_typed(const Tensor& a, const Tensor& b, const Tensor& out, bool accumulate) {
  const int nd = out.ndim();
  const int64_t m = out.dim(nd - 2), n = out.dim(nd - 1), k = a.dim(a.ndim() - 1);
  if (out.numel() == 0) return;
  if (k == 0) {
    if (!accumulate) check(cudaMemsetAsync(out.raw(), 0, out.nbytes(), stream_for(out.device())), "matmul");
    return;
  }
#ifdef DIVERGE_CUBLAS
  if (try_blas<T>(a, b, out, m, n, k, accumulate)) return;
#endif
  tiled<T>(a, b, out, batch_of(a, b, out), m, n, k, accumulate);
}

void matmul(const Tensor& a, const Tensor& b, const Tensor& out, bool accumulate) {
  dispatch_float(a.dtype(), [&](auto zero) { matmul_typed<decltype(zero)>(a, b, out, accumulate); });
}

BackendRegistrar reg(DeviceKind::CUDA, [](Backend& b) { b.matmul = matmul; });

}  // namespace
}  // namespace dv::cuda
