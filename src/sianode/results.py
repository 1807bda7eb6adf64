"""Results handed between the chain's stages and to reports.

A stage is a module with ``run(design, upstream) -> StageResult`` and
``report(result) -> list[Section]``. ``upstream`` maps earlier stage names
("materials", "mechanics", ...) to their :class:`StageResult`, so a later stage
reads what an earlier one computed instead of computing it again.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

import pandas as pd


@dataclass
class StageResult:
    """Output of one stage of the chain.

    name     : stage name ("materials", "mechanics", "interphase", "life", "echem", "cell").
    summary  : scalar results; keys carry their unit when not SI (``capacity_mAh_g``).
    tables   : tidy tables (one row per point / cycle / component).
    data     : typed object with everything a downstream stage may need.
    """

    name: str
    summary: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    data: Any = None


def require(upstream: dict[str, StageResult] | None, name: str, stage: str) -> StageResult:
    """``upstream[name]`` or a clear error: a stage reads earlier stages' results, it never recomputes them."""
    res = (upstream or {}).get(name)
    if res is None or getattr(res, "data", None) is None:
        from sianode.errors import InputError

        raise InputError(f"the {stage} stage needs the {name} stage's result in upstream; run it through "
                         f"sianode.chain (ModelChain(design, ['{stage}']) or sianode.chain.run_stage(design, "
                         f"'{stage}')), which runs {name} first", field="upstream")
    return res


def check_batch(designs, upstreams) -> None:
    """A stage's ``run_batch`` takes one upstream mapping per design; say so clearly when the counts differ."""
    if len(designs) != len(upstreams):
        from sianode.errors import InputError

        raise InputError(f"{len(designs)} designs but {len(upstreams)} upstream mappings", field="upstreams")


def batch_rows(cols: dict, n: int) -> list[dict]:
    """One dict per design of a batch of ``n`` from columns over it, keys in the order of ``cols``: a list or a 1-d
    array holds one value per design (an array read as Python numbers, ``tolist``); any other value is every
    design's. How a stage's ``run_batch`` turns what it computed on arrays into per-design records."""
    return [dict(zip(cols, row)) for row in zip(*_per_design(cols, n))]


def batch_summaries(head: dict, own: list, tail: dict) -> list[dict]:
    """One summary per design from columns over the batch (``head`` and ``tail`` as :func:`batch_rows`), with each
    design's own entries (``own[i]``: (key, value) pairs, e.g. keys only some designs have) between them."""
    n = len(own)
    out = []
    for h, o, t in zip(zip(*_per_design(head, n)), own, zip(*_per_design(tail, n))):
        s = dict(zip(head, h))
        s.update(o)
        s.update(zip(tail, t))
        out.append(s)
    return out


def _per_design(cols: dict, n: int) -> list:
    import numpy as np

    return [c if isinstance(c, list) else c.tolist() if np.ndim(c) == 1 else
            repeat(c.tolist() if isinstance(c, np.ndarray) else c, n) for c in cols.values()]


@dataclass
class ChainResult:
    """Everything the chain computed for one design."""

    design: Any
    stages: dict[str, StageResult] = field(default_factory=dict)

    def __getitem__(self, name: str) -> StageResult:
        return self.stages[name]

    @property
    def summary(self) -> dict[str, Any]:
        """All stage summaries flattened to ``{"stage.key": value}``."""
        return {f"{s}.{k}": v for s, r in self.stages.items() for k, v in r.summary.items()}

    def key_results(self, headline_only: bool = True) -> pd.DataFrame:
        """The key results of the requested stages as a tidy table: one row per quantity with columns
        ``stage, quantity, value, unit, note`` (value as text, formatted to its meaningful digits; the
        full-precision number is ``summary[index]``). ``headline_only=False`` gives every stage's list
        (what ``sianode materials`` etc. print). Owner: :mod:`sianode.key_results`."""
        from sianode.key_results import key_results

        return key_results(self.stages, headline_only)

    def write(self, outdir: str | Path) -> list[Path]:
        """Write every table as CSV and the summary as JSON; return the paths written."""
        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        written = []
        for sname, res in self.stages.items():
            for tname, df in res.tables.items():
                p = outdir / f"{sname}_{tname}.csv"
                df.to_csv(p, index=False)
                written.append(p)
        p = outdir / "summary.json"
        p.write_text(summary_json(self.summary))
        written.append(p)
        return written


def summary_json(summary: dict[str, Any]) -> str:
    """Strict JSON text of a summary: NaN and infinities become ``null`` (RFC 8259 has no NaN)."""
    return json.dumps(_jsonable(summary), indent=2, allow_nan=False)


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):  # numpy scalar
        obj = obj.item()
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, (str, int, bool)) or obj is None:
        return obj
    return str(obj)
