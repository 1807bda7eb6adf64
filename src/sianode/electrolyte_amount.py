"""How much electrolyte a design holds (E/C, g per Ah): one value per design, read by life and cell.

What is modelled
----------------
Full cells (liquid or gel electrolyte): unless the design gives ``cell.ec_ratio_g_Ah``, the cell is
filled to its pore volume plus an excess (BatPaC practice; ``cell.electrolyte_excess`` and
``cell.electrolyte_density_g_cm3``, defaults in :data:`sianode.electrode.coating.STACK_DEFAULTS`)::

    V_pore = eps_a t_a + eps_c t_c + eps_s t_s         (per cm2 of one electrode pair)
    m_el   = V_pore (1 + margin) rho_el                 E/C = m_el / Q_cell

with the anode coating of the design (:func:`sianode.electrode.coating.anode_geometry`), the design's
cathode coating (:func:`sianode.electrode.coating.cathode_coating`) at its cathode loading, the design's
(or default) separator and ``Q_cell`` the
delivered first-cycle capacity (:func:`sianode.electrode.formation.formation`). The pore-filling amount
without margin, ``V_pore rho_el / Q_cell``, is the least electrolyte that keeps every pore wetted; the
life stage uses it as the dry-out threshold (seeds/003 §4.2: electrolyte depletion).

Half cells (coin cell vs Li metal): flooded, :data:`HALF_CELL_EC_G_AH` unless the design gives a value;
the wetting threshold is the anode and coin-separator pore volume over the anode's reversible capacity.

Solid electrolytes: no liquid, E/C = inf (dry-out does not apply).

Simplification: a sacrificial cathode additive's own pores are not counted (a few % of the cathode
pore volume at most).
"""
from __future__ import annotations

from dataclasses import dataclass

from sianode.cathodes import design_cathode
from sianode.electrode.coating import STACK_DEFAULTS, anode_geometry, cathode_coating, coating_geometry
from sianode.provenance import Parameter

HALF_CELL_EC_G_AH = Parameter(40.0, "g/Ah", "flooded coin half cell (~70 uL electrolyte on ~2 mAh)",
                              "assumed design value")


@dataclass(frozen=True)
class ElectrolyteAmount:
    """Electrolyte of a design: E/C, the pore-filling amount, the mass per area and where they come from."""

    ec_ratio_g_Ah: float
    pore_fill_g_Ah: float
    mass_mg_cm2: float
    capacity_mAh_cm2: float
    source: str


def design_electrolyte(design, envelope_density_g_cm3: float, anode_mg_cm2: float, cathode_mg_cm2: float | None,
                       capacity_mAh_cm2: float) -> ElectrolyteAmount:
    """E/C of ``design`` (module docstring).

    ``envelope_density_g_cm3``: the anode active material's envelope density (materials stage);
    loadings from :func:`sianode.electrode.loading.full_cell_loadings`; ``capacity_mAh_cm2``: the
    delivered first-cycle capacity (full cell, :func:`sianode.electrode.formation.formation`) or the
    anode's reversible areal capacity (half cell).
    """
    d = {k: v.value for k, v in STACK_DEFAULTS.items()}
    c = design.cell
    rho_el = d["electrolyte_density_g_cm3"] if c.electrolyte_density_g_cm3 is None else c.electrolyte_density_g_cm3
    excess = d["electrolyte_margin"] if c.electrolyte_excess is None else c.electrolyte_excess
    ano = anode_geometry(design, envelope_density_g_cm3, anode_mg_cm2)
    v_pore = ano.porosity * ano.thickness_um * 1e-4  # cm3 per cm2
    if c.kind == "full":
        cath = design_cathode(design)
        cg = coating_geometry(cathode_coating(design), cathode_mg_cm2, cath.density_g_cm3, where="cathode")
        v_pore += float(cg["porosity"] * cg["thickness"])
        t_s = (d["separator_um"] if c.separator_um is None else c.separator_um) * 1e-4
        eps_s = d["separator_porosity"] if c.separator_porosity is None else c.separator_porosity
    else:
        t_s, eps_s = d["coin_separator_um"] * 1e-4, d["coin_separator_porosity"]
    v_pore += eps_s * t_s
    q = float(capacity_mAh_cm2)
    fill = v_pore * rho_el / (q * 1e-3)  # g/Ah
    if design.electrolyte.kind == "solid":
        return ElectrolyteAmount(float("inf"), fill, 0.0, q, "solid electrolyte: no liquid (dry-out does not apply)")
    if c.ec_ratio_g_Ah is not None:
        ec, src = float(c.ec_ratio_g_Ah), "cell.ec_ratio_g_Ah"
    elif c.kind == "full":
        ec = fill * (1 + excess)
        src = (f"pores of anode, cathode and separator + {100 * excess:g} % excess "
               "(sianode.electrolyte_amount)")
    else:
        ec, src = float(HALF_CELL_EC_G_AH), HALF_CELL_EC_G_AH.source
    return ElectrolyteAmount(float(ec), float(fill), float(ec * q), q, src)
