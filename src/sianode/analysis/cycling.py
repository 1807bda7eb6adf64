"""Cycling metrics from a tidy cycling table (:mod:`sianode.iotools.schema`).

One public entry point, :func:`analyze_cycling` (a path, a list of part files or a tidy
table → :class:`CyclingResult`), is shared by ``sianode analyze`` and every command that needs
measured cycles (calibration, ``compare``). Its per-cycle table has stable column names (see
docs/analysis-cycling.md §3).

What is computed, per step and per cycle
----------------------------------------
* capacity ``Q`` of a step: the cycler's charge counter at the end of the step (or the
  integral ``∫|I|dt`` when the file has no counter); energy ``E = ∫|I V| dt`` likewise.
* per cycle: charge / discharge capacity (mAh, mAh/g of active material, mAh/cm²),
  energies (mWh), average voltages ``V̄ = E / Q`` of each direction, voltage hysteresis
  ``V̄_charge − V̄_discharge``, coulombic and energy efficiency (below), retention, rate table.

Orientation: which direction is "in"
------------------------------------
The cell type decides the convention (``cell_type``; detected from the voltage, or given):

* **anode half cell** (Si, graphite... against Li; the working electrode works below 2 V vs
  Li, seeds/002 §2.3: 0.01–1.0 V): lithiation = discharge of the Li|WE cell, delithiation =
  charge. ``CE = Q_delithiation / Q_lithiation`` (seeds/002 §3.2: "1st discharge/charge
  capacities of 2502.1/1909.0 mAh g⁻¹ with a 76.3 % initial coulombic efficiency").
* **full cell** (or a cathode half cell): ``CE = Q_discharge / Q_charge``.

In both, the forward step (lithiation / charge) is paired with the reverse step that follows
it. A test that starts with the reverse step (a full cell that starts with a discharge, a
half cell that starts with delithiation) pairs the forward step of cycle ``n`` with the
reverse step of cycle ``n + 1``; its first, initial reverse step enters no efficiency.

``EE = E_discharge / E_charge`` of the same pair, in both cell types: the energy the cell
returns over the energy put into it. For an anode half cell that is lithiation energy over
delithiation energy (≈ V̄_lith / V̄_delith / CE, well below 1 for Si's ~0.2 V hysteresis);
the ratio the other way round (delithiation over lithiation energy, 220–375 % on a real Si
cell) is not an efficiency.

Flags: what is excluded from the headline metrics
-------------------------------------------------
Each cycle carries ``complete``, ``included`` and a ``flag`` text naming every reason:

* no reverse step (the test ended inside the cycle);
* interrupted: the last reverse step ended away from the end voltage of the other cycles
  (more than max(20 mV, 2 % of the voltage window)) *and* passed less than 90 % of the
  previous cycle's reverse charge — a cut that neither a voltage nor a capacity limit explains;
* implausible efficiency: CE or EE above :data:`EFFICIENCY_MAX` (1.2). Real Si half cells
  give CE a few percent above 1 when Li trapped in earlier cycles comes back (cellpy's Si
  cell: 104–109 %); 20 % more charge out than in over one cycle is not that but a wrong
  step pairing, a mislabelled file or a corrupt record.

A recorded active mass below 1 µg (:data:`MIN_ACTIVE_MASS_G`) is ignored, and a reversible
specific capacity above 4200 mAh/g (Li22Si5, the highest of any Li host; seeds/003 §1,
seeds/004 §1) flags the mass as wrong and drops the mAh/g headline values.

* ICE: CE of the first complete cycle (if it is included).
* retention: ``Q_rev(n) / Q_rev(ref)`` with the reference chosen by the user (an integer,
  ``"first"`` included cycle or ``"max"``, the highest reversible capacity, seeds/002 §3.2:
  "63.0 % (compared to the highest capacity)"); NaN for incomplete cycles.
* rate capability: consecutive included cycles at the same current (within 5 %) form one
  block (seeds/002 §3.2, Fig. 3a: 0.2, 0.5, 1, 2, 5 A g⁻¹ then back to 1 A g⁻¹).

Everything is vectorised over the contiguous steps with ``numpy.reduceat`` so a
million-row test takes well under a second.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sianode.errors import InputError
from sianode.iotools.merge import step_directions
from sianode.iotools.schema import STEP_TYPES, validate

#: Two currents belong to the same rate block if they differ by less than this fraction.
RATE_REL_TOL = 0.05
#: CE or EE above this is flagged as implausible and kept out of the headline (see above).
EFFICIENCY_MAX = 1.2
#: A recorded active mass below 1 µg is not a real electrode's (issue 16: a file stores 6e-6 mg).
MIN_ACTIVE_MASS_G = 1e-6
#: Highest theoretical specific capacity of any Li host, mAh/g: Li22Si5 (seeds/003 §1, seeds/004 §1).
MAX_SPECIFIC_CAPACITY_MAH_G = 4200.0
#: An anode against Li works below this voltage; full cells and cathodes above (seeds/002 §2.3).
HALF_CELL_MAX_V = 2.0
#: Interrupted-cycle test: end-voltage tolerance (V and fraction of the window) and charge ratio.
END_VOLTAGE_TOL_V = 0.02
END_VOLTAGE_TOL_FRAC = 0.02
INTERRUPTED_CHARGE_FRAC = 0.9

CELL_TYPES = ("anode half cell", "full cell")
#: File-level flag list: the first cycles flagged are listed, the rest counted.
MAX_LISTED_FLAGS = 20


def step_summary(df: pd.DataFrame) -> pd.DataFrame:
    """One row per step: cycle, type, direction (+1 charge, −1 discharge, 0 rest), start
    time and duration (s), capacity (Ah), energy (Wh), mean current (A) and the voltage at
    start, end, min, max and the capacity-weighted average ``E/Q`` (V)."""
    validate(df)
    starts, direction = step_directions(df)
    n = len(df)
    ends = np.concatenate([starts[1:], [n]]) - 1
    t = df["time_s"].to_numpy(float)
    v = df["voltage_V"].to_numpy(float)
    i = df["current_A"].to_numpy(float)
    q = df["capacity_Ah"].to_numpy(float)
    e = df["energy_Wh"].to_numpy(float)
    lengths = ends - starts + 1
    qs = np.maximum.reduceat(q, starts)
    es = np.maximum.reduceat(e, starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        vavg = np.where(qs > 0, es / qs, np.add.reduceat(v, starts) / lengths)
    codes = df["step_type"].cat.codes.to_numpy()[starts]
    return pd.DataFrame({
        "step": df["step"].to_numpy()[starts],
        "cycle": df["cycle"].to_numpy()[starts],
        "step_type": pd.Categorical.from_codes(codes, STEP_TYPES),
        "direction": direction,
        "start_time_s": t[starts],
        "duration_s": t[ends] - t[starts],
        "n_points": lengths,
        "current_mean_A": np.add.reduceat(i, starts) / lengths,
        "capacity_Ah": qs,
        "energy_Wh": es,
        "voltage_start_V": v[starts],
        "voltage_end_V": v[ends],
        "voltage_min_V": np.minimum.reduceat(v, starts),
        "voltage_max_V": np.maximum.reduceat(v, starts),
        "voltage_avg_V": vavg,
    })


def first_direction(steps: pd.DataFrame) -> int:
    """Direction (+1 charge / −1 discharge) of the first non-rest step; 0 if none."""
    nz = steps["direction"].to_numpy()
    nz = nz[nz != 0]
    return int(nz[0]) if nz.size else 0


def detect_cell_type(df: pd.DataFrame, steps: pd.DataFrame | None = None) -> str:
    """``"anode half cell"`` if 95 % of the points of active steps lie below 2 V, else ``"full cell"``.

    A Si (or graphite) electrode against Li metal works at 0.005–1.5 V vs Li/Li+, Li-ion full
    cells and cathodes vs Li at 2.5–4.4 V (seeds/002 §2.3: half cells 0.01–1.0 V). A full cell
    below 2 V (e.g. LTO/LFP) needs ``cell_type="full cell"``.
    """
    active = df["step_type"].cat.codes.to_numpy() != STEP_TYPES.index("rest")
    v = df["voltage_V"].to_numpy()[active] if active.any() else df["voltage_V"].to_numpy()
    v = v[np.isfinite(v)]
    if v.size == 0:
        return "full cell"
    return "anode half cell" if float(np.percentile(v, 95)) < HALF_CELL_MAX_V else "full cell"


def is_anode_half_cell(df: pd.DataFrame, steps: pd.DataFrame | None = None) -> bool:
    """True if :func:`detect_cell_type` finds an anode half cell."""
    return detect_cell_type(df, steps) == "anode half cell"


def _cell_type(value) -> str:
    if value is None:
        return ""
    v = str(value).strip().lower().replace("-", " ").replace("_", " ")
    if v in ("auto", ""):
        return ""
    if v in ("anode half cell", "anode half", "half", "half cell", "anode"):
        return "anode half cell"
    if v in ("full cell", "full", "cathode half cell", "cathode"):
        return "full cell"
    raise InputError(f"cell type {value!r} not understood; give 'anode-half', 'full' or 'auto'",
                     field="cell_type")


def convention_text(cell_type: str, first: int) -> str:
    """The efficiency convention used, in words (written into every output)."""
    half = cell_type == "anode half cell"
    fwd, rev = ("lithiation (discharge)", "delithiation (charge)") if half else ("charge", "discharge")
    txt = (f"{cell_type}: CE = Q_{'delithiation' if half else 'discharge'} / "
           f"Q_{'lithiation' if half else 'charge'}; EE = E_discharge / E_charge "
           f"({'lithiation energy / delithiation energy' if half else 'energy out / energy in'}); "
           f"each {fwd} is paired with the {rev} that follows it")
    forward = -1 if half else 1
    if first == -forward:
        txt += (f". The test starts with a {rev.split(' ')[0]}, so the {rev.split(' ')[0]} of cycle n+1 is "
                f"paired with the {fwd.split(' ')[0]} of cycle n; the initial {rev.split(' ')[0]} enters no "
                "efficiency")
    return txt


def _reference_index(qrev: np.ndarray, included: np.ndarray, cycles: np.ndarray, reference_cycle) -> int | None:
    if reference_cycle is None or reference_cycle == "first":
        return int(np.flatnonzero(included)[0]) if included.any() else None
    if reference_cycle == "max":
        return int(np.nanargmax(np.where(included, qrev, -np.inf))) if included.any() else None
    try:
        rc = int(reference_cycle)
    except (TypeError, ValueError):
        raise InputError(f"reference cycle {reference_cycle!r} not understood; give an integer, "
                         "'first' or 'max'", field="reference_cycle") from None
    hit = np.flatnonzero(cycles == rc)
    if hit.size == 0:
        raise InputError(f"reference cycle {rc} not in the data (cycles {cycles.min()}–{cycles.max()})",
                         field="reference_cycle")
    return int(hit[0])


def _last_per_cycle(values: np.ndarray, idx: np.ndarray, mask: np.ndarray, nc: int) -> np.ndarray:
    """Value of the last step (in order) with ``mask`` in each cycle group ``idx``; NaN if none."""
    out = np.full(nc, np.nan)
    k = np.flatnonzero(mask)
    out[idx[k]] = values[k]  # later steps overwrite earlier ones
    return out


def cycle_summary(df: pd.DataFrame, *, active_mass_g: float | None = None,
                  electrode_area_cm2: float | None = None, reference_cycle: int | str | None = "first",
                  cell_type: str | None = None, half_cell: bool | None = None,
                  steps: pd.DataFrame | None = None, use_file_mass: bool = True) -> pd.DataFrame:
    """Per-cycle metrics (see module docstring); one row per cycle.

    Parameters
    ----------
    df : tidy cycling table.
    active_mass_g : mass of active material, g (default: ``df.attrs["active_mass_g"]``);
        gives ``*_mAh_g`` columns. Must be ≥ 1 µg.
    electrode_area_cm2 : electrode area, cm²; gives ``*_mAh_cm2`` columns.
    reference_cycle : cycle for retention: integer, ``"first"`` included cycle, or ``"max"``.
    cell_type : ``"anode half cell"`` / ``"full cell"`` (aliases ``anode-half``, ``full``);
        detected from the voltage if None. ``half_cell=True/False`` is the older spelling.
    use_file_mass : take the mass from ``df.attrs`` when ``active_mass_g`` is None.
    """
    steps = step_summary(df) if steps is None else steps
    if active_mass_g is None and use_file_mass:
        active_mass_g = df.attrs.get("active_mass_g")
    if active_mass_g is not None and not (active_mass_g >= MIN_ACTIVE_MASS_G):
        raise InputError(f"active mass must be at least 1 µg (0.001 mg), got {active_mass_g} g",
                         field="active_mass_g")
    if electrode_area_cm2 is not None and not (electrode_area_cm2 > 0):
        raise InputError(f"electrode area must be > 0 cm2, got {electrode_area_cm2}", field="electrode_area_cm2")
    ctype = _cell_type(cell_type)
    if not ctype:
        ctype = (("anode half cell" if half_cell else "full cell") if half_cell is not None
                 else detect_cell_type(df, steps))
    half = ctype == "anode half cell"
    forward = -1 if half else 1
    first = first_direction(steps)
    cyc = steps["cycle"].to_numpy()
    ucyc, idx = np.unique(cyc, return_inverse=True)
    nc = ucyc.size
    # charge bookkeeping uses the sign of every non-rest step, including the one-point
    # transition records that do not count for cycle numbering (as the cyclers' counters do)
    rest = steps["step_type"].to_numpy() == "rest"
    d = np.where(rest, 0, np.sign(steps["current_mean_A"].to_numpy())).astype(np.int64)
    q = steps["capacity_Ah"].to_numpy() * 1000.0  # mAh
    e = steps["energy_Wh"].to_numpy() * 1000.0  # mWh
    dur = steps["duration_s"].to_numpy()

    def per_cycle(x, mask):
        return np.bincount(idx, weights=np.where(mask, x, 0.0), minlength=nc)

    qc, qd = per_cycle(q, d > 0), per_cycle(q, d < 0)
    ec, ed = per_cycle(e, d > 0), per_cycle(e, d < 0)
    tc, td = per_cycle(dur, d > 0), per_cycle(dur, d < 0)
    vend = steps["voltage_end_V"].to_numpy()
    sdir = steps["direction"].to_numpy()
    vend_c = _last_per_cycle(vend, idx, sdir > 0, nc)
    vend_d = _last_per_cycle(vend, idx, sdir < 0, nc)
    vmin = pd.Series(steps["voltage_min_V"].to_numpy()).groupby(idx).min().to_numpy()
    vmax = pd.Series(steps["voltage_max_V"].to_numpy()).groupby(idx).max().to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        vc = np.where(qc > 0, ec / qc, np.nan)
        vd = np.where(qd > 0, ed / qd, np.nan)
        ic = np.where(tc > 0, qc / (tc / 3600.0), np.nan)  # mean |I| while charging, mA
        idis = np.where(td > 0, qd / (td / 3600.0), np.nan)
    if forward > 0:
        qf, qr, ef, er, i_f, i_r, vend_r = qc, qd, ec, ed, ic, idis, vend_d
    else:
        qf, qr, ef, er, i_f, i_r, vend_r = qd, qc, ed, ec, idis, ic, vend_c
    shifted = first == -forward

    def pair(x, fill):  # the reverse step paired with each cycle's forward step
        return np.concatenate([x[1:], [fill]]) if shifted else x

    qr_p, er_p, vend_rp, ir_p = pair(qr, 0.0), pair(er, 0.0), pair(vend_r, np.nan), pair(i_r, np.nan)
    complete = (qf > 0) & (qr_p > 0)
    reasons = [[] for _ in range(nc)]
    for k in np.flatnonzero(~complete):
        reasons[k].append("incomplete: no " + ("lithiation" if half else "charge") if qf[k] <= 0 else
                          "incomplete: no " + ("delithiation" if half else "discharge") + " after the "
                          + ("lithiation" if half else "charge") + " (test ended)")
    # an interrupted last cycle: ended off the usual end voltage *and* short of charge
    comp_idx = np.flatnonzero(complete)
    if comp_idx.size >= 2:
        last, others = comp_idx[-1], comp_idx[:-1]
        v_ref = float(np.nanmedian(vend_rp[others]))
        window = float(np.nanmedian(vmax[others] - vmin[others]))
        tol = max(END_VOLTAGE_TOL_V, END_VOLTAGE_TOL_FRAC * window)
        q_prev = qr_p[others[-1]]
        if (np.isfinite(vend_rp[last]) and abs(vend_rp[last] - v_ref) > tol
                and qr_p[last] < INTERRUPTED_CHARGE_FRAC * q_prev):
            complete[last] = False
            reasons[last].append(
                f"interrupted: the {'delithiation' if half else 'discharge'} ended at {vend_rp[last]:.3f} V "
                f"(other cycles end at {v_ref:.3f} V) after {100 * qr_p[last] / q_prev:.0f} % of the previous "
                "cycle's charge")
    with np.errstate(invalid="ignore", divide="ignore"):
        ce = np.where(complete, qr_p / np.where(qf > 0, qf, np.nan), np.nan)
        e_dis, e_chg = (ef, er_p) if half else (er_p, ef)
        ee = np.where(complete & (e_chg > 0), e_dis / np.where(e_chg > 0, e_chg, np.nan), np.nan)
    implausible = complete & ((ce > EFFICIENCY_MAX) | (ee > EFFICIENCY_MAX))
    for k in np.flatnonzero(implausible):
        if ce[k] > EFFICIENCY_MAX:
            reasons[k].append(f"CE {100 * ce[k]:.1f} % above {100 * EFFICIENCY_MAX:.0f} %: implausible "
                              "(wrong pairing, mislabelled or corrupt data)")
        if ee[k] > EFFICIENCY_MAX:
            reasons[k].append(f"EE {100 * ee[k]:.1f} % above {100 * EFFICIENCY_MAX:.0f} %: implausible")
    included = complete & ~implausible
    qrev = np.where(qr_p > 0, qr_p, np.nan)
    out = pd.DataFrame({
        "cycle": ucyc,
        "charge_capacity_mAh": qc,
        "discharge_capacity_mAh": qd,
        "charge_energy_mWh": ec,
        "discharge_energy_mWh": ed,
        "avg_charge_voltage_V": vc,
        "avg_discharge_voltage_V": vd,
        "voltage_hysteresis_V": vc - vd,
        "coulombic_efficiency": ce,
        "energy_efficiency": ee,
        "reversible_capacity_mAh": qrev,
        "irreversible_capacity_mAh": np.where(complete, qf - qr_p, np.nan),
        "current_in_mA": i_f,
        "current_out_mA": ir_p,
        "voltage_min_V": vmin,
        "voltage_max_V": vmax,
        "complete": complete,
        "included": included,
        "flag": ["; ".join(r) for r in reasons],
    })
    ref = _reference_index(qrev, included, ucyc, reference_cycle)
    out["retention"] = (np.where(complete, qrev / qrev[ref], np.nan)
                        if ref is not None and np.isfinite(qrev[ref]) and qrev[ref] > 0 else np.nan)
    if active_mass_g:
        for col in ("charge_capacity", "discharge_capacity", "reversible_capacity"):
            out[f"{col}_mAh_g"] = out[f"{col}_mAh"] / active_mass_g
        out["current_in_mA_g"] = i_f / active_mass_g
        out["current_out_mA_g"] = ir_p / active_mass_g
    if electrode_area_cm2:
        for col in ("charge_capacity", "discharge_capacity", "reversible_capacity"):
            out[f"{col}_mAh_cm2"] = out[f"{col}_mAh"] / electrode_area_cm2
    if half:  # Si/Li half cell: lithiation = discharge, delithiation = charge
        out["lithiation_capacity_mAh"] = qd
        out["delithiation_capacity_mAh"] = qc
        out["avg_lithiation_voltage_V"] = vd
        out["avg_delithiation_voltage_V"] = vc
        if active_mass_g:
            out["lithiation_capacity_mAh_g"] = qd / active_mass_g
            out["delithiation_capacity_mAh_g"] = qc / active_mass_g
    out.attrs.update({
        "cell_type": ctype,
        "half_cell": bool(half),
        "convention": convention_text(ctype, first),
        "paired_with_next_cycle": bool(shifted),
        "first_direction": "charge" if first > 0 else "discharge" if first < 0 else "none",
        "reference_cycle": int(ucyc[ref]) if ref is not None else None,
        "active_mass_g": active_mass_g,
        "electrode_area_cm2": electrode_area_cm2,
    })
    return out


def _f(x) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


def key_metrics(cycles: pd.DataFrame) -> dict:
    """Headline numbers from the included cycles only (see module docstring): ICE, first
    reversible capacity, last retention, mean CE after the first cycle, mean EE."""
    comp = cycles[cycles["complete"]]
    inc = cycles[cycles["included"]] if "included" in cycles else comp
    res = {"cell_type": cycles.attrs.get("cell_type"),
           "n_cycles": int(len(cycles)), "n_complete_cycles": int(len(comp)),
           "n_included_cycles": int(len(inc)),
           "n_flagged_cycles": int((cycles["flag"] != "").sum()) if "flag" in cycles else 0}
    if len(comp) == 0:
        return res
    spec = "reversible_capacity_mAh_g" in cycles
    c1 = comp.iloc[0]
    if len(inc) and inc["cycle"].iloc[0] == c1["cycle"]:
        res["ICE_percent"] = 100 * float(c1["coulombic_efficiency"])
    if len(inc) == 0:
        return res
    i1 = inc.iloc[0]
    res["first_reversible_capacity_mAh"] = float(i1["reversible_capacity_mAh"])
    mass = cycles.attrs.get("active_mass_g")
    if spec and mass:
        res["first_reversible_capacity_mAh_g"] = float(i1["reversible_capacity_mAh_g"])
        res["first_insertion_capacity_mAh_g"] = float(
            (i1["reversible_capacity_mAh"] + i1["irreversible_capacity_mAh"]) / mass)
    res["last_cycle"] = int(inc["cycle"].iloc[-1])
    res["last_retention_percent"] = _f(100 * inc["retention"].iloc[-1])
    after = inc[inc["cycle"] > c1["cycle"]]
    if len(after):
        res["mean_CE_after_first_percent"] = 100 * float(after["coulombic_efficiency"].mean())
    ee = inc["energy_efficiency"].dropna()
    if len(ee):
        res["mean_EE_percent"] = 100 * float(ee.mean())
    res["reference_cycle"] = cycles.attrs.get("reference_cycle")
    return res


def rate_table(cycles: pd.DataFrame, rel_tol: float = RATE_REL_TOL) -> pd.DataFrame:
    """Rate-capability table: blocks of consecutive included cycles at the same current.

    The current of a cycle is its mean ``|I|`` in the forward direction (``Q_in / t_in``); a
    new block starts when it differs from the block's first cycle by more than ``rel_tol``.
    Empty if the current never changes.
    """
    mask = cycles["included"] if "included" in cycles else cycles["complete"]
    comp = cycles[mask].reset_index(drop=True)
    if len(comp) < 2:
        return pd.DataFrame()
    cur = comp["current_in_mA"].to_numpy()
    block = np.zeros(cur.size, dtype=int)
    ref = cur[0]
    for k in range(1, cur.size):
        if abs(cur[k] - ref) > rel_tol * max(abs(ref), 1e-12):
            block[k] = block[k - 1] + 1
            ref = cur[k]
        else:
            block[k] = block[k - 1]
    if block[-1] == 0:
        return pd.DataFrame()
    comp["block"] = block + 1
    agg = {"first_cycle": ("cycle", "min"), "last_cycle": ("cycle", "max"), "n_cycles": ("cycle", "size"),
           "current_mA": ("current_in_mA", "mean"), "reversible_capacity_mAh": ("reversible_capacity_mAh", "mean"),
           "coulombic_efficiency": ("coulombic_efficiency", "mean"),
           "avg_charge_voltage_V": ("avg_charge_voltage_V", "mean"),
           "avg_discharge_voltage_V": ("avg_discharge_voltage_V", "mean")}
    if "current_in_mA_g" in comp:
        agg["specific_current_mA_g"] = ("current_in_mA_g", "mean")
        agg["reversible_capacity_mAh_g"] = ("reversible_capacity_mAh_g", "mean")
    tab = comp.groupby("block").agg(**agg).reset_index()
    q_ref = float(comp["reversible_capacity_mAh"].iloc[0])
    tab["c_rate"] = tab["current_mA"] / q_ref if q_ref > 0 else np.nan  # 1/h, vs first reversible capacity
    return tab


def detect_gitt(steps: pd.DataFrame, min_pulses: int = 10) -> dict:
    """Detect a galvanostatic intermittent titration (GITT) sequence.

    A GITT pulse is a non-rest step followed by a rest at least as long as the pulse and
    passing less than 10 % of the charge of all steps in the same direction of its cycle
    (short titration steps, Weppner & Huggins, J. Electrochem. Soc. 124 (1977) 1569). GITT is
    reported when at least ``min_pulses`` pulses exist. Returns ``{"is_gitt", "n_pulses", "cycles"}``.
    """
    d = steps["direction"].to_numpy()
    dur = steps["duration_s"].to_numpy()
    q = steps["capacity_Ah"].to_numpy()
    if d.size < 2:
        return {"is_gitt": False, "n_pulses": 0, "cycles": []}
    cyc = steps["cycle"].to_numpy()
    key = cyc * 3 + (d + 1)
    tot = pd.Series(q).groupby(key).transform("sum").to_numpy()
    nxt_rest = np.concatenate([d[1:] == 0, [False]])
    nxt_dur = np.concatenate([dur[1:], [0.0]])
    pulse = (d != 0) & nxt_rest & (nxt_dur >= dur) & (q < 0.1 * tot) & (q > 0)
    n = int(pulse.sum())
    cyc = sorted(set(cyc[pulse].tolist())) if n else []
    return {"is_gitt": n >= min_pulses, "n_pulses": n, "cycles": cyc}


@dataclass
class CyclingResult:
    """Everything :func:`analyze_cycling` finds for one test.

    ``data`` tidy time series; ``steps`` one row per step; ``cycles`` one row per cycle (stable
    columns, docs/analysis-cycling.md §3); ``metrics`` headline numbers from included cycles;
    ``rate`` rate-capability blocks; ``gitt`` GITT detection; ``cell_type`` and ``convention``
    the efficiency convention used; ``flags`` file-level problems (dicts with ``quantity``,
    ``value``, ``reason``); ``warnings`` the reader's notes. ``result["cycles"]`` also works.
    """

    data: pd.DataFrame
    steps: pd.DataFrame
    cycles: pd.DataFrame
    metrics: dict
    rate: pd.DataFrame
    gitt: dict
    cell_type: str
    convention: str
    flags: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def __getitem__(self, key: str):
        return getattr(self, key)

    def cycle_flags(self) -> pd.DataFrame:
        """The cycles with a flag: ``cycle, included, flag``."""
        c = self.cycles
        return c.loc[c["flag"] != "", ["cycle", "included", "flag"]].reset_index(drop=True)


def analyze_cycling(source, *, active_mass_g: float | None = None, electrode_area_cm2: float | None = None,
                    reference_cycle: int | str | None = "first", cell_type: str | None = None,
                    half_cell: bool | None = None, fmt: str | None = None, **read_kwargs) -> CyclingResult:
    """Read (if needed) and analyse one cycling test: the one entry point for measured cycles.

    Parameters
    ----------
    source : path, list of paths (parts of one test, merged in order) or a tidy table.
    active_mass_g : g; default the mass the file records. A recorded mass below 1 µg is
        ignored with a flag; a given one below 1 µg is an InputError.
    electrode_area_cm2, reference_cycle, cell_type : see :func:`cycle_summary`.
    fmt, read_kwargs : passed to :func:`sianode.iotools.read` for paths.

    Returns
    -------
    CyclingResult (see its docstring).
    """
    if isinstance(source, pd.DataFrame):
        df = source
    else:
        from sianode.iotools import read, read_many
        if isinstance(source, (list, tuple)):
            df = read_many(list(source), fmt=fmt, **read_kwargs) if fmt else read_many(list(source), **read_kwargs)
        else:
            df = read(Path(source), fmt=fmt, **read_kwargs)
    validate(df)
    flags: list[dict] = []
    mass = active_mass_g
    if mass is None:
        rec = df.attrs.get("active_mass_g")
        if rec is not None and not (rec >= MIN_ACTIVE_MASS_G):
            flags.append({"quantity": "active mass", "value": rec,
                          "reason": f"the file records an active mass of {rec:.3g} g, below 1 µg: ignored "
                                    "(give the mass with --mass-mg)"})
        elif rec is not None:
            mass = float(rec)
    steps = step_summary(df)
    cycles = cycle_summary(df, active_mass_g=mass, electrode_area_cm2=electrode_area_cm2,
                           reference_cycle=reference_cycle, cell_type=cell_type, half_cell=half_cell,
                           steps=steps, use_file_mass=False)
    if mass is not None and "reversible_capacity_mAh_g" in cycles:
        spec = cycles.loc[cycles["included"], "reversible_capacity_mAh_g"]
        if len(spec) and float(spec.max()) > MAX_SPECIFIC_CAPACITY_MAH_G:
            flags.append({"quantity": "specific capacity", "value": float(spec.max()),
                          "reason": f"reversible capacity {spec.max():.4g} mAh/g exceeds "
                                    f"{MAX_SPECIFIC_CAPACITY_MAH_G:.0f} mAh/g (Li22Si5, the highest of any Li "
                                    f"host): the active mass {1000 * mass:.4g} mg is wrong; mAh/g values left out "
                                    "of the headline"})
            cycles.attrs["active_mass_g"] = None  # mass-normalised headline values dropped
    metrics = key_metrics(cycles)
    cycles.attrs["active_mass_g"] = mass
    flagged = cycles[(cycles["flag"] != "") & ~cycles["flag"].str.startswith("incomplete: no")]
    for c, why in zip(flagged["cycle"].tolist()[:MAX_LISTED_FLAGS], flagged["flag"].tolist()):
        flags.append({"quantity": f"cycle {int(c)}", "value": None, "reason": why})
    if len(flagged) > MAX_LISTED_FLAGS:
        flags.append({"quantity": "cycles", "value": int(len(flagged)),
                      "reason": f"{len(flagged) - MAX_LISTED_FLAGS} more flagged cycles (see the flag column of "
                                "the per-cycle table)"})
    return CyclingResult(data=df, steps=steps, cycles=cycles, metrics=metrics, rate=rate_table(cycles),
                         gitt=detect_gitt(steps), cell_type=cycles.attrs["cell_type"],
                         convention=cycles.attrs["convention"], flags=flags,
                         warnings=list(df.attrs.get("warnings") or []))
