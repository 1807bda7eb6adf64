"""CLI for the literature knowledge base (mounted by ``sianode.cli``).

* ``literature_app`` — ``sianode literature query|show|table``
* :func:`compare` — ``sianode compare RESULT [-o DIR]``

Output convention: a short table of the key results with units (or, with ``--format json``,
JSON only on stdout), then where any files went.
"""
from __future__ import annotations

import json
import math
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sianode.errors import InputError, SolverError
from sianode.provenance import SEED_REVIEWS, SEED_REVIEWS_SHORT

console = Console()
err_console = Console(stderr=True)

literature_app = typer.Typer(
    help="Published Si-anode records read from five reviews and papers (He et al., Adv. Sci. 2025; Liu et al., "
         "Nano-Micro Lett. 2025; Zhang et al., RSC Adv. 2025; an Energy Environ. Sci. 2025 perspective on CVD Si–C; "
         "Zhang et al., porous-Si review): query, show, property tables.",
    no_args_is_help=True,
)
from sianode.clitools import DEFAULT_OUT_ROOT as DEFAULT_OUT  # noqa: E402


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


#: ``--source-review`` choices: a short name for each of the five sources of the records -> its id (``seed``).
_REVIEW_SEED = {"ees-2025": "000", "he-2025": "001", "liu-2025": "002", "zhang-porous-si": "003",
                "zhang-rsc-2025": "004"}
SourceReview = Enum("SourceReview", {k.replace("-", "_"): k for k in _REVIEW_SEED}, type=str)


class ShowFormat(str, Enum):
    table = "table"
    json = "json"


def _fail(e: Exception) -> None:
    err_console.print(f"[bold red]error:[/bold red] {escape(str(e))}")
    raise typer.Exit(2 if isinstance(e, InputError) else 1)


def _fmt(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float):
        from sianode.literature.compare import fmt
        return fmt(v)
    return str(v)


def _jsonable(v):
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if v is None or v is pd.NA or (isinstance(v, float) and not math.isfinite(v)):
        return None
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def _json_out(obj) -> None:
    sys.stdout.write(json.dumps(_jsonable(obj), ensure_ascii=False, indent=1) + "\n")


def _records_json(df: pd.DataFrame) -> list[dict]:
    """Records as dicts: every column, plus the values as printed and who published them."""
    from sianode.literature import query

    printed = query.as_printed(df)
    out = []
    for i, rec in df.iterrows():
        d = {k: _jsonable(v) for k, v in rec.items()}
        d["values_as_printed"] = {c: s for c, s in printed.loc[i].items() if s}
        d["source"] = query.source(rec.to_dict())
        out.append(d)
    return out


# ------------------------------------------------------------------ query
def _rate(rec) -> str:
    """The current of a record as published: A/g, C-rate or mA/cm2."""
    parts = []
    for col, unit in (("current_A_g", "A/g"), ("c_rate", "C"), ("current_mA_cm2", "mA/cm²")):
        if rec[col]:
            parts.append(f"{rec[col]} {unit}" if unit != "C" else f"{rec[col]}C")
    return ", ".join(parts)


_BASIS_SHORT = {"after_cycling": "after cyc.", "reversible": "reversible", "first_charge": "1st charge",
                "first_discharge": "1st disch.", "initial": "initial"}


