"""Do the calibration's intervals mean what they say? Coverage over synthetic cells with known truth.

Each synthetic data set draws a truth from the priors (every life entry of the registry, uniform in its prior
scale; a capacity; an ICE), runs the life model (half cell, :class:`sianode.life.fade.LifeInputs` defaults
unless given) and adds Gaussian noise: relative ``capacity_noise`` on the delithiation capacity, absolute
``ce_noise`` on the CE (and on the ICE). The calibration's likelihood and sampler
(:mod:`sianode.calibration.likelihood`, :mod:`sianode.calibration.sampler`) then run on all data sets at once
(the data sets are a batch of problems), and every 95 % interval is checked against its truth.

For a Bayesian posterior under its own prior, the expected coverage of central ``level`` intervals is exactly
``level`` (averaged over truths drawn from the prior); a sampler that under-explores, a likelihood that
over-trusts the data or the capacity plug-in of the forward model would show as lower coverage. The test suite
requires >= 90 % (``tests/calibration/test_coverage.py``).
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats

from sianode.calibration import likelihood as L
from sianode.calibration.calibrate import sample_posterior
from sianode.life import fade


def coverage_experiment(n_sets: int = 40, n_cycles: int = 40, capacity_noise: float = 0.003, ce_noise: float = 5e-4,
                        n_particles: int = 400, level: float = 0.95, seed: int = 1, base: fade.LifeInputs | None = None,
                        capacity_range=(1000.0, 2500.0), ice_range=(0.6, 0.95), n_moves: int = 10) -> pd.DataFrame:
    """One row per (data set, parameter): truth, interval, covered, status (see module docstring)."""
    rng = np.random.default_rng(seed)
    base = base or fade.LifeInputs()
    params = L.life_parameters(base)
    d = len(params)
    lower = np.array([p.lo for p in params])
    upper = np.array([p.hi for p in params])
    z_true = lower + (upper - lower) * rng.random((n_sets, d))
    c_true = rng.uniform(*capacity_range, n_sets)
    ice_true = rng.uniform(*ice_range, n_sets)
    kw = {p.name: getattr(base, p.name) * p.factor(z_true[:, i]) for i, p in enumerate(params)}
    truth = fade.simulate(dataclasses.replace(base, capacity_mAh_g=c_true, **kw), n_cycles, record=("capacity_mAh_g", "ce"))
    cap = truth["capacity_mAh_g"].T * (1.0 + capacity_noise * rng.standard_normal((n_sets, n_cycles)))
    ce = truth["ce"].T + ce_noise * rng.standard_normal((n_sets, n_cycles))
    ice_obs = ice_true + ce_noise * rng.standard_normal(n_sets)
    cycles = np.arange(1, n_cycles + 1)
    c_rate = float(base.c_rate)
    rows = []
    # the plug-in first capacity C0 is each data set's own measured first capacity
    setup = L.CellSetup(base=base, cycles=cycles, c_rate=np.full(n_cycles, c_rate), c_ref=c_rate, radius_m=1e-9,
                        diffusivity_m2_s=1.0, si_share=0.0, capacity=cap, ce=ce, fit=np.ones(n_cycles, bool),
                        ce_mode="absolute", C0=cap[:, 0].copy())
    lik = L.Likelihood(cells=[setup], params=params, n_problems=n_sets)
    res = sample_posterior(lik, lower, upper, n_sets, n_particles, seed + 1, n_moves=n_moves)
    a = 100 * (1 - level) / 2
    weight = np.ones(n_sets) if lik.weights is None else lik.weights.min(axis=(1, 2))
    _, parts = lik.loglik_parts(res.z, np.arange(n_sets))
    part = parts[0]
    for b in range(n_sets):
        z = res.z[b]
        for i, p in enumerate(params):
            lo, hi = np.percentile(p.value(z[:, i]), [a, 100 - a])
            zl, zh = np.percentile(z[:, i], [a, 100 - a])
            ratio = (zh - zl) / (level * (p.hi - p.lo))
            t = p.value(z_true[b, i])
            rows.append({"set": b, "parameter": p.name, "truth": float(t), "ci_low": float(lo), "ci_high": float(hi),
                         "covered": bool(lo <= t <= hi), "width_ratio": float(ratio), "weight": weight[b]})
        m = part["m"]
        s1, s2, ssr = part["s1"][b], part["s2"][b], part["ssr"][b]
        tt = stats.t.rvs(df=m - 1, size=len(s1), random_state=rng)
        s = s1 / s2 + tt * np.sqrt(ssr / ((m - 1) * s2))
        lo, hi = np.percentile(s, [a, 100 - a])
        rows.append({"set": b, "parameter": "capacity_mAh_g", "truth": float(c_true[b]), "ci_low": float(lo),
                     "ci_high": float(hi), "covered": bool(lo <= c_true[b] <= hi), "width_ratio": np.nan,
                     "weight": weight[b]})
        q = stats.norm.ppf(0.5 + level / 2) * ce_noise
        rows.append({"set": b, "parameter": "ice", "truth": float(ice_true[b]), "ci_low": float(ice_obs[b] - q),
                     "ci_high": float(ice_obs[b] + q), "covered": bool(abs(ice_obs[b] - ice_true[b]) <= q),
                     "width_ratio": np.nan, "weight": weight[b]})
    out = pd.DataFrame(rows)
    out.attrs.update(stages=res.stages, evaluations=res.evaluations)
    return out

