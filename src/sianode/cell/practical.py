"""Practical ranges of a cell design: warnings (not errors) for designs outside them, with the range's source.

A design outside these ranges is physically possible but not what a cell maker would build; the cell
stage lists each breach with the value, the range and where the range comes from (terminal, report,
``cell_warnings.csv``). Ranges:

* coating thickness per side (cathode and anode) <= 100 µm: conventional electrodes are 50-100 µm; thicker
  ones are the "thick electrode" regime with transport-limited rate and drying/winding cracks (Kuang,
  Chen, Kirsch & Hu, Adv. Energy Mater. 9 (2019) 1901457);
* areal capacity 3.0-5.0 mAh/cm2: industrial anodes need > 3.0 mAh/cm2 (He et al., Adv. Sci. 2025, seed 001
  §1); above ~4-5 mAh/cm2 electrodes are thick-electrode designs (Kuang et al. 2019);
* N/P (reversible basis) 1.05-1.3: seed 003 §4.3 asks for "actual" N/P > 1.1 in full-cell tests; commercial
  graphite cells run ~1.05-1.2, a larger excess only adds anode mass and first-cycle loss (engineering
  estimate for the 1.05 and 1.3 ends);
* a jelly roll whose layers alone need more than the can when charged or swollen (the can is rigid);
* E/C (liquid electrolyte) between the design's own pore-filling amount (less leaves pores dry:
  seed 003 §4.2, electrolyte depletion) and 3.0 g/Ah (seed 003 §4.3: lean electrolyte in practical
  cells; commercial cells ~1.3 g/Ah).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sianode.provenance import Parameter

_KUANG = "Kuang, Chen, Kirsch & Hu, Adv. Energy Mater. 9 (2019) 1901457 (conventional electrodes 50-100 µm)"

PRACTICAL_RANGES = {
    "coating_thickness_um": (None, Parameter(100.0, "um", _KUANG)),
    "areal_capacity_mAh_cm2": (Parameter(3.0, "mAh/cm2", "He et al., Adv. Sci. 2025 (seed 001 §1): industrial areal "
                                         "capacity > 3.0 mAh/cm2"),
                               Parameter(5.0, "mAh/cm2", "thick-electrode regime beyond ~4-5 mAh/cm2 (" + _KUANG + ")")),
    "np_ratio_reversible": (Parameter(1.05, "-", "seed 003 §4.3 (N/P > 1.1 in practical tests); commercial graphite "
                                      "cells ~1.05-1.2 (engineering estimate)"),
                            Parameter(1.3, "-", "excess anode adds mass and first-cycle loss (engineering estimate)")),
    "ec_ratio_g_Ah": (None, Parameter(3.0, "g/Ah", "seed 003 §4.3: lean electrolyte in practical cells; commercial "
                                      "cells ~1.3 g/Ah")),
}


@dataclass(frozen=True)
class Warning_:
    quantity: str
    value: float
    unit: str
    allowed: str
    source: str

    @property
    def message(self) -> str:
        return f"{self.quantity} = {self.value:.4g} {self.unit} is outside the practical range {self.allowed} ({self.source})"


def check(values: dict, np_ratio_reversible: float, ec_ratio_g_Ah: float | None = None,
          pore_fill_g_Ah: float | None = None) -> list[Warning_]:
    """Warnings for one design (scalar ``values`` of :func:`sianode.cell.stack.cell_model`)."""
    out: list[Warning_] = []

    def rng(key, value, label, unit):
        lo, hi = PRACTICAL_RANGES[key]
        below, above = lo is not None and value < lo.value, hi is not None and value > hi.value
        if below or above:  # the range's text only for a warning
            allowed = (f"{'' if lo is None else f'>= {lo.value:g}'}"
                       f"{' and ' if lo is not None and hi is not None else ''}"
                       f"{'' if hi is None else f'<= {hi.value:g}'} {unit}")
            out.append(Warning_(label, value, unit, allowed, (lo if below else hi).source))

    rng("coating_thickness_um", float(values["cathode_thickness_um"]), "cathode coating thickness per side", "µm")
    rng("coating_thickness_um", float(values["anode_coating_thickness_um"]), "anode coating thickness per side", "µm")
    rng("areal_capacity_mAh_cm2", float(values["areal_capacity_mAh_cm2"]), "areal capacity", "mAh/cm2")
    rng("np_ratio_reversible", float(np_ratio_reversible), "N/P (reversible basis)", "")
    if ec_ratio_g_Ah is not None and ec_ratio_g_Ah == ec_ratio_g_Ah and ec_ratio_g_Ah != float("inf"):
        rng("ec_ratio_g_Ah", float(ec_ratio_g_Ah), "E/C", "g/Ah")
        if pore_fill_g_Ah is not None and ec_ratio_g_Ah < pore_fill_g_Ah * (1 - 1e-9):
            out.append(Warning_("E/C", float(ec_ratio_g_Ah), "g/Ah", f">= {pore_fill_g_Ah:.3g} g/Ah (this design's "
                                "pore volume)", "less electrolyte than the pores hold leaves them dry (seed 003 §4.2: "
                                "electrolyte depletion)"))
    return out


def roll_fit(geometry: dict, packing_factor: float) -> list[Warning_]:
    """A wound roll whose layers alone (without the packing gaps, which pressure can close) need more than the
    can's space when charged or swollen: the can is rigid, so the roll presses on it."""
    out = []
    for state in ("charged", "swollen"):
        fill = geometry.get(f"roll_fill_{state}")
        if fill is not None and float(fill) * packing_factor > 1 + 1e-9:
            out.append(Warning_(f"jelly-roll layers when {state}", 100 * float(fill) * packing_factor, "% of the "
                                "can's space", "<= 100 % of the can's space", "geometry: the can is rigid, so a "
                                "larger roll presses on it (internal pressure, deformation)"))
            break
    return out


def table(warnings: list[Warning_]) -> pd.DataFrame:
    return pd.DataFrame([{"quantity": w.quantity, "value": w.value, "unit": w.unit, "practical_range": w.allowed,
                          "source": w.source, "message": w.message} for w in warnings],
                        columns=["quantity", "value", "unit", "practical_range", "source", "message"])
