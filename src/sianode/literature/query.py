"""Query the literature records (SQL on the embedded SQLite database).

>>> from sianode.literature import query
>>> df = query.records(family="porous", electrolyte="liquid", min_cycles=500)

Every filter is checked: an unknown filter name or a value outside the vocabulary
raises :class:`~sianode.errors.InputError` listing the valid ones. Results are tidy
DataFrames, one row per record, with the provenance columns (``seed``, ``location``,
``reference``, ``citation``, ``flag``, ``note``) always included.

Thresholds respect how a value was published (the ``bounds`` column): a value printed as
"over 1500" passes ``min_capacity=1000`` (it is certainly above), one printed as "less
than 1000" never passes a minimum and one printed as a range passes a minimum only with
its low end and a maximum only with its high end. Values printed as approximate ("≈")
count as values.
"""
from __future__ import annotations

import difflib
import math
from typing import Any

import pandas as pd

from sianode.errors import InputError
from sianode.literature.build import (
    CAPACITY_BASES, CELLS, ELECTROLYTES, FAMILIES, METRIC_KINDS, REVIEWS, SCHEMAS, SEEDS, SSE_CLASSES,
    VALUE_COLUMNS, connect, parse_bounds,
)
from sianode.provenance import SEED_REVIEWS_SHORT as _REVIEW_SHORT

# spellings people type -> family slug
FAMILY_ALIASES = {
    "porous-micro": "porous", "porous micro": "porous", "yolk–shell": "yolk-shell", "yolkshell": "yolk-shell",
    "core–shell": "core-shell", "coreshell": "core-shell", "cvd": "cvd-si-c", "cvd si-c": "cvd-si-c",
    "cvd si–c": "cvd-si-c", "sio": "siox", "sio_x": "siox", "si/graphite": "si-graphite", "si-g": "si-graphite",
    "nanowires": "nanowire", "thin film": "thin-film", "film": "thin-film", "alloys": "alloy", "nanoscale": "nano",
    # family tags of the design schema (sianode.design.schema)
    "porous_micro_si": "porous", "porous-micro-si": "porous",
}

# filter name -> (column, "min" | "max") for numeric thresholds
_NUMERIC = {
    "min_cycles": ("cycles", "min"), "max_cycles": ("cycles", "max"),
    "min_capacity": ("capacity_mAh_g", "min"), "max_capacity": ("capacity_mAh_g", "max"),
    "min_retention": ("retention_pct", "min"), "min_ice": ("ice_pct", "min"),
    "min_loading": ("loading_mg_cm2", "min"), "min_areal_capacity": ("areal_capacity_mAh_cm2", "min"),
}
_CATEGORICAL = {
    "family": ("family", tuple(FAMILIES)),
    "electrolyte": ("electrolyte", ELECTROLYTES + ("unknown",)),
    "sse": ("sse_class", SSE_CLASSES),
    "cell": ("cell", CELLS),
    "seed": ("seed", SEEDS),
    "metric_kind": ("metric_kind", METRIC_KINDS),
    "capacity_basis": ("capacity_basis", tuple(CAPACITY_BASES)),
}
FILTERS = tuple(_CATEGORICAL) + tuple(_NUMERIC) + ("text", "cathode", "prelithiated", "flagged",
                                                   "include_duplicates")

#: sort keys of :func:`sort_records` -> column (largest first)
SORT_KEYS = {
    "capacity": "capacity_mAh_g", "cell-capacity": "cell_capacity_mAh_g", "retention": "retention_pct",
    "cycles": "cycles", "ice": "ice_pct", "loading": "loading_mg_cm2", "areal-capacity": "areal_capacity_mAh_cm2",
    "rate-capacity": "rate_capacity_mAh_g", "energy": "energy_density_Wh_kg", "id": "id",
}

COLUMNS = [c.name for c in SCHEMAS["records"]]
PROVENANCE = ["seed", "location", "reference", "citation", "flag", "note"]
SUMMARY_COLUMNS = ["id", "material", "family", "electrolyte", "cell", "ice_pct", "capacity_mAh_g", "capacity_basis",
                   "current_A_g", "c_rate", "cycles", "retention_pct", "loading_mg_cm2", "areal_capacity_mAh_cm2",
                   *PROVENANCE]


def valid_values() -> dict[str, tuple[str, ...]]:
    """Allowed values of each categorical filter."""
    return {k: v for k, (_, v) in _CATEGORICAL.items()}


