"""Cycling metrics: exact answers on synthetic cells, conventions, a real Si half cell."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sianode.analysis.cycling import (analyze_cycling, cycle_summary, detect_gitt, is_anode_half_cell,
                                      key_metrics, rate_table, step_summary)
from sianode.errors import InputError
from sianode.iotools.merge import merge_tests
from sianode.iotools.schema import assign_cycles, build_tidy, segment_cumsum
from sianode.iotools.synthetic import synthetic_half_cell

REAL = Path(__file__).parents[2] / ".." / "shared" / "realdata"


def test_segment_cumsum_matches_loop():
    rng = np.random.default_rng(1)
    x = rng.random(500)
    key = np.sort(rng.integers(0, 40, 500))
    starts = np.concatenate([[0], np.flatnonzero(np.diff(key)) + 1])
    ref = np.concatenate([np.cumsum(x[a:b]) for a, b in zip(starts, list(starts[1:]) + [500])])
    np.testing.assert_allclose(segment_cumsum(x, starts), ref, rtol=1e-12)


def test_assign_cycles_half_and_full_cell():
    # half cell: rest, lith, rest, delith, rest, lith, delith -> cycles 1 1 1 1 1 2 2
    assert assign_cycles(np.array([0, -1, 0, 1, 0, -1, 1])).tolist() == [1, 1, 1, 1, 1, 2, 2]
    # full cell: charge first
    assert assign_cycles(np.array([1, -1, 1, 0, -1, 1])).tolist() == [1, 1, 2, 2, 2, 3]
    # CC then CV in the same direction stays in one cycle
    assert assign_cycles(np.array([-1, -1, 1, 1, -1])).tolist() == [1, 1, 1, 1, 2]


def test_exact_capacities_ce_retention_on_synthetic_half_cell():
    df = synthetic_half_cell(6, capacity_mAh=1.6, fade_per_cycle=0.02, ice=0.8, ce=0.99, active_mass_g=0.8e-3)
    cyc = cycle_summary(df)
    assert cyc.attrs["half_cell"]
    q_out = 1.6 * 0.98 ** np.arange(6)
    np.testing.assert_allclose(cyc["delithiation_capacity_mAh"], q_out, rtol=1e-9)
    np.testing.assert_allclose(cyc["charge_capacity_mAh"], q_out, rtol=1e-9)  # half cell: delith = charge
    np.testing.assert_allclose(cyc["coulombic_efficiency"], [0.8] + [0.99] * 5, rtol=1e-9)
    np.testing.assert_allclose(cyc["retention"], 0.98 ** np.arange(6), rtol=1e-9)
    np.testing.assert_allclose(cyc["delithiation_capacity_mAh_g"], q_out / 0.8e-3, rtol=1e-9)
    m = key_metrics(cyc)
    assert m["ICE_percent"] == pytest.approx(80.0)
    assert m["first_insertion_capacity_mAh_g"] == pytest.approx(1.6 / 0.8 / 0.8e-3)
    # average voltage = energy / charge: delithiation above lithiation, hysteresis positive
    assert (cyc["avg_delithiation_voltage_V"] > cyc["avg_lithiation_voltage_V"]).all()
    np.testing.assert_allclose(cyc["voltage_hysteresis_V"],
                               cyc["avg_charge_voltage_V"] - cyc["avg_discharge_voltage_V"])
    # half cell: EE = E_discharge / E_charge = lithiation energy / delithiation energy of the
    # pair, i.e. (V_lith / V_delith) / CE: below CE because delithiation runs at higher voltage
    np.testing.assert_allclose(cyc["energy_efficiency"],
                               cyc["discharge_energy_mWh"] / cyc["charge_energy_mWh"], rtol=1e-12)
    np.testing.assert_allclose(cyc["energy_efficiency"], cyc["avg_lithiation_voltage_V"]
                               / cyc["avg_delithiation_voltage_V"] / cyc["coulombic_efficiency"], rtol=1e-9)
    assert (cyc["energy_efficiency"] < cyc["coulombic_efficiency"]).all()
    assert cyc["included"].all() and (cyc["flag"] == "").all()


def test_average_voltage_is_energy_over_charge():
    # constant current and a linear voltage ramp: V_avg = mean of the ramp
    t = np.linspace(0, 3600, 3601)
    i = np.full_like(t, -1e-3)
    v = np.linspace(0.8, 0.1, t.size)
    df = build_tidy(t, i, v, source="ramp", fmt="t", reader="t")
    cyc = cycle_summary(df)
    assert cyc["discharge_capacity_mAh"].iloc[0] == pytest.approx(1.0, rel=1e-9)
    assert cyc["avg_discharge_voltage_V"].iloc[0] == pytest.approx(0.45, rel=1e-6)


def test_reference_cycle_choices_and_errors():
    df = synthetic_half_cell(4, fade_per_cycle=-0.05)  # capacity rises (activation)
    assert cycle_summary(df, reference_cycle="max")["retention"].max() == pytest.approx(1.0)
    r2 = cycle_summary(df, reference_cycle=2)["retention"]
    assert r2.iloc[1] == pytest.approx(1.0)
    with pytest.raises(InputError, match="reference cycle 9"):
        cycle_summary(df, reference_cycle=9)
    with pytest.raises(InputError, match="active mass"):
        cycle_summary(df, active_mass_g=-1.0)


def test_areal_capacity():
    df = synthetic_half_cell(2, capacity_mAh=2.0)
    cyc = cycle_summary(df, electrode_area_cm2=1.5)
    assert cyc["reversible_capacity_mAh_cm2"].iloc[0] == pytest.approx(2.0 / 1.5)


def test_full_cell_convention():
    """A cell that starts with charge: CE = discharge / charge and no half-cell columns."""
    half = synthetic_half_cell(3)
    full = half.copy()
    full["current_A"] = -full["current_A"]
    full["voltage_V"] = 4.2 - full["voltage_V"]
    full["step_type"] = full["step_type"].map({"charge": "discharge", "discharge": "charge", "rest": "rest"}
                                              ).astype(half["step_type"].dtype)
    cyc = cycle_summary(full)
    assert not cyc.attrs["half_cell"]
    np.testing.assert_allclose(cyc["coulombic_efficiency"],
                               cyc["discharge_capacity_mAh"] / cyc["charge_capacity_mAh"])
    assert "lithiation_capacity_mAh" not in cyc


def test_rate_table_blocks():
    cur = [0.16, 0.16, 0.4, 0.4, 0.8, 0.8, 0.16]
    df = synthetic_half_cell(7, current_mA=0.16, currents_by_cycle=cur)
    tab = rate_table(cycle_summary(df))
    assert len(tab) == 4  # back to the first rate is a new block, as in rate tests
    np.testing.assert_allclose(tab["current_mA"], [0.16, 0.4, 0.8, 0.16], rtol=1e-6)
    assert tab["n_cycles"].tolist() == [2, 2, 2, 1]
    assert rate_table(cycle_summary(synthetic_half_cell(3))).empty


def test_gitt_detection():
    # 20 short pulses each followed by a 4x longer rest
    t, i, k = [], [], []
    t0 = 0.0
    for n in range(20):
        tp = np.linspace(0, 600, 31)
        t.append(t0 + tp); i.append(np.full(31, -1e-4)); k.append(np.full(31, 2 * n)); t0 += 600
        tr = np.linspace(60, 2400, 40)
        t.append(t0 + tr); i.append(np.zeros(40)); k.append(np.full(40, 2 * n + 1)); t0 += 2400
    t = np.concatenate(t)
    v = 0.5 - t / t[-1] * 0.4
    df = build_tidy(t, np.concatenate(i), v, source="g", fmt="t", reader="t", step_key=np.concatenate(k))
    g = detect_gitt(step_summary(df))
    assert g["is_gitt"] and g["n_pulses"] >= 19
    assert not detect_gitt(step_summary(synthetic_half_cell(3)))["is_gitt"]


def test_merge_parts_equals_whole():
    df = synthetic_half_cell(4)
    cut = int(np.flatnonzero(df["cycle"].to_numpy() == 3)[0]) + 5  # inside cycle 3's lithiation
    a = build_tidy(df.time_s[:cut], df.current_A[:cut], df.voltage_V[:cut], source="a", fmt="t", reader="t",
                   step_key=df.step[:cut])
    b = build_tidy(df.time_s[cut:], df.current_A[cut:], df.voltage_V[cut:], source="b", fmt="t", reader="t",
                   step_key=df.step[cut:])
    assert b["cycle"].max() < 4  # on its own, part b restarts cycle numbering
    m = merge_tests([a, b])
    whole, merged = cycle_summary(df), cycle_summary(m)
    # the one sampling interval between the parts (1 of 399 in that half cycle) is in neither file
    np.testing.assert_allclose(merged["discharge_capacity_mAh"], whole["discharge_capacity_mAh"], rtol=1 / 399 + 1e-6)
    np.testing.assert_allclose(merged["charge_capacity_mAh"], whole["charge_capacity_mAh"], rtol=1e-9)


def test_real_si_half_cell_arbin():
    """cellpy's Si half cell: ~2000 mAh/g at 0.85 mg, CE > 100 % in cycles 2–6 kept as measured."""
    from sianode.iotools import read
    from sianode.iotools.arbin import mdbtools_available
    p = REAL / "cellpy" / "20160805_test001_45_cc_01.res"
    if not p.exists() or not mdbtools_available():
        pytest.skip("real Si data or mdb-export absent")
    df = read(p)
    res = analyze_cycling(df)
    cyc = res["cycles"]
    assert cyc.attrs["half_cell"] and is_anode_half_cell(df)
    c1 = cyc.iloc[0]
    assert 1800 < c1["lithiation_capacity_mAh_g"] < 2300
    assert 1700 < c1["delithiation_capacity_mAh_g"] < 2100
    assert (cyc["coulombic_efficiency"].iloc[1:6] > 1.0).all()
    # a-Si: average delithiation voltage ~0.4-0.45 V, lithiation ~0.2 V after cycle 1
    assert 0.38 < cyc["avg_delithiation_voltage_V"].iloc[3] < 0.5
    assert 0.15 < cyc["avg_lithiation_voltage_V"].iloc[3] < 0.25
    # the schedule switches from C/20-like to a doubled current at cycle 4
    assert len(res["rate"]) == 2
    assert res["rate"]["current_mA"].iloc[1] / res["rate"]["current_mA"].iloc[0] == pytest.approx(2.0, rel=0.02)
