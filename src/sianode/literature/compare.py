"""Place a measured or simulated Si-anode result among comparable published records.

What is compared with what
--------------------------
A result is a list of metrics (:class:`Metric`): ICE, specific capacity (with its basis),
capacity retention and cycle count, mass loading, areal capacity. Each metric is ranked only
among published values that measure the same thing under the same kind of test:

* metric kind: cycling records only (calendar-storage retention is never a cycling retention);
* cell type: half cells with half cells, full cells with full cells, packs with packs;
* electrolyte class: liquid, gel or solid, as the result states;
* prelithiation: prelithiated anodes only with prelithiated results (prelithiation lifts ICE
  to 94–99 %, 001 §3.4);
* capacity basis: a capacity after N cycles with capacities after cycling, a first-cycle
  reversible capacity with first-charge/reversible capacities (:data:`BASIS_GROUPS`);
* cycle window: a retention, or a capacity after cycling, measured after N cycles is compared
  with values published after N/2 … 2N cycles (:data:`CYCLE_WINDOW`);
* published values printed as bounds ("over 80 %", "less than 1000") or ranges are left
  out (their number is not the value); approximate values ("≈") count. Values that repeat
  another record (``duplicate_of``) are counted once.

Every rank says how many records it rests on (``n``) and is marked *indicative* when
``n < MIN_N`` (5).

What is computed
----------------
* **Percentile rank** ``P = 100 · (n_below + ½ n_equal) / n`` over the comparable values
  (mid-rank percentile: a value equal to every published one scores 50), overall and within
  the result's structure family. All metrics are "higher is better".
* **Nearest published neighbours** among records of the result's cell type and electrolyte
  class: Euclidean distance in a standardised metric space (log10 of capacity, cycles,
  loading and areal capacity; linear ICE and retention), each axis divided by the spread of
  the published values, averaged over the result's axes; an axis the record does not report
  (or reports on another basis, or as a bound) counts as one standard deviation
  (``MISSING_PENALTY``). Records sharing fewer than ``min(2, axes)`` axes are not listed.
* Ashby-style plots (:mod:`sianode.literature.plots`) with the result highlighted.

Published values are compared as printed in the seed reviews; current density, loading,
voltage window and temperature still differ between studies (seed 003 §2.4 gives the same
warning), so a rank is an orientation, not a benchmark.

Inputs
------
:func:`load_result` reads a result file (TOML/JSON/CSV of named values), the
``summary.json`` written by ``sianode run`` (:func:`result_from_summary`) or the per-cycle
CSV written by ``sianode analyze`` (:func:`result_from_cycles`). The file is never modified.
"""
from __future__ import annotations

import csv
import html
import io
import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sianode.errors import InputError
from sianode.literature import query
from sianode.literature.build import CELLS, FAMILIES
from sianode.literature.units import parse_quantity
from sianode.report.html import Section, figure, paragraph, render

# metric key -> (label, canonical unit, transform for distances)
METRICS: dict[str, tuple[str, str, str]] = {
    "capacity_mAh_g": ("Capacity", "mAh/g", "log"),
    "retention_pct": ("Retention", "%", "lin"),
    "cycles": ("Cycles", "cycles", "log"),
    "ice_pct": ("ICE", "%", "lin"),
    "loading_mg_cm2": ("Loading", "mg/cm2", "log"),
    "areal_capacity_mAh_cm2": ("Areal capacity", "mAh/cm2", "log"),
}
OPTIONAL_TEXT = ("name", "family", "electrolyte", "notes", "cell", "capacity_basis", "prelithiated")
_RANGES = {"capacity_mAh_g": (0, 4200), "retention_pct": (0, 110), "cycles": (1, 1e6), "ice_pct": (0, 100),
           "loading_mg_cm2": (0, 100), "areal_capacity_mAh_cm2": (0, 100)}
#: capacities comparable with each other (a basis -> its group)
BASIS_GROUPS = {"after_cycling": "after cycling", "reversible": "first-cycle reversible",
                "first_charge": "first-cycle reversible", "first_discharge": "first discharge",
                "initial": "initial (direction not stated)"}
CYCLE_WINDOW = 2.0  # a value after N cycles is compared with values after N/2 ... 2N cycles
MIN_N = 5  # ranks resting on fewer records are marked indicative
MISSING_PENALTY = 1.0  # standardised distance assumed on an axis a record does not report
_EXCLUDED_BOUNDS = (">", "≥", "<", "≤", "range")


# ------------------------------------------------------------------ the result
@dataclass
class Metric:
    """One number of a result with what it takes to find comparable published values."""

    key: str  # a key of METRICS
    value: float
    cell: str  # half | full | pack
    basis: str | None = None  # capacity basis (capacity_mAh_g only)
    cycles: float | None = None  # cycle count the value refers to (capacity after cycling, retention)
    source: str = ""  # where the number came from (file field or column)


