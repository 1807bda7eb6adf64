"""Electrode thickness swelling as the sum of its parts (reversible, SEI, pulverisation, binder failure).

Model (thickness change per initial coating thickness; the coating is held in-plane by the current
collector, so volume change goes into thickness, seeds/002 §3.3 measures thickness)
---------------------------------------------------------------------------------------------------
1. Reversible part, lithiated state: particle envelopes grow by their outward expansion ``e_p`` (Si
   volume change not taken up by internal pores, :mod:`sianode.mechanics.pores`); the inter-particle
   porosity absorbs growth until the bed reaches random close packing (solid fraction 0.64, Scott &
   Kilgour, J. Phys. D 2 (1969) 863): ``h_rev = max(1, (1 - eps + f_a e_p) / (1 - min(eps, 0.36))) - 1``
   (:func:`sianode.mechanics.swelling.thickness_change`).
2. SEI on fresh surface, every cycle (seeds/000 §3, breathing): ``g = f_a phi_Si a_v (1 + e_A) f L_c``
   (:func:`sianode.mechanics.swelling.irreversible_rate`): fresh fraction f of the expanded surface
   (:func:`sianode.interphase.breathing.fresh_surface_fraction`) reforms SEI of one-cycle thickness L_c
   (:func:`sianode.interphase.sei.grow`); the cracked SEI stays as debris. The SEI-bearing surface per Si
   volume ``a_v`` is the particle's external surface ``6 / (d phi_Si)`` **plus**, for particles above the
   critical size (:func:`sianode.mechanics.fracture.critical_diameter`), the fracture surface of fragments
   of the critical diameter ``6 / d_c`` (*assumption*: fragments below d_c no longer crack, the same energy
   criterion). Fracture only adds surface, so it never lowers SEI growth. Internal nanopore surface
   (most of a BET area) is not counted: SEI in a pore of diameter d_p stops once it is ~d_p/2 thick
   (a few cycles for seeds/002's 5–10 nm pores), so it cannot sustain growth over 100 cycles;
   ``sei_surface="bet"`` counts it anyway (sensitivity).
3. Pulverisation and 4. binder failure: loss of recovery. A pulverised particle (seeds/002 §3.3:
   "severe pulverization, shedding of active materials and the formation of large cracks") or a
   particle whose binder network has failed (seeds/002 §3.1: binder failure when the particle stress
   exceeds the Na-CMC modulus; §3.3 "separation between active materials and Cu foil") is no longer
   pulled back on delithiation: its share of the reversible expansion stays in the electrode,
   ``h_lock = phi_lock h_rev`` with ``phi_lock = 1`` when either happens, else 0 (*assumption*: upper
   bound, fragments and loose particles stay wedged at their lithiated positions). A pulverised particle
   is in addition a pile of fragments that cannot pack denser than random close packing (solid fraction
   0.64, Scott & Kilgour 1969): extra void ``f_a (1 + e_p) (1/0.64 - 1)``. The binder verdict
   comes from the elasto-plastic particle stress (:mod:`sianode.mechanics.binder_load`), never from
   elastic stresses above yield.

Total in the delithiated state after N cycles: ``h(N) = N g + h_lock`` (SEI and debris add one-to-one to
the thickness, as in the lithiated packing limit); lithiated state: ``(1 + h(N)) (1 + h_rev) - 1``.
Invariants (tested): fracture never lowers swelling or SEI growth; larger particles never fracture less.
No parameter here was fitted to the seeds/002 thickness data; they are the check
(:func:`sianode.mechanics.validation_cases.swelling_002`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from sianode.errors import InputError
from sianode.mechanics.swelling import EPS_RCP, irreversible_rate, thickness_change


@dataclass
class SwellingParts:
    """Thickness changes (fractions of the initial coating thickness)."""

    reversible: float          # lithiated-state packing expansion of one cycle (arrays for a batch of designs)
    sei_per_cycle: float       # SEI volume added per cycle
    sei: float                 # SEI after the cycles
    pulverisation: float       # locked-in expansion of pulverised particles
    binder_failure: float      # locked-in expansion from binder failure (0 if pulverisation already locks it)
    delithiated: float         # total, delithiated state, after the cycles
    lithiated: float           # total, lithiated state, after the cycles
    cycles: int
    sei_surface_per_si_volume_m: float
    fractures: bool
    binder_failed: bool

    def as_dict(self) -> dict:
        return asdict(self)


def sei_surface_per_si_volume(particle_diameter_m: float, si_volume_fraction: float, fractures: bool,
                              critical_diameter_m: float, specific_surface_area_m2_g: float | None = None,
                              envelope_density_g_cm3: float | None = None) -> float:
    """SEI-bearing surface per unit Si volume (1/m): external surface (or BET if given) plus fragments if fractured."""
    phi = float(si_volume_fraction)
    if not 0 < phi <= 1:
        raise InputError(f"Si volume fraction of the particle must be in (0, 1], got {phi}", field="si_volume_fraction")
    if not particle_diameter_m > 0:
        raise InputError("particle diameter must be > 0", field="particle_diameter_m")
    if specific_surface_area_m2_g is None:
        a_v = 6.0 / (float(particle_diameter_m) * phi)
    else:
        if specific_surface_area_m2_g < 0 or not (envelope_density_g_cm3 or 0) > 0:
            raise InputError("specific surface area must be >= 0 and density > 0", field="specific_surface_area_m2_g")
        a_v = float(specific_surface_area_m2_g) * float(envelope_density_g_cm3) * 1e6 / phi
    if fractures:
        if not critical_diameter_m > 0:
            raise InputError("critical diameter must be > 0", field="critical_diameter_m")
        a_v += 6.0 / float(critical_diameter_m)
    return a_v


def pulverised_fraction(feature_size_m, critical_diameter_m):
    """Fraction of particles that pulverise: 1 above the critical size, 0 below (monotone in size); vectorised."""
    s = np.asarray(feature_size_m, dtype=float)
    d = np.asarray(critical_diameter_m, dtype=float)
    if np.any(s <= 0) or np.any(d <= 0):
        raise InputError("feature size and critical diameter must be > 0", field="feature_size_m")
    out = (s > d).astype(float)
    return float(out) if out.ndim == 0 else out


def swelling_parts(*, active_fraction: float, porosity: float, particle_expansion: float,
                   si_volume_fraction: float, surface_per_si_volume_m: float, crack_surface_per_si_volume_m: float,
                   fresh_fraction: float, wetting: float, sei_thickness_per_cycle_m: float, fractures: bool,
                   binder_failed: bool, cycles: int = 100) -> SwellingParts:
    """The sum of the parts for one electrode (module docstring); the mechanics stage calls this.

    Vectorised: array inputs (one entry per design) give a :class:`SwellingParts` of arrays.

    surface_per_si_volume_m : the particle's own SEI-bearing surface per Si volume (1/m), whose fresh
        fraction ``fresh_fraction`` reforms SEI each cycle (:func:`sianode.mechanics.swelling.irreversible_rate`).
    crack_surface_per_si_volume_m : fracture faces of pulverised Si (1/m), re-exposed every cycle (times
        ``wetting``); 0 when intact (:func:`sianode.mechanics.swelling.crack_surface_per_si_volume`).
    fractures, binder_failed : pulverisation and binder verdicts; each locks the reversible expansion in.
    """
    n = np.asarray(cycles)
    if np.any(n < 1) or np.any(n != np.round(n)):
        raise InputError("cycles must be an integer >= 1", field="protocol.cycles")
    n = n.astype(int)
    fa, ep = np.asarray(active_fraction, dtype=float), np.asarray(particle_expansion, dtype=float)
    h_rev = thickness_change(fa, porosity, ep)
    hoop = (1.0 + ep) ** (1.0 / 3.0) - 1.0
    g = irreversible_rate(fa, si_volume_fraction, surface_per_si_volume_m, hoop, fresh_fraction,
                          sei_thickness_per_cycle_m, crack_surface_per_si_volume=crack_surface_per_si_volume_m,
                          wetting=wetting)
    frac, failed = np.asarray(fractures, dtype=bool), np.asarray(binder_failed, dtype=bool)
    pulv = np.where(frac, h_rev + fa * (1 + ep) * (1 / (1 - EPS_RCP.value) - 1), 0.0)
    bind = np.where(failed & ~frac, h_rev, 0.0)
    delith = n * g + pulv + bind
    a_total = np.asarray(surface_per_si_volume_m, dtype=float) + np.asarray(crack_surface_per_si_volume_m, dtype=float)
    return SwellingParts(reversible=_ret(h_rev), sei_per_cycle=_ret(g), sei=_ret(n * g), pulverisation=_ret(pulv),
                         binder_failure=_ret(bind), delithiated=_ret(delith),
                         lithiated=_ret((1 + delith) * (1 + h_rev) - 1), cycles=_ret(n, int),
                         sei_surface_per_si_volume_m=_ret(a_total), fractures=_ret(frac, bool),
                         binder_failed=_ret(failed, bool))


def _ret(a, kind=float):
    """A 0-d result as a Python scalar (single design), an array otherwise (a batch of designs)."""
    a = np.asarray(a)
    return kind(a) if a.ndim == 0 else a.astype(kind)


def electrode_swelling(*, active_fraction: float, porosity: float, particle_expansion: float,
                       si_volume_fraction: float, particle_diameter_m: float, feature_size_m: float,
                       critical_diameter_m: float, fresh_fraction: float, sei_thickness_per_cycle_m: float,
                       binder_failed: bool, cycles: int = 100, sei_surface: str = "external",
                       specific_surface_area_m2_g: float | None = None,
                       envelope_density_g_cm3: float | None = None, wetting: float = 1.0) -> SwellingParts:
    """Electrode swelling from explicit geometric inputs (sensitivity studies); same physics as the stage.

    The particle's own surface is ``6 / (d phi_Si)`` (``sei_surface="external"``) or the BET area
    (``"bet"``); the fracture surface is that of fragments of the critical diameter,
    :func:`sianode.mechanics.swelling.crack_surface_per_si_volume`. Then :func:`swelling_parts`.
    """
    from sianode.mechanics.swelling import crack_surface_per_si_volume

    if sei_surface not in ("external", "bet"):
        raise InputError(f"sei_surface must be 'external' or 'bet', got {sei_surface!r}", field="sei_surface")
    frac = bool(pulverised_fraction(feature_size_m, critical_diameter_m) > 0)
    bet = (specific_surface_area_m2_g, envelope_density_g_cm3) if sei_surface == "bet" else (None, None)
    a_v = sei_surface_per_si_volume(particle_diameter_m, si_volume_fraction, False, critical_diameter_m, *bet)
    a_crack = crack_surface_per_si_volume(frac, feature_size_m, critical_diameter_m)
    return swelling_parts(active_fraction=active_fraction, porosity=porosity, particle_expansion=particle_expansion,
                          si_volume_fraction=si_volume_fraction, surface_per_si_volume_m=a_v,
                          crack_surface_per_si_volume_m=a_crack, fresh_fraction=fresh_fraction, wetting=wetting,
                          sei_thickness_per_cycle_m=sei_thickness_per_cycle_m, fractures=frac,
                          binder_failed=binder_failed, cycles=cycles)
