"""Cyclic voltammetry kinetics: b value and the capacitive / diffusion-controlled split.

Models (seeds/002 §3.3; Augustyn, Simon & Dunn, Energy Environ. Sci. 7, 1597 (2014);
Wang, Polleux, Lim & Dunn, J. Phys. Chem. C 111, 14925 (2007)):

* Power law of the peak current vs scan rate v::

      i_p = a v^b      →   log i_p = log a + b log v

  b = 0.5 is a semi-infinite diffusion-controlled process (Randles–Ševčík, i_p ∝ v^½),
  b = 1 a surface (capacitive / pseudocapacitive) process (i ∝ v). 002 §3.3 reports
  b = 0.64 for p-mSi@SiOx/C, 0.34 for mSi and 0.37 for mSi@C (values below 0.5 mean the
  peak current also suffers from ohmic/kinetic polarisation that the power law ignores).

* Current split at each potential V::

      i(V) = k1(V) v + k2(V) v^½     ⇔   i(V)/v^½ = k1(V) v^½ + k2(V)

  k1 v is the capacitive, k2 v^½ the diffusion-controlled current; (k1, k2) come from a
  straight-line fit of i/v^½ against v^½ over the scan rates at each potential, done
  separately on the anodic and cathodic branches. (002 writes the same equation with
  k1 and k2 swapped; here k1 always multiplies v.) The capacitive fraction at a scan rate
  is ∫|k1 v| dV / ∫|i| dV over both branches; 002 §3.3 reports 83.4 % at 1 mV s⁻¹.

Assumptions: all voltammograms share the potential window; the ohmic drop is small (the
split attributes any iR distortion to k1/k2); the electrode is stable between scans.
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from sianode.errors import InputError


def sweep_direction(potential_V: np.ndarray, min_step_V: float = 1e-4) -> np.ndarray:
    """+1 for anodic (increasing potential) points, −1 for cathodic, by smoothed dE sign."""
    E = np.asarray(potential_V, float)
    if E.size < 3:
        raise InputError("need at least 3 potential points", field="potential_V")
    d = np.gradient(E)
    # carry the last clear direction over flat/noisy points
    s = np.where(np.abs(d) > min_step_V * 0.1, np.sign(d), 0.0)
    for i in range(1, s.size):
        if s[i] == 0:
            s[i] = s[i - 1]
    if s[0] == 0:
        nz = np.flatnonzero(s)
        s[0] = s[nz[0]] if nz.size else 1.0
        for i in range(1, s.size):
            if s[i] == 0:
                s[i] = s[i - 1]
    return s.astype(int)


def scan_rate(cv: pd.DataFrame) -> float:
    """Median |dE/dt| (V/s) of a voltammogram."""
    t = cv["time_s"].to_numpy(float)
    E = cv["potential_V"].to_numpy(float)
    dt = np.diff(t)
    ok = dt > 0
    if not ok.any():
        raise InputError("time does not increase; cannot compute a scan rate", field="time_s")
    return float(np.median(np.abs(np.diff(E)[ok] / dt[ok])))


def peak_currents(cv: pd.DataFrame, window_V: tuple[float, float] | None = None) -> dict:
    """Anodic maximum and cathodic minimum current (A) and their potentials (V).

    ``window_V`` restricts the search to a potential range (to pick one redox peak, e.g. the
    delithiation peak of a-LixSi near 0.5 V vs Li).
    """
    E = cv["potential_V"].to_numpy(float)
    i = cv["current_A"].to_numpy(float)
    d = sweep_direction(E)
    m = np.ones(E.size, bool) if window_V is None else (E >= window_V[0]) & (E <= window_V[1])
    out = {}
    for name, sel, fn in (("anodic", (d > 0) & m, np.argmax), ("cathodic", (d < 0) & m, np.argmin)):
        if sel.any():
            k = np.flatnonzero(sel)[fn(i[sel])]
            out[name] = {"potential_V": float(E[k]), "current_A": float(i[k])}
    return out


def b_value(scan_rates_V_s: Sequence[float], peak_currents_A: Sequence[float]) -> dict:
    """Fit i_p = a v^b on log–log axes. Returns ``b, a, b_stderr, r2, n``.

    Uses |i_p| (cathodic peaks are negative). Needs ≥ 2 distinct positive scan rates.
    """
    v = np.asarray(scan_rates_V_s, float)
    ip = np.abs(np.asarray(peak_currents_A, float))
    if v.size != ip.size:
        raise InputError(f"{v.size} scan rates but {ip.size} peak currents", field="peak_currents_A")
    if v.size < 2 or np.unique(v).size < 2:
        raise InputError("b value needs at least two different scan rates", field="scan_rates_V_s")
    if np.any(v <= 0) or np.any(ip <= 0):
        raise InputError("scan rates and peak currents must be non-zero", field="scan_rates_V_s")
    x, y = np.log10(v), np.log10(ip)
    A = np.vstack([x, np.ones_like(x)]).T
    coef, res, *_ = np.linalg.lstsq(A, y, rcond=None)
    b, loga = coef
    yhat = A @ coef
    ss_res = float(np.sum((y - yhat) ** 2))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    n = v.size
    se = np.sqrt(ss_res / (n - 2) / np.sum((x - x.mean()) ** 2)) if n > 2 else np.nan
    return {"b": float(b), "a": float(10**loga), "b_stderr": float(se),
            "r2": 1 - ss_res / ss_tot if ss_tot > 0 else 1.0, "n": int(n)}


def _branch_on_grid(cv: pd.DataFrame, grid: np.ndarray, direction: int, cycle=None) -> np.ndarray:
    df = cv if cycle is None else cv[cv["cycle"] == cycle]
    E = df["potential_V"].to_numpy(float)
    i = df["current_A"].to_numpy(float)
    d = sweep_direction(E)
    sel = d == direction
    if sel.sum() < 3:
        raise InputError(f"voltammogram has no {'anodic' if direction > 0 else 'cathodic'} branch",
                         field="voltammogram")
    Eb, ib = E[sel], i[sel]
    order = np.argsort(Eb)
    return np.interp(grid, Eb[order], ib[order], left=np.nan, right=np.nan)


def capacitive_split(voltammograms: Mapping[float, pd.DataFrame], *, n_grid: int = 200,
                     cycle=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Dunn split i(V) = k1 v + k2 v^½ from voltammograms at several scan rates.

    Parameters
    ----------
    voltammograms : {scan_rate_V_s: DataFrame(potential_V, current_A[, cycle])}
    n_grid : potential grid points per branch (common window of all scans).
    cycle : use only this cycle number of each voltammogram (default: all points).

    Returns
    -------
    k_table : tidy ``branch, potential_V, k1_A_s_V, k2_A_s05_V05, r2``
    fractions : tidy ``scan_rate_V_s, capacitive_fraction, diffusion_fraction``
    """
    rates = np.array(sorted(voltammograms), float)
    if rates.size < 2:
        raise InputError("the split needs voltammograms at ≥ 2 scan rates", field="voltammograms")
    if np.any(rates <= 0):
        raise InputError("scan rates must be > 0 V/s", field="voltammograms")
    lo = max(float(voltammograms[r]["potential_V"].min()) for r in rates)
    hi = min(float(voltammograms[r]["potential_V"].max()) for r in rates)
    if hi - lo <= 0:
        raise InputError("voltammograms share no potential window", field="voltammograms")
    pad = 0.01 * (hi - lo)  # stay clear of the vertices where branches turn
    grid = np.linspace(lo + pad, hi - pad, n_grid)
    sq = np.sqrt(rates)
    rows, area_cap, area_tot = [], np.zeros(rates.size), np.zeros(rates.size)
    for direction, name in ((1, "anodic"), (-1, "cathodic")):
        I = np.vstack([_branch_on_grid(voltammograms[r], grid, direction, cycle) for r in rates])
        ok = np.all(np.isfinite(I), axis=0)
        Y = I / sq[:, None]  # i/v^½ = k1 v^½ + k2
        A = np.vstack([sq, np.ones_like(sq)]).T
        coef, *_ = np.linalg.lstsq(A, np.where(ok, Y, 0.0), rcond=None)
        k1, k2 = coef
        Yhat = A @ coef
        ss_res = np.sum((Y - Yhat) ** 2, axis=0)
        ss_tot = np.sum((Y - Y.mean(axis=0)) ** 2, axis=0)
        r2 = np.where(ss_tot > 0, 1 - ss_res / np.where(ss_tot > 0, ss_tot, 1), 1.0)
        k1, k2, r2 = np.where(ok, k1, np.nan), np.where(ok, k2, np.nan), np.where(ok, r2, np.nan)
        rows.append(pd.DataFrame({"branch": name, "potential_V": grid, "k1_A_s_V": k1,
                                  "k2_A_s05_V05": k2, "r2": r2}))
        for j, v in enumerate(rates):
            area_cap[j] += np.trapezoid(np.abs(np.nan_to_num(k1 * v)), grid)
            area_tot[j] += np.trapezoid(np.abs(np.nan_to_num(I[j])), grid)
    frac = area_cap / np.where(area_tot > 0, area_tot, np.nan)
    return (pd.concat(rows, ignore_index=True),
            pd.DataFrame({"scan_rate_V_s": rates, "capacitive_fraction": frac,
                          "diffusion_fraction": 1 - frac}))