@dataclass
class Result:
    """A measured or simulated result: metrics plus the context shared by all of them."""

    metrics: list[Metric]
    name: str = "this result"
    family: str | None = None
    electrolyte: str = "liquid"
    prelithiated: bool = False
    notes: list[str] = field(default_factory=list)  # assumptions the comparison made, shown to users
    origin: str = ""

    def value(self, key: str) -> float | None:
        m = next((m for m in self.metrics if m.key == key), None)
        return None if m is None else m.value

    def __getitem__(self, key: str):
        if key in METRICS:
            v = self.value(key)
            if v is None:
                raise KeyError(key)
            return v
        return getattr(self, key)

    def __contains__(self, key: str) -> bool:
        return self.value(key) is not None if key in METRICS else getattr(self, key, None) is not None

    def get(self, key: str, default=None):
        try:
            return self[key]
        except (KeyError, AttributeError):
            return default

    def as_dict(self) -> dict:
        """Plain dict (JSON-ready) of the result."""
        return {"name": self.name, "family": self.family, "electrolyte": self.electrolyte,
                "prelithiated": self.prelithiated, "origin": self.origin, "notes": list(self.notes),
                "metrics": [m.__dict__.copy() for m in self.metrics]}


def _value(key: str, raw, where: str) -> float:
    unit = METRICS[key][1]
    try:
        if isinstance(raw, bool):
            raise ValueError
        if isinstance(raw, (int, float)):
            v = float(raw)
        elif unit == "cycles":
            v = float(str(raw).replace("cycles", "").strip())
        else:
            v = parse_quantity(str(raw), unit)
    except (ValueError, InputError) as e:
        raise InputError(f"{key}={raw!r} is not a number in {unit} ({e})", field=f"{where}:{key}") from None
    lo, hi = _RANGES[key]
    if not (math.isfinite(v) and lo <= v <= hi):
        raise InputError(f"{key}={v:g} outside the physical range [{lo:g}, {hi:g}] {unit}", field=f"{where}:{key}")
    return v


def _context(data: dict, where: str, notes: list[str]) -> tuple[str | None, str, str, bool]:
    """family, electrolyte, cell and prelithiated of a flat result dict (assumptions noted)."""
    family = query._categorical("family", data["family"]) if data.get("family") not in (None, "") else None
    electrolyte = data.get("electrolyte")
    if electrolyte in (None, ""):
        electrolyte = "liquid"
        notes.append("electrolyte not stated: compared with liquid-electrolyte records (set electrolyte or "
                     "--electrolyte)")
    electrolyte = query._categorical("electrolyte", electrolyte)
    if electrolyte == "unknown":
        raise InputError("electrolyte must be liquid, gel or solid", field=f"{where}:electrolyte")
    cell = data.get("cell")
    if cell in (None, ""):
        cell = "half"
        notes.append("cell type not stated: compared with half-cell records (set cell or --cell)")
    cell = query._categorical("cell", cell)
    pre = data.get("prelithiated", False)
    if isinstance(pre, str):
        pre = pre.strip().lower() in ("yes", "true", "1")
    return family, electrolyte, cell, bool(pre)


def validate_result(data: dict, where: str = "result", default_basis: str | None = None) -> Result:
    """A :class:`Result` from a flat dict of named values; InputError names bad fields.

    Fields: ``capacity_mAh_g`` (with ``capacity_basis``; default ``after_cycling`` when
    ``cycles`` is given, else ``reversible``, or ``default_basis``), ``retention_pct`` and
    ``cycles`` (the test length both refer to), ``ice_pct``, ``loading_mg_cm2``,
    ``areal_capacity_mAh_cm2``; context ``cell`` (half/full/pack), ``electrolyte``
    (liquid/gel/solid), ``family``, ``prelithiated``, ``name``, ``notes``.
    """
    if not isinstance(data, dict):
        raise InputError("result must be a table of name = value pairs", field=where)
    allowed = list(METRICS) + list(OPTIONAL_TEXT)
    unknown = sorted(k for k in data if k not in allowed)
    if unknown:
        raise InputError(f"unknown field(s) {unknown}; allowed fields: {', '.join(allowed)}", field=where)
    vals = {k: _value(k, v, where) for k, v in data.items() if k in METRICS and v not in (None, "")}
    if not any(k != "cycles" for k in vals):
        raise InputError("no metric to compare; give at least one of " + ", ".join(k for k in METRICS if k != "cycles")
                         + " (retention_pct and capacity after cycling also need cycles)", field=where)
    if "retention_pct" in vals and "cycles" not in vals:
        raise InputError("retention_pct needs cycles (the number of cycles it was measured after)", field=where)
    notes: list[str] = []
    family, electrolyte, cell, pre = _context(data, where, notes)
    basis = data.get("capacity_basis") or default_basis or ("after_cycling" if "cycles" in vals else "reversible")
    basis = query._categorical("capacity_basis", basis)
    if "capacity_mAh_g" in vals and basis == "after_cycling" and "cycles" not in vals:
        raise InputError("capacity_mAh_g after cycling needs cycles; or set capacity_basis = 'reversible' "
                         "(first-cycle reversible capacity)", field=where)
    cyc = vals.get("cycles")
    metrics = []
    for k, v in vals.items():
        metrics.append(Metric(k, v, cell, basis if k == "capacity_mAh_g" else None,
                              cyc if k in ("retention_pct", "cycles") or (k == "capacity_mAh_g" and basis ==
                                                                          "after_cycling") else None,
                              source=k))
    return Result(metrics, str(data.get("name") or "this result"), family, electrolyte, pre, notes, where)


