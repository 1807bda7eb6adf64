"""One rule for the anode and cathode loadings of a design, and one N/P basis conversion.

A full cell with an N/P ratio has one free loading: the other follows from N/P on the chosen basis
(seeds/003 §4.3 for the N/P guidance):

* ``np_basis = 'reversible'``:        N/P = m_a Q_a,rev / (m_c Q_c,rev)
* ``np_basis = 'first_lithiation'``:  N/P = m_a Q_a,first / (m_c Q_c,ch)

with m the active loadings (mg/cm2), Q_a,rev and Q_a,first the anode's reversible and first-lithiation
specific capacities (materials stage) and Q_c,rev and Q_c,ch the cathode's reversible and first-charge
capacities (:mod:`sianode.cathodes`). Dividing the two definitions gives the conversion used by every
stage (:func:`np_ratio_reversible`)::

    N/P_rev = N/P_first * ICE_a / ICE_c          ICE_a = Q_a,rev / Q_a,first,  ICE_c = Q_c,rev / Q_c,ch

so the same two loadings written on either basis describe the same cell. Using the anode ICE alone
(forgetting the cathode's first-charge efficiency) would make the two spellings different cells.

Rule: if ``cell.cathode_loading_mg_cm2`` is given, the anode loading is derived from it; if instead the
cathode coating is given by its thickness and its packing (``cell.cathode_electrode.thickness_um`` with a
porosity or press density), that fixes the cathode loading
(:func:`sianode.electrode.coating.cathode_loading_from_thickness`) and the anode loading follows; otherwise
the cathode loading is derived from ``electrode.loading_mg_cm2`` (given or its default). The schema
rejects a full-cell design that fixes both loadings. Half cells: the anode loading as given, no cathode.
The cathode's data are the design's (:func:`sianode.cathodes.design_cathode`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sianode.cathodes import design_cathode, get_cathode
from sianode.electrode.coating import cathode_coating, cathode_loading_from_thickness
from sianode.errors import InputError


@dataclass(frozen=True)
class FullCellLoadings:
    """Effective active loadings (mg/cm2) of a design; ``cathode_mg_cm2`` is None for half cells.

    ``np_ratio_reversible`` is the design's N/P on the reversible basis (None for half cells).
    """

    anode_mg_cm2: float
    cathode_mg_cm2: float | None
    anode_given: bool  # True: the anode loading is the design's input (cathode derived, or half cell)
    note: str
    np_ratio_reversible: float | None = None


def _anode_capacity(props, basis: str) -> float:
    if basis == "reversible":
        return float(props.reversible_capacity_mAh_g)
    return float(props.first_lithiation_capacity_mAh_g)


def _cathode_capacity(cathode, basis: str) -> float:
    if basis == "reversible":
        return float(cathode.reversible_capacity_mAh_g)
    return float(cathode.first_charge_capacity_mAh_g)


def np_ratio_reversible(np_ratio, basis: str, anode_ice, cathode_ice):
    """N/P on the reversible basis from N/P on ``basis``: ``N/P_first * ICE_a / ICE_c`` (module docstring)."""
    if basis == "reversible":
        return np.asarray(np_ratio, dtype=float) + 0.0
    if basis != "first_lithiation":
        raise InputError(f"np_basis must be 'reversible' or 'first_lithiation', got {basis!r}", field="cell.np_basis")
    a, c = np.asarray(anode_ice, dtype=float), np.asarray(cathode_ice, dtype=float)
    if np.any((a <= 0) | (a > 1)) or np.any((c <= 0) | (c > 1)):
        raise InputError("anode and cathode ICE must be in (0, 1]", field="ice")
    return np.asarray(np_ratio, dtype=float) * a / c


def np_ratio_on_basis(np_ratio_rev, basis: str, anode_ice, cathode_ice):
    """Inverse of :func:`np_ratio_reversible`: the reversible N/P written on ``basis``."""
    if basis == "reversible":
        return np.asarray(np_ratio_rev, dtype=float) + 0.0
    return np.asarray(np_ratio_rev, dtype=float) / np_ratio_reversible(1.0, basis, anode_ice, cathode_ice)


def full_cell_loadings(design, props) -> FullCellLoadings:
    """Anode and cathode active loadings of ``design`` under the shared N/P rule (module docstring).

    ``props`` needs ``reversible_capacity_mAh_g`` and ``first_lithiation_capacity_mAh_g`` (mAh per g of
    anode active material), i.e. the materials stage's ``CompositeProperties``; it may be None for a
    half cell.
    """
    el, c = design.electrode, design.cell
    if c.kind != "full":
        return FullCellLoadings(float(el.loading_mg_cm2), None, True,
                                f"half cell: anode loading {el.loading_mg_cm2:g} mg/cm2 (electrode.loading_mg_cm2)")
    if props is None:
        raise InputError("a full cell's loadings need the anode capacities of the materials stage", field="upstream")
    cathode = design_cathode(design)
    qa = _anode_capacity(props, c.np_basis)
    qc = _cathode_capacity(cathode, c.np_basis)
    np_rev = float(np_ratio_reversible(c.np_ratio, c.np_basis, props.reversible_capacity_mAh_g
                                       / props.first_lithiation_capacity_mAh_g, cathode.ice))
    m_c_geo = cathode_loading_from_geometry(design)
    if c.cathode_loading_mg_cm2 is not None or m_c_geo is not None:
        m_c = float(c.cathode_loading_mg_cm2) if c.cathode_loading_mg_cm2 is not None else m_c_geo
        m_a = c.np_ratio * m_c * qc / qa
        src = (f"cell.cathode_loading_mg_cm2 = {m_c:g} mg/cm2" if c.cathode_loading_mg_cm2 is not None else
               f"the cathode coating's thickness and packing ({m_c:.4g} mg/cm2, cell.cathode_electrode)")
        note = (f"full cell: anode loading {m_a:.4g} mg/cm2 derived from {src} and N/P = {c.np_ratio:g} "
                f"({c.np_basis} basis); electrode.loading_mg_cm2 not used")
        return FullCellLoadings(m_a, m_c, False, note, np_rev)
    m_a = float(el.loading_mg_cm2)
    m_c = m_a * qa / (c.np_ratio * qc)
    note = (f"full cell: cathode loading {m_c:.4g} mg/cm2 derived from electrode.loading_mg_cm2 = {m_a:g} mg/cm2 "
            f"and N/P = {c.np_ratio:g} ({c.np_basis} basis)")
    return FullCellLoadings(m_a, m_c, True, note, np_rev)


def loadings_key(design, props) -> tuple:
    """Everything :func:`full_cell_loadings` reads of ``design`` and ``props`` (the anode capacities, the anode
    loading, the electrolyte's kind for the cathode coating, the cell section): loadings stored with an equal key
    are this design's."""
    caps = (None, None) if props is None else (props.reversible_capacity_mAh_g, props.first_lithiation_capacity_mAh_g)
    return (*caps, design.electrode.loading_mg_cm2, design.electrolyte.kind, design.cell)


@dataclass(frozen=True)
class StoredLoadings:
    """A design's loadings with the :func:`loadings_key` of their inputs, as the materials stage keeps them
    (``extras["loadings"]``) for the later stages (:func:`design_loadings`)."""

    key: tuple
    loadings: FullCellLoadings

    def __deepcopy__(self, memo):
        """Itself: it is read-only, and a deep copy of the extras (a calibration posterior row's) would otherwise copy
        the design's cell section in the key (~70 us)."""
        return self


def design_loadings(design, props) -> FullCellLoadings:
    """:func:`full_cell_loadings` of ``design``, read from ``props.extras["loadings"]`` (:class:`StoredLoadings`)
    when they were computed from the same inputs, else computed (e.g. a calibration posterior row: a copy of the
    nominal extras with other capacities)."""
    stored = getattr(props, "extras", {}).get("loadings")
    if stored is not None and stored.key == loadings_key(design, props):
        return stored.loadings
    return full_cell_loadings(design, props)


def cathode_loading_from_geometry(design) -> float | None:
    """Cathode active loading (mg/cm2) fixed by ``cell.cathode_electrode.thickness_um`` and its packing, else None."""
    ce = design.cell.cathode_electrode
    if design.cell.kind != "full" or ce.thickness_um is None or (ce.porosity is None and ce.press_density_g_cm3 is None):
        return None
    return cathode_loading_from_thickness(cathode_coating(design), ce.thickness_um,
                                          design_cathode(design).density_g_cm3)


def implied_np_ratio(anode_mg_cm2: float, cathode_mg_cm2: float, props, cathode_name: str, basis: str) -> float:
    """N/P ratio implied by two loadings (inverse of :func:`full_cell_loadings`; for checks and tests)."""
    cathode = get_cathode(cathode_name)
    return anode_mg_cm2 * _anode_capacity(props, basis) / (cathode_mg_cm2 * _cathode_capacity(cathode, basis))
