"""The fast life model against PyBaMM on the same SEI physics (used by the `pybamm-sei` case and
``benchmarks/life.py``).

Reference: PyBaMM SPM with SEI growth "solvent-diffusion limited" (Chen2020 LG M50 parameter set,
Chen et al., J. Electrochem. Soc. 167 (2020) 080534; solvent diffusivity multiplied by
``d_sol_factor`` so that fade is visible within a few tens of cycles), cycled CC-CV charge at 1C to
4.2 V (hold to C/20) and 1C discharge to 2.5 V.

Ours: :func:`sianode.life.fade.simulate` with the *same* SEI law and constants (solvent
diffusivity and concentration, partial molar volume, Li per SEI, initial thickness, activation
energy, total particle surface ``a L A`` of the negative electrode), no breathing, LAM or electron
leakage, a full cell with the PyBaMM cell's capacity and cycle duration. The PyBaMM first-cycle
capacity sets our N/P (an input, not a compared quantity).
"""
from __future__ import annotations

import os
import time

import numpy as np

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

FARADAY_C_MOL = 96485.33212


def pybamm_sei_run(n_cycles: int = 30, d_sol_factor: float = 1000.0, warm: bool = False):
    """Solve PyBaMM SPM + SEI for ``n_cycles``; returns (parameters, capacities Ah, cycle durations s, solve s).

    The time is *cold* (model build, discretisation and solve of a new simulation); with ``warm=True`` the same
    simulation is solved a second time and the time of that second solve is returned (PyBaMM's built model and
    solver set-up reused: the fairest baseline for repeated runs)."""
    import pybamm

    p = pybamm.ParameterValues("Chen2020")
    p.update({"SEI solvent diffusivity [m2.s-1]": p["SEI solvent diffusivity [m2.s-1]"] * d_sol_factor})
    model = pybamm.lithium_ion.SPM({"SEI": "solvent-diffusion limited"})
    exp = pybamm.Experiment([("Charge at 1C until 4.2 V", "Hold at 4.2 V until C/20",
                              "Discharge at 1C until 2.5 V")] * n_cycles)
    sim = pybamm.Simulation(model, parameter_values=p, experiment=exp)
    t0 = time.perf_counter()
    sol = sim.solve(initial_soc=0.0)
    seconds = time.perf_counter() - t0
    if warm:
        t0 = time.perf_counter()
        sol = sim.solve(initial_soc=0.0)
        seconds = time.perf_counter() - t0
    caps, durations = [], []
    for c in sol.cycles:
        q = c["Discharge capacity [A.h]"].entries
        caps.append(q[-1] - q[np.argmin(q)])  # Ah delivered in the discharge step
        durations.append(c.t[-1] - c.t[0])
    return p, np.array(caps), np.array(durations), seconds


def life_model_same_physics(p, caps, durations) -> np.ndarray:
    """Our life model with PyBaMM's SEI law and constants; discharge capacity per cycle (Ah)."""
    from sianode.life.fade import LifeInputs, simulate

    eps_s = p["Negative electrode active material volume fraction"]
    R = p["Negative particle radius [m]"]
    vol_electrode = p["Negative electrode thickness [m]"] * p["Electrode height [m]"] * p["Electrode width [m]"]
    area = 3 * eps_s / R * vol_electrode
    c_max = p["Maximum concentration in negative electrode [mol.m-3]"]
    qa_mAh = c_max * eps_s * vol_electrode * FARADAY_C_MOL / 3.6
    q0 = caps[0] * 1000.0
    # capacities "per g" are per cell here: one cell = one "gram"
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
