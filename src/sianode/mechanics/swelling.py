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

Irreversible growth (SEI accumulation on fresh surface)
------------------------------------------------------
Each cycle the surface strain cracks the SEI and the fresh fraction ``f`` of the *expanded* surface
reforms SEI from zero thickness (:func:`sianode.interphase.breathing.fresh_surface_fraction`); the
cracked old SEI stays behind as debris (seeds/000 §3, SEI breathing). The new layer grows for one
cycle time ``t_c = 2/C`` to ``L_c`` (:func:`sianode.interphase.sei.grow` from zero thickness). The
SEI volume added per unit coating volume per cycle is

    g = f_a * phi_Si * (1 + e_A) * L_c * (a_v f + w a_crack)

with ``e_A`` the surface area strain, ``phi_Si`` the Si volume fraction of the particle envelope,
``w`` the fraction of fresh surface the electrolyte wets (1 liquid, 0 solid) and two surfaces per unit
Si volume:

* ``a_v``, the particle's own surface (the materials stage's specific surface),
  ``a_v = S_BET rho_env / phi_Si``; on a coated particle the SEI sits on the coating, which follows the
  core (perfect bonding), so the same surface strain applies;
* ``a_crack``, the crack surface of particles above the critical size (:mod:`sianode.mechanics.fracture`).
  *Assumption*: a Si feature of size ``d > d_c`` breaks into fragments of the critical diameter
  ``d_c`` (fragments below ``d_c`` no longer crack, the same energy criterion), which adds
  ``a_crack = 6/d_c - 6/d`` of bare fracture surface per Si volume to the particle's own surface
  (fracture adds surface, it never replaces the existing one). The fragments separate when the Si
  shrinks on delithiation and close on lithiation, so the crack faces are re-exposed every cycle:
  their fresh fraction is 1 (times the wetting ``w``), against ``f < 1`` for the breathing outer
  surface (seeds/002 §3.3: "severe pulverization ... excessive SEI formation"; seeds/000 §3).
  Consequences: a fractured particle grows at least as much SEI as the same particle intact; the
  rate is continuous at ``d = d_c`` (no crack surface there) and grows with ``d`` above it.

*Assumption*: the SEI forms in the lithiated state, where the coating is at its packing limit
(reversible model above), so its volume adds one-to-one to the thickness and is not recovered on
delithiation (linear ratchet, ``h_irr(n) = n g``); when the electrode still has spare porosity at full
lithiation this is an upper bound. No parameter here was fitted: the seeds/002 100-cycle thickness data
are the check. The binder indicator (:mod:`sianode.mechanics.binder`) is reported but not part of
the rate (its verdict for micron c-Si straddles 12 GPa with the C-rate; see docs/mechanics.md §7).

Industrial limits: volume variation < 70 %, preferably < 30 % (seeds/001 §1).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sianode.electrode import coating as _coating
from sianode.errors import InputError
from sianode.provenance import Parameter

EPS_RCP = Parameter(0.36, "-", "random close packing of spheres, solid fraction 0.64 (Scott & Kilgour, J. Phys. D 2 (1969) 863)")
LIMITS = {"max": Parameter(0.70, "-", "seeds/001 §1: volume variation < 70 %"),
          "preferred": Parameter(0.30, "-", "seeds/001 §1: preferably < 30 %")}

# Solid densities of binders and conductive additives, g/cm3: one table, sianode.electrode.coating
BINDER_DENSITY_G_CM3 = {k: p.value for k, p in _coating.BINDER_DENSITY_G_CM3.items()}
BINDER_DENSITY_SOURCE = "sianode.electrode.coating.BINDER_DENSITY_G_CM3 (each value with its source)"
CONDUCTIVE_DENSITY_G_CM3 = _coating.CONDUCTIVE_DENSITY_G_CM3["carbon_black"].value


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


def particle_surface_per_si_volume(specific_surface_area_m2_g, envelope_density_g_cm3, si_volume_fraction):
    """The particle's own SEI-bearing surface per unit Si volume ``a_v = S rho_env / phi_Si`` (1/m); vectorised."""
    phi = np.asarray(si_volume_fraction, dtype=float)
    S, rho = np.asarray(specific_surface_area_m2_g, dtype=float), np.asarray(envelope_density_g_cm3, dtype=float)
    if np.any(~((phi > 0) & (phi <= 1))):
        raise InputError(f"Si volume fraction of the particle must be in (0, 1], got {si_volume_fraction}",
                         field="si_volume_fraction")
    if np.any(S < 0) or np.any(rho <= 0):
        raise InputError("specific surface area must be >= 0 and density > 0", field="specific_surface_area_m2_g")
    return _scalar(S * rho * 1e6 / phi)


