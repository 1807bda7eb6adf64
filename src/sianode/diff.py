"""``sianode diff A.toml B.toml [...]``: two or more designs side by side, inputs and results, through the chain.

* Inputs: every field of each validated design (defaults included, so an omitted field and its default
  compare equal), flattened to dotted paths; the fields whose values differ are listed.
* Results: each design runs through :class:`~sianode.chain.ModelChain` (the numbers of ``sianode run``);
  every summary key of the requested stages is listed with each design's value and, for numbers, the
  difference to the first design (absolute and relative).

Terminal tables, and ``DIR/diff.csv`` (results), ``DIR/inputs.csv`` and ``DIR/diff.html``.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Optional

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from sianode.clitools import default_out_dir, ensure_out_dir, exit_codes

console = Console()
err_console = Console(stderr=True)


def flatten(data: dict, prefix: str = "") -> dict:
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}``; a table of numbers (additives ``{FEC = 10}``) stays one value."""
    out = {}
    for k, v in data.items():
        p = f"{prefix}{k}"
        numbers = isinstance(v, dict) and v and all(isinstance(x, (int, float)) for x in v.values())
        if isinstance(v, dict) and v and not numbers:
            out.update(flatten(v, p + "."))
        else:
            out[p] = v
    return out


def input_differences(designs, names: list[str]) -> pd.DataFrame:
    flat = [flatten(d.model_dump(mode="json")) for d in designs]
    keys = list(dict.fromkeys(k for f in flat for k in f))
    rows = []
    for k in keys:
        vals = [f.get(k, "(not in this design)") for f in flat]
        if any(v != vals[0] for v in vals[1:]):
            rows.append({"field": k, **{n: _text(v) for n, v in zip(names, vals)}})
    return pd.DataFrame(rows, columns=["field", *names])


def _text(v) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def _num(v) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)) and math.isfinite(float(v)):
        return float(v)
    return None


def result_table(runs, names: list[str]) -> pd.DataFrame:
    """One row per summary key: each design's value and the differences to the first design."""
    keys = list(dict.fromkeys(k for r in runs for k in r.summary))
    rows = []
    for k in keys:
        vals = [r.summary.get(k) for r in runs]
        row = {"stage": k.split(".", 1)[0], "result": k.split(".", 1)[1], **{n: vals[i] for i, n in enumerate(names)}}
        a = _num(vals[0])
        for n, v in zip(names[1:], vals[1:]):
            b = _num(v)
            d = None if a is None or b is None else b - a
            row[f"{n} − {names[0]}"] = d
            row[f"{n} vs {names[0]} (%)"] = (100 * d / abs(a)) if d is not None and a not in (0.0, None) else None
        row["differs"] = any(_differs(vals[0], v) for v in vals[1:])
        rows.append(row)
    return pd.DataFrame(rows)


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _differs(a, b) -> bool:
    x, y = _num(a), _num(b)
    if x is not None and y is not None:
        return abs(x - y) > 1e-12 * max(abs(x), abs(y), 1e-300)
    if _missing(a) and _missing(b):
        return False
    return a != b


def _load(arg: Path):
    from sianode.design import load_design, load_example
    from sianode.design.loader import example_names

    if not arg.exists() and arg.suffix != ".toml" and str(arg) in example_names():
        return load_example(str(arg)), str(arg)
    return load_design(arg), arg.stem


