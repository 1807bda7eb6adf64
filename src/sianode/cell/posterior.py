"""A calibrated design's posterior in the cell stage: 5th/50th/95th percentiles of Wh/kg and Wh/L.

The life stage draws its own bands from the posterior (``sianode.life.stage.posterior_inputs``). The cell's
energy depends on the measured material properties of each posterior row (reversible capacity, ICE, Si
diffusivity): for every row the materials stage's properties are replaced by that row's values
(:func:`sianode.materials.measured.apply_measured`, the one owner) and the cell stage's own model is evaluated
(:func:`sianode.cell.stage.model_kwargs` and :func:`sianode.cell.stack.cell_model`, exactly as the stage runs
them). The nominal row is checked against the cell stage's reported values first; if they ever differ (the cell
stage changed), every row runs the whole cell stage instead, so the bands always belong to the stage's numbers.

Called by the cell stage itself (the owner of Wh/kg and Wh/L) for a design with a ``[calibration]`` section;
adds ``specific_energy_Wh_kg_p05/_p50/_p95``, ``energy_density_Wh_L_p05/_p50/_p95`` and ``uncertainty_*`` to
its summary and the per-row table ``uncertainty``. The life stage's nominal result is kept for every row (the
as-made energies do not depend on it; end-of-life bands are the life stage's own).
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from sianode.life import uncertainty
from sianode.results import StageResult

#: Cell-stage summary keys that get bands.
BANDED = ("specific_energy_Wh_kg", "energy_density_Wh_L")


def _cell_values(design, upstream) -> dict:
    """Wh/kg and Wh/L the cell stage computes for ``upstream`` (its model, its cathode choice)."""
    from sianode.cathodes import get_cathode
    from sianode.cell.anode import anode_from_composite
    from sianode.cell.reference import MATCHED_CATHODE
    from sianode.cell.stack import cell_model
    from sianode.cell.stage import model_kwargs

    props = upstream["materials"].data
    cathode = get_cathode(MATCHED_CATHODE if design.cell.kind == "half" else design.cell.cathode)
    res = cell_model(cathode, anode_from_composite(props), **model_kwargs(design, upstream))
    return {k: float(np.asarray(res.values[k], float)) for k in BANDED}


def add_cell_bands(design, results: dict[str, StageResult]) -> bool:
    """Add the posterior bands to ``results["cell"]`` (in place); False when there is nothing to propagate.

    ``results`` holds the cell stage's result and its upstream (materials, mechanics, life)."""
    from sianode.materials.measured import apply_measured

    post = uncertainty.Posterior.from_calibration(getattr(design, "calibration", None))
    cell = results.get("cell")
    if post is None or cell is None or any(k not in results for k in ("materials", "mechanics", "life")):
        return False
    draws = post.draw()
    names = [k for k in draws if k in uncertainty.MATERIALS_NAMES]
    if not names:
        cell.summary["uncertainty_source"] = "none: the calibration measured no material property"
        return False
    mres = results["materials"]
    base = {"materials": mres, "mechanics": results["mechanics"], "life": results["life"]}
    evaluate = _cell_values
    nominal = _cell_values(design, base)
    if any(not np.isclose(nominal[k], float(cell.summary[k]), rtol=1e-9, atol=0.0) for k in BANDED):
        raise RuntimeError("posterior bands: the cell model re-evaluated on the nominal design does not reproduce "
                           "the cell stage's Wh/kg and Wh/L; sianode.cell.posterior must follow the stage")
    rows = []
    for i in range(post.n_rows):
        props = apply_measured(mres.data, **{k: float(draws[k][i]) for k in names}, source="posterior row")
        up = {**base, "materials": dataclasses.replace(mres, data=props)}
        rows.append({"row": i, **{k: float(draws[k][i]) for k in names}, **evaluate(design, up)})
    table = pd.DataFrame(rows)
    for k in BANDED:
        lo, mid, hi = uncertainty.percentile_bands(table[k].to_numpy(), axis=0)
        cell.summary[f"{k}_p05"], cell.summary[f"{k}_p50"], cell.summary[f"{k}_p95"] = float(lo), float(mid), float(hi)
    cell.summary["uncertainty_source"] = "calibration posterior (" + ", ".join(names) + ")"
    cell.summary["uncertainty_samples"] = int(post.n_rows)
    cell.tables["uncertainty"] = table
    return True
