"""Solid-state confinement of a swelling Si particle: stress in the electrolyte and contact loss.

Model
-----
A Si particle (linear lithiation strain ``e*``) embedded in a solid electrolyte (SSE) matrix, treated
as a spherical inclusion in an infinite matrix (Eshelby; Timoshenko & Goodier 1970 §137):

* elastic interface pressure ``p_el = e* / ((1 + nu_m)/(2 E_m) + (1 - 2 nu_p)/E_p)``;
  matrix stresses at the interface ``sigma_r = -p``, ``sigma_t = +p/2`` (hoop tension);
* a ductile SSE starts to yield at the interface when ``3p/2 = Y`` (``p_y = 2Y/3``) and the pressure
  saturates at Hill's spherical-cavity limit ``p_lim = 2Y/3 (1 + ln(E/(3(1-nu)Y)))``
  (Hill, *The Mathematical Theory of Plasticity*, 1950, ch. V);
* a brittle SSE (oxide) cracks when the hoop tension ``p/2`` reaches its fracture strength.

On delithiation the particle shrinks back by ``e*``. If the SSE yielded or cracked, the cavity stays
enlarged and a gap opens unless the confining stress from the stack can re-yield the SSE inward,
``p_conf >= p_y`` (for a cracked oxide the gap cannot close): ``contact_lost``.
Stack pressure P (uniaxial) gives the mean confining stress ``P (1 + 2 nu/(1-nu))/3`` on the particle
(laterally constrained layer), which is also what raises the critical size for fracture
(:func:`sianode.mechanics.fracture.critical_diameter`; seeds/001 §1, seeds/004 §4.2).

Assumptions: dilute particles (no interaction), infinite matrix, no creep; order-of-magnitude
properties from :mod:`sianode.solidstate.electrolytes`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sianode.errors import InputError
from sianode.solidstate.electrolytes import SSEProperties


def mean_confining_stress(stack_pressure: float, poisson_ratio: float) -> float:
    """Mean compressive stress (Pa) on an embedded particle from a uniaxial stack pressure (Pa)."""
    if stack_pressure < 0:
        raise InputError(f"stack pressure must be >= 0, got {stack_pressure}", field="electrolyte.stack_pressure_MPa")
    nu = poisson_ratio
    return float(stack_pressure * (1 + 2 * nu / (1 - nu)) / 3.0)


@dataclass
class ConfinementResult:
    interface_pressure_Pa: float
    elastic_pressure_Pa: float
    sse_hoop_stress_Pa: float
    sse_radial_stress_Pa: float
    sse_yielded: bool
    sse_cracked: bool
    confining_stress_Pa: float
    contact_lost_on_delithiation: bool
    reason: str

    def as_dict(self):
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def confined_particle(linear_strain: float, particle_modulus: float, particle_poisson: float,
                      sse: SSEProperties, stack_pressure: float) -> ConfinementResult:
    """Stress in the SSE around a swelling particle and whether contact is lost on delithiation."""
    if not np.isfinite(linear_strain) or linear_strain < 0:
        raise InputError(f"linear strain must be >= 0, got {linear_strain}", field="linear_strain")
    if particle_modulus <= 0:
        raise InputError("particle modulus must be > 0", field="particle_modulus")
    E_m, nu_m, Y = sse.young_modulus.value, sse.poisson_ratio.value, sse.yield_stress.value
    if E_m <= 0:
        raise InputError("SSE Young's modulus must be > 0", field="electrolyte.young_modulus_GPa")
    p_conf = mean_confining_stress(stack_pressure, nu_m)
    p_el = linear_strain / ((1 + nu_m) / (2 * E_m) + (1 - 2 * particle_poisson) / particle_modulus)
    if sse.brittle:
        cracked = p_el / 2 > Y
        p = min(p_el, 2 * Y)
        yielded = False
        lost = bool(cracked)
        reason = ("oxide SSE cracks (hoop tension p/2 > fracture strength); the gap cannot close" if cracked
                  else "SSE stays elastic; it follows the particle back")
    else:
        p_y = 2 * Y / 3
        p_lim = p_y * (1 + np.log(E_m / (3 * (1 - nu_m) * Y)))
        yielded = p_el > p_y
        p = min(p_el, p_lim)
        cracked = False
        lost = bool(yielded and p_conf < p_y)
        if not yielded:
            reason = "SSE stays elastic; contact kept"
        elif lost:
            reason = (f"SSE yielded (p_y = {p_y / 1e6:.0f} MPa); confining stress {p_conf / 1e6:.0f} MPa cannot "
                      "re-yield it, a gap opens on delithiation")
        else:
            reason = f"SSE yielded but the confining stress {p_conf / 1e6:.0f} MPa >= p_y {p_y / 1e6:.0f} MPa closes the gap"
    return ConfinementResult(interface_pressure_Pa=float(p + p_conf), elastic_pressure_Pa=float(p_el),
                             sse_hoop_stress_Pa=float(p / 2 - p_conf), sse_radial_stress_Pa=float(-p - p_conf),
                             sse_yielded=bool(yielded), sse_cracked=bool(cracked), confining_stress_Pa=p_conf,
                             contact_lost_on_delithiation=lost, reason=reason)
