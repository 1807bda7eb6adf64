"""Operating window: how the anode SOC window and the charge rate set the strain amplitude.

What is modelled
----------------
The Li–Si volume grows linearly with lithium content (partial molar volume law,
:func:`sianode.materials.lisi.volume_ratio`), so with ``E`` the volumetric expansion of the
particle at full lithiation (after pore accommodation, mechanics stage) the volume at anode
SOC ``s`` is ``V(s)/V0 = 1 + E s``. The linear surface strain between ``s_lo`` and ``s_hi`` is

    eps_lin(s_lo, s_hi) = ((1 + E s_hi) / (1 + E s_lo))^(1/3) - 1           (1)

and the surface hoop strain amplitude of the window scales the full-window amplitude
``eps_full`` (mechanics stage) by ``eps_lin(s_lo, s_hi) / eps_lin(0, 1)``.

Charge rate: during galvanostatic lithiation of a sphere of radius ``R`` the pseudo-steady
parabolic profile (Crank, *The Mathematics of Diffusion*, 1975, §6.3) puts the surface ahead of
the mean by

    Delta s = R^2 C / (15 D * 3600 s)                                        (2)

(``C`` the C-rate, ``D`` the Li diffusivity). The surface therefore reaches
``min(1, s_hi + Delta s)``: faster charge = larger surface amplitude (seeds/000 §5:
kinetically limited surface over-lithiation at high rate; anode-tailored partial-SOC design).
"""
from __future__ import annotations

import numpy as np

from sianode.errors import InputError


def linear_strain_between(soc_lo, soc_hi, volumetric_expansion):
    """Linear strain between two SOCs for a particle that expands by ``E`` at full lithiation, eq. (1)."""
    E = np.asarray(volumetric_expansion, float)
    lo = np.asarray(soc_lo, float)
    hi = np.asarray(soc_hi, float)
    return ((1.0 + E * hi) / (1.0 + E * lo)) ** (1.0 / 3.0) - 1.0


def window_strain_amplitude(full_amplitude, soc_lo, soc_hi, volumetric_expansion, full_linear_strain=None,
                            full_positive=None):
    """Surface hoop strain amplitude in the window [soc_lo, soc_hi] given the full-window amplitude.

    ``full_linear_strain``: ``linear_strain_between(0, 1, volumetric_expansion)`` when the caller already has it
    (a loop over cycles with a fixed expansion computes it once); ``full_positive``: whether all of it is finite
    and > 0 (:func:`positive_ratio`'s ``positive``, likewise known once)."""
    E = np.asarray(volumetric_expansion, float)
    full_lin = linear_strain_between(0.0, 1.0, E) if full_linear_strain is None else full_linear_strain
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = positive_ratio(linear_strain_between(soc_lo, soc_hi, E), full_lin, positive=full_positive)
    return np.asarray(full_amplitude, float) * np.maximum(scale, 0.0)


def positive_ratio(numerator, denominator, positive=None):
    """``numerator / denominator`` where the denominator is > 0, else 0 (a strain over a reference strain).

    ``positive``: True when the caller knows every denominator is finite and > 0 (a reference fixed over many
    calls, tested once): the same quotients without testing them again."""
    den = np.asarray(denominator, float)
    if positive:  # finite and > 0: no selection, and no division that could warn
        return np.asarray(numerator, float) / den
    pos = den > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        if pos.all():  # the usual case: nothing to guard, the same quotients without two selections
            return np.asarray(numerator, float) / den
        return np.where(pos, np.asarray(numerator, float) / np.where(pos, den, 1.0), 0.0)


def surface_soc_overshoot(c_rate, radius_m, diffusivity_m2_s):
    """Surface-minus-mean SOC of a sphere under constant-current lithiation, eq. (2)."""
    c = np.asarray(c_rate, float)
    if np.any(c < 0):
        raise InputError("C-rate must be >= 0", field="protocol.c_rate")
    return c * np.asarray(radius_m, float) ** 2 / (15.0 * np.asarray(diffusivity_m2_s, float) * 3600.0)


def effective_window(soc_lo, soc_hi, c_rate=0.0, radius_m=0.0, diffusivity_m2_s=1e-16):
    """Surface SOC window including the rate-induced overshoot (upper end capped at 1)."""
    lo = np.asarray(soc_lo, float)
    hi = np.asarray(soc_hi, float)
    if np.any(lo < 0) or np.any(hi > 1 + 1e-12) or np.any(lo > hi):
        raise InputError("SOC window must satisfy 0 <= soc_min <= soc_max <= 1", field="soc_window")
    return lo, np.minimum(1.0, hi + surface_soc_overshoot(c_rate, radius_m, diffusivity_m2_s))
