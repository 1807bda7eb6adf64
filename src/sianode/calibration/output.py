"""What a calibration writes: the calibrated design (TOML), ``calibration.json`` and the tables behind the report.

* ``calibrated.toml``: the design as given (its cell section untouched: change it to predict another cell) plus a
  ``[calibration]`` section (:class:`sianode.design.schema.Calibration`): every parameter with its value, interval,
  unit, the model's nominal, status and note, the files (sha256) and cycles it came from, and the joint posterior
  samples that ``sianode run`` propagates.
* ``calibration.json``: ``parameters`` as ``{name: {value, ci_low, ci_high, unit, fitted_on, status, note, ...}}``,
  ``forecast`` as ``{fit_cycles, checked_cycles, capacity_mape_pct, band_coverage_pct, fit_rmse_pct}``, the cells,
  the method, notes and warnings (strict JSON).
"""
from __future__ import annotations

import numpy as np

from sianode.calibration.calibrate import CalibrationResult
from sianode.life import uncertainty

#: Significant digits of the stored samples (the posterior's Monte Carlo error is far larger).
SAMPLE_DIGITS = 6


def _round(x: float, digits: int = SAMPLE_DIGITS) -> float:
    return float(f"{float(x):.{digits}g}")


def stored_parameters(result: CalibrationResult) -> dict:
    """The parameters the calibrated design carries: not-identified *measured* properties are left out (the
    materials stage's estimate stays), not-identified life parameters stay at their nominal value."""
    out = {}
    for name, p in result.parameters.items():
        target = uncertainty.entry(name).target
        if target == "materials" and p["status"] == "prior":
            continue
        out[name] = dict(p)
    return out


def calibration_section(result: CalibrationResult) -> dict:
    """The ``[calibration]`` section as a plain mapping (validated by the design schema when loaded)."""
    params = stored_parameters(result)
    section = {
        "method": result.method,
        "level": result.level,
        "seed": int(result.seed),
        "sources": [],
        "parameters": {},
        "samples": {k: [_round(x) for x in result.samples[k]] for k in params if k in result.samples},
    }
    for cell, info in zip(result.cells, result.per_cell):
        for f, h in zip(cell.files, cell.sha256):
            src = {"file": f.rsplit("/", 1)[-1], "sha256": h, "cycles_fitted": info["cycles_fitted"],
                   "cycles_checked": info["cycles_checked"]}
            if cell.mass_g is not None:
                src["active_mass_mg"] = _round(1000 * cell.mass_g)
            section["sources"].append(src)
    for name, p in params.items():
        entry = {"value": _round(p["value"]), "ci_low": _round(p["ci_low"]), "ci_high": _round(p["ci_high"]),
                 "unit": p["unit"], "status": p["status"], "note": p["note"], "fitted_on": p["fitted_on"]}
        entry["ci_low"] = min(entry["ci_low"], entry["value"])
        entry["ci_high"] = max(entry["ci_high"], entry["value"])
        if p.get("nominal") is not None:
            entry["nominal"] = _round(p["nominal"])
        section["parameters"][name] = entry
    return section


def calibrated_design(design, result: CalibrationResult):
    """``design`` (as the user gave it, any earlier calibration replaced) with the ``[calibration]`` section."""
    from sianode.design import design_from_dict

    # only what the user set (the defaults come back on loading; a dumped default can over-determine a full cell)
    d = design.model_dump(mode="json", exclude_unset=True)
    d["calibration"] = calibration_section(result)
    return design_from_dict(d, source="calibrated design")


def design_toml(design, header: str = "") -> str:
    """TOML text of a design (None fields left out; the calibration section last)."""
    import tomli_w

    d = design.model_dump(mode="json", exclude_unset=True, exclude_none=True)
    cal = d.pop("calibration", None)
    text = tomli_w.dumps(d)
    if cal is not None:
        samples = cal.pop("samples", {})
        text += "\n" + tomli_w.dumps({"calibration": cal})
        if samples:
            lines = ["", "# Joint posterior samples: row i of every list is one parameter set (sianode run propagates them).",
                     "[calibration.samples]"]
            for k, v in samples.items():
                lines.append(f"{k} = [")
                for i in range(0, len(v), 8):
                    lines.append("    " + ", ".join(repr(float(x)) for x in v[i:i + 8]) + ",")
                lines.append("]")
            text += "\n".join(lines) + "\n"
    return (header + text) if header else text


def calibration_json(result: CalibrationResult) -> dict:
    """The ``calibration.json`` content (issue 17's fields first)."""
    params = {}
    for name, p in result.parameters.items():
        params[name] = {k: p.get(k) for k in ("value", "ci_low", "ci_high", "unit", "fitted_on", "status", "note",
                                              "nominal", "prior_low", "prior_high")}
        params[name]["stored_in_design"] = name in stored_parameters(result)
    return {
        "parameters": params,
        "forecast": dict(result.forecast),
        "level": result.level,
        "cells": [{k: v for k, v in info.items()} for info in result.per_cell],
        "method": result.method,
        "seed": result.seed,
        "warnings": list(result.warnings),
        "notes": list(result.notes),
    }


def key_table(result: CalibrationResult) -> list[tuple[str, str, str, str, str]]:
    """Rows ``(parameter, value, interval, unit, status)`` for the terminal and the report."""
    def f(x):
        return f"{x:.0f}" if 100 <= abs(x) < 1e6 else f"{x:.3g}"

    rows = []
    for name, p in result.parameters.items():
        rows.append((name, f(p["value"]), f"{f(p['ci_low'])} - {f(p['ci_high'])}", p["unit"], p["status"]))
    return rows


def finite_or_none(x):
    return None if x is None or not np.isfinite(x) else float(x)
