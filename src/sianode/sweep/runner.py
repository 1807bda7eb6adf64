"""Run a sweep: chunks of designs as tasks, locally or on a Dask cluster, results streamed to Parquet.

* The designs are cut into chunks (``chunk_size`` designs). One chunk is one task,
  :func:`evaluate_chunk`: validate each design like a design file (an invalid one becomes a row with
  status "invalid" and the validation message; the sweep never aborts), evaluate the valid ones
  (:mod:`sianode.sweep.evaluate`) and return one row per design.
* Where the tasks run: in this process (``workers=1``, the default), on a local
  ``dask.distributed`` cluster of ``workers`` processes (or threads), or on an existing cluster given by
  its scheduler address. The tasks are the same in every case; only the Dask client differs.
* At most ``2 x workers`` chunks are in flight and each finished chunk is written at once
  (:mod:`sianode.sweep.store`), so memory stays bounded whatever the number of designs, and an
  interrupted sweep resumes where it stopped: designs whose hash is already stored are skipped.
"""
from __future__ import annotations

import gc
import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from sianode.errors import InputError
from sianode.sweep import store
from sianode.sweep.sampling import DesignHasher, Samples
from sianode.sweep.spec import SweepSpec, check_keys

META = "sweep.json"


def sweep_options(bands: bool = False) -> dict[str, dict]:
    """Stage options of a sweep: the life stage's sampled uncertainty bands only with ``bands`` (``--bands``)."""
    return {} if bands else {"life": {"samples": 0}}


def evaluate_chunk(items: list[tuple], stages: list[str], evaluator: str = "batch",
                   options: dict[str, dict] | None = None, base: dict | None = None) -> list[dict]:
    """One chunk's rows: ``items`` = (index, hash, input values, design mapping), or (index, hash, input values)
    with the design built from ``base``, the base design mapping (:class:`~sianode.sweep.sampling.DesignBuilder`,
    the same designs and messages; a sweep sends only the values); returns one row per design.
    ``options``: stage options as for :class:`~sianode.chain.ModelChain` (:func:`sweep_options`).
    A sweep's task writes the same rows as columns (:func:`evaluate_part`)."""
    from sianode.sweep.evaluate import EVALUATORS

    designs, valid, invalid = _designs(items, base)
    rows = [{"design_index": i, "design_hash": h, **{f"input.{p}": v for p, v in values.items()}}
            for i, h, values in (item[:3] for item in items)]
    for k, message in invalid.items():  # rejected like a design file: recorded, the sweep goes on
        rows[k].update(status="invalid", message=message)
    if designs:
        for k, r in zip(valid, EVALUATORS[evaluator]().evaluate(designs, stages, options)):
            rows[k] = {**rows[k], **r}
    return rows


def _designs(items: list[tuple], base: dict | None) -> tuple[list, list[int], dict[int, str]]:
    """The chunk's designs, validated like design files: (the designs, the positions of their items,
    {position: message} of the items that are not valid designs)."""
    os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
    from sianode.design.loader import design_from_dict
    from sianode.sweep.sampling import DesignBuilder

    if base is None and any(len(item) < 4 for item in items):
        raise TypeError("evaluate_chunk: items of (index, hash, values) need base, the base design mapping")
    builder = DesignBuilder(base) if base is not None else None
    designs, valid, invalid = [], [], {}
    for k, item in enumerate(items):
        i, values = item[0], item[2]
        try:
            designs.append(design_from_dict(item[3], source=f"design {i}") if len(item) > 3
                           else builder.build(values, source=f"design {i}"))
            valid.append(k)
        except InputError as e:
            invalid[k] = str(e)
    return designs, valid, invalid


@dataclass(frozen=True)
class Task:
    """The arguments of one cluster task, in one object: Dask walks lists, tuples and mappings given to
    ``submit`` looking for futures (~0.2 ms per design for a chunk of design mappings), not other objects."""

    items: list
    stages: list
    evaluator: str
    options: dict | None
    base: dict | None


def evaluate_part(task: Task):
    """A cluster's task: the rows of :func:`evaluate_chunk` as a Parquet-ready Arrow table
    (:func:`sianode.sweep.store.table_of_columns`), built from columns (no dict per design), so that the workers,
    not the process that writes the results, make the table."""
    from sianode.sweep.evaluate import BatchEvaluator

    with _cyclic_gc_paused():
        if task.evaluator != BatchEvaluator.name:
            return store.table(evaluate_chunk(task.items, task.stages, task.evaluator, task.options, task.base))
        return _table(task, BatchEvaluator())