@literature_app.command("query")
def query_cmd(
    family: Annotated[Optional[str], typer.Option(help="Structure family, e.g. porous, nano, siox, cvd-si-c.")] = None,
    electrolyte: Annotated[Optional[str], typer.Option(help="liquid, gel, solid or unknown.")] = None,
    sse: Annotated[Optional[str], typer.Option(help="SSE class: oxide, sulfide, polymer, composite, hydride, "
                                                    "halide.")] = None,
    cell: Annotated[Optional[str], typer.Option(help="half, full or pack.")] = None,
    cathode: Annotated[Optional[str], typer.Option(help="Cathode name contains this, e.g. NCM, LFP, LiCoO2.")] = None,
    source_review: Annotated[Optional[SourceReview], typer.Option(
        "--source-review", case_sensitive=False,
        help="Only records read from this review or paper: " + "; ".join(
            f"{r.value} = {SEED_REVIEWS[_REVIEW_SEED[r.value]]}" for r in SourceReview) + ".")] = None,
    metric_kind: Annotated[Optional[str], typer.Option(help="cycling or calendar.")] = None,
    basis: Annotated[Optional[str], typer.Option(help="Capacity basis: after_cycling, reversible, first_charge, "
                                                      "first_discharge, initial.")] = None,
    prelithiated: Annotated[Optional[bool], typer.Option("--prelithiated/--not-prelithiated",
                                                         help="Only prelithiated / only not prelithiated anodes.")]
    = None,
    min_cycles: Annotated[Optional[int], typer.Option(help="At least this many cycles.")] = None,
    max_cycles: Annotated[Optional[int], typer.Option(help="At most this many cycles.")] = None,
    min_capacity: Annotated[Optional[float], typer.Option(help="Anode specific capacity at least (mAh/g); "
                                                               "'less than' values never pass.")] = None,
    max_capacity: Annotated[Optional[float], typer.Option(help="Anode specific capacity at most (mAh/g).")] = None,
    min_retention: Annotated[Optional[float], typer.Option(help="Retention at least (%).")] = None,
    min_ice: Annotated[Optional[float], typer.Option(help="ICE at least (%).")] = None,
    min_loading: Annotated[Optional[float], typer.Option(help="Mass loading at least (mg/cm2).")] = None,
    min_areal_capacity: Annotated[Optional[float], typer.Option(help="Areal capacity at least (mAh/cm2).")] = None,
    text: Annotated[Optional[str], typer.Option(help="Substring of material or route.")] = None,
    no_duplicates: Annotated[bool, typer.Option("--no-duplicates", help="Drop records that wholly repeat "
                                                                        "another.")] = False,
    sort: Annotated[Optional[str], typer.Option(help="Sort, largest first: capacity, cell-capacity, retention, "
                                                     "cycles, ice, loading, areal-capacity, rate-capacity, energy, "
                                                     "id.")] = None,
    format: Annotated[Format, typer.Option("--format", "-f", case_sensitive=False,
                                           help="table (rich), csv or json; csv/json carry every column.")]
    = Format.table,
) -> None:
    """List published records matching all filters (values as published: '>80' is 'over 80')."""
    from sianode.literature import query

    try:
        df = query.records(family=family, electrolyte=electrolyte, sse=sse, cell=cell, cathode=cathode,
                           seed=_REVIEW_SEED[source_review.value] if source_review else None,
                           metric_kind=metric_kind, capacity_basis=basis, prelithiated=prelithiated,
                           min_cycles=min_cycles, max_cycles=max_cycles, min_capacity=min_capacity,
                           max_capacity=max_capacity, min_retention=min_retention, min_ice=min_ice,
                           min_loading=min_loading, min_areal_capacity=min_areal_capacity, text=text,
                           include_duplicates=not no_duplicates)
        if sort:
            df = query.sort_records(df, sort)
    except (InputError, SolverError) as e:
        _fail(e)
    if format == Format.json:
        _json_out(_records_json(df))
        return
    if format == Format.csv:
        df.assign(source=[query.source(r) for r in df.to_dict("records")]).to_csv(sys.stdout, index=False)
        return
    given = {"mAh/cm²": min_areal_capacity, "mg/cm²": min_loading, "cell mAh/g": cathode}
    shown = tuple(c for c, v in given.items() if v is not None)
    shown += ({"areal-capacity": "mAh/cm²", "loading": "mg/cm²", "cell-capacity": "cell mAh/g"}.get(sort or "", "-"),)
    _query_table(df, shown)


_BASIS_NARROW = {"after_cycling": "after", "reversible": "rev.", "first_charge": "1st ch.",
                 "first_discharge": "1st dis.", "initial": "init."}
_TEXT = ("material", "source", "electr.")


