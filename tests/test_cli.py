"""The CLI's contract: exit codes 0/2/1, clear messages, files written, inputs untouched."""
import json
import subprocess
import sys

import pytest


def sianode(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "sianode", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=900)


def test_help_lists_core_commands():
    r = sianode("--help")
    assert r.returncode == 0
    for cmd in ("run", "validate", "examples"):
        assert cmd in r.stdout


def test_validate_ok_and_bad(tmp_path):
    from sianode.design.loader import example_text

    good = tmp_path / "good.toml"
    good.write_text(example_text("siox"))
    assert sianode("validate", str(good)).returncode == 0
    bad = tmp_path / "bad.toml"
    bad.write_text('[active]\nfamily = "cvd_si_c"\nsi_wt_frac = 0.95\n[electrode]\nporosity = -1\n')
    before = bad.read_bytes()
    r = sianode("validate", str(bad))
    assert r.returncode == 2
    assert "electrode.porosity" in r.stderr and "Traceback" not in r.stderr
    assert "more Si than the pores can hold" in r.stderr
    assert bad.read_bytes() == before


def test_examples_write(tmp_path):
    r = sianode("examples", "--write", str(tmp_path / "ex"))
    assert r.returncode == 0
    assert (tmp_path / "ex" / "cvd_si_c.toml").exists()


def test_run_default_materials_stage(tmp_path):
    out = tmp_path / "out"
    r = sianode("run", "-o", str(out), "--stage", "materials")
    assert r.returncode == 0, r.stderr
    html = (out / "report.html").read_text()
    assert "<img" in html and "data:image/png;base64" in html  # figures embedded
    summary = json.loads((out / "summary.json").read_text(), parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))
    assert summary and all(k.startswith("materials.") for k in summary)
    assert str(out.resolve() / "report.html") in r.stdout.replace("\n", "")


def test_run_missing_file_is_input_error(tmp_path):
    r = sianode("run", str(tmp_path / "nope.toml"))
    assert r.returncode == 2
    assert "file not found" in r.stderr


def test_run_unknown_stage_is_input_error():
    r = sianode("run", "--stage", "quantum")
    assert r.returncode == 2
    assert "stages are" in r.stderr
