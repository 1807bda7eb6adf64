"""Check that every normalised number in the records is stated by its as-published text.

Each normalised column is tied to the text column it was read from
(:data:`SOURCE_OF`). A normalised value "agrees" when the text contains the same
quantity in the same kind of unit after conversion (:func:`sianode.literature.units.agrees`),
within rounding (0.1 %). A value with no support in its text is a contradiction.
"""
from __future__ import annotations

from sianode.literature.units import agrees

# normalised column -> (text column it comes from, canonical unit)
SOURCE_OF: dict[str, tuple[str, str]] = {
    "ice_pct": ("ice_text", "%"),
    "capacity_mAh_g": ("performance_text", "mAh/g"),
    "current_A_g": ("performance_text", "A/g"),
    "c_rate": ("performance_text", "C"),
    "current_mA_cm2": ("performance_text", "mA/cm2"),
    "cycles": ("performance_text", "cycles"),
    "retention_pct": ("performance_text", "%"),
    "areal_capacity_mAh_cm2": ("performance_text", "mAh/cm2"),
    "volumetric_capacity_mAh_cm3": ("performance_text", "mAh/cm3"),
    "loading_mg_cm2": ("loading_text", "mg/cm2"),
    "rate_capacity_mAh_g": ("rate_text", "mAh/g"),
    "rate_current_A_g": ("rate_text", "A/g"),
    "rate_c_rate": ("rate_text", "C"),
    "rate_current_mA_cm2": ("rate_text", "mA/cm2"),
    "rate_retention_pct": ("rate_text", "%"),
    "energy_density_Wh_kg": ("energy_text", "Wh/kg"),
    "energy_density_Wh_L": ("energy_text", "Wh/L"),
}


def contradictions(rows: list[dict]) -> list[str]:
    """Human-readable list of normalised values not stated by their source text."""
    bad = []
    for r in rows:
        for col, (text_col, unit) in SOURCE_OF.items():
            v = r.get(col)
            if v is None:
                continue
            if not agrees(float(v), r.get(text_col) or "", unit):
                bad.append(f"{r['id']}: {col}={v} not stated in {text_col}={r.get(text_col)!r}")
    return bad
