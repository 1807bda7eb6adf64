"""The design schema: examples load, defaults are valid, bad input names the field."""
import tomllib

import pytest

from sianode.design import Design, design_from_dict, example_names, load_design, load_example
from sianode.design.loader import example_text
from sianode.errors import InputError


def test_examples_cover_the_required_families():
    names = example_names()
    assert {"cvd_si_c", "porous_micro_si", "siox", "nano_si_graphite"} <= set(names)
    fams = {load_example(n).active.family for n in names}
    assert {"cvd_si_c", "porous_micro_si", "siox", "si_graphite"} <= fams


def test_default_design_is_cvd_si_c():
    assert load_example().active.family == "cvd_si_c"
    assert Design().active.family == "cvd_si_c"  # Python defaults agree with the bundled default


def test_roundtrip_python_and_toml(tmp_path):
    d = load_example("porous_micro_si")
    again = design_from_dict(d.model_dump())
    assert again == d
    p = tmp_path / "d.toml"
    p.write_text(example_text("siox"))
    before = p.read_bytes()
    assert load_design(p).active.family == "siox"
    assert p.read_bytes() == before  # input never modified


def _err(data) -> str:
    with pytest.raises(InputError) as e:
        design_from_dict(data)
    return str(e.value)


@pytest.mark.parametrize(
    "data, field, hint",
    [
        ({"electrode": {"porosity": -0.1}}, "electrode.porosity", "greater than 0"),
        ({"electrode": {"porosity": 1.2}}, "electrode.porosity", "less than 1"),
        ({"electrode": {"active_wt_frac": 0.9, "binder_wt_frac": 0.2, "conductive_wt_frac": 0.1}}, "electrode", "sum to 1"),
        ({"electrode": {"active_wt_frac": 1.5}}, "electrode.active_wt_frac", "less than or equal to 1"),
        ({"electrode": {"loading_mg_cm2": "heavy"}}, "electrode.loading_mg_cm2", "valid number"),
        ({"electrode": {"porosity": 0.4, "press_density_g_cm3": 1.2}}, "electrode", "not both"),
        ({"electrode": {"loadng_mg_cm2": 2}}, "electrode.loadng_mg_cm2", "unknown key"),
        ({"active": {"family": "unobtainium"}}, "active", "unknown family"),
        ({"active": {"family": "cvd_si_c", "si_wt_frac": 0.9, "scaffold_pore_volume_cm3_g": 0.5}}, "active", "more Si than the pores can hold"),
        ({"active": {"family": "si_particles", "diameter_nm": 50, "coatings": {"outer": {"thickness_nm": 30}}}},
         "active.coatings.outer.thickness_nm", "thinner than the particle"),
        ({"active": {"family": "hollow", "inner_radius_nm": 300, "outer_radius_nm": 200}}, "active", "inner_radius_nm"),
        ({"active": {"family": "porous_micro_si", "porosity": 0.99}}, "active.porosity", "less than 0.95"),
        ({"active": {"family": "porous_micro_si", "pore_diameter_nm": 9000, "diameter_um": 5}}, "active", "smaller than the particle"),
        ({"active": {"family": "siox", "x": 2.5}}, "active.x", "less than 2"),
        ({"active": {"family": "si_particles", "coatings": {"pore": {"thickness_nm": 2}}}}, "active.coatings.pore", "porous families"),
        ({"active": {"family": "si_graphite", "si_fraction": 1.4}}, "active.si_fraction", "less than or equal to 1"),
        ({"electrolyte": {"kind": "plasma"}}, "electrolyte", "unknown kind"),
        ({"electrolyte": {"kind": "solid", "sse_class": "ceramic-ish"}}, "electrolyte.sse_class", "sulfide"),
        ({"electrolyte": {"kind": "liquid", "additives_wt_pct": {"FEC": -5}}}, "electrolyte.additives_wt_pct.FEC", "greater than or equal to 0"),
        ({"cell": {"kind": "full", "np_ratio": 0.9}, "protocol": {"v_min_V": 2.8, "v_max_V": 4.2}}, "cell", "np_ratio"),
        ({"cell": {"kind": "triple"}}, "cell.kind", "'half' or 'full'"),
        ({"protocol": {"v_min_V": 1.0, "v_max_V": 0.5}}, "protocol", "must be below"),
        ({"protocol": {"c_rate": 0.1, "current_A_g": 0.2}}, "protocol", "not both"),
        ({"protocol": {"temperature_C": -300}}, "protocol.temperature_C", "greater than or equal to -60"),
        ({"protocol": {"v_min_V": 0.01, "v_max_V": 4.2}}, "protocol.v_max_V", "half cell"),
    ],
)
def test_bad_input_names_field_and_allowed(data, field, hint):
    msg = _err(data)
    assert field in msg, msg
    assert hint in msg, msg


