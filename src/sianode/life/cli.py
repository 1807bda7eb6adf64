"""CLI commands of the life stage (mounted by ``sianode.cli`` as ``life`` and ``fit-life``).

Everything is computed before anything is written; files are written to temporary names and
renamed, so a failure never leaves partial output.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from sianode.clitools import exit_codes, run_stage_cli, write_atomic

console = Console()
err_console = Console(stderr=True)


#: the shared atomic writer (fit-life uses it too)
_write_atomic = write_atomic


def _jsonable(d: dict) -> str:
    """Strict JSON (NaN/inf -> null), the same writer as summary.json."""
    from sianode.results import summary_json

    return summary_json(d)


def life(
    design: Optional[Path] = typer.Argument(None, help="Design TOML file (default: the bundled CVD Si–C design)."),
    cycles: Optional[int] = typer.Option(None, "--cycles", "-n", min=1, help="Cycles to simulate (default: protocol.cycles)."),
    out_dir: Optional[Path] = typer.Option(None, "-o", "--out-dir", help="Folder for report.html, CSV tables and "
                                           "summary.json. Default: sianode-output/<design file name>/life/."),
    soc_max: Optional[float] = typer.Option(None, "--soc-max", help="Anode SOC cap, 0-1 (anode-tailored design < 1)."),
    ec_ratio: Optional[float] = typer.Option(None, "--ec-ratio", help="Electrolyte/capacity ratio, g/Ah."),
    temperature_C: Optional[float] = typer.Option(None, "--temperature", help="Cycling temperature, °C (default: protocol)."),
    c_rate: Optional[float] = typer.Option(None, "--c-rate", help="C-rate (default: protocol)."),
    html: bool = typer.Option(True, "--html/--no-html", help="Also write report.html."),
) -> None:
    """Simulate the cycle life of a design: capacity, CE, LLI, LAM and SEI vs cycle, knee, cycles to 80 %."""
    from sianode.clitools import design_out_dir, key_results_table, print_outputs, write_stage_outputs

    with exit_codes(err_console):
        from rich.progress import Progress

        from sianode.design import load_design, load_example
        from sianode.key_results import stage_key_results

        d = load_example() if design is None else load_design(design)
        n = int(d.protocol.cycles if cycles is None else cycles)
        opts = {k: v for k, v in dict(cycles=cycles, soc_max=soc_max, ec_ratio_g_Ah=ec_ratio,
                                      temperature_C=temperature_C, c_rate=c_rate).items() if v is not None}
        with design_out_dir(design, out_dir, "life") as out:
            with Progress(console=err_console, transient=True) as prog:
                task = prog.add_task("cycling", total=n)
                # through the chain (materials and mechanics first): without options, the numbers of `sianode run`
                res = run_stage_cli(d, "life", progress=lambda k: prog.update(task, completed=k), **opts)
            files, report = write_stage_outputs("life", res, out, f"Cycle life: {d.name}" if html else None)
    console.print(key_results_table(stage_key_results(res), f"life: {d.name} ({res.summary.get('cycles')} cycles)"))
    print_outputs(console, out, files, report)


def fit_life(
    data: Path = typer.Argument(..., help="CSV with a cycle column and a capacity (or retention) column; optional CE."),
    out_dir: Path = typer.Option(Path("sianode-output"), "-o", "--out-dir", help="Output directory."),
    design: Optional[Path] = typer.Option(None, "--design", "-d", help="Design TOML giving the fixed parameters "
                                          "(default: model defaults)."),
    free: str = typer.Option("sei_rate_factor,isolation_thickness,binder_beta", "--free",
                             help="Comma-separated parameters to fit."),
    ce_weight: float = typer.Option(10.0, "--ce-weight", min=0.0, help="Weight of CE residuals vs retention."),
    level: float = typer.Option(0.95, "--level", min=0.5, max=0.999, help="Confidence level."),
) -> None:
    """Calibrate the life model to measured capacity (and CE) vs cycle, with confidence intervals."""
    with exit_codes(err_console):
        from sianode.life import fit

        cd = fit.read_cycle_data(data)
        base = None
        if design is not None:
            from sianode.chain import upstream_for
            from sianode.design import load_design
            from sianode.life import stage

            dd = load_design(design)
            base, _ = stage.inputs_from_design(dd, upstream_for(dd, "life"))
        with console.status("fitting"):
            res = fit.fit_life(cd, base, free=[f.strip() for f in free.split(",") if f.strip()],
                               ce_weight=ce_weight, level=level)
        summary = {"rmse_retention": res.rmse_retention, "rmse_ce": res.rmse_ce, "n_points": res.n_points,
                   "success": res.success, "message": res.message, "data": str(data)}
        written = _write_atomic({out_dir / "fit_life_parameters.csv": res.parameters,
                                 out_dir / "fit_life_curves.csv": res.curves,
                                 out_dir / "fit_life_summary.json": _jsonable(summary)})
    t = Table(title=f"fit-life: {data.name} ({int(level * 100)} % CI)")
    for c in ("parameter", "value", "ci_low", "ci_high"):
        t.add_column(c, justify="right")
    for _, r in res.parameters.iterrows():
        t.add_row(r["name"], f"{r['value']:.4g}", f"{r['ci_low']:.4g}", f"{r['ci_high']:.4g}")
    console.print(t)
    console.print(f"RMSE retention {res.rmse_retention:.4g}" + ("" if res.rmse_ce != res.rmse_ce else f", CE {res.rmse_ce:.3g}"))
    for p in written:
        console.print(f"wrote {p}")