@contextmanager
def _cyclic_gc_paused():
    """Python's cyclic garbage collector off while a chunk runs. A chunk makes millions of short-lived
    containers (results, summaries, columns) and each of the collector's passes walks the chunk's live objects:
    ~15 % of a chunk of 2048 designs (CPython 3.11, 600 vs 720 us/design). Reference counting still frees
    everything at once; garbage in reference cycles waits for the collector, which runs again when the chunk ends
    (the process's memory grows by ~10 MB for a chunk of 2048)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _table(task: Task, evaluator):
    """The chunk's table from the evaluator's columns, the design index, hash and inputs of every item, and the
    status and message of the items that are not valid designs (the same table as ``store.table`` of the rows
    of :func:`evaluate_chunk`: tests/sweep/test_build.py)."""
    items, n = task.items, len(task.items)
    designs, valid, invalid = _designs(items, task.base)
    cols: dict[str, list] = {"design_index": [it[0] for it in items], "design_hash": [it[1] for it in items]}
    for p in dict.fromkeys(p for it in items for p in it[2]):
        cols[f"input.{p}"] = [it[2].get(p) for it in items]
    found = evaluator.columns(designs, task.stages, task.options) if designs else {}
    for name, col in found.items():
        if len(valid) < n:  # invalid designs have only their status and message
            full = [None] * n
            for k, v in zip(valid, col):
                full[k] = v
            col = full
        cols[name] = col
    for k, message in invalid.items():
        if "status" not in cols:
            cols["status"], cols["message"] = [None] * n, [None] * n
        cols["status"][k], cols["message"][k] = "invalid", message
    return store.table_of_columns(cols)


@dataclass
class SweepOutcome:
    out_dir: Path
    total: int
    skipped: int          # already in the results (resumed)
    evaluated: int
    seconds: float
    stages: list[str]
    interrupted: bool = False


def resolve_stages(spec: SweepSpec, stages: list[str] | None) -> list[str]:
    from sianode.chain import STAGES

    want = stages or spec.stages or list(STAGES)
    for s in want:
        if s not in STAGES:
            raise InputError(f"unknown stage {s!r}; stages are: {', '.join(STAGES)}", field="--stages")
    return [s for s in STAGES if s in want]


def check_spec_results(spec: SweepSpec, stages: list[str], bands: bool = False) -> dict:
    """Evaluate the base design once: the result keys constraints and objectives may name (exit 2 otherwise)."""
    from sianode.sweep.evaluate import BatchEvaluator
    from sianode.design.loader import design_from_dict

    row = BatchEvaluator().evaluate([design_from_dict(dict(spec.base_data), source="base design")], stages,
                                     sweep_options(bands))[0]
    keys = {k for k in row if k not in ("status", "message")}
    try:
        check_keys(spec, keys, stages)
    except InputError as e:
        if row["status"] != "ok":  # the key may belong to the stage that failed on the base design
            raise InputError(f"{e} (the base design's run failed: {row['message']})") from None
        raise
    return row


def check_folder(out_dir: Path, spec: SweepSpec, stages: list[str], bands: bool = False,
                 n: int | None = None) -> None:
    """Refuse a results folder that holds another sweep (other SPEC, stages or --bands setting); record this
    sweep's identity in it (``sweep.json``). ``n``: the number of designs, if the samples are already drawn."""
    n = len(Samples(spec)) if n is None else n
    meta = {"spec_digest": spec.digest, "stages": stages, "designs": n, "spec": spec.source, "bands": bands}
    p = out_dir / META
    if p.exists():
        try:
            old = json.loads(p.read_text())
        except (OSError, ValueError):
            old = {}
        if ((old.get("spec_digest"), old.get("stages"), bool(old.get("bands", False)))
                != (meta["spec_digest"], stages, bands) and store.parts(out_dir)):
            was_bands = "with --bands" if old.get("bands") else "without --bands"
            raise InputError(f"{out_dir} holds the results of another sweep (SPEC {old.get('spec')}, stages "
                             f"{old.get('stages')}, {was_bands}); to resume it, repeat that command; otherwise give "
                             f"a new folder with -o, or delete {out_dir / store.RESULTS} to start again",
                             field="-o/--out-dir")
    p.write_text(json.dumps(meta, indent=2))


