"""Key results (sianode.key_results): one owner for the numbers `sianode run`, the stage commands, the
report and ChainRun.key_results() show (issue 20)."""
from __future__ import annotations

import math


from sianode.key_results import COLUMNS, KEY_RESULTS, key_results, stage_key_results
from sianode.results import StageResult


def _life(**kw):
    s = {"cycles": 500, "final_retention_pct": 64.2, "cycles_to_80pct": 212.4, "cycles_to_80pct_p05": 150.2,
         "cycles_to_80pct_p95": float("inf"), "cycles_to_80pct_censored_fraction": 0.1,
         "final_retention_pct_p05": 40.0, "final_retention_pct_p95": 90.0, "knee_cycle": float("nan")}
    s.update(kw)
    return StageResult("life", s)


def test_life_band_and_not_reached():
    df = stage_key_results(_life())
    row = df.loc["life.cycles_to_80pct"]
    assert row["value"] == "212" and row["unit"] == "cycles"
    assert row["note"] == "5–95th pct 150 to > 500; 10 % of samples above 80 % after 500"
    assert df.loc["life.final_retention_pct", "quantity"] == "capacity retention after 500 cycles"
    assert df.loc["life.knee_cycle", "value"] == "none"
    nr = stage_key_results(StageResult("life", {"cycles": 50, "cycles_to_80pct": float("nan")}))
    assert nr.loc["life.cycles_to_80pct", "value"] == "> 50"
    assert nr.loc["life.cycles_to_80pct", "note"] == "not reached in 50 cycles"


def test_headline_subset_and_every_row_points_at_a_summary_value():
    res = _life()
    full, head = stage_key_results(res), stage_key_results(res, headline_only=True)
    assert set(head.index) < set(full.index) and list(full.columns) == COLUMNS
    assert all(k.split(".", 1)[1] in res.summary for k in full.index)


def test_fracture_verdict_and_missing_values():
    s = {"fractures": True, "critical_diameter_nm": 150.0, "si_feature_size_nm": 300.0,
         "si_feature": "particle diameter", "fracture_margin": 0.5, "electrode_thickness_change_pct": float("nan")}
    df = stage_key_results(StageResult("mechanics", s))
    assert df.loc["mechanics.fractures", "value"] == "fractures"
    assert "critical size 150 nm vs particle diameter 300 nm (margin 0.5x)" == df.loc["mechanics.fractures", "note"]
    assert df.loc["mechanics.electrode_thickness_change_pct", "value"] == "n/a"
    assert "mechanics.binder_damaged" not in df.index  # absent from the summary: not shown


def test_echem_rate_labels_and_unsupported():
    s = {"capacity_high_rate_mAh_g": 762.8, "high_rate": 8.0, "rate_unit": "A/g"}
    assert stage_key_results(StageResult("echem", s)).iloc[0]["quantity"] == "capacity at 8 A/g"
    s = {"capacity_high_rate_mAh_g": 120.0, "high_rate": 6.0, "rate_unit": "C"}
    assert stage_key_results(StageResult("echem", s)).iloc[0]["quantity"] == "capacity at 6C"
    off = stage_key_results(StageResult("echem", {"supported": False, "reason": "solid electrolyte"}))
    assert off.iloc[0]["value"] == "not simulated" and off.iloc[0]["note"] == "solid electrolyte"


def test_registry_is_in_stage_order_with_units():
    from sianode.chain import STAGES

    order = [list(STAGES).index(q.stage) for q in KEY_RESULTS]
    assert order == sorted(order)
    numeric = [q for q in KEY_RESULTS if q.text is None]
    assert all(q.unit for q in numeric if q.key not in ("criteria_passed",)), [q.key for q in numeric if not q.unit]


def test_chain_run_key_results_match_the_summary():
    from sianode.chain import ModelChain
    from sianode.design import load_example

    run = ModelChain(load_example("siox"), ["materials"]).run()
    df = run.key_results()
    assert list(df["stage"].unique()) == ["materials"]
    v = run.summary["materials.reversible_capacity_mAh_g"]
    assert df.loc["materials.reversible_capacity_mAh_g", "value"] == f"{v:.4g}"
    assert math.isclose(float(df.loc["materials.ice_pct", "value"]), run.summary["materials.ice_pct"], abs_tol=0.05)
    assert len(key_results({})) == 0
