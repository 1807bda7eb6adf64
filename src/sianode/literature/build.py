"""Build the embedded SQLite literature database from the shipped CSV files.

The CSV files in ``sianode/literature/data/`` are the source of truth, reviewed like
code (one record per line, numbers as published next to normalised columns, provenance
on every line). At first use they are validated against :data:`SCHEMAS` and loaded into
an in-memory SQLite database (stdlib ``sqlite3``); :func:`build_database` can also write
the database to a file.

Tables
------
``records``            performance records (one measurement configuration each)
``anode_materials``    004 Table 1: density, lithiated phase, capacity, volume change, potential
``sse_classes``        004 Table 3 + §5.5: SSE classes, conductivity and modulus ranges
``solid_electrolytes`` 004 Table 3 rows: SSE materials and ionic conductivity
``synthesis_routes``   001 Table 2, 003 §2.1–2.5, 002: routes and architecture trade-offs
``industrial_targets`` 001 §1, §2.2, §4; 003 §2.4, §4.2–4.3; 004 §5; 000; 002: targets and benchmarks
"""
from __future__ import annotations

import csv
import functools
import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sianode.errors import InputError
from sianode.provenance import SEED_REVIEWS

DATA_DIR = Path(__file__).with_name("data")

SEEDS = ("000", "001", "002", "003", "004")
#: the five reviews/papers the records were read from (``seed``), cited as users should cite them
REVIEWS = SEED_REVIEWS
FAMILIES = {
    "nano": "nano-Si in a carbon or conductive matrix",
    "porous": "porous micro-/nano-Si (etched, magnesiothermic, templated)",
    "hollow": "hollow spheres, cubes and nanotubes",
    "yolk-shell": "yolk–shell and void-engineered Si/C",
    "core-shell": "Si particles with a conformal shell (carbon, polymer, oxide)",
    "cvd-si-c": "micro-sized CVD Si–C (silane co-pyrolysis in porous carbon)",
    "siox": "SiOx / SiO / SiOC based",
    "si-graphite": "Si on or in graphite",
    "alloy": "Si alloys and prelithiated LixSi, Mg2Si",
    "nanowire": "Si nanowires and nanowire assemblies",
    "thin-film": "films and wafers (sputtered, PVD, PECVD)",
    "micro": "micron-sized Si particles (binder/electrolyte/process studies)",
    "graphite": "graphite reference",
    "other": "Si anode of unspecified structure (binder, electrolyte, prelithiation studies)",
}
ELECTROLYTES = ("liquid", "gel", "solid")
SSE_CLASSES = ("oxide", "sulfide", "polymer", "composite", "hydride", "halide")
#: half: vs Li metal; full: one cell with a cathode; pack: module/pack/storage system of full cells
CELLS = ("half", "full", "pack")
#: what a stored value measures: cycling (charge–discharge) or calendar (storage) ageing
METRIC_KINDS = ("cycling", "calendar")
#: when a specific capacity was measured (per value: ``capacity_basis``, ``cell_capacity_basis``)
CAPACITY_BASES = {
    "after_cycling": "capacity at the end of the stated number of cycles",
    "reversible": "reversible (delithiation) capacity with no cycle stated, or of an early cycle",
    "first_charge": "first-cycle charge (delithiation in a half cell): the first reversible capacity",
    "first_discharge": "first-cycle discharge (lithiation in a half cell), includes the irreversible loss",
    "initial": "'initial' capacity, direction (lithiation or delithiation) not stated",
}
FLAGS = {
    "misaligned": "table row misaligned in the seed; likely reading in the note",
    "ocr": "OCR damage in the seed",
    "seeds-disagree": "two seeds (or a seed table and its text) give different values",
    "internal-disagree": "one seed gives different values in two places",
    "unit-suspect": "printed unit is implausible; likely unit in the note",
    "ambiguous": "attribution or meaning ambiguous in the seed",
    "typo": "obvious typo in the seed",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text | real | int
    required: bool = False
    allowed: tuple[str, ...] | None = None
    lo: float | None = None
    hi: float | None = None

    @property
    def sql_type(self) -> str:
        return {"text": "TEXT", "real": "REAL", "int": "INTEGER"}[self.kind]


def _t(name, **kw):
    return Column(name, "text", **kw)


def _r(name, lo=None, hi=None):
    return Column(name, "real", lo=lo, hi=hi)


_PROV = [_t("seed", required=True, allowed=SEEDS), _t("location", required=True)]

SCHEMAS: dict[str, list[Column]] = {
    "records": [
        _t("id", required=True), _t("group"), *_PROV, _t("material", required=True), _t("material_as_printed"),
        _t("family", required=True, allowed=tuple(FAMILIES)), _t("route"),
        _t("electrolyte", allowed=ELECTROLYTES), _t("electrolyte_basis", allowed=("stated", "section")),
        _t("sse_class", allowed=SSE_CLASSES), _t("electrolyte_detail"), _t("cell", allowed=CELLS),
        _t("prelithiated", allowed=("yes",)), _t("cathode"), _r("temperature_C", -60, 200),
        _t("metric_kind", required=True, allowed=METRIC_KINDS), _t("ice_text"), _r("ice_pct", 0, 100),
        _t("performance_text"), _t("capacity_basis", allowed=tuple(CAPACITY_BASES)), _r("capacity_mAh_g", 0, 4200),
        _t("cell_capacity_basis", allowed=tuple(CAPACITY_BASES)), _r("cell_capacity_mAh_g", 0, 400),
        _r("current_A_g", 0, 100), _r("c_rate", 0, 100), _r("current_mA_cm2", 0, 100),
        Column("cycles", "int", lo=1, hi=100000), _r("retention_pct", 0, 100),
        _r("areal_capacity_mAh_cm2", 0, 100), _r("volumetric_capacity_mAh_cm3", 0, 9800),
        _t("loading_text"), _r("loading_mg_cm2", 0, 100), _t("rate_text"), _r("rate_capacity_mAh_g", 0, 4200),
        _r("rate_current_A_g", 0, 100), _r("rate_c_rate", 0, 100), _r("rate_current_mA_cm2", 0, 100),
        _r("rate_retention_pct", 0, 100), _t("energy_text"), _r("energy_density_Wh_kg", 0, 3000),
        _r("energy_density_Wh_L", 0, 5000), _t("bounds"), _t("reference"), _t("citation"), _t("duplicate_of"),
        _t("duplicate_values"), _t("flag"), _t("note"),
    ],
    "anode_materials": [
        _t("id", required=True), _t("material", required=True), _r("density_g_cm3", 0, 30), _t("lithiated_phase"),
        _r("theoretical_capacity_mAh_g", 0, 5000), _r("volume_change_pct", 0, 1000), _r("potential_V_vs_Li", 0, 5),
        *_PROV, _t("flag"), _t("note"),
    ],
    "sse_classes": [
        _t("id", required=True), _t("sse_class", required=True, allowed=SSE_CLASSES), _t("advantages"),
        _t("limitations"), _t("ionic_conductivity_text"), _r("ionic_conductivity_min_S_cm", 0, 1),
        _r("ionic_conductivity_max_S_cm", 0, 1), _t("youngs_modulus_text"), _r("youngs_modulus_min_GPa", 0, 1000),
        _r("youngs_modulus_max_GPa", 0, 1000), _t("suitability"), *_PROV, _t("flag"), _t("note"),
    ],
    "solid_electrolytes": [
        _t("id", required=True), _t("sse_class", required=True, allowed=SSE_CLASSES), _t("material", required=True),
        _t("material_as_printed"), _t("ionic_conductivity_text", required=True), _r("ionic_conductivity_S_cm", 0, 1),
        _t("ref"), *_PROV, _t("flag"), _t("note"),
    ],
    "synthesis_routes": [
        _t("id", required=True), _t("route", required=True), _t("kind", required=True, allowed=("synthesis", "architecture")),
        _t("advantages"), _t("technical_disadvantages"), _t("enterprise_challenges"), *_PROV, _t("flag"), _t("note"),
    ],
    "industrial_targets": [
        _t("id", required=True), _t("quantity", required=True),
        _t("comparator", required=True, allowed=(">", ">=", "<", "<=", "=", "≈", "range")),
        Column("value", "real", required=True), _r("value_max"), _t("unit"), _t("context"), _t("text", required=True),
        *_PROV, _t("flag"), _t("note"),
    ],
}


def csv_path(table: str) -> Path:
    return DATA_DIR / f"{table}.csv"


def _convert(col: Column, raw: str, where: str):
    raw = raw.strip()
    if raw == "":
        if col.required:
            raise InputError(f"column {col.name!r} is required but empty", field=where)
        return None
    if col.kind == "text":
        if col.allowed is not None:
            parts = raw.split(";") if col.name == "flag" else [raw]
            for p in parts:
                if p not in col.allowed:
                    raise InputError(f"{col.name}={p!r} not allowed; allowed: {', '.join(col.allowed)}", field=where)
        return raw
    try:
        v = float(raw)
    except ValueError:
        raise InputError(f"column {col.name!r} must be a number, got {raw!r}", field=where) from None
    if not math.isfinite(v):
        raise InputError(f"column {col.name!r} must be finite, got {raw!r}", field=where)
    if col.kind == "int":
        if v != int(v):
            raise InputError(f"column {col.name!r} must be an integer, got {raw!r}", field=where)
        v = int(v)
    if (col.lo is not None and v < col.lo) or (col.hi is not None and v > col.hi):
        raise InputError(f"column {col.name!r}={v} outside the physical range [{col.lo}, {col.hi}]", field=where)
    return v


def read_table(table: str, path: Path | None = None, *, as_printed: bool = False) -> list[dict]:
    """Read and validate one CSV table; returns typed rows (None for empty cells).

    Raises :class:`InputError` naming file, line and column for any violation: missing or
    extra header columns, empty required cells, values outside the allowed vocabulary or
    physical range, duplicate ids, dangling ``duplicate_of`` links.
    """
    if table not in SCHEMAS:
        raise InputError(f"unknown table {table!r}; tables: {', '.join(SCHEMAS)}", field="table")
    path = Path(path) if path else csv_path(table)
    cols = SCHEMAS[table]
    names = [c.name for c in cols]
    try:
        fh = open(path, newline="", encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot read literature data: {e}", field=str(path)) from None
    with fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        if header != names:
            missing = [n for n in names if n not in header]
            extra = [n for n in header if n not in names]
            raise InputError(f"header does not match schema {table!r}: missing {missing}, unexpected {extra}"
                             + ("" if missing or extra else " (column order differs)"), field=str(path))
        rows = []
        for i, raw in enumerate(reader, start=2):
            if None in raw:
                raise InputError("row has more cells than the header", field=f"{path}:{i}")
            typed = {c.name: _convert(c, raw[c.name] or "", f"{path}:{i}:{c.name}") for c in cols}
            rows.append({c.name: (raw[c.name].strip() or None) for c in cols} if as_printed else typed)
    ids = [r["id"] for r in rows]
    dup = sorted({x for x in ids if ids.count(x) > 1})
    if dup:
        raise InputError(f"duplicate ids {dup}", field=str(path))
    if table == "records" and not as_printed:
        _check_records(rows, path)
    return rows


#: numeric columns of the records table that hold a published value (each has a text source)
VALUE_COLUMNS = ("ice_pct", "capacity_mAh_g", "cell_capacity_mAh_g", "current_A_g", "c_rate", "current_mA_cm2",
                 "cycles", "retention_pct", "areal_capacity_mAh_cm2", "volumetric_capacity_mAh_cm3",
                 "loading_mg_cm2", "rate_capacity_mAh_g", "rate_current_A_g", "rate_c_rate", "rate_current_mA_cm2",
                 "rate_retention_pct", "energy_density_Wh_kg", "energy_density_Wh_L")
BOUND_OPS = (">", "≥", "<", "≤", "≈")


def parse_bounds(text: str | None, where: str = "bounds") -> dict[str, tuple[str, float | None]]:
    """Parse the ``bounds`` cell of a record: ``"retention_pct >; loading_mg_cm2 range 0.8"``.

    Returns ``{column: (op, high)}`` with ``op`` one of ``> ≥ < ≤ ≈`` or ``range`` (the
    column holds the low end, ``high`` the high end; ``high`` is None otherwise).
    """
    out: dict[str, tuple[str, float | None]] = {}
    for item in filter(None, (x.strip() for x in (text or "").split(";"))):
        parts = item.split()
        col = parts[0]
        if col in out:
            raise InputError(f"column {col!r} given twice in bounds", field=where)
        if col not in VALUE_COLUMNS:
            raise InputError(f"bounds names unknown column {col!r}; value columns: {', '.join(VALUE_COLUMNS)}",
                             field=where)
        if len(parts) == 2 and parts[1] in BOUND_OPS:
            out[col] = (parts[1], None)
        elif len(parts) == 3 and parts[1] == "range":
            try:
                out[col] = ("range", float(parts[2]))
            except ValueError:
                raise InputError(f"range high end {parts[2]!r} of {col} is not a number", field=where) from None
        else:
            raise InputError(f"bounds item {item!r} must be 'COLUMN OP' (OP one of {' '.join(BOUND_OPS)}) "
                             "or 'COLUMN range HIGH'", field=where)
    return out


def _check_records(rows: list[dict], path: Path) -> None:
    ids = {r["id"] for r in rows}
    for i, r in enumerate(rows, start=2):
        where = f"{path}:{i}"
        if r["duplicate_of"] and r["duplicate_of"] not in ids:
            raise InputError(f"duplicate_of={r['duplicate_of']!r} names no record", field=where + ":duplicate_of")
        if r["duplicate_of"] == r["id"]:
            raise InputError("a record cannot duplicate itself", field=where + ":duplicate_of")
        if r["duplicate_values"] and not r["duplicate_of"]:
            raise InputError("duplicate_values needs duplicate_of", field=where + ":duplicate_values")
        for col in (r["duplicate_values"] or "").split(";"):
            if col and (col not in VALUE_COLUMNS or r[col] is None):
                raise InputError(f"duplicate_values names {col!r}, which is not a value of this record",
                                 field=where + ":duplicate_values")
        if (r["electrolyte"] is None) != (r["electrolyte_basis"] is None):
            raise InputError("electrolyte and electrolyte_basis must be given together", field=where)
        if r["sse_class"] and r["electrolyte"] != "solid":
            raise InputError("sse_class is only allowed with electrolyte=solid", field=where + ":sse_class")
        for value, basis in (("capacity_mAh_g", "capacity_basis"), ("cell_capacity_mAh_g", "cell_capacity_basis")):
            if (r[value] is None) != (r[basis] is None):
                raise InputError(f"{value} and {basis} must be given together", field=where)
        if r["cell_capacity_mAh_g"] is not None and r["cell"] not in ("full", "pack"):
            raise InputError("cell_capacity_mAh_g is a full-cell capacity; cell must be full or pack",
                             field=where + ":cell")
        for col, (op, high) in parse_bounds(r["bounds"], where + ":bounds").items():
            if r[col] is None:
                raise InputError(f"bounds qualifies {col}, which has no value", field=where + ":bounds")
            if op == "range" and not high > r[col]:
                raise InputError(f"range of {col} must end above its low end {r[col]}", field=where + ":bounds")


def _create(conn: sqlite3.Connection, table: str, rows: list[dict]) -> None:
    cols = SCHEMAS[table]
    ddl = ", ".join(f'"{c.name}" {c.sql_type}' + (" PRIMARY KEY" if c.name == "id" else "") for c in cols)
    conn.execute(f'CREATE TABLE "{table}" ({ddl})')
    marks = ", ".join("?" for _ in cols)
    conn.executemany(f'INSERT INTO "{table}" VALUES ({marks})', [tuple(r[c.name] for c in cols) for r in rows])


def build_database(path: str | Path = ":memory:", data_dir: Path | None = None) -> sqlite3.Connection:
    """Validate every CSV and load it into a SQLite database at ``path`` (default in memory).

    An existing file at ``path`` is replaced. Returns the open connection.
    """
    if str(path) != ":memory:":
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.exists():
            p.unlink()
    conn = sqlite3.connect(str(path), check_same_thread=False)
    for table in SCHEMAS:
        rows = read_table(table, (Path(data_dir) / f"{table}.csv") if data_dir else None)
        _create(conn, table, rows)
    # the records' numbers as printed (text), for display with the published precision
    printed = read_table("records", (Path(data_dir) / "records.csv") if data_dir else None, as_printed=True)
    conn.execute('CREATE TABLE records_printed (id TEXT, "column" TEXT, text TEXT)')
    conn.executemany("INSERT INTO records_printed VALUES (?, ?, ?)",
                     [(r["id"], c, r[c]) for r in printed for c in VALUE_COLUMNS if r[c] is not None])
    conn.execute('CREATE INDEX idx_records_family ON records(family)')
    conn.commit()
    return conn


@functools.lru_cache(maxsize=1)
def connect() -> sqlite3.Connection:
    """The package's literature database (built in memory from the CSVs at first use)."""
    return build_database()
