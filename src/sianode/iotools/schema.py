"""The tidy cycling schema every sianode reader returns.

One row per recorded data point, columns (SI-style units in the names)::

    time_s         float  test time since the first record of the (merged) test, s
    cycle          int    cycle number, 1-based, assigned by sianode (see below)
    step           int    running step number, 1-based; a new step starts whenever the
                          cycler's step (or sequence / half-cycle) changes
    step_type      cat    "charge" | "discharge" | "rest" | "cv" | "other"
    current_A      float  cell current, A; **positive = charge of the tested cell**
    voltage_V      float  cell voltage, V
    capacity_Ah    float  charge passed since the start of this step, unsigned, Ah
    energy_Wh      float  energy since the start of this step, unsigned, Wh
    temperature_C  float  (optional) cell or auxiliary temperature, degC

``DataFrame.attrs`` carries metadata: ``source_files`` (list of paths), ``format``,
``active_mass_g`` (if the file records it), ``reader`` (the library that parsed the file),
``sign_convention``.

Sign convention
---------------
``current_A > 0`` charges the tested cell: the working electrode is oxidised. For a Si/Li
half cell (Si is the working electrode, Li the counter) charge therefore means
**delithiation** of Si and discharge (``current_A < 0``) means **lithiation**. This is what
Neware, Arbin, Maccor (after applying the mode column) and BioLogic (``I > 0`` = anodic at
the working electrode) record, so no reader flips signs.

Cycle numbering
---------------
Cyclers number cycles differently (Arbin by schedule, Neware by charge/discharge, BioLogic
by half cycle). sianode numbers them one way for every format: the direction of the first
non-rest step of the test defines the start of a cycle, and a new cycle starts at every
step in that direction that follows a step in the opposite direction. A Si half cell that
starts with lithiation therefore has cycles "lithiation then delithiation", so the
coulombic efficiency of a cycle is delithiation / lithiation (seeds/002 §3.2).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sianode.errors import InputError

COLUMNS = ["time_s", "cycle", "step", "step_type", "current_A", "voltage_V",
           "capacity_Ah", "energy_Wh"]
OPTIONAL_COLUMNS = ["temperature_C"]
STEP_TYPES = ["charge", "discharge", "rest", "cv", "other"]
SIGN_CONVENTION = ("current_A > 0 charges the tested cell (oxidises the working electrode); "
                   "for a Si/Li half cell charge = delithiation, discharge = lithiation")

#: Relative current below which a point counts as rest (fraction of the file's max |I|).
REST_REL_TOL = 1e-4

#: Physically possible ranges of one recorded point of a single-cell test. A value outside
#: them is a corrupt record (a flipped byte turns 3.7 V into 237 693 V), not a measurement:
#: the row is dropped, and the reader says so in ``attrs["warnings"]``.
#: * voltage: the widest single-channel range of common cyclers and potentiostats is ±10 V
#:   (BioLogic VMP-300 / Arbin LBT channel specifications; Neware BTS-4000: 0–5 V);
#: * current: ±1000 A, beyond any single-cell cycler channel;
#: * time: within 100 years (3.2e9 s) of the first record.
VOLTAGE_LIMIT_V = 10.0
CURRENT_LIMIT_A = 1000.0
TIME_LIMIT_S = 3.2e9
#: Hard cap on the rows one file may hold (bounded memory for any input): 50 million rows is
#: several years of 1 s logging.
MAX_ROWS = 50_000_000


def implausible_rows(t: np.ndarray, i: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Mask of rows that are not finite or outside the ranges above, with one message per cause."""
    bad_nan = ~(np.isfinite(t) & np.isfinite(i) & np.isfinite(v))
    with np.errstate(invalid="ignore"):
        t0 = t[~bad_nan][0] if (~bad_nan).any() else 0.0
        causes = [
            ("voltage outside ±%g V" % VOLTAGE_LIMIT_V, np.abs(v) > VOLTAGE_LIMIT_V, v, "V"),
            ("current outside ±%g A" % CURRENT_LIMIT_A, np.abs(i) > CURRENT_LIMIT_A, i, "A"),
            ("time more than 100 years from the first record", np.abs(t - t0) > TIME_LIMIT_S, t, "s"),
        ]
    bad = bad_nan.copy()
    msgs = []
    for text, mask, x, unit in causes:
        mask = mask & ~bad_nan
        if mask.any():
            k = int(np.flatnonzero(mask)[0])
            msgs.append(f"{int(mask.sum())} row(s) with {text} dropped as corrupt records "
                        f"(first: row {k + 1}, {x[k]:.6g} {unit})")
            bad |= mask
    return bad, msgs


