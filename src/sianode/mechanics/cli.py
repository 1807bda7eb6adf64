"""``sianode mechanics [DESIGN] [-o DIR] [--fem-particles]``: particle stress, fracture and swelling of a design.

Prints the mechanics summary (critical size, fracture verdict with margin, expansion, swelling) as a
rich table; ``-o DIR`` writes the stage tables as CSV and an HTML report; ``--fem-particles`` also runs the
elasto-plastic finite-element model on the four particle configurations of Liu et al., Nano-Micro Lett.
17 (2025) 297 (dense, carbon-coated, porous, porous with coated pores) and compares with their stresses.
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


def mechanics(
    design: Optional[Path] = typer.Argument(None, help="Design TOML file. Omit for the bundled default design."),
    out_dir: Optional[Path] = typer.Option(None, "-o", "--out-dir", help="Write tables (CSV) and report.html here."),
    fem_particles: bool = typer.Option(False, "--fem-particles", help="Also run the elasto-plastic FEM on the four "
                                       "particle configurations of Liu et al., Nano-Micro Lett. 2025 (dense, "
                                       "coated, porous, porous with coated pores) and compare (~30 s)."),
) -> None:
    """Particle stress, critical size and fracture verdict, pore accommodation and electrode swelling."""
    with exit_codes(err_console):
        from rich.progress import Progress

        from sianode.design import load_design, load_example
        from sianode.mechanics import stage

        d = load_example() if design is None else load_design(design)
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
        m = res.data
        verdict = "[red]FRACTURES[/red]" if m.fractures else "[green]does not fracture[/green]"
        console.print(f"[bold]{d.name}[/bold]: {m.phase} Si, {m.feature} {m.feature_size_m * 1e9:.3g} nm — {verdict}; "
                      f"critical diameter {m.critical_diameter_m * 1e9:.3g} nm (margin {m.fracture_margin:.3g}x)")
        t = Table(title=f"mechanics: {d.name}")
        t.add_column("quantity")
        t.add_column("value", justify="right")
        for k, v in res.summary.items():
            t.add_row(k, f"{v:.4g}" if isinstance(v, float) else str(v))
        console.print(t)
        if fem_df is not None:
            ft = Table(title="Elasto-plastic FEM at full lithiation vs Liu et al. 2025 (von Mises, GPa)")
            cols = ["configuration", "n_dof", "surface_GPa", "pore_edge_GPa", "si_average_GPa", "paper_average_GPa"]
            for c in ("configuration", "DOF", "surface", "pore edge", "Si average", "paper average"):
                ft.add_column(c, justify="right")
            for _, r in fem_df.iterrows():
                ft.add_row(*[f"{r[c]:.4g}" if isinstance(r[c], float) else str(r[c]) for c in cols])
            console.print(ft)
        if out_dir is not None:
            from sianode.report.html import render

            out_dir.mkdir(parents=True, exist_ok=True)
            for name, df in res.tables.items():
                p = out_dir / f"mechanics_{name}.csv"
                df.to_csv(p, index=False)
                console.print(str(p))
            if fem_df is not None:
                p = out_dir / "mechanics_fem_particles.csv"
                fem_df.to_csv(p, index=False)
                console.print(str(p))
            console.print(str(render(f"sianode mechanics: {d.name}", stage.report(res), out_dir / "report.html")))
