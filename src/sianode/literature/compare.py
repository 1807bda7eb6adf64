"""Place a measured or simulated Si-anode result among the published records.

What is computed
----------------
* **Percentile rank** of each metric the result gives, overall and within its structure
  family: ``P = 100 · (n_below + ½ n_equal) / n`` over the published values (mid-rank
  percentile, so a value equal to every published one scores 50). All metrics are
  "higher is better" (capacity, retention, cycles, ICE, loading, areal capacity).
* **Nearest published neighbours**: Euclidean distance in a standardised metric space
  (log10 of capacity, cycles, loading and areal capacity; linear ICE and retention), each
  axis divided by the spread (standard deviation) of the published values, averaged over
  the axes the result gives; an axis the record does not report counts as one standard
  deviation (``MISSING_PENALTY``). Records sharing fewer than ``min(2, axes given)`` axes
  with the result are not ranked.
* Ashby-style plots (:mod:`sianode.literature.plots`) with the result highlighted.

Which records are compared
--------------------------
Records repeating another record (``duplicate_of``) are dropped. The capacity sample is
anode specific capacity only (``capacity_basis`` ``after_cycling`` or ``reversible``;
first-cycle and full-cell capacities are excluded). Published values are compared as
given: test conditions (current, loading, voltage window, temperature) differ between
records, which the report states (003 §2.4 makes the same warning).
"""
from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sianode.errors import InputError
from sianode.literature import query
from sianode.literature.build import FAMILIES
from sianode.literature.units import parse_quantity
from sianode.report.html import Section, figure, paragraph, render, table

# metric key -> (label, canonical unit, transform for distances)
METRICS: dict[str, tuple[str, str, str]] = {
    "capacity_mAh_g": ("Specific capacity", "mAh/g", "log"),
    "retention_pct": ("Capacity retention", "%", "lin"),
    "cycles": ("Cycles", "cycles", "log"),
    "ice_pct": ("Initial Coulombic efficiency", "%", "lin"),
    "loading_mg_cm2": ("Mass loading", "mg/cm2", "log"),
    "areal_capacity_mAh_cm2": ("Areal capacity", "mAh/cm2", "log"),
}
REQUIRED = ("capacity_mAh_g", "retention_pct", "cycles")
OPTIONAL_TEXT = ("name", "family", "electrolyte", "notes")
_RANGES = {"capacity_mAh_g": (0, 4200), "retention_pct": (0, 110), "cycles": (1, 1e6), "ice_pct": (0, 100),
           "loading_mg_cm2": (0, 100), "areal_capacity_mAh_cm2": (0, 100)}
_ANODE_CAPACITY = ("after_cycling", "reversible")
MISSING_PENALTY = 1.0  # standardised distance assumed on an axis a record does not report


# ------------------------------------------------------------------ result input
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
        raise InputError(f"{key}={v} outside the physical range [{lo}, {hi}] {unit}", field=f"{where}:{key}")
    return v


def validate_result(data: dict, where: str = "result", required=REQUIRED) -> dict:
    """Typed, range-checked result dict; InputError names missing/unknown/invalid fields."""
    if not isinstance(data, dict):
        raise InputError("result must be a table of name = value pairs", field=where)
    allowed = set(METRICS) | set(OPTIONAL_TEXT)
    unknown = sorted(k for k in data if k not in allowed)
    if unknown:
        raise InputError(f"unknown field(s) {unknown}; allowed fields: {', '.join(list(METRICS) + list(OPTIONAL_TEXT))}",
                         field=where)
    missing = [k for k in required if data.get(k) in (None, "")]
    if missing:
        raise InputError(f"missing required field(s): {', '.join(missing)} (required: {', '.join(required)})",
                         field=where)
    out: dict = {}
    for k, raw in data.items():
        if raw in (None, ""):
            continue
        if k in METRICS:
            out[k] = _value(k, raw, where)
        else:
            out[k] = str(raw)
    if "family" in out:
        out["family"] = query._categorical("family", out["family"])
    if "electrolyte" in out:
        out["electrolyte"] = query._categorical("electrolyte", out["electrolyte"])
    return out


