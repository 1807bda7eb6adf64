"""CLI command of the life stage (mounted by ``sianode.cli`` as ``life``; calibration on measured cells is
``sianode calibrate``, :mod:`sianode.calibration`).

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

