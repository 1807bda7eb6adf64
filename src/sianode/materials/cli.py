"""``sianode materials [DESIGN] [--phases] [-o DIR]``: materials-stage numbers for a design.

Prints the capacity / ICE / expansion summary of the design's active material (or of the bundled
default design) as a rich table; ``--phases`` prints the Li–Si phase table (capacities computed
from Faraday's law and X-ray densities); ``-o DIR`` writes the stage's tables as CSV.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from sianode.clitools import exit_codes, run_stage_cli

console = Console()
err_console = Console(stderr=True)


def materials(
    design: Optional[Path] = typer.Argument(None, help="Design TOML file. Omit for the bundled default design."),
    phases: bool = typer.Option(False, "--phases", help="Also print the Li–Si phase table."),
    out_dir: Optional[Path] = typer.Option(None, "-o", "--out-dir", help="Write the stage tables as CSV here."),
) -> None:
    """Compute capacity, first-cycle loss (ICE), expansion and voltage curves of a design's active material."""
    with exit_codes(err_console):
        from sianode.design import load_design, load_example
        from sianode.materials import lisi

        d = load_example() if design is None else load_design(design)
        res = run_stage_cli(d, "materials")
        t = Table(title=f"materials: {d.name}")
        t.add_column("quantity")
        t.add_column("value", justify="right")
        for k, v in res.summary.items():
            t.add_row(k, f"{v:.4g}" if isinstance(v, float) else str(v))
        console.print(t)
        if phases:
            pt = Table(title="Li–Si phases (computed)")
            df = lisi.phase_table()
            for c in ("phase", "x", "density_g_cm3", "capacity_mAh_g", "volumetric_capacity_initial_mAh_cm3",
                      "volume_ratio_crystal"):
                pt.add_column(c, justify="right")
            for _, r in df.iterrows():
                pt.add_row(r["phase"], f"{r['x']:.3f}", f"{r['density_g_cm3']:.3f}", f"{r['capacity_mAh_g']:.0f}",
                           f"{r['volumetric_capacity_initial_mAh_cm3']:.0f}", f"{r['volume_ratio_crystal']:.3f}")
            console.print(pt)
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            for name, df in res.tables.items():
                p = out_dir / f"materials_{name}.csv"
                df.to_csv(p, index=False)
                console.print(str(p))
