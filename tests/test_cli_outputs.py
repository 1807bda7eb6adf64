"""Issue 20: every design command prints its key results with units, then where its outputs went; writes to
sianode-output/<design>/[<stage>/] with a strict-JSON summary.json; user errors exit 2 saying what to do.

In-process (typer's CliRunner on the `sianode` app) to stay fast; the README walk (tests/test_readme.py)
runs the commands as separate processes.
"""
from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from sianode.cli import app


def sianode(*args, cwd=None, monkeypatch=None):
    if cwd is not None:
        monkeypatch.chdir(cwd)
    r = CliRunner().invoke(app, list(args), env={"COLUMNS": "140"})
    return r.exit_code, r.output


def _strict(path):
    def reject(c):
        raise ValueError(f"{path}: non-standard JSON constant {c}")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=reject)


@pytest.fixture()
def design(tmp_path):
    from sianode.design.loader import example_text

    (tmp_path / "mine.toml").write_text(example_text("siox"))
    return tmp_path


@pytest.mark.parametrize("stage, key_line, files", [
    ("materials", "reversible capacity", ["materials_capacity_breakdown.csv"]),
    ("mechanics", "critical Si size for fracture", ["report.html", "mechanics_swelling_vs_cycle.csv"]),
    ("life", "cycles to 80 % retention", ["report.html", "life_cycles.csv"]),
])
def test_stage_command_prints_key_results_and_writes_its_folder(design, monkeypatch, stage, key_line, files):
    args = [stage, "mine.toml"] + (["-n", "30"] if stage == "life" else [])
    code, out = sianode(*args, cwd=design, monkeypatch=monkeypatch)
    assert code == 0, out
    assert key_line in out and re.search(r"│ (%|nm|mAh/g) ", out)  # values carry their units
    folder = design / "sianode-output" / "mine" / stage
    assert f"outputs: {folder.resolve()}" in out.replace("\n", "")
    summary = _strict(folder / "summary.json")
    assert summary and all(k.startswith(f"{stage}.") for k in summary)
    for f in files:
        assert (folder / f).exists(), f


def test_run_then_stage_command_keep_their_own_summaries(design, monkeypatch):
    assert sianode("run", "mine.toml", "-s", "materials", cwd=design, monkeypatch=monkeypatch)[0] == 0
    assert sianode("life", "mine.toml", "-n", "20", "--no-html")[0] == 0
    base = design / "sianode-output" / "mine"
    assert all(k.startswith("materials.") for k in _strict(base / "summary.json"))
    assert _strict(base / "life" / "summary.json")["life.cycles"] == 20


@pytest.mark.parametrize("cmd", [["materials"], ["mechanics"], ["life", "-n", "5"], ["simulate", "-e", "partial-soc"]])
def test_output_that_is_a_file_is_exit_2_and_no_folder_is_left(tmp_path, monkeypatch, cmd):
    (tmp_path / "a_file").write_text("keep me")
    code, out = sianode(*cmd, "-o", "a_file", cwd=tmp_path, monkeypatch=monkeypatch)
    assert code == 2 and "-o" in out and "Traceback" not in out
    assert (tmp_path / "a_file").read_text() == "keep me"
    code, out = sianode(*cmd, "-o", "/proc/sianode-x")
    assert code == 2 and "choose a folder you can write to" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def test_failed_input_leaves_no_empty_output_folder(tmp_path, monkeypatch):
    code, out = sianode("life", "--soc-max", "1.5", cwd=tmp_path, monkeypatch=monkeypatch)
    assert code == 2 and "soc" in out.lower()
    assert not (tmp_path / "sianode-output").exists()


@pytest.mark.parametrize("args, allowed", [
    (["simulate", "-e", "bogus"], ["rate", "fast-charge", "calibrate"]),
    (["simulate", "--model", "XYZ"], ["DFN", "SPMe"]),
    (["literature", "query", "--source-review", "seeds/002"], ["liu-2025", "he-2025"]),
    (["literature", "query", "--format", "bogus"], ["table", "csv", "json"]),
])
def test_bad_choice_lists_the_allowed_values(args, allowed):
    code, out = sianode(*args)
    assert code == 2 and all(a in out for a in allowed), out


def test_calibrate_says_what_it_fitted_in_plain_numbers(tmp_path, monkeypatch):
    code, out = sianode("simulate", "-e", "calibrate", "--model", "SPM", cwd=tmp_path, monkeypatch=monkeypatch)
    assert code == 0, out
    assert "data fitted:" in out and "Liu et al., Nano-Micro Lett. 2025" in out
    assert "np.float64" not in out and "{" not in out
    assert "Si diffusivity" in out and "m2/s" in out and "prediction error" in out
    s = _strict(tmp_path / "sianode-output" / "porous_micro_si" / "simulate-calibrate" / "summary.json")
    assert s["experiment"] == "calibrate" and "Liu et al." in s["data_fitted"] and s["key_table"]


def test_validate_confirms_the_design_and_points_at_the_next_step(design, monkeypatch):
    code, out = sianode("validate", "mine.toml", cwd=design, monkeypatch=monkeypatch)
    assert code == 0 and "valid" in out
    assert "2.5 mg/cm2" in out and "half cell vs Li metal" in out and "sianode run mine.toml" in out


def test_help_and_user_text_cite_papers_not_seed_ids():
    for args in (["literature", "--help"], ["literature", "query", "--help"], ["simulate", "--help"],
                 ["schema", "cell"], ["examples"]):
        code, out = sianode(*args)
        assert code == 0
        assert "seeds/" not in out and "seed 00" not in out and "--seed " not in out, args