# ------------------------------------------------------------------ sianode's own outputs
#: stage-summary keys of ``sianode run`` (summary.json) -> how each becomes a metric
SUMMARY_KEYS = {
    "materials.ice_pct": ("ice_pct", None, "half"),
    "materials.reversible_capacity_mAh_g": ("capacity_mAh_g", "reversible", "half"),
    "materials.anode_loading_mg_cm2": ("loading_mg_cm2", None, "half"),
    "materials.areal_capacity_mAh_cm2": ("areal_capacity_mAh_cm2", None, "half"),
    "life.final_capacity_mAh_g": ("capacity_mAh_g", "after_cycling", "life"),
    "life.final_retention_pct": ("retention_pct", None, "life"),
    "life.cycles": ("cycles", None, "life"),
}
_LIQUID_MODELS = ("carbonate", "fec", "lhce", "liquid")


def result_from_summary(summary: dict, where: str = "summary.json") -> Result:
    """A :class:`Result` from the flattened stage summary of ``sianode run`` (``summary.json``).

    Read: the materials stage (ICE, first-cycle reversible capacity, loading, areal capacity:
    half-cell anode numbers) and the life stage (capacity and retention after ``life.cycles``,
    on the life stage's cell type ``life.cell_kind``). The electrolyte class comes from
    ``electrolyte.kind`` if present, else from the life stage's electrolyte model
    (carbonate, fec, lhce → liquid; gel; solid). The cell stage (a pouch-cell design) is not
    ranked: published energy densities use bases that are rarely stated.
    """
    s = {k: v for k, v in summary.items() if v is not None and not (isinstance(v, float) and not math.isfinite(v))}
    notes: list[str] = []
    life_cell = str(s.get("life.cell_kind", "half"))
    if life_cell not in CELLS:
        raise InputError(f"life.cell_kind={life_cell!r}; allowed: {', '.join(CELLS)}", field=f"{where}:life.cell_kind")
    kind = s.get("electrolyte.kind") or s.get("design.electrolyte.kind")
    model = str(s.get("life.electrolyte_model", "")).lower()
    if not kind:
        kind = "solid" if model == "solid" else "gel" if model == "gel" else "liquid"
        if model not in _LIQUID_MODELS + ("solid", "gel"):
            notes.append("electrolyte not in summary.json: compared with liquid-electrolyte records")
    cycles = s.get("life.cycles")
    metrics = []
    for key, (metric, basis, cell) in SUMMARY_KEYS.items():
        if key not in s or isinstance(s[key], (bool, str, list, dict)):
            continue
        v = _value(metric, s[key], where)
        cell = life_cell if cell == "life" else cell
        metrics.append(Metric(metric, v, cell, basis, cycles if key.startswith("life.") else None, key))
    if not any(m.key != "cycles" for m in metrics):
        raise InputError("summary.json has none of " + ", ".join(k for k in SUMMARY_KEYS if k != "life.cycles")
                         + "; is this the summary.json written by `sianode run`?", field=where)
    family = s.get("materials.family") or s.get("family")
    try:
        family = query._categorical("family", family) if family else None
    except InputError:
        notes.append(f"family {family!r} has no single literature family: only overall ranks")
        family = None
    return Result(metrics, str(s.get("name") or s.get("design.name") or "sianode run"), family,
                  query._categorical("electrolyte", kind), False, notes, where)


def cycles_columns(df: pd.DataFrame) -> dict[str, str | None]:
    """Which column of a per-cycle table holds each quantity (the one place that knows the
    column names of ``sianode analyze``'s ``*_cycles.csv``; first match wins)."""
    names = {c.lower(): c for c in df.columns}

    def pick(*cands):
        return next((names[c] for c in cands if c in names), None)

    return {
        "cycle": pick("cycle", "cycle_index", "cycle_number"),
        "complete": pick("complete", "is_complete"),
        "ce": pick("coulombic_efficiency", "coulombic_efficiency_pct", "ce", "ce_pct"),
        "reversible_mAh_g": pick("delithiation_capacity_mah_g", "reversible_capacity_mah_g"),
        "reversible_mAh_cm2": pick("delithiation_capacity_mah_cm2", "reversible_capacity_mah_cm2"),
        "retention": pick("retention", "retention_pct", "capacity_retention"),
        "half_cell_marker": pick("lithiation_capacity_mah", "lithiation_capacity_mah_g"),
    }


