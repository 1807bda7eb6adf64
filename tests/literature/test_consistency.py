"""The consistency check of the records passes on the shipped data and fails on broken copies.

Broken copies are made two ways: by editing typed rows in memory (one test per check), and by
editing a copy of records.csv on disk (the whole path a contributor takes).
"""
import copy
import csv
import shutil

import pytest

from sianode.literature.build import SCHEMAS, csv_path, read_table
from sianode.literature.consistency import (
    basis_problems, bound_problems, check_records, contradictions, duplicate_problems, precision_problems,
)


@pytest.fixture(scope="module")
def rows():
    return read_table("records")


@pytest.fixture(scope="module")
def printed():
    return read_table("records", as_printed=True)


def _edit(rows, rid, **kw):
    out = copy.deepcopy(rows)
    r = next(x for x in out if x["id"] == rid)
    r.update(kw)
    return out


def test_shipped_records_are_consistent(rows, printed):
    assert check_records(rows, printed) == []


# ---------------------------------------------------------------- duplicates (finding 3)
ISSUE_PAIRS = [("001-212-cscp", "001-T1-03h"), ("001-22-subnano", "001-T1-04h"), ("001-231-dsiog", "001-T1-09h"),
               ("001-232-ampsi", "001-T1-11h"), ("001-22-mgs-full", "001-T1-06f"),
               ("004-T2-dwsint", "004-422-dwsint-6000"), ("004-T2-musi", "004-43-musi-400")]


@pytest.mark.parametrize("dup, target", ISSUE_PAIRS)
def test_each_repeated_result_is_marked_and_unmarking_it_fails(rows, dup, target):
    r = next(x for x in rows if x["id"] == dup)
    assert r["duplicate_of"] == target
    bad = duplicate_problems(_edit(rows, dup, duplicate_of=None, duplicate_values=None))
    assert any("unmarked duplicate" in b and dup in b and target in b for b in bad), bad


def test_a_marked_value_must_be_stated_by_the_target(rows):
    bad = duplicate_problems(_edit(rows, "001-22-subnano", duplicate_values="retention_pct"))
    assert any("001-22-subnano: retention_pct=80.0 is marked as repeating 001-T1-04h" in b for b in bad)


# ---------------------------------------------------------------- bounds (finding 5)
@pytest.mark.parametrize("rid, col, printed_as", [("004-52-grandjean-lsnps", "capacity_mAh_g", "<"),
                                                  ("004-T2-mpss", "capacity_mAh_g", ">"),
                                                  ("001-22-subnano", "retention_pct", ">"),
                                                  ("002-1ag-500", "loading_mg_cm2", "range")])
def test_a_bound_stored_as_a_value_fails(rows, rid, col, printed_as):
    bad = bound_problems(_edit(rows, rid, bounds=None))
    assert any(rid in b and col in b and "plain value" in b and printed_as in b for b in bad), bad


def test_a_bound_the_text_does_not_print_fails(rows):
    bad = bound_problems(_edit(rows, "001-T1-01h", bounds="capacity_mAh_g >"))
    assert any("001-T1-01h" in b and "bounds says capacity_mAh_g >" in b for b in bad)


# ---------------------------------------------------------------- basis and pairing (finding 2)
@pytest.mark.parametrize("rid, wrong", [("004-54-spe", "reversible"), ("004-52-grandjean-sinw", "reversible"),
                                        ("004-52-grandjean-usi", "reversible"), ("001-T1-01h", "initial"),
                                        ("001-231-dsiog", "first_charge"), ("001-211-sio2", "after_cycling")])
def test_a_basis_that_contradicts_the_quote_fails(rows, rid, wrong):
    bad = basis_problems(_edit(rows, rid, capacity_basis=wrong))
    assert any(rid in b and f"capacity_basis={wrong} contradicts the quote" in b for b in bad), bad


def test_a_capacity_paired_with_the_current_of_another_test_fails(rows):
    rec = next(r for r in rows if r["id"] == "004-43-sicnf")
    assert rec["c_rate"] == 0.1 and rec["capacity_mAh_g"] == 1172 and rec["retention_pct"] is None
    cyc = next(r for r in rows if r["id"] == "004-43-sicnf-cyc")
    assert cyc["c_rate"] == 0.5 and cyc["retention_pct"] == 84.3 and cyc["capacity_mAh_g"] is None
    # the record as it was before issue 19: 1172 mAh/g (measured at 0.1C) stored with 0.5C and the retention
    merged = _edit(rows, "004-43-sicnf", c_rate=0.5, cycles=50, retention_pct=84.3,
                   performance_text="a reversible capacity of 1172 mAh g⁻¹ at 0.1C and a capacity retention of "
                                    "84.3% after 50 cycles at 0.5C")
    bad = basis_problems(merged)
    assert any("004-43-sicnf: capacity_mAh_g=1172" in b and "one record must describe one test" in b for b in bad)


# ---------------------------------------------------------------- precision and stated values
def test_rounded_published_value_fails(printed):
    broken = copy.deepcopy(printed)
    r = next(x for x in broken if x["id"] == "001-T1-09h")
    assert r["rate_capacity_mAh_g"] == "774.0"
    r["rate_capacity_mAh_g"] = "774"
    assert any("stored as '774' but printed as '774.0'" in b for b in precision_problems(broken))


def test_a_range_end_that_is_not_the_printed_one_fails(printed):
    broken = copy.deepcopy(printed)
    r = next(x for x in broken if x["id"] == "002-1ag-500")
    assert r["bounds"] == "loading_mg_cm2 range 0.8"
    r["bounds"] = "loading_mg_cm2 range 0.80"
    assert any("range high end of loading_mg_cm2 stored as '0.80', printed '0.8'" in b
               for b in precision_problems(broken))


def test_value_not_stated_fails(rows):
    bad = contradictions(_edit(rows, "001-T1-01h", capacity_mAh_g=1390.0, current_A_g=0.2e-3))
    assert len(bad) == 2 and "capacity_mAh_g" in bad[0] and "current_A_g" in bad[1]


# ---------------------------------------------------------------- a broken CSV on disk
@pytest.mark.parametrize("rid, col, value, message", [
    ("001-212-cscp", "duplicate_of", "", "unmarked duplicate"),
    ("004-52-grandjean-lsnps", "bounds", "", "plain value"),
    ("004-54-spe", "capacity_basis", "reversible", "contradicts the quote"),
])
def test_check_fails_on_a_broken_copy_of_the_csv(tmp_path, rid, col, value, message):
    for t in SCHEMAS:
        shutil.copy(csv_path(t), tmp_path / f"{t}.csv")
    p = tmp_path / "records.csv"
    with open(p, encoding="utf-8", newline="") as fh:
        data = list(csv.DictReader(fh))
    header = list(data[0])
    next(r for r in data if r["id"] == rid)[col] = value
    with open(p, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(data)
    problems = check_records(read_table("records", p), read_table("records", p, as_printed=True))
    assert any(message in b and rid in b for b in problems), problems
