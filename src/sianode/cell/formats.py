"""Cell formats: how many electrode pairs fit, and the mass and volume of the packaging.

What is modelled (BatPaC-style structure: Nelson, Ahmed, Gallagher & Dees, "Modeling the performance
and cost of lithium-ion batteries for electric-drive vehicles", ANL-12/55, Argonne 2012)
----------------------------------------------------------------------------------------
* **Pouch** (stacked): ``n_cathodes`` double-sided cathodes and ``n_cathodes + 1`` anodes (the two
  outer anodes single-sided) -> ``2 n_cathodes`` electrode pairs, ``n_cathodes`` Al foils,
  ``n_cathodes + 1`` Cu foils. The anode (and separator) overhang the cathode by ``overhang_mm`` on
  every edge. The pouch is an Al-laminate film on both faces with sealed margins; the cell volume is
  ``(L + 2 seal)(W + 2 seal)(stack thickness + 2 film)``; tabs count in mass, not in volume.
* **Cylindrical** (18650, 21700, 4680; wound): the jelly roll fills the can between the core
  (mandrel hole) and the can wall. One winding unit (double-sided cathode + double-sided anode + two
  separators) of thickness ``t_unit`` and roll height ``h`` gives a cathode length
  ``L = pi (R_o^2 - R_i^2) / t_unit`` and ``2 L h`` of electrode-pair area. The roll is sized at the
  **charged, swollen** thickness (it must fit the rigid can when charged); the volume between the
  discharged roll and the can is the free volume the can must reserve. Can: steel wall and bottom;
  cap/header as a lumped mass.
* **Stack** ("coin" or "stack"): one square centimetre of electrode pair, no packaging: stack-level
  energy density (what Obrovac's model and most materials papers report).

Values are *design defaults* (typical, user-overridable), each with its source or marked as an
engineering estimate.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sianode.errors import InputError
from sianode.provenance import Parameter

RHO = {  # g/cm3
    "Al": Parameter(2.70, "g/cm3", "CRC Handbook of Chemistry and Physics (aluminium)"),
    "Cu": Parameter(8.96, "g/cm3", "CRC Handbook of Chemistry and Physics (copper)"),
    "Ni": Parameter(8.91, "g/cm3", "CRC Handbook of Chemistry and Physics (nickel)"),
    "steel": Parameter(7.90, "g/cm3", "nickel-plated low-carbon steel, CRC Handbook (iron 7.87)"),
    "nylon": Parameter(1.14, "g/cm3", "polyamide 6, Polymer Handbook"),
    "pp": Parameter(0.90, "g/cm3", "polypropylene, Polymer Handbook"),
}


@dataclass(frozen=True)
class PouchFormat:
    """Stacked pouch cell. Defaults: a large (~60–80 Ah class) EV pouch (design assumption)."""

    electrode_length_mm: float = 300.0
    electrode_width_mm: float = 100.0
    n_cathodes: int = 30
    overhang_mm: float = 1.0
    seal_mm: float = 6.0
    film_nylon_um: float = 25.0
    film_al_um: float = 40.0
    film_pp_um: float = 80.0
    tab_thickness_mm: float = 0.2
    tab_width_mm: float = 45.0
    tab_length_mm: float = 30.0
    name: str = "pouch"
    sources: tuple = (
        "structure: BatPaC (Nelson et al., ANL-12/55, 2012)",
        "electrode 100 x 300 mm, 30 double-sided cathodes: design assumption for a large EV pouch",
        "anode overhang 1 mm per edge: typical 0.5-2 mm (engineering estimate)",
        "laminate ONy 25 / Al 40 / CPP 80 um (~153 um film, e.g. DNP D-EL40H class): engineering estimate",
        "seal margin 6 mm, tabs 0.2 x 45 x 30 mm Al (+) and Ni-plated Cu (-): engineering estimate",
    )

    @property
    def film_um(self) -> float:
        return self.film_nylon_um + self.film_al_um + self.film_pp_um

    @property
    def film_areal_mass_g_cm2(self) -> float:
        return 1e-4 * (self.film_nylon_um * RHO["nylon"].value + self.film_al_um * RHO["Al"].value
                       + self.film_pp_um * RHO["pp"].value)


@dataclass(frozen=True)
class CylindricalFormat:
    """Wound cylindrical cell in a steel can."""

    name: str
    diameter_mm: float
    height_mm: float
    wall_mm: float
    bottom_mm: float
    headspace_mm: float
    core_diameter_mm: float
    clearance_mm: float
    cap_mass_g: float
    sources: tuple = ()


_CYL_SRC = ("outer dimensions: format name (diameter x height in mm, 18650 / 21700 / 4680)",
            "wall, bottom, headspace (cap, insulators, tab space), core and cap mass: engineering estimates "
            "typical of the format (user-overridable)")

CYLINDRICAL = {
    "18650": CylindricalFormat("18650", 18.0, 65.0, 0.25, 0.30, 5.0, 2.5, 0.15, 3.0, _CYL_SRC),
    "21700": CylindricalFormat("21700", 21.0, 70.0, 0.25, 0.30, 5.0, 2.5, 0.15, 3.5, _CYL_SRC),
    "4680": CylindricalFormat("4680", 46.0, 80.0, 0.50, 0.60, 6.0, 6.0, 0.25, 25.0, _CYL_SRC),
}


def get_format(name: str, **overrides):
    """Format by name ('pouch', '18650', '21700', '4680', 'coin'/'stack') with field overrides."""
    if name == "pouch":
        f = PouchFormat()
    elif name in CYLINDRICAL:
        f = CYLINDRICAL[name]
    elif name in ("coin", "stack"):
        return "stack"
    else:
        raise InputError(f"unknown format {name!r}; allowed: pouch, 18650, 21700, 4680, coin, stack",
                         field="cell.format")
    if overrides:
        bad = [k for k in overrides if not hasattr(f, k)]
        if bad:
            raise InputError(f"unknown format field(s) {bad}", field="cell.format")
        f = replace(f, **overrides)
    _validate(f)
    return f


def _validate(f) -> None:
    if isinstance(f, PouchFormat):
        if f.n_cathodes < 1:
            raise InputError("n_cathodes must be >= 1", field="format.n_cathodes")
        if f.electrode_length_mm <= 0 or f.electrode_width_mm <= 0:
            raise InputError("electrode dimensions must be > 0", field="format.electrode_length_mm")
    else:
        r_in = f.diameter_mm / 2 - f.wall_mm - f.clearance_mm
        if r_in <= f.core_diameter_mm / 2:
            raise InputError("can wall + clearance leave no room for the jelly roll", field="format.wall_mm")
        if f.height_mm - 2 * f.bottom_mm - f.headspace_mm <= 0:
            raise InputError("headspace and bottom leave no roll height", field="format.headspace_mm")


def pouch_package(fmt: PouchFormat, pair_mass_g_cm2, pair_thickness_cm, pair_thickness_charged_cm,
                  anode_extra_mass_g_cm2, cu_foil_mass_g_cm2, cu_foil_cm, sep_mass_g_cm2):
    """Totals for a pouch cell from per-pair-area quantities (arrays broadcast).

    ``pair_*`` are per cm2 of cathode area for one electrode pair (cathode coating + anode coating +
    separator + half of each foil + electrolyte). ``anode_extra_mass_g_cm2`` is the anode coating +
    half Cu foil + separator mass per cm2 that the overhang adds (per pair). Returns dict of arrays.
    """
    a_c = fmt.electrode_length_mm * fmt.electrode_width_mm / 100.0  # cm2
    a_a = (fmt.electrode_length_mm + 2 * fmt.overhang_mm) * (fmt.electrode_width_mm + 2 * fmt.overhang_mm) / 100.0
    n_pairs = 2 * fmt.n_cathodes
    stack_mass = n_pairs * (pair_mass_g_cm2 * a_c + anode_extra_mass_g_cm2 * (a_a - a_c))
    extra_cu = cu_foil_mass_g_cm2 * a_a  # the outer anodes bring one more foil (two halves)
    stack_t = n_pairs * pair_thickness_cm + cu_foil_cm
    stack_t_ch = n_pairs * pair_thickness_charged_cm + cu_foil_cm
    outer = (fmt.electrode_length_mm / 10 + 2 * fmt.seal_mm / 10 + 2 * fmt.overhang_mm / 10) * \
            (fmt.electrode_width_mm / 10 + 2 * fmt.seal_mm / 10 + 2 * fmt.overhang_mm / 10)
    film_mass = 2 * outer * fmt.film_areal_mass_g_cm2
    tab_vol = fmt.tab_thickness_mm * fmt.tab_width_mm * fmt.tab_length_mm / 1000.0
    tab_mass = tab_vol * (RHO["Al"].value + RHO["Cu"].value)
    film_t = 2 * fmt.film_um * 1e-4
    return {
        "area_cathode_cm2": a_c * n_pairs + 0 * stack_mass,
        "mass_stack_g": stack_mass + extra_cu,
        "mass_packaging_g": film_mass + 0 * stack_mass,
        "mass_tabs_g": tab_mass + 0 * stack_mass,
        "volume_discharged_cm3": outer * (stack_t + film_t),
        "volume_charged_cm3": outer * (stack_t_ch + film_t),
        "thickness_discharged_mm": 10 * (stack_t + film_t),
        "thickness_charged_mm": 10 * (stack_t_ch + film_t),
        "overhang_area_factor": a_a / a_c + 0 * stack_mass,
    }


def cylindrical_package(fmt: CylindricalFormat, pair_mass_g_cm2, pair_thickness_cm, pair_thickness_charged_cm,
                        anode_extra_mass_g_cm2, overhang_mm: float = 1.0):
    """Totals for a wound cylindrical cell sized at the charged (swollen) thickness (arrays broadcast)."""
    r_o = (fmt.diameter_mm / 2 - fmt.wall_mm - fmt.clearance_mm) / 10.0  # cm
    r_i = fmt.core_diameter_mm / 20.0
    h_roll = (fmt.height_mm - 2 * fmt.bottom_mm - fmt.headspace_mm) / 10.0
    h_cath = h_roll - 2 * overhang_mm / 10.0  # cathode narrower than the anode by the overhang
    t_unit_ch = 2 * pair_thickness_charged_cm
    length = np.pi * (r_o ** 2 - r_i ** 2) / t_unit_ch
    a_pairs = 2 * length * h_cath
    roll_vol_discharged = 2 * length * h_roll * pair_thickness_cm
    can_vol = np.pi * (fmt.diameter_mm / 20) ** 2 * fmt.height_mm / 10
    steel = RHO["steel"].value * (np.pi * fmt.diameter_mm / 10 * fmt.height_mm / 10 * fmt.wall_mm / 10
                                  + 2 * np.pi * (fmt.diameter_mm / 20) ** 2 * fmt.bottom_mm / 10)
    mass_stack = a_pairs * pair_mass_g_cm2 + 2 * length * (h_roll - h_cath) * anode_extra_mass_g_cm2
    return {
        "area_cathode_cm2": a_pairs,
        "mass_stack_g": mass_stack,
        "mass_packaging_g": steel + 0 * mass_stack,
        "mass_tabs_g": fmt.cap_mass_g + 0 * mass_stack,
        "volume_discharged_cm3": can_vol + 0 * mass_stack,
        "volume_charged_cm3": can_vol + 0 * mass_stack,
        "free_volume_cm3": np.pi * (r_o ** 2 - r_i ** 2) * h_roll - roll_vol_discharged,
        "cathode_length_cm": length,
    }
