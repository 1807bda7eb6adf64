"""Ranking a result among comparable published records; result inputs; report section."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sianode.errors import InputError
from sianode.literature import compare as cmp
from sianode.literature import plots
from sianode.report.html import Section

EXAMPLE = Path(__file__).parents[2] / "examples" / "compare_result.toml"

BEST = dict(capacity_mAh_g=4000, retention_pct=100, cycles=500, ice_pct=99.9, loading_mg_cm2=60,
            areal_capacity_mAh_cm2=60, family="porous", cell="half", electrolyte="liquid")
WORST = dict(capacity_mAh_g=10, retention_pct=1, cycles=500, ice_pct=1, loading_mg_cm2=0.01,
             areal_capacity_mAh_cm2=0.01, family="porous", cell="half", electrolyte="liquid")


@pytest.fixture(scope="module")
def pub():
    return cmp.published()


def _ids(pub, vals):
    return set(pub.loc[vals.dropna().index, "id"])


def test_percentile_rank_maths():
    assert cmp.percentile_rank(5, [1, 2, 3, 4]) == 100
    assert cmp.percentile_rank(0, [1, 2, 3, 4]) == 0
    assert cmp.percentile_rank(2, [1, 2, 3]) == pytest.approx(50)  # mid-rank
    assert np.isnan(cmp.percentile_rank(1, []))


def test_synthetic_best_and_worst_rank_at_the_extremes(pub):
    best = cmp.compare(BEST, pub=pub).ranks.set_index("metric")
    worst = cmp.compare(WORST, pub=pub).ranks.set_index("metric")
    rated = [m for m in cmp.METRICS if m != "cycles"]
    assert (best.loc[rated, "percentile"] == 100).all() and (worst.loc[rated, "percentile"] == 0).all()
    assert (best["n"] >= 5).all()


def test_ranking_is_monotonic_in_capacity(pub):
    p = [cmp.compare({"capacity_mAh_g": c, "cycles": 500}, pub=pub).ranks.set_index("metric")
         .loc["capacity_mAh_g", "percentile"] for c in (300, 800, 1500, 3000)]
    assert p == sorted(p) and p[0] < p[-1]


# ---------------------------------------------------------------- finding 1: like with like
def test_calendar_storage_is_never_a_cycling_retention(pub):
    for cell in ("half", "full", "pack"):
        res = cmp.Result([], electrolyte="liquid")
        vals, _, _ = cmp.comparable(pub, cmp.Metric("retention_pct", 95.0, cell), res)
        assert "000-411-calendar" not in _ids(pub, vals)
    assert pub.set_index("id").loc["000-411-calendar", "metric_kind"] == "calendar"


def test_ice_of_half_cells_excludes_packs_full_cells_and_prelithiated_anodes(pub):
    res = cmp.Result([], electrolyte="liquid")
    ids = _ids(pub, cmp.comparable(pub, cmp.Metric("ice_pct", 90.0, "half"), res)[0])
    rows = pub.set_index("id").loc[sorted(ids)]
    assert (rows["cell"] == "half").all() and rows["prelithiated"].isna().all() and len(ids) >= 10
    assert not {"001-34-dmc", "000-423-dry"} & ids  # prelithiated full cells, ICE 98.2 and >98.73 %
    pre = _ids(pub, cmp.comparable(pub, cmp.Metric("ice_pct", 98.0, "full"),
                                   cmp.Result([], electrolyte="liquid", prelithiated=True))[0])
    assert "001-34-dmc" in pre and "000-423-dry" not in pre  # '>98.73' is a bound, left out


def test_capacity_basis_and_cycle_window_select_the_sample(pub):
    res = cmp.Result([], electrolyte="liquid")
    after = cmp.comparable(pub, cmp.Metric("capacity_mAh_g", 1000.0, "half", "after_cycling", 400), res)[0]
    rows = pub.loc[after.dropna().index]
    assert (rows["capacity_basis"] == "after_cycling").all()
    assert rows["cycles"].between(200, 800).all() and len(rows) >= 5
    first = cmp.comparable(pub, cmp.Metric("capacity_mAh_g", 1000.0, "half", "first_charge"), res)[0]
    assert set(pub.loc[first.dropna().index, "capacity_basis"]) <= {"reversible", "first_charge"}


def test_electrolyte_and_cell_type_of_the_result_are_used_for_neighbours(pub):
    liquid = cmp.compare(dict(capacity_mAh_g=1300, cycles=300, ice_pct=85, cell="half", electrolyte="liquid"), pub=pub)
    solid = cmp.compare(dict(capacity_mAh_g=1300, cycles=300, ice_pct=85, cell="half", electrolyte="solid"), pub=pub)
    assert len(liquid.neighbours) and (liquid.neighbours["electrolyte"] == "liquid").all()
    assert len(solid.neighbours) and (solid.neighbours["electrolyte"] == "solid").all()
    assert (liquid.neighbours["cell"] == "half").all() and (solid.neighbours["cell"] == "half").all()
    for r in (liquid, solid):
        assert ("liquid" if r is liquid else "solid") in r.ranks["compared_with"].iloc[0]


def test_every_rank_has_n_and_small_samples_are_marked(pub):
    c = cmp.compare(dict(ice_pct=80, retention_pct=80, cycles=17, family="porous", cell="half",
                         electrolyte="solid"), pub=pub)
    r = c.ranks.set_index("metric")
    assert (c.ranks["n"] >= 0).all() and "n_family" in c.ranks
    for m, row in r.iterrows():
        if row["n"] == 0:
            assert row["note"] == "no comparable published record" and np.isnan(row["percentile"])
        elif row["n"] < cmp.MIN_N:
            assert "indicative" in row["note"] and str(row["n"]) in row["note"]
    assert r.loc["retention_pct", "n"] < cmp.MIN_N  # solid-state half cells after 9-34 cycles are rare
    fam = cmp.compare(dict(ice_pct=80, family="nanowire", cell="half", electrolyte="liquid"), pub=pub).ranks.iloc[0]
    assert 0 < fam["n_family"] < cmp.MIN_N and "family rank indicative" in fam["note"]


def test_initial_capacities_are_not_plotted_at_n_cycles(pub):
    fig = plots.ashby(pub, "cycles", "capacity_mAh_g", "retention_pct", None, bases=("after_cycling",))
    pts = np.vstack([c.get_offsets() for c in fig.axes[0].collections if len(c.get_offsets())])
    assert not ((pts[:, 0] == 200) & (pts[:, 1] == 2675)).any()  # 004-54-spe: initial 2675, retention at 200
    assert ((pts[:, 0] == 400) & (pts[:, 1] == 1391)).any()  # 001-T1-01h: 1391 mAh/g after 400 cycles
    import matplotlib.pyplot as plt
    plt.close(fig)


def test_repeated_values_are_counted_once(pub):
    whole = {"001-212-cscp", "001-232-ampsi", "001-22-mgs-full"}
    assert not whole & set(pub["id"])
    sub = pub.set_index("id")
    assert pd.isna(sub.loc["001-22-subnano", "ice_pct"]) and sub.loc["001-22-subnano", "retention_pct"] == 80
    assert pd.isna(sub.loc["004-T2-dwsint", "cycles"]) and sub.loc["004-T2-dwsint", "ice_pct"] == 76


# ---------------------------------------------------------------- inputs
def test_load_example_result_file():
    res = cmp.load_result(EXAMPLE)
    assert res["loading_mg_cm2"] == 1.8 and res.family == "porous" and res["cycles"] == 500
    cap = next(m for m in res.metrics if m.key == "capacity_mAh_g")
    assert cap.basis == "after_cycling" and cap.cycles == 500 and cap.cell == "half"


def test_missing_cycles_are_named(tmp_path):
    p = tmp_path / "r.toml"
    p.write_text("retention_pct = 80\n")
    with pytest.raises(InputError) as e:
        cmp.load_result(p)
    assert "cycles" in str(e.value) and str(p) in str(e.value)
    p.write_text("capacity_mAh_g = 1200\ncapacity_basis = 'after_cycling'\n")
    with pytest.raises(InputError, match="needs cycles"):
        cmp.load_result(p)


@pytest.mark.parametrize("body, message", [
    ("capacity_mAh_g = 1200\nretention_pct = 80\ncycles = 100\ncapacity = 3\n", "unknown field"),
    ("capacity_mAh_g = 9000\nretention_pct = 80\ncycles = 100\n", "physical range"),
    ("capacity_mAh_g = '12 V'\nretention_pct = 80\ncycles = 100\n", "capacity_mAh_g"),
    ("capacity_mAh_g = 1200\nretention_pct = 80\ncycles = 100\nfamily = 'spongy'\n", "valid values"),
    ("capacity_mAh_g = 1200\ncycles = 100\ncell = 'coin'\n", "valid values"),
    ("capacity_mAh_g = [1200\n", "invalid TOML"),
    ("cycles = 10\n", "no metric to compare"),
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
    assert cmp.load_result(c).family == "siox"
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


def test_summary_json_of_sianode_run(tmp_path, chain_summary):
    p = tmp_path / "summary.json"
    p.write_text(json.dumps(chain_summary))
    res = cmp.load_result(p)
    got = {(m.key, m.basis, m.cycles): m.value for m in res.metrics}
    assert got[("capacity_mAh_g", "reversible", None)] == 1874.5
    assert got[("capacity_mAh_g", "after_cycling", 100)] == 1514.4
    assert got[("retention_pct", None, 100)] == 80.8 and got[("ice_pct", None, None)] == 86.5
    assert res.electrolyte == "liquid" and res.family == "porous" and {m.cell for m in res.metrics} == {"half"}
    c = cmp.compare(res)
    assert set(c.ranks["metric"]) >= {"ice_pct", "capacity_mAh_g", "retention_pct"} and (c.ranks["n"] > 0).all()
    solid = dict(chain_summary, **{"life.electrolyte_model": "solid"})
    assert cmp.result_from_summary(solid).electrolyte == "solid"
    with pytest.raises(InputError, match="sianode run"):
        cmp.result_from_summary({"cell.specific_energy_Wh_kg": 300.0, "life.cycles": 100})


def test_summary_json_written_by_the_chain(tmp_path):
    from sianode.chain import ModelChain
    from sianode.design import load_example

    ModelChain(load_example(), ["materials", "life"]).run().write(tmp_path)
    res = cmp.load_result(tmp_path / "summary.json")
    assert {"ice_pct", "capacity_mAh_g", "retention_pct", "cycles"} <= {m.key for m in res.metrics}


def _cycles_table(half=True, n=30):
    """A per-cycle table like `sianode analyze` writes (column names of analysis.cycling)."""
    cyc = np.arange(1, n + 1)
    rev = 1900 * (0.995 ** (cyc - 1))
    df = pd.DataFrame({"cycle": cyc, "coulombic_efficiency": np.r_[0.85, np.full(n - 1, 0.998)],
                       "reversible_capacity_mAh_g": rev, "complete": True, "retention": rev / rev[0]})
    if half:
        df["lithiation_capacity_mAh"] = 1.0
        df["delithiation_capacity_mAh_g"] = rev
    return df


def test_cycles_csv_of_sianode_analyze(tmp_path):
    p = tmp_path / "cellA_cycles.csv"
    _cycles_table().to_csv(p, index=False)
    res = cmp.load_result(p)
    got = {(m.key, m.basis): m for m in res.metrics}
    assert got[("ice_pct", None)].value == pytest.approx(85.0) and res.name == "cellA"
    assert got[("capacity_mAh_g", "first_charge")].value == pytest.approx(1900)
    last = got[("capacity_mAh_g", "after_cycling")]
    assert last.cycles == 30 and last.value == pytest.approx(1900 * 0.995 ** 29)
    assert got[("retention_pct", None)].value == pytest.approx(100 * 0.995 ** 29)
    assert all(m.cell == "half" for m in res.metrics)
    full = tmp_path / "fc_cycles.csv"
    _cycles_table(half=False).to_csv(full, index=False)
    res = cmp.load_result(full)
    assert {m.cell for m in res.metrics} == {"full"} and "capacity_mAh_g" not in res
    assert cmp.load_result(full, cell="half", electrolyte="solid").electrolyte == "solid"
    bad = tmp_path / "x_cycles.csv"
    bad.write_text("cycle,voltage\n1,3.0\n")
    with pytest.raises(InputError, match="coulombic_efficiency"):
        cmp.load_result(bad)


def test_cycles_column_mapping_is_tolerant():
    df = _cycles_table().rename(columns={"coulombic_efficiency": "CE", "cycle": "Cycle_Index"})
    col = cmp.cycles_columns(df)
    assert col["ce"] == "CE" and col["cycle"] == "Cycle_Index"


# ---------------------------------------------------------------- report
def test_report_sections_with_partial_and_empty_summaries():
    secs = cmp.report_sections({"capacity_mAh_g": 1500.0, "ice_pct": 88.0, "family": "cvd-si-c",
                                "loading_mg_cm2": float("nan"), "unrelated": 3})
    assert len(secs) == 1 and isinstance(secs[0], Section)
    assert secs[0].title == "How this compares with the literature"
    html = secs[0].body + "".join(c.body for c in secs[0].children)
    assert html.count("<img") == 4 and "percentile" in html and "cell type not stated" in html
    empty = cmp.report_sections({})
    assert "nothing can be placed" in empty[0].body
    bad = cmp.report_sections({"capacity_mAh_g": -5})
    assert "not possible" in bad[0].body


def test_html_prints_values_as_published_never_in_exponent_form(tmp_path, monkeypatch):
    import re
    monkeypatch.setattr(plots, "ashby_figures", lambda pub, res: [])  # figures are tested elsewhere
    c = cmp.compare(cmp.load_result(EXAMPLE))
    paths = cmp.write_report(c, tmp_path / "out")
    text = re.sub(r'src="data:[^"]*"', "", paths["report"].read_text(encoding="utf-8"))
    assert paths["ranks"].exists() and paths["neighbours"].exists()
    assert "How this compares with the literature" in text
    assert "e+0" not in text and "1,350" in text  # the result, 4 significant digits
    assert cmp.fmt(1391.0) == "1,391" and cmp.fmt(13910.0) == "13,910" and cmp.fmt(0.000123) == "0.000123"


def test_report_sections_accepts_design_schema_family_tags(monkeypatch):
    monkeypatch.setattr(plots, "ashby_figures", lambda pub, res: [])  # figures are tested elsewhere; keep fast
    for tag, fam in [("porous_micro_si", "porous"), ("cvd_si_c", "cvd-si-c"), ("core_shell", "core-shell"),
                     ("yolk_shell", "yolk-shell"), ("si_graphite", "si-graphite"), ("hollow", "hollow"), ("siox", "siox")]:
        body = cmp.report_sections({"capacity_mAh_g": 1200.0, "family": tag})[0].body
        assert f"family {fam} (" in body, tag
    # dense Si particles span nano and micro: overall ranks only, with a note, never a failure
    sec = cmp.report_sections({"capacity_mAh_g": 1200.0, "family": "si_particles"})[0]
    assert "only overall ranks" in sec.body and sec.children
