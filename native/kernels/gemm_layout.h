// How a BLAS (OpenBLAS on the CPU, cuBLAS on CUDA) reads a strided matrix operand: as it is,
// or as the transpose of a matrix with unit column stride; shared by both backends.
#pragma once
#include <algorithm>
#include <cstdint>

namespace dv {

// How BLAS reads a rows x cols matrix with element strides (sr, sc).
struct Operand {
  bool ok = false;
  bool trans = false;
  int64_t ld = 1;
};

inline Operand blas_operand(int64_t rows, int64_t cols, int64_t sr, int64_t sc) {
  Operand op;
  if ((cols == 1 || sc == 1) && (rows == 1 || sr >= std::max<int64_t>(cols, 1))) {
    op = {true, false, rows == 1 ? std::max<int64_t>(cols, 1) : sr};
  } else if ((rows == 1 || sr == 1) && (cols == 1 || sc >= std::max<int64_t>(rows, 1))) {
    op = {true, true, cols == 1 ? std::max<int64_t>(rows, 1) : sc};
  }
  return op;
}

}  // namespace dv
