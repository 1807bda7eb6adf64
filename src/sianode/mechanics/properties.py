"""Mechanical properties of coatings and binders, and the legacy LixSi parameter view.

LixSi properties live in :mod:`sianode.mechanics.lisi_law` (one law: E(x), nu(x), flow stress in
tension/compression vs x, fracture energy vs x, each with its source). ``LISI`` below is a read-only
view of that law for callers that want scalar values: ``yield_stress`` is the tensile flow stress
(1 GPa, Sethuraman et al. 2010), ``nu`` the Si value, ``fracture_energy`` the Li-rich (~Li2.8Si) value.
"""
from __future__ import annotations

import numpy as np

from sianode.errors import InputError
from sianode.mechanics import lisi_law
from sianode.provenance import Parameter

_L = lisi_law.LAW
LISI: dict[str, Parameter] = {
    "E_host_amorphous": _L["E_host_amorphous"],
    "E_host_crystalline": _L["E_host_crystalline"],
    "E_Li375Si": _L["E_Li375Si"],
    "nu": _L["nu_Si"],
    "nu_Si": _L["nu_Si"],
    "yield_stress": Parameter(_L["flow_tension"].value, "Pa", _L["flow_tension"].source,
                              note="scalar view; the law is x- and stress-sign dependent (lisi_law.flow_stress)"),
    "fracture_energy": _L["fracture_energy_x2.8"],
    "fracture_energy_low_x": _L["fracture_energy_x0.7"],
}

# Outer / pore-wall coatings: Young's modulus and Poisson ratio (assumed not to lithiate).
COATINGS: dict[str, tuple[Parameter, Parameter]] = {
    "carbon": (Parameter(30e9, "Pa", "glassy/pyrolytic carbon 20–35 GPa (HTW Sigradur G data; Iwashita et al., Carbon 42 (2004) 701)"),
               Parameter(0.20, "-", "glassy carbon ~0.15–0.2 (HTW data)")),
    "SiOx/C": (Parameter(45e9, "Pa", "Voigt–Reuss mean of fused silica (72 GPa, Corning 7980) and carbon (30 GPa), 50/50",
                         note="composite estimate"),
               Parameter(0.19, "-", "mean of silica 0.17 and carbon 0.2")),
    "SiOx": (Parameter(72e9, "Pa", "fused silica, Corning 7980 data sheet"), Parameter(0.17, "-", "Corning 7980")),
    "SiC": (Parameter(410e9, "Pa", "Munro, J. Phys. Chem. Ref. Data 26 (1997) 1195 (alpha-SiC)"), Parameter(0.14, "-", "Munro 1997")),
    "Al2O3": (Parameter(170e9, "Pa", "Tripp et al., Sens. Actuators A 130 (2006) 419 (ALD alumina)"), Parameter(0.24, "-", "Tripp 2006")),
    "TiO2": (Parameter(150e9, "Pa", "ALD/anatase films ~140–170 GPa (Borgese et al., Thin Solid Films 2012)"), Parameter(0.27, "-", "typical")),
    "polymer": (Parameter(3e9, "Pa", "glassy polymer coating ~1–4 GPa (Polymer Handbook 1999)"), Parameter(0.35, "-", "typical polymer")),
}

# Binders: Young's modulus and a strength (damage threshold) where known.
BINDERS: dict[str, Parameter] = {
    "CMC": Parameter(12.01e9, "Pa", "seeds/002 §3.1 (Na-CMC ~12.01 GPa, their ref 44)"),
    "CMC/SBR": Parameter(12.01e9, "Pa", "seeds/002 §3.1 (CMC dominates the stiffness)", note="SBR softer; CMC value kept"),
    "PAA": Parameter(4.0e9, "Pa", "Magasinski et al., ACS Appl. Mater. Interfaces 2 (2010) 3004 (PAA ~4 GPa)"),
    "LiPAA": Parameter(4.0e9, "Pa", "as PAA (Magasinski 2010)"),
    "alginate": Parameter(5.0e9, "Pa", "Kovalenko et al., Science 334 (2011) 75 (alginate ~5 GPa vs CMC)"),
    "PVDF": Parameter(1.0e9, "Pa", "Kovalenko et al., Science 334 (2011) 75 (PVDF ~1 GPa in electrolyte)"),
    "PI": Parameter(3.0e9, "Pa", "Kapton data sheet ~2.5–3 GPa"),
    "other": Parameter(3.0e9, "Pa", "generic polymer binder", note="assumed"),
}


def lisi_young_modulus(x, host: str = "amorphous"):
    """Young's modulus of LixSi, Pa (delegates to :func:`sianode.mechanics.lisi_law.young_modulus`)."""
    return lisi_law.young_modulus(x, host)


def coating_moduli(material: str) -> tuple[float, float]:
    """(E, nu) of a coating material named as in the design schema."""
    try:
        e, nu = COATINGS[material]
    except KeyError:
        raise InputError(f"unknown coating material {material!r}; allowed: {sorted(COATINGS)}",
                         field="coatings.material") from None
    return e.value, nu.value


def check_moduli(**moduli: float) -> None:
    """Raise InputError naming the field when a modulus is not positive or a Poisson ratio is outside (-1, 0.5)."""
    for name, v in moduli.items():
        v = np.asarray(v, dtype=float)
        if name.startswith("nu"):
            if np.any(~np.isfinite(v)) or np.any(v <= -1.0) or np.any(v >= 0.5):
                raise InputError(f"Poisson ratio must be in (-1, 0.5), got {v}", field=name)
        elif np.any(~np.isfinite(v)) or np.any(v <= 0):
            raise InputError(f"modulus must be positive and finite, got {v}", field=name)
