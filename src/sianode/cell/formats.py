"""Cell formats: electrode areas, jelly-roll length or layer count, packaging, and the bill of materials.

What is modelled (structure of Argonne's BatPaC: Nelson, Ahmed, Gallagher & Dees, ANL-12/55, 2012)
-------------------------------------------------------------------------------------------------
The electrode stack is described per cm2 by :class:`Layers` (coating masses and thicknesses per side,
foils, separator, electrolyte per cm2 of electrode pair). A format turns that into *areas* of every
layer and adds the packaging, giving a bill of materials: every component's mass and its material
volume (mass / density), plus the empty space, so that

    sum(mass) = cell mass           sum(volume) = cell envelope (as made)

and Wh/kg = E / sum(mass), Wh/L = E / sum(volume) can be checked by hand.

* **Pouch** (stacked, :class:`PouchFormat`): ``n`` double-sided cathodes of ``L x W`` and ``n + 1`` anodes
  of ``(L + 2 o)(W + 2 o)`` (the two outer ones coated on the inner face only), ``2 n`` separator sheets of
  ``(L + 2 o + 2 s)(W + 2 o + 2 s)``. Every electrode has an uncoated foil tab (tab width x tab headspace).
  Stack thickness ``t = sum(layers) / packing_factor``. Body ``(L_s + 2 seal + h_tab n_edges) x (W_s + 2
  seal) x (t + 2 film)``; external tabs stick out by ``outside_mm`` on each tab edge and their box (body
  width x body thickness) counts in the volume (the space they need). The laminate (nylon / Al / PP) covers
  both faces of the body. Layer count from ``n_cathodes`` or from ``target_capacity_Ah`` (rounded up).
* **Cylindrical** (wound, :class:`CylindricalFormat`: 18650, 21700, 4680 or a custom can): the roll
  (separator height ``h_s``) fills the annulus between the mandrel hole ``r_i`` and the can wall less a
  clearance ``r_o``; one winding unit (double-sided cathode, double-sided anode, two separators) has
  thickness ``u`` and ``L_a u = pf pi (r_o^2 - r_i^2)`` gives the anode strip length (cathode ``L_a - 2
  o``). The roll is sized at the thickest state it must hold (charged, swollen at the end of the
  protocol) unless ``cathode_length_mm`` is given (then its fit is checked in every state). Axial stack:
  bottom + roll + headspace + header = can height; ``target_capacity_Ah`` sizes the height instead.
  The can is rigid: its volume is the same in every state; swelling eats free space.
* **Prismatic** (:class:`PrismaticFormat`): ``n_rolls`` flat-wound rolls side by side in an Al can; a roll's
  cross-section is a stadium of width ``W_r`` and thickness ``T_r``: ``A = (W_r - T_r) T_r + pi T_r^2 / 4``,
  ``L_a u = pf A``. Lid with terminals and vent as a lumped mass over its height.
* **Stack** ("stack"/"coin"): 1 cm2 of electrode pair, no packaging (materials-paper energy density).

Defaults are *design values* (typical, user-overridable), each with its source or marked as an
engineering estimate. Simplifications: tabs are rectangular strips; the pouch film is two flat sheets;
the header of a cylindrical cell and the lid of a prismatic cell are lumped (mass given, volume = their
region of the envelope); the mandrel hole is empty; the electrolyte is counted as a material and
sits in the pores first (any excess in the free space).
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from sianode.cell.memo import KeyedMemo
from sianode.electrode.scalars import farray
from sianode.errors import InputError
from sianode.provenance import Parameter

RHO = {  # g/cm3
    "Al": Parameter(2.70, "g/cm3", "CRC Handbook of Chemistry and Physics (aluminium)"),
    "Cu": Parameter(8.96, "g/cm3", "CRC Handbook of Chemistry and Physics (copper)"),
    "Ni": Parameter(8.91, "g/cm3", "CRC Handbook of Chemistry and Physics (nickel)"),
    "steel": Parameter(7.90, "g/cm3", "nickel-plated low-carbon steel, CRC Handbook (iron 7.87)"),
    "nylon": Parameter(1.14, "g/cm3", "polyamide 6, Polymer Handbook"),
    "pp": Parameter(0.90, "g/cm3", "polypropylene, Polymer Handbook"),
    "li": Parameter(0.534, "g/cm3", "CRC Handbook of Chemistry and Physics (lithium)"),
}

_EST = "engineering estimate (user-overridable)"
PACKING_FACTOR = Parameter(0.97, "-", "sum of layer thicknesses / stack or roll thickness: 3 % gaps between layers, "
                           "tab bulges and strip ends -- " + _EST)


@dataclass(frozen=True)
class TabSpec:
    """Tab strips: positive Al, negative Ni (pouch: Ni-plated Cu counted as Cu). ``length_mm`` None: from the format."""

    thickness_mm: float
    width_mm: float
    length_mm: float | None
    outside_mm: float = 0.0
    negative_metal: str = "Ni"


@dataclass(frozen=True)
class PouchFormat:
    """Stacked pouch cell. Defaults: a large (~60-80 Ah class) EV pouch (design assumption)."""

    electrode_length_mm: float = 300.0
    electrode_width_mm: float = 100.0
    n_cathodes: Any = 30
    target_capacity_Ah: float | None = None
    anode_overhang_mm: float = 1.0
    separator_overhang_mm: float = 1.0
    seal_mm: float = 6.0
    tab_headspace_mm: float = 10.0
    tab_layout: str = "opposite"
    film_nylon_um: float = 25.0
    film_al_um: float = 40.0
    film_pp_um: float = 80.0
    packing_factor: float = PACKING_FACTOR.value
    tabs: TabSpec = TabSpec(0.2, 45.0, None, 15.0, "Cu")
    name: str = "pouch"
    sources: tuple = (
        "structure: BatPaC (Nelson et al., ANL-12/55, 2012)",
        "electrode 100 x 300 mm, 30 double-sided cathodes: design assumption for a large EV pouch",
        "anode overhang 1 mm and separator overhang 1 mm per edge: typical 0.5-2 mm (" + _EST + ")",
        "laminate ONy 25 / Al 40 / CPP 80 um (~153 um film, e.g. DNP D-EL40H class): " + _EST,
        "seal 6 mm, tab headspace 10 mm (tab bundle and welds), tabs 0.2 x 45 mm Al (+) and Ni-plated Cu (-) "
        "sticking out 15 mm: " + _EST,
        PACKING_FACTOR.source,
    )

    @property
    def film_um(self) -> float:
        return self.film_nylon_um + self.film_al_um + self.film_pp_um


@dataclass(frozen=True)
class CylindricalFormat:
    """Wound cylindrical cell in a can (dimensions in mm, masses in g)."""

    name: str
    diameter_mm: float
    height_mm: float | None
    can_wall_mm: float
    can_bottom_mm: float
    cap_height_mm: float
    cap_mass_g: float
    headspace_mm: float
    core_diameter_mm: float
    clearance_mm: float
    can_material: str = "steel"
    cathode_length_mm: float | None = None
    electrode_height_mm: float | None = None
    target_capacity_Ah: float | None = None
    anode_overhang_mm: float = 1.0
    separator_overhang_mm: float = 1.0
    packing_factor: float = PACKING_FACTOR.value
    tabs: TabSpec = TabSpec(0.1, 4.0, 60.0)
    sources: tuple = ()


_CYL_SRC = ("outer dimensions: format name (diameter x height in mm, 18650 / 21700 / 4680)",
            "can wall and bottom, header height and mass, headspace (tabs, insulators), mandrel hole, clearance, "
            "tabs: " + _EST + ", typical of the format",
            PACKING_FACTOR.source)

CYLINDRICAL = {
    "18650": CylindricalFormat("18650", 18.0, 65.0, 0.25, 0.30, 3.0, 3.0, 2.0, 2.5, 0.15,
                               tabs=TabSpec(0.1, 4.0, 60.0), sources=_CYL_SRC),
    "21700": CylindricalFormat("21700", 21.0, 70.0, 0.25, 0.30, 3.0, 3.5, 2.0, 2.5, 0.15,
                               tabs=TabSpec(0.1, 4.0, 65.0), sources=_CYL_SRC),
    "4680": CylindricalFormat("4680", 46.0, 80.0, 0.50, 0.60, 4.0, 25.0, 2.0, 6.0, 0.25,
                              tabs=TabSpec(0.2, 10.0, 40.0), sources=_CYL_SRC),
}
#: A custom can ('cylindrical'): these internals with the design's diameter and height.
CUSTOM_CYLINDRICAL = CylindricalFormat("cylindrical", 18.0, None, 0.25, 0.30, 3.0, 3.0, 2.0, 2.5, 0.15,
                                       sources=_CYL_SRC + ("custom can: 18650 internals unless given",))


@dataclass(frozen=True)
class PrismaticFormat:
    """Prismatic hard-case cell: ``n_rolls`` flat-wound jelly rolls in an Al can (mm, g)."""

    length_mm: float = 148.0
    thickness_mm: float = 26.5
    height_mm: float | None = 91.0
    n_rolls: int = 2
    can_wall_mm: float = 0.6
    can_bottom_mm: float = 1.0
    lid_height_mm: float = 6.0
    lid_mass_g: float = 25.0
    headspace_mm: float = 5.0
    clearance_mm: float = 0.5
    cathode_length_mm: float | None = None
    target_capacity_Ah: float | None = None
    anode_overhang_mm: float = 1.0
    separator_overhang_mm: float = 1.0
    packing_factor: float = PACKING_FACTOR.value
    tabs: TabSpec = TabSpec(0.2, 20.0, 30.0)
    name: str = "prismatic"
    sources: tuple = (
        "148 x 26.5 x 91 mm: VDA PHEV2 prismatic format (design assumption)",
        "Al can wall 0.6 mm, bottom 1.0 mm, lid with terminals and vent 6 mm / 25 g, headspace 5 mm, clearance "
        "0.5 mm, two flat-wound rolls, tabs 0.2 x 20 x 30 mm: " + _EST,
        PACKING_FACTOR.source,
    )


def _override(obj, overrides: dict, where: str):
    """``obj`` with the non-None ``overrides`` applied (nested TabSpec by its own dict)."""
    names = {f.name for f in fields(obj)}
    kw = {}
    for k, v in (overrides or {}).items():
        if v is None:
            continue
        if k not in names:
            raise InputError(f"unknown format field {k!r}; allowed: {sorted(names - {'sources', 'name'})}",
                             field=f"{where}.{k}")
        if k == "tabs" and isinstance(v, dict):
            v = _override(obj.tabs, v, f"{where}.tabs")
        kw[k] = v
    return replace(obj, **kw) if kw else obj


def get_format(name: str, **overrides):
    """Format by name ('pouch', '18650', '21700', '4680', 'cylindrical', 'prismatic', 'coin'/'stack') with overrides."""
    if name == "pouch":
        f = _override(PouchFormat(), overrides, "cell.pouch")
    elif name in CYLINDRICAL:
        f = _override(CYLINDRICAL[name], overrides, "cell.cylindrical")
    elif name == "cylindrical":
        f = _override(CUSTOM_CYLINDRICAL, overrides, "cell.cylindrical")
    elif name == "prismatic":
        f = _override(PrismaticFormat(), overrides, "cell.prismatic")
    elif name in ("coin", "stack"):
        return "stack"
    else:
        raise InputError(f"unknown format {name!r}; allowed: pouch, 18650, 21700, 4680, cylindrical, prismatic, "
                         "coin, stack", field="cell.format")
    _validate(f)
    return f


def format_from_design(design):
    """The format of a design's cell section (``cell.format`` with ``[cell.pouch]``/``[cell.cylindrical]``/...).

    A function of ``cell.format`` and that one section: memoised on them (the section as JSON), so the designs of
    a sweep that share them share one (frozen) format object.
    """
    c = design.cell
    if c.format == "pouch":
        section = c.pouch
    elif c.format in ("18650", "21700", "4680", "cylindrical"):
        section = c.cylindrical
    elif c.format == "prismatic":
        section = c.prismatic
    else:
        return get_format(c.format)
    return _FROM_DESIGN.get((c.format, section.model_dump_json()),
                            lambda: get_format(c.format, **section.model_dump()))


#: Formats already built by :func:`format_from_design`, keyed by (cell.format, its section as JSON).
_FROM_DESIGN = KeyedMemo()


def _validate(f) -> None:
    if isinstance(f, PouchFormat):
        if f.n_cathodes is not None and np.any(np.asarray(f.n_cathodes) < 1):
            raise InputError("n_cathodes must be >= 1", field="cell.pouch.n_cathodes")
        if f.electrode_length_mm <= 0 or f.electrode_width_mm <= 0:
            raise InputError("electrode dimensions must be > 0", field="cell.pouch.electrode_length_mm")
        if f.tab_layout not in ("opposite", "same_side"):
            raise InputError(f"tab_layout must be 'opposite' or 'same_side', got {f.tab_layout!r}",
                             field="cell.pouch.tab_layout")
        if not 0.5 < f.packing_factor <= 1:
            raise InputError("packing_factor must be in (0.5, 1]", field="cell.pouch.packing_factor")
    elif isinstance(f, CylindricalFormat):
        r_o = f.diameter_mm / 2 - f.can_wall_mm - f.clearance_mm
        if r_o <= f.core_diameter_mm / 2:
            raise InputError(f"can wall ({f.can_wall_mm} mm) + clearance ({f.clearance_mm} mm) leave no room for the "
                             f"jelly roll around the {f.core_diameter_mm} mm mandrel in a {f.diameter_mm} mm can",
                             field="cell.cylindrical.can_wall_mm")
        if f.height_mm is not None and _cyl_roll_height(f) <= 0:
            raise InputError(f"bottom + headspace + header ({f.can_bottom_mm + f.headspace_mm + f.cap_height_mm:g} mm)"
                             f" leave no roll height in a {f.height_mm} mm can", field="cell.cylindrical.headspace_mm")
        if f.can_material not in ("steel", "aluminium"):
            raise InputError("can_material must be 'steel' or 'aluminium'", field="cell.cylindrical.can_material")
    elif isinstance(f, PrismaticFormat):
        if f.thickness_mm - 2 * f.can_wall_mm - 2 * f.clearance_mm <= 0 or f.length_mm <= f.thickness_mm:
            raise InputError("the can leaves no room for a flat roll (length must exceed thickness; walls and clearance "
                             "must fit)", field="cell.prismatic.thickness_mm")
        if f.height_mm is not None and _pri_roll_height(f) <= 0:
            raise InputError("bottom + headspace + lid leave no roll height", field="cell.prismatic.headspace_mm")


def _cyl_roll_height(f: CylindricalFormat) -> float:
    return f.height_mm - f.can_bottom_mm - f.headspace_mm - f.cap_height_mm


def _pri_roll_height(f: PrismaticFormat) -> float:
    return f.height_mm - f.can_bottom_mm - f.headspace_mm - f.lid_height_mm


# ----------------------------------------------------------------------------- the electrode stack per cm2
@dataclass
class Layers:
    """The electrode stack per cm2 (arrays broadcast over designs). Units: g/cm2, cm, g/cm3.

    ``cathode``/``anode``: mass per cm2 of one coated side by constituent (e.g. ``{"active": .., "binder": ..}``);
    ``t_c``: cathode coating thickness per side; ``t_a``: anode thickness per side in each state
    (``made``, ``charged``, ``swollen``; plated or dead Li metal included); separator
    thickness, porosity and skeleton density; foil thicknesses; electrolyte mass per cm2 of electrode
    pair; ``rho``: the density of every constituent (for material volumes); ``q_pair`` (mAh/cm2) and
    ``e_pair`` (mWh/cm2): delivered capacity and energy per cm2 of electrode pair.
    """

    cathode: dict[str, Any]
    anode: dict[str, Any]
    rho: dict[str, Any]
    t_c: Any
    t_a: dict[str, Any]
    t_s: Any
    sep_porosity: Any
    sep_density: Any
    t_al: float
    t_cu: float
    electrolyte_per_pair: Any
    electrolyte_density: float
    q_pair: Any
    e_pair: Any
    extra: dict = field(default_factory=dict)

    def unit_thickness(self, state: str):
        """One winding unit: double-sided cathode + double-sided anode + two separators (cm)."""
        return 2 * self.t_c + self.t_al + 2 * self.t_a[state] + self.t_cu + 2 * self.t_s


STATES = ("made", "charged", "swollen")


def _bom(layers: Layers, cath_faces_cm2, anode_faces_cm2, al_cm2, cu_cm2, sep_cm2, pair_cm2) -> dict:
    """Component -> (mass g, material volume cm3) of the electrode stack (coatings, foils, separator, electrolyte)."""
    L = layers
    out = {}
    for k, m in L.cathode.items():
        out[f"cathode_{k}"] = (m * cath_faces_cm2, m * cath_faces_cm2 / L.rho[f"cathode_{k}"])
    out["al_foil"] = (al_cm2 * L.t_al * RHO["Al"].value, al_cm2 * L.t_al)
    for k, m in L.anode.items():
        out[f"anode_{k}"] = (m * anode_faces_cm2, m * anode_faces_cm2 / L.rho[f"anode_{k}"])
    out["cu_foil"] = (cu_cm2 * L.t_cu * RHO["Cu"].value, cu_cm2 * L.t_cu)
    sep_v = sep_cm2 * L.t_s * (1 - L.sep_porosity)
    out["separator"] = (sep_v * L.sep_density, sep_v)
    m_el = L.electrolyte_per_pair * pair_cm2
    out["electrolyte"] = (m_el, m_el / L.electrolyte_density)
    return out


def _tabs(tabs: TabSpec, length_mm, n_each=1):
    """(mass g, volume cm3) of the positive (Al) and negative tabs, ``n_each`` of each."""
    v = tabs.thickness_mm * tabs.width_mm * length_mm / 1000.0 * n_each
    neg = RHO["Cu"].value if tabs.negative_metal == "Cu" else RHO["Ni"].value
    return {"tab_positive": (v * RHO["Al"].value, v), "tab_negative": (v * neg, v)}


def _fill(bom: dict, envelope_cm3, name: str = "free_space") -> dict:
    """Close the volume balance: ``name`` = envelope - sum of material volumes (mass 0)."""
    used = sum(farray(v[1]) for v in bom.values())
    bom[name] = (0.0 * used, envelope_cm3 - used)
    return bom


# ----------------------------------------------------------------------------- formats
def stack_cell(layers: Layers) -> dict:
    """One cm2 of electrode pair (cathode side, anode side, separator, half of each foil), no packaging."""
    L = layers
    bom = _bom(L, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0)
    pair_t = {s: L.t_c + L.t_a[s] + L.t_s + (L.t_al + L.t_cu) / 2 for s in STATES}
    # electrolyte beyond the pores has nowhere to go in a bare stack: it adds its own volume
    used = sum(farray(v[1]) for v in bom.values())
    excess = np.maximum(used - pair_t["made"], 0.0)
    pair_t = {s: pair_t[s] + excess for s in STATES}
    bom = _fill(bom, pair_t["made"], "unfilled_pores")
    return {"bom": bom, "pair_area_cm2": 1.0 + 0 * L.q_pair, "volume_cm3": pair_t, "geometry": {}, "fits": {},
            "anode_to_pair_area": 1.0,
            "notes": ["stack format: 1 cm2 of electrode pair, no packaging (materials-paper energy density)"]}


def pouch_cell(f: PouchFormat, layers: Layers) -> dict:
    """Stacked pouch: layer count, areas, body and terminal volume, bill of materials (module docstring)."""
    L = layers
    a_c = f.electrode_length_mm * f.electrode_width_mm / 100.0  # cm2 per cathode face
    la, wa = f.electrode_length_mm + 2 * f.anode_overhang_mm, f.electrode_width_mm + 2 * f.anode_overhang_mm
    a_a = la * wa / 100.0
    ls, ws = la + 2 * f.separator_overhang_mm, wa + 2 * f.separator_overhang_mm
    a_s = ls * ws / 100.0
    notes = []
    if f.target_capacity_Ah is not None:
        q_per_cathode = 2 * a_c * L.q_pair * 1e-3  # Ah per double-sided cathode
        n = np.ceil(f.target_capacity_Ah / q_per_cathode - 1e-9)
        notes.append(f"layer count sized for {f.target_capacity_Ah:g} Ah (rounded up to whole cathodes)")
    else:
        n = np.asarray(f.n_cathodes, dtype=float)
    n = n + 0 * L.q_pair
    tab_foil = f.tabs.width_mm * f.tab_headspace_mm / 100.0  # cm2 of uncoated foil tab per electrode
    pair = 2 * n * a_c
    bom = _bom(L, 2 * n * a_c, 2 * n * a_a, n * (a_c + tab_foil), (n + 1) * (a_a + tab_foil), 2 * n * a_s, pair)
    layers_t = {s: n * (2 * L.t_c + L.t_al) + (n + 1) * L.t_cu + 2 * n * (L.t_a[s] + L.t_s) for s in STATES}
    stack_t = {s: layers_t[s] / f.packing_factor for s in STATES}
    n_edges = 2 if f.tab_layout == "opposite" else 1
    body_l = (ls + 2 * f.seal_mm + n_edges * f.tab_headspace_mm) / 10.0  # cm
    body_w = (ws + 2 * f.seal_mm) / 10.0
    film = 2 * f.film_um * 1e-4
    body_t = {s: stack_t[s] + film for s in STATES}
    area = body_l * body_w
    fm = 1e-4 * area * 2  # both faces
    bom["pouch_film_nylon"] = (fm * f.film_nylon_um * RHO["nylon"].value + 0 * n, fm * f.film_nylon_um + 0 * n)
    bom["pouch_film_al"] = (fm * f.film_al_um * RHO["Al"].value + 0 * n, fm * f.film_al_um + 0 * n)
    bom["pouch_film_pp"] = (fm * f.film_pp_um * RHO["pp"].value + 0 * n, fm * f.film_pp_um + 0 * n)
    tab_len = f.tabs.length_mm if f.tabs.length_mm is not None else f.tab_headspace_mm + f.seal_mm + f.tabs.outside_mm
    t = _tabs(f.tabs, tab_len)
    bom.update({k: (m + 0 * n, v + 0 * n) for k, (m, v) in t.items()})
    term_box = {s: n_edges * f.tabs.outside_mm / 10.0 * body_w * body_t[s] for s in STATES}
    vol = {s: area * body_t[s] + term_box[s] for s in STATES}
    # the tab parts outside the body sit in the terminal box, the rest inside the body
    out_frac = f.tabs.outside_mm / tab_len if tab_len > 0 else 0.0
    tab_out_v = out_frac * sum(np.asarray(v[1]) for k, v in bom.items() if k.startswith("tab_"))
    bom["terminal_space"] = (0.0 * n, term_box["made"] - tab_out_v)
    bom = _fill(bom, vol["made"])
    geo = {"n_cathodes": n, "electrode_pairs": 2 * n, "cathode_area_cm2": a_c, "anode_area_cm2": a_a,
           "separator_area_cm2": a_s, "body_length_mm": 10 * body_l, "body_width_mm": 10 * body_w,
           "thickness_mm": 10 * body_t["made"], "thickness_charged_mm": 10 * body_t["charged"],
           "thickness_swollen_mm": 10 * body_t["swollen"],
           "length_with_terminals_mm": 10 * body_l + n_edges * f.tabs.outside_mm}
    return {"bom": bom, "pair_area_cm2": pair, "volume_cm3": vol, "geometry": geo, "fits": {}, "notes": notes,
            "anode_to_pair_area": a_a / a_c}


def _roll_length(f, L: Layers, area_cm2, where: str, notes: list):
    """Cathode strip length (cm) of a roll of cross-section ``area_cm2`` and the fraction of that space it needs in
    each state: given (``cathode_length_mm``, an error if it does not fit as made) or filling the space at the
    charged, swollen thickness. ``L_a u = pf area``, ``L_c = L_a - 2 overhang``."""
    o = f.anode_overhang_mm / 10.0
    if f.cathode_length_mm is not None:
        l_c = f.cathode_length_mm / 10.0 + 0 * L.q_pair
    else:
        l_c = f.packing_factor * area_cm2 / L.unit_thickness("swollen") - 2 * o
        notes.append("jelly roll sized to fill its space at the charged, swollen thickness at the end of the protocol")
    fits = {s: (l_c + 2 * o) * L.unit_thickness(s) / f.packing_factor / area_cm2 for s in STATES}
    if np.any(fits["made"] > 1 + 1e-9):
        raise InputError(f"the jelly roll ({f.cathode_length_mm:g} mm of cathode) needs "
                         f"{100 * float(np.max(fits['made'])):.0f} % of its space in the can as made: it does not fit; "
                         "shorten cathode_length_mm or thin the electrodes", field=f"{where}.cathode_length_mm")
    return l_c, fits


def _wound_bom(L: Layers, l_c, h_c, o_mm, so_mm, n_rolls=1):
    """Bill of materials of ``n_rolls`` rolls with cathode strips ``l_c`` x ``h_c`` (cm)."""
    l_a, h_a = l_c + 2 * o_mm / 10, h_c + 2 * o_mm / 10
    l_s, h_s = l_a + 2 * so_mm / 10, h_a + 2 * so_mm / 10
    pair = 2 * l_c * h_c * n_rolls
    bom = _bom(L, pair, 2 * l_a * h_a * n_rolls, l_c * h_c * n_rolls, l_a * h_a * n_rolls,
               2 * l_s * h_s * n_rolls, pair)
    return bom, pair, (l_a, h_a, l_s, h_s)


def _rigid_can(bom: dict, envelope_cm3, fits: dict, notes: list):
    """Close the BOM on a rigid can's envelope (the same in every state); note a roll that outgrows its space."""
    for s in ("charged", "swollen"):
        if np.any(fits[s] > 1 + 1e-9):
            notes.append(f"the roll needs {100 * float(np.max(fits[s])):.0f} % of its space in the can when {s}: it "
                         "presses on the can (internal pressure, deformation)")
    return _fill(bom, envelope_cm3), {s: envelope_cm3 for s in STATES}


