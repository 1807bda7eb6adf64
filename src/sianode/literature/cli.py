"""CLI for the literature knowledge base (mounted by ``sianode.cli``).

* ``literature_app`` — ``sianode literature query|show|table``
* :func:`compare` — ``sianode compare RESULT [-o DIR]``
"""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from sianode.errors import InputError, SolverError

console = Console()
err_console = Console(stderr=True)

literature_app = typer.Typer(
    help="Published Si-anode records from the seed reviews: query, show, property tables.",
    no_args_is_help=True,
)


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _fail(e: Exception) -> None:
    err_console.print(f"[bold red]error:[/bold red] {e}")
    raise typer.Exit(2 if isinstance(e, InputError) else 1)


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _emit(df: pd.DataFrame, fmt: Format, columns: list[str], title: str) -> None:
    if fmt == Format.csv:
        df.to_csv(sys.stdout, index=False)
    elif fmt == Format.json:
        sys.stdout.write(df.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        t = Table(title=title, show_lines=False, header_style="bold")
        for c in columns:
            if c in ("material", "note", "reference", "source"):
                t.add_column(c, overflow="ellipsis", no_wrap=True, max_width=30 if console.width >= 150 else 20)
            elif c == "id":
                t.add_column(c, no_wrap=True, min_width=int(df[c].astype(str).str.len().max() or 2))
            else:
                t.add_column(c, no_wrap=True)
        for _, row in df[columns].iterrows():
            t.add_row(*(_fmt(v) for v in row))
        console.print(t)


@literature_app.command("query")
def query_cmd(
    family: Annotated[Optional[str], typer.Option(help="Structure family, e.g. porous, nano, siox, cvd-si-c.")] = None,
    electrolyte: Annotated[Optional[str], typer.Option(help="liquid, gel, solid or unknown.")] = None,
    sse: Annotated[Optional[str], typer.Option(help="SSE class: oxide, sulfide, polymer, composite, hydride.")] = None,
    cell: Annotated[Optional[str], typer.Option(help="half or full.")] = None,
    seed: Annotated[Optional[str], typer.Option(help="Seed file number 000-004.")] = None,
    min_cycles: Annotated[Optional[int], typer.Option(help="At least this many cycles.")] = None,
    min_capacity: Annotated[Optional[float], typer.Option(help="Capacity at least (mAh/g).")] = None,
    min_retention: Annotated[Optional[float], typer.Option(help="Retention at least (%).")] = None,
    min_ice: Annotated[Optional[float], typer.Option(help="ICE at least (%).")] = None,
    min_loading: Annotated[Optional[float], typer.Option(help="Mass loading at least (mg/cm2).")] = None,
    text: Annotated[Optional[str], typer.Option(help="Substring of material or route.")] = None,
    no_duplicates: Annotated[bool, typer.Option("--no-duplicates", help="Drop records repeating another.")] = False,
    format: Annotated[Format, typer.Option("--format", "-f", case_sensitive=False,
                                           help="table (rich), csv or json; csv/json carry every column.")] = Format.table,
) -> None:
    """List published records matching all filters."""
    from sianode.literature import query

    try:
        df = query.records(family=family, electrolyte=electrolyte, sse=sse, cell=cell, seed=seed,
                           min_cycles=min_cycles, min_capacity=min_capacity, min_retention=min_retention,
                           min_ice=min_ice, min_loading=min_loading, text=text,
                           include_duplicates=not no_duplicates)
    except (InputError, SolverError) as e:
        _fail(e)
    if format != Format.table:
        _emit(df, format, list(df.columns), "")
        return
    short = df.assign(source=df["seed"] + " " + df["location"].str.slice(0, 18))
    short = short.rename(columns={"ice_pct": "ICE %", "capacity_mAh_g": "mAh/g", "retention_pct": "ret %",
                                  "loading_mg_cm2": "mg/cm2", "electrolyte": "electr."})
    cols = ["id", "material", "family", "electr.", "cell", "ICE %", "mAh/g", "cycles", "ret %", "mg/cm2",
            "source", "flag"]
    if console.width < 150:  # narrow terminal: keep the columns people filter on
        cols = ["id", "material", "family", "ICE %", "mAh/g", "cycles", "ret %"]
    _emit(short, format, cols, f"{len(df)} published records (csv/json: all columns incl. provenance)")


@literature_app.command("show")
def show_cmd(record_id: Annotated[str, typer.Argument(metavar="ID", help="Record id, e.g. 001-T1-11h.")]) -> None:
    """Every field of one record, with its provenance."""
    from sianode.literature import query

    try:
        rec = query.show(record_id)
    except InputError as e:
        _fail(e)
    t = Table(title=f"record {record_id}", show_header=False)
    t.add_column("field", style="bold")
    t.add_column("value", overflow="fold")
    for k, v in rec.items():
        if _fmt(v):
            t.add_row(k, _fmt(v))
    console.print(t)


@literature_app.command("table")
def table_cmd(
    name: Annotated[str, typer.Argument(help="anode_materials, sse_classes, solid_electrolytes, synthesis_routes, "
                                             "industrial_targets")],
    format: Annotated[Format, typer.Option("--format", "-f", case_sensitive=False)] = Format.table,
) -> None:
    """Print one of the property tables taken from the seeds."""
    from sianode.literature import query

    try:
        df = query.table(name)
    except InputError as e:
        _fail(e)
    if format != Format.table:
        _emit(df, format, list(df.columns), name)
        return
    t = Table(title=f"{name} (csv/json: all columns incl. notes)", header_style="bold")
    cols = _TABLE_VIEW.get(name, list(df.columns))
    for c in cols:
        t.add_column(c.replace("_", " "), overflow="fold")
    for _, row in df[cols].iterrows():
        t.add_row(*(_fmt(v) for v in row))
    console.print(t)


_TABLE_VIEW = {
    "anode_materials": ["material", "density_g_cm3", "lithiated_phase", "theoretical_capacity_mAh_g",
                        "volume_change_pct", "potential_V_vs_Li"],
    "sse_classes": ["sse_class", "ionic_conductivity_text", "youngs_modulus_text", "suitability"],
    "solid_electrolytes": ["sse_class", "material", "ionic_conductivity_S_cm", "flag"],
    "synthesis_routes": ["route", "kind", "technical_disadvantages", "enterprise_challenges"],
    "industrial_targets": ["quantity", "comparator", "value", "value_max", "unit", "seed", "location"],
    "records": ["id", "material", "family", "capacity_mAh_g", "cycles", "retention_pct"],
}


def compare(
    result: Annotated[Path, typer.Argument(help="Result file (.toml/.json/.csv) with capacity_mAh_g, retention_pct, "
                                                "cycles; optional ice_pct, loading_mg_cm2, areal_capacity_mAh_cm2, "
                                                "family, electrolyte, name.")],
    output_dir: Annotated[Path, typer.Option("--output-dir", "-o", help="Folder for compare.html and CSVs.")]
    = Path("sianode-compare"),
    neighbours: Annotated[int, typer.Option(min=1, max=50, help="Number of nearest published results.")] = 5,
) -> None:
    """Place a measured or simulated result among the published records (ranks, neighbours, Ashby plots)."""
    from sianode.literature import compare as cmpmod

    try:
        res = cmpmod.load_result(result)
        with console.status("comparing with the published records…"):
            cmp = cmpmod.compare(res, n_neighbours=neighbours)
            path = cmpmod.write_report(cmp, output_dir)
    except (InputError, SolverError) as e:
        _fail(e)
    t = Table(title=f"{res.get('name', result.name)} among published Si anodes", header_style="bold")
    for c in ("metric", "value", "percentile (all)", "n", "percentile (family)", "n family", "published median"):
        t.add_column(c, justify="left" if c == "metric" else "right")
    for _, r in cmp.ranks.iterrows():
        t.add_row(f"{r['label']} ({r['unit']})", _fmt(r["value"]), _fmt(r["percentile_overall"]), str(r["n_overall"]),
                  _fmt(r["percentile_family"]), str(r["n_family"]), _fmt(r["published_median"]))
    console.print(t)
    if not cmp.neighbours.empty:
        nb = Table(title="nearest published results", header_style="bold")
        for c in ("id", "material", "distance", "capacity_mAh_g", "cycles", "retention_pct"):
            nb.add_column(c, overflow="fold", max_width=45 if c == "material" else None)
        for _, r in cmp.neighbours.iterrows():
            nb.add_row(*(_fmt(r[c]) for c in ("id", "material", "distance", "capacity_mAh_g", "cycles",
                                                "retention_pct")))
        console.print(nb)
    console.print(f"report: [bold]{path}[/bold]")


if __name__ == "__main__":  # pragma: no cover - convenience for local runs
    app = typer.Typer()
    app.add_typer(literature_app, name="literature")
    app.command("compare")(compare)
    app()
