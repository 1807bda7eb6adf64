"""Sweep speed check: the batch evaluator against a plain loop over ModelChain, a 10^5-design sweep on 2 cores,
and Dask 2 vs 1 worker with the echem stage.

Runs, in the same process:
1. Designs from a Latin hypercube over Si size, phase, Si fraction, C-rate and press density of the bundled
   Si/graphite blend (full NCM811 pouch, 500 cycles; the bundled SPEC examples/si_graphite_hypercube.toml with N designs), through materials, mechanics, life (500 cycles) and cell
   (as ``sianode sweep``: no sampled life bands, :func:`sianode.sweep.runner.sweep_options`).
   Baseline: a plain Python loop ``ModelChain(design, stages, options).run()`` over the first ``N_LOOP`` designs
   against :class:`sianode.sweep.evaluate.BatchEvaluator` on the same designs, measured alternately, best of
   ``REPEATS`` (the machine may be shared). Both warm (caches filled first; the cold first call is printed too).
   The rows of loop and batch are checked equal (rel 1e-9) before the ratio is printed. For comparison the same
   no-table work is also timed one design at a time (the evaluator on batches of one): what batching alone gives.
2. One process, one core: the sweep's task (:func:`sianode.sweep.runner.evaluate_part`: designs built and
   validated, the stages, the Arrow table) over ``N_ONE`` designs in chunks of 2048, and where the time goes per
   design (the build and each stage's ``run_batch`` on one chunk, no tables).
3. The whole sweep as ``sianode sweep SPEC --workers 2`` runs it (:func:`sianode.sweep.runner.run_sweep`: a
   ``distributed.LocalCluster`` of two worker processes, designs validated in the tasks, results written to
   Parquet) over all ``N`` designs; its rows for the first chunk are checked equal to that chunk's rows from :func:`~sianode.sweep.runner.evaluate_chunk`.
   ``designs_per_s`` is this rate (2 cores, cluster start-up included).
4. A sweep that includes the echem stage (PyBaMM) on a ``distributed.LocalCluster`` with 1 worker and with 2
   workers (processes, one thread each; the same tasks, warm workers, alternated, best of two); results
   checked equal.

Last line: ``designs=<N> designs_per_s=<2 workers> speedup_vs_loop=<x> dask_speedup_2_workers=<x>``.
Run: ``python benchmarks/sweep.py [N]`` (default N = 100000, about 10 minutes on a 2-core machine).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")


from sianode.chain import ModelChain  # noqa: E402
from sianode.design.loader import design_from_dict  # noqa: E402
from sianode.sweep.evaluate import BatchEvaluator, same_rows, scalar  # noqa: E402
from sianode.sweep.sampling import DesignBuilder, Samples, design_data  # noqa: E402
from sianode.sweep.runner import Task, _chunks, _cyclic_gc_paused, evaluate_chunk, evaluate_part, sweep_options  # noqa: E402
from sianode.sweep.spec import load_spec  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
N_LOOP = 100
N_ONE = min(N, 20000)
REPEATS = 3
STAGES = ["materials", "mechanics", "life", "cell"]
OPTIONS = sweep_options(bands=False)  # as `sianode sweep`: no sampled life bands (both loop and batch)
#: The design space (a bundled example SPEC; its n replaced by N).
SPEC_FILE = Path(__file__).resolve().parents[1] / "examples" / "si_graphite_hypercube.toml"


def hypercube(n: int = N):
    """The example SPEC with ``n`` designs (the same Latin hypercube, seed and fields)."""
    spec = load_spec(SPEC_FILE)
    spec.n = n
    return spec


def designs(spec, start, stop):
    """The designs as a sweep's tasks build them (the validated base with each row's values set,
    :class:`~sianode.sweep.sampling.DesignBuilder`)."""
    s, b = Samples(spec), DesignBuilder(spec.base_data)
    return [b.build(r) for r in s.rows(start, stop)]


def build_us(spec, n=512, repeats=5):
    """Building n designs, us/design, best of ``repeats`` alternated: the sweep's DesignBuilder and a full
    validation of each design's mapping (``design_from_dict(design_data(...))``); the designs are checked equal."""
    rows, b = Samples(spec).rows(0, n), DesignBuilder(spec.base_data)
    full = lambda: [design_from_dict(design_data(spec.base_data, r)) for r in rows]  # noqa: E731
    fast = lambda: [b.build(r) for r in rows]  # noqa: E731
    assert fast() == full(), "DesignBuilder and full validation give different designs"
    t = {fast: [], full: []}
    for _ in range(repeats):
        for f in t:
            s0 = time.perf_counter()
            f()
            t[f].append(1e6 * (time.perf_counter() - s0) / n)
    return min(t[fast]), min(t[full])


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
    spec = hypercube()
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
    # the same work without the batching: the evaluator on one design at a time (no tables either), rows checked
    ones = [r for d in sub for r in ev.evaluate([d], STAGES, OPTIONS)]
    bad = [k for a, b in zip(ones, got) for k in same_rows(a, b)]
    assert not bad, f"one-at-a-time and batch rows differ: {sorted(set(bad))[:5]}"
    t = time.perf_counter()
    for d in sub:
        ev.evaluate([d], STAGES, OPTIONS)
    t_one_each = (time.perf_counter() - t) / N_LOOP
    print(f"for comparison, the same no-table work one design at a time (batches of one, rows equal): "
          f"{1e3 * t_one_each:.2f} ms/design -> batching alone {t_one_each / min(t_sub):.1f}x")
    # 2. one process, one core: the sweep's own task (evaluate_part: designs built, stages, Arrow table) per chunk
    items = list(_chunks(spec, Samples(spec), STAGES, 2048, set()))
    one_rows = evaluate_chunk(items[0], STAGES, "batch", OPTIONS, spec.base_data)  # rows for the check in part 3
    t, n_one, n_ok = time.perf_counter(), 0, 0
    for c in items:
        if n_one >= N_ONE:
            break
        table = evaluate_part(Task(c, STAGES, "batch", OPTIONS, spec.base_data))
        n_one += table.num_rows
        n_ok += table.column("status").to_pylist().count("ok")
    t_one = time.perf_counter() - t
    print(f"one process: {n_one} designs ({n_ok} ok) through {'+'.join(STAGES)} in {t_one:.1f} s "
          f"({n_one / t_one:.0f} designs/s on one core; the sweep's task on chunks of 2048)")

    # 2b. where the time goes: each stage's run_batch on one chunk of 2048 designs (warm; the cyclic garbage
    # collector paused, as in a sweep's task), and the design build
    from sianode.chain import stage_module

    print("per-design cost (us/design, warm, one chunk of 2048, no tables, collector paused as in a task):")
    with _cyclic_gc_paused():
        t = time.perf_counter()
        few = designs(spec, 0, 2048)
        print(f"  building + validating designs            {1e6 * (time.perf_counter() - t) / len(few):8.0f}")
        res: dict = {}
        for name in STAGES:
            mod = stage_module(name)
            ups = [{r: res[r][i] for r in getattr(mod, "REQUIRES", ())} for i in range(len(few))]
            t = time.perf_counter()
            res[name] = mod.run_batch(few, ups, tables=False, **OPTIONS.get(name, {}))
            print(f"  {name:<40} {1e6 * (time.perf_counter() - t) / len(few):8.0f}")
        del res
    fast_us, full_us = build_us(spec)
    print(f"  (512 designs, best of 5: DesignBuilder {fast_us:.0f}, full validation of each mapping {full_us:.0f})")
    print(f"  echem, PyBaMM (incl. requirements, 2 designs) {1e3 * per_design_ms(lambda ds: loop_rows(ds, ['echem']), few[:2]):8.0f}")

    # 3. the sweep as `sianode sweep SPEC --workers 2` runs it, all N designs
    rate = sweep_two_workers(spec, one_rows)
    # 4. Dask: 1 vs 2 workers on a sweep with echem
    dask_speedup = dask_workers(spec)
    print(f"designs={N} designs_per_s={rate:.0f} speedup_vs_loop={speedup:.1f} dask_speedup_2_workers={dask_speedup:.2f}")


