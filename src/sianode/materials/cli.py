"""``sianode materials [DESIGN] [--phases] [-o DIR]``: materials-stage numbers for a design.

Prints the key results of the design's active material (capacity, ICE, expansion, voltage; or of the
bundled default design) with units, ``--phases`` the Li–Si phase table (capacities computed from
Faraday's law and X-ray densities), then where the outputs went: the stage's tables as CSV and
``summary.json`` in ``sianode-output/<design>/materials/`` (or ``-o DIR``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from sianode.clitools import design_out_dir, exit_codes, key_results_table, print_outputs, run_stage_cli, \
    write_stage_outputs

console = Console()
err_console = Console(stderr=True)


def materials(
    design: Optional[Path] = typer.Argument(None, help="Design TOML file. Omit for the bundled default design."),
    phases: bool = typer.Option(False, "--phases", help="Also print the Li–Si phase table."),
    out_dir: Optional[Path] = typer.Option(None, "-o", "--out-dir", help="Folder for the CSV tables and summary.json. "
                                           "Default: sianode-output/<design file name>/materials/."),
) -> None:
    """Compute capacity, first-cycle loss (ICE), expansion and voltage curves of a design's active material."""
    with exit_codes(err_console):
        from sianode.design import load_design, load_example
        from sianode.key_results import stage_key_results
        from sianode.materials import lisi

        d = load_example() if design is None else load_design(design)
        with design_out_dir(design, out_dir, "materials") as out:
            res = run_stage_cli(d, "materials")
            files, _ = write_stage_outputs("materials", res, out)
    console.print(key_results_table(stage_key_results(res), f"materials: {d.name}"))
    if phases:
        pt = Table(title="Li–Si phases (capacity from Faraday's law, density from the crystal structures)",
                   title_justify="left")
        for c in ("phase", "x in LixSi", "density (g/cm3)", "capacity (mAh/g Si)", "capacity (mAh/cm3 of Si)",
                  "volume V/V0"):
            pt.add_column(c, justify="right")
        for _, r in lisi.phase_table().iterrows():
            pt.add_row(r["phase"], f"{r['x']:.3f}", f"{r['density_g_cm3']:.3f}", f"{r['capacity_mAh_g']:.0f}",
                       f"{r['volumetric_capacity_initial_mAh_cm3']:.0f}", f"{r['volume_ratio_crystal']:.3f}")
        console.print(pt)
    print_outputs(console, out, files)
