"""Differential capacity dQ/dV: smoothing that cannot blow up, peaks, Li–Si assignment.

Method
------
Finite differences ``ΔQ/ΔV`` divide by voltage steps that vanish on flat plateaus and in
noise, so the classic curve explodes exactly where the physics is (two-phase plateaus
such as the c-Si first lithiation or the Li15Si4 delithiation). sianode computes dQ/dV as a
kernel density of charge over voltage instead::

    dQ/dV (V) = Σ_k ΔQ_k · φ_σ(V − V̄_k),     φ_σ = Gaussian of width σ (V)

where ``ΔQ_k`` is the charge passed between samples ``k−1`` and ``k`` and ``V̄_k`` their mean
voltage. No division by ``ΔV`` occurs, so a plateau becomes a finite peak of height about
``Q_plateau / (σ√(2π))``, and the curve integrates exactly to the step charge
(``∫ dQ/dV dV = Σ ΔQ``; checked in the tests). The charge is first binned on a fine grid by
linear (cloud-in-cell) weights, then convolved with the Gaussian: O(N + M log M).
σ is the only smoothing parameter (default: the larger of 5 mV and three median voltage
steps of the data). This is the histogram/"incremental capacity by voltage binning" idea
(e.g. Dubarry & Liaw's ICA practice) written as a proper kernel estimate.

Peaks are found with :func:`scipy.signal.find_peaks` (prominence ≥ a fraction of the
curve's maximum) and assigned to the Li–Si transitions of :data:`LI_SI_TRANSITIONS`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import signal

from sianode.errors import InputError
from sianode.iotools.merge import step_directions
from sianode.iotools.schema import validate

#: Li–Si features in dQ/dV of Si vs Li (room temperature, slow rate). ``window_V`` is where a
#: peak is assigned to the feature; ``max_fwhm_V`` marks features that are sharp two-phase
#: plateaus (a broad peak in the same window is not assigned to them).
LI_SI_TRANSITIONS = pd.DataFrame([
    dict(feature="c-Si first lithiation plateau", direction="lithiation", center_V=0.10,
         window_lo_V=0.03, window_hi_V=0.17, max_fwhm_V=0.06, first_cycle_only=True,
         meaning="two-phase lithiation of crystalline Si into a-LixSi (first cycle only); "
                 "about 0.2 V below the a-Si lithiation onset",
         source="Obrovac & Christensen, Electrochem. Solid-State Lett. 7 (2004) A93; seeds/000 §2"),
    dict(feature="a-Si lithiation I", direction="lithiation", center_V=0.25,
         window_lo_V=0.17, window_hi_V=0.38, max_fwhm_V=np.inf, first_cycle_only=False,
         meaning="first broad single-phase lithiation of amorphous LixSi (Li-poor)",
         source="Obrovac & Krause, J. Electrochem. Soc. 154 (2007) A103"),
    dict(feature="a-Si lithiation II", direction="lithiation", center_V=0.09,
         window_lo_V=0.02, window_hi_V=0.17, max_fwhm_V=np.inf, first_cycle_only=False,
         meaning="second broad lithiation step of a-LixSi (Li-rich, ~0.08–0.10 V)",
         source="Obrovac & Krause, J. Electrochem. Soc. 154 (2007) A103"),
    dict(feature="Li15Si4 delithiation", direction="delithiation", center_V=0.44,
         window_lo_V=0.40, window_hi_V=0.50, max_fwhm_V=0.05, first_cycle_only=False,
         meaning="two-phase delithiation of crystalline Li15Si4 (plateau 0.43–0.45 V); its "
                 "appearance flags crystallisation, i.e. lithiation below ~50 mV",
         source="Obrovac & Christensen, Electrochem. Solid-State Lett. 7 (2004) A93; "
                "Obrovac & Krause, J. Electrochem. Soc. 154 (2007) A103"),
    dict(feature="a-Si delithiation I", direction="delithiation", center_V=0.30,
         window_lo_V=0.20, window_hi_V=0.38, max_fwhm_V=np.inf, first_cycle_only=False,
         meaning="first broad delithiation peak of a-LixSi (~0.3 V)",
         source="Obrovac & Krause, J. Electrochem. Soc. 154 (2007) A103"),
    dict(feature="a-Si delithiation II", direction="delithiation", center_V=0.50,
         window_lo_V=0.38, window_hi_V=0.65, max_fwhm_V=np.inf, first_cycle_only=False,
         meaning="second broad delithiation peak of a-LixSi (~0.5 V)",
         source="Obrovac & Krause, J. Electrochem. Soc. 154 (2007) A103"),
])


def default_sigma(voltage: np.ndarray) -> float:
    """Smoothing width σ, V: max(5 mV, 3 × median |ΔV| of the data)."""
    dv = np.abs(np.diff(np.asarray(voltage, float)))
    med = float(np.median(dv)) if dv.size else 0.0
    return max(0.005, 3.0 * med)


def dqdv_kernel(voltage, capacity, grid: np.ndarray, sigma_V: float) -> np.ndarray:
    """Kernel estimate of dQ/dV on ``grid`` (uniform, V) from one monotone half cycle.

    ``capacity`` is the charge passed so far (any unit, unsigned, non-decreasing within the
    half cycle); the result has the unit of capacity per volt. Charge falling outside the grid
    is dropped.
    """
    v = np.asarray(voltage, float)
    q = np.asarray(capacity, float)
    if v.size < 2:
        return np.zeros_like(grid)
    if sigma_V <= 0:
        raise InputError(f"smoothing width must be > 0 V, got {sigma_V}", field="sigma_V")
    dq = np.diff(q)
    vm = 0.5 * (v[1:] + v[:-1])
    ok = np.isfinite(dq) & np.isfinite(vm) & (dq != 0)
    dq, vm = np.abs(dq[ok]), vm[ok]
    h = grid[1] - grid[0]
    m = grid.size
    pos = (vm - grid[0]) / h
    j = np.floor(pos).astype(np.int64)
    w = pos - j
    hist = np.zeros(m + 1)
    inside = (j >= 0) & (j < m)
    np.add.at(hist, j[inside], dq[inside] * (1 - w[inside]))
    inside2 = (j + 1 >= 0) & (j + 1 < m)
    np.add.at(hist, j[inside2] + 1, dq[inside2] * w[inside2])
    hist = hist[:m] / h  # charge density per volt on the grid
    half = int(np.ceil(5 * sigma_V / h))
    x = np.arange(-half, half + 1) * h
    kern = np.exp(-0.5 * (x / sigma_V) ** 2)
    kern /= kern.sum()
    return np.clip(signal.fftconvolve(hist, kern, mode="same"), 0.0, None)  # drop FFT round-off < 0


def _peak_arrays(grid: np.ndarray, y: np.ndarray, prominence_frac: float) -> tuple[np.ndarray, ...]:
    """Peak position, height, prominence, FWHM and area arrays of one curve (see below)."""
    y = np.asarray(y, float)
    if y.size < 5 or not np.any(y > 0):
        return tuple(np.zeros(0) for _ in range(5))
    idx, props = signal.find_peaks(y, prominence=prominence_frac * float(y.max()))
    if idx.size == 0:
        return tuple(np.zeros(0) for _ in range(5))
    widths, _, left, right = signal.peak_widths(y, idx, rel_height=0.5)
    h = grid[1] - grid[0]
    cs = np.concatenate([[0.0], np.cumsum(y) * h])
    li = np.clip(np.floor(left).astype(int), 0, y.size)
    ri = np.clip(np.ceil(right).astype(int), 0, y.size)
    return grid[idx], y[idx], props["prominences"], widths * h, cs[ri] - cs[li]


def find_dqdv_peaks(grid: np.ndarray, y: np.ndarray, prominence_frac: float = 0.08) -> pd.DataFrame:
    """Peaks of a (positive) dQ/dV curve: position, height, prominence, FWHM and area.

    Prominence must exceed ``prominence_frac`` × the curve's maximum. ``area`` is the charge
    under the peak between its half-height crossings (same unit as ``y`` × V).
    """
    cols = ["peak_V", "height", "prominence", "fwhm_V", "area"]
    return pd.DataFrame(dict(zip(cols, _peak_arrays(np.asarray(grid, float), y, prominence_frac))))


_TRANSITION_ROWS: list | None = None


def _transition_rows():
    global _TRANSITION_ROWS
    if _TRANSITION_ROWS is None:
        t = LI_SI_TRANSITIONS
        _TRANSITION_ROWS = list(zip(t.feature, t.direction, t.center_V, t.window_lo_V, t.window_hi_V,
                                    t.max_fwhm_V, t.first_cycle_only))
    return _TRANSITION_ROWS


def assign_peak(peak_V: float, fwhm_V: float, direction: str, first_lithiation: bool) -> str:
    """Name of the Li–Si feature of :data:`LI_SI_TRANSITIONS` a peak belongs to ("" if none).

    Sharp features (finite ``max_fwhm_V``) win over broad ones when the peak is narrow
    enough; the c-Si plateau is only considered in the first lithiation.
    """
    cand = [r for r in _transition_rows() if r[1] == direction and r[3] <= peak_V <= r[4]
            and (first_lithiation or not r[6])]
    sharp = [r for r in cand if np.isfinite(r[5]) and fwhm_V <= r[5]]
    if sharp:
        return str(sharp[0][0])
    broad = [r for r in cand if not np.isfinite(r[5])]
    if broad:
        return str(min(broad, key=lambda r: abs(r[2] - peak_V))[0])
    return ""


#: Hard caps that keep dQ/dV bounded for any input: grid points per curve, curves per test
#: (cycles beyond it are sampled evenly, always keeping the first ten and the last), and the
#: largest smoothing width.
MAX_GRID_POINTS = 4000
MAX_CURVES = 600
MAX_SIGMA_V = 0.1


def select_cycles(cycles: np.ndarray, max_n: int, keep=()) -> np.ndarray:
    """At most ``max_n`` of ``cycles`` (sorted unique): the first ten, ``keep``, the last, and
    the rest evenly spaced."""
    c = np.unique(np.asarray(cycles))
    if c.size <= max_n:
        return c
    must = set(c[:10].tolist()) | {int(c[-1])} | (set(int(k) for k in keep) & set(c.tolist()))
    room = max(max_n - len(must), 0)
    even = c[np.unique(np.linspace(0, c.size - 1, room).round().astype(int))] if room else []
    return np.unique(np.concatenate([np.array(sorted(must)), np.asarray(even, dtype=c.dtype)]))[:max_n]


def _voltage_window(v: np.ndarray) -> tuple[float, float]:
    """Voltage span holding the data: the 0.05–99.95 % quantiles, so that a few stray points
    (a corrupt record, a contact spike) cannot stretch the grid."""
    lo, hi = np.quantile(v, [0.0005, 0.9995]) if v.size > 2000 else (v.min(), v.max())
    return float(lo), float(hi)


def dqdv_cycles(df: pd.DataFrame, *, cycles=None, sigma_V: float | None = None,
                resolution_V: float = 0.001, active_mass_g: float | None = None,
                half_cell: bool = True, v_range: tuple[float, float] | None = None,
                max_curves: int = MAX_CURVES, keep_cycles=()) -> pd.DataFrame:
    """dQ/dV of every cycle and direction on one voltage grid, as a long tidy table.

    Columns: ``cycle``, ``direction`` (``lithiation``/``delithiation`` for a half cell,
    else ``discharge``/``charge``), ``voltage_V``, ``dqdv_mAh_V`` (always positive) and
    ``dqdv_mAh_g_V`` when the active mass is known. Rest steps are skipped; all steps of one
    direction in a cycle (CC and CV) are chained.

    Bounded work for any input: the grid spans the 0.05–99.95 % voltage quantiles (plus 3σ)
    with at most :data:`MAX_GRID_POINTS` points (the resolution coarsens beyond that); σ is
    capped at :data:`MAX_SIGMA_V`; at most ``max_curves`` (cycle, direction) curves are
    computed — cycles beyond that are sampled evenly, always keeping ``keep_cycles`` (the
    ones the report draws; ``attrs["cycles_sampled"]``). All
    histograms are built in one pass (O(rows)), then smoothed by one FFT per curve.
    """
    validate(df)
    empty = pd.DataFrame(columns=["cycle", "direction", "voltage_V", "dqdv_mAh_V"])
    if active_mass_g is None:
        active_mass_g = df.attrs.get("active_mass_g")
    starts, d = step_directions(df)
    n = len(df)
    lengths = np.diff(np.concatenate([starts, [n]]))
    row_dir = np.repeat(d, lengths)
    v = df["voltage_V"].to_numpy(float)
    cyc = df["cycle"].to_numpy()
    cap = df["capacity_Ah"].to_numpy(float)
    active = (row_dir != 0) & np.isfinite(v)
    if not active.any():
        return empty
    lo, hi = _voltage_window(v[active]) if v_range is None else (float(v_range[0]), float(v_range[1]))
    if not (np.isfinite(lo) and np.isfinite(hi) and hi >= lo):
        raise InputError(f"voltage range {v_range} not understood; give (low, high) in V", field="v_range")
    sigma = default_sigma(v[active]) if sigma_V is None else float(sigma_V)
    if not (sigma > 0):
        raise InputError(f"smoothing width must be > 0 V, got {sigma}", field="sigma_V")
    sigma = min(sigma, MAX_SIGMA_V)
    span = (hi - lo) + 6 * sigma
    h = max(float(resolution_V), span / MAX_GRID_POINTS)
    grid = lo - 3 * sigma + h * np.arange(int(np.floor(span / h)) + 1)
    m = grid.size
    # which (cycle, direction) curves, and their rows in file order
    all_cycles = np.unique(cyc[active])
    want = all_cycles if cycles is None else np.intersect1d(all_cycles, np.asarray(list(cycles)))
    chosen = select_cycles(want, max(max_curves // 2, 1), keep=keep_cycles)
    use = active & np.isin(cyc, chosen)
    rows = np.flatnonzero(use)
    if rows.size < 3:
        return empty
    key = np.searchsorted(chosen, cyc[rows]) * 2 + (row_dir[rows] > 0)
    # charge passed within the (cycle, direction) set: offset each step by the earlier steps
    step_q_end = np.maximum.reduceat(cap, starts)
    sid = np.searchsorted(starts, rows, side="right") - 1
    order = np.argsort(key, kind="stable")
    rows, key, sid = rows[order], key[order], sid[order]
    new_step = np.concatenate([[True], (sid[1:] != sid[:-1]) | (key[1:] != key[:-1])])
    new_key = np.concatenate([[True], key[1:] != key[:-1]])
    add = np.where(new_step & ~new_key, np.concatenate([[0.0], step_q_end[sid[:-1]]]), 0.0)
    grp_start = np.flatnonzero(new_key)
    cs = np.cumsum(add)
    offs = cs - np.repeat(cs[grp_start], np.diff(np.concatenate([grp_start, [rows.size]])))
    qrow = (cap[rows] + offs) * 1000.0  # mAh
    # increments between consecutive rows of one curve, at their mean voltage
    same = ~new_key[1:]
    dq = np.abs(np.diff(qrow))[same]
    vm = (0.5 * (v[rows][1:] + v[rows][:-1]))[same]
    kk = key[1:][same]
    ok = np.isfinite(dq) & np.isfinite(vm) & (dq > 0)
    dq, vm, kk = dq[ok], vm[ok], kk[ok]
    curves_k, kidx = np.unique(kk, return_inverse=True)
    nk = curves_k.size
    if nk == 0:
        return empty
    pos = (vm - grid[0]) / h
    j = np.floor(pos).astype(np.int64)
    w = pos - j
    hist = np.zeros(nk * m)
    for jj, ww in ((j, 1 - w), (j + 1, w)):  # cloud-in-cell weights; charge off the grid is dropped
        inside = (jj >= 0) & (jj < m)
        hist += np.bincount(kidx[inside] * m + jj[inside], weights=dq[inside] * ww[inside], minlength=nk * m)
    hist = hist.reshape(nk, m) / h
    half = min(int(np.ceil(5 * sigma / h)), m)
    x = np.arange(-half, half + 1) * h
    kern = np.exp(-0.5 * (x / sigma) ** 2)
    kern /= kern.sum()
    y = np.clip(signal.fftconvolve(hist, kern[None, :], mode="same", axes=1), 0.0, None)
    names = {0: "lithiation", 1: "delithiation"} if half_cell else {0: "discharge", 1: "charge"}
    cyc_of = chosen[curves_k // 2]
    dir_of = np.array([names[int(b)] for b in curves_k % 2], dtype=object)
    res = pd.DataFrame({"cycle": np.repeat(cyc_of.astype(np.int64), m),
                        "direction": np.repeat(dir_of, m),
                        "voltage_V": np.tile(grid, nk), "dqdv_mAh_V": y.ravel()})
    # lithiation/discharge first within a cycle, as the cell runs
    if active_mass_g:
        res["dqdv_mAh_g_V"] = res["dqdv_mAh_V"] / active_mass_g
    res.attrs.update({"sigma_V": sigma, "resolution_V": h, "half_cell": half_cell,
                      "cycles_sampled": bool(chosen.size < want.size), "n_cycles_total": int(want.size)})
    return res


def track_peaks(curves: pd.DataFrame, prominence_frac: float = 0.08) -> pd.DataFrame:
    """Peaks of every curve of :func:`dqdv_cycles`, assigned to Li–Si features, one row per peak."""
    cols = ["cycle", "direction", "peak_V", "height", "prominence", "fwhm_V", "area", "assignment"]
    if len(curves) == 0:
        return pd.DataFrame(columns=cols)
    first_lith = curves.loc[curves.direction == "lithiation", "cycle"].min() if (
        curves.direction == "lithiation").any() else None
    # curves are stored contiguously, one block per (cycle, direction)
    cyc = curves["cycle"].to_numpy()
    dirs = curves["direction"].to_numpy(dtype=object)
    change = (cyc[1:] != cyc[:-1]) | (dirs[1:] != dirs[:-1])
    starts = np.flatnonzero(np.concatenate([[True], change]))
    ends = np.concatenate([starts[1:], [len(curves)]])
    v = curves["voltage_V"].to_numpy()
    y = curves["dqdv_mAh_V"].to_numpy()
    out = {c: [] for c in cols}
    for a, b in zip(starts, ends):
        arrs = _peak_arrays(v[a:b], y[a:b], prominence_frac)
        n = arrs[0].size
        if n == 0:
            continue
        c, dirn = cyc[a], dirs[a]
        out["cycle"] += [c] * n
        out["direction"] += [dirn] * n
        for name, arr in zip(cols[2:7], arrs):
            out[name] += arr.tolist()
        if dirn in ("lithiation", "delithiation"):
            out["assignment"] += [assign_peak(pv, fw, dirn, first_lithiation=(c == first_lith))
                                  for pv, fw in zip(arrs[0], arrs[3])]
        else:
            out["assignment"] += [""] * n
    return pd.DataFrame(out, columns=cols)


def crystallisation_by_cycle(peaks: pd.DataFrame) -> pd.DataFrame:
    """Per cycle: whether the sharp Li15Si4 delithiation peak (0.43–0.45 V) is present."""
    if len(peaks) == 0:
        return pd.DataFrame(columns=["cycle", "li15si4_detected", "li15si4_peak_V"])
    cycles = np.sort(peaks["cycle"].unique())
    hit = peaks[(peaks.direction == "delithiation") & (peaks.assignment == "Li15Si4 delithiation")]
    first = hit.groupby("cycle")["peak_V"].first()
    return pd.DataFrame({"cycle": cycles, "li15si4_detected": np.isin(cycles, first.index.to_numpy()),
                         "li15si4_peak_V": first.reindex(cycles).to_numpy(dtype=float)})
