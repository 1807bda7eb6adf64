"""``sianode simulate [DESIGN.toml] --experiment rate|fast-charge|temperature|gitt|partial-soc|calibrate``.

Runs one PyBaMM experiment on a design (or on a BPX file with ``--bpx``), prints its key results as a
table with units, then where the outputs went: tidy CSV tables, ``summary.json`` (strict JSON: the
experiment, the design, the key numbers and the main table) and, with ``--export-bpx``, the parameter
set as BPX, in ``sianode-output/<design or BPX file name>/simulate-<experiment>/`` (or ``-o DIR``).
"""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sianode.clitools import exit_codes

console = Console()
err_console = Console(stderr=True)


class Experiment(str, Enum):
    rate = "rate"
    fast_charge = "fast-charge"
    temperature = "temperature"
    gitt = "gitt"
    partial_soc = "partial-soc"
    calibrate = "calibrate"


class Model(str, Enum):
    DFN = "DFN"
    SPMe = "SPMe"
    SPM = "SPM"


EXPERIMENTS = tuple(e.value for e in Experiment)

#: Columns of each experiment's key-results table (the main table of the experiment).
SHOW = {"rate_table": ["current_A_g", "c_rate", "delithiation_capacity_mAh_g", "avg_lithiation_V",
                       "avg_delithiation_V", "plating_margin_V"],
        "fast_charge": ["c_rate", "temperature_C", "plating_margin_V", "soc_reached", "soc_at_plating_onset"],
        "temperature_sweep": ["temperature_C", "c_rate", "delithiation_capacity_mAh_g",
                              "plating_margin_equal_charge_V", "common_soc", "plating_soc_reached",
                              "soc_at_voltage_limit"],
        "gitt": ["pulse", "time_s", "voltage_V", "si_stoichiometry"],
        "partial_soc": ["soc_lo", "soc_hi", "delivered_capacity_mAh_g", "x_swing", "expansion_amplitude"],
        "calibration": ["current_A_g", "measured_mAh_g", "simulated_mAh_g", "rel_error", "role"]}

#: What the calibration fits (Liu et al., Nano-Micro Lett. 17 (2025) 297, §3.2; sianode.echem.calibrate).
CALIBRATION_DATA = ("reversible capacity of p-mSi@SiOx/C vs Li measured by Liu et al., Nano-Micro Lett. 2025 "
                    "(0.01–1.0 V): 1485.5 mAh/g at 1 A/g and 850.4 mAh/g at 8 A/g fitted, 1123.0 mAh/g at 5 A/g "
                    "predicted")


def _header(col: str) -> str:
    from sianode.units import label_and_unit

    label, unit = label_and_unit(col)
    return f"{label} ({unit})" if unit else label


def _key_table(df, title: str, cols) -> Table:
    t = Table(title=title, title_justify="left")
    cols = [c for c in cols if c in df.columns]
    for c in cols:
        t.add_column(_header(c), justify="right")
    for _, r in df.iterrows():
        t.add_row(*[escape(f"{r[c]:.4g}" if isinstance(r[c], float) else str(r[c])) for c in cols])
    return t


def _choice(enum, value, option: str) -> str:
    """``value`` as one of ``enum``'s values (the CLI passes an Enum member, Python callers may pass a string)."""
    from sianode.errors import InputError

    v = getattr(value, "value", value)
    allowed = [e.value for e in enum]
    match = next((a for a in allowed if str(v).lower() == a.lower()), None)
    if match is None:
        raise InputError(f"unknown value {v!r} for {option}; choose one of: {', '.join(allowed)}", field=option)
    return match


def _gitt_points(df):
    """The relaxed voltage at the end of each GITT rest (the quasi-equilibrium points)."""
    rest = df[df.step == "rest"]
    return rest.groupby("pulse", as_index=False).last()


