"""A calibrated design: its posterior replaces the priors in the life stage's bands and gives the cell's bands."""
import numpy as np
import pytest

from sianode.chain import ModelChain, run_stage
from sianode.design import design_from_dict
from sianode.errors import InputError
from sianode.life import uncertainty


def _calibrated(n=24, spread=True, cell=None):
    rng = np.random.default_rng(5)
    k = rng.uniform(0.85, 1.15, n) if spread else np.ones(n)
    cap, ice = 1900.0 * k, np.clip(0.9 * (1 + 0.02 * (k - 1)), 0, 1)
    sd = 2.5e-22 * (k ** 3)
    params = {
        "reversible_capacity_mAh_g": {"value": float(np.median(cap)), "ci_low": float(cap.min()),
                                      "ci_high": float(cap.max()), "unit": "mAh/g"},
        "ice": {"value": float(np.median(ice)), "ci_low": float(ice.min()), "ci_high": float(ice.max()), "unit": "-"},
        "solvent_diffusivity": {"value": float(np.median(sd)), "ci_low": float(sd.min()), "ci_high": float(sd.max()),
                                "unit": "m2/s", "nominal": 2.5e-22},
    }
    d = {"name": "calibrated", "active": {"family": "si_particles"}, "protocol": {"cycles": 60},
         "calibration": {"method": "test", "parameters": params,
                         "samples": {"reversible_capacity_mAh_g": cap.tolist(), "ice": ice.tolist(),
                                     "solvent_diffusivity": sd.tolist()}}}
    if cell:
        d["cell"] = cell
        d["protocol"] = {"cycles": 60, "c_rate": 0.5, "v_min_V": 2.8, "v_max_V": 4.2}
    return design_from_dict(d)


def test_life_bands_come_from_the_posterior():
    d = _calibrated()
    s = run_stage(d, "life").summary
    assert s["uncertainty_source"] == "calibration posterior" and s["uncertainty_samples"] == 24
    assert s["initial_capacity_mAh_g"] == pytest.approx(float(np.median(d.calibration.samples["reversible_capacity_mAh_g"])), rel=0.02)
    assert s["final_retention_pct_p05"] <= s["final_retention_pct_p95"]
    assert s["final_capacity_mAh_g_p05"] < s["final_capacity_mAh_g_p95"]


def test_a_posterior_without_spread_gives_bands_that_collapse_onto_the_nominal():
    d = _calibrated(spread=False)
    run = ModelChain(d, ["life", "cell"]).run()
    life, cell = run.stages["life"].summary, run.stages["cell"].summary
    assert life["final_retention_pct_p05"] == pytest.approx(life["final_retention_pct"], rel=1e-9)
    assert life["final_retention_pct_p95"] == pytest.approx(life["final_retention_pct"], rel=1e-9)
    for k in ("specific_energy_Wh_kg", "energy_density_Wh_L"):
        assert cell[f"{k}_p05"] == pytest.approx(cell[k], rel=1e-9) == cell[f"{k}_p95"]


def test_half_cell_calibration_predicts_a_prelithiated_full_cell_with_bands():
    d = _calibrated(cell={"kind": "full", "cathode": "NCM811", "cathode_loading_mg_cm2": 18.75, "np_ratio": 1.1,
                          "prelithiation": {"method": "slmp", "dose_mAh_cm2": 0.3}})
    run = ModelChain(d, ["life", "cell"]).run()
    assert not run.failures
    life, cell = run.stages["life"].summary, run.stages["cell"].summary
    assert life["cell_kind"] == "full" and life["uncertainty_source"] == "calibration posterior"
    for k in ("specific_energy_Wh_kg", "energy_density_Wh_L"):
        assert cell[f"{k}_p05"] < cell[k] < cell[f"{k}_p95"]
    assert len(run.stages["cell"].tables["uncertainty"]) == 24
    # more capacity per gram, more energy: the rows' Wh/kg rise with their capacity
    t = run.stages["cell"].tables["uncertainty"]
    assert np.corrcoef(t["reversible_capacity_mAh_g"], t["specific_energy_Wh_kg"])[0, 1] > 0.9
    # one design, one answer: the cell command's numbers equal the full run's
    alone = run_stage(d, "cell").summary
    assert alone["specific_energy_Wh_kg_p95"] == pytest.approx(cell["specific_energy_Wh_kg_p95"], rel=1e-12)


def test_uncalibrated_designs_keep_the_prior_bands():
    d = design_from_dict({"active": {"family": "si_particles"}, "protocol": {"cycles": 30}})
    s = run_stage(d, "life").summary
    assert s["uncertainty_source"] == "registry priors"
    assert "specific_energy_Wh_kg_p05" not in run_stage(d, "cell").summary


def test_calibration_section_is_validated():
    base = {"active": {"family": "si_particles"}}
    p = {"value": 1.0, "ci_low": 0.5, "ci_high": 2.0, "unit": "-"}
    with pytest.raises(InputError, match="equal lengths"):
        design_from_dict({**base, "calibration": {"parameters": {"ice": p, "binder_beta": {**p, "nominal": 1.0}},
                                                  "samples": {"ice": [0.9, 0.91], "binder_beta": [1.0]}}})
    with pytest.raises(InputError, match="ci_low <= value"):
        design_from_dict({**base, "calibration": {"parameters": {"ice": {**p, "value": 3.0}}}})
    with pytest.raises(InputError, match="within"):
        design_from_dict({**base, "calibration": {"parameters": {"ice": p}, "samples": {"ice": [0.9, 1.2]}}})
    d = design_from_dict({**base, "calibration": {"parameters": {"no_such_thing": p}}})
    with pytest.raises(InputError, match="not an uncertain parameter"):
        uncertainty.Posterior.from_calibration(d.calibration)
    d = design_from_dict({**base, "calibration": {"parameters": {"binder_beta": p}}})
    with pytest.raises(InputError, match="nominal"):
        uncertainty.Posterior.from_calibration(d.calibration)
