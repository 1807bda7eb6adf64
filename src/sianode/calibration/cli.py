"""``sianode calibrate``: fit a design's uncertain parameters on measured half cells, forecast held-out cycles.

Everything is computed before anything is written; files are written to temporary names and renamed.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from sianode.clitools import default_out_dir, ensure_out_dir, exit_codes, write_atomic

console = Console()
err_console = Console(stderr=True)


def run_calibration(data: list[Path], design, *, fit_cycles: int | None = None, mass_mg: float | None = None,
                    ce: str = "auto", particles: int | None = None, seed: int | None = None, progress=None,
                    cells=None):
    """Read the cells (unless ``cells`` are given), run the chain for the tested electrode (as a half cell) and
    calibrate.

    Returns ``(cells, result, calibrated_design)``. The one path used by the command, the validation cases
    and the docs' numbers.
    """
    from sianode.calibration import calibrate as C
    from sianode.calibration.data import read_cells
    from sianode.calibration.output import calibrated_design
    from sianode.chain import upstream_for

    if cells is None:
        cells = read_cells(data, active_mass_mg=mass_mg)
    if ce not in ("auto", "absolute", "offset", "off"):
        from sianode.errors import InputError

        raise InputError(f"CE mode {ce!r} not understood; use one of auto, absolute, offset, off", field="--ce")
    hd = C.half_cell_design(design, cells, fit_cycles)
    up = upstream_for(hd, "life")
    res = C.calibrate(cells, hd, up, fit_cycles=fit_cycles, ce_mode=ce,
                      n_particles=C.DEFAULT_PARTICLES if particles is None else particles,
                      seed=C.DEFAULT_SEED if seed is None else seed, progress=progress)
    return cells, res, calibrated_design(design, res)


def calibrate(
    data: list[Path] = typer.Argument(..., help="Measured files of anode half cells (any file `sianode analyze` reads: "
                                      "Arbin .res, Neware .nda/.ndax/CSV, BioLogic .mpr/.mpt, Excel exports, ...). "
                                      "Several files = replicate cells of the same electrode; numbered parts "
                                      "(name_01, name_02) of one test are merged."),
    design: Path = typer.Option(..., "--design", "-d", help="Design TOML of the tested electrode (its active material "
                                "and electrode; the cell section is kept in calibrated.toml, so a full-cell design "
                                "gets the half-cell calibration)."),
    out_dir: Optional[Path] = typer.Option(None, "-o", "--out-dir", help="Output folder (default: "
                                           "sianode-output/<first data file name>/)."),
    fit_cycles: Optional[int] = typer.Option(None, "--fit-cycles", min=2, help="Fit cycles 1..N; the later cycles are "
                                             "held out and the forecast error on them is reported. Default: half of "
                                             "the shortest cell's cycles."),
    mass_mg: Optional[float] = typer.Option(None, "--mass-mg", help="Active-material mass, mg (overrides the file's; "
                                            "without any mass the capacity is fitted in mAh and mAh/g stays the "
                                            "design's)."),
    ce: str = typer.Option("auto", "--ce", help="How the coulombic efficiency is used: auto (as measured; only its "
                           "trend when it is above 100 %), absolute, offset (trend only), off."),
    particles: int = typer.Option(1000, "--particles", min=100, max=20000, help="Sampler particles (more: smoother "
                                  "intervals, slower)."),
    seed: int = typer.Option(20250617, "--seed", min=0, help="Random seed (same data and seed: same result)."),
    html: bool = typer.Option(True, "--html/--no-html", help="Also write report.html."),
) -> None:
    """Calibrate a design on measured half cells (posterior with intervals), forecast held-out cycles, and write
    calibrated.toml for `sianode run`."""
    with exit_codes(err_console):
        from rich.progress import Progress

        from sianode.calibration.output import calibration_json, design_toml
        from sianode.design import load_design
        from sianode.results import summary_json

        from sianode.calibration.data import read_cells

        d = load_design(design)
        if ce not in ("auto", "absolute", "offset", "off"):
            from sianode.errors import InputError

            raise InputError(f"CE mode {ce!r} not understood; use one of auto, absolute, offset, off", field="--ce")
        with Progress(console=err_console, transient=True) as prog:
            task = prog.add_task("reading the measured cells", total=None)
            cells = read_cells(data, active_mass_mg=mass_mg)  # bad files stop here, before anything is written
            if fit_cycles is not None and all(int(c.cycles[c.cycles <= fit_cycles].size) < 2 for c in cells):
                from sianode.errors import InputError

                raise InputError(f"--fit-cycles {fit_cycles} leaves fewer than 2 cycles to fit", field="--fit-cycles")
            out = ensure_out_dir(out_dir or default_out_dir(Path(data[0]).stem, "calibration"))
            prog.update(task, description="running the design's stages")

            def tick(stage, beta):
                prog.update(task, description=f"sampling: stage {stage}, tempering {beta:.3f}")

            cells, res, cal_design = run_calibration(data, d, fit_cycles=fit_cycles, mass_mg=mass_mg, ce=ce,
                                                     particles=particles, seed=seed, progress=tick, cells=cells)
            prog.update(task, description="writing")
            header = (f"# Calibrated by `sianode calibrate` on {', '.join(c.name for c in cells)} "
                      f"(cycles 1-{res.fit_cycles} fitted).\n# Change [cell] to predict another cell with the same "
                      "anode, then: sianode run <this file>\n\n")
            files = {out / "calibrated.toml": design_toml(cal_design, header),
                     out / "calibration.json": summary_json(calibration_json(res)),
                     out / "calibration_curves.csv": res.curves}
            if html:
                import tempfile

                from sianode.calibration.report import write_report

                with tempfile.TemporaryDirectory() as td:
                    page = write_report(res, Path(td) / "r.html", f"Calibration: {d.name}")
                    files[out / "report.html"] = page.read_text(encoding="utf-8")
            written = write_atomic(files)
    lvl = int(round(100 * res.level))
    from rich import box

    t = Table(title=f"calibrate: {d.name} on {len(cells)} cell(s), cycles 1-{res.fit_cycles} fitted",
              box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, padding=(0, 1))
    for col in ("parameter", "value", f"{lvl} % interval", "unit", "status"):
        t.add_column(col, justify="left" if col in ("parameter", "status", "unit") else "right", no_wrap=True)
    from sianode.calibration.output import key_table

    short = {"weakly constrained": "weak"}
    for row in key_table(res):
        t.add_row(*row[:4], short.get(row[4], row[4]))
    console.print(t)
    console.print("[dim]status: identified = posterior interval < 1/2 of the prior's; weak = < 90 %; prior = not "
                  "identified by the data, kept at the model's value[/dim]")
    fc = res.forecast
    if fc["checked_cycles"]:
        console.print(f"forecast of {fc['checked_cycles']} held-out cycle(s): capacity error (MAPE) "
                      f"{fc['capacity_mape_pct']:.2f} %, {fc['band_coverage_pct']:.0f} % of them inside the {lvl} % "
                      f"predictive band (fit RMSE {fc['fit_rmse_pct']:.2f} %)")
    else:
        console.print("no held-out cycles (every cycle was fitted): no forecast check; use --fit-cycles N to hold some out")
    for w in res.warnings:
        console.print(f"[yellow]warning:[/yellow] {w}", highlight=False)
    for p in written:
        console.print(f"wrote {p}")
    console.print(f"[dim]next: sianode run {out / 'calibrated.toml'} (5th-95th percentile bands from the posterior)[/dim]")
