"""``sianode mechanics [DESIGN] [-o DIR] [--fem-particles]``: particle stress, fracture and swelling of a design.

Prints the key mechanics results (fracture verdict with the critical size and margin, stress,
swelling) with units, then where the outputs went: the stage tables as CSV, ``summary.json`` and
``report.html`` in ``sianode-output/<design>/mechanics/`` (or ``-o DIR``). ``--fem-particles`` also runs
the elasto-plastic finite-element model on the four particle configurations of Liu et al.,
Nano-Micro Lett. 17 (2025) 297 (dense, carbon-coated, porous, porous with coated pores) and compares
with their stresses.
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


def mechanics(
    design: Optional[Path] = typer.Argument(None, help="Design TOML file. Omit for the bundled default design."),
    out_dir: Optional[Path] = typer.Option(None, "-o", "--out-dir", help="Folder for report.html, CSV tables and "
                                           "summary.json. Default: sianode-output/<design file name>/mechanics/."),
    fem_particles: bool = typer.Option(False, "--fem-particles", help="Also run the elasto-plastic FEM on the four "
                                       "particle configurations of Liu et al., Nano-Micro Lett. 2025 (dense, "
                                       "coated, porous, porous with coated pores) and compare (~30 s)."),
) -> None:
    """Particle stress, critical size and fracture verdict, pore accommodation and electrode swelling."""
    with exit_codes(err_console):
        from rich.progress import Progress

        from sianode.design import load_design, load_example
        from sianode.key_results import stage_key_results

        d = load_example() if design is None else load_design(design)
        with design_out_dir(design, out_dir, "mechanics") as out:
            with Progress(transient=True, console=err_console) as prog:
                task = prog.add_task("mechanics stage", total=2 if fem_particles else 1)
                res = run_stage_cli(d, "mechanics")  # through the chain: the materials stage runs first
                prog.advance(task)
                fem_df = None
                if fem_particles:
                    import pandas as pd

                    from sianode.mechanics.validation_cases import fea_002_average_stresses

                    fem = fea_002_average_stresses(include_linear_elastic=False)
                    fem_df = pd.DataFrame([{"configuration": k, "n_dof": r["n_dof"], "surface_GPa": r["surface"],
                                            "pore_edge_GPa": r["pore_edge"], "si_average_GPa": r["model"],
                                            "paper_average_GPa": r["published"]} for k, r in fem.items()])
                    prog.advance(task)
                files, report = write_stage_outputs("mechanics", res, out, f"sianode mechanics: {d.name}",
                                                    {"fem_particles": fem_df} if fem_df is not None else None)
    m = res.data
    verdict = "[red]FRACTURES[/red]" if m.fractures else "[green]does not fracture[/green]"
    console.print(f"[bold]{d.name}[/bold]: {m.phase} Si, {m.feature} {m.feature_size_m * 1e9:.3g} nm — {verdict}; "
                  f"critical diameter {m.critical_diameter_m * 1e9:.3g} nm (margin {m.fracture_margin:.3g}x)",
                  highlight=False)
    console.print(key_results_table(stage_key_results(res), f"mechanics: {d.name}"))
    if fem_df is not None:
        ft = Table(title="Elasto-plastic FEM at full lithiation vs Liu et al., Nano-Micro Lett. 2025 "
                   "(von Mises stress, GPa)", title_justify="left")
        cols = ["configuration", "n_dof", "surface_GPa", "pore_edge_GPa", "si_average_GPa", "paper_average_GPa"]
        for c in ("configuration", "DOF", "surface", "pore edge", "Si average", "paper: Si average"):
            ft.add_column(c, justify="right")
        for _, r in fem_df.iterrows():
            ft.add_row(*[("–" if r[c] != r[c] else f"{r[c]:.4g}") if isinstance(r[c], float) else str(r[c])
                         for c in cols])  # "–": no pore edge in a dense particle
        console.print(ft)
    print_outputs(console, out, files, report)
