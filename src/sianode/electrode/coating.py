"""Electrode coatings: thickness, porosity and volume fractions from the formulation, one definition.

What is modelled
----------------
A dry coating holds active material, binder, conductive additive and (solid-state cells) solid
electrolyte with mass fractions ``w_j`` and solid densities ``rho_j``. Per unit electrode area, with
active loading ``m_a``::

    m_coat    = m_a / w_active                     V_solid = sum_j m_coat w_j / rho_j
    rho_solid = m_coat / V_solid                   thickness t = V_solid / (1 - porosity)   (porosity given)
                                                   or  t = m_coat / rho_press               (press density given)
    porosity  = 1 - V_solid / t                    volume fraction of component j: m_coat w_j / (rho_j t)

Which density for the active material? The particle *envelope* density (mass over the volume
enclosed by the particle's outer surface, internal pores included; the materials stage's
``CompositeProperties.density_g_cm3``), not the skeleton (pycnometric) density. Reasons: (1) a
coating packs particles, so a particle occupies its envelope in the coating's thickness; (2) the
internal pores of porous Si, hollow or yolk-shell particles and CVD Si-C scaffolds are the particle's
expansion buffer, already used by the materials stage to compute the outward particle expansion --
counting them again as electrode porosity would use the same void twice; (3) the electrode porosity
that carries electrolyte between particles (ionic transport, Bruggeman, electrolyte filling) is the
inter-particle porosity. With the skeleton density, ``porosity`` would be a total porosity and a
porous-Si coating would come out thinner than it is (issue 11: 13.5 vs 16.1 µm for seeds/002).
For dense particles the two densities differ only by the coatings and native oxide.

Every stage that needs the anode coating (materials: electrode thickness; mechanics: volume fractions
for swelling; echem: thickness, porosity and active volume fraction; cell: stack thickness and
electrolyte) calls :func:`coating_geometry` with :func:`anode_coating` of the design.

Component densities (:data:`BINDER_DENSITY_G_CM3`, :data:`CONDUCTIVE_DENSITY_G_CM3`) and the stack's
design defaults (:data:`STACK_DEFAULTS`) are the one table of these numbers, each with its source.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from sianode.electrode.scalars import anytrue, farray
from sianode.errors import InputError
from sianode.provenance import Parameter

BINDER_DENSITY_G_CM3 = {
    "PVDF": Parameter(1.78, "g/cm3", "Polymer Handbook (PVDF 1.76-1.78)"),
    "CMC": Parameter(1.60, "g/cm3", "Na-CMC, supplier data (~1.6)"),
    "CMC/SBR": Parameter(1.25, "g/cm3", "1:1 CMC (1.6) / SBR (0.94), Polymer Handbook"),
    "PAA": Parameter(1.22, "g/cm3", "poly(acrylic acid), Polymer Handbook"),
    "LiPAA": Parameter(1.40, "g/cm3", "lithiated PAA, engineering estimate"),
    "alginate": Parameter(1.60, "g/cm3", "sodium alginate, supplier data"),
    "PI": Parameter(1.42, "g/cm3", "polyimide (Kapton), DuPont data"),
    "other": Parameter(1.30, "g/cm3", "generic polymer binder, engineering estimate"),
}
CONDUCTIVE_DENSITY_G_CM3 = {
    "carbon_black": Parameter(1.90, "g/cm3", "carbon black skeletal density 1.8-2.1 (Cabot/Imerys data)"),
    "Super_P": Parameter(1.90, "g/cm3", "Imerys Super P Li skeletal density ~1.9"),
    "CNT": Parameter(1.80, "g/cm3", "MWCNT skeletal density ~1.8"),
    "SWCNT": Parameter(1.50, "g/cm3", "SWCNT bundle density ~1.3-1.5"),
    "graphene": Parameter(2.20, "g/cm3", "graphite-like, CRC Handbook"),
    "VGCF": Parameter(2.00, "g/cm3", "Showa Denko VGCF ~2.0"),
    "none": Parameter(2.00, "g/cm3", "unused"),
}
STACK_DEFAULTS = {
    "al_foil_um": Parameter(12.0, "um", "Al foil 12 um: typical of current high-energy cells (BatPaC structure, "
                            "ANL-12/55; BatPaC 2012 used 20 um)"),
    "cu_foil_um": Parameter(8.0, "um", "Cu foil 8 um: schema default electrode.current_collector_thickness_um"),
    "separator_um": Parameter(12.0, "um", "PE separator 12 um, typical of high-energy cells (Arora & Zhang, "
                              "Chem. Rev. 104 (2004) 4419 for separator properties)"),
    "separator_porosity": Parameter(0.40, "-", "Arora & Zhang, Chem. Rev. 104 (2004) 4419 (~40 %)"),
    "separator_density_g_cm3": Parameter(0.94, "g/cm3", "polyethylene, Polymer Handbook"),
    "coin_separator_um": Parameter(25.0, "um", "Celgard 2400 datasheet (coin half cells)"),
    "coin_separator_porosity": Parameter(0.41, "-", "Celgard 2400 datasheet"),
    "electrolyte_density_g_cm3": Parameter(1.25, "g/cm3", "1 M LiPF6 in EC/DEC or EC/DMC: 1.2-1.3 g/cm3"),
    "electrolyte_margin": Parameter(0.10, "-", "electrolyte excess over the pore volume: engineering estimate"),
    "cathode_porosity": Parameter(0.25, "-", "calendered NCM cathode ~25 %: typical industrial value (engineering estimate)"),
    "cathode_active_wt_frac": Parameter(0.96, "-", "96:2:2 NCM:PVDF:carbon, typical industrial high-energy cathode"),
    "cathode_binder_wt_frac": Parameter(0.02, "-", "96:2:2 (see cathode_active_wt_frac)"),
    "cathode_conductive_wt_frac": Parameter(0.02, "-", "96:2:2 (see cathode_active_wt_frac)"),
    "anode_porosity": Parameter(0.30, "-", "calendered graphite/Si anode ~30 %: typical industrial value (engineering "
                                "estimate); used when a design gives neither porosity nor press density"),
    "sse_separator_um": Parameter(30.0, "um", "sulfide SSE separator films 30-50 um: design assumption"),
    "solid_cathode_sse_wt_frac": Parameter(0.27, "-", "composite cathodes of sulfide ASSBs ~60-80 wt% NCM "
                                           "(e.g. Tan et al., Science 373 (2021) 1494, seeds/001 §3.2, 004 §3.3)"),
    "cathode_loading_mg_cm2": Parameter(18.75, "mg/cm2", "seeds/002 §2.3: NCM811 pouch, 18.75 mg/cm2 (used when "
                                        "a cell section gives no cathode loading, e.g. the graphite reference)"),
}
#: The values of :data:`STACK_DEFAULTS` (read-only; built once, as the coatings of every design read them).
STACK_DEFAULT_VALUES = MappingProxyType({k: v.value for k, v in STACK_DEFAULTS.items()})


def sse_density_g_cm3(sse_class: str) -> float:
    """Density (g/cm3) of a solid-electrolyte class (data of :mod:`sianode.solidstate.electrolytes`)."""
    from sianode.solidstate.electrolytes import sse_class_properties

    return sse_class_properties(sse_class).density.value / 1000.0


@dataclass(frozen=True)
class Coating:
    """Formulation and packing of one electrode coating (fractions of the dry coating mass)."""

    active_wt_frac: float
    binder_wt_frac: float
    conductive_wt_frac: float
    sse_wt_frac: float = 0.0
    binder_density_g_cm3: float = 1.78
    conductive_density_g_cm3: float = 1.90
    sse_density_g_cm3: float = 1.64
    porosity: Any = None
    press_density_g_cm3: Any = None
    thickness_um: Any = None
    foil_um: float = 12.0


def cathode_coating_default(solid: bool = False, **kw) -> Coating:
    """The default cathode coating (96:2:2 NCM, 25 % porosity; solid state: SSE composite, 10 %)."""
    d = STACK_DEFAULT_VALUES
    if solid:
        base = dict(active_wt_frac=1 - d["solid_cathode_sse_wt_frac"] - 0.03, binder_wt_frac=0.0,
                    conductive_wt_frac=0.03, sse_wt_frac=d["solid_cathode_sse_wt_frac"], porosity=0.10)
    else:
        base = dict(active_wt_frac=d["cathode_active_wt_frac"], binder_wt_frac=d["cathode_binder_wt_frac"],
                    conductive_wt_frac=d["cathode_conductive_wt_frac"], porosity=d["cathode_porosity"])
    base.update(binder_density_g_cm3=BINDER_DENSITY_G_CM3["PVDF"].value, foil_um=d["al_foil_um"])
    base.update(kw)
    return Coating(**base)


def anode_coating_default(**kw) -> Coating:
    """A default graphite-type anode coating (95:3.5:1.5, CMC/SBR, 30 % porosity, 8 µm Cu)."""
    d = STACK_DEFAULT_VALUES
    base = dict(active_wt_frac=0.95, binder_wt_frac=0.035, conductive_wt_frac=0.015,
                binder_density_g_cm3=BINDER_DENSITY_G_CM3["CMC/SBR"].value, porosity=d["anode_porosity"],
                foil_um=d["cu_foil_um"])
    base.update(kw)
    return Coating(**base)


def cathode_coating(design) -> Coating:
    """The cathode coating of a design (``cell.cathode_electrode``): formulation, densities, packing, Al foil.

    Packing: press density if given, else porosity if given, else (with ``thickness_um`` alone) the thickness,
    else :data:`STACK_DEFAULTS` ``cathode_porosity``. A thickness *with* a packing fixes the loading
    (:func:`cathode_loading_from_thickness`, used by the loading rule), so the coating carries the packing.
    Solid-state designs use the SSE composite cathode of :func:`cathode_coating_default`.
    """
    ce = design.cell.cathode_electrode
    d = STACK_DEFAULT_VALUES
    if design.electrolyte.kind == "solid":
        return cathode_coating_default(solid=True, foil_um=ce.al_foil_um)
    kw = dict(active_wt_frac=ce.active_wt_frac, binder_wt_frac=ce.binder_wt_frac,
              conductive_wt_frac=ce.conductive_wt_frac, binder_density_g_cm3=BINDER_DENSITY_G_CM3[ce.binder].value,
              conductive_density_g_cm3=CONDUCTIVE_DENSITY_G_CM3[ce.conductive_additive].value, foil_um=ce.al_foil_um,
              porosity=None, press_density_g_cm3=None, thickness_um=None)
    if ce.press_density_g_cm3 is not None:
        kw["press_density_g_cm3"] = ce.press_density_g_cm3
    elif ce.porosity is not None:
        kw["porosity"] = ce.porosity
    elif ce.thickness_um is not None:
        kw["thickness_um"] = ce.thickness_um
    else:
        kw["porosity"] = d["cathode_porosity"]
    return Coating(**kw)


def cathode_loading_from_thickness(c: Coating, thickness_um: float, rho_active: float) -> float:
    """Active loading (mg/cm2) of a coating of ``thickness_um`` packed at ``c``'s porosity or press density.

    ``m_active = w_active t (1 - porosity) rho_solid`` or ``w_active t rho_press`` (module docstring).
    """
    t = float(thickness_um) * 1e-4
    if c.press_density_g_cm3 is not None:
        return float(c.active_wt_frac * t * float(c.press_density_g_cm3) * 1e3)
    if c.porosity is None:
        raise InputError("a coating thickness fixes the loading only with a porosity or a press density",
                         field="cell.cathode_electrode.thickness_um")
    inv = (c.active_wt_frac / rho_active + c.binder_wt_frac / c.binder_density_g_cm3
           + c.conductive_wt_frac / c.conductive_density_g_cm3 + c.sse_wt_frac / c.sse_density_g_cm3)
    return float(c.active_wt_frac * t * (1 - float(c.porosity)) / inv * 1e3)


def anode_coating(design) -> Coating:
    """The anode coating of a design: its formulation, binder and additive densities, packing and foil.

    Solid-state designs mix ``electrolyte.anode_sse_wt_frac`` of solid electrolyte into the coating
    (the other fractions scaled by ``1 - sse``). Packing: ``electrode.press_density_g_cm3`` if given,
    else ``electrode.porosity``, else :data:`STACK_DEFAULTS` ``anode_porosity``.
    """
    el = design.electrode
    sse, rho_sse = 0.0, 1.64
    if design.electrolyte.kind == "solid":
        sse = float(design.electrolyte.anode_sse_wt_frac)
        rho_sse = sse_density_g_cm3(design.electrolyte.sse_class)
    k = 1.0 - sse
    kw = dict(active_wt_frac=el.active_wt_frac * k, binder_wt_frac=el.binder_wt_frac * k,
              conductive_wt_frac=el.conductive_wt_frac * k, sse_wt_frac=sse, sse_density_g_cm3=rho_sse,
              binder_density_g_cm3=BINDER_DENSITY_G_CM3[el.binder].value,
              conductive_density_g_cm3=CONDUCTIVE_DENSITY_G_CM3[el.conductive_additive].value,
              foil_um=el.current_collector_thickness_um, porosity=None, press_density_g_cm3=None)
    if el.press_density_g_cm3 is not None:
        kw["press_density_g_cm3"] = el.press_density_g_cm3
    else:
        kw["porosity"] = el.porosity if el.porosity is not None else STACK_DEFAULTS["anode_porosity"].value
    return Coating(**kw)


def packing_source(design) -> str:
    """Which design field fixes the anode coating's packing (for provenance tables)."""
    el = design.electrode
    if el.press_density_g_cm3 is not None:
        return "electrode.press_density_g_cm3"
    if el.porosity is not None:
        return "electrode.porosity"
    return f"default anode porosity {STACK_DEFAULTS['anode_porosity'].value:g} (sianode.electrode.coating.STACK_DEFAULTS)"