def load_result(path: str | Path) -> dict:
    """Read a result file (TOML, JSON or CSV) and validate it.

    TOML/JSON: top-level keys or a ``[result]`` table. CSV: a header row and one data row,
    or two columns ``field,value``. Required fields: ``capacity_mAh_g``, ``retention_pct``,
    ``cycles``; optional ``ice_pct``, ``loading_mg_cm2``, ``areal_capacity_mAh_cm2``,
    ``family``, ``electrolyte``, ``name``, ``notes``. Numbers may carry units as strings
    (``"1.2 Ah/g"``). The file is only read, never modified.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("result file not found", field=str(p))
    raw = p.read_bytes()
    if not raw.strip():
        raise InputError("result file is empty", field=str(p))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text (byte {e.start})", field=str(p)) from None
    suffix = p.suffix.lower()
    try:
        if suffix == ".toml":
            data = tomllib.loads(text)
        elif suffix == ".json":
            data = json.loads(text)
        elif suffix == ".csv":
            data = _read_csv(text, p)
        else:
            raise InputError(f"unsupported result format {suffix!r}; use .toml, .json or .csv", field=str(p))
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"invalid TOML: {e}", field=str(p)) from None
    except json.JSONDecodeError as e:
        raise InputError(f"invalid JSON at line {e.lineno} column {e.colno} (char {e.pos}): {e.msg}",
                         field=str(p)) from None
    if isinstance(data, dict) and isinstance(data.get("result"), dict):
        data = data["result"]
    return validate_result(data, where=str(p))


def _read_csv(text: str, p: Path) -> dict:
    import csv
    import io
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if len(rows) >= 2 and all(len(r) == 2 for r in rows) and rows[0][0].strip().lower() in ("field", "key", "name"):
        return {k.strip(): v.strip() for k, v in rows[1:]}
    if len(rows) != 2 or len(rows[0]) != len(rows[1]):
        raise InputError("CSV result must be one header row and one data row (or field,value rows)", field=str(p))
    return {k.strip(): v.strip() for k, v in zip(rows[0], rows[1])}


# ------------------------------------------------------------------ published samples
def published(include_duplicates: bool = False) -> pd.DataFrame:
    """All records used for comparison (duplicates dropped unless asked)."""
    df = query.records(include_duplicates=include_duplicates)
    df = df.copy()
    # only anode specific capacities are comparable with a result's capacity_mAh_g
    bad = ~df["capacity_basis"].isin(_ANODE_CAPACITY)
    df.loc[bad, "capacity_mAh_g"] = np.nan
    return df


def percentile_rank(value: float, sample) -> float:
    """Mid-rank percentile (0–100) of ``value`` in ``sample`` (NaN if the sample is empty)."""
    s = np.asarray(pd.Series(sample, dtype="float64").dropna(), dtype=float)
    if s.size == 0:
        return float("nan")
    below = np.sum(s < value)
    equal = np.sum(s == value)
    return float(100.0 * (below + 0.5 * equal) / s.size)


def _transform(key: str, x):
    x = np.asarray(x, dtype=float)
    if METRICS[key][2] == "log":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(np.where(x > 0, x, np.nan))
    return x


@dataclass
class Comparison:
    """Result of :func:`compare`: the validated result, ranks and neighbours (tidy tables)."""

    result: dict
    ranks: pd.DataFrame
    neighbours: pd.DataFrame
    published: pd.DataFrame


def compare(result: dict, n_neighbours: int = 5, pub: pd.DataFrame | None = None) -> Comparison:
    """Rank ``result`` (a dict like :func:`load_result` returns) among the published records."""
    res = validate_result(result, required=())
    pub = published() if pub is None else pub
    family = res.get("family")
    rows = []
    for key, (label, unit, _) in METRICS.items():
        if key not in res:
            continue
        v = res[key]
        overall = pub[key].dropna()
        fam = pub.loc[pub["family"] == family, key].dropna() if family else pd.Series(dtype=float)
        rows.append({
            "metric": key, "label": label, "unit": unit, "value": v,
            "percentile_overall": percentile_rank(v, overall), "n_overall": int(overall.size),
            "family": family or "", "percentile_family": percentile_rank(v, fam) if family else float("nan"),
            "n_family": int(fam.size), "published_median": float(overall.median()) if overall.size else float("nan"),
            "published_max": float(overall.max()) if overall.size else float("nan"),
        })
    ranks = pd.DataFrame(rows)
    return Comparison(res, ranks, nearest(res, pub, n_neighbours), pub)


def nearest(res: dict, pub: pd.DataFrame, k: int = 5) -> pd.DataFrame:
    """The ``k`` published records closest to ``res`` in standardised metric space."""
    keys = [m for m in METRICS if m in res]
    cols = ["id", "material", "family", "electrolyte", "cell", "distance", "shared_metrics", *METRICS,
            "reference", "seed", "location"]
    if not keys:
        return pd.DataFrame(columns=cols)
    sq = np.zeros(len(pub))
    count = np.zeros(len(pub))
    for key in keys:
        x = _transform(key, pub[key].to_numpy(dtype=float))
        scale = np.nanstd(x) if np.sum(np.isfinite(x)) > 1 else 1.0
        scale = scale if scale > 0 else 1.0
        d = (x - _transform(key, [res[key]])[0]) / scale
        ok = np.isfinite(d)
        sq[ok] += d[ok] ** 2
        count[ok] += 1
    need = min(2, len(keys))
    # an axis the record lacks counts as one standard deviation away (MISSING_PENALTY),
    # so records sharing more metrics with the result rank ahead of sparse ones
    dist = np.sqrt((sq + MISSING_PENALTY**2 * (len(keys) - count)) / len(keys))
    out = pub.assign(distance=dist, shared_metrics=count.astype(int))
    out = out[out["shared_metrics"] >= need].sort_values(["distance", "id"]).head(k)
    return out[cols].reset_index(drop=True)


# ------------------------------------------------------------------ report
_CAVEAT = ("Published values are compared as printed in the seed reviews; current density, mass loading, "
           "voltage window and temperature differ between studies (seed 003 §2.4), so ranks are an orientation, "
           "not a benchmark. Records flagged in the dataset (misaligned table rows, OCR damage, bounds) are "
           "included with their likely reading.")


def _ranks_html(ranks: pd.DataFrame) -> str:
    if ranks.empty:
        return paragraph("No comparable metric in this result.")
    show = ranks[["label", "value", "unit", "percentile_overall", "n_overall", "percentile_family", "n_family",
                  "published_median", "published_max"]].rename(columns={
                      "label": "metric", "percentile_overall": "percentile (all)", "n_overall": "n (all)",
                      "percentile_family": "percentile (family)", "n_family": "n (family)",
                      "published_median": "published median", "published_max": "published max"})
    return table(show, float_format="{:.4g}")


def _neighbours_html(nb: pd.DataFrame) -> str:
    if nb.empty:
        return paragraph("No published record shares enough metrics with this result.")
    show = nb[["id", "material", "family", "distance", "capacity_mAh_g", "cycles", "retention_pct", "ice_pct",
               "loading_mg_cm2", "seed", "location", "reference"]]
    return table(show, float_format="{:.3g}")


def report_sections(summary: dict) -> list[Section]:
    """"How this compares with the literature" section for a design/analysis report.

    ``summary`` may hold any of ``capacity_mAh_g``, ``retention_pct``, ``cycles``,
    ``ice_pct``, ``loading_mg_cm2``, ``areal_capacity_mAh_cm2``, ``family``,
    ``electrolyte``, ``name``; missing keys are skipped, other keys ignored, NaN/None
    treated as missing. Returns one :class:`~sianode.report.html.Section` with percentile
    ranks, nearest published neighbours and Ashby-style plots (result highlighted).
    """
    from sianode.literature import plots

    clean = {}
    for k, v in (summary or {}).items():
        if k not in METRICS and k not in OPTIONAL_TEXT:
            continue
        if v is None or (isinstance(v, float) and not math.isfinite(v)):
            continue
        clean[k] = v
    title = "How this compares with the literature"
    family_note = ""
    if "family" in clean:
        try:
            clean["family"] = query._categorical("family", clean["family"])
        except InputError:
            family_note = (f"Family '{clean.pop('family')}' has no single literature family "
                           f"(e.g. dense Si particles span nano and micro), so only overall ranks are given. ")
    try:
        cmp = compare(clean)
    except InputError as e:
        return [Section(title, paragraph(f"Comparison not possible: {e}"))]
    if cmp.ranks.empty:
        return [Section(title, paragraph(
            "The summary has none of capacity_mAh_g, retention_pct, cycles, ice_pct, loading_mg_cm2, "
            "areal_capacity_mAh_cm2, so nothing can be placed among the published records."))]
    fam = cmp.result.get("family")
    intro = (f"{len(cmp.published)} published records from the seed reviews (duplicates removed)"
             + (f"; family {fam} ({FAMILIES[fam]})" if fam else "") + ". ")
    children = [
        Section("Percentile ranks", _ranks_html(cmp.ranks)),
        Section("Nearest published results", _neighbours_html(cmp.neighbours)),
        Section("Ashby-style plots", "".join(figure(f, alt=a) for a, f in plots.ashby_figures(cmp.published, cmp.result))),
    ]
    return [Section(title, paragraph(intro + family_note + _CAVEAT), children)]


def write_report(cmp: Comparison, out_dir: str | Path, title: str = "sianode compare") -> Path:
    """Write ``compare.html`` (ranks, neighbours, figures) and ``ranks.csv``/``neighbours.csv``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cmp.ranks.to_csv(out / "ranks.csv", index=False)
    cmp.neighbours.to_csv(out / "neighbours.csv", index=False)
    sections = report_sections(cmp.result)
    name = cmp.result.get("name", "result")
    return render(f"{title}: {name}", sections, out / "compare.html")
