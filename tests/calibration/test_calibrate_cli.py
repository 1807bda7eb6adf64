"""`sianode calibrate` on real half cells: outputs, numbers, the round trip through `sianode run`, bad input."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

SHARED = Path(__file__).resolve().parents[3] / "shared" / "realdata"


def _app():
    import typer

    from sianode.calibration.cli import calibrate

    app = typer.Typer()
    app.command("calibrate")(calibrate)
    app.command("other")(lambda: None)
    return app


@pytest.fixture(scope="module")
def neware(tmp_path_factory):
    from sianode.validation.cases.realdata import bundled_bytes

    p = tmp_path_factory.mktemp("data") / "neware_uio.csv"
    p.write_bytes(bundled_bytes("neware_uio.csv"))
    return p


@pytest.fixture(scope="module")
def design(tmp_path_factory):
    p = tmp_path_factory.mktemp("design") / "si.toml"
    p.write_text('name = "nano-Si"\n[active]\nfamily = "si_particles"\n')
    return p


@pytest.fixture(scope="module")
def calibrated(neware, design, tmp_path_factory):
    out = tmp_path_factory.mktemp("cal")
    before = neware.read_bytes()
    r = CliRunner().invoke(_app(), ["calibrate", str(neware), "--design", str(design), "-o", str(out),
                                    "--particles", "400"])
    assert r.exit_code == 0, r.output
    assert neware.read_bytes() == before  # the input is never modified
    return out, r.output


def test_outputs_and_their_fields(calibrated):
    out, text = calibrated
    assert {"calibrated.toml", "calibration.json", "calibration_curves.csv", "report.html"} <= {p.name for p in out.iterdir()}
    doc = json.loads((out / "calibration.json").read_text())  # strict JSON
    assert {"value", "ci_low", "ci_high", "unit", "fitted_on"} <= set(doc["parameters"]["ice"])
    assert doc["forecast"]["fit_cycles"] == 2 and doc["forecast"]["checked_cycles"] == 2
    assert doc["forecast"]["capacity_mape_pct"] > 0
    ice = doc["parameters"]["ice"]
    assert ice["ci_low"] < 0.8355 < ice["ci_high"]  # the measured ICE of the file, 83.55 %
    assert "neware_uio.csv (sha256 ff60f5e074f0" in ice["fitted_on"] and "cycles 1-2" in ice["fitted_on"]
    # no mass in the file: the specific capacity is not calibrated, and the output says so
    assert "reversible_capacity_mAh_g" not in doc["parameters"]
    assert any("no active mass" in n for n in doc["notes"])
    assert "95 % interval" in text and "forecast of 2 held-out cycle(s)" in text and "wrote" in text


def test_calibrated_design_round_trip(calibrated):
    from sianode.chain import run_stage
    from sianode.design import load_design

    out, _ = calibrated
    d = load_design(out / "calibrated.toml")
    assert d.calibration.sources[0].sha256.startswith("ff60f5e074f0af64")
    assert d.calibration.parameters["ice"].value == pytest.approx(0.8355, abs=0.003)
    n = len(d.calibration.samples["ice"])
    assert n == 200 and all(len(v) == n for v in d.calibration.samples.values())
    s = run_stage(d, "materials").summary
    assert s["ice_pct"] == pytest.approx(100 * d.calibration.parameters["ice"].value, rel=1e-6)
    life = run_stage(d, "life", cycles=40).summary
    assert life["uncertainty_source"] == "calibration posterior" and life["uncertainty_samples"] == n


def test_not_identified_parameters_stay_at_the_models_value(calibrated):
    from sianode.design import load_design

    out, _ = calibrated
    d = load_design(out / "calibrated.toml")
    for name, p in d.calibration.parameters.items():
        if p.status == "prior":
            assert p.value == pytest.approx(p.nominal) and "not identified" in p.note
            assert p.ci_low < p.value < p.ci_high  # never a zero-width interval


def test_bad_input_exits_2_and_writes_nothing(tmp_path, design, neware):
    runner = CliRunner()
    out = tmp_path / "o"
    r = runner.invoke(_app(), ["calibrate", str(tmp_path / "missing.res"), "--design", str(design), "-o", str(out)])
    assert r.exit_code == 2 and "not found" in r.output and not out.exists()
    r = runner.invoke(_app(), ["calibrate", str(neware), "--design", str(tmp_path / "nope.toml"), "-o", str(out)])
    assert r.exit_code == 2 and not out.exists()
    r = runner.invoke(_app(), ["calibrate", str(neware), "--design", str(design), "-o", str(out), "--fit-cycles", "1"])
    assert r.exit_code == 2 and not (out / "calibrated.toml").exists()
    r = runner.invoke(_app(), ["calibrate", str(neware), "--design", str(design), "-o", str(out), "--ce", "maybe"])
    assert r.exit_code == 2 and "--ce" in r.output and not (out / "calibrated.toml").exists()


def test_a_full_cell_file_is_refused_with_what_to_do(tmp_path, design):
    import numpy as np
    import pandas as pd

    t = np.arange(0, 4 * 7200, 60.0)
    phase = (t // 3600).astype(int) % 2
    cur = np.where(phase == 0, 1e-3, -1e-3)
    v = np.where(phase == 0, 3.5 + 0.6 * (t % 3600) / 3600, 4.1 - 0.6 * (t % 3600) / 3600)
    f = tmp_path / "full.csv"
    pd.DataFrame({"time_s": t, "current_A": cur, "voltage_V": v}).to_csv(f, index=False)
    r = CliRunner().invoke(_app(), ["calibrate", str(f), "--design", str(design), "-o", str(tmp_path / "o")])
    assert r.exit_code == 2 and "full cell" in r.output and "half cells" in r.output


@pytest.mark.skipif(shutil.which("mdb-export") is None, reason="Arbin .res needs mdbtools")
def test_real_si_half_cell_with_ce_above_100_percent(tmp_path, design):
    """cellpy's Si cell: CE 104-109 % after cycle 1 is kept (trend only); capacity and ICE are measured."""
    from sianode.calibration.cli import run_calibration
    from sianode.design import load_design
    from sianode.validation.cases.realdata import BUNDLED_RES, bundled_res_bytes

    p = tmp_path / BUNDLED_RES
    p.write_bytes(bundled_res_bytes())
    cells, res, cal = run_calibration([p], load_design(design), particles=400)
    info = res.per_cell[0]
    assert info["ce_mode"] == "offset" and res.fit_cycles == 8 and info["cycles_checked"] == "9-17"
    q = res.parameters["reversible_capacity_mAh_g"]
    assert q["ci_low"] < 1906 < q["ci_high"]  # first delithiation 1906 mAh/g (cellpy: 1.6254 mAh / 0.8528 mg)
    assert res.parameters["ice"]["ci_low"] < 0.9261 < res.parameters["ice"]["ci_high"]
    assert res.forecast["capacity_mape_pct"] < 5.0


def test_calibrate_is_a_listed_command_and_fit_life_is_gone():
    r = subprocess.run([sys.executable, "-m", "sianode", "--help"], capture_output=True, text=True, timeout=300)
    assert "calibrate" in r.stdout and "fit-life" not in r.stdout