def coating_geometry(c: Coating, active_mg_cm2, rho_active, extra_mg_cm2=0.0, extra_rho=1.0, where="coating") -> dict:
    """Coating mass (g/cm2), solid volume and thickness (cm), porosity and volume fractions (arrays broadcast).

    ``rho_active`` is the active particles' envelope density (module docstring); ``extra_mg_cm2`` of
    density ``extra_rho`` is added to the solids (e.g. a sacrificial cathode additive).
    Returns mass, mass_active, mass_inactive (g/cm2), v_solid, thickness (cm), porosity, rho_solid and the
    volume fractions phi_active, phi_binder, phi_conductive, phi_sse, phi_extra. One design's floats are
    computed as NumPy scalars (:mod:`sianode.electrode.scalars`: the same numbers as 0-d arrays).
    """
    fr = (c.active_wt_frac, c.binder_wt_frac, c.conductive_wt_frac, c.sse_wt_frac)
    if any(f < 0 or f > 1 for f in fr) or c.active_wt_frac <= 0:
        raise InputError("mass fractions must be in [0, 1] with active > 0", field=f"{where}.active_wt_frac")
    if abs(sum(fr) - 1.0) > 1e-3:
        raise InputError(f"active + binder + conductive + sse mass fractions = {sum(fr):.4g}; must sum to 1",
                         field=f"{where}.active_wt_frac")
    rho_a = farray(rho_active)
    if anytrue(~np.isfinite(rho_a)) or anytrue(rho_a <= 0):
        raise InputError(f"active material density must be > 0 g/cm3, got {rho_active!r}", field=f"{where}.density")
    m_act = farray(active_mg_cm2) * 1e-3
    m_tot = m_act / c.active_wt_frac
    m_extra = farray(extra_mg_cm2) * 1e-3
    v_act = m_act / rho_a
    v_bin = m_tot * c.binder_wt_frac / c.binder_density_g_cm3
    v_con = m_tot * c.conductive_wt_frac / c.conductive_density_g_cm3
    v_sse = m_tot * c.sse_wt_frac / c.sse_density_g_cm3
    v_ext = m_extra / extra_rho
    v_solid = v_act + v_bin + v_con + v_sse + v_ext
    m_all = m_tot + m_extra
    rho_solid = m_all / v_solid
    given = [k for k in ("porosity", "press_density_g_cm3", "thickness_um") if getattr(c, k) is not None]
    if len(given) != 1:
        raise InputError(f"give exactly one of porosity, press_density_g_cm3, thickness_um (got {given or 'none'})",
                         field=f"{where}.porosity")
    if c.porosity is not None:
        eps = np.asarray(c.porosity, dtype=float)
        if anytrue(eps < 0) or anytrue(eps >= 1):
            raise InputError(f"porosity must be in [0, 1), got {c.porosity!r}", field=f"{where}.porosity")
        t = v_solid / (1 - eps)
    elif c.press_density_g_cm3 is not None:
        rho_p = farray(c.press_density_g_cm3)
        eps = 1 - rho_p / rho_solid
        if anytrue(rho_p <= 0) or anytrue(eps <= 0):
            raise InputError(f"press density {c.press_density_g_cm3!r} g/cm3 is not below the density of the packed "
                             f"solids ({float(np.min(rho_solid)):.3g} g/cm3 with the particles' envelope density): "
                             "porosity would be <= 0; lower the press density", field=f"{where}.press_density_g_cm3")
        t = m_all / rho_p
    else:
        t = np.asarray(c.thickness_um, dtype=float) * 1e-4
        eps = 1 - v_solid / t
        if anytrue(eps < 0):
            t_min = float(np.max(v_solid)) * 1e4
            raise InputError(f"the loading ({float(np.max(active_mg_cm2)):.4g} mg/cm2 active) cannot fit in "
                             f"thickness_um = {c.thickness_um!r}: even at zero porosity it needs {t_min:.4g} um",
                             field=f"{where}.thickness_um")
    return dict(mass=m_all, mass_active=m_act, mass_inactive=m_tot - m_act, v_solid=v_solid, thickness=t,
                porosity=eps, rho_solid=rho_solid, phi_active=v_act / t, phi_binder=v_bin / t,
                phi_conductive=v_con / t, phi_sse=v_sse / t, phi_extra=v_ext / t)


