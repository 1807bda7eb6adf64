"""Benchmark: an 8-current rate table with one compiled PyBaMM model vs rebuilding per current.

Both ways solve the same DFN (same mesh, same solver, same currents 0.2 -> 8 A/g of seeds/002
§3.2) for the bundled p-mSi@SiOx/C design; the reusing way builds the model once and changes
the current through a PyBaMM InputParameter; the baseline builds, discretises and sets up the
solver for every current. The capacities of both ways are checked to agree.

The reuse way's time is build + solver set-up + 8 solves, the baseline's 8 x (build + set-up +
solve); the ratio is bounded by 8 and grows as the per-solve time shrinks. A second comparison
runs both ways with ``compile=True`` (CasADi functions compiled to C, ~2x faster solves); the
last line is the default (uncompiled) configuration.

Run:  python benchmarks/echem.py
Last line: rate_table_s=<seconds> speedup_vs_rebuild=<x>
"""
from __future__ import annotations

import time

import numpy as np

from sianode.design.loader import load_example
from sianode.echem import parameters as P
from sianode.echem.experiments import RATE_CURRENTS_A_G
from sianode.echem.simulate import CellSimulator, rate_table, rate_table_rebuild

REPEATS = 3


def compare(cp, currents, **kw) -> tuple[float, float, object, object]:
    """Best-of-REPEATS wall time of the reuse way and of the rebuild way (alternating)."""
    t_reuse = t_rebuild = float("inf")
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        sim = CellSimulator(cp, **kw)
        reuse = rate_table(sim, currents, with_plating=False)
        t_reuse = min(t_reuse, time.perf_counter() - t0)

        t0 = time.perf_counter()
        rebuild = rate_table_rebuild(cp, currents, **kw)
        t_rebuild = min(t_rebuild, time.perf_counter() - t0)
    return t_reuse, t_rebuild, reuse, rebuild


def breakdown(cp, currents, **kw) -> str:
    """Where the time goes: model build, solver set-up (first solve), one solve per current."""
    t0 = time.perf_counter()
    sim = CellSimulator(cp, **kw)
    t1 = time.perf_counter()
    sim.cycle(float(currents[0]))
    t2 = time.perf_counter()
    rate_table(sim, currents, with_plating=False)
    t3 = time.perf_counter()
    first_solve = (t3 - t2) / len(currents)
    return (f"build {t1 - t0:.3f} s, solver set-up {t2 - t1 - first_solve:.3f} s, "
            f"solve per current (lithiation + delithiation) {first_solve:.3f} s")


def main() -> None:
    from sianode.chain import upstream_for

    d = load_example("porous_micro_si")
    cp = P.from_design(d, upstream_for(d, "echem"))
    mass_g = cp.anode_active_mass_kg * 1000
    currents = np.asarray(RATE_CURRENTS_A_G) * mass_g
    CellSimulator(cp)  # warm-up: imports, OCP tables, JIT of the solver library

    # compiled (AOT C) CasADi functions, same model/mesh/tolerances on both sides; the one-off
    # compilation is cached on disk by PyBaMM and paid here, in the warm-up, not in either way
    CellSimulator(cp, compile=True).cycle(float(currents[0]))
    c_reuse, c_rebuild, c_a, c_b = compare(cp, currents, compile=True)
    c_diff = np.max(np.abs(c_a.delithiation_capacity_mAh_g.values - c_b.delithiation_capacity_mAh_g.values))

    # best of REPEATS for each way (the machine is shared; the minimum is the least disturbed run)
    t_reuse, t_rebuild, reuse, rebuild = compare(cp, currents)

    diff = np.max(np.abs(reuse.delithiation_capacity_mAh_g.values - rebuild.delithiation_capacity_mAh_g.values))
    for (_, a), (_, b) in zip(reuse.iterrows(), rebuild.iterrows()):
        print(f"{a.current_A_g:5.2f} A/g  reuse {a.delithiation_capacity_mAh_g:8.1f}  "
              f"rebuild {b.delithiation_capacity_mAh_g:8.1f} mAh/g")
    print(f"max capacity difference between the two ways: {diff:.3g} mAh/g")
    print(f"per part (default solver): {breakdown(cp, currents)}")
    print(f"compile=True (AOT C): reuse {c_reuse:.2f} s   rebuild every time {c_rebuild:.2f} s   "
          f"speedup {c_rebuild / c_reuse:.2f}   capacity difference {c_diff:.3g} mAh/g; "
          f"max vs default {np.max(np.abs(c_a.delithiation_capacity_mAh_g.values - reuse.delithiation_capacity_mAh_g.values)):.2g} mAh/g")
    print(f"reuse: {t_reuse:.2f} s   rebuild every time: {t_rebuild:.2f} s   (best of {REPEATS}, default solver)")
    print(f"rate_table_s={t_reuse:.3f} speedup_vs_rebuild={t_rebuild / t_reuse:.2f}")


if __name__ == "__main__":
    main()
