#!/usr/bin/env bash
# The GPU check (issue 7), one script for a GPU machine (H100/H200, nvcc 13, CMake, PyTorch,
# no Node.js: pack it here first with `bash ../shared/tools/gpu-bundle`, which this script
# sources from .gpu/setup.sh). From the project root:
#
#   bash bench/gpu/run.sh [--quick] [--skip-build] [--no-bench]
#
# 1. builds the addon with CUDA (cuBLAS from python's nvidia-cublas, via CUBLAS_ROOT) and the
#    C++ parity tests (native/test, ctest);
# 2. runs the parity suites: ctest (CUDA vs CPU op by op, Philox bit equality, allocator,
#    autodiff) and test/tensor/cuda.test.ts (every op forward and backward vs CPU float64);
# 3. runs W1-W4 on CUDA, ours next to PyTorch eager (bench/compare/*.py --device cuda);
# 4. writes bench/gpu/RESULTS-<date>.md (date, device, every step's verdict, the timings).
# Where no GPU answers, every step still runs (the GPU tests skip and say so), the benchmarks
# are left out, and the results go to $DIVERGE_GPU_RESULTS (default /tmp), not into the repo.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
quick=0 build=1 bench=1
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    --skip-build) build=0 ;;
    --no-bench) bench=0 ;;
    *) echo "usage: bash bench/gpu/run.sh [--quick] [--skip-build] [--no-bench]" >&2; exit 2 ;;
  esac
done

if [ -f .gpu/setup.sh ]; then source .gpu/setup.sh; fi
export NO_COLOR=1 FORCE_COLOR=0  # plain logs
set +e
if [ -z "${CUBLAS_ROOT:-}" ]; then
  CUBLAS_ROOT=$(python3 -c 'import nvidia.cublas, os; print(os.path.dirname(nvidia.cublas.__file__))' 2>/dev/null || true)
  [ -n "$CUBLAS_ROOT" ] && export CUBLAS_ROOT && export LD_LIBRARY_PATH="$CUBLAS_ROOT/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

day=$(date -u +%Y-%m-%d)
logs=$(mktemp -d /tmp/diverge-gpu.XXXXXX)
gpu_name=$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null | head -1)
have_gpu=0
[ -n "$gpu_name" ] && have_gpu=1
if [ $have_gpu = 1 ]; then results="bench/gpu/RESULTS-$day.md"; else results="${DIVERGE_GPU_RESULTS:-/tmp}/RESULTS-$day.md"; fi
have_node=0
command -v node >/dev/null && [ -d node_modules ] && have_node=1
declare -a verdicts=()
step() {  # step NAME LOG COMMAND...: runs a step, records its verdict, keeps its log
  local name=$1 log=$2; shift 2
  echo "== $name"
  "$@" > "$logs/$log" 2>&1
  local rc=$?
  tail -n 5 "$logs/$log" | sed 's/^/   /'
  local verdict="FAILED (exit $rc)"
  [ $rc = 0 ] && verdict=ok
  [ $rc = 0 ] && grep -q "^SKIP:" "$logs/$log" && verdict="skipped: no GPU"
  verdicts+=("| $name | $verdict | \`$log\` |")
  return $rc
}
failed=0

echo "diverge GPU check, $day; device: ${gpu_name:-none}; cuBLAS: ${CUBLAS_ROOT:-not found}; logs in $logs"
if [ $build = 1 ]; then
  if [ $have_node = 1 ]; then
    step "build addon (CUDA on)" build-addon.log env DIVERGE_CUDA=ON npm run build:native || failed=1
  fi
  step "build C++ parity tests" build-tests.log bash -c \
    'cmake -S . -B build-gpu-tests -DCMAKE_BUILD_TYPE=Release -DDIVERGE_CUDA=ON -DDIVERGE_TESTS=ON && cmake --build build-gpu-tests -j 8' \
    || failed=1
fi
step "C++ parity (native/test, as ctest runs it)" ctest.log bash -c './build-gpu-tests/native/test/cuda_parity; rc=$?; [ $rc = 77 ] && exit 0; exit $rc' || failed=1
if [ $have_node = 1 ]; then
  step "TS parity (vitest test/tensor/cuda.test.ts)" vitest-cuda.log npx vitest run test/tensor/cuda.test.ts || failed=1
  step "TS random and autodiff on the CPU (unchanged)" vitest-cpu.log npx vitest run test/random test/autodiff/grad.test.ts || failed=1
