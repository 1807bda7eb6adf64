"""Formats: sizing from a target capacity, explicit rolls that must fit, prismatic cans, custom cylinders,
the four volume states, the schema's format sections and the practical-range warnings."""
from __future__ import annotations

import math

import numpy as np
import pytest
from typer.testing import CliRunner

from sianode.cathodes import CATHODES
from sianode.cell import practical
from sianode.cell.anode import graphite_component, si_composite_component, single, two_component
from sianode.cell.formats import CylindricalFormat, PouchFormat, PrismaticFormat, get_format
from sianode.cell.stack import cell_model
from sianode.chain import run_stage
from sianode.design.loader import design_from_dict, example_text, load_example
from sianode.errors import InputError

NCM = CATHODES["NCM811"]
G = graphite_component()
SI = si_composite_component("Si-C test", 1800.0, 0.85, 2.1, 1.3)


def test_pouch_layers_from_a_target_capacity_round_up():
    one = cell_model(NCM, single(G), cell_format=PouchFormat(n_cathodes=1)).values
    per_cathode = float(one["capacity_Ah"])
    target = np.array([0.5, 1.0, 2.5, 10.0]) * per_cathode
    v = cell_model(NCM, single(G), cell_format=PouchFormat(target_capacity_Ah=None, n_cathodes=1),
                   format_overrides={"target_capacity_Ah": 7.2 * per_cathode}).values
    assert float(v["geometry_n_cathodes"]) == 8  # 7.2 cathodes' worth -> 8
    for t, n in zip(target, (1, 1, 3, 10)):
        r = cell_model(NCM, single(G), cell_format=PouchFormat(target_capacity_Ah=float(t))).values
        assert float(r["geometry_n_cathodes"]) == n
        assert float(r["capacity_Ah"]) >= t * (1 - 1e-9)


def test_pouch_thickness_grows_with_the_anode_but_a_can_does_not():
    b = single(SI)
    p = cell_model(NCM, b, cell_format="pouch", anode_thickness_change=0.4, irreversible_swelling_per_cycle=5e-4,
                   eol_cycles=200, eol_energy_retention=0.8).values
    assert float(p["volume_made_cm3"]) < float(p["volume_charged_cm3"]) < float(p["volume_swollen_cm3"])
    assert float(p["energy_density_made_Wh_L"]) > float(p["energy_density_Wh_L"]) > float(p["energy_density_swollen_Wh_L"])
    assert float(p["energy_density_eol_Wh_L"]) == pytest.approx(0.8 * float(p["energy_density_swollen_Wh_L"]))
    assert float(p["specific_energy_eol_Wh_kg"]) == pytest.approx(0.8 * float(p["specific_energy_Wh_kg"]))
    c = cell_model(NCM, b, cell_format="18650", anode_thickness_change=0.4).values
    assert float(c["volume_made_cm3"]) == float(c["volume_swollen_cm3"]) == pytest.approx(math.pi * 0.9 ** 2 * 6.5)


def test_explicit_roll_must_fit_the_can():
    f = get_format("18650", cathode_length_mm=400.0)
    v = cell_model(NCM, single(G), cell_format=f).values
    assert 0 < float(v["geometry_roll_fill_made"]) < float(v["geometry_roll_fill_charged"]) <= 1
    assert float(v["geometry_cathode_length_mm"]) == pytest.approx(400.0)
    with pytest.raises(InputError) as e:
        cell_model(NCM, single(G), cell_format=get_format("18650", cathode_length_mm=2000.0))
    assert e.value.field == "cell.cylindrical.cathode_length_mm" and "does not fit" in str(e.value)
    # a roll that fits as made but not when charged is kept, with a note
    tight = cell_model(NCM, single(SI), cell_format=get_format("18650", cathode_length_mm=900.0),
                       anode_thickness_change=1.0)
    if float(tight.values["geometry_roll_fill_charged"]) > 1:
        assert any("presses on the can" in n for n in tight.notes)


def test_cylinder_height_from_a_target_capacity():
    base = cell_model(NCM, single(G), cell_format="21700").values
    f = get_format("cylindrical", diameter_mm=21.0, target_capacity_Ah=2 * float(base["capacity_Ah"]))
    v = cell_model(NCM, single(G), cell_format=f).values
    assert float(v["capacity_Ah"]) == pytest.approx(2 * float(base["capacity_Ah"]), rel=1e-9)
    assert float(v["geometry_can_height_mm"]) > 70.0
    # same diameter, same roll cross-section: the cathode strip is as long as the 21700's
    assert float(v["geometry_cathode_length_mm"]) == pytest.approx(float(base["geometry_cathode_length_mm"]))


