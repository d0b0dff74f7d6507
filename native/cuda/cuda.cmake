# The CUDA backend: every .cu file in native/cuda, for sm_90 (H100/H200), with the CUDA
# runtime linked statically so that the addon loads on machines without a GPU driver.
# sm_90 unless the command line names architectures (enable_language would pick nvcc's default).
if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
  set(CMAKE_CUDA_ARCHITECTURES 90)
endif()
enable_language(CUDA)
find_package(CUDAToolkit REQUIRED)
set(CMAKE_CUDA_STANDARD 17)
file(GLOB DIVERGE_CUDA_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/native/cuda/*.cu)
add_library(diverge_cuda STATIC ${DIVERGE_CUDA_SOURCES})
set_target_properties(diverge_cuda PROPERTIES CUDA_RUNTIME_LIBRARY Static POSITION_INDEPENDENT_CODE ON
  CUDA_ARCHITECTURES "${CMAKE_CUDA_ARCHITECTURES}")
# --fmad=false: no fused multiply-adds beyond the explicit fma() calls, as the CPU build
# (-ffp-contract=off, also for the host code of the .cu files); the Philox transforms then
# give the same bits on both devices.
target_compile_options(diverge_cuda PRIVATE
  $<$<COMPILE_LANGUAGE:CUDA>:--expt-relaxed-constexpr -O3 --fmad=false -Xcompiler=-ffp-contract=off>)
target_link_libraries(diverge_cuda PUBLIC CUDA::cudart_static)

# cuBLAS where the toolkit (or the GPU machine's Python nvidia-cublas) has it; else a tiled kernel.
find_library(CUBLAS_LIBRARY NAMES cublas libcublas.so.13 libcublas.so.12
  HINTS $ENV{CUBLAS_ROOT}/lib ${CUDAToolkit_LIBRARY_DIR})
find_path(CUBLAS_INCLUDE_DIR cublas_v2.h HINTS $ENV{CUBLAS_ROOT}/include ${CUDAToolkit_INCLUDE_DIRS})
if(CUBLAS_LIBRARY AND CUBLAS_INCLUDE_DIR)
  message(STATUS "diverge: cuBLAS ${CUBLAS_LIBRARY}")
  target_compile_definitions(diverge_cuda PRIVATE DIVERGE_CUBLAS=1)
  target_include_directories(diverge_cuda PRIVATE ${CUBLAS_INCLUDE_DIR})
  # An imported target links by full path; a bare path to libcublas.so.13 (no unversioned
  # symlink in the wheel) would become -lcublas, which the linker cannot find.
  add_library(diverge_cublas SHARED IMPORTED)
  set_target_properties(diverge_cublas PROPERTIES IMPORTED_LOCATION "${CUBLAS_LIBRARY}")
  target_link_libraries(diverge_cuda PUBLIC diverge_cublas)
  # Python's nvidia-cublas keeps libcublasLt next to libcublas, outside the loader's paths:
  # let the linker resolve it there and the addon find both at run time.
  get_filename_component(CUBLAS_LIBRARY_DIR "${CUBLAS_LIBRARY}" DIRECTORY)
  target_link_options(diverge_cuda INTERFACE "-Wl,-rpath-link,${CUBLAS_LIBRARY_DIR}" "-Wl,-rpath,${CUBLAS_LIBRARY_DIR}")
else()
  message(STATUS "diverge: no cuBLAS; CUDA matmul uses the tiled kernel")
endif()
