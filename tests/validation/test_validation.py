"""`sianode validation`: the data files, the status rules, the regression check against the recorded
status (fast cases only), the generated docs page and the command's outputs."""
import hashlib
import json
import math
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from sianode.errors import InputError
from sianode.validation import record as rec
from sianode.validation import references, runner
from sianode.validation import status as st
from sianode.validation.cases import ADAPTERS, CaseOutput, get_adapter
from sianode.validation.references import Tolerance

REPO = Path(__file__).resolve().parents[2]


def sianode(*args):
    return subprocess.run([sys.executable, "-m", "sianode", *args], capture_output=True, text=True, timeout=900)


# ------------------------------------------------------------------------------------------ data
def test_every_case_has_an_adapter_and_every_reference_a_source():
    r = references.load()
    assert len(r.cases) >= 16
    for c in r.cases.values():
        assert get_adapter(c.id, c.module) is ADAPTERS[c.id]
        for q in c.quantities:
            assert q.source.strip() and q.unit.strip() and q.tolerance.why.strip()
            assert q.kind in ("prediction", "fit")
            if q.kind == "fit":
                assert q.fitted_on.strip()
    issue_ids = {"lisi-capacity", "lisi-volume", "asi-voltage", "cvd-sic-ice-000", "p-msi-002", "fea-002",
                 "swelling-002", "critical-size-004", "retention-004-bok", "rate-002", "obrovac-002", "pouch-002",
                 "targets-001", "pybamm-sei", "halfcell-realdata"}
    assert issue_ids <= set(r.cases)


def _refs(**quantity):
    q = {"key": "a", "name": "a", "unit": "%", "reference": 1.0, "source": "s", "tolerance": "t", "kind": "prediction"}
    q.update(quantity)
    return {"sources": {"s": {"citation": "Someone et al. (2020)"}},
            "tolerances": {"t": {"type": "relative", "value": 10.0, "why": "because"}},
            "case": [{"id": "c", "title": "t", "module": "materials", "quantity": [q]}]}


def test_data_file_errors_name_the_problem():
    assert references.parse(_refs(), {}).cases["c"].quantities[0].reference == 1.0
    with pytest.raises(InputError, match="unknown tolerance"):
        references.parse(_refs(tolerance="nope"), {})
    with pytest.raises(InputError, match="fitted_on"):
        references.parse(_refs(kind="fit"), {})
    with pytest.raises(InputError, match="written reason"):
        references.parse(_refs(), {"gap": [{"case": "c", "quantity": "a", "reason": " "}]})
    with pytest.raises(InputError, match="does not declare"):
        references.parse(_refs(), {"gap": [{"case": "c", "quantity": "zz", "reason": "x"}]})


# ------------------------------------------------------------------------------------------ status rules
REL = Tolerance("r", "relative", 10.0, "x")
ABS = Tolerance("a", "absolute", 2.0, "x")
AT_LEAST = Tolerance("l", "at_least", 0.0, "x")


def test_status_rules():
    assert st.status(109.0, 100.0, REL, None) == st.PASS
    assert st.status(111.0, 100.0, REL, None) == st.FAIL
    assert st.status(111.0, 100.0, REL, "why") == st.KNOWN_GAP
    assert st.status(None, 100.0, REL, None) == st.NOT_RUN
    assert st.deviation(93.0, 91.5, ABS) == pytest.approx(1.5) and st.status(93.0, 91.5, ABS, None) == st.PASS
    assert st.status(870.0, 870.0, AT_LEAST, None) == st.PASS
    assert st.status(869.0, 870.0, AT_LEAST, "why") == st.KNOWN_GAP
    assert st.status(5000.0, 870.0, AT_LEAST, None) == st.PASS  # a lower bound has no upper side
    assert st.status(float("nan"), 1.0, REL, None) == st.FAIL
    assert Tolerance("h", "at_least", 50.0, "x").text("%") == "≥ 50 % of reference"
    assert ABS.text("%") == "±2 pp" and REL.text("nm") == "±10 %"


