"""Benchmark: vectorised cycle-life model vs PyBaMM on the same physics, in the same run.

1. Throughput: 1000-cycle trajectories for 10,000 designs at once (capacity recorded).
2. Baseline: PyBaMM SPM with SEI growth "solvent-diffusion limited" (Chen2020 LG M50 parameter
   set, solvent diffusivity x1000 so that fade is visible within 30 cycles), cycled
   CC-CV charge at 1C to 4.2 V (hold to C/20) and 1C discharge to 2.5 V.
3. Our model on the *same* parameters: same SEI law and constants (D_sol, c_sol, partial molar
   volume, Li per SEI, initial thickness, total particle surface a*L*A of the negative
   electrode), no breathing/LAM/electron leakage, full cell with the PyBaMM cell's capacity and
   cycle duration. Capacity deviation = max over cycles of |Q_ours - Q_pybamm| / Q_pybamm.

Speed-up = (PyBaMM seconds per cycle) / (our seconds per design-cycle, vectorised). The
unvectorised single-design speed-up is printed too.

Run: ``python benchmarks/life.py`` (about a minute on 2 cores).
"""
from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

import numpy as np  # noqa: E402

from sianode.life.fade import LifeInputs, simulate  # noqa: E402

N_DESIGNS = 10_000
N_CYCLES = 1000
N_PYBAMM_CYCLES = int(os.environ.get("LIFE_BENCH_PYBAMM_CYCLES", "30"))
D_SOL_FACTOR = float(os.environ.get("LIFE_BENCH_DSOL_FACTOR", "1000"))


def ours_throughput() -> tuple[float, float]:
    rng = np.random.default_rng(0)
    inp = LifeInputs(
        full_cell=rng.integers(0, 2, N_DESIGNS).astype(float),
        capacity_mAh_g=rng.uniform(500, 3000, N_DESIGNS),
        ice=rng.uniform(0.75, 0.92, N_DESIGNS),
        np_ratio=rng.uniform(1.05, 1.3, N_DESIGNS),
        soc_max=rng.uniform(0.5, 1.0, N_DESIGNS),
        strain_amplitude=rng.uniform(0.0, 0.5, N_DESIGNS),
        surface_area_m2_g=rng.uniform(2, 40, N_DESIGNS),
        fresh_surface_wetting=rng.uniform(0, 1, N_DESIGNS),
        temperature_K=rng.uniform(283, 333, N_DESIGNS),
    )
    simulate(inp, 5, record=("capacity_mAh_g",))  # warm-up
    t0 = time.perf_counter()
    simulate(inp, N_CYCLES, record=("capacity_mAh_g",))
    t_vec = time.perf_counter() - t0
    one = LifeInputs()
    t0 = time.perf_counter()
    simulate(one, N_CYCLES, record=("capacity_mAh_g",))
    t_one = (time.perf_counter() - t0) / N_CYCLES
    return N_DESIGNS * N_CYCLES / t_vec, t_one


def pybamm_run():
    import pybamm

    p = pybamm.ParameterValues("Chen2020")
    p.update({"SEI solvent diffusivity [m2.s-1]": p["SEI solvent diffusivity [m2.s-1]"] * D_SOL_FACTOR})
    model = pybamm.lithium_ion.SPM({"SEI": "solvent-diffusion limited"})
    exp = pybamm.Experiment([("Charge at 1C until 4.2 V", "Hold at 4.2 V until C/20",
                              "Discharge at 1C until 2.5 V")] * N_PYBAMM_CYCLES)
    sim = pybamm.Simulation(model, parameter_values=p, experiment=exp)
    t0 = time.perf_counter()
    sol = sim.solve(initial_soc=0.0)
    t = time.perf_counter() - t0
    caps, durations = [], []
    for c in sol.cycles:
        q = c["Discharge capacity [A.h]"].entries
        caps.append(q[-1] - q[np.argmin(q)])  # Ah delivered in the discharge step
        durations.append(c.t[-1] - c.t[0])
    return p, np.array(caps), np.array(durations), t


