"""GITT: chemical diffusion coefficient vs state of lithiation (Weppner–Huggins).

Model (W. Weppner & R. A. Huggins, J. Electrochem. Soc. 124, 1569 (1977)). A constant-current
pulse of duration τ is followed by a rest. For short times the surface concentration of a
body with diffusion length L = V/S (volume over electrolyte-wetted area) grows as √t, and::

    D = (4 / (π τ)) · L² · (ΔE_s / ΔE_τ)²              (τ ≪ L²/D)

with ΔE_s the change of the relaxed (steady-state) voltage over the pulse and ΔE_τ the
voltage change *during* the pulse without the ohmic (IR) step. Here ΔE_τ = (dE/d√t)·√τ from a
straight-line fit of E against √t over the pulse, which removes the IR step (intercept) and
tests the √t law at the same time. The diffusion length is taken, in this order, from

* ``particle_radius_m`` r: spheres, L = V/S = r/3;
* ``molar_volume_m3_mol``, ``active_mass_g``, ``molar_mass_g_mol`` and ``electrode_area_m2``:
  the original form L = n_B V_M / S = (m_B/M_B) V_M / S (planar film of area S).

Without a length the result is D/L² (s⁻¹) and D is NaN.

Assumptions, each checked per pulse and reported as a flag column:

1. **Short time** τ ≪ L²/D: planar films ``short_time_ok`` when D τ / L² < 0.1 (the exact
   planar solution gives < 0.1 % error there); spheres when the curvature bias
   (4/3)√(π D τ)/R < 5 % (coefficient read off the exact series solution; WH underestimates D
   by that fraction, i.e. D τ/R² ≲ 3·10⁻⁴).
2. **√t law during the pulse**: ``sqrt_t_ok`` when R² of E vs √t ≥ 0.98.
3. **Relaxed before and after**: ``relaxed_ok`` when the voltage still changes by less than
   5 % of |ΔE_s| over the last 10 % of the rests before and after the pulse.
4. Small steps (linear E(x) over a pulse), no phase change within the pulse, single-phase
   solid solution, constant molar volume: not testable from E(t) alone; for Si (≈ 280 %
   volume change, a-LixSi two-phase region on first lithiation, 000 §2) the derived D is an
   *apparent* diffusion coefficient, as in 002 §3.3.

Sign convention of the input (part A's tidy cycling frame): ``current_A`` > 0 is charge of
the tested cell. The state of lithiation is reported as the cumulative charge passed in the
GITT pulses, normalised 0 → 1 over the set (``state_of_charge`` column with the direction
stated), because the absolute lithium content needs the electrode's capacity.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sianode.errors import InputError

#: Thresholds of the assumption checks (see module docstring); stated, not tuned to data.
CHECKS = {"short_time_max": 0.1, "sphere_bias_max": 0.05, "sqrt_t_r2_min": 0.98,
          "relax_change_rel_max": 0.05}


def weppner_huggins_D(tau_s, dEs_V, dEt_V, L_m):
    """D (m²/s) = 4 L² (ΔE_s/ΔE_τ)² / (π τ). Arrays or scalars."""
    tau = np.asarray(tau_s, float)
    return 4.0 / (np.pi * tau) * np.asarray(L_m, float) ** 2 * (np.asarray(dEs_V, float)
                                                                / np.asarray(dEt_V, float)) ** 2


def diffusion_length(*, particle_radius_m=None, molar_volume_m3_mol=None, active_mass_g=None,
                     molar_mass_g_mol=None, electrode_area_m2=None) -> float | None:
    """L = V/S from the geometry given (sphere r/3 or n V_M / S); None if not enough input."""
    if particle_radius_m is not None:
        if particle_radius_m <= 0:
            raise InputError("must be > 0", field="particle_radius_m")
        return float(particle_radius_m) / 3.0
    vals = (molar_volume_m3_mol, active_mass_g, molar_mass_g_mol, electrode_area_m2)
    if all(v is not None for v in vals):
        for name, v in zip(("molar_volume_m3_mol", "active_mass_g", "molar_mass_g_mol",
                            "electrode_area_m2"), vals):
            if v <= 0:
                raise InputError("must be > 0", field=name)
        return float(active_mass_g / molar_mass_g_mol * molar_volume_m3_mol / electrode_area_m2)
    if any(v is not None for v in vals):
        raise InputError("the planar Weppner–Huggins length needs molar_volume_m3_mol, "
                         "active_mass_g, molar_mass_g_mol and electrode_area_m2 together "
                         "(or give particle_radius_m)", field="molar_mass_g_mol")
    return None


def find_pulses(df: pd.DataFrame, *, min_rest_s: float = 1.0, rest_current_A: float | None = None
                ) -> list[dict]:
    """Pulse/relaxation pairs: a constant-current segment followed by a zero-current rest.

    Segments are split where the current changes (sign or > 5 % magnitude) or on ``step``
    changes. Returns ``[{"pulse": slice, "rest": slice, "before": index of last rest point
    before the pulse}, …]`` as positional indices into ``df``.
    """
    for c in ("time_s", "current_A", "voltage_V"):
        if c not in df:
            raise InputError(f"column {c!r} missing from the cycling table", field=c)
    I = df["current_A"].to_numpy(float)
    tol = rest_current_A if rest_current_A is not None else max(1e-3 * np.nanmax(np.abs(I)), 1e-12)
    state = np.where(np.abs(I) <= tol, 0, np.sign(I)).astype(int)
    key = state.copy()
    if "step" in df:
        step = df["step"].to_numpy()
        change = np.r_[True, (state[1:] != state[:-1]) | (step[1:] != step[:-1])]
    else:
        change = np.r_[True, state[1:] != state[:-1]]
    starts = np.flatnonzero(change)
    ends = np.r_[starts[1:], len(df)]
    segs = [(s, e, key[s]) for s, e in zip(starts, ends)]
    t = df["time_s"].to_numpy(float)
    out = []
    for k in range(1, len(segs) - 1):
        s, e, st = segs[k]
        ps, pe, pst = segs[k - 1]
        rs, re_, rst = segs[k + 1]
        if st != 0 and pst == 0 and rst == 0 and (t[re_ - 1] - t[rs]) >= min_rest_s and e - s >= 4:
            cur = I[s:e]
            if np.std(cur) > 0.05 * abs(np.mean(cur)):
                continue  # not a constant-current pulse
            out.append({"pulse": slice(s, e), "rest": slice(rs, re_), "before": pe - 1,
                        "prev_rest": slice(ps, pe)})
    return out


def gitt_analysis(df: pd.DataFrame, *, L_m: float | None = None, min_rest_s: float = 1.0,
                  geometry: str = "planar") -> pd.DataFrame:
    """Weppner–Huggins on every pulse of a GITT record. Tidy, one row per pulse.

    Columns: ``pulse, cycle, direction, time_start_s, tau_s, current_A, charge_Ah,
    state_of_charge, E_relaxed_before_V, E_relaxed_after_V, dEs_V, dEt_V, ir_drop_V,
    sqrt_t_r2, D_over_L2_per_s, D_m2_s, D_cm2_s, short_time_ratio, short_time_ok, sqrt_t_ok,
    relaxed_ok, valid``.
    """
    pulses = find_pulses(df, min_rest_s=min_rest_s)
    if not pulses:
        raise InputError("no pulse/relaxation pairs found (need constant-current pulses each "
                         "followed by a zero-current rest)", field="current_A")
    t = df["time_s"].to_numpy(float)
    E = df["voltage_V"].to_numpy(float)
    I = df["current_A"].to_numpy(float)
    cyc = df["cycle"].to_numpy() if "cycle" in df else np.zeros(len(df), int)
    rows = []
    q_cum = 0.0
    for n, pr in enumerate(pulses):
        ps, rs, prv = pr["pulse"], pr["rest"], pr["prev_rest"]
        t0 = t[pr["before"]]  # pulse starts when the previous rest ends
        tp = t[ps] - t0
        tau = float(t[ps.stop - 1] - t0)
        Ep = E[ps]
        # E vs √t over the pulse, skipping the first point (IR step settling)
        x = np.sqrt(np.clip(tp, 0, None))
        sel = slice(1, None) if x.size > 4 else slice(None)
        A = np.vstack([x[sel], np.ones_like(x[sel])]).T
        coef, *_ = np.linalg.lstsq(A, Ep[sel], rcond=None)
        slope, icpt = coef
        yhat = A @ coef
        ss_tot = np.sum((Ep[sel] - Ep[sel].mean()) ** 2)
        r2 = 1 - np.sum((Ep[sel] - yhat) ** 2) / ss_tot if ss_tot > 0 else np.nan
        dEt = slope * np.sqrt(tau)
        E_before = E[pr["before"]]
        E_after = E[rs.stop - 1]
        dEs = E_after - E_before
        i_mean = float(np.mean(I[ps]))
        q = i_mean * tau / 3600.0
        q_cum += q

        def end_change(sl):
            # voltage change over the last 10 % of a rest (robust to ADC quantisation)
            tt, ee = t[sl], E[sl]
            m = tt >= tt[-1] - 0.1 * (tt[-1] - tt[0])
            return abs(ee[m][-1] - ee[m][0]) if m.sum() >= 2 else np.nan

        relaxed = all(not np.isfinite(r) or r <= CHECKS["relax_change_rel_max"] * abs(dEs)
                      for r in (end_change(prv), end_change(rs)))
        d_over_l2 = 4.0 / (np.pi * tau) * (dEs / dEt) ** 2 if dEt != 0 else np.nan
        D = d_over_l2 * L_m**2 if L_m is not None else np.nan
        ratio = d_over_l2 * tau  # D τ / L²
        if geometry == "sphere":
            # first-order curvature bias of WH for spheres, (4/3)√(πDτ)/R with R = 3L, read off
            # the exact series solution (docs/analysis-spectroscopy.md); planar is unbiased
            short_ok = (4.0 / 9.0) * np.sqrt(np.pi * ratio) < CHECKS["sphere_bias_max"]
        else:
            short_ok = ratio < CHECKS["short_time_max"]
        rows.append({
            "pulse": n, "cycle": cyc[ps.start], "direction": "charge" if i_mean > 0 else "discharge",
            "time_start_s": float(t0), "tau_s": tau, "current_A": i_mean, "charge_Ah": q,
            "charge_cum_Ah": q_cum, "E_relaxed_before_V": float(E_before),
            "E_relaxed_after_V": float(E_after), "dEs_V": float(dEs), "dEt_V": float(dEt),
            "ir_drop_V": float(icpt - E_before), "sqrt_t_r2": float(r2),
            "D_over_L2_per_s": float(d_over_l2), "D_m2_s": float(D), "D_cm2_s": float(D * 1e4),
            "short_time_ratio": float(ratio),
            "short_time_ok": bool(short_ok),
            "sqrt_t_ok": bool(r2 >= CHECKS["sqrt_t_r2_min"]), "relaxed_ok": bool(relaxed),
        })
    out = pd.DataFrame(rows)
    # 0 → 1 over the charge range the pulses span (start of the set included)
    q = np.r_[0.0, out.charge_cum_Ah.to_numpy()]
    lo, hi = q.min(), q.max()
    out["state_of_charge"] = (out.charge_cum_Ah - lo) / (hi - lo) if hi > lo else np.nan
    out["valid"] = out.short_time_ok & out.sqrt_t_ok & out.relaxed_ok
    return out


def gitt_from_cycling(df: pd.DataFrame, *, molar_volume_m3_mol=None, electrode_area_m2=None,
                      particle_radius_m=None, active_mass_g=None, molar_mass_g_mol=None,
                      min_rest_s: float = 1.0):
    """GITT analysis of part A's tidy cycling table → ``(pulses DataFrame, list[Section])``.

    See :func:`gitt_analysis` for the columns and the module docstring for the equation,
    geometry options and the assumption checks. An incomplete planar geometry (e.g. mass and
    area without ``molar_mass_g_mol``) gives D/L² only, with a note saying what is missing.
    """
    note = ""
    try:
        L = diffusion_length(particle_radius_m=particle_radius_m,
                             molar_volume_m3_mol=molar_volume_m3_mol, active_mass_g=active_mass_g,
                             molar_mass_g_mol=molar_mass_g_mol, electrode_area_m2=electrode_area_m2)
    except InputError as exc:
        if particle_radius_m is not None and particle_radius_m <= 0:
            raise
        # incomplete planar geometry: report D/L² rather than nothing, and say what is missing
        L = None
        note = f"D not computed, only D/L²: {exc}"
    geometry = "sphere" if particle_radius_m is not None else "planar"
    res = gitt_analysis(df, L_m=L, min_rest_s=min_rest_s, geometry=geometry)
    sections = gitt_sections(res, L_m=L)
    if note:
        from sianode.report.html import paragraph

        sections[0].body += paragraph(note)
    return res, sections


def gitt_sections(res: pd.DataFrame, *, L_m: float | None = None, title: str = "GITT diffusion"):
    import matplotlib.pyplot as plt

    from sianode.report.html import Section, figure, kv_table, paragraph, table

    ycol, ylab = ("D_cm2_s", "D / cm² s⁻¹") if L_m is not None else ("D_over_L2_per_s", "D/L² / s⁻¹")
    fig, ax = plt.subplots(figsize=(6, 4))
    for d, g in res.groupby("direction"):
        ok = g["valid"]
        ax.semilogy(g.state_of_charge[ok], g[ycol][ok], "o", label=f"{d} (assumptions met)")
        ax.semilogy(g.state_of_charge[~ok], g[ycol][~ok], "x", label=f"{d} (check failed)")
    ax.set_xlabel("normalised charge passed (0→1)"), ax.set_ylabel(ylab), ax.legend(fontsize=7)
    body = figure(fig, alt="GITT diffusion coefficient")
    body += kv_table({"pulses": len(res), "diffusion length L = V/S / m": L_m if L_m else "not given",
                      "pulses meeting all checks": int(res.valid.sum()),
                      "median D (valid) / cm² s⁻¹": float(np.nanmedian(res.loc[res.valid, "D_cm2_s"]))
                      if (res.valid & res.D_cm2_s.notna()).any() else np.nan})
    body += table(res[["pulse", "direction", "state_of_charge", "tau_s", "dEs_V", "dEt_V", "sqrt_t_r2",
                       "D_over_L2_per_s", "D_cm2_s", "short_time_ratio", "valid"]])
    body += paragraph("Weppner–Huggins (J. Electrochem. Soc. 124, 1569 (1977)): D = 4L²(ΔEs/ΔEτ)²/(πτ) "
                      "for τ ≪ L²/D, √t-linear pulse transients and relaxed rests (flags per pulse). "
                      "For Si the result is an apparent D: large volume change and two-phase "
                      "lithiation violate the single-phase, fixed-geometry assumptions.")
    return [Section(title, body)]


# --------------------------------------------------------------------------------------------
# analytic transients (validation; no PyBaMM)
# --------------------------------------------------------------------------------------------
from functools import lru_cache


@lru_cache(maxsize=8)
def _sphere_roots(n: int) -> np.ndarray:
    """First n positive roots of tan α = α (α_k ∈ (kπ, kπ + π/2))."""
    from scipy.optimize import brentq

    return np.array([brentq(lambda a: np.tan(a) - a, k * np.pi + 1e-9, k * np.pi + np.pi / 2 - 1e-9)
                     for k in range(1, n + 1)])


def surface_concentration_step(t, D, L, flux, geometry: str = "sphere", n_terms: int = 400):
    """Surface concentration rise under a constant inward flux from t = 0 (exact series).

    Sphere of radius R = ``L`` (Crank, *The Mathematics of Diffusion*, 2nd ed., eq. 6.57 form):
        Δc_s = (J R / D) [3 D t/R² + 1/5 − 2 Σ exp(−α_n² D t/R²)/α_n²],  tan α_n = α_n
    Planar film of thickness ``L``, flux at x = L, sealed at x = 0 (Crank eq. 2.53 form):
        Δc_s = (J L / D) [D t/L² + 1/3 − (2/π²) Σ (1/n²) exp(−n² π² D t/L²)]
    """
    t = np.clip(np.asarray(t, float), 0, None)
    if geometry == "sphere":
        a = _sphere_roots(n_terms)
        s = np.sum(np.exp(-np.outer(t, a**2) * D / L**2) / a**2, axis=1)
        return flux * L / D * (3 * D * t / L**2 + 0.2 - 2 * s)
    if geometry == "planar":
        n = np.arange(1, n_terms + 1)
        s = np.sum(np.exp(-np.outer(t, n**2) * np.pi**2 * D / L**2) / n**2, axis=1)
        return flux * L / D * (D * t / L**2 + 1 / 3 - 2 / np.pi**2 * s)
    raise InputError(f"geometry {geometry!r}; allowed 'sphere', 'planar'", field="geometry")


def synthetic_gitt(D: float, L: float, *, geometry: str = "sphere", n_pulses: int = 5,
                   tau_s: float = 60.0, rest_s: float = 1800.0, current_A: float = 1e-4,
                   flux_per_A: float = 1e-3, dE_dc: float = -1e-5, R_ohm: float = 0.5,
                   E0_V: float = 0.5, dt_s: float = 1.0, dt_rest_s: float | None = None
                   ) -> pd.DataFrame:
    """Tidy GITT record from the exact diffusion solution (superposition of flux steps).

    E(t) = E0 + (dE/dc) Δc_s(t) − R I(t) (lithiation lowers the potential for dE_dc < 0;
    current < 0 here means lithiation of the tested electrode). Linear OCV (dE/dc constant)
    makes ΔE_s and ΔE_τ exact. Columns as part A's schema (time_s, cycle, step, step_type,
    current_A, voltage_V, capacity_Ah, energy_Wh).
    """
    period = tau_s + rest_s
    dtr = dt_s if dt_rest_s is None else dt_rest_s  # rests may be sampled coarser
    parts = [np.arange(0.0, rest_s, dtr)]
    for k in range(n_pulses):
        ton = rest_s + k * period
        parts.append(ton + np.arange(0.0, tau_s, dt_s))
        parts.append(ton + tau_s + np.arange(0.0, min(10 * dt_s, rest_s), dt_s))
        parts.append(ton + tau_s + np.arange(0.0, rest_s, dtr))
    t = np.unique(np.r_[np.concatenate(parts), rest_s + n_pulses * period])
    cur = np.zeros_like(t)
    dc = np.zeros_like(t)
    J = flux_per_A * abs(current_A)  # inward flux magnitude
    for k in range(n_pulses):
        ton = rest_s + k * period
        toff = ton + tau_s
        cur[(t > ton) & (t <= toff)] = -abs(current_A)
        dc += surface_concentration_step(t - ton, D, L, J, geometry) * (t > ton)
        dc -= surface_concentration_step(t - toff, D, L, J, geometry) * (t > toff)
    V = E0_V + dE_dc * dc - R_ohm * cur
    step = np.cumsum(np.r_[True, np.diff(cur) != 0])
    stype = np.where(cur < 0, "discharge", np.where(cur > 0, "charge", "rest"))
    return pd.DataFrame({"time_s": t, "cycle": 1, "step": step, "step_type": stype,
                         "current_A": cur, "voltage_V": V, "capacity_Ah": 0.0, "energy_Wh": 0.0})
