"""Graphite data: capacity, density, LiC6 expansion, reference surface area and the OCP of pure graphite.

Foundation layer: the materials stage (graphite in Si/graphite blends), the echem stage (graphite
phase) and the cell stage (graphite reference cell) read graphite from here, so graphite has one
definition. Properties that need a model (the first-cycle SEI loss on this surface) are computed by
:func:`sianode.materials.composites.graphite_properties` from these data.
"""
from __future__ import annotations

import numpy as np

from sianode.constants import FARADAY_C_MOL, M_C_G_MOL, MAH_PER_C
from sianode.errors import InputError
from sianode.msmr import MSMRElectrode
from sianode.provenance import Parameter

#: LiC6 from Faraday's law, per g of carbon: 371.9 mAh/g.
THEORETICAL_CAPACITY_MAH_G = FARADAY_C_MOL * MAH_PER_C / (6 * M_C_G_MOL)

GRAPHITE: dict[str, Parameter] = {
    "reversible_artificial_mAh_g": Parameter(360.0, "mAh/g", "typical battery-grade artificial graphite "
                                             "(~97 % of LiC6 372 mAh/g)"),
    "reversible_natural_mAh_g": Parameter(365.0, "mAh/g", "typical spheroidised natural graphite"),
    "density_g_cm3": Parameter(2.26, "g/cm3", "CRC Handbook (graphite 2.26)"),
    "expansion_LiC6": Parameter(0.12, "-", "seeds/004 Table 1 (C -> LiC6: 12 %)"),
    "bet_m2_g_at_15um": Parameter(1.5, "m2/g", "Winter, Novák & Monnier, J. Electrochem. Soc. 145 (1998) "
                                  "428 (battery graphites 1–4 m2/g); scaled as 1/D50", "reference BET at D50 = 15 µm"),
    "reference_d50_um": Parameter(15.0, "um", "D50 at which bet_m2_g_at_15um applies"),
}

#: Pure graphite OCP: MSMR table of Verbrugge et al. (2017), Table 1 (graphite), as in PyBaMM's MSMR example set.
GRAPHITE_MSMR = MSMRElectrode(
    U0_V=(0.08843, 0.12799, 0.14331, 0.16984, 0.21446, 0.36325),
    X=(0.43336, 0.23963, 0.15018, 0.05462, 0.06744, 0.05476),
    omega=(0.08611, 0.08009, 0.72469, 2.53277, 0.09470, 5.97354),
    source=("Verbrugge, Baker, Koch, Xiao & Gu, J. Electrochem. Soc. 164 (2017) E3243, Table 1 (graphite, "
            "MSMR; the values of PyBaMM's MSMR example set)"),
    u_min_V=-0.1, u_max_V=2.0)

GRAPHITE_OCV_SOURCE = ("pure graphite: " + GRAPHITE_MSMR.source + "; sto = x in LixC6")

#: The LG M50 negative electrode is graphite with a few % SiOx: its OCP is the blend's, not graphite's.
LGM50_GRAPHITE_SIOX_OCV_SOURCE = ("Chen, Brosa Planella, O'Regan, Gastol, Widanage & Kendrick, J. Electrochem. Soc. "
                                  "167 (2020) 080534 (LG M50 graphite-SiOx negative electrode OCP fit; PyBaMM Chen2020)")


def reversible_capacity_mAh_g(graphite_type: str = "artificial") -> float:
    """Reversible capacity (mAh/g) of 'artificial' or 'natural' graphite (:data:`GRAPHITE`)."""
    key = f"reversible_{graphite_type}_mAh_g"
    if key not in GRAPHITE:
        raise InputError(f"unknown graphite type {graphite_type!r}; allowed: artificial, natural",
                         field="active.graphite_type")
    return float(GRAPHITE[key])


def specific_surface_area_m2_g(diameter_um: float) -> float:
    """BET of graphite of D50 ``diameter_um``: the reference BET scaled as 1/D50 (m2/g)."""
    if not diameter_um > 0:
        raise InputError(f"graphite D50 must be > 0 µm, got {diameter_um!r}", field="active.graphite_diameter_um")
    return float(GRAPHITE["bet_m2_g_at_15um"]) * float(GRAPHITE["reference_d50_um"]) / float(diameter_um)


def expansion_at_capacity(capacity_mAh_g: float) -> float:
    """Volume expansion of graphite lithiated to ``capacity_mAh_g`` (linear in x of LixC6 up to LiC6)."""
    return float(GRAPHITE["expansion_LiC6"]) * float(capacity_mAh_g) / THEORETICAL_CAPACITY_MAH_G


def _check_sto(sto):
    s = np.asarray(sto, dtype=float)
    if not np.all(np.isfinite(s)) or np.any(s < 0) or np.any(s > 1):
        raise InputError(f"sto (x in LixC6) must be in [0, 1], got {sto!r}", field="sto")
    return s


def graphite_ocv_V(sto):
    """Pure graphite OCP vs Li/Li+ (V) at stoichiometry ``sto`` = x in LixC6, sto in [0, 1].

    Inverse of the MSMR site-filling law (:mod:`sianode.msmr`) with Verbrugge et al. (2017)'s six
    graphite reactions (:data:`GRAPHITE_MSMR`): stages near 0.21, 0.14, 0.13 and 0.09 V. The table's
    sites add up to 0.99999, so sto -> 1 gives the bracket's lower end (-0.1 V) and sto -> 0 its upper
    end (2.0 V); between 0.01 and 0.98 the curve is the published fit. Graphite's hysteresis
    (~10-20 mV) is neglected.
    """
    s = _check_sto(sto)
    u = GRAPHITE_MSMR.U_of_x(s)
    return float(u) if np.ndim(u) == 0 else u


def lgm50_graphite_siox_ocv_V(sto):
    """OCP (V) of the LG M50's graphite-SiOx negative electrode (Chen et al. 2020), sto in [0, 1].

    U = 1.9793 e^{-39.3631 s} + 0.2482 - 0.0909 tanh(29.8538 (s - 0.1234))
        - 0.04478 tanh(14.9159 (s - 0.2769)) - 0.0205 tanh(30.4444 (s - 0.6103))

    A blend fit (graphite with a few % SiOx), meant only for that electrode (e.g. comparisons with
    PyBaMM's Chen2020 parameter set); pure graphite is :func:`graphite_ocv_V`.
    """
    s = _check_sto(sto)
    u = (1.9793 * np.exp(-39.3631 * s) + 0.2482 - 0.0909 * np.tanh(29.8538 * (s - 0.1234))
         - 0.04478 * np.tanh(14.9159 * (s - 0.2769)) - 0.0205 * np.tanh(30.4444 * (s - 0.6103)))
    return float(u) if np.ndim(u) == 0 else u
