"""SEI "breathing" on Si: surface strain cracks the SEI and exposes fresh surface each cycle.

What is modelled
----------------
During lithiation a Si particle surface stretches by the hoop strain ``eps`` (after pore
accommodation: the mechanics stage gives the *surface* hoop strain amplitude, so internal
porosity and buffers are already accounted for). The area of a surface element grows by

    e_A = (1 + eps)^2 - 1.                                               (1)

The SEI formed on the contracted surface can follow an area strain up to its fracture strain
``e_c`` (elastic + plastic, Kolzenberg et al. 2022); beyond that it cracks and the uncovered
area is fresh Si. The fresh fraction of the expanded surface per cycle is

    f = w * max(0, 1 - (1 + e_c) / (1 + e_A))                            (2)

where ``w`` is the fraction of fresh surface the electrolyte reaches (1 for liquids, 0 for a
solid electrolyte, seeds/004 §3.2.1). On that fraction SEI reforms from zero thickness; the
cracked old SEI stays behind as non-passivating debris, which thickens the total layer
(seeds/000 §3: SEI porosification and bottom-up growth) without protecting the surface.

Assumptions: strain is uniform over the surface (one amplitude per design), cracks are
re-opened independently each cycle (no crack memory), the SEI on the contracted surface is
stress-free. With ``eps = 0`` there is no fresh surface and the model reduces to plain SEI
growth (:mod:`sianode.interphase.sei`).

References
----------
Kolzenberg, L., Werres, M., Tsai, J. D., Cabrera, M., Latz, A. & Horstmann, B., "Chemo-mechanical
model of SEI growth on silicon electrode particles", Batteries & Supercaps 5 (2022) e202100216.
Laresgoiti, I., Käbitz, S., Ecker, M. & Sauer, D. U., J. Power Sources 300 (2015) 112 (SEI
cracking and regrowth on fresh surface).
seeds/000 §3 (breathing effect), seeds/004 §2.2 and §3.2.1.
"""
from __future__ import annotations

import numpy as np

from sianode.errors import InputError


def area_strain(hoop_strain):
    """Surface area strain ``(1 + eps)^2 - 1`` of eq. (1)."""
    e = np.asarray(hoop_strain, float)
    if np.any(~np.isfinite(e)) or np.any(e < 0):
        raise InputError("surface hoop strain amplitude must be finite and >= 0", field="strain_amplitude")
    return (1.0 + e) ** 2 - 1.0


def fresh_surface_fraction(hoop_strain, sei_fracture_area_strain=0.05, wetting=1.0):
    """Fraction of the particle surface that is fresh and reforms SEI each cycle, eq. (2)."""
    e_a = area_strain(hoop_strain)
    e_c = np.asarray(sei_fracture_area_strain, float)
    if np.any(e_c < 0):
        raise InputError("SEI fracture area strain must be >= 0", field="sei_fracture_area_strain")
    w = np.asarray(wetting, float)
    if np.any((w < 0) | (w > 1)):
        raise InputError("fresh-surface wetting must be within [0, 1]", field="fresh_surface_wetting")
    return w * np.maximum(0.0, 1.0 - (1.0 + e_c) / (1.0 + e_a))
