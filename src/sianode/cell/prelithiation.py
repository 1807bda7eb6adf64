"""Prelithiation: the Li dose that compensates the anode's extra first-cycle loss, and its cost in mass.

First-cycle lithium bookkeeping and the automatic dose: one definition for every stage,
:mod:`sianode.electrode.formation` (the anode binds its fixed irreversible capacity, the cathode can take
back only its reversible capacity, the "auto" dose makes the anode's loss no larger than the cathode's
own: ``D_auto = max(0, Qa_irr - (Qc_ch - Qc_rev))``; Li the anode cannot hold plates as dead Li metal).
This module says how a dose is delivered and what it costs in mass. Li mass: 1 mAh = 3.6 C =
3.6 / F mol Li -> 0.259 mg Li per mAh (:data:`sianode.constants.MG_LI_PER_MAH`, computed from F and M_Li).

Methods (seeds/000 §4.2.3): Li foil (contact; residual Li removed), thin Li layer, stabilised Li
metal powder (SLMP, Li with a Li2CO3 shell), chemical prelithiation, and cathode sacrificial
additives Li5FeO4 (LFO: Li5FeO4 -> LiFeO2 + 4 Li+ + 4 e- + O2 below 4.0 V vs Li/Li+, whose LiFeO2
residue stays in the cathode as dead mass) and Li2NiO2 (-> LiNiO2 + Li+ + e-; residue counted as
inactive, a conservative simplification).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sianode.constants import FARADAY_C_MOL, M_LI_G_MOL, MG_LI_PER_MAH  # noqa: F401  (0.2590 mg Li per mAh)
from sianode.errors import InputError
from sianode.provenance import Parameter
_M_FE, _M_O, _M_NI = 55.845, 15.999, 58.693  # IUPAC
_M_LFO = 5 * M_LI_G_MOL + _M_FE + 4 * _M_O
_M_LIFEO2 = M_LI_G_MOL + _M_FE + 2 * _M_O
_M_LNO2 = 2 * M_LI_G_MOL + _M_NI + 2 * _M_O
_M_LNO = M_LI_G_MOL + _M_NI + 2 * _M_O
_MAH_PER_MOL = FARADAY_C_MOL / 3.6

# Li utilisation of contact prelithiation (DMC-derived mixed conducting interphase): seeds/001 §3.4
LI_UTILISATION = Parameter(0.928, "-", "seeds/001 §3.4 (Zhang et al.: 92.8 % Li source utilisation, contact prelithiation)",
                           note="applied to all Li-metal routes unless overridden")


@dataclass(frozen=True)
class PrelithiationMethod:
    """How a dose is delivered and what it leaves behind.

    capacity_mAh_g      : Li delivered per gram of source material.
    residue_frac        : mass fraction of the source that stays in the cell as inactive material.
    in_cathode          : the source is mixed into the cathode coating (sacrificial additive).
    density_g_cm3       : density of the source (for cathode-coating volume).
    utilisation         : fraction of the source's Li that reaches the anode.
    unused_stays        : unreacted source remains in the cell (thin Li layer, SLMP) or is removed (foil).
    """

    name: str
    capacity_mAh_g: float
    residue_frac: float
    in_cathode: bool
    density_g_cm3: float
    utilisation: float
    unused_stays: bool
    source: str


_LI_CAP = 1000.0 / MG_LI_PER_MAH  # 3861 mAh/g for Li metal

METHODS: dict[str, PrelithiationMethod] = {
    "none": PrelithiationMethod("none", _LI_CAP, 0.0, False, 0.534, 1.0, False, "no prelithiation"),
    "li_foil": PrelithiationMethod(
        "li_foil", _LI_CAP, 0.0, False, 0.534, LI_UTILISATION.value, False,
        "seeds/000 §4.2.3 (direct contact with Li foil; residual Li removed); Li density 0.534 g/cm3 (CRC)"),
    "thin_li_layer": PrelithiationMethod(
        "thin_li_layer", _LI_CAP, 0.0, False, 0.534, LI_UTILISATION.value, True,
        "seeds/000 §4.2.3 (thinned Li layer; unreacted Li stays); utilisation seeds/001 §3.4"),
    "slmp": PrelithiationMethod(
        "slmp", _LI_CAP * 0.97, 0.03, False, 0.534, LI_UTILISATION.value, True,
        "SLMP: Li particles with ~3 wt% Li2CO3 shell (Forney, Ganter, Staub, Ridgley & Landi, Nano Lett. 13 "
        "(2013) 4158); utilisation seeds/001 §3.4"),
    "chemical": PrelithiationMethod(
        "chemical", _LI_CAP, 0.0, False, 0.534, 1.0, False,
        "seeds/000 §4.2.3 (chemical prelithiation reagents; only the Li that enters the anode is counted)"),
    "li5feo4": PrelithiationMethod(
        "li5feo4", 4 * _MAH_PER_MOL / _M_LFO, _M_LIFEO2 / _M_LFO, True,
        # X-ray density: Pbca, a = 9.218, b = 9.213, c = 9.172 Å, Z = 8 (Johnson et al., Chem. Mater. 22 (2010) 1263)
        8 * _M_LFO / (6.02214076e23 * 9.218 * 9.213 * 9.172 * 1e-24), 1.0, True,
        "seeds/000 §4.2.3 (Li5FeO4 sacrificial cathode additive, decomposes below 4.0 V); 4 Li per formula "
        "(Li5FeO4 -> LiFeO2 + 4Li + O2; Johnson et al., Chem. Mater. 22 (2010) 1263); LiFeO2 residue inactive"),
    "li2nio2": PrelithiationMethod(
        "li2nio2", 1 * _MAH_PER_MOL / _M_LNO2, _M_LNO / _M_LNO2, True, 4.5, 1.0, True,
        "Li2NiO2 -> LiNiO2 + Li (1 Li per formula, stoichiometry); residue counted as inactive (conservative); "
        "density 4.5 g/cm3 approximate (layered nickelate)"),
}


def get_method(name: str, utilisation: float | None = None) -> PrelithiationMethod:
    if name not in METHODS:
        raise InputError(f"unknown prelithiation method {name!r}; allowed: {sorted(METHODS)}",
                         field="cell.prelithiation.method")
    m = METHODS[name]
    if utilisation is not None:
        if not (0 < utilisation <= 1):
            raise InputError("utilisation must be in (0, 1]", field="cell.prelithiation.utilisation")
        from dataclasses import replace
        m = replace(m, utilisation=float(utilisation))
    return m


def source_mass_mg_cm2(method: PrelithiationMethod, dose_mAh_cm2):
    """Mass of source material needed (mg/cm2) for a dose that reaches the anode."""
    d = np.asarray(dose_mAh_cm2, dtype=float)
    return d / method.utilisation / method.capacity_mAh_g * 1000.0


def mass_in_cell_mg_cm2(method: PrelithiationMethod, dose_mAh_cm2):
    """What the dose adds to the cell's mass (mg/cm2), split into Li that reaches the anode and dead mass.

    Returns (li_in_anode, dead_mass): Li in the anode is 0.259 mg/mAh x dose for every method; dead mass is
    the additive residue (LFO -> LiFeO2, SLMP shell) plus unreacted Li that stays in the cell.
    """
    d = np.asarray(dose_mAh_cm2, dtype=float)
    li = d * MG_LI_PER_MAH
    if method.name == "none":
        return 0.0 * d, 0.0 * d
    src = source_mass_mg_cm2(method, d)
    if method.in_cathode:
        dead = src * method.residue_frac  # e.g. LiFeO2 left after Li5FeO4 -> LiFeO2 + 4 Li + O2 (gas vented)
    else:
        unused = src * method.capacity_mAh_g * (1 - method.utilisation) / _LI_CAP  # Li not transferred
        dead = (unused if method.unused_stays else 0.0 * d) + src * method.residue_frac
    return li, dead
