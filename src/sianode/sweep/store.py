"""Results of a sweep on disk: ``DIR/results.parquet``, a Parquet dataset written one chunk at a time.

Each finished chunk of designs becomes one part file (``results.parquet/part-*.parquet``), written to a
temporary name and renamed, so an interrupted sweep leaves only whole parts behind and a resumed sweep
skips every design whose ``design_hash`` is already stored. When the sweep ends the parts are given one
common schema (a column missing from a part -- e.g. the solid-state keys -- becomes null), one part at a
time (bounded memory), so ``pandas.read_parquet("DIR/results.parquet")`` reads the whole table.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

RESULTS = "results.parquet"
FIRST_COLUMNS = ["design_index", "design_hash", "status", "message"]


def results_dir(out_dir: Path) -> Path:
    return Path(out_dir) / RESULTS


def parts(out_dir: Path) -> list[Path]:
    d = results_dir(out_dir)
    return sorted(d.glob("part-*.parquet")) if d.is_dir() else []


def table(rows: list[dict]) -> pa.Table:
    """A chunk's result rows as an Arrow table (:func:`table_of_columns`; a value missing from a row is null)."""
    names = dict.fromkeys(k for r in rows for k in r)  # every column, in the order of first appearance
    return table_of_columns({c: [r.get(c) for r in rows] for c in names})


def table_of_columns(columns: dict[str, list]) -> pa.Table:
    """Result columns (name -> one value per design) as an Arrow table: the leading columns first, then the inputs
    (sorted), then the rest in the given order; None and NaN are null; a column of ints with nulls is float (as
    pandas would make it); a column of mixed types is kept as text (nulls stay null)."""
    lead = [c for c in FIRST_COLUMNS if c in columns] + sorted(c for c in columns if c.startswith("input."))
    order = lead + [c for c in columns if c not in set(lead)]
    return pa.Table.from_arrays([_column(columns[c]) for c in order], names=order)


def _column(values: list) -> pa.Array:
    try:
        a = pa.array(values, from_pandas=True)  # from_pandas: NaN is null, as None is
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types in one column: keep them as text
        return pa.array([None if v is None or v != v else str(v) for v in values], type=pa.string())
    if pa.types.is_integer(a.type) and a.null_count:
        a = a.cast(pa.float64())
    return a


def write_part(out_dir: Path, rows: list[dict] | pa.Table) -> Path:
    """Write one chunk of result rows (or their :func:`table`) as a new part (atomic: temporary file, then
    rename)."""
    d = results_dir(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    t = rows if isinstance(rows, pa.Table) else table(rows)
    first = min(t.column("design_index").to_pylist())
    path = d / f"part-{first:09d}-{uuid.uuid4().hex[:8]}.parquet"
    tmp = d / f".tmp-{path.name}"
    pq.write_table(t, tmp)
    os.replace(tmp, path)
    return path


def done_hashes(out_dir: Path) -> set[str]:
    """Design hashes already stored (reads only that column of each part)."""
    for t in results_dir(out_dir).glob(".tmp-*"):  # left by a process killed while writing
        t.unlink(missing_ok=True)
    out: set[str] = set()
    for p in parts(out_dir):
        out.update(pq.read_table(p, columns=["design_hash"]).column(0).to_pylist())
    return out


def unify(out_dir: Path) -> None:
    """Give every part the same schema (union of columns; conflicting types become text)."""
    ps = parts(out_dir)
    if len(ps) < 2:
        return
    schemas = [pq.read_schema(p) for p in ps]
    types: dict[str, pa.DataType] = {}
    order: list[str] = []
    for s in schemas:
        for f in s:
            if f.name not in types:
                types[f.name] = f.type
                order.append(f.name)
            elif types[f.name] != f.type:
                a, b = types[f.name], f.type
                if pa.types.is_null(a):
                    types[f.name] = b
                elif pa.types.is_null(b):
                    pass
                elif pa.types.is_floating(a) and pa.types.is_integer(b) or pa.types.is_integer(a) and pa.types.is_floating(b):
                    types[f.name] = pa.float64()
                else:
                    types[f.name] = pa.string()
    lead = [c for c in FIRST_COLUMNS if c in types] + sorted(c for c in order if c.startswith("input."))
    order = lead + [c for c in order if c not in lead]
    target = pa.schema([pa.field(c, types[c]) for c in order])
    for p, s in zip(ps, schemas):
        if s.equals(target):
            continue
        t = pq.read_table(p)
        cols = []
        for f in target:
            if f.name in t.column_names:
                col = t.column(f.name)
                if col.type != f.type:
                    col = (pa.array([None if v is None else str(v) for v in col.to_pylist()], type=pa.string())
                           if pa.types.is_string(f.type) else col.cast(f.type))
            else:
                col = pa.nulls(t.num_rows, type=f.type)
            cols.append(col)
        tmp = p.with_name(f".tmp-{p.name}")
        pq.write_table(pa.Table.from_arrays(cols, schema=target), tmp)
        os.replace(tmp, p)


def read_results(out_dir: Path) -> pd.DataFrame:
    """The whole results table, sorted by design index."""
    ps = parts(out_dir)
    if not ps:
        return pd.DataFrame(columns=FIRST_COLUMNS)
    df = pd.concat([pd.read_parquet(p) for p in ps], ignore_index=True)
    return df.sort_values("design_index", kind="stable").reset_index(drop=True)
