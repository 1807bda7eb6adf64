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

Swelling and the four states of the cell (each with its envelope volume, :mod:`sianode.cell.formats`):

* **as made** (discharged, after formation): anode ``t_a``;
* **charged**: ``t_a,ch = t_a (1 + eps_t)``; ``eps_t`` from the mechanics stage when given
  (``anode_thickness_change`` at full lithiation, scaled by the anode's top-of-charge utilisation
  ``u = (R + Q_cell)/Qa_rev``), otherwise from the materials stage's particle expansion as
  ``eps_t = phi_active * e_particle * u * (1 - accommodation)`` (in-plane constrained electrode: all
  volume change goes into thickness; ``accommodation`` default 0, an upper bound);
* **swollen**: charged after ``eol_cycles`` of irreversible growth, ``t_a (1 + eps_t + N eps_irr)``
  (mechanics stage's ``irreversible_swelling_per_cycle``);
* **end of life**: the swollen cell delivering ``eol_energy_retention`` of its energy (life stage's
  capacity retention after the same cycles; the voltage fade is neglected).

Wh/L in each state is the BOL energy (EOL: faded) over that state's envelope; pouch cells grow with the
stack, cans are rigid (swelling eats free space; a roll that no longer fits is reported). The bill of
materials (:meth:`CellResult.bom`) lists every component's mass and volume so Wh/kg and Wh/L can be
checked by hand.

Simplifications: cathode breathing (a few % for NCM) is neglected; the electrolyte (pores mode)
fills the coating and separator pores plus a margin; the cathode is charged to its upper cut-off each
cycle. Masses are as assembled; plated Li (mass counted with the Li it came from) and dead Li metal
from a prelithiation overdose occupy volume on the anode. Voltage of plated Li: at the top of the first
charge the anode sits at 0 V vs Li/Li+ where Li plated (``anode_potential_top_of_charge_V``, the cell at
``U_c(0) - 0``); the plated Li is then taken as isolated (dead), so it adds no capacity and no voltage to
the discharge and excess prelithiation never raises Wh/kg or Wh/L.
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
from sianode.electrode.coating import (BINDER_DENSITY_G_CM3, CONDUCTIVE_DENSITY_G_CM3, STACK_DEFAULT_VALUES,  # noqa: E402,F401
                                       STACK_DEFAULTS,
                                       Coating, anode_coating_default, cathode_coating_default, coating_geometry,
                                       sse_density_g_cm3)
from sianode.electrode.formation import LI_METAL_UM_PER_MAH_CM2, auto_dose, formation  # noqa: E402
from sianode.electrode.scalars import anytrue, farray  # noqa: E402


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
    """Everything the cell model computed. ``values``, ``mass_g`` and ``volume_cm3`` are dicts of arrays.

    ``mass_g``/``volume_cm3``: the bill of materials (component -> mass, material volume as made; the
    empty-space rows have no mass), summing to the cell mass and envelope volume; ``geometry``: the
    format's dimensions (layer count, strip lengths, thickness per state).
    """

    values: dict[str, Any]
    mass_g: dict[str, Any]
    volume_cm3: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)
    geometry: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, k):
        return self.values[k]

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per design (arrays flattened after broadcasting)."""
        cols = {**self.inputs, **self.values, **{f"mass_{k}_g": v for k, v in self.mass_g.items()}}
        arrs = {k: np.asarray(v, dtype=float) for k, v in cols.items() if np.ndim(v) >= 0 and _numeric(v)}
        shape = np.broadcast_shapes(*(a.shape for a in arrs.values()))
        return pd.DataFrame({k: np.broadcast_to(a, shape).ravel() for k, a in arrs.items()})

    def breakdown(self, index=()) -> pd.DataFrame:
        """Bill of materials of one design (``index`` into batched results): component, material, mass, volume."""
        return bom_table(self.mass_g, self.volume_cm3, index)

    def bom(self, index=()) -> pd.DataFrame:
        """Alias of :meth:`breakdown`: the bill of materials of one design."""
        return self.breakdown(index)


#: What each bill-of-materials row is made of (for the table; empty-space rows say so).
MATERIALS = {
    "cathode_active": "cathode active material", "cathode_binder": "binder", "cathode_conductive": "conductive carbon",
    "cathode_sse": "solid electrolyte", "cathode_additive": "sacrificial prelithiation additive (as made)",
    "al_foil": "aluminium", "anode_active": "anode active material", "anode_binder": "binder",
    "anode_conductive": "conductive additive", "anode_sse": "solid electrolyte", "cu_foil": "copper",
    "prelithiation_li": "Li delivered to the anode (inside its particles: no own volume)",
    "prelithiation_residue": "dead Li metal / additive residue", "plated_li": "Li metal plated on the anode "
    "(mass counted with the Li it came from)", "separator": "polymer separator (skeleton)", "electrolyte": "liquid electrolyte",
    "pouch_film_nylon": "laminate: nylon", "pouch_film_al": "laminate: aluminium", "pouch_film_pp": "laminate: polypropylene",
    "tab_positive": "aluminium tab", "tab_negative": "Ni / Ni-plated Cu tab", "can": "can (steel or aluminium)",
    "header": "header: cap, CID, vent, gasket (lumped; volume = its region)",
    "lid_terminals": "lid, terminals, vent (lumped; volume = its region)", "stack_pressure_hardware": "end plates, bolts",
    "terminal_space": "empty: space around the tabs outside the body", "unfilled_pores": "empty: pores not filled",
    "free_space": "empty: pores not filled, headspace, seals, mandrel hole, clearances",
}


def bom_table(mass_g: dict, volume_cm3: dict, index=()) -> pd.DataFrame:
    """Tidy bill of materials of one design: component, material, mass_g, mass_pct, volume_cm3, volume_pct."""
    def pick(v, shape):
        return float(np.asarray(np.broadcast_to(np.asarray(v, dtype=float), shape))[index])

    shape = np.broadcast_shapes(*(np.shape(v) for v in (*mass_g.values(), *volume_cm3.values())))
    keys = list(dict.fromkeys([*mass_g, *volume_cm3]))
    order = {k: i for i, k in enumerate(MATERIALS)}
    keys.sort(key=lambda k: order.get(k, len(order)))
    rows = [{"component": k, "material": MATERIALS.get(k, k), "mass_g": pick(mass_g.get(k, 0.0), shape),
             "volume_cm3": pick(volume_cm3.get(k, 0.0), shape)} for k in keys]
    df = pd.DataFrame(rows)
    df["mass_pct"] = 100 * df["mass_g"] / df["mass_g"].sum()
    df["volume_pct"] = 100 * df["volume_cm3"] / df["volume_cm3"].sum()
    tot = pd.DataFrame([{"component": "total", "material": "cell (sum of the rows)", "mass_g": df["mass_g"].sum(),
                         "volume_cm3": df["volume_cm3"].sum(), "mass_pct": 100.0, "volume_pct": 100.0}])
    return pd.concat([df, tot], ignore_index=True)[["component", "material", "mass_g", "mass_pct", "volume_cm3",
                                                    "volume_pct"]]


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
               cell_format: Any = "pouch", format_overrides: dict | None = None,
               anode_thickness_change=None, irreversible_swelling_per_cycle=None, eol_cycles: int = 500,
               eol_energy_retention=None, swelling_accommodation=0.0, solid_state: SolidState | None = None,
               n_quad: int = 64) -> CellResult:
    """Full cell: bill of materials, capacity, voltage, Wh/kg and Wh/L as made, charged, swollen and at end of life.

    Every numeric argument may be a NumPy array (broadcast together) for vectorised sweeps; ``anode``
    may carry batched blend weights. See the module docstring for the equations.

    Parameters (units in the names; defaults and their sources in :data:`STACK_DEFAULTS`)
    ----------
    cathode, anode : cathode material and anode active blend.
    cathode_loading_mg_cm2 : cathode *active* loading per coated side.
    np_ratio, np_basis : N/P ratio and its basis ('reversible' or 'first_lithiation').
    electrolyte : 'pores' (pore volume x (1 + margin)) or 'ec_ratio' (``ec_ratio_g_Ah`` grams per Ah).
    prelithiation, dose_mAh_cm2 : method (see :mod:`sianode.cell.prelithiation`) and dose ('auto' or number).
    cell_format : 'pouch', '18650', '21700', '4680', 'cylindrical', 'prismatic', 'stack'/'coin' (per cm2,
        no packaging), or a format object of :mod:`sianode.cell.formats`; ``format_overrides`` change its fields.
    anode_thickness_change : fractional anode thickness change at full lithiation (mechanics stage);
        None -> estimated from the particle expansion.
    irreversible_swelling_per_cycle, eol_cycles : irreversible anode thickness growth (swollen state).
    eol_energy_retention : fraction of the energy left after ``eol_cycles`` (life stage); None -> 1.
    solid_state : :class:`SolidState` for all-solid-state cells (no liquid electrolyte).
    """
    notes: list[str] = []
    if np_basis not in ("reversible", "first_lithiation"):
        raise InputError(f"np_basis must be 'reversible' or 'first_lithiation', got {np_basis!r}", field="cell.np_basis")
    npr = farray(np_ratio)  # one design's float stays a NumPy scalar (sianode.electrode.scalars)
    if anytrue(~np.isfinite(npr)) or anytrue(npr <= 0):
        raise InputError(f"np_ratio must be > 0, got {np_ratio!r}", field="cell.np_ratio")
    if anytrue(npr < 1.0) and not allow_np_below_1:
        raise InputError(f"np_ratio {np.min(npr):g} < 1: the anode cannot take the cathode's lithium (Li plating); "
                         "use np_ratio >= 1 or set allow_np_below_1 = true", field="cell.np_ratio")
    m_c = farray(cathode_loading_mg_cm2)
    if anytrue(~np.isfinite(m_c)) or anytrue(m_c <= 0):
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
        if anytrue(dose < 0):
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
    th_top = np.clip(u_top, 0.0, 1.0)  # the anode at the top of the first charge, on the same branch
    # each design's top-of-charge point rides along as one more point of its charge branch (one call; each point
    # is inverted on its own in the design's row: the same numbers)
    th_ch = np.concatenate([th_a, np.broadcast_to(th_top, th_a.shape[:-1])[..., None]], axis=-1)
    u_ch = anode.delithiation_voltage_V(th_ch, branch="lithiation")
    u_a_ch, u_top_ch = u_ch[..., :-1], u_ch[..., -1]
    v_charge = np.mean(u_c - u_a_ch, axis=-1)
    # top of the first charge: Li metal on the anode pins it at the Li/Li+ potential (0 V) where Li plated;
    # that Li is then isolated (dead): it adds nothing to the discharge voltage or energy
    u_top_a = np.where(plated > 1e-12, 0.0, u_top_ch)
    e_area = q_cell * v_avg  # mWh/cm2

    # --- coatings
    add_src = source_mass_mg_cm2(method, dose) if method.in_cathode else 0.0 * dose
    cat = coating_geometry(cc, m_c, cathode.density_g_cm3, add_src, method.density_g_cm3, "cathode")
    ano = coating_geometry(ac, m_a, anode.density_g_cm3, 0.0, 1.0, "anode")
    li_mg, dead_mg = mass_in_cell_mg_cm2(method, dose)
    # dead mass of a Li-metal route is unreacted Li on the anode; of a cathode additive, residue in the cathode
    t_dead = (0.0 * dose if method.in_cathode else dead_mg * 1e-3 / _fmt.RHO["li"].value)

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
    t_li = t_plated + t_dead  # Li metal on the coating stays
    t_a = {"made": t_c + t_li, "charged": t_c * (1 + eps_top) + t_li,
           "swollen": t_c * (1 + eps_top + eol_cycles * irr) + t_li}
    t_a_eol_discharged = t_c * (1 + eol_cycles * irr) + t_li

    # --- separator and electrolyte
    d = STACK_DEFAULT_VALUES
    if solid:
        t_s = solid_state.separator_um * 1e-4
        eps_s = solid_state.separator_porosity
        rho_s = rho_sse
        m_el = 0.0 * q_cell
        rho_el = 1.0
        notes.append(f"solid-state cell: {solid_state.sse_class} SSE separator {solid_state.separator_um:g} um, "
                     "no liquid electrolyte; pores of the coatings left empty")
    else:
        t_s = (d["separator_um"] if separator_um is None else separator_um) * 1e-4
        eps_s = d["separator_porosity"] if separator_porosity is None else separator_porosity
        rho_s = d["separator_density_g_cm3"] if separator_density_g_cm3 is None else separator_density_g_cm3
        if anytrue(~((farray(eps_s) >= 0) & (farray(eps_s) < 1))):  # arrays too (a batch of designs)
            raise InputError(f"separator porosity must be in [0, 1), got {eps_s!r}", field="separator.porosity")
        rho_el = d["electrolyte_density_g_cm3"] if electrolyte_density_g_cm3 is None else electrolyte_density_g_cm3
        if electrolyte == "pores":
            margin = d["electrolyte_margin"] if electrolyte_margin is None else electrolyte_margin
            v_pore = cat["porosity"] * cat["thickness"] + ano["porosity"] * ano["thickness"] + eps_s * t_s
            m_el = v_pore * (1 + margin) * rho_el
        elif electrolyte == "ec_ratio":
            if ec_ratio_g_Ah is None or anytrue(np.asarray(ec_ratio_g_Ah) <= 0):
                raise InputError("electrolyte = 'ec_ratio' needs ec_ratio_g_Ah > 0", field="cell.ec_ratio_g_Ah")
            m_el = np.asarray(ec_ratio_g_Ah, dtype=float) * q_cell * 1e-3
        else:
            raise InputError(f"electrolyte must be 'pores' or 'ec_ratio', got {electrolyte!r}", field="cell.electrolyte")
    t_al, t_cu = cc.foil_um * 1e-4, ac.foil_um * 1e-4

    # --- the stack per cm2 -> the format's bill of materials
    z = 0 * q_cell
    m_tot_c, m_tot_a = cat["mass_active"] / cc.active_wt_frac, ano["mass_active"] / ac.active_wt_frac
    cathode_parts = {"active": cat["mass_active"] + z, "binder": m_tot_c * cc.binder_wt_frac + z,
                     "conductive": m_tot_c * cc.conductive_wt_frac + z}
    anode_parts = {"active": ano["mass_active"] + z, "binder": m_tot_a * ac.binder_wt_frac + z,
                   "conductive": m_tot_a * ac.conductive_wt_frac + z}
    if cc.sse_wt_frac > 0:
        cathode_parts["sse"] = m_tot_c * cc.sse_wt_frac + z
    if ac.sse_wt_frac > 0:
        anode_parts["sse"] = m_tot_a * ac.sse_wt_frac + z
    if method.in_cathode:
        cathode_parts["additive"] = add_src * 1e-3 + z  # the source as made (residue + Li + O2 after formation)
    rho = {"cathode_active": cathode.density_g_cm3, "cathode_binder": cc.binder_density_g_cm3,
           "cathode_conductive": cc.conductive_density_g_cm3, "cathode_sse": cc.sse_density_g_cm3,
           "cathode_additive": method.density_g_cm3, "anode_active": anode.density_g_cm3,
           "anode_binder": ac.binder_density_g_cm3, "anode_conductive": ac.conductive_density_g_cm3,
           "anode_sse": ac.sse_density_g_cm3}
    layers = _fmt.Layers(cathode=cathode_parts, anode=anode_parts, rho=rho, t_c=cat["thickness"] + z, t_a=t_a,
                         t_s=t_s + z, sep_porosity=eps_s, sep_density=rho_s, t_al=t_al, t_cu=t_cu,
                         electrolyte_per_pair=m_el + z, electrolyte_density=rho_el, q_pair=q_cell, e_pair=e_area)
    fmt = cell_format if not isinstance(cell_format, str) else _fmt.get_format(cell_format, **(format_overrides or {}))
    if not isinstance(cell_format, str) and format_overrides:
        fmt = _fmt._override(fmt, format_overrides, "cell.format")
    built = _fmt.build_cell(fmt, layers)
    notes += built["notes"]
    area = built["pair_area_cm2"] + z
    bom = built["bom"]
    mass = {k2: m for k2, (m, _) in bom.items()}
    volume = {k2: v for k2, (_, v) in bom.items()}
    # Li from prelithiation (inside the anode) and its dead part; plated Li: volume only (mass is where it came from)
    if prelithiation != "none":
        mass["prelithiation_li"] = li_mg * 1e-3 * area
        volume["prelithiation_li"] = 0.0 * area
        if not method.in_cathode:
            mass["prelithiation_residue"] = dead_mg * 1e-3 * area
            volume["prelithiation_residue"] = t_dead * area
        else:  # the additive's full mass sits in the coating as made; Li leaves it and O2 is vented on formation
            mass["cathode_additive"] = dead_mg * 1e-3 * area
    if anytrue(plated > 0):
        mass["plated_li"] = 0.0 * area
        volume["plated_li"] = t_plated * area
    if solid and (solid_state.hardware_mass_g or solid_state.hardware_volume_cm3):
        mass["stack_pressure_hardware"] = solid_state.hardware_mass_g + z
        volume["stack_pressure_hardware"] = solid_state.hardware_volume_cm3 + z
    # keep the volume balance exact: the empty-space row absorbs what the extra rows take
    hole = "free_space" if "free_space" in volume else "unfilled_pores"
    extra_v = sum(farray(volume[k2]) for k2 in ("prelithiation_li", "prelithiation_residue",
                                                                  "plated_li") if k2 in volume)
    extra_v = extra_v + (np.asarray(volume.get("cathode_additive", 0.0)) * 0.0)
    if method.in_cathode and "cathode_additive" in volume:  # residue volume at the additive's density
        v_before = np.asarray(volume["cathode_additive"], dtype=float)
        volume["cathode_additive"] = dead_mg * 1e-3 * area / method.density_g_cm3
        extra_v = extra_v + volume["cathode_additive"] - v_before
    volume[hole] = volume[hole] - extra_v
    hw_v = (solid_state.hardware_volume_cm3 if solid else 0.0)
    anode_area_ratio = np.asarray(built["anode_to_pair_area"], dtype=float)
    vols = {s: built["volume_cm3"][s] + hw_v + z for s in _fmt.STATES}
    total_mass = sum(farray(v) for v in mass.values())  # one design: a sum of NumPy scalars
    energy_Wh = e_area * area * 1e-3
    cap_Ah = q_cell * area * 1e-3
    ret = 1.0 if eol_energy_retention is None else np.asarray(eol_energy_retention, dtype=float)
    if eol_energy_retention is None:
        notes.append("end-of-life energy = beginning-of-life energy (no life stage: no fade)")

    values = {
        "cathode_first_charge_mAh_cm2": qc_ch,
        "cathode_reversible_mAh_cm2": qc_rev,
        "anode_loading_mg_cm2": m_a,
        "anode_reversible_mAh_cm2": qa_rev,
        "anode_first_lithiation_mAh_cm2": qa_first,
        "anode_ice": ice_a + z,
        "cathode_ice": cathode.ice + z,
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
        "anode_potential_top_of_charge_V": u_top_a + z,
        "cell_voltage_top_of_charge_V": cathode.charged_voltage_V() - u_top_a + z,
        "cathode_thickness_um": cat["thickness"] * 1e4,
        "cathode_porosity": cat["porosity"] + z,
        "anode_thickness_um": t_a["made"] * 1e4,
        "anode_coating_thickness_um": t_c * 1e4,
        "anode_thickness_charged_um": t_a["charged"] * 1e4,
        "anode_thickness_swollen_um": t_a["swollen"] * 1e4,
        "anode_thickness_eol_um": t_a_eol_discharged * 1e4,
        "anode_thickness_change_charged": eps_top,
        "anode_porosity": ano["porosity"] + z,
        "anode_press_density_g_cm3": ano["mass"] / t_c,
        "anode_active_volume_fraction": phi_act,
        "cathode_press_density_g_cm3": cat["mass"] / cat["thickness"],
        "electrolyte_g_per_Ah": (m_el / (q_cell * 1e-3)) if not solid else z,
        "electrode_pair_area_cm2": area,
        "capacity_Ah": cap_Ah,
        "energy_Wh": energy_Wh,
        "energy_eol_Wh": energy_Wh * ret,
        "eol_energy_retention": ret + z,
        "mass_g": total_mass,
        "volume_made_cm3": vols["made"],
        "volume_charged_cm3": vols["charged"],
        "volume_swollen_cm3": vols["swollen"],
        "swelling_volume_cm3": (t_a["swollen"] - t_a["made"]) * area * anode_area_ratio,
        "specific_energy_Wh_kg": energy_Wh / total_mass * 1e3,
        "specific_energy_eol_Wh_kg": energy_Wh * ret / total_mass * 1e3,
        "energy_density_made_Wh_L": energy_Wh / vols["made"] * 1e3,
        "energy_density_Wh_L": energy_Wh / vols["charged"] * 1e3,
        "energy_density_swollen_Wh_L": energy_Wh / vols["swollen"] * 1e3,
        "energy_density_eol_Wh_L": energy_Wh * ret / vols["swollen"] * 1e3,
        "li_plating_risk": (plating_margin < -1e-12).astype(float),
    }
    for g, v in built["geometry"].items():
        values[f"geometry_{g}"] = farray(v) + z
    inputs = {"cathode_loading_mg_cm2": m_c, "np_ratio": npr}
    notes.append(f"N/P basis: {np_basis} ("
                 + ("anode reversible / cathode reversible capacity" if np_basis == "reversible"
                    else "anode first-lithiation / cathode first-charge capacity") + ")")
    return CellResult(values, mass, volume, notes, inputs, built["geometry"])
