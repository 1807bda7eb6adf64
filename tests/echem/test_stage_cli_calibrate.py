"""The echem stage, its report, the CLI function and the seeds/002 calibration."""
from __future__ import annotations

import numpy as np
import pytest
import typer

from sianode.design.loader import load_example


@pytest.fixture(scope="module")
def stage_result():
    from sianode.chain import run_stage

    d = load_example("porous_micro_si")
    return d, run_stage(d, "echem")


def test_stage_result(stage_result):
    d, r = stage_result
    assert r.name == "echem"
    s = r.summary
    assert s["capacity_low_rate_mAh_g"] > s["capacity_high_rate_mAh_g"] > 0
    # low-rate capacity is bounded by the materials stage's reversible capacity
    assert s["capacity_low_rate_mAh_g"] <= s["materials_capacity_mAh_g"] * 1.001
    assert 0 < s["expansion_amplitude_partial"] < s["expansion_amplitude_full"]
    # at equal charge (the raw minima of runs that stop at different charges are not comparable)
    assert s["plating_margin_3C_m20C_equal_charge_V"] < s["plating_margin_3C_25C_equal_charge_V"]
    # at equal charge (the common SOC of the 3C runs) -20 °C never has the larger margin
    assert s["plating_margin_3C_m20C_equal_charge_V"] <= s["plating_margin_3C_25C_equal_charge_V"]
    assert 0 < s["plating_common_soc_3C"] <= 0.8 + 1e-9
    rt = r.tables["rate_table"]
    assert list(rt.current_A_g.round(3)) == [0.2, 0.5, 1.0, 2.0, 5.0, 8.0]
    assert set(r.tables) >= {"rate_table", "voltage_curves", "plating_margin", "partial_soc", "parameters"}
    assert r.data.expansion_amplitude((0.2, 0.8)) == pytest.approx(s["expansion_amplitude_partial"])


def test_stage_report(stage_result):
    from sianode.echem import stage

    _, r = stage_result
    secs = stage.report(r)
    titles = [x.title for x in secs]
    assert "Voltage curves per rate" in titles and "Rate table" in titles
    assert "Plating margin vs rate and temperature" in titles
    assert all("<img" in x.body for x in secs if x.title.startswith(("Voltage", "Plating")))


def test_cli_simulate(tmp_path):
    from sianode.echem.cli import simulate

    simulate(design=None, experiment="partial-soc", out_dir=tmp_path, model="SPMe", bpx_file=None,
             export_bpx=True, temperature_C=25.0)
    assert (tmp_path / "echem_partial_soc.csv").exists()
    assert (tmp_path / "echem_parameters.bpx.json").exists()
    with pytest.raises(typer.Exit) as e:
        simulate(design=None, experiment="cycling", out_dir=tmp_path, model="SPMe", bpx_file=None,
                 export_bpx=False, temperature_C=25.0)
    assert e.value.exit_code == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("[electrode]\nporosity = 2\n")
    with pytest.raises(typer.Exit) as e:
        simulate(design=bad, experiment="rate", out_dir=tmp_path, model="SPMe", bpx_file=None,
                 export_bpx=False, temperature_C=25.0)
    assert e.value.exit_code == 2


def test_calibration_against_seed_002():
    from sianode.echem import calibrate as C

    from sianode.chain import upstream_for

    r = C.calibrate(model="SPM", max_nfev=8, upstream_for=upstream_for)
    t = r["table"]
    assert list(t.role) == ["fit", "prediction", "fit"]
    assert list(t.current_A_g) == [1.0, 5.0, 8.0]
    # rate capability stays monotonic after the fit, and the prediction is a real simulation
    assert np.all(np.diff(t.simulated_mAh_g) < 0)
    # the 5 A/g capacity is predicted, not fitted: within 20 % of the published 1123.0 mAh/g (SPM here;
    # docs/echem.md gives the DFN numbers). The fit itself cannot close (rms ~25 %) because the materials
    # stage's low-rate capacity is above what the paper ever delivers; that gap is documented.
    assert abs(r["prediction_rel_error"]) < 0.20
    assert r["fit_rms_rel_error"] < 0.35


def test_stage_unsupported_design_does_not_stop_the_chain():
    from sianode.design.schema import Design
    from sianode.echem import stage

    from sianode.chain import ModelChain

    d = Design.model_validate(load_example("porous_micro_si").model_dump() | {"electrolyte": {"kind": "solid"}})
    run = ModelChain(d, ["echem", "cell"]).run()
    assert not run.failures and "cell" in run.stages
    r = run.stages["echem"]
    assert r.summary["supported"] is False and "solid" in r.summary["reason"]
    assert "Not simulated" in stage.report(r)[0].body
