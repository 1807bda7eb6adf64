"""Knee detection and calibration with confidence intervals; data-file errors."""
import dataclasses
from pathlib import Path

import numpy as np
import pytest

from sianode.errors import InputError
from sianode.life.fade import LifeInputs, simulate
from sianode.life.fit import CycleData, fit_life, read_cycle_data
from sianode.life.knee import knee_point

EXAMPLE = Path(__file__).parents[2] / "examples" / "life_data.csv"


def test_knee_of_piecewise_linear_fade():
    n = np.arange(1, 301)
    y = np.where(n < 180, 1 - 2e-4 * n, 1 - 2e-4 * 180 - 3e-3 * (n - 180))
    assert knee_point(y) == pytest.approx(180, abs=1)
    assert np.isnan(knee_point(1 - 2e-4 * n))  # no acceleration, no knee
    assert np.isnan(knee_point(1 - 0.02 * np.sqrt(n)))  # decelerating fade, no knee
    both = knee_point(np.column_stack([y, 1 - 2e-4 * n]))
    assert both[0] == pytest.approx(180, abs=1) and np.isnan(both[1])


def test_fit_recovers_parameters_within_confidence_interval():
    true = dataclasses.replace(LifeInputs(), sei_rate_factor=2.0, isolation_thickness=60e-9)
    t = simulate(true, 80, record=("retention", "ce"))
    rng = np.random.default_rng(1)
    cyc = np.arange(1, 81)
    ret = t["retention"][:, 0] + rng.normal(0, 0.002, 80)
    ce = t["ce"][:, 0] + rng.normal(0, 0.0002, 80)
    res = fit_life(CycleData(cyc, ret, ce, ret), LifeInputs(), free=("sei_rate_factor", "isolation_thickness"))
    p = res.parameters.set_index("name")
    for name, val in (("sei_rate_factor", 2.0), ("isolation_thickness", 60e-9)):
        assert p.loc[name, "ci_low"] <= val <= p.loc[name, "ci_high"]
        assert p.loc[name, "ci_high"] / p.loc[name, "ci_low"] < 1.5  # informative interval
    assert res.rmse_retention < 0.004


def test_example_file_reads():
    d = read_cycle_data(EXAMPLE)
    assert d.cycle[0] == 1 and d.retention[0] == 1.0 and d.ce is not None and d.ce.max() < 1.0


def test_data_file_errors(tmp_path):
    p = tmp_path / "nocycle.csv"
    p.write_text("capacity\n1\n2\n3\n4\n5\n")
    before = p.read_bytes()
    with pytest.raises(InputError, match="no cycle column"):
        read_cycle_data(p)
    assert p.read_bytes() == before
    q = tmp_path / "nocap.csv"
    q.write_text("cycle,voltage\n1,3\n2,3\n3,3\n4,3\n5,3\n")
    with pytest.raises(InputError, match="no capacity column"):
        read_cycle_data(q)
    r = tmp_path / "bin.csv"
    r.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="UTF-8"):
        read_cycle_data(r)
    s = tmp_path / "order.csv"
    s.write_text("cycle,capacity\n1,3\n3,3\n2,3\n4,3\n5,3\n")
    with pytest.raises(InputError, match="increasing"):
        read_cycle_data(s)
    with pytest.raises(InputError, match="not found"):
        read_cycle_data(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="fit"):
        fit_life(read_cycle_data(EXAMPLE), free=("temperature_K",))
