"""Mechanical properties of Li–Si, coatings and binders, each with its source.

Li–Si: Young's modulus falls almost linearly with Li content (elastic softening), from the
host value to ~12 GPa at Li3.75Si (nanoindentation, Hertzberg, Benson & Yushin, Electrochem.
Commun. 13 (2011) 818; DFT trend Shenoy, Johari & Qi, J. Power Sources 195 (2010) 6825).
Lithiated Si flows plastically at a stress of order 1 GPa (Sethuraman et al., J. Power Sources
195 (2010) 5062: ~1.75 GPa at low Li content falling to ~1 GPa and below; Zhao et al.,
J. Electrochem. Soc. 159 (2012) A238 use 1 GPa). Fracture energy of LixSi (Pharr, Suo & Vlassak,
Nano Lett. 13 (2013) 5570): 8.5 ± 4.3 J/m2 at ~Li0.7Si and bounds 5.4 ± 2.2 to 6.9 ± 1.9 J/m2 at
~Li2.8Si ("essentially independent of x"); the Li-rich value is used for the Li2.5Si/Li3.75Si shells.
"""
from __future__ import annotations

import numpy as np

from sianode.errors import InputError
from sianode.provenance import Parameter

HERTZBERG = "Hertzberg, Benson & Yushin, Electrochem. Commun. 13 (2011) 818"

LISI: dict[str, Parameter] = {
    "E_host_amorphous": Parameter(92e9, "Pa", HERTZBERG + " (a-Si film, 92 GPa)"),
    "E_host_crystalline": Parameter(130e9, "Pa", "Hopcroft, Nix & Kenny, J. MEMS 19 (2010) 229 (c-Si <100>, 130 GPa)"),
    "E_Li375Si": Parameter(12e9, "Pa", HERTZBERG + " (Li3.75Si, 12 GPa)"),
    "nu": Parameter(0.22, "-", "Shenoy, Johari & Qi, J. Power Sources 195 (2010) 6825 (0.22–0.28; 0.22 used)"),
    "nu_Si": Parameter(0.22, "-", "Hopcroft, Nix & Kenny, J. MEMS 19 (2010) 229 (isotropic average ~0.22)"),
    "yield_stress": Parameter(1.0e9, "Pa", "Sethuraman et al., J. Power Sources 195 (2010) 5062; "
                              "Zhao et al., J. Electrochem. Soc. 159 (2012) A238 (sigma_Y = 1 GPa)",
                              note="perfectly plastic, independent of x"),
    # Li-rich LixSi (the shell behind a lithiation front is Li2.5Si or Li3.75Si): midpoint of the bounds
    # 5.4 ± 2.2 and 6.9 ± 1.9 J/m2 Pharr et al. report at ~Li2.8Si, their highest measured Li content.
    "fracture_energy": Parameter(6.15, "J/m2", "Pharr, Suo & Vlassak, Nano Lett. 13 (2013) 5570 "
                                 "(~Li2.8Si: bounds 5.4 ± 2.2 to 6.9 ± 1.9 J/m2; midpoint)",
                                 note="uncertainty band 3.2–8.8 J/m2 (lower bound minus / upper bound plus error)"),
    "fracture_energy_low_x": Parameter(8.5, "J/m2", "Pharr, Suo & Vlassak, Nano Lett. 13 (2013) 5570 (~Li0.7Si, ± 4.3)",
                                       note="not used for the Li-rich shells; kept for reference"),
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
    """Young's modulus of LixSi, Pa: linear in x from the host value to 12 GPa at x = 3.75.

    E(x) = E_host + (E_Li3.75Si - E_host) * x / 3.75, clipped at x >= 3.75. Linear trend of
    Hertzberg et al. (2011) and Shenoy et al. (2010).
    """
    e_host = LISI["E_host_crystalline" if host == "crystalline" else "E_host_amorphous"].value
    xx = np.clip(np.asarray(x, dtype=float), 0.0, 3.75)
    return e_host + (LISI["E_Li375Si"].value - e_host) * xx / 3.75


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
