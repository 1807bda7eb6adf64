"""Evaluate many designs through the stages: one row of results per design.

Interface: ``evaluate(designs, stages, options=None) -> list[dict]`` (an :class:`Evaluator`; ``options`` are
stage options as for :class:`~sianode.chain.ModelChain`, e.g. ``{"life": {"samples": 0}}``: no uncertainty bands). A row holds every summary
value of the requested stages as ``"stage.key"`` (the keys of summary.json), ``status`` ("ok", or
"failed" when a stage failed; the other stages' values are kept) and ``message``.

Two implementations give the same numbers (tested to 1e-9):

* :class:`ChainEvaluator` -- a :class:`~sianode.chain.ModelChain` per design; correct for every stage, the
  reference.
* :class:`BatchEvaluator` -- stage by stage over the whole batch: a stage module that defines
  ``run_batch(designs, upstreams, tables=False) -> list[StageResult]`` runs once on the batch (materials,
  mechanics, life and cell; what each shares across the batch is in docs/sweep.md), any other stage (echem) runs
  design by design through its ``run``. A batch call that raises is split in halves and each half retried the same way, so one bad design
  costs about log2(n) batch calls and never takes the others down.

Requirements are run as the chain runs them (``REQUIRES`` of each stage module, canonical order); a
stage whose requirement failed fails with a message naming it, as in ``sianode run``.
"""
from __future__ import annotations

import math
from operator import itemgetter
from typing import Iterable, Protocol

from sianode.chain import STAGES, ModelChain, stage_module
from sianode.design.schema import Design
from sianode.errors import InputError, SianodeError


class Evaluator(Protocol):
    def evaluate(self, designs: list[Design], stages: Iterable[str],
                 options: dict[str, dict] | None = None) -> list[dict]: ...


def scalar(v):
    """A summary value as a Parquet-friendly scalar (tuples and other objects become text)."""
    t = type(v)
    if t is float or t is str or t is bool or v is None:  # the common cases first (a row holds ~150 values)
        return v
    if t is int:
        return float(v)
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if v is None or isinstance(v, (bool, int, float, str)):
        return float(v) if isinstance(v, int) and not isinstance(v, bool) else v
    return str(v)


def _outcome(failures: dict[str, str]) -> tuple[str, str]:
    """A design's status ("ok" or "failed") and message (each failed stage with its message)."""
    return ("failed" if failures else "ok"), "; ".join(f"{s}: {m}" for s, m in failures.items())


def _row(summaries: dict[str, dict], failures: dict[str, str]) -> dict:
    row = {f"{s}.{k}": scalar(v) for s, summ in summaries.items() for k, v in summ.items()}
    row["status"], row["message"] = _outcome(failures)
    return row


class ChainEvaluator:
    """One :class:`ModelChain` per design (the reference implementation)."""

    name = "chain"

    def evaluate(self, designs: list[Design], stages: Iterable[str],
                 options: dict[str, dict] | None = None) -> list[dict]:
        stages = list(stages)
        rows = []
        for d in designs:
            try:
                run = ModelChain(d, stages, options).run()
            except InputError as e:  # the design is wrong for a model (not caught by the schema)
                rows.append(_row({}, {"input": str(e)}))
                continue
            rows.append(_row({s: r.summary for s, r in run.stages.items()},
                             {f.stage: f.message for f in run.failures}))
        return rows


def _closure(name: str, requires: dict[str, tuple[str, ...]]) -> list[str]:
    out: list[str] = []
    for r in requires[name]:
        out += [x for x in _closure(r, requires) + [r] if x not in out]
    return out


