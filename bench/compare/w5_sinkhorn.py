"""W5 sinkhorn reference: entropic OT between X_1000 and Y_4000, eps = 0.05, exactly 100
iterations, value = <P, C>. Checks the expected values of workloads.md."""
import common  # first: fixes the thread count before numpy/torch load
from common import Case, check, checked_clouds, main, time_units

import warnings

import numpy as np

N, M, EPS, ITERS = 1000, 4000, 0.05, 100
EXPECTED_F64 = 0.04799906948014
# float32 references (PyTorch); within 3e-7 relative of float64, tolerance 1e-5 relative
EXPECTED_F32 = {"std": 0.04799908400, "log": 0.0479990654}
PARAMS = {"n": N, "m": M, "epsilon": EPS, "iterations": ITERS}


def expected(domain, dtype):
    return (EXPECTED_F64, 1e-10) if dtype == "f64" else (EXPECTED_F32[domain], 1e-5)


def pot(method, warmup, reps):
    def run(w, r):
        import ot
        X, Y = checked_clouds(N, M)
        a, b = np.full(N, 1.0 / N), np.full(M, 1.0 / M)

        def solve():
            C = ot.dist(X, Y)  # squared Euclidean, not normalised
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # stopThr=0: POT warns that it "did not converge"
                return float(ot.sinkhorn2(a, b, C, EPS, method=method, numItermax=ITERS, stopThr=0))
        out = {}
        times = time_units(lambda: out.__setitem__("v", solve()), w, r)
        domain = "std" if method == "sinkhorn" else "log"
        return times, out["v"], "transport_cost", check(out["v"], *expected(domain, "f64"), what="pot " + method)
    return Case("pot-%s-f64" % method, run, warmup, reps, quick=(0, 1), params=PARAMS)


def torch_case(domain, dtype, warmup, reps):
    def run(w, r):
        torch = common.init_torch()
        tdtype = torch.float64 if dtype == "f64" else torch.float32
        X64, Y64 = checked_clouds(N, M)
        X, Y = torch.from_numpy(X64).to(tdtype), torch.from_numpy(Y64).to(tdtype)

        def cost():
            x2 = (X * X).sum(1)
            y2 = (Y * Y).sum(1)
            return (x2[:, None] + y2[None, :] - 2 * (X @ Y.T)).clamp_min(0)

        def std():
            C = cost()
            K = torch.exp(-C / EPS)
            a = torch.full((N,), 1.0 / N, dtype=tdtype)
            b = torch.full((M,), 1.0 / M, dtype=tdtype)
            u = a.clone()
            for _ in range(ITERS):
                v = b / (K.T @ u)
                u = a / (K @ v)
            P = u[:, None] * K * v[None, :]
            return (P * C).sum().item(), P

        def log():
            C = cost()
            S = -C / EPS
            f = torch.zeros(N, dtype=tdtype)
            g = torch.zeros(M, dtype=tdtype)
            log_a = torch.full((N,), -np.log(N), dtype=tdtype)
            log_b = torch.full((M,), -np.log(M), dtype=tdtype)
            for _ in range(ITERS):
                g = log_b - torch.logsumexp(S + f[:, None], dim=0)
                f = log_a - torch.logsumexp(S + g[None, :], dim=1)
            P = torch.exp(S + f[:, None] + g[None, :])
            return (P * C).sum().item(), P

        solve = std if domain == "std" else log
        out = {}
        times = time_units(lambda: out.__setitem__("r", solve()), w, r)
        value, P = out["r"]
        b = torch.full((M,), 1.0 / M, dtype=tdtype)
        extra = check(value, *expected(domain, dtype), what="torch %s %s" % (domain, dtype))
        extra["marginal_err"] = float(torch.linalg.norm(P.sum(0) - b))  # ||P^T 1 - b||_2
        return times, value, "transport_cost", extra
    return Case("torch-%s-%s" % (domain, dtype), run, warmup, reps, quick=(0, 1), params=PARAMS)


main("sinkhorn", "W5", [
    pot("sinkhorn", 2, 10),
    pot("sinkhorn_log", 1, 5),
    torch_case("std", "f64", 2, 10),
    torch_case("log", "f64", 1, 5),
    torch_case("std", "f32", 2, 10),
    torch_case("log", "f32", 1, 5),
])
