"""Shared by the reference scripts of bench/compare (workloads.md, section 0).

Import this module FIRST: it reads --threads from the command line and fixes the thread
count of every library through the environment before numpy or torch is loaded.

  /usr/bin/python3 bench/compare/wN_x.py [--impl a,b] [--threads T] [--reps R] [--warmup W] [--quick]
                                         [--device cpu|cuda]

Each selected impl prints one JSON line with the keys of workloads.md section 0.
"""
import argparse
import json
import os
import resource
import sys
import time


def _parse():
    p = argparse.ArgumentParser()
    p.add_argument("--impl", default="", help="comma-separated impl names (default: all)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--reps", type=int, default=None)
    p.add_argument("--warmup", type=int, default=None)
    p.add_argument("--quick", action="store_true", help="a few units only (smoke test)")
    p.add_argument("--list", action="store_true", help="print the impl names and exit")
    p.add_argument("--device", default="cpu", help="torch device of the W1-W4 references (cpu or cuda)")
    return p.parse_args()


ARGS = _parse()
THREADS = ARGS.threads
DEVICE = ARGS.device

for _k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_k] = str(THREADS)
if "OMP_WAIT_POLICY" not in os.environ:
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
elif os.environ["OMP_WAIT_POLICY"] == "unset":
    del os.environ["OMP_WAIT_POLICY"]


def init_torch():
    """torch with this process's thread count (Debian's 1.13 defaults to 1 thread here)."""
    import torch
    torch.set_num_threads(THREADS)
    if DEVICE != "cpu":
        # Factories and parameters then land on the device; data built on the CPU is moved
        # with .to(DEVICE). Loss values read with .item() synchronise every step.
        torch.set_default_device(DEVICE)
    return torch


def time_units(unit, warmup, reps):
    """Runs `warmup` untimed units, then times `reps` units; returns milliseconds."""
    for _ in range(warmup):
        unit()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        unit()
        times.append((time.perf_counter() - t0) * 1e3)
    return times


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 == 1 else 0.5 * (s[n // 2 - 1] + s[n // 2])


class Case:
    """One impl: `run(warmup, reps)` returns (times_ms, value, value_name, extra_dict)."""

    def __init__(self, impl, run, warmup, reps, quick=(1, 3), params=None):
        self.impl = impl
        self.run = run
        self.plan = (warmup, reps)
        self.quick = quick
        self.params = params or {}


def main(workload, wid, cases):
    """Runs the selected cases of one workload and prints their JSON lines.

    A case whose extra dict has check == "FAIL" makes the script exit with status 1
    (after every selected case has run)."""
    if ARGS.list:
        for c in cases:
            print(c.impl)
        return
    wanted = [s for s in ARGS.impl.split(",") if s]
    known = {c.impl for c in cases}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        sys.exit("unknown impl(s) %s; have %s" % (unknown, sorted(known)))
    failed = False
    for c in cases:
        if wanted and c.impl not in wanted:
            continue
        warmup, reps = c.quick if ARGS.quick else c.plan
        if ARGS.warmup is not None:
            warmup = ARGS.warmup
        if ARGS.reps is not None:
            reps = ARGS.reps
        times, value, value_name, extra = c.run(warmup, reps)
        rec = {
            "workload": workload,
            "id": wid,
            "impl": c.impl,
            "ms_median": median(times),
            "ms_min": min(times),
            "ms_max": max(times),
            "reps": len(times),
            "warmup": warmup,
            "value": value,
            "value_name": value_name,
            "threads": THREADS,
            "device": DEVICE,
            "load1": os.getloadavg()[0],
            # ru_maxrss is in KiB on Linux
            "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
        rec.update(c.params)
        rec.update(extra)
        print(json.dumps(rec), flush=True)
        if extra.get("check") == "FAIL":
            failed = True
    if failed:
        sys.exit(1)


def check(value, expected, rel_tol, what):
    """Compares with an expected value; prints the verdict to stderr, returns the JSON keys."""
    rel = abs(value - expected) / abs(expected)
    ok = rel <= rel_tol
    print("check %s: %.17g vs expected %.17g, rel err %.3g (tol %g): %s"
          % (what, value, expected, rel, rel_tol, "ok" if ok else "FAIL"), file=sys.stderr)
    return {"expected": expected, "rel_err": rel, "rel_tol": rel_tol, "check": "ok" if ok else "FAIL"}


# ---- RNG-free point clouds (W5, W6), float64 ---------------------------------------------

PLASTIC = 1.32471795724474602596
CHECKSUMS = {("X", 1000): 999.3376009953462, ("Y", 4000): 4000.2710828117374,
             ("X", 500): 497.92414490442974, ("Y", 500): 500.0598833964225}


def r2(i):
    """Roberts' R2 points for the integer array i: (frac(0.5 + i/g), frac(0.5 + i/g^2))."""
    import numpy as np
    x = 0.5 + i * (1.0 / PLASTIC)
    y = 0.5 + i * (1.0 / (PLASTIC * PLASTIC))
    return np.stack([x - np.floor(x), y - np.floor(y)], axis=1)


def source_cloud(n):
    import numpy as np
    return r2(np.arange(1, n + 1, dtype=np.float64))


def target_cloud(m):
    import numpy as np
    q = r2(100000 + np.arange(1, m + 1, dtype=np.float64))
    theta = 2 * np.pi * q[:, 0]
    r = 0.3 + 0.1 * q[:, 1]
    return np.stack([0.5 + r * np.cos(theta), 0.5 + r * np.sin(theta)], axis=1)


def checked_clouds(n, m):
    """X_n, Y_m, with their checksums verified (rel 1e-12: only the summation order may differ)."""
    X, Y = source_cloud(n), target_cloud(m)
    for name, size, cloud in (("X", n, X), ("Y", m, Y)):
        expected = CHECKSUMS.get((name, size))
        if expected is not None and abs(cloud.sum() - expected) > 1e-12 * abs(expected):
            sys.exit("checksum of %s_%d is %.17g, expected %.17g" % (name, size, cloud.sum(), expected))
    return X, Y
