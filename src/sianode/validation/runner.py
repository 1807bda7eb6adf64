"""Run reference cases through their adapters and turn the results into report rows and a score."""
from __future__ import annotations

import math
import time
import traceback
from dataclasses import dataclass, field
from typing import Callable, Iterable

from sianode.errors import InputError
from sianode.validation import status as st
from sianode.validation.cases import CaseNotRun, CaseOutput, get_adapter
from sianode.validation.references import Case, Quantity, Record, load


@dataclass
class Row:
    """One (case, quantity) line of the report."""

    quantity: Quantity
    model: float | None
    reference: float | None
    deviation: float | None
    status: str
    reason: str = ""

    @property
    def id(self) -> str:
        return self.quantity.case_id

    @property
    def kind(self) -> str:
        return self.quantity.kind

    @property
    def deviation_field(self) -> str:
        return st.deviation_field(self.quantity.tolerance)

    def deviation_text(self) -> str:
        """Short signed deviation with its unit (``+12.1 %``, ``-0.50 pp``, ``+0.01 V``)."""
        d = self.deviation
        if d is None:
            return "–"
        num = f"{d:+.0f}" if abs(d) >= 100 else f"{d:+.1f}" if abs(d) >= 1 else f"{d:+.2f}"
        u = self.quantity.unit
        unit = "%" if self.deviation_field == "deviation_pct" else ("pp" if u == "%" else u)
        return f"{num} {unit}".rstrip(" -")

    def as_dict(self) -> dict:
        """The report fields, in the issue's order (plus ``fitted_on`` / ``reason`` where they apply)."""
        q = self.quantity
        d = {"id": q.case_id, "quantity": q.name, "unit": q.unit, "model": _finite(self.model),
             "reference": _finite(self.reference), self.deviation_field: _finite(self.deviation),
             "tolerance": q.tolerance.text(q.unit), "status": self.status, "kind": q.kind, "source": q.source}
        if q.kind == "fit":
            d["fitted_on"] = q.fitted_on
        if self.reason:
            d["reason"] = self.reason
        return d


@dataclass
class CaseResult:
    """A case's rows plus what its adapter returned for the report (details, table) and its run time."""

    case: Case
    rows: list[Row]
    output: CaseOutput | None = None
    seconds: float = 0.0
    error: str = ""  # traceback when the adapter raised unexpectedly


@dataclass
class Run:
    """All case results of one validation run."""

    results: list[CaseResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> list[Row]:
        return [r for c in self.results for r in c.rows]

    @property
    def crashed(self) -> list[CaseResult]:
        return [c for c in self.results if c.error]


def _finite(v):
    return None if v is None or not math.isfinite(v) else float(v)


def select_cases(record: Record, ids: Iterable[str] | None = None, fast_only: bool = False) -> list[Case]:
    """Cases to run, in file order; unknown ids raise :class:`InputError` listing the valid ones."""
    ids = list(ids or [])
    unknown = [i for i in ids if i not in record.cases]
    if unknown:
        raise InputError(f"unknown case id(s) {', '.join(map(repr, unknown))}; valid ids: "
                         f"{', '.join(record.cases)}", field="--case")
    cases = [c for c in record.cases.values() if (not ids or c.id in ids)]
    return [c for c in cases if c.fast] if fast_only else cases


def rows_for(case: Case, out: CaseOutput | None, record: Record, not_run: str = "", error: str = "") -> list[Row]:
    """Judge every quantity of ``case`` on the adapter output (or mark them not-run / failed)."""
    rows = []
    for q in case.quantities:
        gap = record.gaps.get((case.id, q.key), "")
        if out is None:
            rows.append(Row(q, None, q.reference, None, st.NOT_RUN if not_run else st.FAIL, not_run or error))
            continue
        ref = out.references.get(q.key) if q.reference is None else q.reference
        model = out.values.get(q.key)
        if model is None or ref is None:
            rows.append(Row(q, model, ref, None, st.FAIL, f"the adapter returned no value for {q.key!r}"))
            continue
        model = float(model)
        dev = st.deviation(model, ref, q.tolerance) if math.isfinite(model) else None
        s = st.status(model, ref, q.tolerance, gap)
        reason = gap if s == st.KNOWN_GAP else ("outside tolerance and no known-gap reason" if s == st.FAIL else "")
        rows.append(Row(q, model, ref, dev, s, reason))
    return rows


def run_case(case: Case, record: Record) -> CaseResult:
    """Run one case's adapter and judge its quantities."""
    t0 = time.perf_counter()
    try:
        out = get_adapter(case.id, case.module)()
    except CaseNotRun as e:
        return CaseResult(case, rows_for(case, None, record, not_run=f"not run: {e}"), seconds=time.perf_counter() - t0)
    except Exception as e:  # noqa: BLE001 - a model failure is reported as failed rows, the other cases go on
        msg = f"model raised {type(e).__name__}: {e}"
        return CaseResult(case, rows_for(case, None, record, error=msg), seconds=time.perf_counter() - t0,
                          error=traceback.format_exc())
    return CaseResult(case, rows_for(case, out, record), out, time.perf_counter() - t0)


def run(ids: Iterable[str] | None = None, fast_only: bool = False,
        progress: Callable[[str], None] | None = None, record: Record | None = None) -> Run:
    """Run the selected cases (default: all) and return their rows."""
    record = record or load()
    cases = select_cases(record, ids, fast_only)
    t0 = time.perf_counter()
    out = Run()
    for c in cases:
        if progress:
            progress(c.id)
        out.results.append(run_case(c, record))
    out.seconds = time.perf_counter() - t0
    return out


def score(rows: Iterable[Row]) -> dict:
    """Predictions passed / total (fits are not predictions), known gaps, fails, not run, fits."""
    rows = list(rows)
    pred = [r for r in rows if r.kind == "prediction" and r.status != st.NOT_RUN]
    return {"predictions": len(pred), "passed": sum(r.status == st.PASS for r in pred),
            "known_gaps": sum(r.status == st.KNOWN_GAP for r in pred), "fails": sum(r.status == st.FAIL for r in pred),
            "not_run": sum(r.status == st.NOT_RUN for r in rows), "fits": sum(r.kind == "fit" for r in rows)}


def score_line(rows: Iterable[Row]) -> str:
    """One line: ``predictions passed 9/40 · known gaps 31 · fails 0 · fits (not scored) 2``."""
    s = score(rows)
    line = (f"predictions passed {s['passed']}/{s['predictions']} · known gaps {s['known_gaps']} · "
            f"fails {s['fails']} · fits (not scored) {s['fits']}")
    return line + (f" · not run {s['not_run']}" if s["not_run"] else "")
