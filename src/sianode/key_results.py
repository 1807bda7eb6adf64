"""Key results: the few numbers people run sianode for, each with its label, unit and uncertainty band.

One owner for "key results": ``sianode run`` and every stage command print them, the HTML report opens
with them, and :meth:`sianode.chain.ChainRun.key_results` returns them to Python users. The values
are read from the stages' ``summary`` dicts (computed by the stages, never here); this module only
chooses, labels and formats them.

``headline`` quantities are the ones ``sianode run`` and the report's "Key results" show; a stage
command (``sianode materials``, ``mechanics``, ``life`` ...) shows every quantity of its stage.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from sianode.results import StageResult

#: Columns of a key-results table (index: ``"stage.summary_key"``, the key of ``ChainRun.summary``).
COLUMNS = ["stage", "quantity", "value", "unit", "note"]


@dataclass(frozen=True)
class KeyQuantity:
    """One key result: ``summary[key]`` of ``stage`` shown as ``label`` in ``unit``.

    ``fmt`` formats a number; ``text(summary)`` overrides the value text (verdicts, "not reached");
    ``note(summary)`` adds a short note (a band, a check, the basis); ``label`` may use
    ``{summary keys}`` (e.g. ``"capacity retention after {cycles} cycles"``).
    """

    stage: str
    key: str
    label: str | Callable[[dict], str]
    unit: str = ""
    fmt: str = "{:.4g}"
    headline: bool = False
    text: Callable[[dict], str] | None = None
    note: Callable[[dict], str] | None = None


def _finite(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(float(v))


def _fracture_text(s: dict) -> str:
    return "fractures" if s.get("fractures") else "does not fracture"


def _fracture_note(s: dict) -> str:
    if not _finite(s.get("critical_diameter_nm")) or not _finite(s.get("si_feature_size_nm")):
        return ""
    return (f"critical size {s['critical_diameter_nm']:.3g} nm vs {s.get('si_feature', 'Si feature')} "
            f"{s['si_feature_size_nm']:.3g} nm (margin {s.get('fracture_margin', float('nan')):.3g}x)")


def _c80_text(s: dict) -> str:
    v = s.get("cycles_to_80pct")
    return f"{v:.0f}" if _finite(v) else f"> {s.get('cycles', '?')}"


def _c80_note(s: dict) -> str:
    n = s.get("cycles", "?")
    if "cycles_to_80pct_p05" not in s:
        return f"not reached in {n} cycles" if not _finite(s.get("cycles_to_80pct")) else ""
    lo, hi = s.get("cycles_to_80pct_p05"), s.get("cycles_to_80pct_p95")
    band = f"{_c80_bound(lo, n)} to {_c80_bound(hi, n)}"
    out = f"5–95th pct {band}"
    cens = s.get("cycles_to_80pct_censored_fraction")
    if _finite(cens) and cens > 0:
        out += f"; {100 * cens:.0f} % of samples above 80 % after {n}"
    return out


def _c80_bound(v: Any, n: Any) -> str:
    return f"{v:.0f}" if _finite(v) else f"> {n}"


def _band(lo_key: str, hi_key: str, fmt: str = "{:.3g}") -> Callable[[dict], str]:
    def note(s: dict) -> str:
        lo, hi = s.get(lo_key), s.get(hi_key)
        if _finite(lo) and _finite(hi):
            return f"5–95th pct {fmt.format(lo)} to {fmt.format(hi)}"
        return ""
    return note


def _notes(*notes: Callable[[dict], str]) -> Callable[[dict], str]:
    """Several notes joined with '; ' (empty ones left out)."""
    return lambda s: "; ".join(t for t in (n(s) for n in notes) if t)


def _knee_text(s: dict) -> str:
    v = s.get("knee_cycle")
    return f"{v:.0f}" if _finite(v) else "none"


def _rate(s: dict, key: str) -> str:
    """A rate of the echem rate table as people write it: ``8 A/g`` (half cell) or ``6C`` (full cell)."""
    v, unit = s.get(key), s.get("rate_unit", "")
    if not _finite(v):
        return "the highest rate" if key == "high_rate" else "the lowest rate"
    return f"{v:g}C" if unit == "C" else f"{v:g} {unit}"


def _half_cell_note(s: dict) -> str:
    return "matched NCM811 pouch around this half-cell anode (assumed)" if s.get("cell_kind") == "half" else ""


def _criteria_text(s: dict) -> str:
    return f"{s.get('criteria_passed', '?')} of {s.get('criteria_total', '?')}"


#: Every key result, in the order shown (stage order, then importance).
KEY_RESULTS: list[KeyQuantity] = [
    # materials
    KeyQuantity("materials", "reversible_capacity_mAh_g", "reversible capacity", "mAh/g", headline=True),
    KeyQuantity("materials", "delivered_capacity_mAh_g", "delivered capacity at the protocol rate", "mAh/g",
                note=lambda s: f"at {s['c_rate']:g}C" if _finite(s.get("c_rate")) else ""),
    KeyQuantity("materials", "first_lithiation_capacity_mAh_g", "first-lithiation capacity", "mAh/g"),
    KeyQuantity("materials", "ice_pct", "initial coulombic efficiency (ICE)", "%", "{:.1f}", headline=True),
    KeyQuantity("materials", "areal_capacity_mAh_cm2", "areal capacity (reversible)", "mAh/cm2", "{:.3g}",
                headline=True),
    KeyQuantity("materials", "particle_expansion_pct", "particle expansion, fully lithiated", "%", "{:.3g}",
                headline=True),
    KeyQuantity("materials", "average_delithiation_voltage_V", "average delithiation voltage vs Li", "V", "{:.3f}"),
    KeyQuantity("materials", "electrode_thickness_um", "electrode coating thickness", "µm", "{:.3g}"),
    # mechanics
    KeyQuantity("mechanics", "fractures", "particle fracture", headline=True, text=_fracture_text,
                note=_fracture_note),
    KeyQuantity("mechanics", "critical_diameter_nm", "critical Si size for fracture", "nm", "{:.3g}"),
    KeyQuantity("mechanics", "max_von_mises_GPa", "max von Mises stress in Si", "GPa", "{:.3g}"),
    KeyQuantity("mechanics", "electrode_thickness_change_pct", "electrode swelling, fully lithiated", "%", "{:.3g}",
                headline=True, note=lambda s: str(s.get("swelling_check", ""))),
    KeyQuantity("mechanics", "irreversible_swelling_per_cycle_pct", "irreversible swelling per cycle", "%", "{:.2g}"),
    KeyQuantity("mechanics", "binder_damaged", "binder damaged", text=lambda s: "yes" if s.get("binder_damaged") else "no"),
    # life
    KeyQuantity("life", "final_retention_pct", "capacity retention after {cycles} cycles", "%", "{:.1f}",
                headline=True, note=_band("final_retention_pct_p05", "final_retention_pct_p95", "{:.0f} %")),
    KeyQuantity("life", "cycles_to_80pct", "cycles to 80 % retention", "cycles", headline=True, text=_c80_text,
                note=_c80_note),
    KeyQuantity("life", "knee_cycle", "knee of the fade curve", "cycle", text=_knee_text),
    KeyQuantity("life", "mean_ce_pct", "mean coulombic efficiency", "%", "{:.2f}"),
    KeyQuantity("life", "lli_mAh_g", "lithium inventory lost (LLI)", "mAh/g", "{:.3g}"),
    KeyQuantity("life", "lam_pct", "loss of active material (LAM)", "%", "{:.3g}"),
    KeyQuantity("life", "sei_thickness_nm", "SEI thickness at the last cycle", "nm", "{:.3g}"),
    # echem
    KeyQuantity("echem", "capacity_low_rate_mAh_g", lambda s: f"capacity at {_rate(s, 'low_rate')}", "mAh/g"),
    KeyQuantity("echem", "capacity_high_rate_mAh_g", lambda s: f"capacity at {_rate(s, 'high_rate')}", "mAh/g",
                headline=True),
    KeyQuantity("echem", "plating_margin_3C_25C_V", "Li-plating margin, 3C at 25 °C", "V", "{:.3f}",
                headline=True, note=lambda s: "< 0: plating possible"),
    KeyQuantity("echem", "plating_margin_3C_m20C_V", "Li-plating margin, 3C at -20 °C", "V", "{:.3f}"),
    # cell
    KeyQuantity("cell", "specific_energy_Wh_kg", "cell specific energy", "Wh/kg", "{:.0f}", headline=True,
                note=_notes(_band("specific_energy_Wh_kg_p05", "specific_energy_Wh_kg_p95", "{:.0f}"),
                            _half_cell_note)),
    KeyQuantity("cell", "energy_density_Wh_L", "cell energy density, swollen", "Wh/L", "{:.0f}",
                headline=True, note=_band("energy_density_Wh_L_p05", "energy_density_Wh_L_p95", "{:.0f}")),
    KeyQuantity("cell", "prelithiation_dose_mAh_cm2", "prelithiation dose", "mAh/cm2", "{:.3g}", headline=True,
                note=lambda s: str(s.get("prelithiation_method", ""))),
    KeyQuantity("cell", "materials_cost_usd_per_kWh", "materials cost", "USD/kWh", "{:.0f}"),
    KeyQuantity("cell", "criteria_passed", "industrial criteria met", text=_criteria_text),
]


def _value_text(q: KeyQuantity, s: dict) -> str:
    if q.text is not None:
        return q.text(s)
    v = s.get(q.key)
    if isinstance(v, bool):
        return "yes" if v else "no"
    if _finite(v):
        return q.fmt.format(float(v))
    if isinstance(v, (int, float)):
        return "n/a"
    return str(v)


def _label(q: KeyQuantity, s: dict) -> str:
    if callable(q.label):
        return q.label(s)
    try:
        return q.label.format(**s)
    except (KeyError, ValueError, IndexError):
        return q.label


def stage_key_results(result: StageResult, headline_only: bool = False) -> pd.DataFrame:
    """Key results of one stage as a tidy table (:data:`COLUMNS`, index ``"stage.key"``).

    Quantities absent from the summary (e.g. an echem stage that did not simulate) are left out.
    """
    s = result.summary
    rows, index = [], []
    for q in KEY_RESULTS:
        if q.stage != result.name or (headline_only and not q.headline) or q.key not in s:
            continue
        note = q.note(s) if q.note is not None else ""
        rows.append({"stage": q.stage, "quantity": _label(q, s), "value": _value_text(q, s), "unit": q.unit,
                     "note": note})
        index.append(f"{q.stage}.{q.key}")
    if result.name == "echem" and not s.get("supported", True):
        rows.append({"stage": "echem", "quantity": "electrochemical simulation", "value": "not simulated",
                     "unit": "", "note": str(s.get("reason", ""))})
        index.append("echem.supported")
    return pd.DataFrame(rows, columns=COLUMNS, index=pd.Index(index, name="key"))


def key_results(stages: dict[str, StageResult], headline_only: bool = True) -> pd.DataFrame:
    """Key results of several stages (``{name: StageResult}``, in the order given) as one tidy table."""
    parts = [stage_key_results(r, headline_only) for r in stages.values()]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=COLUMNS, index=pd.Index([], name="key"))
    return pd.concat(parts)
