"""Cell stage, report, criteria, cost and the ``sianode cell`` command."""
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sianode.cell import criteria, stage
from sianode.cell.anode import graphite_component, single
from sianode.cathodes import CATHODES
from sianode.chain import run_stage, upstream_for
from sianode.cell.cost import materials_cost
from sianode.cell.stack import cell_model
from sianode.design.loader import load_example
from sianode.errors import InputError
from sianode.report.html import Section

REPO = Path(__file__).resolve().parents[2]


def test_stage_full_cell_and_report():
    d = load_example("nano_si_graphite")
    r = run_stage(d, "cell")
    assert r.name == "cell"
    s = r.summary
    assert s["cell_kind"] == "full" and s["np_basis"] == "reversible"
    assert 250 < s["specific_energy_Wh_kg"] < 450
    assert s["energy_density_Wh_L"] < s["energy_density_made_Wh_L"]
    assert s["specific_energy_Wh_kg"] > s["graphite_reference_Wh_kg"]
    for t in ("design", "bom", "states", "criteria", "cost", "energy_vs_si"):
        assert len(r.tables[t]) > 0
    es = r.tables["energy_vs_si"]
    assert es["specific_energy_Wh_kg"].iloc[-1] > es["specific_energy_Wh_kg"].iloc[0]
    secs = stage.report(r)
    assert all(isinstance(x, Section) for x in secs)
    body = "".join(x.body for x in secs)
    assert body.count("<img") >= 2  # breakdown chart and energy vs Si content


def test_stage_half_cell_states_matched_pouch():
    d = load_example("cvd_si_c")
    r = run_stage(d, "cell")
    s = r.summary
    assert s["cell_kind"] == "half" and s["cathode"] == "NCM811" and s["np_ratio"] == pytest.approx(1.1)
    assert s["anode_areal_capacity_design_mAh_cm2"] == pytest.approx(
        d.electrode.loading_mg_cm2 * 1e-3 * float(r.data["anode"].reversible_capacity_mAh_g))
    assert any("matched" in n for n in r.tables["notes"]["note"])


def test_stage_uses_mechanics_swelling():
    """The cell stage reads the swelling owned by the mechanics stage (less swelling -> more Wh/L)."""
    from dataclasses import replace

    from sianode.results import StageResult

    d = load_example("nano_si_graphite")
    up = upstream_for(d, "cell")
    base = stage.run(d, up)
    small = replace(up["mechanics"].data, electrode_thickness_change=0.05, irreversible_swelling_per_cycle=1e-4)
    mech = stage.run(d, {**up, "mechanics": StageResult("mechanics", data=small)})
    assert up["mechanics"].data.electrode_thickness_change > 0.05
    assert mech.summary["swelling_source"] == "mechanics stage"
    assert mech.summary["energy_density_Wh_L"] > base.summary["energy_density_Wh_L"]
    assert mech.summary["energy_density_eol_Wh_L"] < mech.summary["energy_density_Wh_L"]
    with pytest.raises(InputError, match="mechanics"):
        stage.run(d, {"materials": up["materials"]})  # no private fallback: the chain must run mechanics


def test_criteria_margins():
    v = {"areal_capacity_mAh_cm2": 3.5, "anode_ice": 0.90, "np_ratio": 1.1, "anode_thickness_change_charged": 0.5}
    df = criteria.evaluate(v).set_index("criterion")
    assert df.loc["areal capacity", "passed"] and df.loc["areal capacity", "margin"] == pytest.approx(0.5)
    assert not df.loc["anode ICE", "passed"] and df.loc["anode ICE", "margin"] == pytest.approx(-5.0)
    assert df.loc["N/P ratio", "passed"]
    assert df.loc["anode volume variation (required)", "passed"]
    assert not df.loc["anode volume variation (preferred)", "passed"]


def test_cost_si_material_priced_higher():
    ncm = CATHODES["NCM811"]
    g = graphite_component()
    r = cell_model(ncm, single(g))
    c_g = materials_cost(r, "NCM811", 0.0)
    c_si = materials_cost(r, "NCM811", 1.0)
    a_g = float(c_g.set_index("item").loc["anode active", "usd_per_cell"])
    a_si = float(c_si.set_index("item").loc["anode active", "usd_per_cell"])
    assert a_si == pytest.approx(2.0 * a_g)  # seeds/001 §4: Si/C twice graphite
    tot = c_g.set_index("item")
    assert tot.loc["total (materials)", "usd_per_cell"] == pytest.approx(tot["usd_per_cell"].iloc[:-1].sum())
    assert 20 < tot.loc["total (materials)", "usd_per_kWh"] < 200


def _app():
    import typer

    from sianode.cell.cli import cell

    app = typer.Typer()
    app.command()(cell)
    return app


def test_cli_prints_energy_and_dose(tmp_path):
    path = REPO / "examples" / "pouch_002.toml"
    if not path.exists():
        pytest.skip("examples/pouch_002.toml not present")
    res = CliRunner().invoke(_app(), [str(path), "-o", str(tmp_path)])
    assert res.exit_code == 0, res.output
    for s in ("Wh/kg", "Wh/L", "mg Li/cm2", "mAh/cm2"):
        assert s in res.output
    assert (tmp_path / "cell_bom.csv").exists() and (tmp_path / "cell_report.html").exists()


def test_cli_bad_input_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[cell]\nkind = "full"\nnp_ratio = 0.9\n[protocol]\nv_max_V = 4.2\n')
    res = CliRunner().invoke(_app(), [str(bad), "-o", str(tmp_path)])
    assert res.exit_code == 2
    assert "np_ratio" in res.output


def test_stage_with_real_mechanics_stage():
    d = load_example("nano_si_graphite")
    up = upstream_for(d, "cell")
    r = stage.run(d, up)
    m = up["mechanics"].data
    v = r.tables["design"].iloc[0]
    assert r.summary["swelling_source"] == "mechanics stage"
    assert v["anode_thickness_change_charged"] == pytest.approx(
        m.electrode_thickness_change * v["anode_utilisation_top_of_charge"])
    assert r.summary["energy_density_eol_Wh_L"] < r.summary["energy_density_Wh_L"]


def test_stage_solid_state_design():
    from sianode.design.schema import Cell, Design, Electrode, Protocol, SiParticles, SolidElectrolyte

    d = Design(active=SiParticles(diameter_nm=100.0), electrode=Electrode(porosity=0.1),
               electrolyte=SolidElectrolyte(sse_class="sulfide", anode_sse_wt_frac=0.2),
               cell=Cell(kind="full", cathode="NCM811", cathode_loading_mg_cm2=20.0, np_ratio=1.2),
               protocol=Protocol(v_min_V=2.5, v_max_V=4.2))
    r = run_stage(d, "cell")
    bd = r.tables["bom"].set_index("component")
    assert bd.loc["electrolyte", "mass_g"] == 0.0
    assert any("solid-state" in n for n in r.tables["notes"]["note"])
    assert r.data["model_kwargs"]["anode_coating"].sse_wt_frac == pytest.approx(0.2)


def test_cli_default_design(tmp_path):
    res = CliRunner().invoke(_app(), ["-o", str(tmp_path), "--no-report"])
    assert res.exit_code == 0, res.output
    assert "matched NCM811 pouch" in res.output