def test_regression_rule():
    assert st.regressed(st.PASS, 5.0, st.PASS, 9.0, REL) is None
    assert "now known-gap" in st.regressed(st.PASS, 5.0, st.KNOWN_GAP, 11.0, REL)
    # a known gap may move by up to its tolerance, not more, and improving is always fine
    assert st.regressed(st.KNOWN_GAP, 30.0, st.KNOWN_GAP, -39.0, REL) is None
    assert "worse" in st.regressed(st.KNOWN_GAP, 30.0, st.KNOWN_GAP, 41.0, REL)
    assert st.regressed(st.KNOWN_GAP, 30.0, st.PASS, 1.0, REL) is None
    assert "worse" in st.regressed(st.KNOWN_GAP, -7.0, st.KNOWN_GAP, -7.5, AT_LEAST)
    assert st.regressed(st.PASS, 0.0, st.NOT_RUN, None, REL) is None


def test_rows_without_a_reason_fail_and_fits_are_not_scored():
    r = references.parse(_refs(), {})
    case = r.cases["c"]
    rows = runner.rows_for(case, CaseOutput({"a": 2.0}), r)
    assert rows[0].status == st.FAIL and rows[0].as_dict()["deviation_pct"] == pytest.approx(100.0)
    r2 = references.parse(_refs(kind="fit", fitted_on="k fitted here"), {})
    rows = runner.rows_for(r2.cases["c"], CaseOutput({"a": 1.0}), r2)
    assert rows[0].status == st.PASS and runner.score(rows)["predictions"] == 0 and runner.score(rows)["fits"] == 1
    d = rows[0].as_dict()
    assert list(d)[:10] == ["id", "quantity", "unit", "model", "reference", "deviation_pct", "tolerance", "status",
                            "kind", "source"]
    assert d["fitted_on"] == "k fitted here"


# ------------------------------------------------------------------------------------------ recorded status
def test_recorded_status_covers_every_quantity_and_has_no_fail():
    r, recorded = references.load(), rec.read_recorded()
    got = {(e["id"], e["quantity"]) for e in recorded["rows"]}
    want = {(c.id, q.key) for c in r.cases.values() for q in c.quantities}
    assert got == want, "run `sianode validation --record`"
    assert not [e for e in recorded["rows"] if e["status"] == st.FAIL]
    # every recorded known gap has its reason, every reason belongs to a recorded known gap
    gaps = {(e["id"], e["quantity"]) for e in recorded["rows"] if e["status"] == st.KNOWN_GAP}
    assert gaps == set(r.gaps)


def test_fast_cases_do_not_regress_against_the_recorded_status():
    run = runner.run(fast_only=True)
    assert not run.crashed, [c.error for c in run.crashed]
    assert {c.case.id for c in run.results} >= {"lisi-capacity", "p-msi-002", "critical-size-004", "swelling-002"}
    problems = rec.regressions(run.rows, rec.read_recorded())
    assert not problems, "\n".join(problems)


def test_docs_page_is_generated_from_the_recorded_status():
    page = REPO / "docs" / "validation.md"
    assert page.read_text(encoding="utf-8") == rec.render_docs(references.load(), rec.read_recorded()), \
        "docs/validation.md is stale: run `sianode validation --record`"
    text = page.read_text(encoding="utf-8")
    for reason in references.load().gaps.values():
        assert reason[:60] in text


# ------------------------------------------------------------------------------------------ cases
def test_bundled_realdata_is_the_unmodified_cellpy_file():
    from sianode.validation.cases.realdata import bundled_res_bytes

    data = bundled_res_bytes()
    assert len(data) == 1634304 and hashlib.sha256(data).hexdigest()[:16] == "d78410132f0d09dd"  # realdata MANIFEST


def test_realdata_case_reports_not_run_without_mdbtools(monkeypatch):
    import sianode.iotools.arbin as arbin

    monkeypatch.setattr(arbin, "mdbtools_available", lambda: False)
    res = runner.run_case(references.load().cases["halfcell-realdata"], references.load())
    assert {r.status for r in res.rows} == {st.NOT_RUN}
    assert "mdbtools" in res.rows[0].reason and not res.error