def _query_table(df: pd.DataFrame, focus: tuple[str, ...] = ()) -> None:
    """Rich table of records; the columns grow with the terminal width, and the columns in
    ``focus`` (the ones the user filtered or sorted on) are always shown."""
    from rich import box

    from sianode.literature import query

    p = query.as_printed(df)
    w = console.width
    rows = []
    for i, r in df.iterrows():
        rec = r.to_dict()
        dup = ""
        if isinstance(rec["duplicate_of"], str):
            part = isinstance(rec["duplicate_values"], str)
            dup = (rec["duplicate_of"] + (f" ({rec['duplicate_values'].replace(';', ', ')})" if part else "")
                   if w >= 120 else ("part" if part else "yes"))
        row = {"id": rec["id"], "material": rec["material"], "family": rec["family"], "cell": _fmt(rec["cell"]),
               "electr.": _fmt(rec["electrolyte"]) + (f"/{rec['sse_class']}" if isinstance(rec["sse_class"], str)
                                                      else ""),
               "ICE %": p.at[i, "ice_pct"], "mAh/g": p.at[i, "capacity_mAh_g"],
               "basis": (_BASIS_SHORT if w >= 120 else _BASIS_NARROW).get(rec["capacity_basis"], ""),
               "at": _rate({c: p.at[i, c] for c in ("current_A_g", "c_rate", "current_mA_cm2")}),
               "cycles": "calendar" if rec["metric_kind"] == "calendar" else p.at[i, "cycles"],
               "ret. %": p.at[i, "retention_pct"], "cell mAh/g": p.at[i, "cell_capacity_mAh_g"],
               "mAh/cm²": p.at[i, "areal_capacity_mAh_cm2"], "mg/cm²": p.at[i, "loading_mg_cm2"],
               "source": query.short_source(rec), "dup": dup}
        rows.append(row)
    cols = ["id", "ICE %", "mAh/g", "basis", "cycles", "ret. %", "dup"]
    cols[-1:-1] = [c for c in ("mAh/cm²", "mg/cm²", "cell mAh/g", "at") if c in focus]
    if w >= 120:
        cols = ["id", "material", "ICE %", "mAh/g", "basis", "at", "cycles", "ret. %", "mAh/cm²", "mg/cm²", "dup"]
    if w >= 170:
        cols = ["id", "material", "family", "cell", "electr.", "ICE %", "mAh/g", "basis", "at", "cycles", "ret. %",
                "cell mAh/g", "mAh/cm²", "mg/cm²", "source", "dup"]
    t = Table(title=f"{len(df)} published records", header_style="bold", box=box.SIMPLE_HEAD, padding=(0, 1))
    widths = {c: max([len(c)] + [len(str(r[c])) for r in rows]) for c in cols}
    fixed = sum(widths[c] for c in cols if c not in _TEXT) + 3 * len(cols) + 2
    room = max(0, w - fixed)
    caps = {"material": 30, "source": 34, "electr.": 14}
    text_cols = [c for c in cols if c in _TEXT]
    for c in cols:
        if c in _TEXT:  # share the room left by the numbers between the text columns
            share = max(8, min(caps[c], widths[c], room // max(1, len(text_cols))))
            t.add_column(c, overflow="ellipsis", no_wrap=True, max_width=share, min_width=min(share, 8))
        else:  # ids and published numbers are never cut
            t.add_column(c, no_wrap=True, min_width=widths[c],
                         justify="right" if c not in ("id", "basis", "at", "dup", "cell", "family") else "left")
    for row in rows:
        t.add_row(*(escape(str(row[c])) for c in cols))
    console.print(t)
    hidden = "" if w >= 170 else " Wider terminals show more columns (material, current, loading, source);"
    console.print("[dim]Values as published: '>80' = over 80, '<1000' = less than 1000, '≈' approximate, "
                  "'0.6–0.8' a range; mAh/g per anode active mass (full-cell capacities: 'cell mAh/g'). "
                  f"dup: repeats another record (part: some values).{hidden} --format csv/json: every column "
                  "with provenance; `sianode literature show ID` for one record.[/dim]")


@literature_app.command("show")
def show_cmd(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="Record id, e.g. 001-T1-11h.")],
    format: Annotated[ShowFormat, typer.Option("--format", "-f", case_sensitive=False,
                                               help="table (rich) or json.")] = ShowFormat.table,
) -> None:
    """Every field of one record, values as published, with who published it."""
    from sianode.literature import query

    try:
        rec = query.show(record_id)
    except InputError as e:
        _fail(e)
    printed = query.values_as_printed(rec)
    if format == ShowFormat.json:
        _json_out({**rec, "values_as_printed": printed, "source": query.source(rec)})
        return
    t = Table(title=f"record {record_id}", show_header=False)
    t.add_column("field", style="bold")
    t.add_column("value", overflow="fold")
    t.add_row("source", escape(query.source(rec)))
    for k, v in rec.items():
        if k == "seed":  # the review the record was read from, as users cite it
            k, v = "source review", SEED_REVIEWS_SHORT.get(v, v)
        shown = printed.get(k) or _fmt(v)
        if shown:
            t.add_row(k, escape(shown))
    console.print(t)


