"""Electrode swelling: thickness change at full lithiation and irreversible growth over cycles.

Reversible swelling (packing model)
-----------------------------------
The coating is constrained in-plane by the current collector, so volume change goes into thickness
(seeds/002 §3.3 measures thickness). Solid volume per unit coating volume: active ``f_a`` (particle
envelope), binder ``f_b``, conductive ``f_c``; porosity ``eps = 1 - f_a - f_b - f_c``. At full
lithiation the active envelopes grow by the outward particle expansion ``e_p`` (after internal pore
accommodation, :mod:`sianode.mechanics.pores` / the materials stage). Particles first move into the
inter-particle pores, but a packed bed cannot densify beyond random close packing
(solid fraction 0.64, porosity ``eps_rcp = 0.36``; Scott & Kilgour, J. Phys. D 2 (1969) 863).
So the coating volume becomes

    V_new / V = max(1, (1 - eps + f_a e_p) / (1 - min(eps, eps_rcp)))

and the thickness change is ``V_new/V - 1``. Calendering (lower porosity) removes this buffer.

Irreversible growth (ratchet, assumed rates)
-------------------------------------------
Per cycle the delithiated thickness grows by ``omega * dh_rev`` with
``omega = omega_0 + omega_fracture [particles fracture] + omega_binder [binder damaged]``: cracked
particles do not re-pack and SEI fills the cracks; a damaged binder no longer pulls the particles back
(seeds/002 §3.1, §3.3; seeds/004 §2.1). The omegas are order-of-magnitude assumptions (not fitted):
0.2 %, 1 % and 0.5 % of the reversible swelling per cycle. The seeds/002 100-cycle thickness data are
the check, not the calibration.

Industrial limits: volume variation < 70 %, preferably < 30 % (seeds/001 §1).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sianode.errors import InputError
from sianode.provenance import Parameter

EPS_RCP = Parameter(0.36, "-", "random close packing of spheres, solid fraction 0.64 (Scott & Kilgour, J. Phys. D 2 (1969) 863)")
OMEGA = {
    "intact": Parameter(0.002, "1/cycle", "assumed: slow particle rearrangement with intact particles and binder"),
    "fracture": Parameter(0.010, "1/cycle", "assumed: cracked particles do not re-pack; SEI fills cracks"),
    "binder": Parameter(0.005, "1/cycle", "assumed: binder damaged (seeds/002 §3.1 criterion)"),
}
LIMITS = {"max": Parameter(0.70, "-", "seeds/001 §1: volume variation < 70 %"),
          "preferred": Parameter(0.30, "-", "seeds/001 §1: preferably < 30 %")}

# Solid densities of binders and conductive additives, g/cm3
BINDER_DENSITY_G_CM3 = {"PVDF": 1.78, "CMC": 1.6, "CMC/SBR": 1.3, "PAA": 1.22, "LiPAA": 1.3, "alginate": 1.6,
                        "PI": 1.42, "other": 1.4}
BINDER_DENSITY_SOURCE = "polymer handbook values (Brandrup et al., Polymer Handbook, 4th ed. 1999)"
CONDUCTIVE_DENSITY_G_CM3 = 1.9  # carbon black / CNT skeletal density ~1.8–2.0 (Cabot data sheets)


@dataclass
class ElectrodeFractions:
    active: float
    binder: float
    conductive: float
    porosity: float


def electrode_fractions(active_wt, binder_wt, conductive_wt, active_density_g_cm3, binder_density_g_cm3=1.6,
                        conductive_density_g_cm3=CONDUCTIVE_DENSITY_G_CM3, porosity=None,
                        press_density_g_cm3=None) -> ElectrodeFractions:
    """Volume fractions of the coating from mass fractions and either porosity or press density."""
    for name, v in (("electrode.active_wt_frac", active_wt), ("electrode.binder_wt_frac", binder_wt),
                    ("electrode.conductive_wt_frac", conductive_wt)):
        if not 0 <= v <= 1:
            raise InputError(f"must be in [0, 1], got {v}", field=name)
    if active_density_g_cm3 <= 0:
        raise InputError("active particle density must be > 0", field="active_density_g_cm3")
    v = np.array([active_wt / active_density_g_cm3, binder_wt / binder_density_g_cm3,
                  conductive_wt / conductive_density_g_cm3])
    if press_density_g_cm3 is not None:
        solid = press_density_g_cm3 * v.sum()
        if solid >= 1.0:
            raise InputError(f"press density {press_density_g_cm3:g} g/cm3 exceeds the solid density "
                             f"{1 / v.sum():.3g} g/cm3 of the formulation (negative porosity)",
                             field="electrode.press_density_g_cm3")
        eps = 1.0 - solid
    else:
        eps = 0.4 if porosity is None else float(porosity)
        if not 0 < eps < 1:
            raise InputError(f"porosity must be in (0, 1), got {eps}", field="electrode.porosity")
    f = (1 - eps) * v / v.sum()
    return ElectrodeFractions(active=float(f[0]), binder=float(f[1]), conductive=float(f[2]), porosity=float(eps))


def thickness_change(active_fraction, porosity, particle_expansion, eps_rcp: float = EPS_RCP.value):
    """Reversible thickness change (fraction) at full lithiation; vectorised."""
    fa, eps, ep = (np.asarray(a, dtype=float) for a in (active_fraction, porosity, particle_expansion))
    if np.any(ep < 0):
        raise InputError("particle expansion must be >= 0", field="particle_expansion")
    if np.any((eps <= 0) | (eps >= 1)):
        raise InputError("porosity must be in (0, 1)", field="electrode.porosity")
    eps_min = np.minimum(eps, eps_rcp)
    ratio = (1 - eps + fa * ep) / (1 - eps_min)
    return np.maximum(ratio, 1.0) - 1.0


def irreversible_rate(fractures: bool, binder_damaged: bool) -> float:
    """Irreversible growth per cycle as a fraction of the reversible thickness change."""
    return OMEGA["intact"].value + OMEGA["fracture"].value * bool(fractures) + OMEGA["binder"].value * bool(binder_damaged)


def swelling_over_cycles(reversible, fractures: bool, binder_damaged: bool, cycles: int = 100):
    """Delithiated (irreversible) and lithiated thickness change vs cycle number; tidy dict of arrays."""
    if cycles < 1:
        raise InputError("cycles must be >= 1", field="protocol.cycles")
    n = np.arange(1, cycles + 1)
    per = irreversible_rate(fractures, binder_damaged) * reversible
    irr = per * n
    return {"cycle": n, "delithiated_thickness_change": irr,
            "lithiated_thickness_change": (1 + irr) * (1 + reversible) - 1, "per_cycle": per}


def check_limits(volume_change: float) -> str:
    """'ok (< 30 %)', 'acceptable (< 70 %)' or 'exceeds 70 %' (seeds/001 §1)."""
    if volume_change < LIMITS["preferred"].value:
        return "ok (< 30 %)"
    if volume_change < LIMITS["max"].value:
        return "acceptable (30–70 %)"
    return "exceeds the 70 % industrial limit"
