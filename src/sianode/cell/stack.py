"""Coating and stack model (BatPaC-style) with silicon-specific first-cycle, voltage and swelling physics.

Structure follows Argonne's BatPaC (Nelson, Ahmed, Gallagher & Dees, ANL-12/55, 2012, and later
versions): electrode coating from the formulation and porosity, anode sized from the cathode and the
N/P ratio, electrode pairs with current collectors, separator and electrolyte, then the format
(pouch / cylindrical) adds packaging -> mass and volume breakdown, Wh/kg, Wh/L.

Equations (per cm2 of cathode coating; one electrode *pair* = one cathode coating facing one anode
coating, with its separator and half of each double-coated foil)
-----------------------------------------------------------------------------------------------
Coating (solid density from the mass fractions w_j and densities rho_j)::

    rho_solid = 1 / sum_j (w_j / rho_j)        rho_coat = rho_solid (1 - porosity)
    t_coat    = (m_active / w_active) / rho_coat

Capacities (mAh/cm2): cathode first charge ``Qc_ch = m_c q_c,ch`` and reversible
``Qc_rev = m_c q_c,rev``. One explicit N/P definition, chosen by the user:

* ``np_basis = "reversible"``:        N/P = Qa_rev / Qc_rev          (anode reversible / cathode reversible)
* ``np_basis = "first_lithiation"``:  N/P = Qa_first / Qc_ch         (anode first lithiation / cathode first charge)

which fixes the anode active loading ``m_a``. First-cycle lithium (one bookkeeping for every stage,
:func:`sianode.electrode.formation.formation`; the anode loses ``1 - ICE_a`` of the Li it takes)::

    taken  = min(Qc_ch + D, Qa_first)               plated = Qc_ch + D - taken  (Li metal, dead)
    stored = taken ICE_a                            Q_cell = min(stored, Qc_rev)
    reservoir R = stored - Q_cell                   (Li left in the anode, e.g. from excess prelithiation)

Plated Li (an overdose the anode cannot hold) delivers nothing but keeps its mass and its volume
(4.85 µm of Li metal per mAh/cm2, added to the anode thickness), so excess prelithiation never raises
Wh/kg or Wh/L.

Energy: discharge from q = 0 to Q_cell with the cathode at ``s = q / Qc_rev`` and the anode at
``theta = (R + Q_cell - q) / Qa_rev``; ``E = integral (U_c(s) - U_a,delith(theta)) dq`` (midpoint rule).
No fixed nominal voltage: Si's higher, hysteretic delithiation voltage lowers the energy. The charge
energy uses the anode's lithiation branch at the same states, so ``energy_efficiency = V_dis / V_ch``
shows the hysteresis loss (open-circuit branches only: no ohmic or kinetic overpotential).

Coatings: :func:`sianode.electrode.coating.coating_geometry` (one definition; particle envelope density).

Swelling: charged anode thickness ``t_a,ch = t_a (1 + eps_t)``. ``eps_t`` comes from the mechanics
stage when given (``anode_thickness_change`` at full lithiation, scaled by the anode's top-of-charge
utilisation ``u = (R + Q_cell)/Qa_rev``), otherwise from the materials stage's particle expansion as
``eps_t = phi_active * e_particle * u * (1 - accommodation)`` (in-plane constrained electrode: all
volume change goes into thickness; ``accommodation`` = fraction taken up by the coating porosity,
default 0, i.e. an upper bound). End of life adds ``n_cycles * irreversible_swelling_per_cycle``.

Simplifications: cathode breathing (a few % for NCM) is neglected; the electrolyte (pores mode)
fills the coating and separator pores plus a margin; the outer single-sided anodes of a pouch add
one Cu foil; the cathode is charged to its upper cut-off each cycle.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sianode.cell import formats as _fmt
from sianode.cell.anode import AnodeBlend
from sianode.cathodes import CathodeMaterial
from sianode.cell.prelithiation import MG_LI_PER_MAH, get_method, mass_in_cell_mg_cm2, source_mass_mg_cm2
from sianode.errors import InputError
from sianode.provenance import Parameter

# ----------------------------------------------------------------------------- parameter tables
# One definition of coating densities, stack defaults and the coating geometry: sianode.electrode.coating
# (re-exported here for callers of the cell model).
from sianode.electrode.coating import (BINDER_DENSITY_G_CM3, CONDUCTIVE_DENSITY_G_CM3, STACK_DEFAULTS,  # noqa: E402,F401
                                       Coating, anode_coating_default, cathode_coating_default, coating_geometry,
                                       sse_density_g_cm3)
from sianode.electrode.formation import LI_METAL_UM_PER_MAH_CM2, auto_dose, formation  # noqa: E402


@dataclass(frozen=True)
class SolidState:
    """All-solid-state options: SSE class, separator layer, stack-pressure hardware (seeds/004 §3.3)."""

    sse_class: str = "sulfide"
    separator_um: float = STACK_DEFAULTS["sse_separator_um"].value
    separator_porosity: float = 0.0
    hardware_mass_g: float = 0.0
    hardware_volume_cm3: float = 0.0


@dataclass
class CellResult:
    """Everything the cell model computed. ``values``/``mass``/``volume`` are dicts of arrays."""

    values: dict[str, Any]
    mass_g: dict[str, Any]
    volume_cm3: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, k):
        return self.values[k]

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per design (arrays flattened after broadcasting)."""
        cols = {**self.inputs, **self.values, **{f"mass_{k}_g": v for k, v in self.mass_g.items()}}
        arrs = {k: np.asarray(v, dtype=float) for k, v in cols.items() if np.ndim(v) >= 0 and _numeric(v)}
        shape = np.broadcast_shapes(*(a.shape for a in arrs.values()))
        return pd.DataFrame({k: np.broadcast_to(a, shape).ravel() for k, a in arrs.items()})

    def breakdown(self, index=()) -> pd.DataFrame:
        """Mass and volume breakdown of one design (``index`` into batched results)."""
        rows = []
        tot_m = sum(np.asarray(v, dtype=float) for v in self.mass_g.values())
        for k, v in self.mass_g.items():
            m = float(np.asarray(np.broadcast_to(v, np.shape(tot_m)))[index])
            rows.append({"component": k, "mass_g": m, "mass_pct": 100 * m / float(np.asarray(tot_m)[index])})
        dfm = pd.DataFrame(rows)
        tot_v = sum(np.asarray(v, dtype=float) for v in self.volume_cm3.values())
        vrows = []
        for k, v in self.volume_cm3.items():
            x = float(np.asarray(np.broadcast_to(v, np.shape(tot_v)))[index])
            vrows.append({"component": k, "volume_cm3": x, "volume_pct": 100 * x / float(np.asarray(tot_v)[index])})
        return dfm.merge(pd.DataFrame(vrows), on="component", how="outer").fillna(0.0)


