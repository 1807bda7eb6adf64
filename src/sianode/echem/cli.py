"""``sianode simulate [DESIGN.toml] --experiment rate|fast-charge|temperature|gitt|partial-soc|calibrate``.

Runs one PyBaMM experiment on a design (or on a BPX file with ``--bpx``), prints a rich table and
writes tidy CSV tables (and a BPX export with ``--export-bpx``) into ``--out-dir``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from sianode.clitools import exit_codes
from sianode.errors import InputError

console = Console()
err_console = Console(stderr=True)
EXPERIMENTS = ("rate", "fast-charge", "temperature", "gitt", "partial-soc", "calibrate")


def _print(df, title: str, cols=None) -> None:
    t = Table(title=title)
    cols = cols or [c for c in df.columns if df[c].dtype.kind in "fiub" or c in ("step", "role", "protocol")]
    for c in cols:
        t.add_column(c, justify="right")
    for _, r in df.head(40).iterrows():
        t.add_row(*[f"{r[c]:.4g}" if isinstance(r[c], float) else str(r[c]) for c in cols])
    console.print(t)


def simulate(
    design: Optional[Path] = typer.Argument(None, help="Design TOML file. Omit for the bundled default design."),
    experiment: str = typer.Option("rate", "--experiment", "-e",
                                   help="rate | fast-charge | temperature | gitt | partial-soc | calibrate"),
    out_dir: Path = typer.Option(Path("sianode-output"), "-o", "--out-dir", help="Directory for the CSV tables."),
    model: str = typer.Option("DFN", "--model", help="PyBaMM model: DFN, SPMe or SPM."),
    bpx_file: Optional[Path] = typer.Option(None, "--bpx", help="Use the electrochemistry of this BPX file instead "
                                            "of the design's (full cell)."),
    export_bpx: bool = typer.Option(False, "--export-bpx", help="Also write the parameter set as BPX JSON."),
    temperature_C: float = typer.Option(25.0, "--temperature", help="Temperature for rate/gitt/partial-soc, °C."),
) -> None:
    """Simulate a design with PyBaMM: rate table, fast charge (plating margin), temperature sweep or GITT."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with exit_codes(err_console, failed="simulation failed"):
        if experiment not in EXPERIMENTS:
            raise InputError(f"unknown experiment {experiment!r}; choose one of {', '.join(EXPERIMENTS)}",
                             field="--experiment")
        from sianode.design import load_design, load_example
        from sianode.echem import bpx_io, calibrate, experiments as E, parameters as P
        from sianode.echem.simulate import CellSimulator

        out_dir.mkdir(parents=True, exist_ok=True)
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=err_console, transient=True) as prog:
            task = prog.add_task("building the parameter set and the PyBaMM model", total=None)
            if experiment == "calibrate":
                prog.update(task, description="calibrating D and k against seeds/002 (1 and 8 A/g)")
                from sianode.chain import upstream_for

                res = calibrate.calibrate(None if design is None else load_design(design), model=model,
                                          upstream_for=upstream_for)
                tables = {"calibration": res.pop("table")}
                console.print({k: v for k, v in res.items()})
            else:
                if bpx_file is not None:
                    cp = bpx_io.from_bpx(bpx_file)
                else:
                    from sianode.chain import upstream_for

                    d = load_example() if design is None else load_design(design)
                    cp = P.from_design(d, upstream_for(d, "echem"))
                sim = CellSimulator(cp, model=model)
                prog.update(task, description=f"running '{experiment}'")
                if experiment == "rate":
                    if cp.kind == "half":
                        rt, curves = E.rate_capability(sim, temperature_C=temperature_C)
                    else:
                        rt, curves = E.rate_capability(sim, c_rates=E.RATE_C_RATES, temperature_C=temperature_C)
                    tables = {"rate_table": rt, "voltage_curves": curves}
                elif experiment == "fast-charge":
                    fc, curves = E.fast_charge(sim, temperatures_C=(25.0, 0.0, -20.0))
                    tables = {"fast_charge": fc, "fast_charge_curves": curves}
                elif experiment == "temperature":
                    tables = {"temperature_sweep": E.temperature_sweep(sim)}
                elif experiment == "gitt":
                    tables = {"gitt": E.gitt(sim, temperature_C=temperature_C)}
                else:
                    tables = {"partial_soc": E.partial_soc(sim, temperature_C=temperature_C)}
                tables["parameters"] = P.provenance_table(cp)
                if export_bpx:
                    p = (bpx_io.export_bpx(cp, out_dir / "echem_parameters.bpx.json") if cp.kind == "full"
                         else bpx_io.export_design(d, out_dir / "echem_parameters.bpx.json", upstream_for))
                    console.print(f"BPX: {p}")
        main = next(iter(tables))
        df = tables[main]
        show = {"rate_table": ["current_A_g", "c_rate", "delithiation_capacity_mAh_g", "avg_lithiation_V",
                               "avg_delithiation_V", "plating_margin_V"],
                "fast_charge": ["c_rate", "temperature_C", "plating_margin_V", "soc_reached", "soc_at_plating_onset"],
                "temperature_sweep": ["temperature_C", "c_rate", "delithiation_capacity_mAh_g",
                                      "plating_margin_equal_charge_V", "common_soc", "plating_soc_reached",
                                      "soc_at_voltage_limit"],
                "gitt": ["pulse", "step", "time_s", "voltage_V", "si_stoichiometry"],
                "partial_soc": ["soc_lo", "soc_hi", "delivered_capacity_mAh_g", "x_swing", "expansion_amplitude"],
                "calibration": ["current_A_g", "measured_mAh_g", "simulated_mAh_g", "rel_error", "role"]}
        _print(df if main != "gitt" else df.iloc[:: max(len(df) // 40, 1)], f"echem: {experiment}", show.get(main))
        for name, t in tables.items():
            p = out_dir / f"echem_{name}.csv"
            t.to_csv(p, index=False)
            console.print(str(p))
