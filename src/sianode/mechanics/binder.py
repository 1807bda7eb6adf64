"""Binder damage indicator: particle surface stress against the binder's stiffness.

seeds/002 §3.1 argues that once the Si particle stress exceeds the elastic modulus of the Na-CMC
binder (~12.01 GPa) the binder network fails (toughness fracture, loss of electronic contact). We
implement that indicator literally, ``D = sigma_surface / E_binder`` with damage when ``D >= 1``, using
the linear-elastic surface stress (the kind of stress the paper computes). Note that the physically
capped (plastic) stress of LixSi is ~1 GPa, so with the plastic model no binder is "damaged" by this
criterion; both ratios are reported.
"""
from __future__ import annotations

from sianode.errors import InputError
from sianode.mechanics.properties import BINDERS


def binder_modulus(binder: str) -> float:
    try:
        return BINDERS[binder].value
    except KeyError:
        raise InputError(f"unknown binder {binder!r}; allowed: {sorted(BINDERS)}", field="electrode.binder") from None


def damage_indicator(surface_stress_Pa: float, binder: str = "CMC") -> dict:
    """Ratio of particle surface stress to binder modulus and the damage verdict (seeds/002 §3.1)."""
    if surface_stress_Pa < 0:
        raise InputError("surface stress magnitude must be >= 0", field="surface_stress_Pa")
    e = binder_modulus(binder)
    ratio = surface_stress_Pa / e
    return {"binder": binder, "binder_modulus_GPa": e / 1e9, "surface_stress_GPa": surface_stress_Pa / 1e9,
            "ratio": ratio, "damaged": bool(ratio >= 1.0), "source": BINDERS[binder].source}