class BatchEvaluator:
    """Stage by stage over the batch; ``run_batch`` where a stage has it, else ``run`` per design."""

    name = "batch"

    def evaluate(self, designs: list[Design], stages: Iterable[str],
                 options: dict[str, dict] | None = None) -> list[dict]:
        wanted, done, failed = self._run(designs, stages, options)
        rows = []
        for i in range(len(designs)):
            if "input" in failed[i]:  # as ModelChain: an InputError stops the design's run
                rows.append(_row({}, {"input": failed[i]["input"]}))
            else:
                rows.append(_row({s: done[i][s].summary for s in wanted if s in done[i]}, failed[i]))
        return rows

    def columns(self, designs: list[Design], stages: Iterable[str],
                options: dict[str, dict] | None = None) -> dict[str, list]:
        """The rows of :meth:`evaluate` as columns (name -> one value per design; None where a row has no such
        key), in the order the names first appear in the rows; what a sweep's task writes (no dict per design:
        each stage's summaries are read with one ``itemgetter`` per distinct set of keys)."""
        wanted, done, failed = self._run(designs, stages, options)
        n = len(designs)
        cols: dict[str, list] = {}
        shapes: list[tuple] = [() for _ in range(n)]  # per design: (stage, summary keys) in row order
        for s in wanted:
            groups: dict[tuple, list[int]] = {}
            for i in range(n):
                if s in done[i] and "input" not in failed[i]:
                    keys = tuple(done[i][s].summary)
                    groups.setdefault(keys, []).append(i)
                    shapes[i] += ((s, keys),)
            for keys, members in groups.items():
                if not keys:
                    continue
                get = itemgetter(*keys)
                got = [get(done[i][s].summary) for i in members]
                for k, col in zip(keys, zip(*got) if len(keys) > 1 else (got,)):
                    name = f"{s}.{k}"
                    if len(members) == n:
                        cols[name] = list(col)
                    else:
                        c = cols.setdefault(name, [None] * n)
                        for i, v in zip(members, col):
                            c[i] = v
        for name, col in cols.items():
            if set(map(type, col)) != {float}:
                cols[name] = [scalar(v) for v in col]
        order: dict[str, None] = {}  # the rows' first-appearance order of the names: each distinct shape, in row order
        for shape in dict.fromkeys(shapes):
            order.update((f"{s}.{k}", None) for s, keys in shape for k in keys)
        out = {name: cols[name] for name in order}
        outcomes = [_outcome({"input": f["input"]} if "input" in f else f) for f in failed]
        out["status"] = [o[0] for o in outcomes]
        out["message"] = [o[1] for o in outcomes]
        return out

    def _run(self, designs: list[Design], stages: Iterable[str],
             options: dict[str, dict] | None = None) -> tuple[list[str], list[dict], list[dict]]:
        """The stages' results: (the stages asked for, in the chain's order; per design {stage: StageResult};
        per design {stage, or "input" for an InputError: failure message})."""
        options = options or {}
        wanted = [s for s in STAGES if s in set(stages)]
        for s in stages:
            if s not in STAGES:
                raise InputError(f"unknown stage {s!r}; stages are: {', '.join(STAGES)}", field="stages")
        modules, requires = {}, {}

        def need(name):
            if name in modules:
                return
            modules[name] = stage_module(name)
            requires[name] = tuple(getattr(modules[name], "REQUIRES", ()))
            for r in requires[name]:
                need(r)

        for s in wanted:
            need(s)
        n = len(designs)
        done: list[dict] = [{} for _ in range(n)]
        failed: list[dict] = [{} for _ in range(n)]
        for name in [s for s in STAGES if s in modules]:
            reqs = _closure(name, requires)
            todo = []
            for i in range(n):
                missing = [r for r in reqs if r not in done[i]]
                if "input" in failed[i]:
                    continue
                if missing:
                    why = "; ".join(f"{r}: {failed[i].get(r, 'not run')}" for r in missing)
                    failed[i][name] = (f"needs the {', '.join(missing)} stage{'s' if len(missing) > 1 else ''}, "
                                       f"which failed ({why})")
                else:
                    todo.append(i)
            if not todo:
                continue
            mod = modules[name]
            opts = options.get(name, {})
            results = self._split(mod, name, designs, todo, [{r: done[i][r] for r in reqs} for i in todo], failed, opts)
            for i, res in zip(todo, results):
                if res is not None:
                    done[i][name] = res
        return wanted, done, failed

    @classmethod
    def _split(cls, mod, name, designs, todo, ups, failed, opts) -> list:
        """Results for the designs ``todo``: one ``run_batch`` call; a batch that raises is cut in two halves,
        each retried the same way, so one bad design costs about log2(n) batch calls, not n single runs."""
        if not hasattr(mod, "run_batch"):
            return [cls._one(mod, name, designs[i], u, failed[i], opts) for i, u in zip(todo, ups)]
        if len(todo) == 1:
            return [cls._one(mod, name, designs[todo[0]], ups[0], failed[todo[0]], opts)]
        try:
            return mod.run_batch([designs[i] for i in todo], ups, tables=False, **opts)
        except Exception:  # noqa: BLE001 - retried in halves below, down to the single design that records its failure
            h = len(todo) // 2
            return (cls._split(mod, name, designs, todo[:h], ups[:h], failed, opts)
                    + cls._split(mod, name, designs, todo[h:], ups[h:], failed, opts))

    @staticmethod
    def _one(mod, name, design, upstream, failed: dict, opts=None):
        opts = opts or {}
        try:
            if hasattr(mod, "run_batch"):
                return mod.run_batch([design], [upstream], tables=False, **opts)[0]
            return mod.run(design, upstream, **opts)
        except InputError as e:
            failed["input"] = str(e)
        except SianodeError as e:
            failed[name] = str(e)
        except Exception as e:  # noqa: BLE001 - a stage bug must not lose the other designs
            failed[name] = f"{type(e).__name__}: {e}"
        return None


EVALUATORS = {"batch": BatchEvaluator, "chain": ChainEvaluator}


def same_rows(a: dict, b: dict, rel: float = 1e-9) -> list[str]:
    """Keys where two rows differ (floats beyond ``rel``); for tests and the benchmark's equality check."""
    bad = []
    for k in set(a) | set(b):
        x, y = a.get(k), b.get(k)
        if isinstance(x, float) and isinstance(y, float):
            if (math.isnan(x) and math.isnan(y)) or x == y or abs(x - y) <= rel * max(abs(x), abs(y)):
                continue
            bad.append(k)
        elif x != y:
            bad.append(k)
    return bad
