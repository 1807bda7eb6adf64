"""Calibration cases: calibrate on the first half of a real half cell's cycles, forecast the rest.

Each case runs ``sianode calibrate``'s own path (:func:`sianode.calibration.cli.run_calibration`: the readers of
``sianode analyze``, the chain for the tested electrode, the sampler) on a real file with the generic nano-Si
design ``designs/generic_si_halfcell.toml`` and ``--fit-cycles`` = half of the cell's cycles. Predictions: the
forecast error over the held-out cycles (MAPE) and the forecast capacity of the last held-out cycle against the
file's own number; fit: the model's capacity at the last fitted cycle.

Files: cellpy's Si half cell (bundled, Arbin .res, needs mdbtools), cellpy's Neware UiO half cell (bundled), and
navani's 30-cycle half cell (2.3 MB .xlsx, not bundled: read from ``../shared/realdata`` of a source checkout or
the folder ``SIANODE_REALDATA`` names, else not run).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from sianode.validation.cases import CaseNotRun, CaseOutput, adapter
from sianode.validation.cases.realdata import bundled_bytes

DESIGN = "generic_si_halfcell.toml"


def realdata_file(relative: str) -> Path:
    """A file of the shared real-data collection, or CaseNotRun saying where it is looked for."""
    roots = [Path(os.environ["SIANODE_REALDATA"])] if os.environ.get("SIANODE_REALDATA") else []
    roots.append(Path(__file__).resolve().parents[5] / "shared" / "realdata")
    for r in roots:
        if (r / relative).is_file():
            return r / relative
    raise CaseNotRun(f"needs {relative} of the shared real-data collection (not bundled); set SIANODE_REALDATA to "
                     "the folder holding it")


def _run(path: Path, n_cycles_hint: str) -> CaseOutput:
    from sianode.calibration.cli import run_calibration
    from sianode.validation.designs import load_case_design

    cells, res, _ = run_calibration([path], load_case_design(DESIGN))  # fit cycles: half of the cell's
    cell, info = cells[0], res.per_cell[0]
    cur = res.curves
    capcol = [c for c in cur.columns if c.startswith("capacity_")][0]
    to_mAh = cell.mass_g if cell.unit == "mAh/g" else 1.0  # mAh/g x g = mAh
    held = cur[~cur["fitted"]]
    fitted = cur[cur["fitted"]]
    vals = {"forecast_mape": res.forecast["capacity_mape_pct"],
            "last_capacity_mAh": float(held["model_p50"].iloc[-1] * to_mAh),
            "last_fitted_capacity_mAh": float(fitted["model_p50"].iloc[-1] * to_mAh)}
    p = res.parameters
    details = {"cycles fitted / checked": f"{info['cycles_fitted']} / {info['cycles_checked']}",
               "held-out points inside the 95 % predictive band (%)": res.forecast["band_coverage_pct"],
               "capacity RMSE of the fit (%)": res.forecast["fit_rmse_pct"],
               "CE used as": info["ce_mode"],
               "identified parameters": ", ".join(k for k, v in p.items() if v["status"] == "identified") or "none",
               "weakly constrained": ", ".join(k for k, v in p.items() if v["status"] == "weakly constrained") or "none",
               "measured data": n_cycles_hint}
    if "reversible_capacity_mAh_g" in p:
        q = p["reversible_capacity_mAh_g"]
        details["reversible capacity (mAh/g, 95 %)"] = f"{q['value']:.0f} ({q['ci_low']:.0f}-{q['ci_high']:.0f})"
    if "ice" in p:
        q = p["ice"]
        details["ICE (%, 95 %)"] = f"{100 * q['value']:.2f} ({100 * q['ci_low']:.2f}-{100 * q['ci_high']:.2f})"
    for w in res.warnings:
        details.setdefault("warnings", "")
        details["warnings"] += w + " "
    table = cur[["cycle", "fitted", "c_rate", capcol, "model_p50", "predictive_low", "predictive_high",
                 "residual_pct"]].copy()
    return CaseOutput(vals, details=details, table=pd.DataFrame(table))


def _from_bundle(name: str, hint: str) -> CaseOutput:
    tmp = Path(tempfile.mkdtemp(prefix="sianode-validation-"))
    try:
        path = tmp / name
        path.write_bytes(bundled_bytes(name))
        return _run(path, hint)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@adapter("calibration-si-halfcell")
def si_halfcell() -> CaseOutput:
    from sianode.iotools.arbin import mdbtools_available

    if not mdbtools_available():
        raise CaseNotRun("the Arbin .res reader needs 'mdb-export' (Debian/Ubuntu package mdbtools: "
                         "apt-get install mdbtools)")
    return _from_bundle("20160805_test001_45_cc_01.res", "cellpy's Si half cell, 17 complete cycles, 0.853 mg")


@adapter("calibration-neware-uio")
def neware_uio() -> CaseOutput:
    return _from_bundle("neware_uio.csv", "cellpy's Neware UiO half cell, 4 complete cycles, no mass")


@adapter("calibration-navani-30")
def navani_30() -> CaseOutput:
    path = realdata_file("navani/NJK_CC_156_C30_C_x30.xlsx")
    return _run(path, "navani's anode half cell, 30 cycles, no mass in the Record sheet")