def _chunks(spec: SweepSpec, samples: Samples, stages: list[str], size: int, done: set[str]) -> Iterator[list]:
    """Chunks of (index, hash, values) for the designs not yet stored (built lazily; the task builds each design
    from the SPEC's base and its values, :func:`evaluate_chunk`)."""
    chunk: list = []
    hasher = DesignHasher(spec.base_data, [f.path for f in spec.fields], stages)
    for start in range(0, len(samples), size):
        for j, values in enumerate(samples.rows(start, start + size)):
            h = hasher.hash(values)
            if h in done:
                continue
            chunk.append((start + j, h, values))
            if len(chunk) >= size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def default_chunk_size(stages: list[str], n: int, workers: int) -> int:
    """Small chunks when a slow stage runs (PyBaMM), large ones for the fast stages: their array work (one fade
    call of designs x cycles, one knee fit, one cell-model call per group) costs per NumPy call, so a chunk of 2048
    pays it once for 2048 designs (20 000 designs of the benchmark SPEC on 2 workers: 1250-1320 designs/s with
    chunks of 2048, 1050-1080 with 512; the life stage caps its trajectories at ~100 MB per group,
    ``sianode.life.stage.BATCH_BYTES``); at least 4 chunks per worker."""
    per = 4 if "echem" in stages else 2048
    return max(1, min(per, -(-n // (4 * max(workers, 1)))))


def run_sweep(spec: SweepSpec, out_dir: str | Path, stages: list[str] | None = None, workers: int = 1,
              scheduler: str | None = None, threads: bool = False, evaluator: str = "batch",
              chunk_size: int | None = None, progress: Callable[[int, int], None] | None = None,
              on_chunk: Callable[[int], None] | None = None, bands: bool = False) -> SweepOutcome:
    """Run (or resume) the sweep into ``out_dir``; ``progress(done, total)`` after every chunk.

    ``on_chunk(n_written)`` is called after each part is written (tests use it to interrupt a sweep).
    Raises KeyboardInterrupt through, after the finished chunks are safely on disk. ``bands``: the life stage's
    sampled uncertainty bands too (costly; off by default in sweeps, ``sianode sweep --bands``).
    """
    out_dir = Path(out_dir)
    stages = resolve_stages(spec, stages)
    if workers < 1:
        raise InputError(f"--workers must be >= 1, got {workers}", field="--workers")
    samples = Samples(spec)
    n = len(samples)
    check_folder(out_dir, spec, stages, bands, n)
    options = sweep_options(bands)
    done = store.done_hashes(out_dir)
    size = chunk_size or spec.chunk_size or default_chunk_size(stages, n, workers)
    chunks = _chunks(spec, samples, stages, size, done)
    t0 = time.perf_counter()
    written = [0]
    already = min(len(done), n)
    if progress:
        progress(already, n)

    def finish(rows) -> None:  # a chunk's rows, or their Arrow table (cluster tasks)
        store.write_part(out_dir, rows)
        written[0] += len(rows)
        if progress:
            progress(already + written[0], n)
        if on_chunk:
            on_chunk(written[0])

    interrupted = False
    try:
        if scheduler is None and workers == 1:
            for c in chunks:
                finish(evaluate_part(Task(c, stages, evaluator, options, spec.base_data)))
        else:
            _run_dask(chunks, stages, evaluator, finish, workers, scheduler, threads, options, spec.base_data)
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        if not interrupted:
            store.unify(out_dir)
    return SweepOutcome(out_dir, n, already, written[0], time.perf_counter() - t0, stages, interrupted)


def _run_dask(chunks, stages, evaluator, finish, workers, scheduler, threads, options=None, base=None) -> None:
    import logging

    from distributed import Client, LocalCluster, as_completed

    for name in ("distributed", "distributed.scheduler", "distributed.worker", "distributed.nanny"):
        logging.getLogger(name).setLevel(logging.ERROR)
    cluster = None
    try:
        if scheduler:
            try:
                client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as e:
                raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {e}; start one with "
                                 "`dask scheduler` (and `dask worker ADDRESS`), or run locally with --workers",
                                 field="--scheduler") from None
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=not threads,
                                   dashboard_address=":0", silence_logs=logging.ERROR)
            client = Client(cluster)
        with client:
            n_slots = max(1, sum(client.nthreads().values())) if scheduler else workers
            in_flight = 2 * n_slots
            it = iter(chunks)
            pending = as_completed()
            for _ in range(in_flight):
                c = next(it, None)
                if c is None:
                    break
                pending.add(client.submit(evaluate_part, Task(c, stages, evaluator, options, base), pure=False))
            for fut in pending:
                finish(fut.result())
                fut.release()
                c = next(it, None)
                if c is not None:
                    pending.add(client.submit(evaluate_part, Task(c, stages, evaluator, options, base), pure=False))
    finally:
        if cluster is not None:
            cluster.close()
