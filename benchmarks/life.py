"""Benchmark: vectorised cycle-life model vs PyBaMM on the same physics, in the same run.

1. Throughput: 1000-cycle trajectories for 10,000 designs at once (capacity recorded).
2. Baseline: PyBaMM SPM with SEI growth "solvent-diffusion limited" (Chen2020 LG M50 parameter
   set, solvent diffusivity x1000 so that fade is visible within 30 cycles), cycled
   CC-CV charge at 1C to 4.2 V (hold to C/20) and 1C discharge to 2.5 V.
3. Our model on the *same* parameters: same SEI law and constants (D_sol, c_sol, partial molar
   volume, Li per SEI, initial thickness, total particle surface a*L*A of the negative
   electrode), no breathing/LAM/electron leakage, full cell with the PyBaMM cell's capacity and
   cycle duration. Capacity deviation = max over cycles of |Q_ours - Q_pybamm| / Q_pybamm.
   Steps 2 and 3 are sianode.validation.pybamm_sei (shared with `sianode validation --case pybamm-sei`).

Speed-up = (PyBaMM seconds per cycle) / (our seconds per design-cycle, vectorised), against PyBaMM
timed cold (build + solve of a new simulation) and warm (a second solve of the built simulation, the
capacities checked equal first); both are printed and both must stay >= 1000x. The unvectorised
single-design speed-up is printed too.

Run: ``python benchmarks/life.py`` (about a minute on 2 cores).
"""
from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

import numpy as np  # noqa: E402

from sianode.life.fade import LifeInputs, simulate  # noqa: E402
from sianode.validation.pybamm_sei import life_model_same_physics, pybamm_sei_run  # noqa: E402

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


def main() -> None:
    rate, t_one = ours_throughput()
    print(f"ours: {N_DESIGNS} designs x {N_CYCLES} cycles: {rate:.3g} design-cycles/s "
          f"(single design: {t_one * 1e6:.1f} us per cycle)")
    p, caps, durations, t_cold = pybamm_sei_run(N_PYBAMM_CYCLES, D_SOL_FACTOR)
    _, caps_w, _, t_warm = pybamm_sei_run(N_PYBAMM_CYCLES, D_SOL_FACTOR, warm=True)
    if not np.allclose(caps, caps_w, rtol=1e-6):
        raise SystemExit("warm and cold PyBaMM runs disagree; the timings would not compare the same work")
    per_cycle_cold, per_cycle_pb = t_cold / len(caps), t_warm / len(caps)
    print(f"pybamm SPM + SEI, cold (build + solve): {len(caps)} cycles in {t_cold:.2f} s = {per_cycle_cold:.3f} s per cycle")
    print(f"pybamm SPM + SEI, warm (second solve of the built simulation): {t_warm:.2f} s = "
          f"{per_cycle_pb:.3f} s per cycle")
    ours = life_model_same_physics(p, caps, durations)
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
    speedup_cold = per_cycle_cold * rate
    print(f"single-design (unvectorised) speed-up vs warm PyBaMM: {per_cycle_pb / t_one:.3g}x")
    print(f"speed-up per design-cycle vs PyBaMM: warm {speedup:.4g}x, cold {speedup_cold:.4g}x (floor 1000x)")
    print(f"design_cycles_per_s={rate:.4g} speedup_vs_pybamm_warm={speedup:.4g} speedup_vs_pybamm_cold={speedup_cold:.4g} "
          f"max_capacity_deviation_pct={dev.max():.3g}")
    if min(speedup, speedup_cold) < 1000:
        print("BELOW THE 1000x FLOOR")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