def _numeric(v) -> bool:
    try:
        np.asarray(v, dtype=float)
        return True
    except (TypeError, ValueError):
        return False


def cell_model(cathode: CathodeMaterial, anode: AnodeBlend, *, cathode_loading_mg_cm2=18.75, np_ratio=1.1,
               np_basis: str = "reversible", allow_np_below_1: bool = False,
               cathode_coating: Coating | None = None, anode_coating: Coating | None = None,
               separator_um=None, separator_porosity=None, separator_density_g_cm3=None,
               electrolyte: str = "pores", electrolyte_margin=None, ec_ratio_g_Ah=None,
               electrolyte_density_g_cm3=None,
               prelithiation: str = "none", dose_mAh_cm2: Any = "auto", prelithiation_utilisation=None,
               cell_format: str = "pouch", format_overrides: dict | None = None,
               anode_thickness_change=None, irreversible_swelling_per_cycle=None, eol_cycles: int = 500,
               swelling_accommodation=0.0, solid_state: SolidState | None = None,
               n_quad: int = 64) -> CellResult:
    """Full cell: mass and volume breakdown, capacity, voltage, Wh/kg and Wh/L (charged, swollen).

    Every numeric argument may be a NumPy array (broadcast together) for vectorised sweeps; ``anode``
    may carry batched blend weights. See the module docstring for the equations.

    Parameters (units in the names; defaults and their sources in :data:`STACK_DEFAULTS`)
    ----------
    cathode, anode : cathode material and anode active blend.
    cathode_loading_mg_cm2 : cathode *active* loading per coated side.
    np_ratio, np_basis : N/P ratio and its basis ('reversible' or 'first_lithiation').
    electrolyte : 'pores' (pore volume x (1 + margin)) or 'ec_ratio' (``ec_ratio_g_Ah`` grams per Ah).
    prelithiation, dose_mAh_cm2 : method (see :mod:`sianode.cell.prelithiation`) and dose ('auto' or number).
    cell_format : 'pouch', '18650', '21700', '4680', or 'stack'/'coin' (per cm2, no packaging).
    anode_thickness_change : fractional anode thickness change at full lithiation (mechanics stage);
        None -> estimated from the particle expansion.
    irreversible_swelling_per_cycle, eol_cycles : end-of-life thickness growth of the anode.
    solid_state : :class:`SolidState` for all-solid-state cells (no liquid electrolyte).
    """
    notes: list[str] = []
    if np_basis not in ("reversible", "first_lithiation"):
        raise InputError(f"np_basis must be 'reversible' or 'first_lithiation', got {np_basis!r}", field="cell.np_basis")
    npr = np.asarray(np_ratio, dtype=float)
    if np.any(~np.isfinite(npr)) or np.any(npr <= 0):
        raise InputError(f"np_ratio must be > 0, got {np_ratio!r}", field="cell.np_ratio")
    if np.any(npr < 1.0) and not allow_np_below_1:
        raise InputError(f"np_ratio {np.min(npr):g} < 1: the anode cannot take the cathode's lithium (Li plating); "
                         "use np_ratio >= 1 or set allow_np_below_1 = true", field="cell.np_ratio")
    m_c = np.asarray(cathode_loading_mg_cm2, dtype=float)
    if np.any(~np.isfinite(m_c)) or np.any(m_c <= 0):
        raise InputError(f"cathode loading must be > 0 mg/cm2, got {cathode_loading_mg_cm2!r}",
                         field="cell.cathode_loading_mg_cm2")
    solid = solid_state is not None
    cc = cathode_coating or cathode_coating_default(solid=solid)
    ac = anode_coating or anode_coating_default()
    if solid:
        rho_sse = sse_density_g_cm3(solid_state.sse_class)
        from dataclasses import replace
        cc = replace(cc, sse_density_g_cm3=rho_sse)
        ac = replace(ac, sse_density_g_cm3=rho_sse)

    # --- capacities and N/P
    qc_ch = m_c * cathode.first_charge_capacity_mAh_g * 1e-3  # mAh/cm2
    qc_rev = m_c * cathode.reversible_capacity_mAh_g * 1e-3
    qa_rev_g = anode.reversible_capacity_mAh_g
    qa_first_g = anode.first_lithiation_capacity_mAh_g
    ice_a = anode.ice
    if np_basis == "reversible":
        m_a = npr * qc_rev / qa_rev_g * 1e3  # mg/cm2
    else:
        m_a = npr * qc_ch / qa_first_g * 1e3
    qa_rev = m_a * qa_rev_g * 1e-3
    qa_first = m_a * qa_first_g * 1e-3

    # --- prelithiation and first-cycle lithium (sianode.electrode.formation: one bookkeeping for every stage)
    method = get_method(prelithiation, prelithiation_utilisation)
    if prelithiation == "none":
        dose = 0.0 * qc_ch
    elif isinstance(dose_mAh_cm2, str):
        if dose_mAh_cm2 != "auto":
            raise InputError(f"dose must be a number or 'auto', got {dose_mAh_cm2!r}", field="cell.prelithiation.dose_mAh_cm2")
        dose = auto_dose(qc_rev, cathode.ice, ice_a) + 0.0 * qc_ch
    else:
        dose = np.asarray(dose_mAh_cm2, dtype=float) + 0.0 * qc_ch
        if np.any(dose < 0):
            raise InputError("dose must be >= 0", field="cell.prelithiation.dose_mAh_cm2")
    form = formation(qc_rev, cathode.ice, qa_rev, ice_a, dose)
    li_in = form.li_in
    q_cell = form.q_cell
    reservoir = form.reservoir
    plated = form.plated
    plating_margin = qa_first - li_in  # < 0: the anode cannot take all Li on the first charge
    u_top = form.stored / qa_rev
    t_plated = plated * LI_METAL_UM_PER_MAH_CM2 * 1e-4  # cm of dead Li metal on the anode

    # --- voltage and energy (midpoint rule over the discharge)
    k = (np.arange(n_quad) + 0.5) / n_quad
    qc = q_cell[..., None] * k
    s_c = qc / qc_rev[..., None]
    th_a = np.clip((reservoir[..., None] + q_cell[..., None] - qc) / qa_rev[..., None], 0.0, 1.0)
    u_c = cathode.voltage_V(s_c)
    u_a = anode.delithiation_voltage_V(th_a)
    v_avg = np.mean(u_c - u_a, axis=-1)
    v_anode = np.mean(u_a, axis=-1)
    # charge: same states, anode on its lithiation branch (hysteresis) -> round-trip energy efficiency
    u_a_ch = anode.delithiation_voltage_V(th_a, branch="lithiation")
    v_charge = np.mean(u_c - u_a_ch, axis=-1)
    e_area = q_cell * v_avg  # mWh/cm2

    # --- coatings
    add_src = source_mass_mg_cm2(method, dose) if method.in_cathode else 0.0 * dose
    cat = coating_geometry(cc, m_c, cathode.density_g_cm3, add_src, method.density_g_cm3, "cathode")
    ano = coating_geometry(ac, m_a, anode.density_g_cm3, 0.0, 1.0, "anode")
    li_mg, dead_mg = mass_in_cell_mg_cm2(method, dose)

    # --- swelling of the anode
    phi_act = ano["phi_active"]
    if anode_thickness_change is None:
        eps_top = phi_act * anode.expansion_at(u_top) * (1 - np.asarray(swelling_accommodation, dtype=float))
        notes.append("anode swelling estimated from the particle expansion (no mechanics stage): "
                     "all particle volume change into thickness unless swelling_accommodation > 0 (upper bound)")
    else:
        eps_top = np.asarray(anode_thickness_change, dtype=float) * u_top
    irr = 0.0 if irreversible_swelling_per_cycle is None else np.asarray(irreversible_swelling_per_cycle, dtype=float)
    t_c = ano["thickness"]  # the coating as made
    t_a = t_c + t_plated  # plated Li metal sits on the coating and stays
    t_a_ch = t_c * (1 + eps_top) + t_plated
    t_a_eol = t_c * (1 + eol_cycles * irr) + t_plated
    t_a_ch_eol = t_c * (1 + eps_top + eol_cycles * irr) + t_plated

    # --- separator and electrolyte
    d = {k2: v.value for k2, v in STACK_DEFAULTS.items()}
    if solid:
        t_s = solid_state.separator_um * 1e-4
        eps_s = solid_state.separator_porosity
        m_sep = t_s * (1 - eps_s) * rho_sse
        m_el = 0.0 * q_cell
        notes.append(f"solid-state cell: {solid_state.sse_class} SSE separator {solid_state.separator_um:g} um, "
                     "no liquid electrolyte; pores of the coatings left empty")
    else:
        t_s = (d["separator_um"] if separator_um is None else separator_um) * 1e-4
        eps_s = d["separator_porosity"] if separator_porosity is None else separator_porosity
        rho_s = d["separator_density_g_cm3"] if separator_density_g_cm3 is None else separator_density_g_cm3
        if not (0 <= eps_s < 1):
            raise InputError(f"separator porosity must be in [0, 1), got {eps_s!r}", field="separator.porosity")
        m_sep = t_s * (1 - eps_s) * rho_s
        rho_el = d["electrolyte_density_g_cm3"] if electrolyte_density_g_cm3 is None else electrolyte_density_g_cm3
        if electrolyte == "pores":
            margin = d["electrolyte_margin"] if electrolyte_margin is None else electrolyte_margin
            v_pore = cat["porosity"] * cat["thickness"] + ano["porosity"] * ano["thickness"] + eps_s * t_s
            m_el = v_pore * (1 + margin) * rho_el
        elif electrolyte == "ec_ratio":
            if ec_ratio_g_Ah is None or np.any(np.asarray(ec_ratio_g_Ah) <= 0):
                raise InputError("electrolyte = 'ec_ratio' needs ec_ratio_g_Ah > 0", field="cell.ec_ratio_g_Ah")
            m_el = np.asarray(ec_ratio_g_Ah, dtype=float) * q_cell * 1e-3
        else:
            raise InputError(f"electrolyte must be 'pores' or 'ec_ratio', got {electrolyte!r}", field="cell.electrolyte")
    t_al, t_cu = cc.foil_um * 1e-4, ac.foil_um * 1e-4
    m_al = t_al * _fmt.RHO["Al"].value / 2
    m_cu = t_cu * _fmt.RHO["Cu"].value / 2

    pair_mass = {
        "cathode_active": cat["mass_active"] + 0 * q_cell,
        "cathode_inactive": cat["mass_inactive"] + 0 * q_cell,
        "anode_active": ano["mass_active"] + 0 * q_cell,
        "anode_inactive": ano["mass_inactive"] + 0 * q_cell,
        "prelithiation_li": li_mg * 1e-3 + 0 * q_cell,
        "prelithiation_residue": dead_mg * 1e-3 + 0 * q_cell,
        "al_foil": m_al + 0 * q_cell,
        "cu_foil": m_cu + 0 * q_cell,
        "separator": m_sep + 0 * q_cell,
        "electrolyte": m_el + 0 * q_cell,
    }
    pair_t = cat["thickness"] + t_a + t_s + (t_al + t_cu) / 2
    pair_t_ch = cat["thickness"] + t_a_ch + t_s + (t_al + t_cu) / 2
    pair_t_ch_eol = cat["thickness"] + t_a_ch_eol + t_s + (t_al + t_cu) / 2
    pair_total = sum(pair_mass.values())
    anode_extra = ano["mass"] + m_cu + m_sep  # per cm2 of overhang

    fmt = _fmt.get_format(cell_format, **(format_overrides or {}))
    hw_m = solid_state.hardware_mass_g if solid else 0.0
    hw_v = solid_state.hardware_volume_cm3 if solid else 0.0
    if fmt == "stack":
        area = 1.0 + 0 * q_cell
        mass_pack = {"packaging": 0 * q_cell, "tabs_cap": 0 * q_cell}
        vol_ch, vol_dis = pair_t_ch, pair_t
        vol_ch_eol = pair_t_ch_eol
        free_vol = pair_t_ch - pair_t
        extra_cu = 0 * q_cell
        overhang = 1.0
    elif isinstance(fmt, _fmt.PouchFormat):
        pk = _fmt.pouch_package(fmt, pair_total, pair_t, pair_t_ch, anode_extra, 2 * m_cu, t_cu, m_sep)
        pk_eol = _fmt.pouch_package(fmt, pair_total, pair_t, pair_t_ch_eol, anode_extra, 2 * m_cu, t_cu, m_sep)
        area = pk["area_cathode_cm2"]
        overhang = pk["overhang_area_factor"]
        extra_cu = 2 * m_cu * fmt.electrode_length_mm * fmt.electrode_width_mm / 100.0 * overhang
        mass_pack = {"packaging": pk["mass_packaging_g"], "tabs_cap": pk["mass_tabs_g"]}
        vol_ch, vol_dis, vol_ch_eol = pk["volume_charged_cm3"], pk["volume_discharged_cm3"], pk_eol["volume_charged_cm3"]
        free_vol = vol_ch - vol_dis
    else:
        pk = _fmt.cylindrical_package(fmt, pair_total, pair_t, pair_t_ch, anode_extra)
        area = pk["area_cathode_cm2"]
        overhang = 1.0 + 0 * q_cell
        extra_cu = 0 * q_cell
        mass_pack = {"packaging": pk["mass_packaging_g"], "tabs_cap": pk["mass_tabs_g"]}
        vol_ch = vol_dis = pk["volume_charged_cm3"]
        free_vol = pk["free_volume_cm3"]
        # at end of life the roll (sized for BOL charge) must fit too: energy scales with the fitting area
        vol_ch_eol = vol_ch * pair_t_ch_eol / pair_t_ch
        notes.append("cylindrical roll sized to fill the can at the charged, swollen BOL thickness")

    mass = {k2: v * area for k2, v in pair_mass.items()}
    # overhang: extra anode coating, Cu and separator outside the cathode area
    if fmt != "stack":
        ov = (np.asarray(overhang) - 1.0) * area
        mass["anode_active"] = mass["anode_active"] + ano["mass_active"] * ov
        mass["anode_inactive"] = mass["anode_inactive"] + ano["mass_inactive"] * ov
        mass["cu_foil"] = mass["cu_foil"] + m_cu * ov + extra_cu
        mass["separator"] = mass["separator"] + m_sep * ov
    mass.update(mass_pack)
    mass["stack_pressure_hardware"] = hw_m + 0 * q_cell
    total_mass = sum(mass.values())
    energy_Wh = e_area * area * 1e-3
    cap_Ah = q_cell * area * 1e-3
    vol_ch = vol_ch + hw_v
    vol_dis = vol_dis + hw_v
    vol_ch_eol = vol_ch_eol + hw_v

    volume = {
        "cathode_coating": cat["thickness"] * area,
        "anode_coating_discharged": t_c * area * np.asarray(overhang),
        "plated_li": t_plated * area * np.asarray(overhang),
        "anode_swelling_charged": (t_a_ch - t_a) * area * np.asarray(overhang),
        "separator": t_s * area + 0 * q_cell,
        "foils": (t_al + t_cu) / 2 * area + 0 * q_cell,
    }
    volume["packaging_and_free"] = vol_ch - sum(volume.values())

    if fmt == "stack" or isinstance(fmt, _fmt.PouchFormat):
        whl_eol = energy_Wh / vol_ch_eol * 1e3
    else:  # cylindrical: fewer windings fit when the roll must also hold the EOL swelling
        whl_eol = energy_Wh * (pair_t_ch / pair_t_ch_eol) / vol_ch * 1e3
    values = {
        "cathode_first_charge_mAh_cm2": qc_ch,
        "cathode_reversible_mAh_cm2": qc_rev,
        "anode_loading_mg_cm2": m_a,
        "anode_reversible_mAh_cm2": qa_rev,
        "anode_first_lithiation_mAh_cm2": qa_first,
        "anode_ice": ice_a + 0 * q_cell,
        "cathode_ice": cathode.ice + 0 * q_cell,
        "areal_capacity_mAh_cm2": q_cell,
        "cathode_utilisation": q_cell / qc_rev,
        "anode_utilisation_top_of_charge": u_top,
        "li_reservoir_mAh_cm2": reservoir,
        "plating_margin_mAh_cm2": plating_margin,
        "prelithiation_dose_mAh_cm2": dose,
        "plated_li_mAh_cm2": plated,
        "plated_li_um": t_plated * 1e4,
        "prelithiation_li_mg_cm2": dose * MG_LI_PER_MAH,
        "prelithiation_source_mg_cm2": source_mass_mg_cm2(method, dose) if prelithiation != "none" else 0 * dose,
        "average_voltage_V": v_avg,
        "anode_average_delithiation_V": v_anode,
        "average_charge_voltage_V": v_charge,
        "energy_efficiency": v_avg / v_charge,
        "cathode_thickness_um": cat["thickness"] * 1e4,
        "cathode_porosity": cat["porosity"] + 0 * q_cell,
        "anode_thickness_um": t_a * 1e4,
        "anode_coating_thickness_um": t_c * 1e4,
        "anode_thickness_charged_um": t_a_ch * 1e4,
        "anode_thickness_eol_um": t_a_eol * 1e4,
        "anode_thickness_change_charged": eps_top,
        "anode_porosity": ano["porosity"] + 0 * q_cell,
        "anode_press_density_g_cm3": ano["mass"] / t_c,
        "anode_active_volume_fraction": phi_act,
        "cathode_press_density_g_cm3": cat["mass"] / cat["thickness"],
        "electrolyte_g_per_Ah": (m_el / (q_cell * 1e-3)) if not solid else 0 * q_cell,
        "capacity_Ah": cap_Ah,
        "energy_Wh": energy_Wh,
        "mass_g": total_mass,
        "volume_charged_cm3": vol_ch,
        "volume_discharged_cm3": vol_dis,
        "free_volume_cm3": free_vol,
        "specific_energy_Wh_kg": energy_Wh / total_mass * 1e3,
        "energy_density_Wh_L": energy_Wh / vol_ch * 1e3,
        "energy_density_unswollen_Wh_L": energy_Wh / vol_dis * 1e3,
        "energy_density_eol_Wh_L": whl_eol,
        "li_plating_risk": (plating_margin < -1e-12).astype(float),
    }
    inputs = {"cathode_loading_mg_cm2": m_c, "np_ratio": npr}
    notes.append(f"N/P basis: {np_basis} ("
                 + ("anode reversible / cathode reversible capacity" if np_basis == "reversible"
                    else "anode first-lithiation / cathode first-charge capacity") + ")")
    return CellResult(values, mass, volume, notes, inputs)
