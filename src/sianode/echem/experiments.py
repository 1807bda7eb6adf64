"""The experiments, in words, on one compiled model per parameter set.

* rate capability: lithiate/delithiate at each current, 0.2 -> 8 A/g (seeds/002 §3.2, Fig. S16)
  or 0.1C -> 6C; reversible (delithiation) capacity, average lithiation/delithiation voltage,
  plating margin.
* fast charge at 3C and 6C (seeds/000 §5): a half cell is lithiated at constant current to 80 %
  anode SOC (the cut-off relaxed so that the anode potential can go below 0 V); a full cell gets
  a CC-CV charge ("Charge at 3C until V_max", "Hold at V_max until C/20", pybamm.Experiment).
  Plating margin = minimum anode potential vs Li/Li+ at the separator over the charge.
* temperature sweep -20 °C ... 60 °C (seeds/000 §4.2.1: -20 °C operation): Arrhenius on particle
  diffusion, exchange current and electrolyte transport (activation energies with sources in
  :mod:`sianode.echem.parameters`); the plating margin compared at equal charged capacity, with the
  capacity each run reached.
* anode-tailored partial-SOC window (seeds/000 §5): delivered capacity and Si expansion swing.
* GITT: current pulses and rests, the simulated truth for the analysis stage's GITT fit.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sianode.echem import parameters as P
from sianode.echem.simulate import CellSimulator, half_cell_of, partial_soc_cycle, rate_table
from sianode.errors import InputError, SolverError

RATE_CURRENTS_A_G = (0.2, 0.5, 1.0, 2.0, 3.0, 5.0, 6.0, 8.0)  # seeds/002 §3.2 and Fig. S16
RATE_C_RATES = (0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0)  # seeds/000 §5 (up to 6C)
FAST_CHARGE_C_RATES = (3.0, 6.0)  # seeds/000 §5
TEMPERATURES_C = (-20.0, 0.0, 25.0, 45.0, 60.0)  # seeds/000 §4.2.1 (-20 °C) to 60 °C
SOC_WINDOWS = ((0.0, 1.0), (0.2, 0.8), (0.3, 0.7))  # full vs anode-tailored windows (seeds/000 §5)


def _K(t_C: float) -> float:
    return float(t_C) + 273.15


def currents_from(sim: CellSimulator, currents_A_g=None, c_rates=None) -> np.ndarray:
    if currents_A_g is not None:
        return np.asarray(currents_A_g, float) * sim.active_mass_g
    if c_rates is not None:
        return np.asarray(c_rates, float) * sim.cp.nominal_capacity_Ah
    raise InputError("give currents_A_g or c_rates", field="currents")


def rate_capability(sim: CellSimulator, currents_A_g=RATE_CURRENTS_A_G, c_rates=None, temperature_C=25.0,
                    **kw) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rate table and voltage curves (tidy); one compiled model for every current."""
    if c_rates is not None:
        currents_A_g = None
    I = currents_from(sim, currents_A_g, c_rates)
    return rate_table(sim, I, _K(temperature_C), with_curves=True, **kw)


