"""The graphite reference cell: the same cell with an artificial-graphite anode, one definition.

What it is
----------
The cell stage reports every design against a graphite cell built from the same *cell section*
(``design.cell``): the same cathode (material data, coating formulation, packing, Al foil), the same
cathode loading, the same N/P and basis, the same format *geometry* (pouch footprint, layers or target
capacity; can and its internals, the roll filling it; prismatic can), the same separator and electrolyte
(class, density, excess or E/C). Two designs with the same cell section therefore have the same reference, whatever their
anode. The anode is artificial graphite (:func:`sianode.materials.composites.graphite_properties`, D50
15 µm: capacity, first-cycle SEI loss, density and LiC6 expansion from :mod:`sianode.graphite`, the pure
graphite OCP) in the default graphite coating (95:3.5:1.5 CMC/SBR, 30 % porosity, 8 µm Cu;
:func:`sianode.electrode.coating.anode_coating_default`), no prelithiation, swelling from the LiC6
expansion (no mechanics stage: an upper bound), no fade.

* cathode loading: ``cell.cathode_loading_mg_cm2``, or the loading the cathode's thickness and packing fix,
  else :data:`sianode.electrode.coating.STACK_DEFAULTS` ``cathode_loading_mg_cm2`` (18.75 mg/cm2, seeds/002)
  -- never the loading derived from the anode, so the reference does not move with the anode;
* half-cell designs (a coin cell has no cell section to compare): NCM811, N/P 1.1 on the reversible
  basis, default pouch -- the matched pouch the cell stage builds around a half-cell anode;
* electrolyte: ``cell.ec_ratio_g_Ah`` if given, else the reference cell's own pores + the design's excess.
"""
from __future__ import annotations

from functools import lru_cache

from sianode.cell import formats as _fmt
from sianode.cell.anode import AnodeComponent, component_from_properties, single
from sianode.cell.memo import KeyedMemo
from sianode.cell.stack import CellResult, SolidState, cell_model
from sianode.cathodes import design_cathode, get_cathode
from sianode.electrode.coating import STACK_DEFAULTS, anode_coating_default, cathode_coating
from sianode.electrode.loading import cathode_loading_from_geometry

#: The cell around a half-cell design's anode (and its graphite reference).
MATCHED_NP = 1.1
MATCHED_CATHODE = "NCM811"
MATCHED_FORMAT = "pouch"


@lru_cache(maxsize=16)
def graphite_component(graphite_type: str = "artificial", diameter_um: float = 15.0) -> AnodeComponent:
    """Graphite as a cell-model anode component, from the materials stage's graphite model (memoised: a pure
    function of its two arguments; the component is frozen)."""
    from sianode.materials.composites import component_voltage_curve, graphite_properties

    g = graphite_properties(graphite_type, diameter_um)
    g.voltage_curve = component_voltage_curve(g)
    return component_from_properties(g)


def reference_cathode_loading_mg_cm2(design) -> float:
    """The reference's cathode loading (module docstring): given, or fixed by the cathode geometry, or 18.75."""
    c = design.cell
    if c.kind != "full":
        return STACK_DEFAULTS["cathode_loading_mg_cm2"].value
    if c.cathode_loading_mg_cm2 is not None:
        return float(c.cathode_loading_mg_cm2)
    geo = cathode_loading_from_geometry(design)
    return float(geo) if geo is not None else STACK_DEFAULTS["cathode_loading_mg_cm2"].value


def reference_kwargs(design) -> dict:
    """Keyword arguments of :func:`sianode.cell.stack.cell_model` for the graphite reference of ``design``."""
    c = design.cell
    half = c.kind != "full"
    kw = dict(anode_coating=anode_coating_default(), prelithiation="none",
              cathode_loading_mg_cm2=reference_cathode_loading_mg_cm2(design),
              np_ratio=MATCHED_NP if half else c.np_ratio, np_basis="reversible" if half else c.np_basis,
              allow_np_below_1=c.allow_np_below_1,
              cell_format=MATCHED_FORMAT if half else _same_format(design),
              eol_cycles=design.protocol.cycles)
    if not half:
        kw["cathode_coating"] = cathode_coating(design)
    if c.ec_ratio_g_Ah is not None:
        kw.update(electrolyte="ec_ratio", ec_ratio_g_Ah=c.ec_ratio_g_Ah)
    kw.update(separator_kwargs(design))
    return kw


def _same_format(design):
    """The design's format for the reference: same pouch (footprint, layers or target) or the same can; a roll of
    given length is re-sized to fill that can (the graphite anode is thicker, the same length may not fit)."""
    from dataclasses import replace

    f = _fmt.format_from_design(design)
    if isinstance(f, (_fmt.CylindricalFormat, _fmt.PrismaticFormat)) and f.cathode_length_mm is not None:
        f = replace(f, cathode_length_mm=None)
    return f


def separator_kwargs(design) -> dict:
    """The design's separator and electrolyte (class, densities, excess) as :func:`~sianode.cell.stack.cell_model`
    arguments."""
    c, kw = design.cell, {}
    for k in ("separator_um", "separator_porosity", "separator_density_g_cm3", "electrolyte_density_g_cm3"):
        if getattr(c, k) is not None:
            kw[k] = getattr(c, k)
    if c.electrolyte_excess is not None:
        kw["electrolyte_margin"] = c.electrolyte_excess
    if design.electrolyte.kind == "solid":
        kw["solid_state"] = SolidState(sse_class=design.electrolyte.sse_class)
    return kw


def graphite_reference(design) -> CellResult:
    """The graphite reference cell of ``design`` (module docstring): a function of the design's cell and
    electrolyte sections and its cycle count only, so designs that share them (a sweep over the anode) share one
    reference, memoised on those sections. Treat the result as read-only."""
    key = (design.cell.model_dump_json(), design.electrolyte.model_dump_json(), int(design.protocol.cycles))
    return _REFERENCES.get(key, lambda: _build_reference(design))


def _build_reference(design) -> CellResult:
    cathode = get_cathode(MATCHED_CATHODE) if design.cell.kind != "full" else design_cathode(design)
    return cell_model(cathode, single(graphite_component()), **reference_kwargs(design))


#: Graphite reference cells already built, keyed by (cell section, electrolyte section, cycles) as JSON.
_REFERENCES = KeyedMemo()
