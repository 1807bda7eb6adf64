"""SEI growth on an anode surface: thickness, lithium consumed, resistance.

What is modelled
----------------
Continued growth of the solid-electrolyte interphase (SEI) after formation. The lithium flux
into the SEI per unit particle surface (mol m^-2 s^-1) is the sum of two transport pathways
that act in parallel through the existing layer of thickness ``L``, each in series with the
reduction reaction at the reaction plane:

* **solvent diffusion** (Pinson & Bazant 2013; Single et al. 2018): solvent molecules diffuse
  through the SEI to the electrode surface, ``N_sd = D_sol c_sol / L``;
* **electron leakage** (electron-migration limited, Single et al. 2018; PyBaMM
  "electron-migration limited"): electrons migrate out through the SEI to the
  electrolyte side, ``N_el = kappa_e (U_sei - U_anode) / (F L)`` for ``U_anode < U_sei``.

Both give the same ``1/L`` dependence, so together they read ``N = K / L`` with
``K = D_sol c_sol + kappa_e max(U_sei - U, 0) / F`` (mol m^-1 s^-1). In series with a
reaction-limited flux ``N_r = k_sei c_sol`` (Yang et al. 2017, "EC reaction limited": the
solvent concentration at the reaction plane drops as it is consumed), the flux is

    N = 1 / (1/N_r + L/K)                                              (1)

and the thickness grows as ``dL/dt = (V_sei / z) N`` (``V_sei`` SEI partial molar volume,
``z`` Li per SEI molecule). With ``K`` and ``N_r`` constant over a time step ``dt``,
eq. (1) integrates exactly:

    (L1 - L0)/N_r + (L1^2 - L0^2)/(2K) = (V_sei/z) dt
    L1 = -K/N_r + sqrt((K/N_r + L0)^2 + 2 K (V_sei/z) dt)              (2)

which reduces to the parabolic law ``L1^2 = L0^2 + 2 (V_sei/z) K dt`` for fast kinetics and
to linear growth for thin layers. Every rate constant follows Arrhenius with one activation
energy (PyBaMM's convention). Lithium consumed: ``z (L1 - L0) / V_sei`` mol per m^2 of
particle surface. SEI resistance per unit particle surface: ``rho_sei L``.

Assumptions: one mean thickness per surface population (no spatial resolution through the
electrode), isothermal, the anode potential constant over a step (cycle-averaged).
Breathing (fresh surface each cycle) lives in :mod:`sianode.interphase.breathing`.

References
----------
Pinson, M. B. & Bazant, M. Z., J. Electrochem. Soc. 160 (2013) A243.
Single, F., Latz, A. & Horstmann, B., ChemSusChem 11 (2018) 1950.
Yang, X.-G., Leng, Y., Zhang, G., Ge, S. & Wang, C.-Y., J. Power Sources 360 (2017) 28.
Safari, M., Morcrette, M., Teyssot, A. & Delacourt, C., J. Electrochem. Soc. 156 (2009) A145.
Ramadass, P., Haran, B., Gomadam, P. M., White, R. & Popov, B. N., J. Electrochem. Soc. 151
(2004) A196.
PyBaMM parameter set "OKane2022" (O'Kane et al., Phys. Chem. Chem. Phys. 24 (2022) 7909).
"""
from __future__ import annotations

import numpy as np

from sianode.errors import InputError
from sianode.provenance import Parameter

FARADAY_C_MOL = 96485.33212  # CODATA 2018 (exact)
R_GAS_J_MOL_K = 8.314462618  # CODATA 2018 (exact)
T_REF_K = 298.15
MAH_PER_C = 1.0 / 3.6  # 1 mAh = 3.6 C

_OKANE = "PyBaMM parameter set OKane2022 (O'Kane et al., PCCP 24 (2022) 7909)"

