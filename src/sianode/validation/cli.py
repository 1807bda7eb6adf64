"""The `sianode validation` command."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from sianode.errors import InputError

FORMATS = ("table", "json", "html")
DEFAULT_HTML_DIR = Path("sianode-validation")


def validation(
    fmt: str = typer.Option("table", "--format", "-f",
                            help="table: rich table and a one-line score; json: the JSON list of rows on stdout "
                                 "and nothing else; html: write validation.html and validation.json to -o DIR "
                                 f"(default {DEFAULT_HTML_DIR})."),
    out_dir: Optional[Path] = typer.Option(None, "-o", "--out-dir",
                                           help="Also write validation.html (parity plot, one section per case) "
                                                "and validation.json into this directory."),
    cases: Optional[list[str]] = typer.Option(None, "--case", "-c",
                                              help="Run only this case id (repeatable). Default: every case."),
    record: bool = typer.Option(False, "--record",
                                help="Run every case and rewrite the recorded status (recorded_status.json) and "
                                     "docs/validation.md (source checkout only)."),
) -> None:
    """Hold every model against the published record, case by case and quantity by quantity.

    Each row: model value, reference, deviation, tolerance, status (pass | known-gap | fail | not-run), kind
    (prediction | fit) and source. Exit codes: 0 report produced (known gaps are part of it), 2 invalid option
    or unknown case id, 1 a case's model raised (its rows are marked fail; the other cases still run).
    """
    from sianode.validation import report
    from sianode.validation.references import load
    from sianode.validation.runner import run as run_cases

    out = Console()
    err = Console(stderr=True)
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}", field="--format")
    if record and cases:
        raise InputError("--record re-records every case; drop --case", field="--record")
    rec = load()
    from sianode.validation.runner import select_cases

    selected = select_cases(rec, cases)  # unknown ids -> InputError (exit 2) before anything runs

    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err,
                  transient=True, disable=not err.is_terminal) as prog:
        task = prog.add_task("validation", total=len(selected))

        def progress(cid: str) -> None:
            prog.update(task, description=f"case {cid}")

        result = run_cases([c.id for c in selected], progress=progress, record=rec)
    rows = result.rows

    if fmt == "json":
        sys.stdout.write(report.to_json(rows) + "\n")
    elif fmt == "table":
        out.print(report.rich_table(rows, width=out.width))
    target = out_dir if out_dir is not None else (DEFAULT_HTML_DIR if fmt == "html" else None)
    if target is not None:
        html_path, json_path = report.write_outputs(result, target)
        if fmt != "json":
            out.print(f"[bold]report:[/bold] {html_path.resolve()}\n[dim]rows: {json_path.resolve()}[/dim]")
    if fmt == "html":
        out.print(report.score_line(rows))
    if record:
        from sianode.validation.record import write_record

        rec_path, docs_path = write_record(result, rec)
        err.print(f"recorded {len(rows)} rows in {rec_path} and wrote {docs_path} (full run {result.seconds:.0f} s)")
        not_run = [r for r in rows if r.status == "not-run"]
        if not_run:
            err.print(f"[yellow]warning:[/yellow] {len(not_run)} row(s) not run here and recorded as not-run: "
                      f"{not_run[0].reason}")
    for c in result.crashed:
        err.print(f"[red]case {c.case.id} raised[/red] (its rows are marked fail):\n{c.error.strip().splitlines()[-1]}",
                  highlight=False)
    if result.crashed:
        raise typer.Exit(1)