def synthetic_voltammogram(scan_rate_V_s: float, k1: Callable[[np.ndarray], np.ndarray],
                           k2: Callable[[np.ndarray], np.ndarray], *, E_low_V: float = 0.01,
                           E_high_V: float = 1.0, n_points: int = 2000,
                           k1_cathodic: Callable | None = None, k2_cathodic: Callable | None = None
                           ) -> pd.DataFrame:
    """One triangular-sweep cycle with i = k1(E) v + k2(E) v^½ on the anodic branch and
    −(k1c(E) v + k2c(E) v^½) on the cathodic branch (defaults: the anodic functions).

    A test/teaching generator with known inputs (no electrode model behind it).
    """
    E_up = np.linspace(E_low_V, E_high_V, n_points // 2)
    E_dn = E_up[::-1]
    k1c, k2c = k1_cathodic or k1, k2_cathodic or k2
    i_up = k1(E_up) * scan_rate_V_s + k2(E_up) * np.sqrt(scan_rate_V_s)
    i_dn = -(k1c(E_dn) * scan_rate_V_s + k2c(E_dn) * np.sqrt(scan_rate_V_s))
    E = np.r_[E_up, E_dn]
    t = np.r_[0.0, np.cumsum(np.abs(np.diff(E)))] / scan_rate_V_s
    return pd.DataFrame({"time_s": t, "potential_V": E, "current_A": np.r_[i_up, i_dn], "cycle": 1})


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------
def cv_file_sections(cv: pd.DataFrame, *, title: str = "Cyclic voltammetry"):
    """Report of one voltammogram file: cycles, scan rate, peak currents per cycle."""
    import matplotlib.pyplot as plt

    from sianode.report.html import Section, figure, kv_table, paragraph, table

    v = scan_rate(cv)
    rows = []
    for c, g in cv.groupby("cycle"):
        if len(g) < 5:
            continue
        pk = peak_currents(g)
        rows.append({"cycle": int(c),
                     "anodic_peak_V": pk.get("anodic", {}).get("potential_V", np.nan),
                     "anodic_peak_A": pk.get("anodic", {}).get("current_A", np.nan),
                     "cathodic_peak_V": pk.get("cathodic", {}).get("potential_V", np.nan),
                     "cathodic_peak_A": pk.get("cathodic", {}).get("current_A", np.nan),
                     "charge_C": float(np.trapezoid(np.abs(g.current_A), g.time_s))})
    peaks = pd.DataFrame(rows)
    fig, ax = plt.subplots(figsize=(6, 4))
    for c, g in list(cv.groupby("cycle"))[:10]:
        ax.plot(g.potential_V, g.current_A * 1e3, lw=0.8, label=f"cycle {c}")
    ax.set_xlabel("E / V"), ax.set_ylabel("i / mA"), ax.legend(fontsize=7)
    body = figure(fig, alt="voltammogram")
    body += kv_table({"points": len(cv), "cycles": int(cv.cycle.nunique()),
                      "scan rate / mV s⁻¹": v * 1e3,
                      "window / V": f"{cv.potential_V.min():.3f} – {cv.potential_V.max():.3f}"})
    body += table(peaks)
    body += paragraph("A single scan rate: the b value (i_p = a v^b) and the capacitive/diffusion "
                      "split need voltammograms at several scan rates (sianode.analysis.cv."
                      "b_value / capacitive_split).")
    return [Section(title, body)], {"cv_data": cv, "cv_peaks": peaks}


def cv_rate_sections(voltammograms: Mapping[float, pd.DataFrame], *, title: str = "CV kinetics",
                     window_V: tuple[float, float] | None = None):
    """b value and capacitive split for a multi-scan-rate set."""
    import matplotlib.pyplot as plt

    from sianode.report.html import Section, figure, kv_table, table

    rates = sorted(voltammograms)
    pk = [peak_currents(voltammograms[r], window_V) for r in rates]
    ia = [p["anodic"]["current_A"] for p in pk]
    bv = b_value(rates, ia)
    ktab, frac = capacitive_split(voltammograms)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    axes[0].loglog(rates, np.abs(ia), "o")
    vv = np.array(rates)
    axes[0].loglog(vv, bv["a"] * vv ** bv["b"], "-", label=f"b = {bv['b']:.3f}")
    axes[0].set_xlabel("v / V s⁻¹"), axes[0].set_ylabel("|i_p| / A"), axes[0].legend()
    axes[1].bar([f"{r * 1e3:.2g}" for r in frac.scan_rate_V_s], frac.capacitive_fraction * 100)
    axes[1].set_xlabel("v / mV s⁻¹"), axes[1].set_ylabel("capacitive share / %")
    body = figure(fig, alt="b value and capacitive share") + kv_table(bv, caption="i_p = a v^b")
    body += table(frac)
    return [Section(title, body)], {"cv_b_value": pd.DataFrame([bv]), "cv_split_k": ktab,
                                    "cv_split_fractions": frac}