def fast_charge(sim: CellSimulator, c_rates=FAST_CHARGE_C_RATES, temperatures_C=(25.0,), soc_target=0.8,
                **kw) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fast charge at each C-rate and temperature; plating margin (V vs Li/Li+, min over the charge)."""
    if sim.cp.kind == "full":
        return _fast_charge_full(sim, c_rates, temperatures_C, **kw)
    rows, curves = [], []
    for T in temperatures_C:
        for c in c_rates:
            r = sim.plating_margin(c * sim.cp.nominal_capacity_Ah, _K(T), soc_target=soc_target, **kw)
            cur = r.pop("curve")
            cur["c_rate"], cur["temperature_C"] = c, T
            curves.append(cur)
            rows.append({"c_rate": c, "temperature_C": T, "protocol": f"CC lithiation to {soc_target:.0%} anode SOC",
                         "charge_time_min": float(cur["time_s"].iloc[-1] / 60), **r,
                         "plating_risk": r["plating_margin_V"] < 0})
    return pd.DataFrame(rows), pd.concat(curves, ignore_index=True)


def _fast_charge_full(sim: CellSimulator, c_rates, temperatures_C, **kw):
    """CC-CV charge of a full cell (pybamm.Experiment; an experiment cannot take the temperature as
    an input, so the model is built once per temperature and C-rate)."""
    import pybamm

    from sianode.echem.simulate import ATOL, DEFAULT_VAR_PTS, RTOL

    cp = sim.cp
    rows, curves = [], []
    for T in temperatures_C:
        pv, opts = P.to_pybamm(cp, inputs=False, temperature_K=_K(T))
        for c in c_rates:
            steps = [f"Charge at {c}C until {cp.upper_voltage_cutoff} V",
                     f"Hold at {cp.upper_voltage_cutoff} V until C/20"]
            try:
                model = getattr(pybamm.lithium_ion, sim.model_name)(opts)
                s = pybamm.Simulation(model, experiment=pybamm.Experiment(steps), parameter_values=pv,
                                      var_pts=DEFAULT_VAR_PTS, solver=pybamm.IDAKLUSolver(rtol=RTOL, atol=ATOL))
                sol = s.solve()
            except Exception as err:  # noqa: BLE001
                raise SolverError(f"fast charge of the full cell at {c}C, {T:g} °C failed in the experiment "
                                  f"{steps}: {err}") from None
            t = sol["Time [s]"].entries
            phi = sol[sim.var_anode_potential].entries
            q = -sol["Discharge capacity [A.h]"].entries
            curves.append(pd.DataFrame({"c_rate": c, "temperature_C": T, "time_s": t,
                                        "voltage_V": sol["Voltage [V]"].entries, "charge_Ah": q,
                                        "anode_potential_V": phi}))
            cc_end = sol.cycles[0].steps[0]["Time [s]"].entries[-1]
            rows.append({"c_rate": c, "temperature_C": T, "protocol": "CC-CV to V_max, C/20 cut-off",
                         "charge_time_min": float(t[-1] / 60), "cc_time_min": float(cc_end / 60),
                         "plating_margin_V": float(phi.min()), "soc_reached": float(q[-1] / cp.nominal_capacity_Ah),
                         "soc_at_plating_onset": float(q[np.argmax(phi < 0)] / cp.nominal_capacity_Ah) if (phi < 0).any()
                         else float(q[-1] / cp.nominal_capacity_Ah),
                         "termination": str(sol.termination), "plating_risk": bool(phi.min() < 0)})
    return pd.DataFrame(rows), pd.concat(curves, ignore_index=True)


def temperature_sweep(sim: CellSimulator, temperatures_C=TEMPERATURES_C, c_rate=1.0, soc_target=0.8,
                      with_plating: bool = True, **kw) -> pd.DataFrame:
    """Capacity, average voltages and plating margin vs temperature at one C-rate (one compiled model).

    The plating margin is compared at EQUAL charged capacity: each temperature is charged at constant
    current to ``soc_target`` with the voltage cut-offs relaxed (:meth:`CellSimulator.plating_margin`);
    ``plating_soc_reached`` is the charge each run reached, ``common_soc`` the smallest of them and
    ``plating_margin_equal_charge_V`` the minimum anode potential up to that common charge, so colder
    never looks safer only because its voltage limit stopped the charge earlier
    (``soc_at_voltage_limit``: where the normal cut-off would have stopped the CC charge).
    """
    from sianode.echem.simulate import margin_up_to

    rows, curves = [], []
    I = c_rate * sim.cp.nominal_capacity_Ah
    for T in temperatures_C:
        df = rate_table(sim, [I], _K(T), with_plating=False, **kw)
        if not with_plating:
            rows.append(df)
            continue
        pm = sim.plating_margin(I, _K(T), soc_target=soc_target, **kw)
        cur = pm["curve"]
        curves.append((cur["charge_Ah"].to_numpy() / sim.cp.nominal_capacity_Ah, cur["anode_potential_V"].to_numpy()))
        df["plating_margin_V"] = pm["plating_margin_V"]
        df["plating_soc_reached"] = pm["soc_reached"]
        df["soc_at_voltage_limit"] = pm["soc_at_voltage_limit"]
        rows.append(df)
    out = pd.concat(rows, ignore_index=True)
    if not with_plating:
        return out
    common = float(out["plating_soc_reached"].min())
    out["common_soc"] = common
    out["plating_margin_equal_charge_V"] = [margin_up_to(q, phi, common) for q, phi in curves]
    return out


def partial_soc(sim: CellSimulator, windows=SOC_WINDOWS, c_rate=0.5, temperature_C=25.0) -> pd.DataFrame:
    """Delivered capacity and Si expansion swing for each anode-SOC window (anode vs Li metal)."""
    hs = sim if sim.cp.kind == "half" else CellSimulator(half_cell_of(sim.cp), model=sim.model_name)
    return pd.DataFrame([partial_soc_cycle(hs, w, c_rate, _K(temperature_C)) for w in windows])


def gitt(sim: CellSimulator, pulse_c_rate=0.1, pulse_s=900.0, rest_s=3600.0, n_pulses=None,
         temperature_C=25.0, direction="lithiation") -> pd.DataFrame:
    """GITT: ``n_pulses`` constant-current pulses each followed by a rest (tidy curve).

    Simulated on the anode vs Li metal with PyBaMM's one-state hysteresis OCP, so that the relaxed
    voltage after a lithiation pulse sits on the lithiation branch (with "current sigmoid" it would
    relax to the mean of the branches at zero current).

    Default pulses cover the whole capacity (n = 1 / (C-rate x pulse hours)). Columns: pulse,
    step ("pulse"/"rest"), time_s (continuous), voltage_V, current_A, charge_Ah, si_stoichiometry.
    """
    if sim.cp.kind == "half" and sim.hysteresis == "one-state hysteresis":
        hs = sim
    else:  # rests need a hysteresis state that remembers the last direction
        hs = CellSimulator(half_cell_of(sim.cp), model=sim.model_name, hysteresis="one-state hysteresis")
    I = pulse_c_rate * hs.anode_capacity_Ah * (1 if direction == "lithiation" else -1)
    if n_pulses is None:
        n_pulses = int(np.floor(0.97 / (pulse_c_rate * pulse_s / 3600)))
    sto0 = None if direction == "lithiation" else 0.98
    legs = []
    for i in range(n_pulses):
        legs += [(f"pulse {i}", I, pulse_s), (f"rest {i}", 0.0, rest_s)]
    out = hs.run_legs(legs, _K(temperature_C), sto0=sto0, n_points=30)
    frames = []
    q0 = 0.0
    for leg in out:
        c = leg.curve.copy()
        name, idx = c["step"].iloc[0].split(" ")
        c["pulse"], c["step"] = int(idx), name
        c["charge_Ah"] = c["charge_Ah"] + q0
        q0 = float(c["charge_Ah"].iloc[-1])
        frames.append(c)
        if "event" in leg.termination and name == "pulse":
            break
    return pd.concat(frames, ignore_index=True)
