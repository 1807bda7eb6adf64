"""Ranking a result among the published records; result-file validation; report section."""
import json
from pathlib import Path

import numpy as np
import pytest

from sianode.errors import InputError
from sianode.literature import compare as cmp
from sianode.report.html import Section

EXAMPLE = Path(__file__).parents[2] / "examples" / "compare_result.toml"

BEST = dict(capacity_mAh_g=4000, retention_pct=100, cycles=20000, ice_pct=99.9, loading_mg_cm2=60,
            areal_capacity_mAh_cm2=60, family="porous")
WORST = dict(capacity_mAh_g=10, retention_pct=1, cycles=1, ice_pct=1, loading_mg_cm2=0.01,
             areal_capacity_mAh_cm2=0.01, family="porous")


def test_percentile_rank_maths():
    assert cmp.percentile_rank(5, [1, 2, 3, 4]) == 100
    assert cmp.percentile_rank(0, [1, 2, 3, 4]) == 0
    assert cmp.percentile_rank(2, [1, 2, 3]) == pytest.approx(50)  # mid-rank
    assert np.isnan(cmp.percentile_rank(1, []))


def test_synthetic_best_and_worst_rank_at_the_extremes():
    best = cmp.compare(BEST).ranks.set_index("metric")
    worst = cmp.compare(WORST).ranks.set_index("metric")
    assert set(best.index) == set(cmp.METRICS)
    assert (best["percentile_overall"] > 97).all() and (best["percentile_family"] > 90).all()
    assert (worst["percentile_overall"] < 3).all() and (worst["percentile_family"] < 10).all()
    assert (best["n_overall"] >= 10).all()


def test_ranking_is_monotonic_in_capacity():
    p = [cmp.compare({"capacity_mAh_g": c}).ranks.iloc[0]["percentile_overall"] for c in (300, 800, 1500, 3000)]
    assert p == sorted(p) and p[0] < p[-1]


def test_capacity_sample_excludes_first_cycle_and_full_cell_capacities():
    pub = cmp.published()
    assert pub.loc[pub.capacity_basis.isin(["full_cell", "first_discharge", "first_charge"]),
                   "capacity_mAh_g"].isna().all()
    assert pub["duplicate_of"].isna().all()


def test_nearest_neighbour_of_a_published_record_is_itself():
    res = dict(capacity_mAh_g=1391, cycles=400, loading_mg_cm2=0.8, ice_pct=84.5)  # 001 Table 1 row 1
    nb = cmp.compare(res).neighbours
    assert nb.iloc[0]["id"] == "001-T1-01h" and nb.iloc[0]["distance"] == pytest.approx(0)
    assert (np.diff(nb["distance"]) >= 0).all()


def test_load_example_result_file():
    res = cmp.load_result(EXAMPLE)
    assert res["loading_mg_cm2"] == 1.8 and res["family"] == "porous" and res["cycles"] == 500


def test_missing_required_fields_are_named(tmp_path):
    p = tmp_path / "r.toml"
    p.write_text("capacity_mAh_g = 1200\n")
    with pytest.raises(InputError) as e:
        cmp.load_result(p)
    assert "retention_pct" in str(e.value) and "cycles" in str(e.value) and str(p) in str(e.value)


@pytest.mark.parametrize("body, message", [
    ("capacity_mAh_g = 1200\nretention_pct = 80\ncycles = 100\ncapacity = 3\n", "unknown field"),
    ("capacity_mAh_g = 9000\nretention_pct = 80\ncycles = 100\n", "physical range"),
    ("capacity_mAh_g = '12 V'\nretention_pct = 80\ncycles = 100\n", "capacity_mAh_g"),
    ("capacity_mAh_g = 1200\nretention_pct = 80\ncycles = 100\nfamily = 'spongy'\n", "valid values"),
    ("capacity_mAh_g = [1200\n", "invalid TOML"),
])
def test_bad_result_files(tmp_path, body, message):
    p = tmp_path / "r.toml"
    p.write_text(body)
    before = p.read_bytes()
    with pytest.raises(InputError, match=message):
        cmp.load_result(p)
    assert p.read_bytes() == before  # input never modified


def test_json_csv_and_units(tmp_path):
    j = tmp_path / "r.json"
    j.write_text(json.dumps({"result": {"capacity_mAh_g": "1.2 Ah/g", "retention_pct": "80 %", "cycles": 300}}))
    assert cmp.load_result(j)["capacity_mAh_g"] == 1200
    c = tmp_path / "r.csv"
    c.write_text("capacity_mAh_g,retention_pct,cycles,family\n1500,85,700,siox\n")
    assert cmp.load_result(c)["family"] == "siox"
    kv = tmp_path / "kv.csv"
    kv.write_text("field,value\ncapacity_mAh_g,1500\nretention_pct,85\ncycles,700\n")
    assert cmp.load_result(kv)["cycles"] == 700
    for bad, msg in [("x.txt", "unsupported"), ("missing.toml", "not found")]:
        p = tmp_path / bad
        if bad.endswith(".txt"):
            p.write_text("capacity_mAh_g = 1")
        with pytest.raises(InputError, match=msg):
            cmp.load_result(p)
    e = tmp_path / "empty.json"
    e.write_text("")
    with pytest.raises(InputError, match="empty"):
        cmp.load_result(e)


def test_report_sections_with_partial_and_empty_summaries():
    secs = cmp.report_sections({"capacity_mAh_g": 1500.0, "ice_pct": 88.0, "family": "cvd-si-c",
                                "loading_mg_cm2": float("nan"), "unrelated": 3})
    assert len(secs) == 1 and isinstance(secs[0], Section)
    assert secs[0].title == "How this compares with the literature"
    html = secs[0].body + "".join(c.body for c in secs[0].children)
    assert html.count("<img") == 4 and "percentile" in html
    empty = cmp.report_sections({})
    assert "nothing can be placed" in empty[0].body
    bad = cmp.report_sections({"capacity_mAh_g": -5})
    assert "not possible" in bad[0].body


def test_write_report(tmp_path):
    c = cmp.compare(cmp.load_result(EXAMPLE))
    path = cmp.write_report(c, tmp_path / "out")
    assert path.exists() and (tmp_path / "out" / "ranks.csv").exists()
    assert "How this compares with the literature" in path.read_text(encoding="utf-8")


def test_report_sections_accepts_design_schema_family_tags(monkeypatch):
    from sianode.literature import plots
    monkeypatch.setattr(plots, "ashby_figures", lambda pub, res: [])  # figures are tested elsewhere; keep fast
    for tag, fam in [("porous_micro_si", "porous"), ("cvd_si_c", "cvd-si-c"), ("core_shell", "core-shell"),
                     ("yolk_shell", "yolk-shell"), ("si_graphite", "si-graphite"), ("hollow", "hollow"), ("siox", "siox")]:
        body = cmp.report_sections({"capacity_mAh_g": 1200.0, "family": tag})[0].body
        assert f"family {fam} (" in body, tag
    # dense Si particles span nano and micro: overall ranks only, with a note, never a failure
    sec = cmp.report_sections({"capacity_mAh_g": 1200.0, "family": "si_particles"})[0]
    assert "only overall ranks" in sec.body and sec.children