def cylindrical_cell(f: CylindricalFormat, layers: Layers) -> dict:
    """Wound cylindrical cell: strip length from the can (or given), fit in every state, can and header (docstring)."""
    L = layers
    notes, fits = [], {}
    r_can = f.diameter_mm / 20.0  # cm
    r_in = r_can - f.can_wall_mm / 10.0
    r_o, r_i = r_in - f.clearance_mm / 10.0, f.core_diameter_mm / 20.0
    annulus = np.pi * (r_o ** 2 - r_i ** 2)
    o, so = f.anode_overhang_mm, f.separator_overhang_mm
    l_c, fits = _roll_length(f, L, annulus, "cell.cylindrical", notes)
    if f.electrode_height_mm is not None:
        h_c = f.electrode_height_mm / 10.0
    elif f.target_capacity_Ah is not None:
        h_c = f.target_capacity_Ah / (2 * l_c * L.q_pair * 1e-3)
        notes.append(f"can height sized for {f.target_capacity_Ah:g} Ah at a {f.diameter_mm:g} mm diameter")
    else:
        h_c = _cyl_roll_height(f) / 10.0 - 2 * (o + so) / 10.0
    h_c = h_c + 0 * L.q_pair
    bom, pair, (l_a, h_a, l_s, h_s) = _wound_bom(L, l_c, h_c, o, so)
    if f.height_mm is None:  # sized: the can is as tall as the roll needs
        height = h_s * 10 + f.can_bottom_mm + f.headspace_mm + f.cap_height_mm
    else:
        height = f.height_mm + 0 * h_s
        free_h = _cyl_roll_height(f) / 10.0 - h_s
        if np.any(free_h < -1e-9):
            raise InputError(f"the roll ({float(np.max(h_s)) * 10:.1f} mm of separator height) is taller than the "
                             f"{_cyl_roll_height(f):.1f} mm the can leaves under the header and headspace; lower "
                             "electrode_height_mm or the headspace", field="cell.cylindrical.electrode_height_mm")
    h = height / 10.0
    wall_h = h - f.cap_height_mm / 10.0
    rho_can = RHO["steel"].value if f.can_material == "steel" else RHO["Al"].value
    v_can = np.pi * (r_can ** 2 - r_in ** 2) * (wall_h - f.can_bottom_mm / 10) + np.pi * r_can ** 2 * f.can_bottom_mm / 10
    bom["can"] = (v_can * rho_can, v_can)
    bom["header"] = (f.cap_mass_g + 0 * h, np.pi * r_can ** 2 * f.cap_height_mm / 10 + 0 * h)
    bom.update({k: (m + 0 * h, v + 0 * h) for k, (m, v) in _tabs(f.tabs, f.tabs.length_mm or 60.0).items()})
    bom, vol = _rigid_can(bom, np.pi * r_can ** 2 * h, fits, notes)
    geo = {"cathode_length_mm": 10 * l_c, "anode_length_mm": 10 * l_a, "separator_length_mm": 10 * l_s,
           "cathode_height_mm": 10 * h_c, "anode_height_mm": 10 * h_a, "roll_height_mm": 10 * h_s,
           "can_height_mm": 10 * h, "roll_outer_diameter_mm": 20 * r_o,
           **{f"roll_fill_{s}": fits[s] for s in STATES}}
    return {"bom": bom, "pair_area_cm2": pair, "volume_cm3": vol, "geometry": geo, "fits": fits, "notes": notes,
            "anode_to_pair_area": (l_a * h_a) / (l_c * h_c)}


