"""Calibrate the fade model to a measured capacity (and CE) vs cycle curve, with confidence intervals.

Method: weighted nonlinear least squares on log-parameters (``scipy.optimize.least_squares``,
trust-region reflective, bounds one decade... see ``bounds_decades``). The Jacobian is a
forward-difference one computed in a *single vectorised call* of :func:`sianode.life.fade.simulate`
(the base point and every perturbed parameter set are simulated as separate designs).
Residuals: retention (capacity / first-cycle capacity) and, if the data have it, the coulombic
efficiency weighted by ``ce_weight``. Confidence intervals from the linearised covariance

    cov(theta) = s^2 (J^T J)^-1,   s^2 = SSR / (m - p),

with Student-t quantiles, in log space (so intervals are positive and asymmetric).

Data file (CSV): a cycle column (``cycle``, ``cycle_number``, ``cycle_index`` or ``Cycle``,
any case) and a capacity column (name containing ``capacity`` or ``retention``), optionally a
CE column (``ce``, ``coulombic_efficiency``, in fraction or %).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, stats

from sianode.errors import InputError, SolverError
from sianode.life.fade import LifeInputs, simulate

#: Parameters that may be fitted (names of :class:`~sianode.life.fade.LifeInputs` fields).
FITTABLE = ("sei_rate_factor", "isolation_thickness", "binder_beta", "fracture_beta", "debris_permeability",
            "sei_fracture_area_strain", "fresh_surface_wetting", "isolation_shape", "electron_factor", "solvent_factor")
DEFAULT_FREE = ("sei_rate_factor", "isolation_thickness", "binder_beta")

_CYCLE_NAMES = ("cycle", "cycle_number", "cycle_index", "cycle number", "cycle_no")
_CE_NAMES = ("ce", "coulombic_efficiency", "coulombic efficiency", "ce_pct", "coulombic_efficiency_pct")


@dataclass
class CycleData:
    """Measured cycling data: cycle numbers, retention (fraction of first cycle), optional CE (fraction)."""

    cycle: np.ndarray
    retention: np.ndarray
    ce: np.ndarray | None
    capacity: np.ndarray
    source: str = ""


def read_cycle_data(path: str | Path) -> CycleData:
    """Read a capacity-vs-cycle CSV (never modified); clear errors for bad files."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", field=str(path))
    if path.is_dir():
        raise InputError("is a directory, expected a CSV file", field=str(path))
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("file is empty", field=str(path))
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text (byte {e.start}); expected a CSV file", field=str(path)) from None
    try:
        df = pd.read_csv(path, comment="#")
    except Exception as e:  # pandas raises several parser errors
        raise InputError(f"could not parse as CSV: {e}", field=str(path)) from None
    cols = {c.strip().lower(): c for c in df.columns}
    cyc = next((cols[n] for n in _CYCLE_NAMES if n in cols), None)
    if cyc is None:
        raise InputError(f"no cycle column (expected one of {', '.join(_CYCLE_NAMES)}); found columns "
                         f"{list(df.columns)}", field=str(path))
    cap = next((c for lc, c in cols.items() if "capacity" in lc or "retention" in lc), None)
    if cap is None:
        raise InputError(f"no capacity column (a name containing 'capacity' or 'retention'); found {list(df.columns)}",
                         field=str(path))
    ce_col = next((cols[n] for n in _CE_NAMES if n in cols), None)
    try:
        cycle = pd.to_numeric(df[cyc], errors="raise").to_numpy(float)
        capacity = pd.to_numeric(df[cap], errors="raise").to_numpy(float)
        ce = None if ce_col is None else pd.to_numeric(df[ce_col], errors="raise").to_numpy(float)
    except (ValueError, TypeError) as e:
        raise InputError(f"non-numeric value in data columns: {e}", field=str(path)) from None
    ok = np.isfinite(cycle) & np.isfinite(capacity)
    if ce is not None:
        ok &= np.isfinite(ce)
    cycle, capacity = cycle[ok], capacity[ok]
    ce = None if ce is None else ce[ok]
    if len(cycle) < 5:
        raise InputError(f"need at least 5 valid rows, found {len(cycle)}", field=str(path))
    if np.any(cycle < 1) or np.any(cycle != np.round(cycle)) or np.any(np.diff(cycle) <= 0):
        raise InputError("cycle numbers must be positive integers in increasing order", field=f"{path}:{cyc}")
    if np.any(capacity < 0) or capacity[0] <= 0:
        raise InputError("capacities must be >= 0 and the first one > 0", field=f"{path}:{cap}")
    if ce is not None:
        if np.nanmax(ce) > 1.5:  # percent
            ce = ce / 100.0
        if np.any((ce <= 0) | (ce > 1.05)):
            raise InputError("CE must be within (0, 1.05] (fraction) or (0, 105] (%)", field=f"{path}:{ce_col}")
    retention = capacity / capacity[0] if "retention" not in cap.lower() else capacity
    if "retention" in cap.lower() and np.nanmax(retention) > 1.5:
        retention = retention / 100.0
    return CycleData(cycle.astype(int), retention, ce, capacity, str(path))


