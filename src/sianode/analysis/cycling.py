"""Cycling metrics from a tidy cycling table (:mod:`sianode.iotools.schema`).

What is computed, per step and per cycle
----------------------------------------
* capacity ``Q`` of a step: the cycler's charge counter at the end of the step (or the
  integral ``∫|I|dt`` when the file has no counter); energy ``E = ∫|I V| dt`` likewise.
* per cycle: charge / discharge capacity (mAh, mAh/g of active material, mAh/cm²),
  energies (mWh), average voltages ``V̄ = E / Q`` of each direction, voltage hysteresis
  ``V̄_charge − V̄_discharge``, coulombic efficiency ``CE = Q_out / Q_in`` and energy
  efficiency ``EE = E_out / E_in``, where "in" is the direction the test starts with
  (lithiation for a Si/Li half cell, charge for a full cell) and "out" the reverse.
  For a Si half cell ``CE = Q_delithiation / Q_lithiation`` of the same cycle, as in
  seeds/002 §3.2 ("1st discharge/charge capacities of 2502.1/1909.0 mAh g⁻¹ with a 76.3 %
  initial coulombic efficiency"). CE above 100 % is kept as measured (it happens in real Si
  cells when Li trapped in earlier cycles is released).
* ICE: CE of the first complete cycle.
* retention: ``Q_out(n) / Q_out(ref)`` with the reference cycle chosen by the user
  (an integer, ``"first"`` complete cycle or ``"max"``, the highest reversible capacity,
  as used in seeds/002 §3.2: "63.0 % (compared to the highest capacity)").
* rate capability: consecutive cycles at the same current (within 5 %) form one block of the
  rate table (seeds/002 §3.2, Fig. 3a: 0.2, 0.5, 1, 2, 5 A g⁻¹ then back to 1 A g⁻¹).

Half-cell convention: a Si/Li half cell is discharged to lithiate Si (current < 0 in
sianode's convention), so lithiation capacity = discharge capacity and delithiation
capacity = charge capacity. The table also carries these names when the file looks like an
anode half cell (first active step is a discharge and the cell works below 2 V).

Everything is vectorised over the contiguous steps with ``numpy.reduceat`` so a
million-row test takes well under a second.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sianode.errors import InputError
from sianode.iotools.merge import step_directions
from sianode.iotools.schema import STEP_TYPES, validate

#: Two currents belong to the same rate block if they differ by less than this fraction.
RATE_REL_TOL = 0.05


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


def is_anode_half_cell(df: pd.DataFrame, steps: pd.DataFrame | None = None) -> bool:
    """Heuristic: the test starts by discharging (lithiating) and the cell works below 2 V.

    A Si (or graphite) electrode against Li metal operates at 0.005–1.5 V vs Li/Li+, while
    Li-ion full cells work at 2.5–4.4 V (seeds/002 §2.3: half cells 0.01–1.0 V).
    """
    steps = step_summary(df) if steps is None else steps
    if first_direction(steps) != -1:
        return False
    active = df["step_type"].cat.codes.to_numpy() != STEP_TYPES.index("rest")
    if not active.any():
        return False
    return float(np.percentile(df["voltage_V"].to_numpy()[active], 95)) < 2.0


def _reference_index(qout: np.ndarray, complete: np.ndarray, cycles: np.ndarray, reference_cycle) -> int | None:
    if not complete.any():
        return None
    if reference_cycle is None or reference_cycle == "first":
        return int(np.flatnonzero(complete)[0])
    if reference_cycle == "max":
        return int(np.nanargmax(np.where(complete, qout, -np.inf)))
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


def cycle_summary(df: pd.DataFrame, *, active_mass_g: float | None = None,
                  electrode_area_cm2: float | None = None, reference_cycle: int | str | None = "first",
                  half_cell: bool | None = None, steps: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per-cycle metrics (see module docstring); one row per cycle.

    Parameters
    ----------
    df : tidy cycling table.
    active_mass_g : mass of active material, g (default: ``df.attrs["active_mass_g"]``);
        gives ``*_mAh_g`` columns.
    electrode_area_cm2 : electrode area, cm²; gives ``*_mAh_cm2`` columns.
    reference_cycle : cycle for retention: integer, ``"first"`` complete cycle, or ``"max"``.
    half_cell : force (True/False) the anode-half-cell naming; auto-detected if None.
    """
    steps = step_summary(df) if steps is None else steps
    if active_mass_g is None:
        active_mass_g = df.attrs.get("active_mass_g")
    if active_mass_g is not None and not (active_mass_g > 0):
        raise InputError(f"active mass must be > 0 g, got {active_mass_g}", field="active_mass_g")
    if electrode_area_cm2 is not None and not (electrode_area_cm2 > 0):
        raise InputError(f"electrode area must be > 0 cm2, got {electrode_area_cm2}", field="electrode_area_cm2")
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
    vmin = pd.Series(steps["voltage_min_V"].to_numpy()).groupby(idx).min().to_numpy()
    vmax = pd.Series(steps["voltage_max_V"].to_numpy()).groupby(idx).max().to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        vc = np.where(qc > 0, ec / qc, np.nan)
        vd = np.where(qd > 0, ed / qd, np.nan)
        ic = np.where(tc > 0, qc / (tc / 3600.0), np.nan)  # mean |I| while charging, mA
        idis = np.where(td > 0, qd / (td / 3600.0), np.nan)
    if first >= 0:  # charge first (full cell) or nothing: in = charge
        qin, qout, ein, eout, iin, iout = qc, qd, ec, ed, ic, idis
    else:
        qin, qout, ein, eout, iin, iout = qd, qc, ed, ec, idis, ic
    complete = (qin > 0) & (qout > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ce = np.where(complete, qout / qin, np.nan)
        ee = np.where(complete & (ein > 0), eout / ein, np.nan)
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
        "reversible_capacity_mAh": qout,
        "irreversible_capacity_mAh": np.where(complete, qin - qout, np.nan),
        "current_in_mA": iin,
        "current_out_mA": iout,
        "voltage_min_V": vmin,
        "voltage_max_V": vmax,
        "complete": complete,
    })
    ref = _reference_index(qout, complete, ucyc, reference_cycle)
    out["retention"] = qout / qout[ref] if ref is not None and qout[ref] > 0 else np.nan
    if active_mass_g:
        for col in ("charge_capacity", "discharge_capacity", "reversible_capacity"):
            out[f"{col}_mAh_g"] = out[f"{col}_mAh"] / active_mass_g
        out["current_in_mA_g"] = iin / active_mass_g
        out["current_out_mA_g"] = iout / active_mass_g
    if electrode_area_cm2:
        for col in ("charge_capacity", "discharge_capacity", "reversible_capacity"):
            out[f"{col}_mAh_cm2"] = out[f"{col}_mAh"] / electrode_area_cm2
    if half_cell is None:
        half_cell = is_anode_half_cell(df, steps)
    if half_cell:  # Si/Li half cell: lithiation = discharge, delithiation = charge
        out["lithiation_capacity_mAh"] = qd
        out["delithiation_capacity_mAh"] = qc
        out["avg_lithiation_voltage_V"] = vd
        out["avg_delithiation_voltage_V"] = vc
        if active_mass_g:
            out["lithiation_capacity_mAh_g"] = qd / active_mass_g
            out["delithiation_capacity_mAh_g"] = qc / active_mass_g
    out.attrs.update({
        "half_cell": bool(half_cell),
        "first_direction": "charge" if first > 0 else "discharge" if first < 0 else "none",
        "reference_cycle": int(ucyc[ref]) if ref is not None else None,
        "active_mass_g": active_mass_g,
        "electrode_area_cm2": electrode_area_cm2,
    })
    return out


