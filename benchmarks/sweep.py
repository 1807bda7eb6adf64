"""Sweep speed check: the batch evaluator against a plain loop over ModelChain, and Dask 2 vs 1 worker.

Runs, in the same process:
1. ``N`` designs (Latin hypercube over Si size, phase, Si fraction, C-rate and press density of the bundled
   Si/graphite blend, 500 cycles) through materials, mechanics, life (500 cycles) and cell, with
   :class:`sianode.sweep.evaluate.BatchEvaluator` in chunks of 2048 (as ``sianode sweep``: no sampled life bands,
   :func:`sianode.sweep.runner.sweep_options`).
   Baseline: a plain Python loop ``ModelChain(design, stages, options).run()`` over the first ``N_LOOP`` designs;
   the ratio compares loop and batch on those same designs, measured alternately, best of ``REPEATS``
   (the machine may be shared). Both are warm (the critical-size and master-curve caches are filled
   first; the cold first call is printed too). The rows of the loop and of the batch are checked equal
   (rel 1e-9) before the ratio is printed. ``designs_per_s`` is the batch over all ``N`` designs.
2. Where the time goes per design: building and validating the designs, each stage's ``run_batch`` (no
   tables), and echem (PyBaMM, one design at a time).
3. A sweep that includes the echem stage (PyBaMM) on a ``distributed.LocalCluster`` with 1 worker and with 2
   workers (processes, one thread each; the same tasks, warm workers, alternated, best of two); results
   checked equal.

Last line: ``designs=<N> designs_per_s=<batch> speedup_vs_loop=<x> dask_speedup_2_workers=<x>``.
Run: ``python benchmarks/sweep.py [N]`` (default N = 20000).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

import numpy as np  # noqa: E402

from sianode.chain import ModelChain  # noqa: E402
from sianode.design.loader import design_from_dict  # noqa: E402
from sianode.sweep.evaluate import BatchEvaluator, same_rows, scalar  # noqa: E402
from sianode.sweep.sampling import Samples, design_data  # noqa: E402
from sianode.sweep.runner import sweep_options  # noqa: E402
from sianode.sweep.spec import parse_spec  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
N_LOOP = 300
REPEATS = 3
STAGES = ["materials", "mechanics", "life", "cell"]
OPTIONS = sweep_options(bands=False)  # as `sianode sweep`: no sampled life bands (both loop and batch)
SPEC = f"""
base = "nano_si_graphite"
[sampling]
method = "lhs"
n = {N}
seed = 18
[vary]
"active.silicon.diameter_nm" = {{ distribution = "loguniform", low = 30, high = 3000 }}
"active.silicon.phase" = ["crystalline", "amorphous"]
"active.si_fraction" = {{ range = [0.05, 0.4] }}
"protocol.c_rate" = {{ distribution = "loguniform", low = 0.1, high = 3 }}
"electrode.press_density_g_cm3" = {{ range = [1.3, 1.7] }}
"protocol.cycles" = [500]
"""


def designs(spec, start, stop):
    s = Samples(spec)
    return [design_from_dict(design_data(spec.base_data, r)) for r in s.rows(start, stop)]


def loop_rows(ds, stages):
    rows = []
    for d in ds:
        run = ModelChain(d, stages, OPTIONS).run()
        row = {k: scalar(v) for k, v in run.summary.items()}
        row["status"], row["message"] = ("failed" if run.failures else "ok"), ""
        rows.append(row)
    return rows


def per_design_ms(fn, ds):
    t = time.perf_counter()
    fn(ds)
    return 1e3 * (time.perf_counter() - t) / len(ds)


def main() -> None:
    spec = parse_spec(SPEC)
    ev = BatchEvaluator()
    t = time.perf_counter()
    ev.evaluate(designs(spec, 0, 8), STAGES, OPTIONS)
    print(f"cold first batch (8 designs, fills the critical-size cache): {time.perf_counter() - t:.2f} s")

    # 1. batch vs loop: same designs, measured alternately (the machine may be shared), best of REPEATS each
    sub = designs(spec, 0, N_LOOP)
    ref = loop_rows(sub, STAGES)
    got = ev.evaluate(sub, STAGES, OPTIONS)
    bad = [k for a, b in zip(got, ref) for k in same_rows(a, b)]
    assert not bad, f"batch and loop rows differ: {sorted(set(bad))[:5]}"
    print(f"check: {N_LOOP} designs, batch rows == ModelChain loop rows (rel 1e-9)")
    t_loop, t_sub = [], []
    for _ in range(REPEATS):
        t = time.perf_counter()
        loop_rows(sub, STAGES)
        t_loop.append((time.perf_counter() - t) / N_LOOP)
        t = time.perf_counter()
        ev.evaluate(sub, STAGES, OPTIONS)
        t_sub.append((time.perf_counter() - t) / N_LOOP)
    speedup = min(t_loop) / min(t_sub)
    print(f"plain loop over ModelChain: {1e3 * min(t_loop):.2f} ms/design; batch evaluator on the same designs "
          f"{1e3 * min(t_sub):.2f} ms/design (best of {REPEATS}, alternated) -> {speedup:.1f}x")
    t = time.perf_counter()
    n_ok, chunk = 0, 2048
    t_build = 0.0
    for start in range(0, N, chunk):
        tb = time.perf_counter()
        ds = designs(spec, start, start + chunk)
        t_build += time.perf_counter() - tb
        n_ok += sum(r["status"] == "ok" for r in ev.evaluate(ds, STAGES, OPTIONS))
    t_batch = time.perf_counter() - t
    rate = N / t_batch
    print(f"batch: {N} designs ({n_ok} ok) through {'+'.join(STAGES)} in {t_batch:.1f} s "
          f"({rate:.0f} designs/s; of which building + validating designs {t_build:.1f} s)")

    # 2. where the time goes: each stage's run_batch on the same designs (warm), and the design build
    from sianode.chain import stage_module

    few = sub[:200]
    print("per-design cost (us/design, warm, batch of 200, no tables):")
    print(f"  building + validating designs            {1e6 * t_build / N:8.0f}")
    res: dict = {}
    for name in STAGES:
        mod = stage_module(name)
        ups = [{r: res[r][i] for r in getattr(mod, "REQUIRES", ())} for i in range(len(few))]
        t = time.perf_counter()
        res[name] = mod.run_batch(few, ups, tables=False, **OPTIONS.get(name, {}))
        print(f"  {name:<40} {1e6 * (time.perf_counter() - t) / len(few):8.0f}")
    print(f"  echem, PyBaMM (incl. requirements)       {1e3 * per_design_ms(lambda ds: loop_rows(ds, ['echem']), few[:2]):8.0f}")

    # 3. Dask: 1 vs 2 workers on a sweep with echem
    dask_speedup = dask_workers(spec)
    print(f"designs={N} designs_per_s={rate:.0f} speedup_vs_loop={speedup:.1f} dask_speedup_2_workers={dask_speedup:.2f}")


def dask_workers(spec) -> float:
    import logging

    from distributed import Client, LocalCluster

    from sianode.sweep.runner import evaluate_chunk
    from sianode.sweep.sampling import design_hash

    n = 10
    rows = Samples(spec).rows(0, n)
    items = [[(i, design_hash(design_data(spec.base_data, r), ["echem"]), r, design_data(spec.base_data, r))]
             for i, r in enumerate(rows)]
    results, times = {}, {1: [], 2: []}
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as c1, Client(c1) as one, \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                         silence_logs=logging.ERROR) as c2, Client(c2) as two:
        clients = {1: one, 2: two}
        for w, client in clients.items():  # warm workers: imports and the first PyBaMM model done
            client.gather(client.map(evaluate_chunk, items[:w], stages=["echem"], pure=False))
        for _ in range(2):  # alternate 1 and 2 workers (the machine may be shared); best of two each
            for w, client in clients.items():
                t = time.perf_counter()
                out = client.gather(client.map(evaluate_chunk, items, stages=["echem"], pure=False))
                times[w].append(time.perf_counter() - t)
                results[w] = [r for chunk in out for r in chunk]
    times = {w: min(v) for w, v in times.items()}
    bad = [k for a, b in zip(results[1], results[2]) for k in same_rows(a, b)]
    assert not bad, f"1 and 2 workers differ: {bad[:5]}"
    print(f"dask LocalCluster, {n} designs through echem: 1 worker {times[1]:.1f} s, 2 workers {times[2]:.1f} s "
          "(results equal)")
    return times[1] / times[2]


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main()
