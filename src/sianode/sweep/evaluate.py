"""Evaluate many designs through the stages: one row of results per design.

Interface: ``evaluate(designs, stages) -> list[dict]`` (an :class:`Evaluator`). A row holds every summary
value of the requested stages as ``"stage.key"`` (the keys of summary.json), ``status`` ("ok", or
"failed" when a stage failed; the other stages' values are kept) and ``message``.

Two implementations give the same numbers (tested to 1e-9):

* :class:`ChainEvaluator` -- a :class:`~sianode.chain.ModelChain` per design; correct for every stage, the
  reference.
* :class:`BatchEvaluator` -- stage by stage over the whole batch: a stage module that defines
  ``run_batch(designs, upstreams, tables=False) -> list[StageResult]`` runs once on the batch (its physics
  vectorised over designs; today: mechanics), any other stage runs design by design through its ``run``.
  When a stage gets ``run_batch`` (materials, life, cell after issues 14/15), this module and the sweep
  do not change. A batch call that raises is retried design by design, so one bad design never takes the
  others down.

Requirements are run as the chain runs them (``REQUIRES`` of each stage module, canonical order); a
stage whose requirement failed fails with a message naming it, as in ``sianode run``.
"""
from __future__ import annotations

import math
from typing import Iterable, Protocol

from sianode.chain import STAGES, ModelChain, stage_module
from sianode.design.schema import Design
from sianode.errors import InputError, SianodeError


class Evaluator(Protocol):
    def evaluate(self, designs: list[Design], stages: Iterable[str]) -> list[dict]: ...


def scalar(v):
    """A summary value as a Parquet-friendly scalar (tuples and other objects become text)."""
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if v is None or isinstance(v, (bool, int, float, str)):
        return float(v) if isinstance(v, int) and not isinstance(v, bool) else v
    return str(v)


def _row(summaries: dict[str, dict], failures: dict[str, str]) -> dict:
    row = {f"{s}.{k}": scalar(v) for s, summ in summaries.items() for k, v in summ.items()}
    row["status"] = "failed" if failures else "ok"
    row["message"] = "; ".join(f"{s}: {m}" for s, m in failures.items())
    return row


class ChainEvaluator:
    """One :class:`ModelChain` per design (the reference implementation)."""

    name = "chain"

    def evaluate(self, designs: list[Design], stages: Iterable[str]) -> list[dict]:
        stages = list(stages)
        rows = []
        for d in designs:
            try:
                run = ModelChain(d, stages).run()
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

    def evaluate(self, designs: list[Design], stages: Iterable[str]) -> list[dict]:
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
            results = None
            if hasattr(mod, "run_batch") and len(todo) > 1:
                try:
                    results = mod.run_batch([designs[i] for i in todo],
                                            [{r: done[i][r] for r in reqs} for i in todo], tables=False)
                except Exception:  # noqa: BLE001 - retried design by design below, which records each failure
                    results = None
            if results is None:
                results = [self._one(mod, name, designs[i], {r: done[i][r] for r in reqs}, failed[i]) for i in todo]
            for i, res in zip(todo, results):
                if res is not None:
                    done[i][name] = res
        rows = []
        for i in range(n):
            if "input" in failed[i]:  # as ModelChain: an InputError stops the design's run
                rows.append(_row({}, {"input": failed[i]["input"]}))
            else:
                rows.append(_row({s: done[i][s].summary for s in wanted if s in done[i]}, failed[i]))
        return rows

    @staticmethod
    def _one(mod, name, design, upstream, failed: dict):
        try:
            if hasattr(mod, "run_batch"):
                return mod.run_batch([design], [upstream], tables=False)[0]
            return mod.run(design, upstream)
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
