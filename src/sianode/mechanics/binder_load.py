"""Stress a Si particle puts on its binder, from the elasto-plastic particle model (never elastic stress above yield).

seeds/002 §3.1 judges binder failure by comparing the particle stress with the binder's elastic
modulus (Na-CMC ~12.01 GPa). The stress a LixSi surface can transmit is bounded by its flow stress
(:mod:`sianode.mechanics.lisi_law`, 0.5-1.75 GPa), so the stress measure used here is the largest
surface von Mises stress of the finite-strain plastic sphere (:func:`sianode.mechanics.plasticity.plastic_sphere`)
over one galvanostatic lithiation and the following delithiation, with the Li profile of
:func:`sianode.mechanics.diffusion.galvanostatic_sphere` at the protocol C-rate. The cycle is solved by
:mod:`sianode.mechanics.cycling_stress` (its master curve in ``beta = C R^2 / (3600 D)``; accuracy stated there).

The cycled Si is amorphous LixSi whatever the initial phase (crystalline Si is amorphised by its first
lithiation; the diffusion model describes a-LixSi), so the mechanics stage calls
``particle_surface_stress(radius_m, c_rate)`` with the default ``host="amorphous"``. ``host="crystalline"``
treats Li-poor Si (x < 0.1) as elastic pristine c-Si; it gives elastic surface stresses above the flow
stress on delithiation (up to ~3.6 GPa) and is kept only for comparison (direct solve).
"""
from __future__ import annotations

import numpy as np

from sianode.mechanics.binder import damage_indicator
from sianode.mechanics.cycling_stress import cycling_stress, dimensionless_rate


def particle_surface_stress(radius_m, c_rate, host: str = "amorphous", diffusivity_m2_s: float | None = None,
                            method: str = "table") -> dict:
    """Largest surface stresses (Pa) of a Si sphere over one lithiation + delithiation at ``c_rate``.

    Returns ``max_surface_von_mises_Pa``, ``max_surface_hoop_tension_Pa`` and ``max_von_mises_Pa``
    (anywhere in the particle), all from the plastic model with the LixSi law. Vectorised: arrays of radii
    and C-rates give arrays. ``method``: "table" (master curve) or "direct" (solve).
    """
    beta = dimensionless_rate(radius_m, c_rate, diffusivity_m2_s)
    return surface_stress(cycling_stress(np.ravel(beta), host=host, method=method), np.shape(beta))


def surface_stress(frames, shape: tuple) -> dict:
    """The stresses of :func:`particle_surface_stress` from the cycle it solves (``frames``: the
    :func:`sianode.mechanics.cycling_stress.cycling_stress` of the raveled ``beta``, unconfined), shaped as ``beta``
    (``shape``; ``()``: floats). For a caller that has that cycle already (the mechanics stage)."""
    out = {"max_surface_von_mises_Pa": frames.max_surface_von_mises_Pa,
           "max_surface_hoop_tension_Pa": frames.max_surface_hoop_tension_Pa,
           "max_von_mises_Pa": frames.max_von_mises_Pa}
    if shape == ():
        return {k: float(v[0]) for k, v in out.items()}
    return {k: v.reshape(shape) for k, v in out.items()}


def binder_damage(surface_stress_Pa, binder: str = "CMC") -> dict:
    """seeds/002 §3.1 criterion with the plastic stress: damaged when stress / binder modulus >= 1."""
    return damage_indicator(float(surface_stress_Pa), binder)