def key_metrics(cycles: pd.DataFrame) -> dict:
    """Headline numbers: ICE, first reversible capacity, last retention, mean CE of cycles 2+."""
    comp = cycles[cycles["complete"]]
    res = {"n_cycles": int(len(cycles)), "n_complete_cycles": int(len(comp))}
    if len(comp) == 0:
        return res
    spec = "reversible_capacity_mAh_g" in comp
    c1 = comp.iloc[0]
    res["ICE_percent"] = 100 * float(c1["coulombic_efficiency"])
    res["first_reversible_capacity_mAh"] = float(c1["reversible_capacity_mAh"])
    if spec:
        res["first_reversible_capacity_mAh_g"] = float(c1["reversible_capacity_mAh_g"])
        res["first_insertion_capacity_mAh_g"] = float(
            (c1["reversible_capacity_mAh"] + c1["irreversible_capacity_mAh"]) / cycles.attrs.get("active_mass_g", np.nan))
    res["last_cycle"] = int(comp["cycle"].iloc[-1])
    res["last_retention_percent"] = 100 * float(comp["retention"].iloc[-1])
    if len(comp) > 1:
        res["mean_CE_after_first_percent"] = 100 * float(comp["coulombic_efficiency"].iloc[1:].mean())
    res["reference_cycle"] = cycles.attrs.get("reference_cycle")
    return res


def rate_table(cycles: pd.DataFrame, rel_tol: float = RATE_REL_TOL) -> pd.DataFrame:
    """Rate-capability table: blocks of consecutive complete cycles at the same current.

    The current of a cycle is its mean ``|I|`` in the "in" direction (``Q_in / t_in``); a new
    block starts when it differs from the block's first cycle by more than ``rel_tol``.
    Empty if the current never changes.
    """
    comp = cycles[cycles["complete"]].reset_index(drop=True)
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


def analyze_cycling(df: pd.DataFrame, **kwargs) -> dict:
    """Steps, cycles, key metrics, rate table and GITT detection in one call."""
    steps = step_summary(df)
    cycles = cycle_summary(df, steps=steps, **kwargs)
    return {"steps": steps, "cycles": cycles, "metrics": key_metrics(cycles),
            "rate": rate_table(cycles), "gitt": detect_gitt(steps)}
