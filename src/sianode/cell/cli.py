"""``sianode cell [DESIGN] [-o DIR]``: stack design, Wh/kg, Wh/L and the prelithiation dose of a design.

Runs the cell stage through the chain (which runs its requirements, materials and mechanics, first:
the same numbers as ``sianode run DESIGN``); prints a rich summary (Wh/kg, Wh/L charged and as made, the
prelithiation dose in mAh/cm2 and mg Li/cm2, the industrial criteria) and writes the stage tables
as CSV and an HTML report into ``out_dir``.
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


def cell(
    design: Optional[Path] = typer.Argument(None, help="Design TOML file. Omit for the bundled default design."),
    out_dir: Path = typer.Option(Path("sianode-output"), "-o", "--out-dir",
                                 help="Directory for cell_*.csv and cell_report.html."),
    no_report: bool = typer.Option(False, "--no-report", help="Do not write the HTML report."),
) -> None:
    """Design the cell around the anode: mass/volume breakdown, Wh/kg, Wh/L (swollen), prelithiation dose, cost."""
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with exit_codes(err_console):
        from sianode.cell import stage
        from sianode.design import load_design, load_example

        d = load_example() if design is None else load_design(design)
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True) as pr:
            t = pr.add_task("stages", total=None)
            res = run_stage_cli(d, "cell", chain_progress=lambda s: pr.update(t, description=f"stage: {s}"))
        s = res.summary
        tab = Table(title=f"cell: {d.name}" + (" (matched NCM811 pouch for a half-cell design)"
                                                if s["cell_kind"] == "half" else ""))
        tab.add_column("quantity")
        tab.add_column("value", justify="right")
        rows = [
            ("specific energy", f"{s['specific_energy_Wh_kg']:.1f} Wh/kg"),
            ("energy density (charged, swollen)", f"{s['energy_density_Wh_L']:.1f} Wh/L"),
            ("energy density (as made)", f"{s['energy_density_unswollen_Wh_L']:.1f} Wh/L"),
            ("energy density (end of life)", f"{s['energy_density_eol_Wh_L']:.1f} Wh/L"),
            ("free volume to reserve (swelling)", f"{s['free_volume_cm3']:.4g} cm3"),
            ("prelithiation", f"{s['prelithiation_method']}: {s['prelithiation_dose_mAh_cm2']:.3f} mAh/cm2 = "
                              f"{s['prelithiation_li_mg_cm2']:.3f} mg Li/cm2 (energy gain {s['prelithiation_energy_gain_pct']:+.1f} %)"
                              + (f"; [red]{s['plated_li_mAh_cm2']:.3g} mAh/cm2 the anode cannot hold plates as Li metal "
                                 f"({s['plated_li_um']:.3g} µm)[/red]" if s["plated_li_mAh_cm2"] > 1e-9 else "")),
            ("electrolyte", f"{s['electrolyte_g_per_Ah']:.3g} g/Ah (the life stage uses the same)"),
            ("format / cathode", f"{s['cell_format']} / {s['cathode']}"),
            ("N/P", f"{s['np_ratio']:.3g} ({s['np_basis']} basis)"),
            ("capacity / energy", f"{s['capacity_Ah']:.4g} Ah / {s['energy_Wh']:.4g} Wh"),
            ("areal capacity", f"{s['areal_capacity_mAh_cm2']:.3f} mAh/cm2"),
            ("average voltage", f"{s['average_voltage_V']:.3f} V (anode {s['anode_average_delithiation_V']:.3f} V)"),
            ("graphite reference", f"{s['graphite_reference_Wh_kg']:.1f} Wh/kg, {s['graphite_reference_Wh_L']:.1f} Wh/L"),
            ("materials cost", f"{s['materials_cost_usd_per_kWh']:.1f} USD/kWh"),
            ("industrial criteria", f"{s['criteria_passed']}/{s['criteria_total']} passed"),
        ]
        for k, v in rows:
            tab.add_row(k, v)
        console.print(tab)
        ct = Table(title="industrial criteria")
        for c in ("criterion", "value", "requirement", "result", "margin"):
            ct.add_column(c, justify="right" if c != "criterion" else "left")
        for r in res.tables["criteria"].itertuples():
            ct.add_row(r.criterion, f"{r.value:.4g} {r.unit}", r.requirement,
                       "[green]pass[/green]" if r.passed else "[red]FAIL[/red]", f"{r.margin:+.3g}")
        console.print(ct)
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, df in res.tables.items():
            p = out_dir / f"cell_{name}.csv"
            df.to_csv(p, index=False)
        console.print(f"tables written to {out_dir}")
        if not no_report:
            from sianode.report.html import render

            p = render(f"sianode cell: {d.name}", stage.report(res), out_dir / "cell_report.html")
            console.print(str(p))