#: Default SEI parameters (liquid carbonate electrolyte, 25 °C reference).
SEI_PARAMETERS: dict[str, Parameter] = {
    "solvent_diffusivity": Parameter(2.5e-22, "m2/s", f"{_OKANE}; Single et al., ChemSusChem 11 (2018) 1950"),
    "solvent_concentration": Parameter(2636.0, "mol/m3", f"{_OKANE}; EC bulk concentration, Single et al. 2018"),
    "kinetic_rate_constant": Parameter(1e-12, "m/s", f"{_OKANE} ('SEI kinetic rate constant')"),
    "electron_conductivity": Parameter(8.95e-14, "S/m", f"{_OKANE}; Single et al. 2018 (graphite SEI)"),
    "sei_ocp": Parameter(0.4, "V", f"{_OKANE} ('SEI open-circuit potential')"),
    "partial_molar_volume": Parameter(9.585e-5, "m3/mol", "Safari et al., J. Electrochem. Soc. 156 (2009) A145 (Li2EDC)"),
    "li_per_sei": Parameter(2.0, "1", "Li2EDC: 2 EC + 2 Li+ + 2 e- -> (CH2OCO2Li)2 + C2H4 (Safari et al. 2009)"),
    "initial_thickness": Parameter(5e-9, "m", f"{_OKANE} ('Initial SEI thickness')"),
    "activation_energy": Parameter(38000.0, "J/mol", f"{_OKANE} ('SEI growth activation energy')"),
    "resistivity": Parameter(2e5, "ohm m", "Ramadass et al., J. Electrochem. Soc. 151 (2004) A196 (via PyBaMM)"),
}


def arrhenius(temperature_K, activation_energy_J_mol, t_ref_K: float = T_REF_K):
    """Arrhenius factor ``exp(Ea/R (1/T_ref - 1/T))`` (1 at ``T_ref``)."""
    t = np.asarray(temperature_K, dtype=float)
    if np.any(~np.isfinite(t)) or np.any(t <= 0):
        raise InputError("temperature must be a finite absolute temperature > 0 K", field="temperature_K")
    return np.exp(np.asarray(activation_energy_J_mol, float) / R_GAS_J_MOL_K * (1.0 / t_ref_K - 1.0 / t))


def transport_constant(
    solvent_diffusivity_m2_s,
    solvent_concentration_mol_m3,
    electron_conductivity_S_m,
    anode_potential_V,
    sei_ocp_V: float = 0.4,
):
    """Transport constant ``K`` (mol m^-1 s^-1) of eq. (1): solvent diffusion + electron leakage.

    ``K = D_sol c_sol + kappa_e max(U_sei - U_anode, 0) / F`` (Single et al. 2018). The
    electron-leakage term vanishes above the SEI reduction potential.
    """
    drive = np.maximum(np.asarray(sei_ocp_V, float) - np.asarray(anode_potential_V, float), 0.0)
    return (np.asarray(solvent_diffusivity_m2_s, float) * np.asarray(solvent_concentration_mol_m3, float)
            + np.asarray(electron_conductivity_S_m, float) * drive / FARADAY_C_MOL)


def regime(solvent_diffusivity_m2_s, solvent_concentration_mol_m3, electron_conductivity_S_m,
           anode_potential_V, sei_ocp_V: float = 0.4):
    """Name of the dominant growth pathway: ``"solvent-diffusion"`` or ``"electron-leakage"``."""
    k_sd = np.asarray(solvent_diffusivity_m2_s, float) * np.asarray(solvent_concentration_mol_m3, float)
    k_el = transport_constant(0.0, 0.0, electron_conductivity_S_m, anode_potential_V, sei_ocp_V)
    return np.where(k_sd >= k_el, "solvent-diffusion", "electron-leakage")


def thickness_after(L0_m, dt_s, transport_K, reaction_flux_mol_m2_s, partial_molar_volume_m3_mol=9.585e-5,
                    li_per_sei=2.0):
    """Exact SEI thickness after ``dt_s`` at constant rates, eq. (2).

    Parameters
    ----------
    L0_m : SEI thickness at the start of the step, m (>= 0).
    dt_s : step duration, s.
    transport_K : ``K`` of eq. (1), mol m^-1 s^-1 (already Arrhenius-scaled).
    reaction_flux_mol_m2_s : ``N_r`` of eq. (1), mol m^-2 s^-1; ``np.inf`` for pure transport limit.
    """
    K = np.asarray(transport_K, float)
    a = np.asarray(partial_molar_volume_m3_mol, float) / np.asarray(li_per_sei, float) * np.asarray(dt_s, float)
    return grown_thickness(L0_m, reaction_offset(K, reaction_flux_mol_m2_s), 2.0 * K * a)


