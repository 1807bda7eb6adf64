"""Industrial criteria for a Si anode in a practical cell: pass/fail with the margin.

Thresholds (each with its source):

* areal capacity > 3.0 mAh/cm2, pressing density >= 1.6 g/cm3 (">1.6" in §1, ">= 1.6" in §2.2), volume variation < 70 % (preferably
  < 30 %) -- seeds/001 §1 ("to meet industrial standards, mass loadings must fulfil ... areal
  capacity loading (>3.0 mA h cm-2), pressing density (>1.6 g cm-3), and volume variation (<70 %,
  preferably <30 %)"); seeds/001 §2.2 asks >= 3.5 mAh/cm2 and >= 1.6 g/cm3 for graphite-alloy
  electrodes.
* ICE > 95 % -- seeds/001 §1/§4 (industrial target; issue 5).
* N/P >= 1.1 and a realistic (lean) E/C -- seeds/003 §4.3 ("actual negative and positive electrode
  capacity ratios (N/P ratio > 1.1) and electrolyte/capacity ratios (E/C ratio)"). The E/C limit of
  2.0 g/Ah is an engineering threshold for "practical" testing (commercial cells run at ~1.3 g/Ah).
* no Li plating on the first charge (anode first-lithiation capacity >= Li it receives).

"Volume variation" is evaluated as the anode coating's thickness change at the top of charge
(in-plane constrained electrode: thickness change = volume change).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Criterion:
    name: str
    key: str  # key in the cell model's values
    threshold: float
    direction: str  # ">=" / ">" / "<=" / "<"
    unit: str
    scale: float
    source: str


CRITERIA = [
    Criterion("areal capacity", "areal_capacity_mAh_cm2", 3.0, ">", "mAh/cm2", 1.0, "seeds/001 §1"),
    Criterion("anode press density", "anode_press_density_g_cm3", 1.6, ">=", "g/cm3", 1.0, "seeds/001 §1, §2.2"),
    Criterion("anode volume variation (required)", "anode_thickness_change_charged", 70.0, "<", "%", 100.0,
              "seeds/001 §1 (<70 %)"),
    Criterion("anode volume variation (preferred)", "anode_thickness_change_charged", 30.0, "<", "%", 100.0,
              "seeds/001 §1 (preferably <30 %)"),
    Criterion("anode ICE", "anode_ice", 95.0, ">", "%", 100.0, "seeds/001 §1, §4"),
    Criterion("N/P ratio", "np_ratio", 1.1, ">=", "-", 1.0, "seeds/003 §4.3 (N/P > 1.1)"),
    Criterion("E/C ratio", "electrolyte_g_per_Ah", 2.0, "<=", "g/Ah", 1.0,
              "seeds/003 §4.3 (realistic E/C); 2.0 g/Ah engineering threshold, commercial ~1.3 g/Ah"),
    Criterion("first-charge Li plating margin", "plating_margin_mAh_cm2", 0.0, ">=", "mAh/cm2", 1.0,
              "anode first-lithiation capacity must exceed the Li it receives"),
]


def _check(c: Criterion, values: dict, index=()) -> tuple[float, float, bool]:
    """(value in the criterion's unit, margin, passed) of one criterion for one design: :func:`_checks` of it."""
    v, margin, ok = _checks(c, float(np.asarray(values[c.key], dtype=float)[index]))
    return v, margin, bool(ok)


def _checks(c: Criterion, value):
    """(value in the criterion's unit, margin, passed) of one criterion, for a number or an array of designs."""
    v = value * c.scale
    if c.direction in (">", ">="):
        margin = v - c.threshold
        ok = margin > 0 if c.direction == ">" else margin >= -1e-9 * max(1.0, abs(c.threshold))
    else:
        margin = c.threshold - v
        ok = margin > 0 if c.direction == "<" else margin >= -1e-9 * max(1.0, abs(c.threshold))
    return v, margin, ok


def _applicable(values: dict, criteria, skip) -> list[Criterion]:
    return [c for c in criteria if c.key in values and c.name not in skip]


def evaluate(values: dict, index=(), criteria=CRITERIA, skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """Pass/fail table for one design (``index`` selects it in batched results).

    margin = value - threshold for lower bounds, threshold - value for upper bounds (> 0 is good).
    """
    rows = []
    for c in _applicable(values, criteria, skip):
        v, margin, ok = _check(c, values, index)
        rows.append({"criterion": c.name, "value": v, "requirement": f"{c.direction} {c.threshold:g}",
                     "unit": c.unit, "passed": ok, "margin": margin, "source": c.source})
    return pd.DataFrame(rows)


def passed_count(values: dict, index=(), criteria=CRITERIA, skip: tuple[str, ...] = ()) -> tuple[int, int]:
    """(criteria passed, criteria evaluated) of :func:`evaluate`, without the table: :func:`passed_counts` at
    ``index``."""
    n, total = passed_counts(values, criteria, skip)
    return int(n[index]), total


def passed_counts(values: dict, criteria=CRITERIA, skip: tuple[str, ...] = ()) -> tuple[np.ndarray, int]:
    """:func:`passed_count` of every design of batched ``values`` (arrays or numbers, broadcast together):
    (criteria passed per design, criteria evaluated)."""
    cs = _applicable(values, criteria, skip)
    shape = np.broadcast_shapes(*(np.shape(values[c.key]) for c in cs)) if cs else ()
    n = np.zeros(shape, dtype=int)
    for c in cs:
        n += _checks(c, np.asarray(values[c.key], dtype=float))[2]
    return n, len(cs)