def _parquet_value(v, like):
    """A value read back from the results' Parquet as the evaluator's row holds it (None for empty text, float for
    numbers)."""
    if hasattr(v, "item"):
        v = v.item()
    if like is None and (v is None or (isinstance(v, float) and v != v)):
        return None
    if v is None and isinstance(like, float):  # an all-NaN float column may come back empty
        return float("nan")
    if isinstance(v, int) and not isinstance(v, bool) and isinstance(like, float):
        return float(v)
    return v


def sweep_two_workers(spec, one_rows) -> float:
    """All N designs through ``run_sweep(..., workers=2)`` into a temporary folder; rows checked against the
    one-process rows of the same designs; returns designs per second."""
    from sianode.sweep.runner import run_sweep
    from sianode.sweep.store import read_results

    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        outcome = run_sweep(spec, out, STAGES, workers=2)
        seconds = time.perf_counter() - t
        df = read_results(out)
        assert len(df) == N and outcome.evaluated == N, f"sweep wrote {len(df)} rows for {N} designs"
        got = df.sort_values("design_index").reset_index(drop=True)
        bad = []
        for i, ref in enumerate(one_rows):
            row = {k: _parquet_value(got.iloc[i][k], ref[k]) for k in ref}
            bad += same_rows(row, ref)
        assert not bad, f"2-worker sweep and one-process rows differ: {sorted(set(bad))[:5]}"
        n_ok = int((df["status"] == "ok").sum())
    print(f"sianode sweep --workers 2 (LocalCluster, 2 processes, Parquet): {N} designs ({n_ok} ok) in {seconds:.1f} s "
          f"= {N / seconds:.0f} designs/s; rows of the first {len(one_rows)} designs == one-process rows (rel 1e-9)")
    return N / seconds


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
