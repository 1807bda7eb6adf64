"""Issue 20: the first hour with sianode — version, schema, helpful errors for what a user can fix."""
import subprocess
import sys

import pytest


def sianode(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "sianode", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600, env={**__import__("os").environ, "COLUMNS": "200"})


def test_version():
    from sianode import __version__

    r = sianode("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"sianode {__version__}"


def test_schema_prints_units_defaults_and_ranges():
    r = sianode("schema", "electrode")
    assert r.returncode == 0
    assert "loading_mg_cm2 (mg/cm2)" in r.stdout and "default 2.0" in r.stdout and "> 0.0, <= 60.0" in r.stdout
    assert "[electrode]" in r.stdout
    every = sianode("schema")
    for sec in ("[cell]", "[protocol]", 'active (family = "cvd_si_c")', "[cell.prelithiation]"):
        assert sec in every.stdout


def test_schema_unknown_section_suggests():
    r = sianode("schema", "electrod")
    assert r.returncode == 2 and "did you mean 'electrode'" in r.stderr


def test_unknown_key_did_you_mean(tmp_path):
    bad = tmp_path / "typo.toml"
    bad.write_text('[electrode]\nloadng_mg_cm2 = 2\n[active]\nfamily = "cvd_si_c"\nsi_wt_frc = 0.4\n')
    r = sianode("validate", str(bad))
    assert r.returncode == 2
    assert "did you mean 'loading_mg_cm2'" in r.stderr and "did you mean 'si_wt_frac'" in r.stderr
    assert "Traceback" not in r.stderr


def test_example_name_instead_of_file_points_at_examples(tmp_path):
    r = sianode("run", "siox", cwd=tmp_path)
    assert r.returncode == 2
    assert "bundled example" in r.stderr and "sianode examples --write" in r.stderr


@pytest.mark.parametrize("target", ["/proc/sianode-x", "a_file"])
def test_unwritable_output_is_exit_2_with_advice(tmp_path, target):
    (tmp_path / "a_file").write_text("keep me")
    r = sianode("run", "-s", "materials", "-o", target, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert "internal error" not in r.stderr and "-o" in r.stderr
    assert (tmp_path / "a_file").read_text() == "keep me"


def test_examples_write_to_unwritable_folder(tmp_path):
    r = sianode("examples", "--write", "/proc/sianode-x")
    assert r.returncode == 2 and "--write" in r.stderr and "internal error" not in r.stderr


def test_help_shows_no_bool_tokens():
    for cmd in ("run", "cell", "life", "materials", "mechanics"):
        r = sianode(cmd, "--help")
        assert r.returncode == 0 and "<bool>" not in r.stdout, cmd


def test_default_output_folder_is_named_after_the_design(tmp_path):
    from sianode.design.loader import example_text

    (tmp_path / "mine.toml").write_text(example_text("siox"))
    r = sianode("run", "mine.toml", "-s", "materials", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "sianode-output" / "mine" / "summary.json").exists()
