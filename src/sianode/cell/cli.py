"""``sianode cell [DESIGN] [-o DIR]``: bill of materials, Wh/kg and Wh/L of a design's cell.

Runs the cell stage through the chain (which runs its requirements -- materials, mechanics, life --
first: the same numbers as ``sianode run DESIGN``); prints the bill of materials (every component's
mass and volume, summing to the cell), the energy as made, charged, swollen and at end of life (Wh,
Wh/kg, Wh/L), the practical-range warnings, the prelithiation dose and the industrial criteria; writes
the stage tables as CSV, ``summary.json`` (strict JSON, ``cell.*`` keys as in ``sianode run``) and an
HTML report into ``DIR`` (default ``sianode-output/<design stem>/``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from sianode.clitools import default_out_dir, ensure_out_dir, exit_codes, run_stage_cli

console = Console()
err_console = Console(stderr=True)


def bom_rich_table(bom, title: str) -> Table:
    """The bill of materials as a rich table (total row last, empty-space rows dimmed)."""
    t = Table(title=title, caption="what each component is: cell_bom.csv and the report", caption_justify="left")
    t.add_column("component", no_wrap=True)
    for c in ("mass (g)", "mass (%)", "volume (cm3)", "volume (%)"):
        t.add_column(c, justify="right", no_wrap=True)
    for r in bom.itertuples():
        style = "bold" if r.component == "total" else ("dim" if r.mass_g == 0 else None)
        t.add_row(r.component, f"{r.mass_g:.4g}", f"{r.mass_pct:.1f}", f"{r.volume_cm3:.4g}", f"{r.volume_pct:.1f}",
                  style=style)
    return t


def states_rich_table(states) -> Table:
    t = Table(title="energy as made, charged, swollen and at end of life")
    for c in ("state", "energy (Wh)", "mass (g)", "volume (cm3)", "Wh/kg", "Wh/L"):
        t.add_column(c, justify="left" if c == "state" else "right")
    for r in states.itertuples():
        t.add_row(r.state, f"{r.energy_Wh:.4g}", f"{r.mass_g:.4g}", f"{r.volume_cm3:.4g}",
                  f"{r.specific_energy_Wh_kg:.1f}", f"{r.energy_density_Wh_L:.1f}")
    return t


def cell(
    design: Optional[Path] = typer.Argument(None, help="Design TOML file. Omit for the bundled default design."),
    out_dir: Optional[Path] = typer.Option(None, "-o", "--out-dir",
                                           help="Folder for cell_*.csv, summary.json and cell_report.html "
                                                "(default: sianode-output/<design name>/)."),
    no_report: bool = typer.Option(False, "--no-report", help="Do not write the HTML report."),
) -> None:
    """Design the cell around the anode: bill of materials, Wh/kg and Wh/L (as made, charged, swollen, end of
    life), practical-range warnings, prelithiation dose, cost, criteria."""
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with exit_codes(err_console):
        from sianode.cell import stage
        from sianode.design import load_design, load_example
        from sianode.design.loader import DEFAULT_EXAMPLE
        from sianode.results import summary_json

        d = load_example() if design is None else load_design(design)
        out = ensure_out_dir(out_dir if out_dir is not None
                             else default_out_dir(design.stem if design is not None else DEFAULT_EXAMPLE))
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True) as pr:
            t = pr.add_task("stages", total=None)
            res = run_stage_cli(d, "cell", chain_progress=lambda s: pr.update(t, description=f"stage: {s}"))
        s = res.summary
        half = s["cell_kind"] == "half"
        if half:
            console.print("half-cell design: the cell below is a matched NCM811 pouch built around this anode "
                          "(N/P 1.1, default pouch) -- an assumption, not the tested cell", highlight=False)
        console.print(bom_rich_table(res.tables["bom"], f"bill of materials -- cell: {d.name}"))
        console.print(states_rich_table(res.tables["states"]))
        tab = Table(title="cell")
        tab.add_column("quantity")
        tab.add_column("value", justify="right")
        geo = _geometry_text(s)
        rows = [
            ("format / cathode", f"{s['cell_format']} / {s['cathode']}" + (f" ({geo})" if geo else "")),
            ("capacity / energy", f"{s['capacity_Ah']:.4g} Ah / {s['energy_Wh']:.4g} Wh "
                                  f"(average {s['average_voltage_V']:.3f} V; anode {s['anode_average_delithiation_V']:.3f} V)"),
            ("end of life", f"after {s['eol_cycles']} cycles: {100 * s['eol_energy_retention']:.1f} % of the energy "
                            "(life stage)" if not half else "no fade (half-cell design)"),
            ("areal capacity", f"{s['areal_capacity_mAh_cm2']:.3f} mAh/cm2"),
            ("N/P", f"{s['np_ratio']:.3g} ({s['np_basis']} basis)"),
            ("coatings per side", f"cathode {s['cathode_thickness_um']:.1f} µm ({s['cathode_loading_mg_cm2']:.3g} "
                                  f"mg/cm2), anode {s['anode_thickness_um']:.1f} µm ({s['anode_loading_mg_cm2']:.3g} "
                                  f"mg/cm2; charged {s['anode_thickness_charged_um']:.1f}, swollen "
                                  f"{s['anode_thickness_swollen_um']:.1f} µm)"),
            ("electrolyte", f"{s['electrolyte_g_per_Ah']:.3g} g/Ah (the life stage uses the same)"),
            ("prelithiation", f"{s['prelithiation_method']}: {s['prelithiation_dose_mAh_cm2']:.3f} mAh/cm2 = "
                              f"{s['prelithiation_li_mg_cm2']:.3f} mg Li/cm2 (energy gain {s['prelithiation_energy_gain_pct']:+.1f} %)"
                              + (f"; [red]{s['plated_li_mAh_cm2']:.3g} mAh/cm2 the anode cannot hold plates as Li metal "
                                 f"({s['plated_li_um']:.3g} µm)[/red]" if s["plated_li_mAh_cm2"] > 1e-9 else "")),
            ("graphite reference", f"{s['graphite_reference_Wh_kg']:.1f} Wh/kg, {s['graphite_reference_Wh_L']:.1f} Wh/L "
                                   f"charged ({s['graphite_reference_capacity_Ah']:.4g} Ah, same cell section)"),
            ("materials cost", f"{s['materials_cost_usd_per_kWh']:.1f} USD/kWh"),
            ("industrial criteria", f"{s['criteria_passed']}/{s['criteria_total']} passed"),
        ]
        for k, v in rows:
            tab.add_row(k, v)
        console.print(tab)
        warns = res.tables["warnings"]
        for m in warns["message"]:
            console.print(f"[yellow]warning:[/yellow] {m}", highlight=False)
        ct = Table(title="industrial criteria")
        for c in ("criterion", "value", "requirement", "result", "margin"):
            ct.add_column(c, justify="right" if c != "criterion" else "left")
        for r in res.tables["criteria"].itertuples():
            ct.add_row(r.criterion, f"{r.value:.4g} {r.unit}", r.requirement,
                       "[green]pass[/green]" if r.passed else "[red]FAIL[/red]", f"{r.margin:+.3g}")
        console.print(ct)
        for name, df in res.tables.items():
            df.to_csv(out / f"cell_{name}.csv", index=False)
        (out / "summary.json").write_text(summary_json({f"cell.{k}": v for k, v in s.items()}), encoding="utf-8")
        report = None
        if not no_report:
            from sianode.report.html import render

            report = render(f"sianode cell: {d.name}", stage.report(res), out / "cell_report.html")
        console.print(f"outputs in {out}/: cell_bom.csv (bill of materials), cell_states.csv, cell_*.csv, summary.json"
                      + (f", {Path(report).name}" if report else ""), highlight=False)


def _geometry_text(s: dict) -> str:
    """One line of the format's geometry from the summary's ``geometry_*`` keys."""
    g = {k[len("geometry_"):]: v for k, v in s.items() if k.startswith("geometry_")}
    if "n_cathodes" in g:
        return (f"{g['n_cathodes']:.0f} double-sided cathodes of {g['cathode_area_cm2']:.4g} cm2, body "
                f"{g['body_length_mm']:.0f} x {g['body_width_mm']:.0f} x {g['thickness_mm']:.2f} mm")
    if "cathode_length_mm" in g:
        return (f"cathode strip {g['cathode_length_mm']:.0f} x {g['cathode_height_mm']:.1f} mm"
                + (f" x {g['n_rolls']:.0f} rolls" if "n_rolls" in g else "")
                + f", roll fills {100 * g['roll_fill_made']:.0f} % of its space as made, "
                  f"{100 * g['roll_fill_swollen']:.0f} % swollen")
    return ""