def ours_same_physics(p, caps, durations):
    """Our model with PyBaMM's SEI law and constants; capacities in mAh per cell ("per g" = per cell)."""
    F = 96485.33212
    eps_s = p["Negative electrode active material volume fraction"]
    R = p["Negative particle radius [m]"]
    area = 3 * eps_s / R * p["Negative electrode thickness [m]"] * p["Electrode height [m]"] * p["Electrode width [m]"]
    c_max = p["Maximum concentration in negative electrode [mol.m-3]"]
    vol = eps_s * p["Negative electrode thickness [m]"] * p["Electrode height [m]"] * p["Electrode width [m]"]
    qa_mAh = c_max * vol * F / 3.6
    q0 = caps[0] * 1000.0
    inp = LifeInputs(
        full_cell=1.0, capacity_mAh_g=qa_mAh, ice=1.0, np_ratio=qa_mAh / q0, prelithiation_mAh_g=0.0,
        soc_max=1.0, c_rate=7200.0 / durations[0], temperature_K=298.15, surface_area_m2_g=area,
        strain_amplitude=0.0, fresh_surface_wetting=0.0, fractures=0.0, binder_beta=0.0,
        isolation_thickness=1.0, electron_conductivity=0.0, kinetic_rate_constant=1e6,
        solvent_diffusivity=p["SEI solvent diffusivity [m2.s-1]"], solvent_factor=1.0,
        solvent_concentration=p["Bulk solvent concentration [mol.m-3]"],
        partial_molar_volume=p["SEI partial molar volume [m3.mol-1]"],
        li_per_sei=p["Ratio of lithium moles to SEI moles"], initial_thickness=p["Initial SEI thickness [m]"],
        activation_energy=p["SEI growth activation energy [J.mol-1]"], ec_ratio_g_Ah=1e6, ec_min_g_Ah=1e-6,
    )
    t = simulate(inp, len(caps), record=("capacity_mAh_g", "charge_capacity_mAh_g"))
    # our cycle k discharges after k cycles of SEI growth, as PyBaMM's k-th discharge
    return t["capacity_mAh_g"][:, 0] / 1000.0


def main() -> None:
    rate, t_one = ours_throughput()
    print(f"ours: {N_DESIGNS} designs x {N_CYCLES} cycles: {rate:.3g} design-cycles/s "
          f"(single design: {t_one * 1e6:.1f} us per cycle)")
    p, caps, durations, t_pb = pybamm_run()
    per_cycle_pb = t_pb / len(caps)
    print(f"pybamm SPM + SEI: {len(caps)} cycles in {t_pb:.2f} s = {per_cycle_pb:.3f} s per cycle")
    ours = ours_same_physics(p, caps, durations)
    dev = np.abs(ours - caps) / caps * 100.0
    print("cycle  pybamm_Ah  ours_Ah  dev_%   (pybamm fade over run: "
          f"{100 * (1 - caps[-1] / caps[0]):.2f} %)")
    for k in range(len(caps)):
        print(f"{k + 1:5d}  {caps[k]:.5f}  {ours[k]:.5f}  {dev[k]:.3f}")
    # compare the fade itself (capacity lost since cycle 1), the physics both models describe
    fade_pb = caps[0] - caps
    fade_ours = ours[0] - ours
    ratio = fade_ours[-1] / fade_pb[-1] if fade_pb[-1] > 0 else float("nan")
    print(f"capacity lost cycle 1 -> {len(caps)}: pybamm {fade_pb[-1] * 1000:.2f} mAh, ours "
          f"{fade_ours[-1] * 1000:.2f} mAh (ratio {ratio:.3f})")
    speedup = per_cycle_pb * rate
    print(f"single-design (unvectorised) speed-up: {per_cycle_pb / t_one:.3g}x")
    print(f"design_cycles_per_s={rate:.4g} speedup_vs_pybamm={speedup:.4g} max_capacity_deviation_pct={dev.max():.3g}")


if __name__ == "__main__":
    sys.exit(main())