def test_a_case_whose_model_raises_fails_without_stopping_the_others(monkeypatch):
    import sianode.validation.cases as cases

    r = references.load()
    get_adapter("lisi-capacity", "materials")

    def broken():
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(cases.ADAPTERS, "lisi-capacity", broken)
    run = runner.run(["lisi-capacity", "lisi-volume"], record=r)
    first, second = run.results
    assert {x.status for x in first.rows} == {st.FAIL} and "ZeroDivisionError: boom" in first.rows[0].reason
    assert first.error and not second.error and second.rows[0].status == st.PASS
    assert run.crashed == [first]


def test_case_designs_reuse_the_half_cell_material():
    from sianode.validation.designs import load_case_design

    half, pouch = load_case_design("p_msi_002_half.toml"), load_case_design("pouch_002.toml")
    assert pouch.active == half.active and pouch.cell.kind == "full" and pouch.electrode.active_wt_frac == 0.9
    assert load_case_design("bok_gel.toml").electrolyte.kind == "gel"
    assert load_case_design("bok_gel.toml").active == load_case_design("bok_liquid.toml").active


def test_ordering_fraction():
    from sianode.validation.cases import ordering_fraction

    assert ordering_fraction({"a": 3, "b": 2, "c": 1}, ["a", "b", "c"]) == 1.0
    assert ordering_fraction({"a": 1, "b": 2, "c": 3}, ["a", "b", "c"]) == 0.0
    assert math.isclose(ordering_fraction({"a": 3, "b": 1, "c": 2}, ["a", "b", "c"]), 2 / 3)


# ------------------------------------------------------------------------------------------ command
def test_cli_json_is_only_json_and_html_is_written(tmp_path):
    r = sianode("validation", "--format", "json", "--case", "lisi-capacity", "--case", "obrovac-002",
                "-o", str(tmp_path))
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert [x["id"] for x in rows] == ["lisi-capacity", "lisi-capacity", "obrovac-002"]
    for x in rows:
        assert {"id", "quantity", "unit", "model", "reference", "tolerance", "status", "kind", "source"} <= set(x)
        assert ("deviation_pct" in x) != ("deviation_abs" in x)
    assert json.loads((tmp_path / "validation.json").read_text()) == rows
    page = (tmp_path / "validation.html").read_text()
    assert "data:image/png;base64" in page and "obrovac-002" in page and "predictions passed" in page


def test_cli_unknown_case_exits_2_listing_valid_ids():
    r = sianode("validation", "--case", "no-such-case")
    assert r.returncode == 2
    assert "no-such-case" in r.stderr and "fea-002" in r.stderr and "Traceback" not in r.stderr


def test_cli_table_has_score_line():
    r = sianode("validation", "--case", "lisi-volume")
    assert r.returncode == 0
    assert "predictions passed 1/2" in r.stdout and "known-gap" in r.stdout


def test_package_data_declares_the_validation_files():
    pp = tomllib.loads((REPO / "pyproject.toml").read_text())
    data = pp["tool"]["setuptools"]["package-data"]["sianode"]
    for pattern in ("validation/*.toml", "validation/*.json", "validation/designs/*.toml", "validation/data/*"):
        assert pattern in data


@pytest.mark.parametrize("columns", ["80", "160"])
def test_cli_table_status_is_never_cut_in_a_narrow_or_wide_terminal(columns):
    import os

    r = subprocess.run([sys.executable, "-m", "sianode", "validation", "--case", "lisi-volume", "--case",
                        "retention-004-bok"], capture_output=True, text=True, timeout=900,
                       env={**os.environ, "COLUMNS": columns})
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert all(len(x) <= int(columns) for x in lines)
    # every quantity row ends with a whole status word
    assert sum(x.rstrip().endswith(("known-gap", "pass")) for x in lines) >= 5, r.stdout
    assert ("tolerance   " in r.stdout) == (columns == "160")  # the column header
