"""`sianode analyze`: report and tidy tables written, bad files reported with exit code 2."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from sianode.analysis.cli import analyze, run_analysis
from sianode.iotools.synthetic import synthetic_half_cell

DATA = Path(__file__).parents[1] / "data"
REAL = Path(__file__).parents[2] / ".." / "shared" / "realdata"

app = typer.Typer()
app.command("analyze")(analyze)


@app.command("version")
def _version():  # a second command keeps typer in multi-command mode, as in sianode's CLI
    pass


def _synthetic_csv(tmp_path: Path) -> Path:
    df = synthetic_half_cell(5, noise_V=0.0003, seed=7)
    p = tmp_path / "si_cell.csv"
    df[["time_s", "current_A", "voltage_V"]].rename(
        columns={"time_s": "Time (s)", "current_A": "Current (mA)", "voltage_V": "Voltage (V)"}
    ).assign(**{"Current (mA)": lambda d: d["Current (mA)"] * 1000}).to_csv(p, index=False)
    return p


def test_cli_synthetic_report_and_tables(tmp_path):
    p = _synthetic_csv(tmp_path)
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["analyze", str(p), "-o", str(out), "--mass-mg", "0.8"])
    assert r.exit_code == 0, r.output
    html = (out / "report.html").read_text()
    for key in ("Capacity and coulombic efficiency", "Voltage profiles", "Differential capacity",
                "data:image/png;base64", "a-Si delithiation"):
        assert key in html
    cyc = pd.read_csv(out / "si_cell_cycles.csv")
    assert len(cyc) == 5
    # mass given on the command line (0.8 mg): 1.6 mAh -> 2000 mAh/g
    assert cyc["delithiation_capacity_mAh_g"].iloc[0] == pytest.approx(2000, rel=2e-3)
    assert (out / "si_cell_timeseries.parquet").exists()
    assert (out / "si_cell_dqdv_peaks.csv").exists()
    ts = pd.read_parquet(out / "si_cell_timeseries.parquet")
    assert list(ts.columns[:8]) == ["time_s", "cycle", "step", "step_type", "current_A", "voltage_V",
                                    "capacity_Ah", "energy_Wh"]


def test_cli_bad_file_exit_code_2_but_report_written(tmp_path):
    out = tmp_path / "o"
    r = CliRunner().invoke(app, ["analyze", str(DATA / "empty.ndax"), str(DATA / "test.ndax"), "-o", str(out)])
    assert r.exit_code == 2
    assert "empty.ndax" in r.output and "no data records" in r.output
    assert "Files not analysed" in (out / "report.html").read_text()
    assert (out / "test_cycles.csv").exists()


def test_cli_bad_option(tmp_path):
    r = CliRunner().invoke(app, ["analyze", str(DATA / "test.ndax"), "-o", str(tmp_path), "--mass-mg", "-1"])
    assert r.exit_code == 2 and "mass" in r.output
    r = CliRunner().invoke(app, ["analyze", str(DATA / "test.ndax"), "-o", str(tmp_path), "--columns", "oops"])
    assert r.exit_code == 2
    r = CliRunner().invoke(app, ["analyze", str(DATA / "test.ndax"), "-o", str(tmp_path), "--reference-cycle", "x"])
    assert r.exit_code == 2 and "reference cycle" in r.output


def test_real_si_gitt_and_eis_together(tmp_path):
    """Real Si half cell + a two-part GITT full-cell test + an EIS file in one call."""
    from sianode.iotools.arbin import mdbtools_available
    files = [REAL / "cellpy" / "20160805_test001_45_cc_01.res", REAL / "cellpy" / "20210210_FC_01_cc_01.res",
             REAL / "cellpy" / "20210210_FC_01_cc_02.res", REAL / "impedance.py" / "exampleData.csv"]
    if not all(f.exists() for f in files) or not mdbtools_available():
        pytest.skip("real data or mdb-export absent")
    res = run_analysis(files, tmp_path, show_progress=False)
    assert not res["failed"], res["failed"]
    assert res["tests"]["20160805_test001_45_cc_01"]["kind"] == "cycling"
    fc = res["tests"]["20210210_FC_01_cc_01"]
    assert fc["files"] == [str(files[1]), str(files[2])]  # parts merged in order
    html = res["report"].read_text()
    assert "GITT" in html
    assert (tmp_path / "20160805_test001_45_cc_01_li15si4.csv").exists()


def test_outputs_never_overwrite_inputs(tmp_path):
    """Dotted names and outputs written beside the inputs: inputs unchanged, no table clobbered."""
    import hashlib
    import shutil

    import pandas as pd

    from sianode.analysis.cli import run_analysis, write_tables
    from sianode.errors import InputError

    src = Path(__file__).parents[1] / "data" / "interp-test.csv"
    a, b = tmp_path / "run.csv", tmp_path / "run.v2.csv"
    shutil.copy(src, a)
    shutil.copy(src, b)
    digest = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b)}
    run_analysis([a, b], tmp_path)
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b)} == digest
    assert (tmp_path / "run_v2_cycles.csv").exists() and (tmp_path / "run_cycles.csv").exists()
    with pytest.raises(InputError, match="overwrite the input"):
        write_tables({"cycles": pd.DataFrame({"x": [1]})}, "run", tmp_path, protect=[tmp_path / "run_cycles.csv"])
