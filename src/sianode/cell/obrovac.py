"""The seeds' own cell models: Obrovac's stack energy model and the 001 anode-capacity/cell-energy relation.

1. Stack volumetric energy of Obrovac & Chevrier (Chem. Rev. 114 (2014) 11444), as used in seeds/002
   §3.2 Eq. 2::

       U_R = 58327.5 Ah/L / (70 + 110 (1 + 583.275 Ah/L / Q-)) * (3.9 V - V-_ave)

   Q- is the anode's reversible volumetric capacity (Ah/L of coating) and V-_ave its average
   delithiation voltage. The constants decompose exactly into a stack of (per unit area)
   ``Qc = 583.275 Ah/L`` cathode coating of ``Lc = 100 um`` (a LiCoO2-like positive at 3.9 V),
   ``80 um`` of inactive layers (current collectors + separators) and an anode sized with N/P = 1.1::

       U_R = Qc Lc (Vc - V-) / (L_inactive + Lc + NP Lc Qc / Q-)

   since 70 + 110 (1 + 583.275/Q) = (80 + 100) + 1.1 * 100 * 583.275 / Q. (The split of the 180 um
   between cathode and inactive layers is not given in the seeds; only the sum matters for U_R.)
   seeds/002 reports ~726 Wh/L for graphite.

2. seeds/001 §4: in an NCM811 pouch cell, Si–C anodes of 450, 550 and 800 mAh/g raise the cell to
   295, 310 and 330 Wh/kg -- used as a check of the full model's trend (relative gain 450 -> 800).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sianode.errors import InputError
from sianode.provenance import Parameter

OBROVAC_002 = {
    "q_cathode_Ah_L": Parameter(583.275, "Ah/L", "seeds/002 §3.2 Eq. 2 (Obrovac & Chevrier, Chem. Rev. 2014)"),
    "l_cathode_um": Parameter(100.0, "um", "seeds/002 Eq. 2: 58327.5 = 583.275 x 100"),
    "l_inactive_um": Parameter(80.0, "um", "seeds/002 Eq. 2: 70 + 110 = 180 = 80 inactive + 100 cathode"),
    "np_ratio": Parameter(1.1, "-", "seeds/002 Eq. 2: 110 = 1.1 x 100"),
    "v_cathode_V": Parameter(3.9, "V", "seeds/002 Eq. 2"),
}
GRAPHITE_STACK_WH_L_002 = Parameter(726.0, "Wh/L", "seeds/002 §3.2 (theoretical energy density of graphite ~726 Wh/L)")

ANODE_CAPACITY_VS_CELL_001 = pd.DataFrame({
    "anode_capacity_mAh_g": [450.0, 550.0, 800.0],
    "cell_specific_energy_Wh_kg": [295.0, 310.0, 330.0],
    "source": ["seeds/001 §4 (NCM811 soft-pack cell)"] * 3,
})


def obrovac_stack_energy_Wh_L(q_anode_Ah_L, v_anode_V, *, q_cathode_Ah_L=583.275, l_cathode_um=100.0,
                              l_inactive_um=80.0, np_ratio=1.1, v_cathode_V=3.9):
    """Stack volumetric energy (Wh/L) of Obrovac & Chevrier (2014), seeds/002 Eq. 2 (vectorised).

    ``U_R = Qc Lc (Vc - V-) / (L_inactive + Lc + NP Lc Qc / Q-)``; defaults are the constants of Eq. 2.
    """
    q = np.asarray(q_anode_Ah_L, dtype=float)
    v = np.asarray(v_anode_V, dtype=float)
    if np.any(q <= 0) or np.any(~np.isfinite(q)):
        raise InputError(f"anode volumetric capacity must be > 0 Ah/L, got {q_anode_Ah_L!r}", field="q_anode_Ah_L")
    if np.any(v >= v_cathode_V):
        raise InputError("anode voltage must be below the cathode voltage", field="v_anode_V")
    out = q_cathode_Ah_L * l_cathode_um * (v_cathode_V - v) / (
        l_inactive_um + l_cathode_um + np_ratio * l_cathode_um * q_cathode_Ah_L / q)
    return out if out.ndim else float(out)


def obrovac_capacity_for_energy_Ah_L(target_Wh_L, v_anode_V, **kw):
    """Inverse of Eq. 2: the anode volumetric capacity (Ah/L) needed for a target stack energy."""
    p = {k: v.value for k, v in OBROVAC_002.items()}
    p.update(kw)
    u = np.asarray(target_Wh_L, dtype=float)
    num = p["q_cathode_Ah_L"] * p["l_cathode_um"] * (p["v_cathode_V"] - np.asarray(v_anode_V)) / u
    rest = num - p["l_inactive_um"] - p["l_cathode_um"]
    if np.any(rest <= 0):
        raise InputError("target energy is above what an anode of infinite capacity gives", field="target_Wh_L")
    return p["np_ratio"] * p["l_cathode_um"] * p["q_cathode_Ah_L"] / rest


def graphite_reference_inputs(active_volume_fraction: float = 0.70):
    """Q- (Ah/L, lithiated coating) and V-_ave (V) of a graphite coating from the materials stage.

    Q- = 372 mAh/g (LiC6, :data:`sianode.materials.voltage.GRAPHITE_CAPACITY_MAH_G`) x 2.26 g/cm3 x
    active volume fraction / (1 + LiC6 expansion); V-_ave = mean of the pure-graphite OCP (sianode.graphite,
    Verbrugge et al. 2017) over sto 0..1. ``active_volume_fraction`` = 0.70 is a typical calendered graphite coating (about 25 %
    porosity and 5 % binder/carbon by volume) -- an assumption, stated in the docs.
    """
    from sianode.materials.composites import CARBON_PARAMETERS
    from sianode.materials.voltage import GRAPHITE_CAPACITY_MAH_G, graphite_ocv_V

    rho = CARBON_PARAMETERS["graphite_density_g_cm3"].value
    e = CARBON_PARAMETERS["graphite_expansion_LiC6"].value
    q = GRAPHITE_CAPACITY_MAH_G * rho * active_volume_fraction / (1 + e)
    s = (np.arange(400) + 0.5) / 400
    v = float(np.mean(graphite_ocv_V(s)))
    return float(q), v


#: The documented "typical NMC811 pouch" used for the seeds/001 trend check (design assumptions):
#: NCM811 20 mg/cm2 active per side (~4 mAh/cm2), N/P 1.1 (reversible), default large pouch of
#: :class:`sianode.cell.formats.PouchFormat`, default coatings and electrolyte of
#: :mod:`sianode.cell.stack`, first-cycle loss compensated with Li ("compensating for Li+ in the
#: graphite anode", seeds/001 §4) by an automatic thin-Li-layer dose.
TYPICAL_NCM811_POUCH_001 = dict(cathode_loading_mg_cm2=20.0, np_ratio=1.1, np_basis="reversible",
                                cell_format="pouch", prelithiation="thin_li_layer", dose_mAh_cm2="auto")


def anode_capacity_trend(capacities_mAh_g=(450.0, 550.0, 800.0), si_material=None, **overrides) -> pd.DataFrame:
    """Cell Wh/kg of the typical NCM811 pouch vs anode capacity (seeds/001 §4 relation, one vectorised call).

    The anode is artificial graphite blended with a Si material (default: the schema's default CVD Si–C,
    both from the materials stage), the Si fraction chosen so the blend reaches each capacity.
    """
    from sianode.cell.anode import anode_from_composite, two_component
    from sianode.cathodes import get_cathode
    from sianode.cell.stack import cell_model
    from sianode.design.schema import CVDSiC, SiGraphiteBlend
    from sianode.materials.composites import composite_properties

    props = composite_properties(SiGraphiteBlend(si_fraction=0.5, silicon=si_material or CVDSiC()))
    comps = anode_from_composite(props).components
    si = [c for c in comps if "graphite" not in c.name][0]
    g = [c for c in comps if "graphite" in c.name][0]
    q = np.asarray(capacities_mAh_g, dtype=float)
    if np.any(q < g.reversible_capacity_mAh_g) or np.any(q > si.reversible_capacity_mAh_g):
        raise InputError(f"capacities must lie between graphite ({g.reversible_capacity_mAh_g:.0f}) and the Si "
                         f"material ({si.reversible_capacity_mAh_g:.0f} mAh/g)", field="capacities_mAh_g")
    f = (q - g.reversible_capacity_mAh_g) / (si.reversible_capacity_mAh_g - g.reversible_capacity_mAh_g)
    kw = {**TYPICAL_NCM811_POUCH_001, **overrides}
    r = cell_model(get_cathode("NCM811"), two_component(g, si, f), **kw)
    df = pd.DataFrame({"anode_capacity_mAh_g": q, "si_material_fraction": f,
                       "model_Wh_kg": np.asarray(r.values["specific_energy_Wh_kg"]),
                       "model_Wh_L": np.asarray(r.values["energy_density_Wh_L"])})
    ref = ANODE_CAPACITY_VS_CELL_001.set_index("anode_capacity_mAh_g")["cell_specific_energy_Wh_kg"]
    df["seed_001_Wh_kg"] = [ref.get(x, np.nan) for x in q]
    return df
