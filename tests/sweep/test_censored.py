"""Right-censored results in sweeps: ``life.cycles_to_80pct`` is NaN for a cell still above 80 % after the simulated
cycles; constraints and objectives read it as "more than ``life.cycles``", never as missing."""
import math

import numpy as np
import pandas as pd

from sianode.sweep.report import best_designs, censored_bounds, feasible_mask, objective_values
from sianode.sweep.spec import parse_spec

SPEC = """\
base = "nano_si_graphite"
stages = ["materials", "mechanics", "life"]
constraints = [{constraint}]
objectives = [{objectives}]
[sampling]
method = "grid"
[vary]
"active.si_fraction" = [0.05, 0.1, 0.2, 0.3]
"""


def _spec(constraint='"life.cycles_to_80pct >= 400"', objectives='"maximize life.cycles_to_80pct"'):
    return parse_spec(SPEC.format(constraint=constraint, objectives=objectives))


def _rows():
    # reached 80 % at 300 cycles; never reached in 500 simulated cycles (censored); life stage failed; reached at 450
    return pd.DataFrame({"status": ["ok", "ok", "failed", "ok"],
                         "life.cycles_to_80pct": [300.0, np.nan, np.nan, 450.0],
                         "life.cycles": [500.0, 500.0, np.nan, 500.0],
                         "mechanics.electrode_thickness_change_pct": [20.0, 30.0, np.nan, 10.0]})


def test_censored_bound_is_the_simulated_cycles_only_where_the_run_succeeded():
    b = censored_bounds(_rows(), "life.cycles_to_80pct")
    assert math.isnan(b[0]) and b[1] == 500.0 and math.isnan(b[2]) and math.isnan(b[3])
    assert censored_bounds(_rows(), "mechanics.electrode_thickness_change_pct") is None


def test_a_censored_result_meets_lower_bounds_up_to_its_bound_only():
    df = _rows()
    assert feasible_mask(df, _spec()).tolist() == [False, True, False, True]  # > 500 >= 400
    assert feasible_mask(df, _spec('"life.cycles_to_80pct >= 600"')).tolist() == [False] * 4  # not known
    assert feasible_mask(df, _spec('"life.cycles_to_80pct <= 400"')).tolist() == [True, False, False, False]
    assert feasible_mask(df, _spec('"life.cycles_to_80pct != 450"')).tolist() == [True, True, False, False]


def test_a_censored_design_ranks_first_when_cycles_are_maximised_and_last_when_minimised():
    df = _rows()
    spec = _spec('"life.cycles_to_80pct >= 0"')
    best = best_designs(df, spec, feasible_mask(df, spec))
    assert best.index.tolist()[0] == 1
    o = spec.objectives[0]
    assert objective_values(df, o).tolist()[:2] == [300.0, 500.0]
    spec2 = _spec('"life.cycles_to_80pct >= 0"', '"maximize mechanics.electrode_thickness_change_pct", '
                  '"minimize life.cycles_to_80pct"')
    v = objective_values(df, spec2.objectives[1])
    assert v[1] == np.inf  # worse than any cycle count reached
    front = best_designs(df, spec2, feasible_mask(df, spec2))
    assert 1 in front.index  # still on the front: the thickest swelling of the feasible designs