def test_prismatic_rolls_fill_the_can():
    v = cell_model(NCM, two_component(G, SI, 0.1), cell_format="prismatic").values
    assert float(v["geometry_roll_fill_swollen"]) == pytest.approx(1.0)
    assert float(v["volume_made_cm3"]) == pytest.approx(14.8 * 2.65 * 9.1)
    two = cell_model(NCM, two_component(G, SI, 0.1), cell_format=PrismaticFormat(n_rolls=1)).values
    # one thick roll or two thin ones: the same can, within the stadium ends and the clearance
    assert float(two["capacity_Ah"]) == pytest.approx(float(v["capacity_Ah"]), rel=0.05)


def test_format_fields_are_validated():
    with pytest.raises(InputError) as e:
        get_format("pouch", n_layers=3)
    assert "unknown format field" in str(e.value)
    with pytest.raises(InputError):
        get_format("18650", can_wall_mm=8.0)
    with pytest.raises(InputError):
        get_format("prismatic", thickness_mm=1.0)
    assert isinstance(get_format("21700"), CylindricalFormat)


def _design(cell: dict, **top):
    base = {"cell": {"kind": "full", "cathode": "NCM811", "cathode_loading_mg_cm2": 20.0, **cell},
            "protocol": {"v_min_V": 2.8, "v_max_V": 4.2, "cycles": 50}}
    base.update(top)
    return design_from_dict(base)


@pytest.mark.parametrize("cell, words", [
    ({"format": "pouch", "cylindrical": {"diameter_mm": 18.0}}, "cell.cylindrical is given but format = 'pouch'"),
    ({"format": "cylindrical"}, "needs cylindrical.diameter_mm"),
    ({"format": "pouch", "pouch": {"n_cathodes": 10, "target_capacity_Ah": 5.0}}, "n_cathodes or target_capacity_Ah"),
    ({"cathode_electrode": {"thickness_um": 80.0, "porosity": 0.3}}, "over-determined"),
    ({"cathode_electrode": {"active_wt_frac": 0.9}}, "must sum to 1"),
    ({"pouch": {"layers": 3}}, "unknown key 'layers'"),
])
def test_schema_rejects_bad_cell_sections(cell, words):
    with pytest.raises(InputError) as e:
        _design(cell)
    assert words in str(e.value)


def test_cathode_thickness_and_porosity_fix_the_loading():
    d = design_from_dict({"cell": {"kind": "full", "cathode": "NCM811",
                                   "cathode_electrode": {"thickness_um": 70.0, "porosity": 0.30}},
                          "protocol": {"v_min_V": 2.8, "v_max_V": 4.2, "cycles": 20}})
    s = run_stage(d, "cell").summary
    assert s["cathode_thickness_um"] == pytest.approx(70.0, rel=1e-9)
    assert s["cathode_porosity"] == pytest.approx(0.30, rel=1e-9)
    # 96:2:2 solids at 70 % of 70 µm
    rho = 1 / (0.96 / NCM.density_g_cm3 + 0.02 / 1.78 + 0.02 / 1.90)
    assert s["cathode_loading_mg_cm2"] == pytest.approx(0.96 * 70e-4 * 0.70 * rho * 1e3, rel=1e-9)


def test_cathode_data_from_the_design_reach_every_stage():
    d = _design({"cathode_electrode": {"reversible_capacity_mAh_g": 180.0, "first_charge_capacity_mAh_g": 200.0}})
    s = run_stage(d, "cell").summary
    life = run_stage(d, "life").summary
    assert s["areal_capacity_mAh_cm2"] <= 20.0 * 0.180 + 1e-9
    assert life["np_ratio_reversible"] == pytest.approx(1.1)  # N/P on the design's own cathode capacity