def test_full_cell_with_both_loadings_is_over_determined():
    full = {"kind": "full", "cathode_loading_mg_cm2": 18.0, "np_ratio": 1.1}
    win = {"v_min_V": 2.8, "v_max_V": 4.2}
    msg = _err({"electrode": {"loading_mg_cm2": 8.0}, "cell": full, "protocol": win})
    for part in ("electrode.loading_mg_cm2", "cell.cathode_loading_mg_cm2", "over-determined", "give one of them"):
        assert part in msg, msg
    # one of the two is fine; the other is None (cathode) or the default (anode) and is derived later
    assert design_from_dict({"cell": full, "protocol": win}).cell.cathode_loading_mg_cm2 == 18.0
    d = design_from_dict({"electrode": {"loading_mg_cm2": 8.0}, "cell": {"kind": "full"}, "protocol": win})
    assert d.cell.cathode_loading_mg_cm2 is None and d.electrode.loading_mg_cm2 == 8.0
    # half cells: the cathode loading is ignored, no conflict
    h = design_from_dict({"electrode": {"loading_mg_cm2": 8.0}, "cell": {"kind": "half", "cathode_loading_mg_cm2": 18.0}})
    assert h.electrode.loading_mg_cm2 == 8.0


def test_np_below_one_allowed_with_override():
    d = design_from_dict({"cell": {"kind": "full", "np_ratio": 0.95, "allow_np_below_1": True},
                          "protocol": {"v_min_V": 2.8, "v_max_V": 4.2}})
    assert d.cell.np_ratio == 0.95


def test_cvd_pore_capacity_limit_is_exact():
    # Si volume equals the pore volume at w* = Vp*rho/(1+Vp*rho); just below passes, just above fails.
    vp, rho = 1.0, 2.329
    w_star = vp * rho / (1 + vp * rho)
    design_from_dict({"active": {"family": "cvd_si_c", "scaffold_pore_volume_cm3_g": vp, "si_wt_frac": w_star - 1e-4}})
    with pytest.raises(InputError):
        design_from_dict({"active": {"family": "cvd_si_c", "scaffold_pore_volume_cm3_g": vp, "si_wt_frac": w_star + 1e-4}})


def test_bad_toml_files(tmp_path):
    p = tmp_path / "broken.toml"
    p.write_text("[electrode\nporosity = 0.3\n")
    with pytest.raises(InputError, match="not valid TOML"):
        load_design(p)
    b = tmp_path / "binary.toml"
    b.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InputError, match="byte 0"):
        load_design(b)
    with pytest.raises(InputError, match="file not found"):
        load_design(tmp_path / "missing.toml")


def test_every_example_is_valid_toml_with_sources():
    for n in example_names():
        text = example_text(n)
        tomllib.loads(text)
        assert text.lstrip().startswith("#"), f"example {n} must open with a comment saying where it comes from"


def test_schema_docs_are_current_and_every_field_documented():
    from pathlib import Path

    from sianode.design.docs import _SECTIONS, schema_markdown

    doc = Path(__file__).parents[2] / "docs" / "design-schema.md"
    assert doc.read_text().strip() == schema_markdown().strip(), "regenerate: python -m sianode.design.docs > docs/design-schema.md"
    for _, model in _SECTIONS:
        for name, f in model.model_fields.items():
            assert f.description, f"{model.__name__}.{name} has no description"