def result_from_cycles(df: pd.DataFrame, where: str = "cycles.csv", cell: str | None = None) -> Result:
    """A :class:`Result` from a per-cycle table written by ``sianode analyze``.

    ICE: CE of the first complete cycle; first-cycle reversible capacity (delithiation in a
    half cell) and, when more than one complete cycle exists, the capacity and retention of
    the last complete cycle after that many cycles; areal capacity of the first cycle if the
    table has it. The cell type is a half cell when the table carries lithiation columns
    (``sianode analyze`` adds them for anode half cells), else a full cell; specific
    capacities of a full cell are not ranked (their mass basis is the cell's, not the anode's).
    CE and retention may be fractions (≤ 2) or per cent.
    """
    col = cycles_columns(df)
    if col["cycle"] is None or (col["ce"] is None and col["retention"] is None):
        raise InputError(f"not a per-cycle table: need a 'cycle' column and 'coulombic_efficiency' or 'retention' "
                         f"(columns found: {', '.join(map(str, df.columns[:12]))})", field=where)
    d = df.copy()
    if col["complete"] is not None:
        d = d[d[col["complete"]].astype(str).str.lower().isin(("true", "1", "1.0"))]
    if col["ce"] is not None:
        d = d[pd.to_numeric(d[col["ce"]], errors="coerce").notna()]
    if d.empty:
        raise InputError("no complete cycle in the table", field=where)
    notes: list[str] = []
    detected = "half" if col["half_cell_marker"] is not None else "full"
    cell = query._categorical("cell", cell) if cell else detected
    if cell != detected:
        notes.append(f"cell type {cell} given; the table looks like a {detected} cell")
    first, last = d.iloc[0], d.iloc[-1]
    n_last = float(last[col["cycle"]])

    def frac_to_pct(x):
        x = float(x)
        return 100.0 * x if x <= 2.0 else x

    metrics = []
    if col["ce"] is not None:
        metrics.append(Metric("ice_pct", _value("ice_pct", frac_to_pct(first[col["ce"]]), where), cell,
                              source=f"{col['ce']} of cycle {int(first[col['cycle']])}"))
    if col["reversible_mAh_g"] is not None and cell == "half":
        metrics.append(Metric("capacity_mAh_g", _value("capacity_mAh_g", first[col["reversible_mAh_g"]], where), cell,
                              "first_charge", None, f"{col['reversible_mAh_g']} of cycle {int(first[col['cycle']])}"))
        if len(d) > 1:
            metrics.append(Metric("capacity_mAh_g", _value("capacity_mAh_g", last[col["reversible_mAh_g"]], where),
                                  cell, "after_cycling", n_last, f"{col['reversible_mAh_g']} of cycle {int(n_last)}"))
    elif col["reversible_mAh_g"] is None and cell == "half":
        notes.append("no specific capacity in the table (give the active mass to `sianode analyze`)")
    else:
        notes.append("full cell: specific capacities are per the mass given to analyze, not ranked")
    if col["reversible_mAh_cm2"] is not None:
        metrics.append(Metric("areal_capacity_mAh_cm2",
                              _value("areal_capacity_mAh_cm2", first[col["reversible_mAh_cm2"]], where), cell,
                              source=f"{col['reversible_mAh_cm2']} of cycle {int(first[col['cycle']])}"))
    if col["retention"] is not None and len(d) > 1:
        r = float(last[col["retention"]])
        r = 100.0 * r if r <= 2.0 else r
        metrics.append(Metric("retention_pct", _value("retention_pct", r, where), cell, None, n_last,
                              f"{col['retention']} of cycle {int(n_last)} (reference cycle as set in analyze)"))
        metrics.append(Metric("cycles", _value("cycles", n_last, where), cell, None, n_last, col["cycle"]))
    notes.append("electrolyte not in the table: compared with liquid-electrolyte records (use --electrolyte)")
    stem = Path(where).stem.removesuffix("_cycles")
    return Result(metrics, stem, None, "liquid", False, notes, where)


def _decode(p: Path) -> str:
    raw = p.read_bytes()
    if not raw.strip():
        raise InputError("result file is empty", field=str(p))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text (byte {e.start})", field=str(p)) from None


def _read_flat_csv(text: str, p: Path) -> dict:
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if len(rows) >= 2 and all(len(r) == 2 for r in rows) and rows[0][0].strip().lower() in ("field", "key", "name"):
        return {k.strip(): v.strip() for k, v in rows[1:]}
    if len(rows) != 2 or len(rows[0]) != len(rows[1]):
        raise InputError("CSV result must be one header row and one data row (or field,value rows), or the "
                         "per-cycle CSV of `sianode analyze`", field=str(p))
    return {k.strip(): v.strip() for k, v in zip(rows[0], rows[1])}