def test_practical_range_warnings_name_the_range_and_source(tmp_path):
    # the example: a 186 µm cathode was accepted silently
    d = _design({"cathode_loading_mg_cm2": 60.0})
    r = run_stage(d, "cell")
    w = r.tables["warnings"]
    thick = w[w["quantity"] == "cathode coating thickness per side"]
    assert len(thick) == 1 and thick["value"].iloc[0] > 150
    assert "<= 100" in thick["practical_range"].iloc[0] and "Kuang" in thick["source"].iloc[0]
    assert "areal capacity" in set(w["quantity"])
    assert r.summary["practical_range_warnings"] == len(w) >= 2
    path = tmp_path / "thick.toml"
    path.write_text('[cell]\nkind = "full"\ncathode_loading_mg_cm2 = 60.0\n[protocol]\nv_min_V = 2.8\nv_max_V = 4.2\n'
                    'cycles = 20\n')
    from sianode.cli import app

    res = CliRunner().invoke(app, ["cell", str(path), "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert "warning:" in res.output and "Kuang" in res.output
    html = (tmp_path / "out" / "cell_report.html").read_text()
    assert "Practical-range warnings" in html


def test_practical_ranges_on_values():
    v = {"cathode_thickness_um": 60.0, "anode_coating_thickness_um": 70.0, "areal_capacity_mAh_cm2": 3.5}
    assert practical.check(v, 1.1, 1.5, 1.2) == []
    w = practical.check(v, 1.6, 1.0, 1.2)
    assert {x.quantity for x in w} == {"N/P (reversible basis)", "E/C"}
    assert any("pore volume" in x.allowed for x in w)


def test_cli_prints_bom_states_and_writes_strict_summary(tmp_path):
    from sianode.cli import app

    path = tmp_path / "pouch.toml"
    path.write_text(example_text("graphite_ncm811_pouch"), encoding="utf-8")
    import os

    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        res = CliRunner().invoke(app, ["cell", str(path), "--no-report"])
    finally:
        os.chdir(cwd)
    assert res.exit_code == 0, res.output
    out = res.output
    for words in ("bill of materials", "cathode_active", "electrolyte", "pouch_film_al", "tab_positive", "total",
                  "as made", "charged", "swollen", "end of life", "Wh/kg", "Wh/L", "sianode-output/pouch"):
        assert words in out, words
    import json

    folder = tmp_path / "sianode-output" / "pouch"
    s = json.loads((folder / "summary.json").read_text(), parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    for k in ("cell.energy_density_made_Wh_L", "cell.energy_density_Wh_L", "cell.energy_density_swollen_Wh_L",
              "cell.energy_density_eol_Wh_L", "cell.specific_energy_Wh_kg", "cell.mass_g"):
        assert isinstance(s[k], float)
    assert (folder / "cell_bom.csv").exists() and (folder / "cell_states.csv").exists()


def test_lg_m50_gives_its_rating_from_the_published_geometry():
    d = load_example("lg_m50_21700")
    s = run_stage(d, "cell").summary
    assert 4.75 <= s["capacity_Ah"] <= 5.25
    assert s["anode_thickness_um"] == pytest.approx(85.2, rel=0.02)  # Chen et al. 2020 (N/P derived from it)
    assert s["cathode_thickness_um"] == pytest.approx(75.6, rel=1e-9)
    assert s["geometry_roll_fill_made"] < 1
    assert s["volume_made_cm3"] == pytest.approx(math.pi * 1.05 ** 2 * 7.0, rel=1e-9)  # 21700 can, 24.2 cm3


def test_graphite_reference_is_built_from_the_same_format_and_cathode():
    from sianode.cell.reference import graphite_reference

    cell = {"format": "21700", "cathode": "NCA", "cathode_electrode": {"al_foil_um": 15.0, "porosity": 0.22}}
    si = _design(cell, active={"family": "si_graphite", "si_fraction": 0.15})
    other = _design(cell, active={"family": "siox", "x": 1.0})
    a, b = run_stage(si, "cell"), run_stage(other, "cell")
    assert a.summary["graphite_reference_Wh_kg"] == b.summary["graphite_reference_Wh_kg"]  # anode-independent
    ref = graphite_reference(si).values
    assert float(ref["volume_made_cm3"]) == pytest.approx(math.pi * 1.05 ** 2 * 7.0)  # the same 21700 can
    assert float(ref["cathode_porosity"]) == pytest.approx(0.22)  # the same cathode coating
    assert float(ref["cathode_reversible_mAh_cm2"]) == pytest.approx(20.0 * CATHODES["NCA"].reversible_capacity_mAh_g
                                                                    * 1e-3)
    pouch = _design({"pouch": {"n_cathodes": 12, "electrode_length_mm": 150.0}})
    assert float(graphite_reference(pouch).values["geometry_n_cathodes"]) == 12
    assert float(graphite_reference(pouch).values["geometry_cathode_area_cm2"]) == pytest.approx(15.0 * 10.0)  # cm2


def test_prismatic_height_from_a_target_capacity():
    f = PrismaticFormat(height_mm=None, target_capacity_Ah=50.0)
    v = cell_model(NCM, single(G), cell_format=f).values
    assert float(v["capacity_Ah"]) == pytest.approx(50.0, rel=1e-9)
    fixed = cell_model(NCM, single(G), cell_format="prismatic").values
    # the same can cross-section: capacity per mm of height is the same
    h_fixed = float(fixed["geometry_cathode_height_mm"])
    assert float(v["geometry_cathode_height_mm"]) == pytest.approx(h_fixed * 50.0 / float(fixed["capacity_Ah"]), rel=1e-9)
