"""The orchestrator: order, hand-over between stages, failures recorded, bad input propagates."""
import sys
import types

import pytest

from sianode import chain as chain_mod
from sianode.chain import ModelChain
from sianode.design import load_example
from sianode.errors import InputError
from sianode.results import StageResult


def _fake_stage(name, fn, requires=()):
    mod = types.ModuleType(f"fake_{name}")
    mod.run = fn
    mod.report = lambda res: []
    mod.REQUIRES = tuple(requires)
    sys.modules[mod.__name__] = mod
    return mod.__name__


@pytest.fixture
def fake_stages(monkeypatch):
    seen = []

    def first(design, upstream):
        seen.append(("first", tuple(upstream)))
        return StageResult("first", {"x": 1.0}, data=1.0)

    def second(design, upstream):
        seen.append(("second", tuple(upstream)))
        return StageResult("second", {"twice_x": 2 * upstream["first"].summary["x"]}, data=2.0)

    def broken(design, upstream):
        raise ZeroDivisionError("boom")

    def third(design, upstream):
        seen.append(("third", tuple(upstream)))
        return StageResult("third", {"nan": float("nan"), "inf": float("inf")}, data=3.0)

    def needs_broken(design, upstream):
        seen.append(("needs_broken", tuple(upstream)))
        return StageResult("needs_broken", {})

    stages = {"first": _fake_stage("first", first), "second": _fake_stage("second", second, ["first"]),
              "broken": _fake_stage("broken", broken), "third": _fake_stage("third", third),
              "needs_broken": _fake_stage("needs_broken", needs_broken, ["broken"]),
              "absent": "sianode_no_such_module"}
    monkeypatch.setattr(chain_mod, "STAGES", stages)
    return seen


def test_stages_run_in_order_and_hand_over(fake_stages):
    res = ModelChain(load_example()).run()
    assert [s for s, _ in fake_stages] == ["first", "second", "third"]
    assert fake_stages[1][1] == ("first",)  # a stage sees its requirements only
    assert fake_stages[2][1] == ()
    assert res["second"].summary["twice_x"] == 2.0
    failed = {f.stage: f.message for f in res.failures}
    assert "boom" in failed["broken"]
    # a stage module that cannot be imported is a failure, never "skipped"
    assert "could not be imported" in failed["absent"] and "sianode_no_such_module" in failed["absent"]
    # a stage whose requirement failed fails too, naming it, and is not run
    assert "broken" in failed["needs_broken"] and "needs_broken" not in [s for s, _ in fake_stages]
    assert res.summary["second.twice_x"] == 2.0


def test_requested_stage_runs_its_requirements_first(fake_stages):
    res = ModelChain(load_example(), stages=["second"]).run()
    assert [s for s, _ in fake_stages] == ["first", "second"]
    assert list(res.stages) == ["second"] and list(res.upstream) == ["first"]
    assert set(res.summary) == {"second.twice_x"}  # only the requested stage is reported
    assert res.result("first").summary["x"] == 1.0


def test_subset_keeps_canonical_order(fake_stages):
    ModelChain(load_example(), stages=["third", "first"]).run()
    assert [s for s, _ in fake_stages] == ["first", "third"]


def test_summary_json_is_strict(tmp_path, fake_stages):
    import json

    res = ModelChain(load_example(), stages=["third"]).run()
    res.write(tmp_path)

    def reject(c):
        raise ValueError(f"non-standard JSON constant {c}")

    s = json.loads((tmp_path / "summary.json").read_text(), parse_constant=reject)
    assert s == {"third.nan": None, "third.inf": None}


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
    res = ModelChain(load_example(), stages=["first", "second", "third"]).run()
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


def test_cli_run_exits_1_when_a_stage_module_cannot_be_imported(tmp_path, monkeypatch):
    """Issue 11 §6: a stage whose module fails to import was 'skipped' and `sianode run` exited 0."""
    from typer.testing import CliRunner

    from sianode.cli import app

    def ok(design, upstream):
        return StageResult("materials", {"x": 1.0}, data=1.0)

    monkeypatch.setattr(chain_mod, "STAGES", {"materials": _fake_stage("ok", ok), "mechanics": "sianode_no_such_module"})
    r = CliRunner().invoke(app, ["run", "-o", str(tmp_path)])
    assert r.exit_code == 1
    assert "mechanics" in r.output and "could not be imported" in r.output


def test_a_command_whose_module_fails_to_import_says_so():
    import typer

    from sianode.cli import _broken

    with pytest.raises(typer.Exit) as e:
        _broken("life", "sianode.life.cli", ImportError("no module named x"))()
    assert e.value.exit_code == 1
