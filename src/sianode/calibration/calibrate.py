"""Calibrate a design on measured half cells: posterior of the uncertain parameters, forecast of held-out cycles.

What is inferred (names of :mod:`sianode.life.uncertainty`, the one registry)
-------------------------------------------------------------------------
* every life-model entry of the registry (SEI transport and kinetics, SEI fracture strain, debris
  permeability, isolation thickness, fracture and binder LAM constants), prior = the registry's range around
  the design's nominal value;
* ``si_diffusivity_m2_s`` when the fitted cycles hold a rate step (:mod:`sianode.calibration.data`): it sets how
  much of the Si each rate reaches;
* per cell, the capacity scale ``s`` (integrated out, then drawn from its conditional Student-t) giving
  ``reversible_capacity_mAh_g = s / g(c_ref)`` when the mass is known, and the ICE (measured directly).

Method: sequential Monte Carlo with likelihood tempering (:mod:`sianode.calibration.sampler`) on the likelihood of
:mod:`sianode.calibration.likelihood`; intervals are central credible intervals of the posterior samples. A
parameter is ``identified`` when its posterior interval (in the prior's own scale: log for log-uniform) is less
than half the prior's, ``weakly constrained`` below 90 %, else ``prior``: the data do not constrain it, and its
interval is its prior range. When 25 % or more of the posterior lies in the outer 5 % of a prior bound the
parameter gets a warning: the data want a value outside the published range, and the interval is cut there.

Replicates: the life parameters are shared; capacity and ICE are per cell. The material's value for a new cell
is the mixture over the cells (row ``i`` of the stored samples takes cell ``i mod J``), so the cell-to-cell
spread is in the interval and in every band propagated from it.

Forecast: the posterior (parameters, scale, residual scatter) predicts the held-out cycles (after
``fit_cycles``); the error of the median prediction (MAPE, %) and the share of held-out points inside the 95 %
predictive band are reported.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from sianode.calibration import likelihood as L
from sianode.calibration.data import CellData
from sianode.calibration.sampler import SMCResult, smc
from sianode.errors import InputError
from sianode.life import uncertainty

DEFAULT_SEED = 20250617
DEFAULT_PARTICLES = 1000
DEFAULT_STORED = 200
IDENTIFIED_RATIO = 0.5
WEAK_RATIO = 0.9
BOUND_ZONE = 0.05
BOUND_MASS = 0.25
#: A mean CE misfit above this (and above 5x the CE scatter) is reported as a warning: 0.2 pp.
CE_MISS_MIN = 2e-3


@dataclass
class CalibrationResult:
    """Everything a calibration found (see module docstring); written by :mod:`sianode.calibration.output`."""

    cells: list[CellData]
    fit_cycles: int
    parameters: dict  # name -> {value, ci_low, ci_high, unit, nominal, status, note, fitted_on, prior_low, prior_high}
    samples: dict  # name -> (n_store,) joint rows, absolute values
    per_cell: list[dict]
    curves: pd.DataFrame
    forecast: dict
    level: float
    seed: int
    method: str
    smc: SMCResult | None = None
    warnings: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def default_fit_cycles(cells: list[CellData]) -> int:
    """Half of the cycles of the shortest cell (at least 2): calibrate on the first half, check the rest."""
    return max(2, min(int(c.cycles.max()) for c in cells) // 2)


def _fitted_on(cell: CellData, fit_cycles: int) -> str:
    files = ", ".join(f"{n.rsplit('/', 1)[-1]} (sha256 {h[:12]})" for n, h in zip(cell.files, cell.sha256))
    return f"{files}: cycles {cell.cycle_range(cell.fitted(fit_cycles))}"


def build_setups(cells: list[CellData], design, upstream, fit_cycles: int, ce_mode: str = "auto",
                 base_inputs=None) -> tuple[list[L.CellSetup], list[str]]:
    """The forward model's setup of each cell (and notes). ``base_inputs(c_rate, rest_h, temperature_C)`` returns
    the design's LifeInputs (default: the life stage's ``inputs_from_design`` on ``design``/``upstream``)."""
    from sianode.life.stage import inputs_from_design
    from sianode.materials.utilisation import si_diffusivity_m2_s

    if design.cell.kind != "half":
        raise InputError("calibration fits half cells: give the design as a half cell (calibrate converts it)",
                         field="design.cell.kind")
    mat = upstream["materials"].data
    radius = float(mat.si_diffusion_radius_m)
    d0 = float(si_diffusivity_m2_s(getattr(mat, "si_diffusivity_m2_s", None)))
    phi = float(mat.si_reversible_capacity_mAh_g / mat.reversible_capacity_mAh_g) if mat.reversible_capacity_mAh_g > 0 else 0.0
    notes = []
    setups = []
    for cell in cells:
        fit = cell.fitted(fit_cycles)
        if fit.sum() < 2:
            raise InputError(f"{cell.name}: {int(fit.sum())} included cycle(s) within --fit-cycles {fit_cycles}; the fit "
                             "needs at least 2 (give a larger --fit-cycles)", field="--fit-cycles")
        later = fit & (cell.cycles >= 2)
        c_ref = float(np.median(cell.c_rate[later] if later.any() else cell.c_rate[fit]))
        rest = float(np.median(cell.rest_h[later])) if later.any() else 0.0
        temp = cell.temperature_C if cell.temperature_C is not None else float(design.protocol.temperature_C)
        if base_inputs is None:
            base, _ = inputs_from_design(design, upstream, c_rate=c_ref, rest_h=rest, temperature_C=temp,
                                         calibrated=False)
        else:
            base = base_inputs(c_ref, rest, temp)
        g = L.delivered_fraction(cell.c_rate, radius, d0, phi) / L.delivered_fraction(c_ref, radius, d0, phi)
        if cell.unit == "mAh/g":
            c0 = float(cell.capacity[0] / g[0])
        else:
            c0 = float(mat.delivered_capacity_mAh_g(c_ref))
        base = dataclasses.replace(base, capacity_mAh_g=c0)
        mode, why = L.resolve_ce_mode(ce_mode, cell.ce[later])
        notes.append(f"{cell.name}: {why}")
        setups.append(L.CellSetup(base=base, cycles=cell.cycles, c_rate=cell.c_rate, c_ref=c_ref, radius_m=radius,
                                  diffusivity_m2_s=d0, si_share=phi, capacity=cell.capacity[None, :],
                                  ce=cell.ce[None, :], fit=fit, ce_mode=mode, C0=c0))
    return setups, notes


def sampled_parameters(setups: list[L.CellSetup], with_diffusivity: bool) -> list[L.Sampled]:
    """The registry entries the sampler explores (life entries always; the Si diffusivity with a rate step)."""
    out = L.life_parameters(setups[0].base)
    if with_diffusivity:
        out.append(L.Sampled.from_registry("si_diffusivity_m2_s", setups[0].diffusivity_m2_s))
    return out


def sample_posterior(lik: L.Likelihood, lower, upper, n_problems: int, n_particles: int, seed: int, progress=None,
                     n_moves: int = 10):
    """SMC at full weight; where a data group's best-fit residuals are autocorrelated, again with that group's
    likelihood weighted by its effective sample size (:mod:`sianode.calibration.likelihood`)."""
    lik.weights = None
    res = smc(lik, lower, upper, n_problems, n_particles, seed, n_moves=n_moves, progress=progress)
    w = lik.group_weights(res.z, res.ll, np.arange(n_problems))
    if np.all(w >= 1.0):
        return res
    lik.weights = w
    res2 = smc(lik, lower, upper, n_problems, n_particles, seed + 7919, n_moves=n_moves, progress=progress)
    res2.stages += res.stages
    res2.evaluations += res.evaluations
    return res2


def _interval(x, level):
    a = 100 * (1 - level) / 2
    return np.percentile(x, [50.0, a, 100 - a])


def summarise(p: L.Sampled, z: np.ndarray, level: float, fitted_on: str) -> dict:
    """Value, interval, identifiability status and bound warnings of one sampled parameter (module docstring)."""
    vals = p.value(z)
    mid, lo, hi = _interval(vals, level)
    zl, zh = np.percentile(z, [100 * (1 - level) / 2, 100 * (1 + level) / 2])
    ratio = float((zh - zl) / (level * (p.hi - p.lo)))
    status = "identified" if ratio < IDENTIFIED_RATIO else ("weakly constrained" if ratio < WEAK_RATIO else "prior")
    span = p.hi - p.lo
    at_lo = float(np.mean(z < p.lo + BOUND_ZONE * span))
    at_hi = float(np.mean(z > p.hi - BOUND_ZONE * span))
    note = {"identified": f"posterior interval {100 * ratio:.0f} % of the prior's",
            "weakly constrained": f"weakly constrained: posterior interval {100 * ratio:.0f} % of the prior's",
            "prior": "not identified by the data: kept at its prior (posterior interval "
                     f"{100 * ratio:.0f} % of the prior's)"}[status]
    warning = ""
    for frac, side, bound in ((at_lo, "lower", p.lo), (at_hi, "upper", p.hi)):
        if frac >= BOUND_MASS:
            bv = p.value(np.array(bound))
            warning = (f"{100 * frac:.0f} % of the posterior lies at the {side} bound of the prior ({bv:.3g} {p.unit}): "
                       f"the data want a value beyond the published range; the interval is cut there")
            note += "; WARNING: " + warning
    if status == "prior":  # not identified: the design keeps the model's own value (its interval: the prior's)
        mid = min(max(p.nominal, lo), hi)
    return {"value": float(mid), "ci_low": float(lo), "ci_high": float(hi), "unit": p.unit, "nominal": p.nominal,
            "status": status, "note": note, "fitted_on": fitted_on, "prior_low": float(p.value(np.array(p.lo))),
            "prior_high": float(p.value(np.array(p.hi))), "width_ratio": ratio, "warning": warning}


def calibrate(cells: list[CellData], design, upstream, *, fit_cycles: int | None = None,
              n_particles: int = DEFAULT_PARTICLES, seed: int = DEFAULT_SEED, ce_mode: str = "auto",
              level: float = 0.95, n_store: int = DEFAULT_STORED, base_inputs=None, progress=None) -> CalibrationResult:
    """Posterior of the design's uncertain parameters given measured half cells (module docstring).

    ``design`` is the tested electrode as a half cell and ``upstream`` its materials and mechanics results (the
    chain's: ``sianode.chain.upstream_for(design, "life")``). ``fit_cycles``: cycles 1..N are fitted, later ones
    are the forecast check (default: half of the shortest cell's cycles).
    """
    if not cells:
        raise InputError("no measured cells to calibrate on", field="DATA")
    if not (0.5 < level < 1.0):
        raise InputError(f"level must be in (0.5, 1), got {level}", field="--level")
    fit_cycles = default_fit_cycles(cells) if fit_cycles is None else int(fit_cycles)
    if fit_cycles < 2:
        raise InputError(f"--fit-cycles must be at least 2, got {fit_cycles}", field="--fit-cycles")
    setups, notes = build_setups(cells, design, upstream, fit_cycles, ce_mode, base_inputs)
    rate = any(c.rate_steps(fit_cycles) for c in cells)
    params = sampled_parameters(setups, rate)
    if not rate:
        notes.append("si_diffusivity_m2_s: no rate step in the fitted cycles, so the Si utilisation is not measured; "
                     "kept at the materials stage's value")
    notes.append("GITT and EIS steps are not used by the calibration (exchange current and a GITT diffusivity stay "
                 "at the models' values); see docs/calibration.md")
    lik = L.Likelihood(setups, params)
    lower = np.array([p.lo for p in params])
    upper = np.array([p.hi for p in params])
    res = sample_posterior(lik, lower, upper, 1, n_particles, seed, progress=progress)
    z = res.z[0]
    rng = np.random.default_rng(seed + 1)
    out = posterior_summary(cells, setups, params, lik, z, fit_cycles, level, rng)
    warnings = [f"{k}: {v['warning']}" for k, v in out["parameters"].items() if v.get("warning")]
    warnings += [info["warning"] for info in out["per_cell"] if info.get("warning")]
    if any(c.unit == "mAh/g" for c in cells) and "reversible_capacity_mAh_g" not in out["parameters"]:
        notes.append("reversible_capacity_mAh_g: not calibrated, because not every cell has an active mass "
                     "(give --mass-mg, or calibrate the cells with a mass on their own)")
    mat = upstream["materials"].data
    for name, model in (("reversible_capacity_mAh_g", float(mat.reversible_capacity_mAh_g)), ("ice", float(mat.ice))):
        p = out["parameters"].get(name)
        if p is None:
            continue
        p["nominal"] = model
        u = uncertainty.entry(name)
        lo, hi = u.low * model, min(u.high * model, 1.0) if name == "ice" else u.high * model
        p["prior_low"], p["prior_high"] = lo, hi
        if not lo <= p["value"] <= hi:
            hint = ("check the active mass (--mass-mg) and the design's material" if name != "ice" else
                    "the design's material loses a different share on the first cycle (surface area, oxide): check it")
            w = (f"measured {p['value']:.4g} {p['unit']} is outside {lo:.4g}-{hi:.4g}, the plausible range around the "
                 f"design's estimate {model:.4g}: {hint}")
            p["warning"] = w
            p["note"] += "; WARNING: " + w
            warnings.append(f"{name}: {w}")
    if lik.weights is not None:
        for cell, w in zip(cells, lik.weights[0]):
            for g, name in enumerate(("capacity", "CE")):
                if w[g] < 1.0:
                    notes.append(f"{cell.name}: the {name} residuals of the best fit are autocorrelated (model misfit): "
                                 f"their likelihood is weighted {w[g]:.2f} (effective sample size), which widens the "
                                 "intervals")
    for cell in cells:
        notes += [f"{cell.name}: {n}" for n in cell.notes]
    keep = rng.choice(len(z), size=min(n_store, len(z)), replace=False)
    samples = {k: np.asarray(v)[keep] for k, v in out["rows"].items()}
    method = (f"sequential Monte Carlo ({n_particles} particles, {res.stages} tempering stages, {res.evaluations} "
              f"vectorised model evaluations); capacity scale and noise integrated out; "
              f"{int(round(100 * level))} % central credible intervals")
    return CalibrationResult(cells=cells, fit_cycles=fit_cycles, parameters=out["parameters"], samples=samples,
                             per_cell=out["per_cell"], curves=out["curves"], forecast=out["forecast"], level=level,
                             seed=seed, method=method, smc=res, warnings=warnings, notes=notes)


def posterior_summary(cells, setups, params, lik, z, fit_cycles, level, rng) -> dict:
    """Parameters, per-cell capacity and ICE, fitted/forecast curves and forecast errors from particles ``z``."""
    n = len(z)
    fitted_on = "; ".join(_fitted_on(c, fit_cycles) for c in cells)
    parameters = {p.name: summarise(p, z[:, i], level, fitted_on) for i, p in enumerate(params)}
    rows = {p.name: p.value(z[:, i]) for i, p in enumerate(params)}
    _, parts = lik.loglik_parts(z[None], np.array([0]))
    traj = lik.trajectories(z, full=True)
    d_idx = [i for i, p in enumerate(params) if p.name == "si_diffusivity_m2_s"]
    per_cell, frames = [], []
    rev_rows, ice_rows = [], []
    held_err, held_in = [], []
    a = 100 * (1 - level) / 2
    for j, (cell, st, part, tr) in enumerate(zip(cells, setups, parts, traj)):
        m = part["m"]
        s1, s2, ssr = part["s1"][0], part["s2"][0], part["ssr"][0]
        s_hat = s1 / s2
        t = stats.t.rvs(df=m - 1, size=n, random_state=rng)
        s = s_hat + t * np.sqrt(ssr / ((m - 1) * s2))
        sigma = np.sqrt(ssr / stats.chi2.rvs(df=m - 1, size=n, random_state=rng))
        d = params[d_idx[0]].value(z[:, d_idx[0]]) if d_idx else np.full(n, st.diffusivity_m2_s)
        g_ref = L.delivered_fraction(st.c_ref, st.radius_m, d, st.si_share)
        pred = s[:, None] * tr["f"]
        noisy = pred * (1.0 + sigma[:, None] * rng.standard_normal(pred.shape))
        p50, plo, phi = np.percentile(pred, [50, a, 100 - a], axis=0)
        nlo, nhi = np.percentile(noisy, [a, 100 - a], axis=0)
        ce50 = np.nanpercentile(tr["ce"], 50, axis=0)
        held = ~st.fit
        held_err += list(np.abs(p50[held] - cell.capacity[held]) / cell.capacity[held])
        held_in += list((cell.capacity[held] >= nlo[held]) & (cell.capacity[held] <= nhi[held]))
        frames.append(pd.DataFrame({
            "cell": cell.name, "cycle": cell.cycles, "fitted": st.fit, "c_rate": cell.c_rate,
            f"capacity_{_unit_tag(cell.unit)}": cell.capacity, "model_p50": p50, "model_low": plo, "model_high": phi,
            "predictive_low": nlo, "predictive_high": nhi,
            "residual_pct": 100 * (p50 / cell.capacity - 1), "ce": cell.ce,
            "ce_model_p50": np.where(cell.cycles >= 2, ce50, np.nan)}))
        info = {"cell": cell.name, "files": cell.files, "sha256": cell.sha256, "unit": cell.unit,
                "active_mass_mg": None if cell.mass_g is None else 1000 * cell.mass_g, "c_rate_fit": st.c_ref,
                "ce_mode": st.ce_mode, "cycles_fitted": cell.cycle_range(st.fit), "cycles_checked": cell.cycle_range(held),
                "capacity_noise_pct_p50": float(100 * np.median(sigma)),
                "capacity_at_fit_rate": _triple(s, level), "capacity_rmse_fit_pct": float(
                    100 * np.sqrt(np.mean((p50[st.fit] / cell.capacity[st.fit] - 1) ** 2)))}
        if cell.unit == "mAh/g":
            rev = s / g_ref
            rev_rows.append(rev)
            info["reversible_capacity_mAh_g"] = _triple(rev, level)
        if cell.ice is not None:
            sd = cell.ce_noise(fit_cycles)
            lo_, hi_ = (0.0 - cell.ice) / sd, (1.0 - cell.ice) / sd
            ice = stats.truncnorm.rvs(lo_, hi_, loc=cell.ice, scale=sd, size=n, random_state=rng)
            ice_rows.append(ice)
            info["ice"] = _triple(ice, level)
            info["ice_noise"] = sd
        if st.ce_mode == "absolute":
            sel = st.fit & (cell.cycles >= 2)
            miss = float(np.mean(cell.ce[sel] - ce50[sel]))
            info["ce_mean_residual_pct"] = 100 * miss
            if abs(miss) > max(CE_MISS_MIN, 5 * cell.ce_noise(fit_cycles)):
                info["warning"] = (f"{cell.name}: the model's CE misses the measured CE by {100 * miss:+.2f} pp on "
                                   f"average over the fitted cycles (CE scatter {100 * cell.ce_noise(fit_cycles):.2f} "
                                   "pp): within the registry's ranges the model's "
                                   + ("SEI cannot lose this much lithium per cycle" if miss < 0 else
                                      "lithium loss per cycle is too large") + "; the CE misfit is read as noise")
        if held.any():
            info["capacity_mape_pct"] = float(100 * np.mean(np.abs(p50[held] - cell.capacity[held]) / cell.capacity[held]))
        per_cell.append(info)
    cells_idx = np.arange(n) % len(cells)
    for name, per, unit, note in (
            ("reversible_capacity_mAh_g", rev_rows, "mAh/g",
             "measured: the cells' capacity scale at the fit rate over the Si utilisation there"),
            ("ice", ice_rows, "-", "measured: CE of the formation cycle, uncertainty = the cells' CE scatter; its split "
                                   "over causes (SEI, SiOx, trapping) is the materials stage's")):
        if len(per) == len(cells):  # every cell measured it: row i takes cell i mod J (cell-to-cell spread)
            rows[name] = np.stack(per)[cells_idx, np.arange(n)]
            parameters[name] = _measured_summary(rows[name], level, unit, fitted_on, note + _spread(per, unit))
    curves = pd.concat(frames, ignore_index=True)
    checked = int(sum((~st.fit).sum() for st in setups))
    forecast = {"fit_cycles": int(fit_cycles), "checked_cycles": checked,
                "capacity_mape_pct": float(100 * np.mean(held_err)) if held_err else None,
                "band_coverage_pct": float(100 * np.mean(held_in)) if held_in else None,
                "fit_rmse_pct": float(np.sqrt(np.mean(np.concatenate(
                    [(f.loc[f.fitted, "residual_pct"].to_numpy()) ** 2 for f in frames]))))}
    return {"parameters": parameters, "rows": rows, "per_cell": per_cell, "curves": curves, "forecast": forecast}


def _unit_tag(unit: str) -> str:
    return "mAh_g" if unit == "mAh/g" else "mAh"


def _triple(x, level) -> dict:
    mid, lo, hi = _interval(np.asarray(x, float), level)
    return {"value": float(mid), "ci_low": float(lo), "ci_high": float(hi)}


def _spread(rows, unit) -> str:
    if len(rows) < 2:
        return ""
    med = np.array([np.median(r) for r in rows])
    return f"; {len(rows)} cells, cell-to-cell spread (SD of the cell medians) {np.std(med, ddof=1):.3g} {unit}".rstrip()


def _measured_summary(x, level, unit, fitted_on, note) -> dict:
    mid, lo, hi = _interval(x, level)
    return {"value": float(mid), "ci_low": float(lo), "ci_high": float(hi), "unit": unit, "nominal": None,
            "status": "identified", "note": note, "fitted_on": fitted_on, "prior_low": None, "prior_high": None,
            "width_ratio": None, "warning": ""}


def half_cell_design(design, cells: list[CellData], fit_cycles: int | None = None):
    """The tested electrode as a half cell: the design's material and electrode with the data's voltage window,
    C-rate (median of the fitted cycles after the first) and temperature; any earlier ``[calibration]`` removed
    (a calibration starts from the models' own values)."""
    from sianode.design import design_from_dict

    fit_cycles = default_fit_cycles(cells) if fit_cycles is None else fit_cycles
    rates = np.concatenate([c.c_rate[c.fitted(fit_cycles) & (c.cycles >= 2)] for c in cells]
                           or [cells[0].c_rate])
    rates = rates if rates.size else np.concatenate([c.c_rate for c in cells])
    temps = [c.temperature_C for c in cells if c.temperature_C is not None]
    d = design.model_dump(mode="python", exclude_none=True)
    d.pop("calibration", None)
    d["cell"] = {**d.get("cell", {}), "kind": "half"}
    proto = d.get("protocol", {})
    proto.pop("current_A_g", None)
    proto.update(c_rate=float(min(max(np.median(rates), 1e-3), 20.0)),
                 v_min_V=float(np.clip(min(c.v_min_V for c in cells), -0.1, 2.9)),
                 v_max_V=float(np.clip(max(c.v_max_V for c in cells), 0.05, 3.0)))
    if temps:
        proto["temperature_C"] = float(np.mean(temps))
    d["protocol"] = proto
    return design_from_dict(d, source="design as a half cell for calibration")