@literature_app.command("table")
def table_cmd(
    name: Annotated[str, typer.Argument(help="anode_materials, sse_classes, solid_electrolytes, synthesis_routes, "
                                             "industrial_targets")],
    format: Annotated[Format, typer.Option("--format", "-f", case_sensitive=False)] = Format.table,
) -> None:
    """Print one of the property tables taken from the source reviews."""
    from sianode.literature import query

    try:
        df = query.table(name)
    except InputError as e:
        _fail(e)
    if format == Format.json:
        _json_out([{k: _jsonable(v) for k, v in r.items()} for r in df.to_dict("records")])
        return
    if format == Format.csv:
        df.to_csv(sys.stdout, index=False)
        return
    t = Table(title=f"{name} (csv/json: all columns incl. notes)", header_style="bold")
    if "seed" in df.columns:  # who published it, as users cite it
        df = df.assign(source=[SEED_REVIEWS_SHORT.get(s, s) for s in df["seed"]])
    cols = _TABLE_VIEW.get(name, list(df.columns))
    for c in cols:
        t.add_column(c.replace("_", " "), overflow="fold")
    for _, row in df[cols].iterrows():
        t.add_row(*(escape(_fmt(v)) for v in row))
    console.print(t)


_TABLE_VIEW = {
    "anode_materials": ["material", "density_g_cm3", "lithiated_phase", "theoretical_capacity_mAh_g",
                        "volume_change_pct", "potential_V_vs_Li"],
    "sse_classes": ["sse_class", "ionic_conductivity_text", "youngs_modulus_text", "suitability"],
    "solid_electrolytes": ["sse_class", "material", "ionic_conductivity_text", "flag"],
    "synthesis_routes": ["route", "kind", "technical_disadvantages", "enterprise_challenges"],
    "industrial_targets": ["quantity", "comparator", "value", "value_max", "unit", "source", "location"],
    "records": ["id", "material", "family", "capacity_mAh_g", "cycles", "retention_pct"],
}


# ------------------------------------------------------------------ compare
def default_output_dir(result: Path) -> Path:
    """``sianode-output/<input stem>/`` (the shared rule, :func:`sianode.clitools.default_out_dir`)."""
    from sianode.clitools import default_out_dir

    return default_out_dir(result.stem)


def compare(
    result: Annotated[Path, typer.Argument(help="summary.json of `sianode run`, *_cycles.csv of `sianode analyze`, "
                                                "or a result file (.toml/.json/.csv) with e.g. capacity_mAh_g, "
                                                "retention_pct, cycles, ice_pct, cell, electrolyte, family.")],
    output_dir: Annotated[Optional[Path], typer.Option("--output-dir", "-o", help="Folder for compare.html, "
                                                       "ranks.csv, neighbours.csv (default: sianode-output/<input "
                                                       "stem>).")] = None,
    cell: Annotated[Optional[str], typer.Option(help="Cell type of the result: half, full or pack (overrides "
                                                     "the file).")] = None,
    electrolyte: Annotated[Optional[str], typer.Option(help="liquid, gel or solid (overrides the file).")] = None,
    family: Annotated[Optional[str], typer.Option(help="Structure family for family ranks, e.g. porous.")] = None,
    name: Annotated[Optional[str], typer.Option(help="Name shown in tables and plots.")] = None,
    prelithiated: Annotated[Optional[bool], typer.Option("--prelithiated/--not-prelithiated",
                                                         help="Whether the anode was prelithiated.")] = None,
    neighbours: Annotated[int, typer.Option(min=1, max=50, help="Number of nearest published results.")] = 5,
    format: Annotated[ShowFormat, typer.Option("--format", "-f", case_sensitive=False,
                                               help="table (rich) or json (JSON only on stdout).")]
    = ShowFormat.table,
) -> None:
    """Place a result among comparable published records (ranks with n, neighbours, Ashby plots)."""
    from sianode.literature import compare as cmpmod

    out = output_dir or default_output_dir(result)
    try:
        res = cmpmod.load_result(result, cell=cell, electrolyte=electrolyte, family=family, name=name,
                                 prelithiated=prelithiated)
        from sianode.clitools import ensure_out_dir

        ensure_out_dir(out, "-o/--output-dir")
        with err_console.status("comparing with the published records…"):
            cmp = cmpmod.compare(res, n_neighbours=neighbours)
            try:
                paths = cmpmod.write_report(cmp, out)
            except OSError as e:
                raise InputError(f"cannot write to {out}: {e.strerror or e}; choose a folder you can write to "
                                 "with -o/--output-dir", field="output_dir") from None
    except (InputError, SolverError) as e:
        _fail(e)
    if format == ShowFormat.json:
        _json_out({"result": res.as_dict(), "ranks": cmp.ranks.to_dict("records"),
                   "neighbours": cmp.neighbours.to_dict("records"),
                   "outputs": {k: str(v.resolve()) for k, v in paths.items()}})
        return
    _print_compare(cmp, cmpmod)
    console.print(f"[bold]report:[/bold] {paths['report'].resolve()}")
    console.print(f"[dim]tables: {paths['ranks'].name}, {paths['neighbours'].name} in {Path(out).resolve()}[/dim]")


