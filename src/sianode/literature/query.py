"""Query the literature records (SQL on the embedded SQLite database).

>>> from sianode.literature import query
>>> df = query.records(family="porous", electrolyte="liquid", min_cycles=500)

Every filter is checked: an unknown filter name or a value outside the vocabulary
raises :class:`~sianode.errors.InputError` listing the valid ones. Results are tidy
DataFrames, one row per record, with the provenance columns (``seed``, ``location``,
``reference``, ``flag``, ``note``) always included.
"""
from __future__ import annotations

import difflib
from typing import Any

import pandas as pd

from sianode.errors import InputError
from sianode.literature.build import (
    CELLS, ELECTROLYTES, FAMILIES, SCHEMAS, SEEDS, SSE_CLASSES, connect,
)

# spellings people type -> family slug
FAMILY_ALIASES = {
    "porous-micro": "porous", "porous micro": "porous", "yolk–shell": "yolk-shell", "yolkshell": "yolk-shell",
    "core–shell": "core-shell", "coreshell": "core-shell", "cvd": "cvd-si-c", "cvd si-c": "cvd-si-c",
    "cvd si–c": "cvd-si-c", "sio": "siox", "sio_x": "siox", "si/graphite": "si-graphite", "si-g": "si-graphite",
    "nanowires": "nanowire", "thin film": "thin-film", "film": "thin-film", "alloys": "alloy", "nanoscale": "nano",
    # family tags of the design schema (sianode.design.schema)
    "porous_micro_si": "porous", "porous-micro-si": "porous",
}

# filter name -> (column, SQL operator) for numeric thresholds
_NUMERIC = {
    "min_cycles": ("cycles", ">="), "max_cycles": ("cycles", "<="),
    "min_capacity": ("capacity_mAh_g", ">="), "max_capacity": ("capacity_mAh_g", "<="),
    "min_retention": ("retention_pct", ">="), "min_ice": ("ice_pct", ">="),
    "min_loading": ("loading_mg_cm2", ">="), "min_areal_capacity": ("areal_capacity_mAh_cm2", ">="),
}
_CATEGORICAL = {
    "family": ("family", tuple(FAMILIES)),
    "electrolyte": ("electrolyte", ELECTROLYTES + ("unknown",)),
    "sse": ("sse_class", SSE_CLASSES),
    "cell": ("cell", CELLS),
    "seed": ("seed", SEEDS),
}
FILTERS = tuple(_CATEGORICAL) + tuple(_NUMERIC) + ("text", "flagged", "include_duplicates")

COLUMNS = [c.name for c in SCHEMAS["records"]]
PROVENANCE = ["seed", "location", "reference", "flag", "note"]
SUMMARY_COLUMNS = ["id", "material", "family", "electrolyte", "cell", "ice_pct", "capacity_mAh_g", "current_A_g",
                   "c_rate", "cycles", "retention_pct", "loading_mg_cm2", "areal_capacity_mAh_cm2", *PROVENANCE]


def valid_values() -> dict[str, tuple[str, ...]]:
    """Allowed values of each categorical filter."""
    return {k: v for k, (_, v) in _CATEGORICAL.items()}


def _categorical(name: str, value: Any) -> str:
    allowed = _CATEGORICAL[name][1]
    v = str(value).strip().lower()
    if name == "family":
        v = FAMILY_ALIASES.get(v, v)
        v = FAMILY_ALIASES.get(v.replace("_", "-"), v.replace("_", "-"))
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


def records(**filters: Any) -> pd.DataFrame:
    """Records matching all filters (AND), ordered by seed and id.

    Filters (all optional; ``None`` means not set):
    ``family``, ``electrolyte`` (``liquid|gel|solid|unknown``), ``sse`` (SSE class),
    ``cell`` (``half|full``), ``seed``; numeric thresholds ``min_cycles``, ``max_cycles``,
    ``min_capacity`` (mAh/g), ``max_capacity``, ``min_retention`` (%), ``min_ice`` (%),
    ``min_loading`` (mg/cm2), ``min_areal_capacity`` (mAh/cm2) — a record without the
    value does not pass a threshold; ``text`` (substring of material/route, case-insensitive);
    ``flagged`` (True: only records with a flag, False: only unflagged);
    ``include_duplicates`` (default True; False drops records that repeat another record).
    """
    unknown = [k for k in filters if k not in FILTERS]
    if unknown:
        raise InputError(f"unknown filter(s) {unknown}; valid filters: {', '.join(FILTERS)}", field=unknown[0])
    where, params = [], []
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
            col, op = _NUMERIC[name]
            where.append(f'"{col}" IS NOT NULL AND "{col}" {op} ?')
            params.append(_number(name, value))
        elif name == "text":
            where.append('(lower(material) LIKE ? OR lower(coalesce(route, \'\')) LIKE ?)')
            params += [f"%{str(value).lower()}%"] * 2
        elif name == "flagged":
            where.append("flag IS NOT NULL" if value else "flag IS NULL")
        elif name == "include_duplicates" and not value:
            where.append("duplicate_of IS NULL")
    sql = "SELECT * FROM records" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY seed, id"
    df = pd.read_sql_query(sql, connect(), params=params)
    return df.astype({"cycles": "Int64"})


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
