"""`sianode analyze`: one folder per test with report, tables and strict summary.json; a
headline table in the terminal; clear exit-2 errors for what the user can fix."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from sianode.analysis.cli import analyze, run_analysis, write_tables
from sianode.errors import InputError
from sianode.iotools.synthetic import synthetic_half_cell

DATA = Path(__file__).parents[1] / "data"
REAL = Path(__file__).parents[2] / ".." / "shared" / "realdata"

app = typer.Typer()
app.command("analyze")(analyze)


@app.command("version")
def _version():  # a second command keeps typer in multi-command mode, as in sianode's CLI
    pass


def _synthetic_csv(tmp_path: Path, name: str = "si_cell.csv") -> Path:
    df = synthetic_half_cell(5, noise_V=0.0003, seed=7)
    p = tmp_path / name
    df[["time_s", "current_A", "voltage_V"]].rename(
        columns={"time_s": "Time (s)", "current_A": "Current (mA)", "voltage_V": "Voltage (V)"}
    ).assign(**{"Current (mA)": lambda d: d["Current (mA)"] * 1000}).to_csv(p, index=False)
    return p


def test_cli_synthetic_report_tables_summary_and_headline(tmp_path):
    p = _synthetic_csv(tmp_path)
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["analyze", str(p), "-o", str(out), "--mass-mg", "0.8"])
    assert r.exit_code == 0, r.output
    # the terminal shows the answers with units, then where the outputs went
    for key in ("initial coulombic efficiency", "first reversible capacity", "mAh/g", "anode half cell",
                "outputs:", str(out)):
        assert key in r.output
    html = (out / "report.html").read_text()
    for key in ("Capacity and coulombic efficiency", "Voltage profiles", "Differential capacity",
                "data:image/png;base64", "a-Si delithiation", "CE = Q_delithiation / Q_lithiation"):
        assert key in html
    cyc = pd.read_csv(out / "si_cell_cycles.csv")
    assert len(cyc) == 5
    # mass given on the command line (0.8 mg): 1.6 mAh -> 2000 mAh/g
    assert cyc["delithiation_capacity_mAh_g"].iloc[0] == pytest.approx(2000, rel=2e-3)
    assert (out / "si_cell_timeseries.parquet").exists() and (out / "si_cell_dqdv_peaks.csv").exists()
    ts = pd.read_parquet(out / "si_cell_timeseries.parquet")
    assert list(ts.columns[:8]) == ["time_s", "cycle", "step", "step_type", "current_A", "voltage_V",
                                    "capacity_Ah", "energy_Wh"]
    text = (out / "summary.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    s = json.loads(text)
    assert s["cell_type"] == "anode half cell" and "delithiation" in s["convention"]
    assert s["metrics"]["ICE_percent"] == pytest.approx(85.0, rel=1e-3)
    assert s["outputs"]["report"].endswith("report.html")


def test_default_folder_per_input_and_same_stem_kept_apart(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    pa, pb = _synthetic_csv(a, "cell.csv"), _synthetic_csv(b, "cell.csv")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["analyze", str(pa), str(pb)])
    assert r.exit_code == 0, r.output
    root = tmp_path / "sianode-output"
    assert (root / "cell" / "report.html").exists() and (root / "cell_2" / "report.html").exists()
    assert json.loads((root / "cell" / "summary.json").read_text())["files"] == [str(pa)]
    assert json.loads((root / "cell_2" / "summary.json").read_text())["files"] == [str(pb)]


def test_failed_file_exit_2_named_and_no_empty_report(tmp_path):
    out = tmp_path / "o"
    r = CliRunner().invoke(app, ["analyze", str(DATA / "empty.ndax"), str(DATA / "test.ndax"), "-o", str(out)])
    assert r.exit_code == 2
    assert "empty.ndax" in r.output and "no data records" in r.output
    assert not (out / "empty").exists()  # a failed analysis writes nothing
    assert (out / "test" / "test_cycles.csv").exists() and (out / "test" / "summary.json").exists()


@pytest.mark.parametrize("args, words", [
    (["--mass-mg", "-1"], ["mass"]),
    (["--mass-mg", "0.0000001"], ["1 µg"]),
    (["--columns", "oops"], ["name=value"]),
    (["--reference-cycle", "x"], ["reference cycle"]),
    (["--format", "bogus"], ["unknown format", "neware-nda"]),
    (["--columns", "time_s=Nope"], ["--columns", "neware-nda"]),
    (["--cell-type", "cathode-ish"], ["cell type"]),
])
def test_bad_options_exit_2_with_advice(tmp_path, args, words):
    r = CliRunner().invoke(app, ["analyze", str(DATA / "test.ndax"), "-o", str(tmp_path / "o"), *args])
    assert r.exit_code == 2, r.output
    for w in words:
        assert w in r.output


def test_columns_naming_a_missing_column_is_an_error(tmp_path):
    p = _synthetic_csv(tmp_path)
    r = CliRunner().invoke(app, ["analyze", str(p), "-o", str(tmp_path / "o"), "--columns", "time_s=Nope"])
    assert r.exit_code == 2 and "Nope" in r.output


def test_unwritable_output_paths_exit_2(tmp_path):
    f = tmp_path / "a_file"
    f.write_text("x")
    r = CliRunner().invoke(app, ["analyze", str(DATA / "test.ndax"), "-o", str(f)])
    assert r.exit_code == 2 and "exists and is a file" in r.output
    r = CliRunner().invoke(app, ["analyze", str(DATA / "test.ndax"), "-o", "/proc/sianode_x"])
    assert r.exit_code == 2 and "cannot write" in r.output


def test_real_si_gitt_and_eis_together(tmp_path):
    """Real Si half cell + a two-part GITT full-cell test + an EIS file in one call."""
    from sianode.iotools.arbin import access_parser_available, mdbtools_available
    files = [REAL / "cellpy" / "20160805_test001_45_cc_01.res", REAL / "cellpy" / "20210210_FC_01_cc_01.res",
             REAL / "cellpy" / "20210210_FC_01_cc_02.res", REAL / "impedance.py" / "exampleData.csv"]
    if not all(f.exists() for f in files) or not (mdbtools_available() or access_parser_available()):
        pytest.skip("real data or an Access reader absent")
    res = run_analysis(files, tmp_path, show_progress=False)
    assert not res["failed"], res["failed"]
    assert res["tests"]["20160805_test001_45_cc_01"]["kind"] == "cycling"
    fc = res["tests"]["20210210_FC_01_cc_01"]
    assert fc["files"] == [str(files[1]), str(files[2])]  # parts merged in order
    assert "GITT" in (tmp_path / "20210210_FC_01_cc_01" / "report.html").read_text()
    assert res["tests"]["exampleData"]["kind"] == "eis"
    assert (tmp_path / "20160805_test001_45_cc_01" / "20160805_test001_45_cc_01_li15si4.csv").exists()


def test_outputs_never_overwrite_inputs(tmp_path):
    """Dotted names and outputs written beside the inputs: inputs unchanged, no table clobbered."""
    src = DATA / "interp-test.csv"
    a, b = tmp_path / "run.csv", tmp_path / "run.v2.csv"
    shutil.copy(src, a)
    shutil.copy(src, b)
    digest = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b)}
    run_analysis([a, b], tmp_path, show_progress=False)
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b)} == digest
    assert (tmp_path / "run_v2" / "run_v2_cycles.csv").exists() and (tmp_path / "run" / "run_cycles.csv").exists()
    with pytest.raises(InputError, match="overwrite the input"):
        write_tables({"cycles": pd.DataFrame({"x": [1]})}, "run", tmp_path, protect=[tmp_path / "run_cycles.csv"])
