"""Measured cells for calibration: what ``sianode analyze`` finds, reduced to what the fit compares.

Every file goes through :func:`sianode.analysis.cycling.analyze_cycling` (the same readers and cycle logic as
``sianode analyze``; numbered parts ``name_01``, ``name_02`` of one test are merged). Of its per-cycle table the
calibration uses the **included** complete cycles (analyze's flags exclude interrupted cycles and implausible
efficiencies) and, per cycle:

* the delithiation (reversible) capacity, mAh/g of active material when the mass is known (from the file or
  ``active_mass_mg``), else mAh;
* the coulombic efficiency ``CE = Q_delithiation / Q_lithiation`` (anode half cell, analyze's convention); the
  first cycle's is the ICE;
* the C-rate ``I_delithiation / Q_rev(first cycle)`` (1/h) and the rest time of the cycle (h);
* the voltage window and, when the file has a temperature column, the mean temperature.

CE above 100 % is kept (real Si half cells show it, e.g. cellpy's cell: 104 % in cycles 2-17): the fit then
uses the CE *trend* only (:mod:`sianode.calibration.likelihood`, ``ce_mode``). Full cells are refused with a
clear message: the calibration's forward model is the anode half cell.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sianode.errors import InputError

#: Lowest believable cycle-to-cycle scatter of a coulombic efficiency (fraction): 0.1 pp, the accuracy a
#: standard coin-cell cycler reaches (Smith et al., J. Electrochem. Soc. 157 (2010) A196: ordinary chargers
#: are good to ~0.1 %, high-precision ones to 0.01 %).
CE_NOISE_FLOOR = 1e-3

#: Two cycles are at different rates (a rate step) when their C-rates differ by more than this fraction.
RATE_STEP_REL = 0.2


@dataclass
class CellData:
    """One measured anode half cell reduced to the per-cycle numbers the calibration compares."""

    name: str
    files: list[str]
    sha256: list[str]
    cycles: np.ndarray  # included complete cycle numbers, increasing
    capacity: np.ndarray  # delithiation capacity per cycle (unit)
    ce: np.ndarray  # Q_delithiation / Q_lithiation per cycle (fraction)
    c_rate: np.ndarray  # 1/h per cycle
    rest_h: np.ndarray  # rest per cycle, h
    unit: str  # "mAh/g" or "mAh"
    mass_g: float | None
    v_min_V: float
    v_max_V: float
    temperature_C: float | None
    ice: float | None  # CE of cycle 1 when cycle 1 is included
    notes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def fitted(self, fit_cycles: int) -> np.ndarray:
        """Mask of the cycles the fit uses (cycle number <= fit_cycles)."""
        return self.cycles <= fit_cycles

    def ce_noise(self, fit_cycles: int) -> float:
        """Cycle-to-cycle scatter of the CE in the fitted cycles after the first (robust, from successive
        differences: 1.4826 MAD / sqrt 2), at least :data:`CE_NOISE_FLOOR`."""
        m = self.fitted(fit_cycles) & (self.cycles >= 2)
        ce = self.ce[m]
        if ce.size < 3:
            return CE_NOISE_FLOOR
        d = np.diff(ce)
        s = 1.4826 * float(np.median(np.abs(d - np.median(d)))) / np.sqrt(2.0)
        return max(s, CE_NOISE_FLOOR)

    def rate_steps(self, fit_cycles: int) -> bool:
        """True when the fitted cycles hold more than one C-rate (a rate step)."""
        c = self.c_rate[self.fitted(fit_cycles)]
        return c.size > 1 and float(c.max() / c.min()) > 1.0 + RATE_STEP_REL

    def cycle_range(self, mask) -> str:
        c = self.cycles[mask]
        return "" if c.size == 0 else (f"{c[0]}" if c.size == 1 else f"{c[0]}-{c[-1]}")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _rest_per_cycle(steps: pd.DataFrame) -> pd.Series:
    rest = steps[steps["direction"] == 0]
    return rest.groupby("cycle")["duration_s"].sum() / 3600.0


def cell_from_result(res, name: str, files: list[str], sha: list[str], active_mass_g: float | None = None) -> CellData:
    """A :class:`CellData` from an :class:`~sianode.analysis.cycling.CyclingResult` (see module docstring)."""
    if res.cell_type != "anode half cell":
        raise InputError(f"{name}: analyze finds a {res.cell_type} (voltages above 2 V): `sianode calibrate` fits "
                         "anode half cells (Si vs Li); calibrate on the anode's half cells and predict the full cell "
                         "by changing the calibrated design's [cell] section", field=name)
    c = res.cycles
    use = c[c["included"] & c["complete"]].sort_values("cycle")
    if len(use) < 2:
        raise InputError(f"{name}: {len(use)} complete, included cycle(s); calibration needs at least 2 "
                         "(analyze's flags: " + ("; ".join(f"{f['quantity']}: {f['reason']}" for f in res.flags)
                                                 or "none") + ")", field=name)
    mass = active_mass_g if active_mass_g is not None else c.attrs.get("active_mass_g")
    notes = []
    if mass is not None and "delithiation_capacity_mAh_g" in use and np.all(np.isfinite(use["delithiation_capacity_mAh_g"])):
        cap = use["delithiation_capacity_mAh_g"].to_numpy(float)
        unit = "mAh/g"
    else:
        cap = use["delithiation_capacity_mAh"].to_numpy(float)
        unit, mass = "mAh", None
        notes.append("no active mass (file or --mass-mg): capacities in mAh; the specific capacity (mAh/g) is not "
                     "calibrated and stays at the design's value")
    if np.any(~(cap > 0)):
        raise InputError(f"{name}: a included cycle has no delithiation capacity", field=name)
    ce = use["coulombic_efficiency"].to_numpy(float)
    q0_mAh = float(use["delithiation_capacity_mAh"].iloc[0])
    i_out = use["current_out_mA"].abs().to_numpy(float)
    c_rate = i_out / q0_mAh
    rest = _rest_per_cycle(res.steps).reindex(use["cycle"]).fillna(0.0).to_numpy(float)
    cycles = use["cycle"].to_numpy(int)
    ice = float(ce[0]) if cycles[0] == 1 else None
    if ice is None:
        notes.append(f"the file's first included cycle is {cycles[0]}, not the formation cycle: ICE not measured")
    temp = None
    if "temperature_C" in res.data and res.data["temperature_C"].notna().any():
        temp = float(res.data["temperature_C"].mean())
    above = cycles[(ce > 1.0) & (cycles >= 2)]
    if above.size:
        notes.append(f"CE above 100 % in cycle(s) {_ranges(above)} (max {100 * ce.max():.1f} %): kept; analyze flags "
                     "only CE above 120 %")
    flags = [f"{f['quantity']}: {f['reason']}" for f in res.flags] + [f"reader: {w}" for w in res.warnings]
    return CellData(name=name, files=list(files), sha256=list(sha), cycles=cycles, capacity=cap, ce=ce,
                    c_rate=c_rate, rest_h=rest, unit=unit, mass_g=None if mass is None else float(mass),
                    v_min_V=float(use["voltage_min_V"].min()), v_max_V=float(use["voltage_max_V"].median()),
                    temperature_C=temp, ice=ice, notes=notes, flags=flags)


def _ranges(c) -> str:
    c = sorted(int(x) for x in c)
    out, start, prev = [], c[0], c[0]
    for x in c[1:] + [None]:
        if x is not None and x == prev + 1:
            prev = x
            continue
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
        if x is not None:
            start = prev = x
    return ", ".join(out)


def read_cells(paths: list[Path | str], active_mass_mg: float | None = None, merge_parts: bool = True,
               names: list[str] | None = None, **read_kwargs) -> list[CellData]:
    """Analyse every file (numbered parts of one test merged) into :class:`CellData` (one per cell)."""
    from sianode.analysis.cycling import analyze_cycling
    from sianode.iotools import group_parts

    paths = [Path(p) for p in paths]
    if not paths:
        raise InputError("give at least one measured file", field="DATA")
    for p in paths:
        if not p.exists():
            raise InputError("file not found", field=str(p))
        if p.is_dir():
            raise InputError("is a directory; give the cycler files", field=str(p))
    if active_mass_mg is not None and not (active_mass_mg > 0):
        raise InputError(f"must be > 0 mg, got {active_mass_mg}", field="--mass-mg")
    groups = group_parts(paths) if merge_parts else [[p] for p in paths]
    cells = []
    for i, g in enumerate(groups):
        src = g[0] if len(g) == 1 else list(g)
        res = analyze_cycling(src, active_mass_g=None if active_mass_mg is None else active_mass_mg * 1e-3,
                              **read_kwargs)
        name = names[i] if names else (g[0].name if len(g) == 1 else f"{g[0].name} (+{len(g) - 1} parts)")
        cells.append(cell_from_result(res, name, [str(p) for p in g], [sha256_of(p) for p in g],
                                      None if active_mass_mg is None else active_mass_mg * 1e-3))
    return cells

