"""The graphite reference cell: the same cell with an artificial-graphite anode, one definition.

What it is
----------
The cell stage reports every design against a graphite cell built around the same *cell section*
(``design.cell``: cathode, cathode loading, N/P and its basis, format, separator, E/C) and the same
electrolyte class, so two designs with the same cell section have the same reference, whatever their
anode. The anode is artificial graphite (:func:`sianode.materials.composites.graphite_properties`,
D50 15 µm: capacity, first-cycle SEI loss, density and LiC6 expansion from :mod:`sianode.graphite`) in
the default graphite coating (95:3.5:1.5 CMC/SBR, 30 % porosity, 8 µm Cu;
:func:`sianode.electrode.coating.anode_coating_default`), no prelithiation, no irreversible swelling.

* cathode loading: ``cell.cathode_loading_mg_cm2``, else
  :data:`sianode.electrode.coating.STACK_DEFAULTS` ``cathode_loading_mg_cm2`` (18.75 mg/cm2, seeds/002);
* half-cell designs (a coin cell has no cell section to compare): NCM811, N/P 1.1 on the reversible
  basis, pouch -- the matched pouch the cell stage builds around a half-cell anode;
* electrolyte: ``cell.ec_ratio_g_Ah`` if given, else the reference cell's own pores + margin.

Issue 15 will rebuild the reference with the full format/BOM model; this module is its one owner.
"""
from __future__ import annotations

from sianode.cell.anode import AnodeComponent, component_from_properties, single
from sianode.cell.stack import CellResult, SolidState, cell_model
from sianode.cathodes import get_cathode
from sianode.electrode.coating import STACK_DEFAULTS, anode_coating_default

#: The cell around a half-cell design's anode (and its graphite reference).
MATCHED_NP = 1.1
MATCHED_CATHODE = "NCM811"
MATCHED_FORMAT = "pouch"


def graphite_component(graphite_type: str = "artificial", diameter_um: float = 15.0) -> AnodeComponent:
    """Graphite as a cell-model anode component, from the materials stage's graphite model."""
    from sianode.materials.composites import component_voltage_curve, graphite_properties

    g = graphite_properties(graphite_type, diameter_um)
    g.voltage_curve = component_voltage_curve(g)
    return component_from_properties(g)


def reference_kwargs(design) -> dict:
    """Keyword arguments of :func:`sianode.cell.stack.cell_model` for the graphite reference of ``design``."""
    c = design.cell
    half = c.kind != "full"
    kw = dict(anode_coating=anode_coating_default(), prelithiation="none",
              cathode_loading_mg_cm2=(c.cathode_loading_mg_cm2 if (not half and c.cathode_loading_mg_cm2 is not None)
                                      else STACK_DEFAULTS["cathode_loading_mg_cm2"].value),
              np_ratio=MATCHED_NP if half else c.np_ratio, np_basis="reversible" if half else c.np_basis,
              allow_np_below_1=c.allow_np_below_1, cell_format=MATCHED_FORMAT if half else c.format)
    if c.ec_ratio_g_Ah is not None:
        kw.update(electrolyte="ec_ratio", ec_ratio_g_Ah=c.ec_ratio_g_Ah)
    kw.update(separator_kwargs(design))
    return kw


def separator_kwargs(design) -> dict:
    """The design's separator and electrolyte class as :func:`~sianode.cell.stack.cell_model` arguments."""
    c, kw = design.cell, {}
    if c.separator_um is not None:
        kw["separator_um"] = c.separator_um
    if c.separator_porosity is not None:
        kw["separator_porosity"] = c.separator_porosity
    if design.electrolyte.kind == "solid":
        kw["solid_state"] = SolidState(sse_class=design.electrolyte.sse_class)
    return kw


def graphite_reference(design) -> CellResult:
    """The graphite reference cell of ``design`` (module docstring); depends on the cell section only."""
    c = design.cell
    cathode = get_cathode(MATCHED_CATHODE if c.kind != "full" else c.cathode)
    return cell_model(cathode, single(graphite_component()), **reference_kwargs(design))