#: Fields of a :class:`Coating` that may be arrays (one value per design of a batch): its packing.
PACKING_FIELDS = ("porosity", "press_density_g_cm3", "thickness_um")
_PACKING_AT = [i for i, f in enumerate(fields(Coating)) if f.name in PACKING_FIELDS]  # their places among the fields


def formulation_key(c: Coating) -> tuple:
    """What designs must share for their coatings to be one :func:`stack_coatings` (all but the packing
    numbers; which packing is given is shared)."""
    key = list(vars(c).values())  # the fields in their order (a dataclass sets them so)
    for i in _PACKING_AT:
        if key[i] is not None and not isinstance(key[i], str):
            key[i] = "number"
    return tuple(key)


def stack_coatings(coatings) -> Coating:
    """Coatings of one :func:`formulation_key` as one coating whose given packing is an array (one per design)."""
    c0 = coatings[0]
    return replace(c0, **{f: np.array([getattr(c, f) for c in coatings], dtype=float)
                          for f in PACKING_FIELDS if getattr(c0, f) is not None})


def grouped_geometries(coatings, active_mg_cm2, rho_active, where: str = "coating") -> list[tuple[list[int], dict]]:
    """:func:`coating_geometry` of many designs' coatings: ``[(indices, geometry), ...]``, one call per group of one
    :func:`formulation_key` with arrays (a design alone: with its floats). If a group fails, the designs are re-run
    one by one in their order, so a batch raises the error its first invalid design raises alone."""
    m = np.asarray(active_mg_cm2, dtype=float)
    rho = np.asarray(rho_active, dtype=float)
    groups: dict = {}
    keys: dict = {}  # each coating object's key once (a batch's designs may share one, e.g. the cell stage's cathode's)
    for i, c in enumerate(coatings):
        k = keys.get(id(c))
        if k is None:
            k = keys[id(c)] = formulation_key(c)
        groups.setdefault(k, []).append(i)
    out = []
    for idx in groups.values():
        if len(idx) == 1:
            i = idx[0]
            g = coating_geometry(coatings[i], float(m[i]), float(rho[i]), where=where)
        else:
            try:
                g = coating_geometry(stack_coatings([coatings[i] for i in idx]), m[idx], rho[idx], where=where)
            except InputError:
                for i in range(len(coatings)):  # the first invalid design's own error
                    coating_geometry(coatings[i], float(m[i]), float(rho[i]), where=where)
                raise
        out.append((idx, g))
    return out


