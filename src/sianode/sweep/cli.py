"""``sianode sweep SPEC.toml -o DIR [--workers N | --scheduler ADDRESS] [--stages ...]``."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from sianode.clitools import ensure_out_dir, exit_codes

console = Console()
err_console = Console(stderr=True)


def sweep(
    spec_path: Path = typer.Argument(..., help="Sweep SPEC (TOML): base design, \\[vary] fields, \\[sampling], "
                                     "constraints, objectives. See docs/sweep.md or examples/si_size_sweep.toml."),
    out_dir: Optional[Path] = typer.Option(None, "-o", "--out-dir", help="Folder for results.parquet, report.html and "
                                           "best/. Default: sianode-output/<SPEC name>/. Running again into the same "
                                           "folder resumes: designs already stored are skipped."),
    workers: int = typer.Option(1, "--workers", "-w", help="Local worker processes (Dask LocalCluster); 1 runs "
                                "in this process."),
    threads: bool = typer.Option(False, "--threads", help="Local workers are threads instead of processes."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Address of a running dask.distributed "
                                            "scheduler (e.g. tcp://10.0.0.5:8786): send the same tasks to that "
                                            "cluster instead of running locally."),
    stages: Optional[list[str]] = typer.Option(None, "--stages", "-s", help="Stages to run (repeatable): materials, "
                                               "mechanics, life, echem, cell. Default: the SPEC's 'stages', else all."),
    chunk_size: Optional[int] = typer.Option(None, "--chunk-size", help="Designs per task and per Parquet part "
                                             "(default: 4 with echem, 512 with life or cell, 1024 otherwise)."),
    evaluator: str = typer.Option("batch", "--evaluator", help="batch: vectorised stages run over many designs at "
                                  "once (default); chain: one ModelChain per design (the reference)."),
    bands: bool = typer.Option(False, "--bands", help="Also compute the life stage's uncertainty bands (*_p05 / "
                               "*_p95; sampled, costly). Default: off in sweeps."),
) -> None:
    """Run a design-space sweep: many designs from one SPEC, results streamed to Parquet, a report with responses,
    feasibility map, Pareto front and the best designs as design files."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
        TimeRemainingColumn

    from sianode.clitools import default_out_dir
    from sianode.sweep import report, store
    from sianode.sweep.evaluate import EVALUATORS
    from sianode.sweep.runner import check_folder, check_spec_results, resolve_stages, run_sweep
    from sianode.sweep.spec import load_spec

    with exit_codes(err_console):
        if scheduler and workers != 1:
            from sianode.errors import InputError

            raise InputError("give --workers (a local cluster) or --scheduler (an existing one), not both",
                             field="--scheduler")
        if evaluator not in EVALUATORS:
            from sianode.errors import InputError

            raise InputError(f"--evaluator must be one of {', '.join(EVALUATORS)}, got {evaluator!r}",
                             field="--evaluator")
        spec = load_spec(spec_path)
        st = resolve_stages(spec, stages)
        out = ensure_out_dir(out_dir or default_out_dir(spec_path.stem, "sweep"))
        with console.status("checking the SPEC against the base design"):
            check_spec_results(spec, st, bands)
            check_folder(out, spec, st, bands)  # a folder of another sweep is refused before any progress bar
        with Progress(TextColumn("[bold]sweep[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      TimeRemainingColumn(), console=err_console, transient=False) as prog:
            task = prog.add_task("designs", total=None)

            def progress(done: int, total: int) -> None:
                prog.update(task, completed=done, total=total)

            try:
                outcome = run_sweep(spec, out, st, workers=workers, scheduler=scheduler, threads=threads,
                                    evaluator=evaluator, chunk_size=chunk_size, progress=progress,
                                    bands=bands)
            except KeyboardInterrupt:
                prog.stop()
                n = len(store.done_hashes(out))
                err_console.print(f"[yellow]interrupted[/yellow]: {n} designs are stored in {out / store.RESULTS}; "
                                  "run the same command again to resume")
                raise typer.Exit(130)
        with console.status(f"writing the report of {outcome.total} designs"):
            df = store.read_results(out)
            tr = report.transitions(df, spec)
            path = report.write_report(out, spec, df, st, outcome.seconds, changes=tr)
        counts = report.summary_lines(df, spec)
        t = Table(title=f"sweep {spec_path.name}: {counts['designs']} designs through {', '.join(st)}")
        for c in ("designs", "ok", "failed", "invalid", "feasible"):
            t.add_column(c, justify="right")
        t.add_row(*(str(counts[c]) for c in ("designs", "ok", "failed", "invalid", "feasible")))
        console.print(t)
        rate = outcome.evaluated / outcome.seconds if outcome.seconds > 0 and outcome.evaluated else 0.0
        console.print(f"evaluated {outcome.evaluated} designs in {outcome.seconds:.1f} s ({rate:.3g} designs/s)"
                      + (f"; {outcome.skipped} already stored (resumed)" if outcome.skipped else ""))
        if len(tr):
            tt = Table(title="where true/false results change (between two neighbouring values)")
            held = [c for c in tr.columns if c not in ("result", "along", "from", "to", "change")]
            for c in held:
                tt.add_column(c.rsplit(".", 1)[-1])
            for c in ("result", "along", "between", "change"):
                tt.add_column(c, overflow="fold")
            for _, r in tr.head(12).iterrows():
                tt.add_row(*(str(r[c]) for c in held), r["result"], r["along"].rsplit(".", 1)[-1],
                           f"{r['from']:.4g} … {r['to']:.4g}", r["change"])
            console.print(tt)
        console.print(f"[bold]results:[/bold] {(out / store.RESULTS).resolve()}")
        console.print(f"[bold]report:[/bold] {path.resolve()}")
        if (out / "best").is_dir() and any((out / "best").iterdir()):
            console.print(f"[bold]best designs:[/bold] {(out / 'best').resolve()}")