def _print_compare(cmp, cmpmod) -> None:
    res = cmp.result
    cells = sorted({m.cell for m in res.metrics})
    console.print(f"[bold]{escape(res.name)}[/bold] among published Si anodes: each metric is ranked among "
                  f"cycling tests of {'/'.join(cells)} cells, {res.electrolyte} electrolyte, "
                  f"{'prelithiated' if res.prelithiated else 'not prelithiated'}"
                  + (f", family {res.family}" if res.family else "") + "; bounds left out; repeats counted once.")
    t = Table(header_style="bold")
    for c, j in (("metric", "left"), ("value", "right"), ("percentile", "right"), ("n", "right"),
                 ("in family (n)", "right"), ("published median", "right")):
        t.add_column(c, justify=j, overflow="fold")
    for r, s in zip(cmp.ranks.to_dict("records"), cmpmod.ranks_table(cmp).to_dict("records")):
        metric = escape(s["metric"])
        extra = [x for x in r["compared_with"].split(", ")[3:] if not x.startswith("capacity ")]
        extra += [r["compared_with"].split(", ")[0]] if len(cells) > 1 else []
        if extra:
            metric += f"\n[dim]vs {escape(', '.join(extra))}[/dim]"
        if r["note"]:
            metric += f"\n[yellow]{escape(r['note'])}[/yellow]"
        fam = ""
        if res.family:
            fam = f"{s['percentile in family'] or '–'} ({r['n_family']})"
        t.add_row(metric, s["value"], s["percentile"] or "–", str(r["n"]), fam, s["published median"] or "–")
    console.print(t)
    nb = cmpmod.neighbours_table(cmp)
    if not nb.empty:
        wide = console.width >= 120
        given = {m.key for m in res.metrics}
        cols = ["id"] + (["material"] if wide else []) + [c for k, c in (("ice_pct", "ICE %"), ("capacity_mAh_g", "mAh/g"),
                                                    ("cycles", "cycles"), ("retention_pct", "retention %"),
                                                    ("loading_mg_cm2", "mg/cm²")) if k in given]
        cols.append("source" if wide else "short source")
        n = Table(title="nearest comparable published results (values as published)", header_style="bold")
        for c in cols:
            if c in ("material", "source", "short source"):
                n.add_column(c.replace("short ", ""), overflow="fold" if wide else "ellipsis", no_wrap=not wide,
                             max_width=40 if wide else 22)
            else:  # identifiers and numbers are never cut
                n.add_column(c.replace("retention", "ret."), no_wrap=True,
                             min_width=max(len(c.replace("retention", "ret.")), *(len(str(v)) for v in nb[c])))
        for d in nb.to_dict("records"):
            n.add_row(*(escape(str(d[c])) for c in cols))
        console.print(n)
    if res.family:
        console.print(f"[dim]family: {res.family}; a family rank on fewer than {cmpmod.MIN_N} records is "
                      "indicative only.[/dim]")
    for note in res.notes:
        console.print(f"[yellow]assumed:[/yellow] {escape(note)}")


if __name__ == "__main__":  # pragma: no cover - convenience for local runs
    app = typer.Typer()
    app.add_typer(literature_app, name="literature")
    app.command("compare")(compare)
    app()