def prismatic_cell(f: PrismaticFormat, layers: Layers) -> dict:
    """Prismatic hard case with ``n_rolls`` flat-wound rolls (module docstring)."""
    L = layers
    notes, fits = [], {}
    l_in = (f.length_mm - 2 * f.can_wall_mm) / 10.0
    t_in = (f.thickness_mm - 2 * f.can_wall_mm) / 10.0
    w_r = l_in - 2 * f.clearance_mm / 10.0
    t_r = (t_in - 2 * f.clearance_mm / 10.0) / f.n_rolls
    area = (w_r - t_r) * t_r + np.pi * t_r ** 2 / 4  # stadium cross-section of one roll
    o, so = f.anode_overhang_mm, f.separator_overhang_mm
    l_c, fits = _roll_length(f, L, area, "cell.prismatic", notes)
    if f.target_capacity_Ah is not None:
        h_c = f.target_capacity_Ah / (2 * l_c * L.q_pair * 1e-3 * f.n_rolls)
        notes.append(f"can height sized for {f.target_capacity_Ah:g} Ah")
    else:
        h_c = _pri_roll_height(f) / 10.0 - 2 * (o + so) / 10.0
    h_c = h_c + 0 * L.q_pair
    bom, pair, (l_a, h_a, l_s, h_s) = _wound_bom(L, l_c, h_c, o, so, f.n_rolls)
    height = (h_s * 10 + f.can_bottom_mm + f.headspace_mm + f.lid_height_mm) if f.height_mm is None \
        else f.height_mm + 0 * h_s
    h = height / 10.0
    lo, to = f.length_mm / 10.0, f.thickness_mm / 10.0
    wall_h = h - f.lid_height_mm / 10.0
    v_can = (lo * to - l_in * t_in) * (wall_h - f.can_bottom_mm / 10) + lo * to * f.can_bottom_mm / 10
    bom["can"] = (v_can * RHO["Al"].value, v_can)
    bom["lid_terminals"] = (f.lid_mass_g + 0 * h, lo * to * f.lid_height_mm / 10 + 0 * h)
    bom.update({k: (m + 0 * h, v + 0 * h) for k, (m, v) in _tabs(f.tabs, f.tabs.length_mm or 30.0, f.n_rolls).items()})
    bom, vol = _rigid_can(bom, lo * to * h, fits, notes)
    geo = {"cathode_length_mm": 10 * l_c, "cathode_height_mm": 10 * h_c, "roll_height_mm": 10 * h_s,
           "can_height_mm": 10 * h, "n_rolls": f.n_rolls, **{f"roll_fill_{s}": fits[s] for s in STATES}}
    return {"bom": bom, "pair_area_cm2": pair, "volume_cm3": vol, "geometry": geo, "fits": fits, "notes": notes,
            "anode_to_pair_area": (l_a * h_a) / (l_c * h_c)}


def build_cell(fmt, layers: Layers) -> dict:
    """Bill of materials, electrode-pair area, envelope volume per state and geometry of ``fmt``."""
    if fmt == "stack":
        return stack_cell(layers)
    if isinstance(fmt, PouchFormat):
        return pouch_cell(fmt, layers)
    if isinstance(fmt, CylindricalFormat):
        return cylindrical_cell(fmt, layers)
    if isinstance(fmt, PrismaticFormat):
        return prismatic_cell(fmt, layers)
    raise InputError(f"unknown format object {fmt!r}", field="cell.format")
