"""Benchmark: the calibration's likelihood, vectorised over parameter sets, against a plain Python loop.

What it times, in the same run:

1. vectorised: one call of :class:`sianode.calibration.likelihood.Likelihood` on 2000 parameter sets
   (the sampler's particles) of a 40-cycle synthetic half cell (warm: the call is repeated and the best
   of three kept);
2. baseline: the same 2000 parameter sets evaluated one at a time in a Python loop (each one a call of the
   same likelihood on a single set: the natural unvectorised use of the life model);
3. a whole calibration posterior: the SMC sampler (1000 particles) on the same data.

The log-likelihoods of (1) and (2) are checked equal (1e-9) before the ratio is printed.
Run: ``python benchmarks/calibration.py`` (about half a minute on 2 cores).
"""
from __future__ import annotations

import dataclasses
import time

import numpy as np

from sianode.calibration import likelihood as L
from sianode.calibration.calibrate import sample_posterior
from sianode.life import fade

N_SETS = 2000
N_CYCLES = 40


def setup():
    base = fade.LifeInputs()
    params = L.life_parameters(base)
    rng = np.random.default_rng(0)
    truth = fade.simulate(dataclasses.replace(base, capacity_mAh_g=1500.0), N_CYCLES, record=("capacity_mAh_g", "ce"))
    cap = truth["capacity_mAh_g"][:, 0] * (1 + 0.003 * rng.standard_normal(N_CYCLES))
    ce = truth["ce"][:, 0] + 5e-4 * rng.standard_normal(N_CYCLES)
    cell = L.CellSetup(base=base, cycles=np.arange(1, N_CYCLES + 1), c_rate=np.full(N_CYCLES, base.c_rate),
                       c_ref=base.c_rate, radius_m=1e-9, diffusivity_m2_s=1.0, si_share=0.0, capacity=cap[None],
                       ce=ce[None], fit=np.ones(N_CYCLES, bool), ce_mode="absolute", C0=float(cap[0]))
    lik = L.Likelihood([cell], params)
    lower = np.array([p.lo for p in params])
    upper = np.array([p.hi for p in params])
    z = lower + (upper - lower) * rng.random((1, N_SETS, len(params)))
    return lik, lower, upper, z


def main() -> None:
    lik, lower, upper, z = setup()
    prob = np.array([0])
    best = np.inf
    for _ in range(3):
        t = time.perf_counter()
        ll_vec = lik(z, prob)
        best = min(best, time.perf_counter() - t)
    t = time.perf_counter()
    ll_loop = np.array([lik(z[:, i:i + 1, :], prob)[0, 0] for i in range(N_SETS)])
    loop = time.perf_counter() - t
    np.testing.assert_allclose(ll_vec[0], ll_loop, rtol=1e-9, atol=1e-9)
    t = time.perf_counter()
    res = sample_posterior(lik, lower, upper, 1, 1000, seed=1)
    smc_s = time.perf_counter() - t
    print(f"vectorised: {N_SETS} parameter sets x {N_CYCLES} cycles in {best:.3f} s "
          f"({N_SETS / best:.0f} sets/s); plain loop {loop:.2f} s ({N_SETS / loop:.0f} sets/s)")
    print(f"whole posterior (SMC, 1000 particles): {smc_s:.2f} s, {res.evaluations} vectorised evaluations, "
          f"{res.stages} stages")
    print(f"sets_per_s={N_SETS / best:.4g} loop_sets_per_s={N_SETS / loop:.4g} speedup={loop / best:.4g} "
          f"posterior_s={smc_s:.3g}")


if __name__ == "__main__":
    main()
