"""Mechanics speed check: vectorised analytic stress and the seeds/002 FEM geometry.

Runs, in the same process:
1. the closed-form quasi-steady galvanostatic sphere stress (sianode.mechanics.sphere.quasi_steady_galvanostatic)
   vectorised over 1,000,000 random particle designs, against a naive Python loop calling the same
   function one design at a time (on a 20,000-design subset, extrapolated per design);
2. the axisymmetric FEM of seeds/002 configuration IV (porous Si, inner + outer SiOx/C) at >= 20,000 DOF:
   mesh + assembly + solve time per state of lithiation.

Ends with one line: ``designs_per_s=<n> fem_dof=<n> fem_s=<seconds> speedup_vs_loop=<x>``.
Run: ``python benchmarks/mechanics.py``.
"""
from __future__ import annotations

import time

import numpy as np

from sianode.mechanics.fem import ParticleFEM, paper_002_configurations
from sianode.mechanics.sphere import quasi_steady_galvanostatic


def main() -> None:
    rng = np.random.default_rng(42)
    n = 1_000_000
    radius = 10 ** rng.uniform(-8, -5, n)
    D = 10 ** rng.uniform(-17, -15, n)
    C = rng.uniform(0.05, 3.0, n)
    E = rng.uniform(12e9, 130e9, n)
    nu = rng.uniform(0.2, 0.3, n)
    k = 0.15

    quasi_steady_galvanostatic(radius[:10], D[:10], C[:10], E[:10], nu[:10], k, yield_stress=1e9)  # warm-up
    t0 = time.perf_counter()
    out = quasi_steady_galvanostatic(radius, D, C, E, nu, k, yield_stress=1e9)
    t_vec = time.perf_counter() - t0
    designs_per_s = n / t_vec

    m = 20_000
    t0 = time.perf_counter()
    loop = [quasi_steady_galvanostatic(radius[i], D[i], C[i], E[i], nu[i], k, yield_stress=1e9)["max_von_mises_Pa"]
            for i in range(m)]
    t_loop = (time.perf_counter() - t0) / m
    assert np.allclose(np.array(loop, dtype=float), out["max_von_mises_Pa"][:m])
    speedup = t_loop / (t_vec / n)
    print(f"analytic: {n} designs in {t_vec:.3f} s -> {designs_per_s:,.0f} designs/s; "
          f"naive loop {1 / t_loop:,.0f} designs/s; speedup {speedup:,.0f}x")

    geom = paper_002_configurations()["IV porous Si, inner+outer SiOx/C"]
    t0 = time.perf_counter()
    model = ParticleFEM(geom, h=geom.outer_radius / 60, name="IV")
    t_build = time.perf_counter() - t0
    times = []
    for s in (0.25, 0.5, 0.75):
        t0 = time.perf_counter()
        res = model.solve(s)
        times.append(time.perf_counter() - t0)
    fem_s = float(np.mean(times))
    print(f"FEM seeds/002 config IV: {model.n_dof} DOF, {model.mesh.t.shape[1]} P2 triangles, mesh+basis {t_build:.2f} s, "
          f"{fem_s:.2f} s per solve (assembly + sparse direct solve); volume-average von Mises at SOL 0.75 "
          f"{res.volume_average / 1e9:.2f} GPa")
    print(f"designs_per_s={designs_per_s:.0f} fem_dof={model.n_dof} fem_s={fem_s:.3f} speedup_vs_loop={speedup:.0f}")


if __name__ == "__main__":
    main()
