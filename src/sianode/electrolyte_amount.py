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

import numpy as np

from sianode.cathodes import design_cathode
from sianode.electrode.coating import STACK_DEFAULT_VALUES, anode_coating, cathode_coating, coating_pores
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
    """E/C of ``design`` (module docstring): :func:`design_electrolytes` of one design.

    ``envelope_density_g_cm3``: the anode active material's envelope density (materials stage);
    loadings from :func:`sianode.electrode.loading.full_cell_loadings`; ``capacity_mAh_cm2``: the
    delivered first-cycle capacity (full cell, :func:`sianode.electrode.formation.formation`) or the
    anode's reversible areal capacity (half cell).
    """
    return design_electrolytes([design], [envelope_density_g_cm3], [anode_mg_cm2], [cathode_mg_cm2],
                               [capacity_mAh_cm2])[0]


def design_electrolytes(designs, envelope_density_g_cm3, anode_mg_cm2, cathode_mg_cm2,
                        capacity_mAh_cm2, anode_geometries=None, cathode_coatings=None) -> list[ElectrolyteAmount]:
    """:func:`design_electrolyte` of many designs (one value per design in each sequence; the cathode loading
    None for half cells): the coatings' geometry in one array call per coating formulation
    (:func:`sianode.electrode.coating.coating_pores`), the rest elementwise. A design's numbers are those it has
    alone; an invalid design raises its own error.

    ``anode_geometries``: the caller's :class:`~sianode.electrode.coating.AnodeGeometry` of each design, or None
    (e.g. the materials stage's ``extras["anode_geometry"]``): one at this design's loading and envelope density is
    read, not solved again (the same numbers); the others are solved here. ``cathode_coatings``: the caller's
    :func:`~sianode.electrode.coating.cathode_coating` of each design (None for a half cell), or None: built here."""
    d = STACK_DEFAULT_VALUES
    rho_a = np.array(envelope_density_g_cm3, dtype=float)
    m_a = np.array(anode_mg_cm2, dtype=float)
    full = np.array([x.cell.kind == "full" for x in designs])
    # anode pores (cm3/cm2): porosity x thickness in um x 1e-4, as the anode's geometry reports them
    por, thick_um = _anode_pores(designs, m_a, rho_a, anode_geometries)
    v_pore = por * thick_um * 1e-4
    if full.any():
        fi = np.flatnonzero(full)
        fd = [designs[i] for i in fi]
        coats = [cathode_coating(x) for x in fd] if cathode_coatings is None else [cathode_coatings[i] for i in fi]
        c_por, c_thick = coating_pores(coats, np.array([cathode_mg_cm2[i] for i in fi], dtype=float),
                                       np.array([design_cathode(x).density_g_cm3 for x in fd], dtype=float),
                                       "cathode")
        v_pore[fi] = v_pore[fi] + c_por * c_thick
    t_s = np.array([(d["separator_um"] if x.cell.separator_um is None else x.cell.separator_um) if f
                    else d["coin_separator_um"] for x, f in zip(designs, full)], dtype=float) * 1e-4
    eps_s = np.array([(d["separator_porosity"] if x.cell.separator_porosity is None else x.cell.separator_porosity)
                      if f else d["coin_separator_porosity"] for x, f in zip(designs, full)], dtype=float)
    v_pore = v_pore + eps_s * t_s
    rho_el = np.array([d["electrolyte_density_g_cm3"] if x.cell.electrolyte_density_g_cm3 is None
                       else x.cell.electrolyte_density_g_cm3 for x in designs], dtype=float)
    q = np.array([float(c) for c in capacity_mAh_cm2], dtype=float)
    fill = (v_pore * rho_el / (q * 1e-3)).tolist()  # g/Ah
    out = []
    for i, x in enumerate(designs):
        c, qi = x.cell, float(q[i])
        if x.electrolyte.kind == "solid":
            out.append(ElectrolyteAmount(float("inf"), fill[i], 0.0, qi,
                                         "solid electrolyte: no liquid (dry-out does not apply)"))
            continue
        excess = d["electrolyte_margin"] if c.electrolyte_excess is None else c.electrolyte_excess
        if c.ec_ratio_g_Ah is not None:
            ec, src = float(c.ec_ratio_g_Ah), "cell.ec_ratio_g_Ah"
        elif full[i]:
            ec = fill[i] * (1 + excess)
            src = (f"pores of anode, cathode and separator + {100 * excess:g} % excess "
                   "(sianode.electrolyte_amount)")
        else:
            ec, src = float(HALF_CELL_EC_G_AH), HALF_CELL_EC_G_AH.source
        out.append(ElectrolyteAmount(float(ec), fill[i], float(ec * qi), qi, src))
    return out


def _anode_pores(designs, m_a, rho_a, geometries):
    """(porosity, thickness in um) of each design's anode coating at loadings ``m_a`` and envelope densities
    ``rho_a``: read from ``geometries`` where one is at that loading and density, the rest from
    :func:`sianode.electrode.coating.coating_pores` (thickness cm x 1e4, as ``AnodeGeometry.thickness_um``)."""
    por, thick_um = np.empty(len(designs)), np.empty(len(designs))
    todo = []
    for i, (g, m, rho) in enumerate(zip(geometries or [None] * len(designs), m_a.tolist(), rho_a.tolist())):
        if g is not None and g.loading_mg_cm2 == m and g.envelope_density_g_cm3 == rho:
            por[i], thick_um[i] = g.porosity, g.thickness_um
        else:
            todo.append(i)
    if todo:
        p, t = coating_pores([anode_coating(designs[i]) for i in todo], m_a[todo], rho_a[todo], "electrode")
        por[todo], thick_um[todo] = p, t * 1e4
    return por, thick_um
