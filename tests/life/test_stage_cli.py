"""Life stage on designs (trends the seeds report), report sections and CLI behaviour."""
import json

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from sianode.chain import run_stage
from sianode.design.loader import load_example
from sianode.design.schema import (Cell, Design, GelElectrolyte, LiquidElectrolyte, Prelithiation, Protocol,
                                   SiParticles, SolidElectrolyte)
from sianode.life import cli, stage


def _si(el, cycles=100):
    return Design(active=SiParticles(diameter_nm=100, phase="crystalline"), electrolyte=el,
                  protocol=Protocol(c_rate=0.05, v_min_V=0.01, v_max_V=1.5, cycles=cycles))


def test_gel_and_solid_keep_more_capacity_than_liquid():
    """seeds/004 §3.2.1 (Bok et al.): liquid 53.3 % vs gel 79.4 % after 100 cycles at 0.05C (trend only)."""
    r = {k: run_stage(_si(el), "life").summary["final_retention_pct"]
         for k, el in (("liquid", LiquidElectrolyte(additives_wt_pct={})), ("gel", GelElectrolyte()),
                       ("solid", SolidElectrolyte()))}
    assert r["solid"] > r["gel"] > r["liquid"]


def _full(pre="none", kind="full"):
    return Design(active=SiParticles(diameter_nm=100), cell=Cell(kind=kind, np_ratio=1.1,
                  prelithiation=Prelithiation(method=pre)),
                  protocol=Protocol(c_rate=0.5, v_min_V=0.01 if kind == "half" else 2.8,
                                    v_max_V=1.5 if kind == "half" else 4.2, cycles=200))


def test_design_level_trends():
    full = run_stage(_full(), "life").summary
    pre = run_stage(_full("li_foil"), "life").summary
    # prelithiation adds capacity at every stage of life (it uses more of the anode, so its retention relative to
    # its own, larger, first cycle may be lower): more capacity at the end, longer above the same threshold
    assert pre["final_capacity_mAh_g"] > full["final_capacity_mAh_g"]
    assert pre["cycles_above_80pct_of_unprelithiated_capacity"] >= pre["cycles_above_80pct_without_prelithiation"]
    assert pre["initial_capacity_without_prelithiation_mAh_g"] == pytest.approx(full["initial_capacity_mAh_g"])
    # anode-tailored partial SOC (seeds/000 §5): a smaller Si swing keeps more capacity, the strain mechanism
    # isolated with ample electrolyte (with the design's lean E/C both die of dry-out, and the SOC-capped cell,
    # anode-limited, feels every lost particle at once)
    wet = run_stage(_full(), "life", ec_ratio_g_Ah=40.0).summary
    assert run_stage(_full(), "life", soc_max=0.6, ec_ratio_g_Ah=40.0).summary["final_retention_pct"] > \
        wet["final_retention_pct"]
    half = run_stage(_full(kind="half"), "life").summary
    assert half["cycles_to_80pct"] > full["cycles_to_80pct"]
    assert 99.0 < full["mean_ce_pct"] < 100.0


def test_stage_contract_and_report():
    res = run_stage(load_example(), "life", cycles=60)
    assert res.name == "life"
    df = res.tables["cycles"]
    assert len(df) == 60 and {"capacity_mAh_g", "ce", "lli_mAh_g", "lam", "sei_thickness_nm"} <= set(df.columns)
    assert np.all(np.diff(df["sei_thickness_nm"]) > 0)
    secs = stage.report(res)
    assert secs and "img" in secs[1].body
    assert res.summary["strain_source"]


def _app():
    app = typer.Typer()
    app.command("life")(cli.life)
    app.command("other")(lambda: None)  # two commands: typer then dispatches on the command name
    return app


def test_cli_life(tmp_path):
    runner = CliRunner()
    out = tmp_path / "o"
    r = runner.invoke(_app(), ["life", "--cycles", "30", "-o", str(out), "--no-html"])
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text())  # every command writes summary.json, keys "stage.key"
    assert s["life.cycles"] == 30


def test_cli_bad_input_writes_nothing(tmp_path):
    runner = CliRunner()
    out = tmp_path / "o"
    d = tmp_path / "d.toml"
    d.write_text("[protocol]\ncycles = -3\n")
    r = runner.invoke(_app(), ["life", str(d), "-o", str(out)])
    assert r.exit_code == 2 and not out.exists()
    r = runner.invoke(_app(), ["life", "--cycles", "100000", "--soc-max", "1.5", "-o", str(out)])
    assert r.exit_code == 2 and not out.exists()


def test_prelithiation_overdose_plates_dead_lithium_and_is_reported():
    """A dose the anode cannot hold plates as dead Li metal (sianode.electrode.formation), reported by
    life and cell alike; it adds no capacity (upstream is required: no private re-run of materials)."""
    from sianode.design import design_from_dict
    from sianode.errors import InputError
    from sianode.life.stage import inputs_from_design

    d = design_from_dict({"cell": {"kind": "full", "prelithiation": {"method": "li5feo4", "dose_mAh_cm2": 20.0}},
                          "protocol": {"v_min_V": 2.8, "v_max_V": 4.2, "cycles": 20}})
    with pytest.raises(InputError, match="upstream"):
        inputs_from_design(d, {})
    life = run_stage(d, "life").summary
    cell = run_stage(d, "cell").summary
    assert life["plated_li_mAh_g"] > 0 and cell["plated_li_mAh_cm2"] > 0
    assert life["plated_li_mAh_g"] * life["anode_loading_mg_cm2"] * 1e-3 == pytest.approx(cell["plated_li_mAh_cm2"],
                                                                                            rel=1e-9)
    # the largest dose the anode can hold (what the overdose minus its plated Li leaves) gives the same capacity
    d_max = 20.0 - cell["plated_li_mAh_cm2"]
    held = design_from_dict({"cell": {"kind": "full", "prelithiation": {"method": "li5feo4", "dose_mAh_cm2": d_max}},
                             "protocol": {"v_min_V": 2.8, "v_max_V": 4.2, "cycles": 20}})
    s_held = run_stage(held, "life").summary
    assert s_held["plated_li_mAh_g"] == pytest.approx(0.0, abs=1e-6)
    assert s_held["initial_capacity_mAh_g"] == pytest.approx(life["initial_capacity_mAh_g"], rel=1e-9)
