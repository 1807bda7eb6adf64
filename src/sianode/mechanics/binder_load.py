"""Stress a Si particle puts on its binder, from the elasto-plastic particle model (never elastic stress above yield).

seeds/002 §3.1 judges binder failure by comparing the particle stress with the binder's elastic
modulus (Na-CMC ~12.01 GPa). The stress a LixSi surface can transmit is bounded by its flow stress
(:mod:`sianode.mechanics.lisi_law`, 0.5-1.75 GPa), so the stress measure used here is the largest
surface von Mises stress of the finite-strain plastic sphere (:func:`sianode.mechanics.plasticity.plastic_sphere`)
over one galvanostatic lithiation and the following delithiation, with the Li profile of
:func:`sianode.mechanics.diffusion.galvanostatic_sphere` at the protocol C-rate.

How the stage should call it: ``particle_surface_stress(radius_m, c_rate, host=phase)`` then
``binder_damage(result["max_surface_von_mises_Pa"], binder)`` (replaces the linear-elastic stress
that :mod:`sianode.mechanics.binder` is given today).
"""
from __future__ import annotations

import numpy as np

from sianode.errors import InputError
from sianode.materials import lisi
from sianode.mechanics.diffusion import galvanostatic_sphere
from sianode.mechanics.plasticity import plastic_sphere


def particle_surface_stress(radius_m: float, c_rate: float, host: str = "amorphous",
                            diffusivity_m2_s: float | None = None, n_nodes: int = 41, n_frames: int = 25) -> dict:
    """Largest surface stresses (Pa) of a Si sphere over one lithiation + delithiation at ``c_rate``.

    Returns ``max_surface_von_mises_Pa``, ``max_surface_hoop_tension_Pa`` and ``max_von_mises_Pa``
    (anywhere in the particle), all from the plastic model with the LixSi law.
    """
    if not np.isfinite(radius_m) or radius_m <= 0:
        raise InputError(f"particle radius must be > 0, got {radius_m}", field="radius_m")
    if not np.isfinite(c_rate) or c_rate <= 0:
        raise InputError(f"C-rate must be > 0, got {c_rate}", field="protocol.c_rate")
    D = lisi.D_ASI_M2_S.value if diffusivity_m2_s is None else float(diffusivity_m2_s)
    R = np.linspace(0.0, radius_m, n_nodes)
    out = {"max_surface_von_mises_Pa": 0.0, "max_surface_hoop_tension_Pa": 0.0, "max_von_mises_Pa": 0.0}
    for lith in (True, False):
        d = galvanostatic_sphere(radius_m, D, c_rate, lithiation=lith, n_r=n_nodes - 1)
        idx = np.unique(np.linspace(0, len(d.t) - 1, n_frames).astype(int))
        xn = np.array([np.interp(R, d.r, d.x[i]) for i in idx])
        # delithiation starts from the uniformly lithiated, stress-free state (plastic_sphere ramps to row 0)
        res = plastic_sphere(R, xn, host=host)
        vm = res.von_mises
        out["max_surface_von_mises_Pa"] = max(out["max_surface_von_mises_Pa"], float(np.max(vm[:, -1])))
        out["max_surface_hoop_tension_Pa"] = max(out["max_surface_hoop_tension_Pa"], float(np.max(res.hoop[:, -1])))
        out["max_von_mises_Pa"] = max(out["max_von_mises_Pa"], float(np.max(vm)))
    return out


def binder_damage(surface_stress_Pa: float, binder: str = "CMC") -> dict:
    """seeds/002 §3.1 criterion with the plastic stress: damaged when stress / binder modulus >= 1."""
    from sianode.mechanics.binder import damage_indicator

    return damage_indicator(float(surface_stress_Pa), binder)
