"""Scalar fast paths of the cell stage (issue #18): the same numbers and the same errors as the general paths."""
import math

import numpy as np
import pytest

from sianode.cathodes import get_cathode
from sianode.cell import cost as _cost
from sianode.cell.anode import graphite_component, si_composite_component, two_component
from sianode.cell.stack import CellResult, cell_model


def _as_0d(res: CellResult) -> CellResult:
    """``res`` with every float turned into a 0-d array (what the general, broadcasting path reads)."""
    def wrap(d):
        return {k: np.asarray(v, dtype=float) if isinstance(v, float) else v for k, v in d.items()}
    return CellResult(wrap(res.values), wrap(res.mass_g), wrap(res.volume_cm3), res.notes, res.inputs, res.geometry)


def _blend(frac):
    si = si_composite_component("si", 1500.0, 0.85, 2.1, 1.2)
    return two_component(graphite_component(), si, frac)


@pytest.mark.parametrize("pre", ["none", "li_foil", "li5feo4"])
def test_cost_items_scalar_path_equals_broadcast_path(pre):
    res = cell_model(get_cathode("NCM811"), _blend(0.2), np_ratio=1.1, prelithiation=pre)
    assert all(isinstance(v, float) for v in res.mass_g.values())  # the fast path is taken
    rows, e = _cost.cost_items(res, "NCM811", 0.2, pre)
    rows0, e0 = _cost.cost_items(_as_0d(res), "NCM811", 0.2, pre)
    assert e == e0 and rows == rows0
    # batched results: one design picked by index is the same number as that design alone
    batch = cell_model(get_cathode("NCM811"), _blend(0.2), np_ratio=np.array([1.05, 1.1, 1.3]), prelithiation=pre)
    rows_b, e_b = _cost.cost_items(batch, "NCM811", 0.2, pre, index=1)
    assert e_b == pytest.approx(e, rel=1e-12)
    assert [v for _, v in rows_b] == pytest.approx([v for _, v in rows], rel=1e-12)
    assert math.isfinite(_cost.materials_cost_usd_per_kWh(res, "NCM811", 0.2, pre))
