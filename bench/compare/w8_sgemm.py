"""W8 sgemm-peak reference: C = A @ B in float32, N = 1024 and 2048, output preallocated."""
import common  # first: fixes the thread count before numpy/torch load
from common import Case, main, time_units

import numpy as np


def data(n):
    rs = np.random.RandomState(n)
    a = rs.standard_normal((n, n)).astype(np.float32)
    b = rs.standard_normal((n, n)).astype(np.float32)
    return a, b, np.empty((n, n), dtype=np.float32)


def result(n, times):
    med, best = common.median(times), min(times)
    gflops = lambda ms: 2 * n ** 3 / (ms * 1e6)  # noqa: E731
    return times, gflops(med), "gflops", {"gflops_best": gflops(best), "gflop": 2 * n ** 3 / 1e9}


def numpy_mm(n):
    def run(warmup, reps):
        a, b, c = data(n)
        return result(n, time_units(lambda: np.matmul(a, b, out=c), warmup, reps))
    return run


def torch_mm(n):
    def run(warmup, reps):
        torch = common.init_torch()
        a, b, c = (torch.from_numpy(x) for x in data(n))
        return result(n, time_units(lambda: torch.mm(a, b, out=c), warmup, reps))
    return run


cases = []
for n, reps in ((1024, 20), (2048, 6)):
    plan = dict(warmup=2, reps=reps, quick=(1, 2), params={"n": n})
    cases += [Case("numpy-openblas-%d" % n, numpy_mm(n), **plan), Case("torch-mm-%d" % n, torch_mm(n), **plan)]
main("sgemm-peak", "W8", cases)
