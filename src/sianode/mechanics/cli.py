"""``sianode mechanics [DESIGN] [-o DIR] [--fem-002]``: particle stress, fracture and swelling of a design.

Prints the mechanics summary (critical size, fracture verdict with margin, expansion, swelling) as a
rich table; ``-o DIR`` writes the stage tables as CSV and an HTML report; ``--fem-002`` also runs the
finite-element comparison with seeds/002's four particle configurations.
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
    fem_002: bool = typer.Option(False, "--fem-002", help="Also run the FEM comparison with seeds/002 (a few s)."),
) -> None:
    """Particle stress, critical size and fracture verdict, pore accommodation and electrode swelling."""
    with exit_codes(err_console):
        from rich.progress import Progress

        from sianode.design import load_design, load_example
        from sianode.mechanics import stage

        d = load_example() if design is None else load_design(design)
        with Progress(transient=True, console=err_console) as prog:
            task = prog.add_task("mechanics stage", total=2 if fem_002 else 1)
            res = run_stage_cli(d, "mechanics")  # through the chain: the materials stage runs first
            prog.advance(task)
            fem_df = None
            if fem_002:
                from sianode.mechanics.fem import compare_paper_002

                fem_df = compare_paper_002()
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
            ft = Table(title="FEM vs seeds/002 (von Mises, GPa; ours averaged over states of lithiation 0.25/0.5/0.75)")
            cols = ["configuration", "n_dof", "surface_GPa", "matrix_GPa", "pore_edge_GPa", "volume_average_GPa",
                    "paper_average_GPa"]
            for c in ("config", "DOF", "surface", "matrix", "pore edge", "volume avg", "paper avg"):
                ft.add_column(c, justify="right")
            for _, r in fem_df.iterrows():
                vals = [f"{r[c]:.4g}" if isinstance(r[c], float) else str(r[c]) for c in cols]
                vals[0] = vals[0].split(" ", 1)[0]  # roman numeral of seeds/002 Fig. 1
                ft.add_row(*vals)
            console.print(ft)
        if out_dir is not None:
            from sianode.report.html import render

            out_dir.mkdir(parents=True, exist_ok=True)
            for name, df in res.tables.items():
                p = out_dir / f"mechanics_{name}.csv"
                df.to_csv(p, index=False)
                console.print(str(p))
            if fem_df is not None:
                p = out_dir / "mechanics_fem_002.csv"
                fem_df.to_csv(p, index=False)
                console.print(str(p))
            console.print(str(render(f"sianode mechanics: {d.name}", stage.report(res), out_dir / "report.html")))
