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
    out_dir: Path = typer.Option(Path("sianode-output"), "-o", "--out-dir", help="Output directory."),
    soc_max: Optional[float] = typer.Option(None, "--soc-max", help="Anode SOC cap, 0-1 (anode-tailored design < 1)."),
    ec_ratio: Optional[float] = typer.Option(None, "--ec-ratio", help="Electrolyte/capacity ratio, g/Ah."),
    temperature_C: Optional[float] = typer.Option(None, "--temperature", help="Cycling temperature, °C (default: protocol)."),
    c_rate: Optional[float] = typer.Option(None, "--c-rate", help="C-rate (default: protocol)."),
    html: bool = typer.Option(True, "--html/--no-html", help="Also write report.html."),
) -> None:
    """Simulate the cycle life of a design: capacity, CE, LLI, LAM and SEI vs cycle, knee, cycles to 80 %."""
    with exit_codes(err_console):
        from rich.progress import Progress

        from sianode.design import load_design, load_example
        from sianode.life import stage

        d = load_example() if design is None else load_design(design)
        n = int(d.protocol.cycles if cycles is None else cycles)
        with Progress(console=err_console, transient=True) as prog:
            task = prog.add_task("cycling", total=n)
            opts = {k: v for k, v in dict(cycles=cycles, soc_max=soc_max, ec_ratio_g_Ah=ec_ratio,
                                          temperature_C=temperature_C, c_rate=c_rate).items() if v is not None}
            # through the chain (materials and mechanics first): without options, the numbers of `sianode run`
            res = run_stage_cli(d, "life", progress=lambda k: prog.update(task, completed=k), **opts)
        files = {out_dir / f"life_{k}.csv": v for k, v in res.tables.items()}
        files[out_dir / "life_summary.json"] = _jsonable(res.summary)
        if html:
            from sianode.report.html import render

            import tempfile
            with tempfile.TemporaryDirectory() as td:
                page = render(f"Cycle life: {d.name}", stage.report(res), Path(td) / "r.html")
                files[out_dir / "life_report.html"] = page.read_text(encoding="utf-8")
        written = write_atomic(files)
    t = Table(title=f"life: {d.name}")
    t.add_column("quantity")
    t.add_column("value", justify="right")
    for k in ("cell_kind", "cycles", "initial_capacity_mAh_g", "final_retention_pct", "cycles_to_80pct", "knee_cycle",
              "final_ce_pct", "lli_mAh_g", "lam_pct", "sei_thickness_nm", "sei_regime", "ec_ratio_g_Ah",
              "electrolyte_remaining_pct", "prelithiation_dose_mAh_cm2", "plated_li_mAh_g",
              "cycles_above_80pct_of_unprelithiated_capacity", "cycles_above_80pct_without_prelithiation"):
        if k not in res.summary:
            continue
        v = res.summary.get(k)
        t.add_row(k, f"{v:.4g}" if isinstance(v, float) else str(v))
    console.print(t)
    for p in written:
        console.print(f"wrote {p}")