def load_result(path: str | Path, **context) -> Result:
    """Read a result and validate it; ``context`` (``cell``, ``electrolyte``, ``family``,
    ``name``, ``prelithiated``) completes or overrides what the file says.

    Accepted files: ``summary.json`` of ``sianode run``; the ``*_cycles.csv`` of ``sianode
    analyze``; a result file (TOML, JSON or CSV; top-level keys or a ``[result]`` table; a CSV
    header row + one data row, or ``field,value`` rows) with the fields of
    :func:`validate_result`. Numbers may carry units as strings (``"1.2 Ah/g"``).
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("result file not found", field=str(p))
    text = _decode(p)
    suffix = p.suffix.lower()
    ctx = {k: v for k, v in context.items() if v not in (None, "")}
    try:
        if suffix == ".toml":
            data = tomllib.loads(text)
        elif suffix == ".json":
            data = json.loads(text)
        elif suffix == ".csv":
            head = next(csv.reader(io.StringIO(text)), [])
            if "cycle" in [h.strip().lower() for h in head]:
                res = result_from_cycles(pd.read_csv(io.StringIO(text)), str(p), ctx.get("cell"))
                return _override(res, ctx)
            data = _read_flat_csv(text, p)
        else:
            raise InputError(f"unsupported result format {suffix!r}; use summary.json (sianode run), "
                             "*_cycles.csv (sianode analyze), or a .toml/.json/.csv result file", field=str(p))
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"invalid TOML: {e}", field=str(p)) from None
    except json.JSONDecodeError as e:
        raise InputError(f"invalid JSON at line {e.lineno} column {e.colno} (char {e.pos}): {e.msg}",
                         field=str(p)) from None
    if isinstance(data, dict) and isinstance(data.get("result"), dict):
        data = data["result"]
    if isinstance(data, dict) and any(k.startswith(("materials.", "life.")) for k in data):
        return _override(result_from_summary(data, str(p)), ctx)
    if isinstance(data, dict):
        data = {**data, **{k: v for k, v in ctx.items() if k in OPTIONAL_TEXT}}
    return validate_result(data, where=str(p))


def _override(res: Result, ctx: dict) -> Result:
    if "electrolyte" in ctx:
        res.electrolyte = query._categorical("electrolyte", ctx["electrolyte"])
        res.notes = [n for n in res.notes if not n.startswith("electrolyte not")]
    if "cell" in ctx:
        cell = query._categorical("cell", ctx["cell"])
        for m in res.metrics:
            m.cell = cell
    if "family" in ctx:
        res.family = query._categorical("family", ctx["family"])
    if "name" in ctx:
        res.name = str(ctx["name"])
    if "prelithiated" in ctx:
        res.prelithiated = bool(ctx["prelithiated"])
    return res


# ------------------------------------------------------------------ published samples
def published(include_duplicates: bool = False) -> pd.DataFrame:
    """Records used for comparison: values repeating another record are masked (NaN) and
    whole-record duplicates dropped, unless ``include_duplicates``."""
    df = query.records().copy()
    if include_duplicates:
        return df
    whole = df["duplicate_of"].notna() & df["duplicate_values"].isna()
    df = df[~whole].reset_index(drop=True)
    for i, cols in df["duplicate_values"].items():
        if isinstance(cols, str):
            for c in cols.split(";"):
                df.loc[i, c] = np.nan
    return df


def percentile_rank(value: float, sample) -> float:
    """Mid-rank percentile (0–100) of ``value`` in ``sample`` (NaN if the sample is empty)."""
    s = np.asarray(pd.Series(sample, dtype="float64").dropna(), dtype=float)
    if s.size == 0:
        return float("nan")
    below = np.sum(s < value)
    equal = np.sum(s == value)
    return float(100.0 * (below + 0.5 * equal) / s.size)


def metric_label(key: str, basis: str | None = None, cycles: float | None = None) -> str:
    """Short label of a metric with its unit: ``"Capacity after 100 cycles (mAh/g)"``."""
    label, unit, _ = METRICS[key]
    after = cycles is not None and not (isinstance(cycles, float) and math.isnan(cycles)) and key != "cycles"
    if key == "capacity_mAh_g":
        label = "Capacity" + (f" after {fmt(cycles)} cycles" if basis == "after_cycling" and after else
                              f", {BASIS_GROUPS.get(basis or 'reversible')}")
    elif after:
        label += f" after {fmt(cycles)} cycles"
    return f"{label} ({unit})" if unit != "cycles" else label


def comparable(pub: pd.DataFrame, m: Metric, res: Result) -> tuple[pd.Series, str, int]:
    """Published values comparable with metric ``m`` of ``res``.

    Returns ``(values indexed like pub, description of the sample, number of bounds left out)``.
    """
    b = query.bounds_of(pub)
    mask = (pub["metric_kind"] == "cycling") & (pub["cell"] == m.cell) & (pub["electrolyte"] == res.electrolyte)
    mask &= pub["prelithiated"].notna() if res.prelithiated else pub["prelithiated"].isna()
    desc = [f"{m.cell} cells", f"{res.electrolyte} electrolyte", "prelithiated" if res.prelithiated else
            "not prelithiated"]
    if m.key == "capacity_mAh_g":
        group = BASIS_GROUPS[m.basis or "reversible"]
        mask &= pub["capacity_basis"].map(lambda x: BASIS_GROUPS.get(x) == group if isinstance(x, str) else False)
        desc.append(f"capacity {group}")
    window = m.cycles is not None and (m.key == "retention_pct" or (m.key == "capacity_mAh_g" and
                                                                    m.basis == "after_cycling"))
    if window:
        lo, hi = m.cycles / CYCLE_WINDOW, m.cycles * CYCLE_WINDOW
        cyc = pub["cycles"].astype("float64")
        mask &= (cyc >= lo) & (cyc <= hi)
        desc.append(f"after {lo:g}–{hi:g} cycles")
    vals = pd.to_numeric(pub[m.key], errors="coerce").where(mask)
    is_bound = b.map(lambda x: x.get(m.key, (None,))[0] in _EXCLUDED_BOUNDS)
    n_bounds = int((vals.notna() & is_bound).sum())
    return vals.where(~is_bound), ", ".join(desc), n_bounds


def _transform(key: str, x):
    x = np.asarray(x, dtype=float)
    if METRICS[key][2] == "log":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(np.where(x > 0, x, np.nan))
    return x


@dataclass
class Comparison:
    """Result of :func:`compare`: the result, ranks and neighbours (tidy tables)."""

    result: Result
    ranks: pd.DataFrame
    neighbours: pd.DataFrame
    published: pd.DataFrame


def _as_result(result) -> Result:
    if isinstance(result, Result):
        return result
    return validate_result(result)


def compare(result, n_neighbours: int = 5, pub: pd.DataFrame | None = None) -> Comparison:
    """Rank ``result`` (a :class:`Result` or a flat dict, see :func:`validate_result`) among
    comparable published records; see the module docstring for what is comparable."""
    res = _as_result(result)
    pub = published() if pub is None else pub
    rows = []
    for m in res.metrics:
        label, unit, _ = METRICS[m.key]
        vals, desc, n_bounds = comparable(pub, m, res)
        sample = vals.dropna()
        fam = vals[pub["family"] == res.family].dropna() if res.family else pd.Series(dtype=float)
        n = int(sample.size)
        note = ("no comparable published record" if n == 0 else
                f"indicative: rests on {n} record{'s' if n != 1 else ''} (< {MIN_N})" if n < MIN_N else "")
        if res.family and 0 < fam.size < MIN_N:
            note += ("; " if note else "") + f"family rank indicative ({fam.size} record{'s' if fam.size != 1 else ''})"
        rows.append({
            "metric": m.key, "label": label, "unit": unit, "value": m.value, "basis": m.basis or "",
            "cycles": m.cycles, "source": m.source, "compared_with": desc,
            "percentile": percentile_rank(m.value, sample), "n": n, "n_bounds_left_out": n_bounds,
            "family": res.family or "",
            "percentile_family": percentile_rank(m.value, fam) if res.family else float("nan"),
            "n_family": int(fam.size), "published_median": float(sample.median()) if n else float("nan"),
            "published_max": float(sample.max()) if n else float("nan"), "note": note,
        })
    return Comparison(res, pd.DataFrame(rows), nearest(res, pub, n_neighbours), pub)


def nearest(res: Result, pub: pd.DataFrame, k: int = 5) -> pd.DataFrame:
    """The ``k`` comparable published records closest to ``res`` in standardised metric space."""
    cols = ["id", "material", "family", "electrolyte", "cell", "distance", "shared_metrics", *METRICS,
            "capacity_basis", "citation", "seed", "location"]
    ms = {}
    for m in res.metrics:  # one metric per axis: the first given (e.g. the capacity after cycling)
        if m.key not in ms or (m.key == "capacity_mAh_g" and m.basis == "after_cycling"):
            ms[m.key] = m
    if not ms:
        return pd.DataFrame(columns=cols)
    cells = [m.cell for m in ms.values()]
    cell = max(set(cells), key=cells.count)
    base = (pub["metric_kind"] == "cycling") & (pub["cell"] == cell) & (pub["electrolyte"] == res.electrolyte)
    sq = np.zeros(len(pub))
    count = np.zeros(len(pub))
    for key, m in ms.items():
        # the axis uses the published values comparable with this metric (basis, bounds), not the cycle window
        vals, _, _ = comparable(pub, Metric(m.key, m.value, cell, m.basis, None), res)
        x = _transform(key, vals.to_numpy(dtype=float))
        scale = np.nanstd(x) if np.sum(np.isfinite(x)) > 1 else 1.0
        scale = scale if scale > 0 else 1.0
        d = (x - _transform(key, [m.value])[0]) / scale
        ok = np.isfinite(d)
        sq[ok] += d[ok] ** 2
        count[ok] += 1
    need = min(2, len(ms))
    # an axis the record lacks counts as one standard deviation away (MISSING_PENALTY),
    # so records sharing more metrics with the result rank ahead of sparse ones
    dist = np.sqrt((sq + MISSING_PENALTY**2 * (len(ms) - count)) / len(ms))
    out = pub.assign(distance=dist, shared_metrics=count.astype(int))
    out = out[base.to_numpy() & (out["shared_metrics"] >= need)].sort_values(["distance", "id"]).head(k)
    return out[cols].reset_index(drop=True)


# ------------------------------------------------------------------ formatting
def fmt(v, digits: int = 4) -> str:
    """A computed number for people: ``digits`` significant digits, never in exponent form."""
    if v is None or v is pd.NA or (isinstance(v, float) and not math.isfinite(v)):
        return ""
    v = float(v)
    if v == 0:
        return "0"
    decimals = max(0, digits - 1 - int(math.floor(math.log10(abs(v)))))
    s = f"{v:,.{decimals}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def ranks_table(cmp: Comparison) -> pd.DataFrame:
    """The ranks as strings for people (value, percentile, n, note, what it was compared with)."""
    out = []
    for r in cmp.ranks.itertuples():
        out.append({"metric": metric_label(r.metric, r.basis or None, r.cycles), "value": fmt(r.value),
                    "percentile": fmt(r.percentile, 3), "n": str(r.n),
                    "percentile in family": fmt(r.percentile_family, 3) if r.family else "",
                    "n family": str(r.n_family) if r.family else "", "published median": fmt(r.published_median),
                    "compared with": r.compared_with, "note": r.note})
    return pd.DataFrame(out)


def neighbours_table(cmp: Comparison) -> pd.DataFrame:
    """The neighbours with published values as printed and who published them."""
    nb = cmp.neighbours
    if nb.empty:
        return pd.DataFrame()
    full = query.records()
    full = full[full["id"].isin(nb["id"])]
    printed = query.as_printed(full).set_index(full["id"])
    rows = []
    for r in nb.itertuples():
        p = printed.loc[r.id]
        rec = full[full["id"] == r.id].iloc[0].to_dict()
        rows.append({"id": r.id, "material": r.material, "distance": fmt(r.distance, 2),
                     "ICE %": p["ice_pct"], "mAh/g": p["capacity_mAh_g"],
                     "basis": BASIS_GROUPS.get(rec["capacity_basis"], "") if isinstance(rec["capacity_basis"], str)
                     else "", "cycles": p["cycles"], "retention %": p["retention_pct"],
                     "mg/cm²": p["loading_mg_cm2"], "source": query.source(rec),
                     "short source": query.short_source(rec)})
    return pd.DataFrame(rows)


_TEXT_COLUMNS = ("metric", "id", "material", "basis", "source", "note")


def _html_table(df: pd.DataFrame, sub: dict[str, pd.Series] | None = None) -> str:
    """A compact HTML table: text columns left-aligned and wrapping, numbers right-aligned; wide
    tables scroll inside their box instead of widening the page. ``sub`` adds a small grey
    second line under the cells of a column."""
    if df.empty:
        return ""
    sub = sub or {}
    left = "text-align:left"
    head = "".join(f"<th style='{left if c in _TEXT_COLUMNS else 'text-align:right'}'>{html.escape(str(c))}</th>"
                   for c in df.columns)
    rows = []
    for i, row in enumerate(df.itertuples(index=False)):
        cells = []
        for c, v in zip(df.columns, row):
            style = left + (";white-space:nowrap" if c == "id" else "") if c in _TEXT_COLUMNS else "white-space:nowrap"
            extra = sub[c].iloc[i] if c in sub else ""
            extra = f"<br><span class='note'>{html.escape(str(extra))}</span>" if extra else ""
            cells.append(f"<td style='{style}'>{html.escape(str(v))}{extra}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<div style='overflow-x:auto'><table class='tbl'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def _ranks_html(cmp: Comparison) -> str:
    t = ranks_table(cmp)
    fam = [f"{p or '–'} ({n})" if cmp.result.family else "" for p, n in zip(t["percentile in family"], t["n family"])]
    show = pd.DataFrame({"metric": t["metric"], "value": t["value"], "percentile": t["percentile"].replace("", "–"),
                         "n": t["n"], "in family (n)": fam, "published median": t["published median"],
                         "note": t["note"]})
    if not cmp.result.family:
        show = show.drop(columns=["in family (n)"])
    if not show["note"].astype(bool).any():
        show = show.drop(columns=["note"])
    return _html_table(show, {"metric": "vs " + t["compared with"]})


_CAVEAT = ("Each metric is ranked only among published values of the same kind: cycling tests (not calendar "
           "storage), the same cell type, the same electrolyte class, prelithiated only with prelithiated, the "
           "same capacity basis and, for retention and capacity after cycling, after N/2 to 2N cycles. Values "
           "published as bounds or ranges are left out; repeated results are counted once. Current density, "
           "loading, voltage window and temperature still differ between studies (seed 003 §2.4), so ranks are an "
           "orientation, not a benchmark.")


def report_sections(summary, *, capacity_basis: str = "reversible") -> list[Section]:
    """"How this compares with the literature" section for a design/analysis report.

    ``summary`` is a :class:`Result`, the flattened ``summary.json`` of ``sianode run``
    (dotted keys, :func:`result_from_summary`) or a flat dict of metric values (keys of
    :data:`METRICS` plus ``family``, ``electrolyte``, ``cell``, ``name``; other keys ignored,
    NaN/None treated as missing; ``capacity_mAh_g`` is taken on ``capacity_basis``, by default
    the first-cycle reversible capacity). Returns one section with ranks (each with its ``n``),
    nearest comparable published results and Ashby-style plots (result highlighted).
    """
    from sianode.literature import plots

    title = "How this compares with the literature"
    try:
        if isinstance(summary, Result):
            res = summary
        elif isinstance(summary, dict) and any(str(k).startswith(("materials.", "life.")) for k in summary):
            res = result_from_summary(summary)
        else:
            clean = {k: v for k, v in (summary or {}).items() if (k in METRICS or k in OPTIONAL_TEXT)
                     and v is not None and not (isinstance(v, float) and not math.isfinite(v))}
            family_note = None
            if "family" in clean:
                try:
                    clean["family"] = query._categorical("family", clean["family"])
                except InputError:
                    family_note = (f"family {clean.pop('family')!r} has no single literature family (dense Si "
                                   "particles span nano and micro): only overall ranks")
            if not any(k in METRICS and k != "cycles" for k in clean):
                return [Section(title, paragraph(
                    "The summary has none of capacity_mAh_g, retention_pct, ice_pct, loading_mg_cm2, "
                    "areal_capacity_mAh_cm2, so nothing can be placed among the published records."))]
            if "retention_pct" in clean and "cycles" not in clean:
                clean.pop("retention_pct")
            res = validate_result(clean, "summary", default_basis=clean.get("capacity_basis") or capacity_basis)
            if family_note:
                res.notes.append(family_note)
        cmp = compare(res)
    except InputError as e:
        return [Section(title, paragraph(f"Comparison not possible: {e}"))]
    fam = cmp.result.family
    intro = (f"{len(cmp.published)} published records read from five reviews and papers (He et al., Adv. Sci. 2025; "
             "Zhang et al., RSC Adv. 2025; Liu et al., Nano-Micro Lett. 2025; an Energy Environ. Sci. 2025 "
             "perspective; a porous-Si review; repeated results counted once)"
             + (f"; family {fam} ({FAMILIES[fam]})" if fam else "") + ". ")
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in cmp.result.notes)
    body = paragraph(intro + _CAVEAT) + (f"<p class='note'>Assumptions:</p><ul class='note'>{notes}</ul>"
                                         if notes else "")
    nb = neighbours_table(cmp)
    children = [
        Section("Percentile ranks", _ranks_html(cmp)),
        Section("Nearest comparable published results",
                _html_table(nb.drop(columns=["short source"])) if not nb.empty else paragraph("No comparable published record shares enough "
                                                               "metrics with this result.")),
        Section("Ashby-style plots", "".join(figure(f, alt=a) for a, f in plots.ashby_figures(cmp.published,
                                                                                              cmp.result))),
    ]
    return [Section(title, body, children)]


def write_report(cmp: Comparison, out_dir: str | Path, title: str = "sianode compare") -> dict[str, Path]:
    """Write ``compare.html`` (ranks, neighbours, figures), ``ranks.csv`` and ``neighbours.csv``
    into ``out_dir``; returns their paths by name."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"ranks": out / "ranks.csv", "neighbours": out / "neighbours.csv"}
    cmp.ranks.to_csv(paths["ranks"], index=False)
    cmp.neighbours.to_csv(paths["neighbours"], index=False)
    paths["report"] = render(f"{title}: {cmp.result.name}", report_sections(cmp.result), out / "compare.html")
    return paths


__all__ = ["BASIS_GROUPS", "Comparison", "METRICS", "Metric", "Result", "compare", "comparable", "cycles_columns",
           "load_result", "nearest", "percentile_rank", "published", "report_sections", "result_from_cycles",
           "result_from_summary", "validate_result", "write_report"]
