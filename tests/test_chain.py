"""The orchestrator: order, hand-over between stages, failures recorded, bad input propagates."""
import sys
import types

import pytest

from sianode import chain as chain_mod
from sianode.chain import ModelChain
from sianode.design import load_example
from sianode.errors import InputError
from sianode.results import StageResult


def _fake_stage(name, fn):
    mod = types.ModuleType(f"fake_{name}")
    mod.run = fn
    mod.report = lambda res: []
    sys.modules[mod.__name__] = mod
    return mod.__name__


@pytest.fixture
def fake_stages(monkeypatch):
    seen = []

    def first(design, upstream):
        seen.append(("first", tuple(upstream)))
        return StageResult("first", {"x": 1.0})

    def second(design, upstream):
        seen.append(("second", tuple(upstream)))
        return StageResult("second", {"twice_x": 2 * upstream["first"].summary["x"]})

    def broken(design, upstream):
        raise ZeroDivisionError("boom")

    def third(design, upstream):
        seen.append(("third", tuple(upstream)))
        return StageResult("third", {})

    stages = {"first": _fake_stage("first", first), "second": _fake_stage("second", second),
              "broken": _fake_stage("broken", broken), "third": _fake_stage("third", third),
              "absent": "sianode_no_such_module"}
    monkeypatch.setattr(chain_mod, "STAGES", stages)
    return seen


def test_stages_run_in_order_and_hand_over(fake_stages):
    res = ModelChain(load_example()).run()
    assert [s for s, _ in fake_stages] == ["first", "second", "third"]
    assert fake_stages[1][1] == ("first",)
    assert res["second"].summary["twice_x"] == 2.0
    assert [f.stage for f in res.failures] == ["broken"] and "boom" in res.failures[0].message
    assert res.skipped == ["absent"]
    assert res.summary["second.twice_x"] == 2.0


def test_subset_keeps_canonical_order(fake_stages):
    ModelChain(load_example(), stages=["third", "first"]).run()
    assert [s for s, _ in fake_stages] == ["first", "third"]


def test_input_error_propagates(monkeypatch):
    def bad(design, upstream):
        raise InputError("nope", field="electrode.loading_mg_cm2")

    monkeypatch.setattr(chain_mod, "STAGES", {"bad": _fake_stage("bad", bad)})
    with pytest.raises(InputError, match="electrode.loading_mg_cm2"):
        ModelChain(load_example()).run()


def test_rejects_non_design_and_unknown_stage():
    with pytest.raises(InputError):
        ModelChain({"active": {}})
    with pytest.raises(InputError, match="stages are"):
        ModelChain(load_example(), stages=["nonsense"])


def test_write_outputs(tmp_path, fake_stages):
    res = ModelChain(load_example()).run()
    files = res.write(tmp_path)
    assert (tmp_path / "summary.json").exists() and len(files) >= 1


def test_report_key_results_first(tmp_path, monkeypatch):
    from sianode.report.design_report import write_report

    def mat(design, upstream):
        return StageResult("materials", {"reversible_capacity_mAh_g": 1234.5, "ice_pct": 88.0})

    def life(design, upstream):
        return StageResult("life", {"cycles": 50, "cycles_to_80pct": float("nan")})

    monkeypatch.setattr(chain_mod, "STAGES", {"materials": _fake_stage("m", mat), "life": _fake_stage("l", life)})
    monkeypatch.setattr("sianode.report.design_report.STAGES", chain_mod.STAGES)
    html = write_report(ModelChain(load_example()).run(), tmp_path).read_text()
    body = html[html.index("</nav>"):]
    assert body.index("Key results") < body.index("Design")
    assert "1234" in body and "not reached in 50 cycles" in body