def segment_starts(key: np.ndarray) -> np.ndarray:
    """Indices where a new contiguous run of ``key`` starts (always includes 0)."""
    key = np.asarray(key)
    if key.size == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.flatnonzero(key[1:] != key[:-1]) + 1
    return np.concatenate([[0], change]).astype(np.int64)


def segment_ids(starts: np.ndarray, n: int) -> np.ndarray:
    """1-based id of the run each of ``n`` rows belongs to, given run starts."""
    ids = np.zeros(n, dtype=np.int64)
    ids[starts] = 1
    return np.cumsum(ids)


def segment_cumsum(x: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Cumulative sum of ``x`` restarting at every run start (vectorised)."""
    x = np.asarray(x, dtype=float)
    cs = np.cumsum(x)
    if starts.size <= 1:
        return cs
    base = np.concatenate([[0.0], cs[starts[1:] - 1]])
    lengths = np.diff(np.concatenate([starts, [cs.size]]))
    cs -= np.repeat(base, lengths)
    return cs


def increments_from_counter(q: np.ndarray) -> np.ndarray:
    """Per-row increments of a cycler's cumulative counter that may reset to zero.

    Cyclers (Arbin per cycle, Neware per step) reset their capacity counters; a drop of
    the counter means a reset, and the increment is then the new value itself.
    """
    q = np.nan_to_num(np.asarray(q, dtype=float))
    d = np.diff(q, prepend=0.0)
    reset = d < 0
    d[reset] = q[reset]
    return d


def integrate_capacity(time_s: np.ndarray, current_A: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Unsigned charge since the start of each step by trapezoidal integration, Ah.

    ``Q_k = sum_{j<=k, j in step} |I_j + I_{j-1}| / 2 * (t_j - t_{j-1}) / 3600``; the first row of
    each step is 0. Negative time steps (clock resets) contribute nothing.
    """
    t = np.asarray(time_s, dtype=float)
    i = np.asarray(current_A, dtype=float)
    dt = np.clip(np.diff(t, prepend=t[:1]), 0.0, None)
    im = 0.5 * (i + np.concatenate([i[:1], i[:-1]]))
    dq = np.abs(im) * dt / 3600.0
    dq[starts] = 0.0
    return segment_cumsum(dq, starts)


def integrate_energy(time_s, current_A, voltage_V, starts) -> np.ndarray:
    """Unsigned energy since the start of each step, Wh (trapezoid on |I V|)."""
    t = np.asarray(time_s, dtype=float)
    p = np.abs(np.asarray(current_A, dtype=float) * np.asarray(voltage_V, dtype=float))
    dt = np.clip(np.diff(t, prepend=t[:1]), 0.0, None)
    pm = 0.5 * (p + np.concatenate([p[:1], p[:-1]]))
    de = pm * dt / 3600.0
    de[starts] = 0.0
    return segment_cumsum(de, starts)


#: A step passing less than this fraction of the largest step charge among its neighbours
#: (:data:`NEGLIGIBLE_WINDOW_STEPS` steps either side) is negligible: the one-point transition
#: records Arbin writes between steps. It does not start a cycle. The reference is local, not
#: the largest step of the whole test, so a cell that has faded to a small fraction of its
#: first capacity (or a test with one huge formation step) keeps every late cycle.
NEGLIGIBLE_STEP_FRAC = 1e-3
NEGLIGIBLE_WINDOW_STEPS = 10


def negligible_steps(qstep: np.ndarray) -> np.ndarray:
    """True for steps whose charge is negligible next to their neighbours (see above)."""
    from scipy.ndimage import maximum_filter1d

    q = np.nan_to_num(np.asarray(qstep, dtype=float))
    if q.size == 0:
        return np.zeros(0, dtype=bool)
    local = maximum_filter1d(q, size=2 * NEGLIGIBLE_WINDOW_STEPS + 1, mode="nearest")
    return (local > 0) & (q < NEGLIGIBLE_STEP_FRAC * local)


def step_directions_from(current: np.ndarray, capacity: np.ndarray, starts: np.ndarray,
                         tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean current of each step and its direction (+1 charge, -1 discharge, 0 rest or negligible)."""
    n = current.size
    lengths = np.diff(np.concatenate([starts, [n]]))
    mean_i = np.add.reduceat(current, starts) / lengths
    max_abs = np.maximum.reduceat(np.abs(current), starts)
    qstep = np.maximum.reduceat(capacity, starts)
    d = np.sign(mean_i).astype(np.int64)
    d[max_abs <= tol] = 0
    d[negligible_steps(qstep)] = 0
    return mean_i, d


def assign_cycles(direction: np.ndarray) -> np.ndarray:
    """Cycle number of each step from step directions (+1/-1/0), see module docstring."""
    direction = np.asarray(direction)
    nz = direction[direction != 0]
    cycles = np.ones(direction.size, dtype=np.int64)
    if nz.size == 0:
        return cycles
    first = nz[0]
    # previous non-zero direction for each step (0 before the first active step)
    idx = np.where(direction != 0, np.arange(direction.size), -1)
    last_idx = np.maximum.accumulate(idx)
    prev_idx = np.concatenate([[-1], last_idx[:-1]])
    prev_dir = np.where(prev_idx >= 0, direction[np.clip(prev_idx, 0, None)], 0)
    new_cycle = (direction == first) & (prev_dir == -first)
    return 1 + np.cumsum(new_cycle)


#: A cycler counter's increment between two records cannot exceed this multiple of the largest
#: of the two recorded |I| (or |I V|) times the time between them; beyond it the counter value
#: is corrupt (a flipped exponent byte) and the row's increment is taken from the integral.
COUNTER_SLACK = 10.0


def _check_counter(inc: np.ndarray, t: np.ndarray, rate: np.ndarray, what: str, unit: str):
    """Replace counter increments that no recorded current could have produced (see above)."""
    dt = np.clip(np.diff(t, prepend=t[:1]), 0.0, None)
    # exports round time stamps (Neware CSV to 1 s): allow one resolution step more
    pos = dt[dt > 0]
    res = max(float(pos.min()), 1e-3) if pos.size else 1.0
    rmax = np.maximum(rate, np.concatenate([rate[:1], rate[:-1]]))
    bound = COUNTER_SLACK * rmax * (dt + res) / 3600.0
    # allow one quantum of the counter's own resolution (exports round, e.g. to 1e-4 mAh)
    posinc = inc[inc > 0]
    tiny = max(float(posinc.min()) if posinc.size else 0.0, 1e-9 * (float(posinc.max()) if posinc.size else 1e-12))
    bad = inc > bound + tiny * 1.0001
    if not bad.any():
        return inc, None
    k = int(np.flatnonzero(bad)[0])
    nbad, nrows = int(bad.sum()), int(np.count_nonzero(inc))
    if nbad > max(0.01 * nrows, 3):
        # most rows disagree: a unit or column mix-up, not a corrupt record; keep the file's own
        return inc, (f"the {what} counter disagrees with the integral of the recorded current in {nbad} of "
                     f"{nrows} rows (first at row {k + 1}: {inc[k]:.4g} {unit}); kept as recorded, check the "
                     "file's units")
    integ = 0.5 * (rate + np.concatenate([rate[:1], rate[:-1]])) * dt / 3600.0
    out = np.where(bad, integ, inc)
    return out, (f"{nbad} {what}-counter increment(s) larger than {COUNTER_SLACK:g} x |I| dt "
                 f"(corrupt counter values; first at row {k + 1}: {inc[k]:.4g} {unit}) replaced by "
                 "the integral of the recorded current")


def build_tidy(time_s, current_A, voltage_V, *, source: str | Path, fmt: str, reader: str,
               step_key=None, step_label=None, capacity_inc_Ah=None, energy_inc_Wh=None,
               temperature_C=None, active_mass_g: float | None = None,
               extra_attrs: dict | None = None) -> pd.DataFrame:
    """Assemble the tidy frame from raw arrays in SI units.

    Parameters
    ----------
    time_s, current_A, voltage_V : array-like
        Raw columns, already converted to s, A (positive = charge) and V.
    step_key : array-like, optional
        The cycler's step identifier (step index, sequence number...). A new sianode step
        starts where it changes. Without it, steps are cut where the current changes
        between charge, discharge and rest.
    step_label : array-like of str, optional
        The cycler's step type mapped to :data:`STEP_TYPES`; otherwise derived from current.
    capacity_inc_Ah, energy_inc_Wh : array-like, optional
        Unsigned (or signed) per-row increments of charge / energy from the cycler's own
        counters (see :func:`increments_from_counter`); the within-step sums are returned
        unsigned. Without them, capacity and energy are integrated from current and voltage.
    """
    t = np.asarray(time_s, dtype=float)
    i = np.asarray(current_A, dtype=float)
    v = np.asarray(voltage_V, dtype=float)
    n = t.size
    src = str(source)
    if n == 0:
        raise InputError("the file holds no data records (empty test)", field=src)
    if not (i.size == n and v.size == n):
        raise InputError("time, current and voltage columns have different lengths", field=src)
    if n > MAX_ROWS:
        raise InputError(f"{n} rows is more than the {MAX_ROWS} one file may hold; split the test",
                         field=src)
    bad, row_warnings = implausible_rows(t, i, v)
    if bad.all():
        raise InputError("no row has finite time, current and voltage within the physical ranges "
                         f"(|V| <= {VOLTAGE_LIMIT_V:g} V, |I| <= {CURRENT_LIMIT_A:g} A)"
                         + (f": {'; '.join(row_warnings)}" if row_warnings else ""), field=src)
    if bad.any():  # drop rows the cycler wrote as NaN (a truncated last record) or corrupt ones
        keep = ~bad
        t, i, v = t[keep], i[keep], v[keep]
        step_key = None if step_key is None else np.asarray(step_key)[keep]
        step_label = None if step_label is None else np.asarray(step_label)[keep]
        capacity_inc_Ah = None if capacity_inc_Ah is None else np.asarray(capacity_inc_Ah)[keep]
        energy_inc_Wh = None if energy_inc_Wh is None else np.asarray(energy_inc_Wh)[keep]
        temperature_C = None if temperature_C is None else np.asarray(temperature_C)[keep]
        n = t.size
    t = t - t[0]
    imax = float(np.max(np.abs(i))) if n else 0.0
    tol = max(REST_REL_TOL * imax, 1e-12)
    sign_class = np.where(np.abs(i) <= tol, 0, np.sign(i)).astype(np.int8)
    if step_key is not None:
        sk = np.asarray(step_key)
        change = sk[1:] != sk[:-1]
        if step_label is not None:
            lab = np.asarray(step_label)
            change |= lab[1:] != lab[:-1]
        starts = np.concatenate([[0], np.flatnonzero(change) + 1]).astype(np.int64)
    else:
        starts = segment_starts(sign_class)
    step = segment_ids(starts, n)
    nsteps = starts.size
    if capacity_inc_Ah is not None:
        dq = np.abs(np.nan_to_num(np.asarray(capacity_inc_Ah, dtype=float)))
        dq, msg = _check_counter(dq, t, np.abs(i), "charge", "Ah")
        if msg:
            row_warnings.append(msg)
        cap = segment_cumsum(dq, starts)
    else:
        cap = integrate_capacity(t, i, starts)
    mean_i, direction = step_directions_from(i, cap, starts, tol)
    raw_dir = np.where(np.maximum.reduceat(np.abs(i), starts) <= tol, 0, np.sign(mean_i)).astype(np.int64)

    # step types
    if step_label is not None:
        lab = np.asarray(step_label).astype(object)[starts]
        stype = np.array([x if x in STEP_TYPES else "other" for x in lab], dtype=object)
        # a labelled charge/discharge step must agree with the current sign; trust the current
        stype = np.where((stype == "charge") & (raw_dir < 0), "discharge", stype)
        stype = np.where((stype == "discharge") & (raw_dir > 0), "charge", stype)
        stype = np.where((raw_dir == 0) & np.isin(stype, ["charge", "discharge"]), "rest", stype)
    else:
        stype = np.where(raw_dir > 0, "charge", np.where(raw_dir < 0, "discharge", "rest")).astype(object)
        # constant-voltage steps: voltage held (range < 5 mV) while current decays by > 30 %
        lengths = np.diff(np.concatenate([starts, [n]]))
        vr = np.maximum.reduceat(v, starts) - np.minimum.reduceat(v, starts)
        ia = np.abs(i)
        irel = (np.maximum.reduceat(ia, starts) - np.minimum.reduceat(ia, starts)) / np.maximum(
            np.maximum.reduceat(ia, starts), tol)
        cv = (raw_dir != 0) & (vr < 5e-3) & (irel > 0.3) & (lengths > 5)
        stype[cv] = "cv"
    # cv steps count toward the direction of their current for cycle assignment
    cyc_steps = assign_cycles(direction)
    cycle = cyc_steps[step - 1]

    if energy_inc_Wh is not None:
        de = np.abs(np.nan_to_num(np.asarray(energy_inc_Wh, dtype=float)))
        de, msg = _check_counter(de, t, np.abs(i) * float(np.max(np.abs(v))), "energy", "Wh")
        if msg:
            row_warnings.append(msg)
        en = segment_cumsum(de, starts)
    else:
        en = integrate_energy(t, i, v, starts)

    data = {
        "time_s": t,
        "cycle": cycle,
        "step": step,
        "step_type": pd.Categorical.from_codes(
            np.array([STEP_TYPES.index(s) for s in stype], dtype=np.int8)[step - 1], STEP_TYPES),
        "current_A": i,
        "voltage_V": v,
        "capacity_Ah": cap,
        "energy_Wh": en,
    }
    if temperature_C is not None:
        data["temperature_C"] = np.asarray(temperature_C, dtype=float)
    df = pd.DataFrame(data)
    df.attrs.update({
        "source_files": [src],
        "format": fmt,
        "reader": reader,
        "active_mass_g": active_mass_g,
        "sign_convention": SIGN_CONVENTION,
        "n_steps": int(nsteps),
    })
    if extra_attrs:
        df.attrs.update(extra_attrs)
    warns = list(df.attrs.get("warnings") or [])
    df.attrs["warnings"] = row_warnings + warns
    df.attrs["dropped_rows"] = int(bad.sum())
    return df


def validate(df: pd.DataFrame, name: str = "data") -> pd.DataFrame:
    """Check that ``df`` follows the tidy schema; raise :class:`InputError` naming what is missing."""
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"not a sianode tidy cycling table: missing columns {missing}; "
                         f"required {COLUMNS}", field=name)
    if len(df) == 0:
        raise InputError("tidy cycling table has no rows", field=name)
    return df