def reaction_offset(transport_K, reaction_flux_mol_m2_s):
    """``b = K / N_r`` of eq. (2), m (0 in the pure transport limit, ``N_r`` infinite)."""
    K = np.asarray(transport_K, float)
    nr = np.asarray(reaction_flux_mol_m2_s, float)
    finite = np.isfinite(nr)
    with np.errstate(divide="ignore", invalid="ignore"):
        return K / nr if finite.all() else np.where(finite, K / nr, 0.0)  # all finite: the same quotients


def grown_thickness(L0_m, offset_m, two_k_a):
    """Eq. (2) from ``b`` (:func:`reaction_offset`) and ``2 K (V_sei/z) dt`` (m^2): the one formula of
    :func:`thickness_after`, for callers that keep ``b`` or ``K`` fixed over many steps (the fade model's cycles).

    ``L1 = -b + sqrt((b + L0)^2 + 2 K a)``, written as ``L0 + 2Ka / (sqrt(...) + b + L0)`` to avoid cancellation.
    """
    L0 = np.asarray(L0_m, float)
    root = np.sqrt((offset_m + L0) ** 2 + two_k_a)
    den = root + offset_m + L0
    return L0 + two_k_a / (den + (den == 0))


def lithium_consumed_mol_m2(delta_thickness_m, partial_molar_volume_m3_mol=9.585e-5, li_per_sei=2.0):
    """Lithium (mol per m^2 of particle surface) bound in an SEI thickness increment."""
    return np.asarray(li_per_sei, float) * np.asarray(delta_thickness_m, float) / np.asarray(partial_molar_volume_m3_mol, float)


def lithium_mAh_g(li_mol_m2, surface_area_m2_g):
    """Convert lithium per particle surface (mol/m^2) to charge per gram of active material (mAh/g)."""
    return np.asarray(li_mol_m2, float) * np.asarray(surface_area_m2_g, float) * FARADAY_C_MOL * MAH_PER_C


def resistance_ohm_m2(thickness_m, resistivity_ohm_m=2e5):
    """Ionic resistance of the SEI per unit particle surface, ``rho L`` (ohm m^2)."""
    return np.asarray(resistivity_ohm_m, float) * np.asarray(thickness_m, float)


def electrode_resistance_ohm_cm2(thickness_m, surface_area_m2_g, loading_mg_cm2, resistivity_ohm_m=2e5):
    """SEI resistance of a whole electrode per unit electrode area (ohm cm^2).

    All particle surfaces are in parallel: ``R = rho L / (a_s m)`` with ``a_s`` the specific
    surface area (m^2/g) and ``m`` the active loading (g per m^2 electrode).
    """
    area_per_m2 = np.asarray(surface_area_m2_g, float) * np.asarray(loading_mg_cm2, float) * 10.0  # m2 surface / m2 electrode
    return resistance_ohm_m2(thickness_m, resistivity_ohm_m) / area_per_m2 * 1e4


def grow(L0_m, dt_s, temperature_K=T_REF_K, anode_potential_V=0.2, params: dict[str, Parameter] | None = None,
         solvent_factor=1.0, kinetic_factor=1.0, electron_factor=1.0):
    """Grow an SEI of thickness ``L0_m`` for ``dt_s`` at a given temperature and anode potential.

    Convenience wrapper around :func:`transport_constant` and :func:`thickness_after` with a
    parameter set (default :data:`SEI_PARAMETERS`); ``*_factor`` scale the solvent-diffusion,
    reaction and electron-leakage rates (electrolyte and material effects,
    :mod:`sianode.interphase.electrolytes`). Returns ``(L1_m, li_consumed_mol_m2)``.
    """
    p = {k: float(v) for k, v in (params or SEI_PARAMETERS).items()}
    arr = arrhenius(temperature_K, p["activation_energy"])
    K = arr * transport_constant(p["solvent_diffusivity"] * np.asarray(solvent_factor, float), p["solvent_concentration"],
                                 p["electron_conductivity"] * np.asarray(electron_factor, float), anode_potential_V, p["sei_ocp"])
    nr = arr * p["kinetic_rate_constant"] * p["solvent_concentration"] * np.asarray(kinetic_factor, float)
    L1 = thickness_after(L0_m, dt_s, K, nr, p["partial_molar_volume"], p["li_per_sei"])
    return L1, lithium_consumed_mol_m2(L1 - np.asarray(L0_m, float), p["partial_molar_volume"], p["li_per_sei"])