@dataclass
class FitResult:
    """Fitted parameters with 95 % (or ``level``) confidence intervals and the fitted curves."""

    parameters: pd.DataFrame  # name, value, ci_low, ci_high, initial
    curves: pd.DataFrame  # cycle, retention_data, retention_model, ce_data, ce_model
    rmse_retention: float
    rmse_ce: float
    n_points: int
    success: bool
    message: str
    inputs: LifeInputs


def _model(base: LifeInputs, free, log_theta: np.ndarray, cycles: int):
    """Simulate a batch: ``log_theta`` has shape (p, k) -> k designs."""
    kw = {}
    for i, name in enumerate(free):
        kw[name] = np.exp(log_theta[i])
    inp = dataclasses.replace(base, **kw)
    return simulate(inp, cycles, record=("retention", "ce"))


def fit_life(data: CycleData, base: LifeInputs | None = None, free=DEFAULT_FREE, ce_weight: float = 10.0,
             level: float = 0.95, bounds_decades: float = 3.0) -> FitResult:
    """Fit ``free`` parameters of ``base`` to ``data``; return values with confidence intervals."""
    base = base or LifeInputs()
    free = tuple(free)
    bad = [f for f in free if f not in FITTABLE]
    if bad or not free:
        raise InputError(f"cannot fit {bad or 'nothing'}; fittable: {', '.join(FITTABLE)}", field="free")
    a = base.arrays()
    if len(a["capacity_mAh_g"]) != 1:
        raise InputError("fit one design at a time (scalar LifeInputs)", field="base")
    m = len(data.cycle) + (0 if data.ce is None else len(data.cycle))
    if m <= len(free):
        raise InputError(f"{m} data points cannot determine {len(free)} parameters", field=data.source or "data")
    cycles = int(data.cycle.max())
    idx = data.cycle - 1
    theta0 = np.log(np.array([float(a[f][0]) for f in free]))
    # parameters bounded to [0, 1] (fractions): keep them inside
    upper = theta0 + bounds_decades * np.log(10.0)
    for i, f in enumerate(free):
        if f == "fresh_surface_wetting":
            upper[i] = 0.0
    lower = theta0 - bounds_decades * np.log(10.0)
    theta0 = np.minimum(theta0, upper - 1e-9)

    def resid_batch(th):  # th: (p, k)
        t = _model(base, free, th, cycles)
        r = t["retention"][idx] - data.retention[:, None]
        if data.ce is not None:
            r = np.vstack([r, ce_weight * (t["ce"][idx] - data.ce[:, None])])
        return r

    def fun(th):
        return resid_batch(th[:, None])[:, 0]

    def jac(th):
        h = 1e-4
        pts = np.repeat(th[:, None], len(th) + 1, axis=1)
        steps = np.where(th + h > upper, -h, h)
        pts[np.arange(len(th)), np.arange(1, len(th) + 1)] += steps
        r = resid_batch(pts)
        return (r[:, 1:] - r[:, :1]) / steps[None, :]

    try:
        sol = optimize.least_squares(fun, theta0, jac=jac, bounds=(lower, upper), method="trf", x_scale=1.0,
                                     max_nfev=200)
    except (ValueError, FloatingPointError, np.linalg.LinAlgError) as e:
        raise SolverError(f"life-model calibration (least_squares) failed: {e}") from None
    J = jac(sol.x)
    dof = max(m - len(free), 1)
    s2 = float(np.sum(sol.fun ** 2)) / dof
    try:
        cov = s2 * np.linalg.pinv(J.T @ J)
        se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    except np.linalg.LinAlgError:
        se = np.full(len(free), np.inf)
    tq = stats.t.ppf(0.5 + level / 2.0, dof)
    params = pd.DataFrame({
        "name": free, "value": np.exp(sol.x), "ci_low": np.exp(sol.x - tq * se), "ci_high": np.exp(sol.x + tq * se),
        "initial": np.exp(theta0), "log_se": se,
    })
    fitted = dataclasses.replace(base, **{f: float(np.exp(v)) for f, v in zip(free, sol.x)})
    t = simulate(fitted, cycles, record=("retention", "ce"))
    ret_m = t["retention"][idx, 0]
    ce_m = t["ce"][idx, 0]
    curves = pd.DataFrame({"cycle": data.cycle, "retention_data": data.retention, "retention_model": ret_m,
                           "ce_data": np.nan if data.ce is None else data.ce, "ce_model": ce_m})
    return FitResult(params, curves, float(np.sqrt(np.mean((ret_m - data.retention) ** 2))),
                     float("nan") if data.ce is None else float(np.sqrt(np.mean((ce_m - data.ce) ** 2))),
                     m, bool(sol.success), str(sol.message), fitted)
