"""Calendar ageing: SEI growth, lithium loss, self-discharge and dead Si during storage.

What is modelled
----------------
At rest at a state of charge (anode potential ``U``) and temperature ``T`` the SEI grows by
the same law as during cycling (:mod:`sianode.interphase.sei`, eq. 2) without breathing. The
electron-leakage term ``kappa_e (U_sei - U)/L`` makes growth faster at high SOC (low anode
potential) and the Arrhenius factor makes it faster when hot. The lithium bound in the new
SEI is lost inventory; as a rate it is the self-discharge current

    i_sd = F N_Li a_s       (A per g of active material)

Silicon ages worse than graphite (seeds/000 §3): its SEI is not passivating against electron
transfer (high surface work function of Si), which we represent by a larger SEI electronic
conductivity ``kappa_e`` for Si (:data:`MATERIAL_SEI_FACTORS`), and storage also isolates
particles as the SEI thickens (loss of active material, :func:`sianode.life.lam.isolated_fraction`).

Assumptions: constant potential and temperature over the storage period (integrated exactly
per time step), no crosstalk from the cathode, no lithium redistribution between Si and
graphite phases (seeds/000 §3 Fig. 2h) beyond what the average potential captures.

References: seeds/000 §3 (calendar ageing, high-temperature storage, self-discharge);
Single et al., ChemSusChem 11 (2018) 1950 (potential dependence); Keil et al.,
J. Electrochem. Soc. 163 (2016) A1872 (calendar ageing vs SOC and T of graphite cells).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sianode.errors import InputError
from sianode.interphase import sei
from sianode.provenance import Parameter

#: Material factors on the SEI electronic leakage.
MATERIAL_SEI_FACTORS: dict[str, Parameter] = {
    "graphite": Parameter(1.0, "1", "reference value of sianode.interphase.sei (graphite SEI, Single et al. 2018)"),
    "silicon": Parameter(10.0, "1", "seeds/000 §3: SEI on Si lacks the ability to passivate electron transfer "
                         "(high surface work function of Si, refs. 48/57 there); calendar ageing of Si worse "
                         "than graphite", "assumed magnitude (calibrate with storage data)"),
}


def storage(days, soc, temperature_C, anode_potential_V, surface_area_m2_g, capacity_mAh_g,
            material: str = "silicon", electrolyte_factors: dict | None = None, n_steps: int = 200,
            initial_thickness_m: float | None = None) -> pd.DataFrame:
    """Simulate storage at constant SOC and temperature; return a tidy table vs time.

    Parameters
    ----------
    days : storage duration, days (> 0).
    soc : anode state of charge during storage (for the record; the physics uses the potential).
    temperature_C : storage temperature, °C.
    anode_potential_V : anode potential vs Li/Li+ at that SOC, V (e.g. from
        :func:`sianode.materials.voltage.ocv_mean_V`).
    surface_area_m2_g : specific surface area of the active material, m^2/g.
    capacity_mAh_g : reversible capacity used to express losses in per cent, mAh/g.
    material : ``"silicon"`` or ``"graphite"`` (:data:`MATERIAL_SEI_FACTORS`).
    electrolyte_factors : ``solvent_factor`` / ``electron_factor`` from
        :mod:`sianode.interphase.electrolytes` (default: carbonate).

    Returns columns ``day, sei_thickness_m, lli_mAh_g, lli_pct, self_discharge_pct_per_month``.
    """
    if not np.isfinite(days) or days <= 0:
        raise InputError(f"storage time must be > 0 days, got {days!r}", field="days")
    if not 0.0 <= soc <= 1.0:
        raise InputError(f"SOC must be within [0, 1], got {soc!r}", field="soc")
    if surface_area_m2_g <= 0 or capacity_mAh_g <= 0:
        raise InputError("surface area and capacity must be > 0", field="surface_area_m2_g")
    if material not in MATERIAL_SEI_FACTORS:
        raise InputError(f"material must be one of {list(MATERIAL_SEI_FACTORS)}", field="material")
    ef = electrolyte_factors or {}
    t = np.linspace(0.0, days * 86400.0, n_steps + 1)
    L = float(sei.SEI_PARAMETERS["initial_thickness"]) if initial_thickness_m is None else initial_thickness_m
    Ls, li = [L], [0.0]
    for dt in np.diff(t):
        L1, dli = sei.grow(L, dt, temperature_C + 273.15, anode_potential_V,
                           solvent_factor=ef.get("solvent_factor", 1.0),
                           electron_factor=ef.get("electron_factor", 1.0) * float(MATERIAL_SEI_FACTORS[material]))
        L = float(L1)
        Ls.append(L)
        li.append(li[-1] + float(dli))
    lli = sei.lithium_mAh_g(np.array(li), surface_area_m2_g)
    rate = np.gradient(lli, t / (30 * 86400.0)) / capacity_mAh_g * 100.0
    return pd.DataFrame({"day": t / 86400.0, "soc": soc, "temperature_C": temperature_C,
                         "sei_thickness_m": Ls, "lli_mAh_g": lli, "lli_pct": lli / capacity_mAh_g * 100.0,
                         "self_discharge_pct_per_month": rate})
