"""Published cells the cell model is checked against (numbers from the seeds, with sections).

* The seeds/002 NCM811 pouch (§2.3, §3.2, Fig. 3g): p-mSi@SiOx/C anode (90:5:5), NCM811 18.75 mg/cm2,
  N/P 1.14. Reported: initial 3.49 mAh/cm2; 2.09 mAh/cm2 after 100 cycles at 1C (1C = 2.7 mAh/cm2).
  Half-cell data of the same anode: first charge (delithiation) 1909.0 mAh/g at 0.1 A/g, ICE 76.3 %.
  The model has no cycle fade, so it is compared with the *initial* capacity; the 100-cycle value
  is shown next to it (the model's BOL value must be an upper bound of it).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from sianode.cell.anode import AnodeBlend
from sianode.cathodes import get_cathode
from sianode.cell.stack import cell_model
from sianode.provenance import Parameter

REPORTED_002 = {
    "initial_mAh_cm2": Parameter(3.49, "mAh/cm2", "seeds/002 §3.2 (pouch, initial)"),
    "after_100_cycles_mAh_cm2": Parameter(2.09, "mAh/cm2", "seeds/002 §3.2 (pouch, 100 cycles at 1C)"),
    "half_cell_reversible_mAh_g": Parameter(1909.0, "mAh/g", "seeds/002 §3.2 (first charge at 0.1 A/g)"),
    "half_cell_ice": Parameter(0.763, "-", "seeds/002 §3.2 (76.3 %)"),
}


def pouch_002_comparison(design) -> pd.DataFrame:
    """Areal capacity of the seeds/002 pouch: model (materials-stage anode) and model with the paper's
    measured half-cell capacity and ICE, against the reported 3.49 (initial) and 2.09 (100 cycles)."""
    from sianode.chain import run_stage

    res = run_stage(design, "cell")
    blend: AnodeBlend = res.data["anode"]
    kw = dict(res.data["model_kwargs"])
    cathode = get_cathode(design.cell.cathode)
    comp = blend.components[0]
    measured = replace(comp, reversible_capacity_mAh_g=REPORTED_002["half_cell_reversible_mAh_g"].value,
                       ice=REPORTED_002["half_cell_ice"].value)
    r2 = cell_model(cathode, AnodeBlend([measured], np.ones(1)), **kw)
    rows = []
    for label, q, wh in (("model: materials-stage anode", res.summary["areal_capacity_mAh_cm2"],
                          res.summary["specific_energy_Wh_kg"]),
                         ("model: 002 half-cell capacity and ICE", float(r2.values["areal_capacity_mAh_cm2"]),
                          float(r2.values["specific_energy_Wh_kg"]))):
        rows.append({"case": label, "areal_capacity_mAh_cm2": q, "specific_energy_Wh_kg": wh,
                     "reported_initial_mAh_cm2": REPORTED_002["initial_mAh_cm2"].value,
                     "deviation_from_initial_pct": 100 * (q / REPORTED_002["initial_mAh_cm2"].value - 1),
                     "reported_100_cycles_mAh_cm2": REPORTED_002["after_100_cycles_mAh_cm2"].value})
    return pd.DataFrame(rows)
