"""Mechanics speed check: vectorised analytic stress + critical size, and the elasto-plastic seeds/002 FEM.

Runs, in the same process:
1. For 1,000,000 random designs (radius, D, C-rate, LixSi composition, fracture energy): the closed-form
   quasi-steady galvanostatic stress capped by the LixSi law's flow stress
   (:func:`sianode.mechanics.sphere.quasi_steady_galvanostatic`) and the critical diameter of the
   crystalline front (:func:`sianode.mechanics.fracture.critical_diameter_scaled`), vectorised with NumPy,
   against a plain-Python scalar loop of the same closed forms (``math`` only, not the vectorised
   function per element) on a 50,000-design subset; outputs are checked equal before the ratio is printed.
   Warm (second call) and cold (first call) timings are both printed for the vectorised path.
2. The elasto-plastic FEM of the four seeds/002 configurations (:mod:`sianode.mechanics.fem_plastic`,
   default mesh and load steps): mesh + full lithiation history, one configuration at a time.

Last line: ``designs_per_s=<n> speedup_vs_python_loop=<x> fem_dof=<n> fem_s=<seconds>`` (fem_dof and fem_s
of the slowest configuration). Run: ``python benchmarks/mechanics.py``.
"""
from __future__ import annotations

import math
import time

import numpy as np

from sianode.mechanics import lisi_law
from sianode.mechanics.fem import paper_002_configurations
from sianode.mechanics.fem_plastic import PlasticParticleFEM
from sianode.mechanics.fracture import critical_diameter, critical_diameter_scaled
from sianode.mechanics.sphere import quasi_steady_galvanostatic

STRAIN_PER_X = 0.15


def vectorised(radius, D, C, x, gam):
    E = lisi_law.young_modulus(x, "amorphous")
    nu = lisi_law.poisson_ratio(x)
    sig = lisi_law.flow_stress_tension(x)
    st = quasi_steady_galvanostatic(radius, D, C, E, nu, STRAIN_PER_X, yield_stress=sig)
    dc = critical_diameter_scaled("crystalline", gam, sig, E, nu)
    return st["max_von_mises_Pa"], dc


def python_loop(radius, D, C, x, gam):
    """The same closed forms, one design at a time, in plain Python."""
    L = lisi_law.LAW
    e0, e1 = L["E_host_amorphous"].value, L["E_Li375Si"].value
    n0, n1 = L["nu_Si"].value, L["nu_Li375Si"].value
    sig_t = L["flow_tension"].value
    c = critical_diameter("crystalline")
    x_l = 3.75
    eb_ref = c.shell_modulus / (1 - (n0 + (n1 - n0) * x_l / 3.75) ** 2)
    g_ref = c.g_per_radius
    vm_out, dc_out = [], []
    for a, d, cr, xx, g in zip(radius.tolist(), D.tolist(), C.tolist(), x.tolist(), gam.tolist()):
        xc = min(max(xx, 0.0), 3.75)
        E = e0 + (e1 - e0) * xc / 3.75
        nu = n0 + (n1 - n0) * xc / 3.75
        j = cr * 3.75 * a / (3.0 * 3600.0)
        k = STRAIN_PER_X * j * a / d
        vm_out.append(min(math.fabs(E * k / (5.0 * (1.0 - nu))), sig_t))
        e_bar = E / (1 - nu * nu)
        dc_out.append(2.0 * g / (g_ref * (sig_t / sig_t) ** 2 * (eb_ref / e_bar)))
    return np.array(vm_out), np.array(dc_out)


def main() -> None:
    rng = np.random.default_rng(42)
    n = 1_000_000
    radius = 10 ** rng.uniform(-8, -5, n)
    D = 10 ** rng.uniform(-17, -15, n)
    C = rng.uniform(0.05, 3.0, n)
    x = rng.uniform(0.0, 3.75, n)
    gam = rng.uniform(3.2, 8.8, n)
    critical_diameter("crystalline")  # the one full front solve the scaling uses (cached)

    t0 = time.perf_counter()
    vectorised(radius[:1000], D[:1000], C[:1000], x[:1000], gam[:1000])
    t_cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    vm, dc = vectorised(radius, D, C, x, gam)
    t_vec = time.perf_counter() - t0
    designs_per_s = n / t_vec

    m = 50_000
    t0 = time.perf_counter()
    vm_loop, dc_loop = python_loop(radius[:m], D[:m], C[:m], x[:m], gam[:m])
    t_loop = (time.perf_counter() - t0) / m
    assert np.allclose(vm_loop, vm[:m], rtol=1e-12, atol=0.0), "loop and vectorised stress differ"
    assert np.allclose(dc_loop, dc[:m], rtol=1e-12, atol=0.0), "loop and vectorised critical size differ"
    speedup = t_loop / (t_vec / n)
    print(f"analytic stress + critical size: {n} designs in {t_vec:.3f} s (warm) -> {designs_per_s:,.0f} designs/s; "
          f"cold first call (1000 designs) {t_cold * 1e3:.1f} ms; plain-Python loop {1 / t_loop:,.0f} designs/s "
          f"(outputs equal to 1e-12); speedup {speedup:,.0f}x")

    worst = (0.0, 0)
    for name, geom in paper_002_configurations().items():
        t0 = time.perf_counter()
        model = PlasticParticleFEM(geom, name=name)
        res = model.lithiate()
        dt = time.perf_counter() - t0
        its = sum(s.newton_iterations for s in res.steps)
        print(f"FEM elasto-plastic {name}: {model.n_dof} DOF, {len(res.steps)} load steps, {its} Newton iterations, "
              f"{dt:.2f} s; Si average von Mises at full lithiation {res.final.si_average / 1e9:.3f} GPa "
              f"(largest accepted residual {max(s.residual for s in res.steps):.1e})")
        if dt > worst[0]:
            worst = (dt, model.n_dof)
    print(f"designs_per_s={designs_per_s:.0f} speedup_vs_python_loop={speedup:.0f} fem_dof={worst[1]} fem_s={worst[0]:.2f}")


if __name__ == "__main__":
    main()
