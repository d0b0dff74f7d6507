"""W7 op-dispatch reference: 10,000 adds of 4-element float32 arrays per block."""
import common  # first: fixes the thread count before numpy/torch load
from common import Case, main, time_units

import numpy as np

OPS = 10_000
PLAN = dict(warmup=5, reps=30, quick=(1, 3), params={"ops_per_block": OPS, "size": 4})


def per_op(times):
    return common.median(times) * 1000 / OPS


def torch_add(requires_grad):
    def run(warmup, reps):
        torch = common.init_torch()
        a = torch.ones(4, dtype=torch.float32, requires_grad=requires_grad)
        b = torch.full((4,), 2.0, dtype=torch.float32)

        def unit():
            for _ in range(OPS):
                c = a + b  # noqa: F841 (the previous result is dropped)
        times = time_units(unit, warmup, reps)
        return times, per_op(times), "us_per_op", {}
    return run


def numpy_add(warmup, reps):
    a = np.ones(4, dtype=np.float32)
    b = np.full(4, 2.0, dtype=np.float32)

    def unit():
        for _ in range(OPS):
            c = a + b  # noqa: F841
    times = time_units(unit, warmup, reps)
    return times, per_op(times), "us_per_op", {}


def empty_loop(warmup, reps):
    def unit():
        for _ in range(OPS):
            pass
    times = time_units(unit, warmup, reps)
    return times, per_op(times), "us_per_op", {}


main("op-dispatch", "W7", [
    Case("torch-add-nograd", torch_add(False), **PLAN),
    Case("torch-add-autograd", torch_add(True), **PLAN),
    Case("numpy-add", numpy_add, **PLAN),
    Case("python-empty-loop", empty_loop, **PLAN),
])