def simulate(
    design: Optional[Path] = typer.Argument(None, help="Design TOML file. Omit for the bundled default design."),
    experiment: Experiment = typer.Option(Experiment.rate, "--experiment", "-e", case_sensitive=False,
                                          help="rate table, fast charge (Li-plating margin), temperature sweep, "
                                               "GITT, partial-SOC window, or calibrate the Si kinetics against "
                                               "the rate data of Liu et al., Nano-Micro Lett. 2025."),
    out_dir: Optional[Path] = typer.Option(None, "-o", "--out-dir", help="Folder for the CSV tables and "
                                           "summary.json. Default: sianode-output/<design or BPX file name>/"
                                           "simulate-<experiment>/."),
    model: Model = typer.Option(Model.DFN, "--model", help="PyBaMM model."),
    bpx_file: Optional[Path] = typer.Option(None, "--bpx", help="Use the electrochemistry of this BPX file instead "
                                            "of the design's (full cell)."),
    export_bpx: bool = typer.Option(False, "--export-bpx", help="Also write the parameter set as BPX JSON."),
    temperature_C: float = typer.Option(25.0, "--temperature", help="Temperature for rate/gitt/partial-soc, °C."),
) -> None:
    """Simulate a design with PyBaMM: rate table, fast charge (plating margin), temperature sweep, GITT,
    partial-SOC window, or a calibration of the Si kinetics against published rate data."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from sianode.clitools import design_out_dir, print_outputs, write_atomic
    from sianode.results import summary_json

    with exit_codes(err_console, failed="simulation failed"):
        exp, model = _choice(Experiment, experiment, "--experiment"), Model(_choice(Model, model, "--model"))
        from sianode.design import load_design, load_example
        from sianode.echem import bpx_io, calibrate, experiments as E, parameters as P
        from sianode.echem.simulate import CellSimulator

        if exp == "calibrate" and bpx_file is not None:
            from sianode.errors import InputError

            raise InputError("--bpx cannot be calibrated: calibrate fits the Si kinetics of a design; drop --bpx",
                             field="--bpx")
        d = None
        if bpx_file is None and (design is not None or exp != "calibrate"):
            d = load_example() if design is None else load_design(design)
        # calibrate without a design simulates the bundled porous_micro_si example (the paper's material)
        source = bpx_file if bpx_file is not None else design if design is not None or exp != "calibrate" \
            else Path("porous_micro_si")
        summary: dict = {"experiment": exp, "model": model.value}
        with design_out_dir(source, out_dir, f"simulate-{exp}") as out, \
                Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                         console=err_console, transient=True) as prog:
            task = prog.add_task("building the parameter set and the PyBaMM model", total=None)
            if exp == "calibrate":
                prog.update(task, description="calibrating the Si diffusivity and reaction rate (Liu et al. 2025)")
                from sianode.chain import upstream_for

                res = calibrate.calibrate(d, model=model.value, upstream_for=upstream_for)
                tables = {"calibration": res.pop("table")}
                design_name = d.name if d is not None else "p-mSi@SiOx/C of Liu et al. 2025 (bundled " \
                                                           "porous_micro_si design, 0.01–1.0 V)"
                summary.update({"design": design_name, "data_fitted": CALIBRATION_DATA,
                                **{k: v for k, v in res.items()}})
            else:
                if bpx_file is not None:
                    cp = bpx_io.from_bpx(bpx_file)
                    summary["design"] = f"BPX file {bpx_file.name}"
                else:
                    from sianode.chain import upstream_for

                    cp = P.from_design(d, upstream_for(d, "echem"))
                    summary["design"] = d.name
                sim = CellSimulator(cp, model=model.value)
                prog.update(task, description=f"running '{exp}'")
                summary["temperature_C"] = temperature_C
                if exp == "rate":
                    if cp.kind == "half":
                        rt, curves = E.rate_capability(sim, temperature_C=temperature_C)
                    else:
                        rt, curves = E.rate_capability(sim, c_rates=E.RATE_C_RATES, temperature_C=temperature_C)
                    tables = {"rate_table": rt, "voltage_curves": curves}
                elif exp == "fast-charge":
                    fc, curves = E.fast_charge(sim, temperatures_C=(25.0, 0.0, -20.0))
                    tables = {"fast_charge": fc, "fast_charge_curves": curves}
                elif exp == "temperature":
                    tables = {"temperature_sweep": E.temperature_sweep(sim)}
                elif exp == "gitt":
                    tables = {"gitt": E.gitt(sim, temperature_C=temperature_C)}
                else:
                    tables = {"partial_soc": E.partial_soc(sim, temperature_C=temperature_C)}
                tables["parameters"] = P.provenance_table(cp)
                if export_bpx:
                    prog.update(task, description="writing BPX")
                    p = (bpx_io.export_bpx(cp, out / "echem_parameters.bpx.json") if cp.kind == "full"
                         else bpx_io.export_design(d, out / "echem_parameters.bpx.json", upstream_for))
                    summary["bpx"] = str(p)
            main = next(iter(tables))
            shown = _gitt_points(tables[main]) if main == "gitt" else tables[main]
            summary["key_table"] = shown[[c for c in SHOW[main] if c in shown.columns]].to_dict("records")
            files = {out / f"echem_{name}.csv": t for name, t in tables.items()}
            files[out / "summary.json"] = summary_json(summary) + "\n"
            written = write_atomic(files)
            if "bpx" in summary:
                written.append(Path(summary["bpx"]))
    if exp == "calibrate":
        _print_calibration(summary, tables["calibration"])
    else:
        title = {"rate_table": "rate capability", "fast_charge": "fast charge: Li-plating margin",
                 "temperature_sweep": "temperature sweep", "gitt": "GITT: relaxed voltage after each pulse",
                 "partial_soc": "partial-SOC window"}[main]
        step = max(1, -(-len(shown) // 12))  # at most ~12 rows on screen; every row is in the CSV
        if step > 1:
            title += f" (1 row in {step} of {len(shown)} shown; the full data in echem_{main}.csv)"
        console.print(_key_table(shown.iloc[::step], f"simulate {exp} ({model.value}): {summary['design']} — {title}",
                                 SHOW[main]))
    print_outputs(console, out, written)


def _print_calibration(s: dict, table) -> None:
    """What was fitted to which data, the fitted values with units, and the prediction check."""
    console.print(f"[bold]calibrated[/bold] {s['design']} ({s['model']})", highlight=False)
    console.print(f"data fitted: {s['data_fitted']}", highlight=False, soft_wrap=True)
    t = Table(title="fitted Si kinetics (all else: the design and the materials stage)", title_justify="left")
    for c in ("quantity", "value", "unit"):
        t.add_column(c, justify="right" if c == "value" else "left")
    t.add_row("Si diffusivity factor (x design value)", f"{s['d_factor']:.3g}", "")
    t.add_row("Si diffusivity", f"{s['diffusivity_m2_s']:.3g}", "m2/s")
    t.add_row("Si reaction-rate factor (x design value)", f"{s['k_factor']:.3g}", "")
    t.add_row("Si reaction rate constant", f"{s['reaction_rate_constant_mol_m2_s']:.3g}", "mol/(m2 s)")
    t.add_row("fit error (rms, relative)", f"{100 * s['fit_rms_rel_error']:.1f}", "%")
    t.add_row(f"prediction at {s['prediction_current_A_g']:g} A/g", f"{s['prediction_mAh_g']:.0f}", "mAh/g")
    t.add_row(f"measured at {s['prediction_current_A_g']:g} A/g", f"{s['prediction_measured_mAh_g']:.0f}", "mAh/g")
    t.add_row("prediction error", f"{100 * s['prediction_rel_error']:+.1f}", "%")
    t.add_row("model evaluations", str(s["nfev"]), "")
    console.print(t)
    shown = table.assign(rel_error_pct=100 * table["rel_error"])
    console.print(_key_table(shown, "measured vs simulated reversible capacity",
                             ["current_A_g", "measured_mAh_g", "simulated_mAh_g", "rel_error_pct", "role"]))