else
  verdicts+=("| TS suites | not run: no Node.js (bash ../shared/tools/gpu-bundle packs it) | |")
fi

bench_rows=""
if [ $bench = 1 ] && [ $have_gpu = 1 ]; then
  plan=(); [ $quick = 1 ] && plan=(--quick)
  if [ $have_node = 1 ]; then
    DIVERGE_BENCH_DEVICE=cuda node --import tsx bench/run.ts --only W1,W2,W3,W4 --threads 1 "${plan[@]}" \
      > "$logs/bench-ours.jsonl" 2> "$logs/bench-ours.err" || failed=1
  fi
  : > "$logs/bench-torch.jsonl"
  for w in w1_gan_mlp w2_wgan_gp w3_vae w4_dcgan; do
    python3 "bench/compare/$w.py" --device cuda --threads 1 "${plan[@]}" >> "$logs/bench-torch.jsonl" 2>> "$logs/bench-torch.err" || failed=1
  done
  bench_rows=$(python3 - "$logs/bench-ours.jsonl" "$logs/bench-torch.jsonl" <<'PY'
import json, sys
def load(path):
    out = {}
    try:
        for line in open(path):
            line = line.strip()
            if line.startswith("{"):
                r = json.loads(line)
                out.setdefault(r["id"], []).append(r)
    except FileNotFoundError:
        pass
    return out
ours, theirs = load(sys.argv[1]), load(sys.argv[2])
for w in ["W1", "W2", "W3", "W4"]:
    o, t = ours.get(w, []), theirs.get(w, [])
    for i in range(max(len(o), len(t))):
        a = o[i] if i < len(o) else None
        b = t[i] if i < len(t) else None
        ms = lambda r: "%.3f" % r["ms_median"] if r else "-"
        ratio = "%.2f" % (a["ms_median"] / b["ms_median"]) if a and b else "-"
        goal = ("yes" if a["ms_median"] <= 0.7 * b["ms_median"] else "no") if a and b else "-"
        name = (a or b)["impl"] + ((" / " + b["impl"]) if a and b else "")
        print("| %s | %s | %s | %s | %s | %s |" % (w, name, ms(a), ms(b), ratio, goal))
PY
)
fi

{
  echo "# GPU check, $day"
  echo
  echo "- Device: ${gpu_name:-no GPU answered (nvidia-smi)}"
  echo "- nvcc: $(nvcc --version 2>/dev/null | tail -1 || echo none)"
  echo "- cuBLAS: ${CUBLAS_ROOT:-not found (tiled GEMM kernel)}"
  echo "- PyTorch: $(python3 -c 'import torch; print(torch.__version__, "CUDA", torch.version.cuda)' 2>/dev/null || echo none)"
  echo "- Commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo
  echo "## Steps"
  echo
  echo "| Step | Verdict | Log |"
  echo "|---|---|---|"
  printf '%s\n' "${verdicts[@]}"
  echo
  echo "## C++ parity (cuda_parity)"
  echo
  echo '```'
  grep -E "^(ok|FAIL|SKIP|CUDA:|    |[0-9]+ cases)" "$logs/ctest.log" 2>/dev/null | head -80
  echo '```'
  if [ -f "$logs/vitest-cuda.log" ]; then
    echo
    echo "## TS parity (test/tensor/cuda.test.ts)"
    echo
    echo '```'
    grep -E "Test Files|Tests |FAIL|skipping" "$logs/vitest-cuda.log" | head -40
    echo '```'
  fi
  echo
  echo "## W1-W4 on CUDA, median ms per unit (1 CPU thread; goal: ours <= 0.7x PyTorch eager)"
  echo
  if [ -n "$bench_rows" ]; then
    echo "| Workload | Impl (ours / PyTorch) | Ours ms | PyTorch ms | Ratio | Goal met |"
    echo "|---|---|---|---|---|---|"
    echo "$bench_rows"
  else
    echo "Not run ($([ $have_gpu = 1 ] && echo "--no-bench" || echo "no GPU"))."
  fi
} > "$results"
echo "results: $results"
exit $failed
