"""Readable names for sianode's unit-suffixed keys (``loading_mg_cm2`` -> "loading", "mg/cm2").

sianode names every non-SI quantity with its unit as a suffix (GUIDE.md, Conventions). This module is
the one place that turns such a key into a label and a unit for people: the design schema tables
(``sianode schema``, docs/design-schema.md), report tables and terminal tables use it.
"""
from __future__ import annotations

import re

#: suffix -> unit as printed (longest suffixes are found first because the match starts leftmost)
SUFFIX_UNITS = {
    "mAh_g": "mAh/g", "mAh_cm2": "mAh/cm2", "mAh_cm3": "mAh/cm3", "mg_cm2": "mg/cm2", "g_cm3": "g/cm3",
    "cm3_g": "cm3/g", "g_per_Ah": "g/Ah", "m2_g": "m2/g", "g_Ah": "g/Ah", "S_cm": "S/cm", "A_g": "A/g", "Wh_kg": "Wh/kg",
    "Wh_L": "Wh/L", "ohm_cm2": "ohm cm2", "usd_per_kWh": "USD/kWh", "usd_per_cell": "USD", "J_m2": "J/m2",
    "m2_s": "m2/s", "mA_cm2": "mA/cm2", "mV_s": "mV/s", "nm": "nm", "um": "µm", "mm": "mm", "MPa": "MPa",
    "GPa": "GPa", "M": "mol/L", "V": "V", "C": "°C", "h": "h", "s": "s", "pct": "%", "cm2": "cm2", "cm3": "cm3",
    "Wh": "Wh", "Ah": "Ah", "mAh": "mAh", "ppm": "ppm", "g": "g", "Hz": "Hz", "deg": "°",
}
SUFFIX_PATTERN = re.compile(r"_(" + "|".join(re.escape(k) for k in SUFFIX_UNITS) + r")$")

#: words written as people write them
_WORDS = {"ice": "ICE", "ce": "CE", "sei": "SEI", "lli": "LLI", "lam": "LAM", "np": "N/P", "si": "Si",
          "soc": "SOC", "ec": "E/C", "r": "R", "dqdv": "dQ/dV", "eis": "EIS", "sse": "SSE", "fem": "FEM",
          "li15si4": "Li15Si4", "siox": "SiOx", "cvd": "CVD", "eol": "EOL", "avg": "average", "x": "x",
          "p05": "(5th pct)", "p50": "(median)", "p95": "(95th pct)", "80pct": "80 %"}


#: whole keys with a conventional name
_NAMES = {"c_rate": "C-rate", "x": "x in LixSi"}


def unit_of_key(key: str) -> str:
    """The unit a key's suffix names (``"loading_mg_cm2"`` -> ``"mg/cm2"``), or ``""``."""
    m = SUFFIX_PATTERN.search(key)
    return SUFFIX_UNITS[m.group(1)] if m else ""


def label_and_unit(key: str) -> tuple[str, str]:
    """``(label, unit)`` of a key: ``"reversible_capacity_mAh_g"`` -> ``("reversible capacity", "mAh/g")``.

    A percentile marker after the unit (``cycles_to_80pct_p05``, ``final_retention_pct_p95``) stays in the
    label; keys without a unit suffix give ``unit == ""``.
    """
    if key in _NAMES:
        return _NAMES[key], ""
    k, tail = str(key), ""
    m = re.search(r"_(p05|p50|p95)$", k)
    if m:
        k, tail = k[: m.start()], m.group(1)
    unit = unit_of_key(k)
    if unit:
        k = SUFFIX_PATTERN.sub("", k)
    words = [w for w in k.split("_") if w]
    if tail:
        words.append(tail)
    label = " ".join(_WORDS.get(w.lower(), w) if w.lower() in _WORDS else w for w in words)
    return label, unit
