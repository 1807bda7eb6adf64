"""Check that every normalised number in the records is stated by its as-published text.

Each normalised column is tied to the text column it was read from
(:data:`SOURCE_OF`). A normalised value "agrees" when the text contains the same
quantity in the same kind of unit after conversion (:func:`sianode.literature.units.agrees`),
up to float round-off. A value with no support in its text is a contradiction.
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


def _numbers(text: str) -> list[float]:
    import re

    from sianode.literature.units import normalise_text
    return [float(x) for x in re.findall(r"\d+(?:\.\d+)?", normalise_text(text or ""))]


def _sci(text: str) -> list[float]:
    """Values written as ``a × 10⁻b`` (or ``a × 10-b``) in a text."""
    import re

    from sianode.literature.units import normalise_text
    t = normalise_text(text or "")
    return [float(m) * 10.0 ** (-int(e)) for m, e in re.findall(r"(\d+(?:\.\d+)?)\s*[×x]\s*10\s*-\s*(\d+)", t)]


def property_contradictions(targets: list[dict], electrolytes: list[dict]) -> list[str]:
    """Targets whose value is not printed in their text; SSE conductivities not printed as a × 10⁻b."""
    bad = []
    for r in targets:
        for col in ("value", "value_max"):
            v = r.get(col)
            if v is not None and not any(abs(v - x) <= 1e-9 * max(1.0, abs(v)) for x in _numbers(r["text"])):
                bad.append(f"{r['id']}: {col}={v} not in text {r['text']!r}")
    for r in electrolytes:
        v = r.get("ionic_conductivity_S_cm")
        if v is not None and not any(abs(v - x) <= 1e-6 * v for x in _sci(r["ionic_conductivity_text"])):
            bad.append(f"{r['id']}: ionic_conductivity_S_cm={v} not in {r['ionic_conductivity_text']!r}")
    return bad
