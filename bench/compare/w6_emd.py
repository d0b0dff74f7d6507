"""W6 emd-exact reference: exact OT between X_500 and Y_500 with uniform weights.
POT's network simplex, and the assignment problem it reduces to (n = m, uniform weights)."""
import common  # first: fixes the thread count before numpy/torch load
from common import Case, check, checked_clouds, main, time_units

import numpy as np

N = 500
EXPECTED = 0.0149530556204252
PARAMS = {"n": N}


def pot_emd(warmup, reps):
    import ot
    X, Y = checked_clouds(N, N)
    a = np.full(N, 1.0 / N)
    out = {}
    times = time_units(lambda: out.__setitem__("v", float(ot.emd2(a, a, ot.dist(X, Y), numItermax=10_000_000))),
                       warmup, reps)
    return times, out["v"], "transport_cost", check(out["v"], EXPECTED, 1e-9, "pot emd2")


def scipy_lsa(warmup, reps):
    from scipy.optimize import linear_sum_assignment
    X, Y = checked_clouds(N, N)

    def solve():
        C = ((X[:, None, :] - Y[None, :, :]) ** 2).sum(-1)
        rows, cols = linear_sum_assignment(C)
        return C[rows, cols].sum() / N
    out = {}
    times = time_units(lambda: out.__setitem__("v", float(solve())), warmup, reps)
    return times, out["v"], "transport_cost", check(out["v"], EXPECTED, 1e-9, "scipy linear_sum_assignment")


main("emd-exact", "W6", [
    Case("pot-emd2-f64", pot_emd, 2, 10, quick=(0, 1), params=PARAMS),
    Case("scipy-lsa-f64", scipy_lsa, 2, 10, quick=(0, 1), params=PARAMS),
])