def coating_pores(coatings, active_mg_cm2, rho_active, where: str = "coating"):
    """(porosity, thickness in cm) of many designs' coatings (arrays (n,)), from :func:`grouped_geometries`."""
    por, thick = np.empty(len(coatings)), np.empty(len(coatings))
    for idx, g in grouped_geometries(coatings, active_mg_cm2, rho_active, where):
        por[idx], thick[idx] = g["porosity"], g["thickness"]
    return por, thick


@dataclass(frozen=True)
class AnodeGeometry:
    """The design's anode coating at its active loading (scalars; units in the names)."""

    loading_mg_cm2: float
    thickness_um: float
    porosity: float
    press_density_g_cm3: float
    active_volume_fraction: float
    binder_volume_fraction: float
    conductive_volume_fraction: float
    sse_volume_fraction: float
    envelope_density_g_cm3: float
    packing: str


def anode_geometry(design, envelope_density_g_cm3: float, anode_mg_cm2: float) -> AnodeGeometry:
    """Geometry of the design's anode coating (:func:`anode_coating`) at ``anode_mg_cm2`` active loading:
    :func:`anode_geometries` of one design.

    ``envelope_density_g_cm3`` is the materials stage's particle envelope density (module docstring).
    """
    return anode_geometries([design], [envelope_density_g_cm3], [anode_mg_cm2])[0]


#: The :func:`coating_geometry` outputs an :class:`AnodeGeometry` reads, in the order :func:`anode_geometries` takes.
_GEOMETRY_KEYS = ("thickness", "porosity", "mass", "phi_active", "phi_binder", "phi_conductive", "phi_sse")


def anode_geometries(designs, envelope_density_g_cm3, anode_mg_cm2) -> list[AnodeGeometry]:
    """:func:`anode_geometry` of many designs (one value per design in each sequence): the coatings' geometry in one
    array call per formulation (:func:`grouped_geometries`); each design's numbers are those it has alone."""
    out: list = [None] * len(designs)
    for idx, g in grouped_geometries([anode_coating(d) for d in designs], anode_mg_cm2, envelope_density_g_cm3,
                                     where="electrode"):
        cols = zip(*(np.broadcast_to(g[k], (len(idx),)).tolist() for k in _GEOMETRY_KEYS))
        for i, (t, eps, mass, phi_a, phi_b, phi_c, phi_s) in zip(idx, cols):
            out[i] = AnodeGeometry(float(anode_mg_cm2[i]), t * 1e4, eps, mass / t, phi_a, phi_b, phi_c, phi_s,
                                   float(envelope_density_g_cm3[i]), packing_source(designs[i]))
    return out