def crack_surface_per_si_volume(fractures, feature_size_m, critical_diameter_m):
    """Fracture surface per unit Si volume ``max(0, 6/d_c - 6/d)`` (1/m) where the feature fractures, else 0;
    vectorised."""
    frac = np.asarray(fractures, dtype=bool)
    d, dc = np.broadcast_arrays(np.asarray(feature_size_m, dtype=float), np.asarray(critical_diameter_m, dtype=float))
    if np.any(frac & ~((d > 0) & (dc > 0))):
        raise InputError("feature size and critical diameter must be > 0", field="critical_diameter_m")
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(frac, np.maximum(0.0, 6.0 / dc - 6.0 / d), 0.0)
    return _scalar(a)


def _scalar(a):
    a = np.asarray(a, dtype=float)
    return float(a) if a.ndim == 0 else a


def sei_bearing_surface(fractures: bool, specific_surface_area_m2_g, envelope_density_g_cm3, si_volume_fraction,
                        critical_diameter_m, feature_size_m):
    """Total SEI-bearing surface per unit Si volume (1/m): the particle's own plus, if fractured, the crack surface."""
    return (particle_surface_per_si_volume(specific_surface_area_m2_g, envelope_density_g_cm3, si_volume_fraction)
            + crack_surface_per_si_volume(fractures, feature_size_m, critical_diameter_m))


def irreversible_rate(active_fraction, si_volume_fraction, surface_per_si_volume, hoop_strain, fresh_fraction,
                      sei_thickness_per_cycle_m, crack_surface_per_si_volume=0.0, wetting=1.0):
    """SEI volume added per unit coating volume per cycle, ``g = f_a phi_Si (1+e_A) L_c (a_v f + w a_crack)``.

    ``fresh_fraction`` from :func:`sianode.interphase.breathing.fresh_surface_fraction`,
    ``sei_thickness_per_cycle_m`` from :func:`sianode.interphase.sei.grow` (from zero, one cycle);
    crack faces (``crack_surface_per_si_volume``, 1/m) are re-exposed every cycle (module docstring).
    Vectorised.
    """
    from sianode.interphase.breathing import area_strain

    fa, phi, av, f, L, ac, w = (np.asarray(a, dtype=float) for a in
                                (active_fraction, si_volume_fraction, surface_per_si_volume, fresh_fraction,
                                 sei_thickness_per_cycle_m, crack_surface_per_si_volume, wetting))
    if np.any((fa < 0) | (fa > 1)):
        raise InputError("active volume fraction must be in [0, 1]", field="active_fraction")
    if np.any((f < 0) | (f > 1)) or np.any(L < 0) or np.any(av < 0) or np.any(ac < 0) or np.any((w < 0) | (w > 1)):
        raise InputError("fresh fraction and wetting in [0, 1], SEI thickness and surfaces >= 0 required",
                         field="fresh_fraction")
    return fa * phi * (1.0 + area_strain(hoop_strain)) * L * (av * f + w * ac)


def swelling_over_cycles(reversible, per_cycle, cycles: int = 100, locked: float = 0.0):
    """Delithiated (irreversible) and lithiated thickness change vs cycle number; tidy dict of arrays.

    ``locked``: expansion locked in from the first cycle by pulverisation or binder failure
    (:func:`sianode.mechanics.electrode_swelling.swelling_parts`)."""
    if cycles < 1:
        raise InputError("cycles must be >= 1", field="protocol.cycles")
    if per_cycle < 0:
        raise InputError("irreversible growth per cycle must be >= 0", field="per_cycle")
    n = np.arange(1, cycles + 1)
    irr = float(per_cycle) * n + float(locked)
    return {"cycle": n, "delithiated_thickness_change": irr,
            "lithiated_thickness_change": (1 + irr) * (1 + reversible) - 1, "per_cycle": float(per_cycle)}


def check_limits(volume_change: float) -> str:
    """'ok (< 30 %)', 'acceptable (< 70 %)' or 'exceeds 70 %' (seeds/001 §1)."""
    if volume_change < LIMITS["preferred"].value:
        return "ok (< 30 %)"
    if volume_change < LIMITS["max"].value:
        return "acceptable (30–70 %)"
    return "exceeds the 70 % industrial limit"