def diff(
    designs: list[Path] = typer.Argument(..., metavar="DESIGNS", help="Two or more design files (or "
                                         "bundled example names) to compare; the first is the reference."),
    out_dir: Optional[Path] = typer.Option(None, "-o", "--out-dir", help="Folder for diff.html, diff.csv and "
                                           "inputs.csv. Default: sianode-output/diff_<A>_<B>/."),
    stages: Optional[list[str]] = typer.Option(None, "--stage", "-s", help="Compare only these stages (repeatable). "
                                               "Default: all."),
    changed_only: bool = typer.Option(False, "--changed-only", help="Print only the results that differ (the files "
                                      "always hold every result)."),
) -> None:
    """Put designs side by side: the inputs that differ and every result, with differences to the first design."""
    from sianode.chain import ModelChain
    from sianode.errors import InputError

    with exit_codes(err_console):
        if len(designs) < 2:
            raise InputError("give at least two designs to compare", field="designs")
        loaded = [_load(p) for p in designs]
        names = [n for _, n in loaded]
        if len(set(names)) < len(names):  # same stem in two folders
            names = [f"{i + 1}:{n}" for i, n in enumerate(names)]
        ds = [d for d, _ in loaded]
        out = ensure_out_dir(out_dir or default_out_dir("diff_" + "_".join(names[:3]), "diff"))
        runs = []
        with console.status("running the designs through the chain"):
            for d in ds:
                runs.append(ModelChain(d, stages).run())
        inputs = input_differences(ds, names)
        res = result_table(runs, names)
        inputs.to_csv(out / "inputs.csv", index=False)
        res.to_csv(out / "diff.csv", index=False)
        _print(inputs, res, names, changed_only)
        html = _write_html(out, inputs, res, names)
        console.print(f"[bold]report:[/bold] {html.resolve()}")
        console.print(f"[dim]tables: {(out / 'diff.csv').resolve()}, {(out / 'inputs.csv').resolve()}[/dim]")
        failed = [(n, f) for n, r in zip(names, runs) for f in r.failures]
        for n, f in failed:
            err_console.print(f"[red]{n}: stage {f.stage} failed:[/red] {f.message}", highlight=False)
        if failed:
            raise typer.Exit(1)


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _print(inputs: pd.DataFrame, res: pd.DataFrame, names: list[str], changed_only: bool) -> None:
    letters = [chr(ord("A") + i) if i < 26 else str(i + 1) for i in range(len(names))]
    console.print("  ".join(f"[bold]{k}[/bold] = {n}" for k, n in zip(letters, names)), highlight=False)
    t = Table(title=f"inputs that differ ({len(inputs)})")
    t.add_column("field", overflow="fold")
    for k in letters:
        t.add_column(k, overflow="fold")
    for _, r in inputs.iterrows():
        t.add_row(r["field"], *(str(r[n]) for n in names))
    console.print(t)
    shown = res[res.differs] if changed_only else res
    t = Table(title=f"results: {int(res.differs.sum())} of {len(res)} differ"
              + (" (only those shown)" if changed_only else " (differing ones in bold)"))
    t.add_column("stage")
    t.add_column("result", overflow="fold", min_width=18)
    for k in letters:
        t.add_column(k, justify="right")
    for k in letters[1:]:
        t.add_column(f"{k} − A", justify="right")
        t.add_column(f"{k} vs A %", justify="right")
    last = None
    for _, r in shown.iterrows():
        deltas = [_cell(r[c]) for n in names[1:] for c in (f"{n} − {names[0]}", f"{n} vs {names[0]} (%)")]
        t.add_row("" if r["stage"] == last else r["stage"], r["result"], *(_cell(r[n]) for n in names), *deltas,
                  style="bold" if r["differs"] else "dim")
        last = r["stage"]
    console.print(t)


def _write_html(out: Path, inputs: pd.DataFrame, res: pd.DataFrame, names: list[str]) -> Path:
    import html as H

    from sianode.report.html import Section, paragraph, render

    def rows_html(df: pd.DataFrame, mark: bool) -> str:
        cols = [c for c in df.columns if c != "differs"]
        head = "".join(f"<th>{H.escape(str(c))}</th>" for c in cols)
        body = []
        for _, r in df.iterrows():
            style = " style='font-weight:600;background:#fff7e6'" if mark and r.get("differs") else ""
            body.append(f"<tr{style}>" + "".join(f"<td>{H.escape(_cell(r[c]))}</td>" for c in cols) + "</tr>")
        return f"<table class='tbl'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"

    secs = [Section("Inputs that differ", paragraph(
        "Every field of each validated design, defaults included; only fields whose values differ are listed.")
        + rows_html(inputs, False))]
    for stage, g in res.groupby("stage", sort=False):
        secs.append(Section(f"Results: {stage}", paragraph(
            f"{int(g.differs.sum())} of {len(g)} results differ (highlighted); differences are to {names[0]}.")
            + rows_html(g.drop(columns=["stage"]), True)))
    return render(f"sianode diff: {' vs '.join(names)}", secs, out / "diff.html")