def _categorical(name: str, value: Any) -> str:
    allowed = _CATEGORICAL[name][1]
    v = str(value).strip().lower()
    if name == "family":
        v = FAMILY_ALIASES.get(v, v)
        v = FAMILY_ALIASES.get(v.replace("_", "-"), v.replace("_", "-"))
    if name == "capacity_basis":
        v = v.replace("-", "_")
    if name == "seed":
        v = v.zfill(3)
    if v not in allowed:
        hint = difflib.get_close_matches(v, allowed, n=1)
        raise InputError(f"unknown {name} {value!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
                         + f"; valid values: {', '.join(allowed)}", field=name)
    return v


def _number(name: str, value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, got {value!r}", field=name) from None
    if v != v or v < 0:
        raise InputError(f"{name} must be a non-negative number, got {value!r}", field=name)
    return v


def bounds_of(df: pd.DataFrame) -> pd.Series:
    """Parsed ``bounds`` of each record: ``{column: (op, high)}``."""
    return df["bounds"].map(lambda b: parse_bounds(b if isinstance(b, str) else None))


def passes(value: float, bound: tuple[str, float | None] | None, threshold: float, side: str) -> bool:
    """Whether a published value (with its qualifier) is certainly ``>= threshold`` (``side="min"``)
    or ``<= threshold`` (``side="max"``)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return False
    op, high = bound or (None, None)
    if side == "min":
        return op not in ("<", "≤") and value >= threshold
    if op == "range":
        return high <= threshold
    return op not in (">", "≥") and value <= threshold


def records(**filters: Any) -> pd.DataFrame:
    """Records matching all filters (AND), ordered by seed and id.

    Filters (all optional; ``None`` means not set):
    ``family``, ``electrolyte`` (``liquid|gel|solid|unknown``), ``sse`` (SSE class),
    ``cell`` (``half|full|pack``), ``seed``, ``metric_kind`` (``cycling|calendar``),
    ``capacity_basis``; ``cathode`` (substring, e.g. ``NCM``, ``LFP``); ``prelithiated``
    (True/False); numeric thresholds ``min_cycles``, ``max_cycles``, ``min_capacity``
    (mAh/g), ``max_capacity``, ``min_retention`` (%), ``min_ice`` (%), ``min_loading``
    (mg/cm2), ``min_areal_capacity`` (mAh/cm2) — a record without the value does not pass,
    and bounds are respected (module docstring); ``text`` (substring of material/route,
    case-insensitive); ``flagged`` (True: only records with a flag, False: only unflagged);
    ``include_duplicates`` (default True; False drops records that wholly repeat another).
    """
    unknown = [k for k in filters if k not in FILTERS]
    if unknown:
        raise InputError(f"unknown filter(s) {unknown}; valid filters: {', '.join(FILTERS)}", field=unknown[0])
    where, params, numeric = [], [], []
    for name, value in filters.items():
        if value is None:
            continue
        if name in _CATEGORICAL:
            col = _CATEGORICAL[name][0]
            v = _categorical(name, value)
            if name == "electrolyte" and v == "unknown":
                where.append(f'"{col}" IS NULL')
            else:
                where.append(f'"{col}" = ?')
                params.append(v)
        elif name in _NUMERIC:
            numeric.append((*_NUMERIC[name], _number(name, value)))
        elif name == "text":
            where.append('(lower(material) LIKE ? OR lower(coalesce(route, \'\')) LIKE ?)')
            params += [f"%{str(value).lower()}%"] * 2
        elif name == "cathode":
            where.append("lower(coalesce(cathode, '')) LIKE ?")
            params.append(f"%{str(value).strip().lower()}%")
        elif name == "prelithiated":
            where.append("prelithiated IS NOT NULL" if value else "prelithiated IS NULL")
        elif name == "flagged":
            where.append("flag IS NOT NULL" if value else "flag IS NULL")
        elif name == "include_duplicates" and not value:
            where.append("NOT (duplicate_of IS NOT NULL AND duplicate_values IS NULL)")
    sql = "SELECT * FROM records" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY seed, id"
    df = pd.read_sql_query(sql, connect(), params=params)
    if numeric and len(df):
        b = bounds_of(df)
        keep = pd.Series(True, index=df.index)
        for col, side, t in numeric:
            keep &= pd.Series([passes(v, bb.get(col), t, side) for v, bb in zip(df[col], b)], index=df.index)
        df = df[keep].reset_index(drop=True)
    return df.astype({"cycles": "Int64"})


def sort_records(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """Records sorted by ``key`` (a key of :data:`SORT_KEYS`): largest first, records without the
    value last; ``id`` sorts alphabetically."""
    if key not in SORT_KEYS:
        hint = difflib.get_close_matches(key, SORT_KEYS, n=1)
        raise InputError(f"unknown sort key {key!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
                         + f"; valid keys: {', '.join(SORT_KEYS)}", field="sort")
    col = SORT_KEYS[key]
    return df.sort_values([col, "id"], ascending=[col == "id", True], na_position="last",
                          kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------ values as printed
def _printed_texts(ids) -> dict[tuple[str, str], str]:
    ids = list(ids)
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = connect().execute(f'SELECT id, "column", text FROM records_printed WHERE id IN ({marks})', ids)
    return {(i, c): t for i, c, t in rows}


def _bounds_as_printed(text) -> dict[str, tuple[str, str | None]]:
    """``{column: (op, high end as printed)}`` of a ``bounds`` cell (validated by parse_bounds)."""
    out = {}
    if isinstance(text, str):
        parse_bounds(text)
        for item in filter(None, (x.strip() for x in text.split(";"))):
            parts = item.split()
            out[parts[0]] = (parts[1], parts[2] if len(parts) == 3 else None)
    return out


def display(text: str | None, bound: tuple[str, float | str | None] | None) -> str:
    """A stored number as published: its printed digits with the printed qualifier
    (``">80"``, ``"≈476"``, ``"0.6–0.8"``)."""
    if text is None:
        return ""
    op, high = bound or (None, None)
    if op == "range":
        return f"{text}–{high if isinstance(high, str) else format(high, 'g')}"
    return f"{op}{text}" if op else text


def as_printed(df: pd.DataFrame) -> pd.DataFrame:
    """The value columns of ``df`` as display strings (published digits and qualifiers)."""
    texts = _printed_texts(df["id"])
    b = df["bounds"].map(_bounds_as_printed)
    out = pd.DataFrame(index=df.index)
    for col in VALUE_COLUMNS:
        if col in df:
            out[col] = [display(texts.get((i, col)), bb.get(col)) for i, bb in zip(df["id"], b)]
    return out


def values_as_printed(record: dict) -> dict[str, str]:
    """``{column: display string}`` of one record's values (see :func:`display`)."""
    texts = _printed_texts([record["id"]])
    b = _bounds_as_printed(record.get("bounds"))
    return {c: display(texts[(record["id"], c)], b.get(c)) for c in VALUE_COLUMNS if (record["id"], c) in texts}


def source(record: dict) -> str:
    """Who published a record, for users: the study (authors, journal, year) and the review
    quoting it with the place (``"Wang et al., Energy Storage Mater. 2020; quoted in He et al.,
    Adv. Sci. 2025, Table 1 row 1"``)."""
    review = REVIEWS.get(record.get("seed") or "", "")
    where = f"{review}, {record.get('location')}" if review else str(record.get("location"))
    cit = record.get("citation")
    if not cit or (isinstance(cit, float) and math.isnan(cit)):
        return where
    if record.get("seed") == "002":  # the seed is itself the study
        return f"{cit}, {record.get('location')}"
    return f"{cit}; quoted in {where}"


def short_source(record: dict) -> str:
    """The study (authors, journal, year) if known, else the review that reports the record."""
    cit = record.get("citation")
    if isinstance(cit, str) and cit:
        return cit
    return f"in {_REVIEW_SHORT.get(record.get('seed') or '', '?')}"


def show(record_id: str) -> dict:
    """One record as an ordered dict of all columns (InputError with suggestions if unknown)."""
    row = connect().execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        ids = [r[0] for r in connect().execute("SELECT id FROM records")]
        near = difflib.get_close_matches(record_id, ids, n=5, cutoff=0.5)
        raise InputError(f"no record with id {record_id!r}" + (f"; close ids: {', '.join(near)}" if near else "")
                         + "; list ids with `sianode literature query`", field="id")
    return dict(zip(COLUMNS, row))


def table(name: str) -> pd.DataFrame:
    """A property table: ``anode_materials``, ``sse_classes``, ``solid_electrolytes``,
    ``synthesis_routes`` or ``industrial_targets`` (or ``records``)."""
    if name not in SCHEMAS:
        raise InputError(f"unknown table {name!r}; tables: {', '.join(SCHEMAS)}", field="table")
    return pd.read_sql_query(f'SELECT * FROM "{name}"', connect())
