"""Cell model physics: conservation, N/P bookkeeping, voltage, swelling, prelithiation, bad input."""
from dataclasses import replace

import numpy as np
import pytest

from sianode.cell.anode import AnodeBlend, graphite_component, si_composite_component, single, two_component
from sianode.cathodes import CATHODES, get_cathode
from sianode.cell.prelithiation import MG_LI_PER_MAH
from sianode.electrode.formation import auto_dose
from sianode.cell.stack import SolidState, anode_coating_default, cathode_coating_default, cell_model
from sianode.errors import InputError

NCM = CATHODES["NCM811"]
G = graphite_component()
SI = si_composite_component("Si-C test", 1800.0, 0.85, 2.1, 1.3)


@pytest.mark.parametrize("fmt", ["stack", "pouch", "18650", "21700", "4680", "prismatic"])
def test_mass_and_volume_add_up(fmt):
    r = cell_model(NCM, two_component(G, SI, 0.2), cathode_loading_mg_cm2=20.0, np_ratio=1.1, cell_format=fmt,
                   prelithiation="li5feo4")
    total_m = sum(float(v) for v in r.mass_g.values())
    assert total_m == pytest.approx(float(r.values["mass_g"]), rel=1e-12)
    bd = r.breakdown()
    parts, total = bd[bd["component"] != "total"], bd[bd["component"] == "total"].iloc[0]
    assert parts["mass_g"].sum() == pytest.approx(total_m, rel=1e-12) == total["mass_g"]
    assert parts["volume_cm3"].sum() == pytest.approx(float(r.values["volume_made_cm3"]), rel=1e-12)
    assert total["volume_cm3"] == pytest.approx(float(r.values["volume_made_cm3"]), rel=1e-12)
    assert (parts["mass_g"] >= 0).all() and (parts["volume_cm3"] >= 0).all()
    if fmt != "stack":
        assert float(r.volume_cm3["free_space"]) > 0
    v = r.values
    assert float(v["energy_density_made_Wh_L"]) == pytest.approx(float(v["energy_Wh"]) / total["volume_cm3"] * 1e3)
    assert float(v["specific_energy_Wh_kg"]) == pytest.approx(float(v["energy_Wh"]) / total["mass_g"] * 1e3)


def test_coating_density_and_thickness_consistent():
    r = cell_model(NCM, single(G), cathode_loading_mg_cm2=20.0, cell_format="stack")
    v = r.values
    # coating mass / thickness = press density; porosity = 1 - press / solid density
    cc = cathode_coating_default()
    m_coat = 20.0e-3 / cc.active_wt_frac
    assert m_coat / (v["cathode_thickness_um"] * 1e-4) == pytest.approx(v["cathode_press_density_g_cm3"])
    rho_solid = 1 / (cc.active_wt_frac / NCM.density_g_cm3 + cc.binder_wt_frac / cc.binder_density_g_cm3
                     + cc.conductive_wt_frac / cc.conductive_density_g_cm3)
    assert 1 - v["cathode_press_density_g_cm3"] / rho_solid == pytest.approx(cc.porosity)


def test_np_definitions():
    b = two_component(G, SI, 0.3)
    rev = cell_model(NCM, b, np_ratio=1.2, np_basis="reversible", cell_format="stack").values
    fl = cell_model(NCM, b, np_ratio=1.2, np_basis="first_lithiation", cell_format="stack").values
    assert rev["anode_reversible_mAh_cm2"] / rev["cathode_reversible_mAh_cm2"] == pytest.approx(1.2)
    assert fl["anode_first_lithiation_mAh_cm2"] / fl["cathode_first_charge_mAh_cm2"] == pytest.approx(1.2)
    # anode ICE (0.86) < cathode ICE (0.889): first-lithiation basis gives a smaller anode
    ratio = (NCM.first_charge_capacity_mAh_g / float(b.first_lithiation_capacity_mAh_g)) / \
            (NCM.reversible_capacity_mAh_g / float(b.reversible_capacity_mAh_g))
    assert fl["anode_loading_mg_cm2"] / rev["anode_loading_mg_cm2"] == pytest.approx(ratio)


def test_first_cycle_loss_feeds_cathode_utilisation():
    """Charge-passed bookkeeping (sianode.electrode.formation): the anode keeps ICE_a of the Li it takes."""
    low_ice = replace(G, ice=0.80)
    v = cell_model(NCM, single(low_ice), cell_format="stack", cathode_loading_mg_cm2=20.0).values
    qch = 20.0 * NCM.first_charge_capacity_mAh_g * 1e-3
    assert v["areal_capacity_mAh_cm2"] == pytest.approx(qch * 0.80)
    assert v["cathode_utilisation"] == pytest.approx(qch * 0.80 / (20.0 * NCM.reversible_capacity_mAh_g * 1e-3))
    hi_ice = replace(G, ice=0.95)  # cathode-limited: full cathode utilisation, Li reservoir left in the anode
    v2 = cell_model(NCM, single(hi_ice), cell_format="stack", cathode_loading_mg_cm2=20.0).values
    assert v2["cathode_utilisation"] == pytest.approx(1.0)
    assert v2["li_reservoir_mAh_cm2"] == pytest.approx(qch * 0.95 - 20.0 * NCM.reversible_capacity_mAh_g * 1e-3)
    assert float(v2["plated_li_mAh_cm2"]) == 0.0


def test_prelithiation_dose_zero_when_ice_matches_cathode():
    matched = replace(G, ice=NCM.ice)
    for method in ("li_foil", "thin_li_layer", "slmp", "li5feo4"):
        v = cell_model(NCM, single(matched), cell_format="stack", prelithiation=method).values
        assert float(v["prelithiation_dose_mAh_cm2"]) == pytest.approx(0.0, abs=1e-12)
    assert float(auto_dose(3.6, 0.9, 0.9)) == pytest.approx(0.0, abs=1e-12)
    assert float(auto_dose(3.6, 0.9, 0.8)) == pytest.approx(3.6 / 0.8 - 4.0)


def test_prelithiation_restores_capacity_and_costs_mass():
    low = single(replace(SI, ice=0.75))
    none = cell_model(NCM, low, cell_format="pouch").values
    foil = cell_model(NCM, low, cell_format="pouch", prelithiation="li_foil").values
    lfo = cell_model(NCM, low, cell_format="pouch", prelithiation="li5feo4").values
    d = float(foil["prelithiation_dose_mAh_cm2"])
    assert d > 0
    assert float(foil["cathode_utilisation"]) == pytest.approx(1.0)
    assert float(foil["prelithiation_li_mg_cm2"]) == pytest.approx(d * 0.259, rel=1e-3)
    assert MG_LI_PER_MAH == pytest.approx(0.259, rel=2e-3)
    assert float(foil["specific_energy_Wh_kg"]) > float(none["specific_energy_Wh_kg"])
    # the sacrificial additive's residue (LiFeO2) and volume count against energy
    assert float(lfo["specific_energy_Wh_kg"]) < float(foil["specific_energy_Wh_kg"])
    assert float(lfo["cathode_thickness_um"]) > float(foil["cathode_thickness_um"])


def test_si_lowers_voltage_and_swelling_eats_volumetric_gain():
    f = np.array([0.0, 0.1, 0.2, 0.3])
    r = cell_model(NCM, two_component(G, SI, f), cathode_loading_mg_cm2=20.0, cell_format="pouch",
                   prelithiation="li_foil")
    v = r.values
    assert np.all(np.diff(v["specific_energy_Wh_kg"]) > 0)
    assert np.all(np.diff(v["average_voltage_V"]) < 0)  # Si's higher delithiation voltage
    gain_sw = v["energy_density_Wh_L"][1:] / v["energy_density_Wh_L"][0] - 1
    gain_un = v["energy_density_made_Wh_L"][1:] / v["energy_density_made_Wh_L"][0] - 1
    assert np.all(gain_sw < gain_un)


def test_graphite_ncm811_pouch_in_literature_range():
    # 250-340 Wh/kg for large NCM811/graphite pouch cells depending on electrode thickness
    m = np.array([12.0, 16.0, 20.0, 25.0, 30.0])
    v = cell_model(NCM, single(G), cathode_loading_mg_cm2=m, cell_format="pouch").values
    e = v["specific_energy_Wh_kg"]
    assert np.all((e > 250) & (e < 340))
    assert np.all(np.diff(e) > 0)  # thicker electrodes dilute the inactive mass


def test_blend_voltage_limits():
    th = np.linspace(0.05, 0.95, 7)
    pure_g = two_component(G, SI, 0.0).delithiation_voltage_V(th)
    assert np.allclose(pure_g, G.delithiation_voltage(th), atol=2e-3)
    pure_si = two_component(G, SI, 1.0).delithiation_voltage_V(th)
    assert np.allclose(pure_si, SI.delithiation_voltage(th), atol=2e-3)
    mid = two_component(G, SI, 0.3).delithiation_voltage_V(th)
    assert np.all(np.diff(mid) <= 1e-9)  # delithiation voltage falls as the anode fills


def test_swelling_inputs_from_mechanics():
    b = single(SI)
    base = cell_model(NCM, b, cell_format="pouch").values
    mech = cell_model(NCM, b, cell_format="pouch", anode_thickness_change=0.10,
                      irreversible_swelling_per_cycle=2e-4, eol_cycles=500).values
    assert float(mech["anode_thickness_change_charged"]) == pytest.approx(0.10 * float(mech["anode_utilisation_top_of_charge"]))
    assert float(mech["energy_density_eol_Wh_L"]) < float(mech["energy_density_Wh_L"])
    assert float(base["energy_density_eol_Wh_L"]) == pytest.approx(float(base["energy_density_Wh_L"]))


def test_cylindrical_swelling_takes_volume_and_shortens_the_roll():
    b = single(SI)
    small = cell_model(NCM, b, cell_format="21700", anode_thickness_change=0.1).values
    big = cell_model(NCM, b, cell_format="21700", anode_thickness_change=0.6,
                     irreversible_swelling_per_cycle=1e-3, eol_cycles=100).values
    assert float(big["swelling_volume_cm3"]) > float(small["swelling_volume_cm3"]) > 0
    # the roll is sized to fit the rigid can when charged and swollen: more swelling leaves room for less cathode
    assert float(big["geometry_cathode_length_mm"]) < float(small["geometry_cathode_length_mm"])
    assert float(big["geometry_roll_fill_swollen"]) == pytest.approx(1.0)
    assert float(big["geometry_roll_fill_made"]) < 1.0
    assert float(big["energy_density_made_Wh_L"]) == float(big["energy_density_swollen_Wh_L"])  # rigid can


def test_solid_state_cell():
    dense = anode_coating_default(active_wt_frac=0.999, binder_wt_frac=0.0, conductive_wt_frac=0.001, porosity=0.05)
    r0 = cell_model(NCM, single(SI), anode_coating=dense, cell_format="stack", solid_state=SolidState())
    r1 = cell_model(NCM, single(SI), anode_coating=dense, cell_format="pouch",
                    solid_state=SolidState(hardware_mass_g=200.0, hardware_volume_cm3=100.0))
    r2 = cell_model(NCM, single(SI), anode_coating=dense, cell_format="pouch", solid_state=SolidState())
    assert float(r0.mass_g["electrolyte"]) == 0.0
    assert float(r0.mass_g["separator"]) > 0
    assert float(r1.values["mass_g"]) == pytest.approx(float(r2.values["mass_g"]) + 200.0)
    assert float(r1.values["specific_energy_Wh_kg"]) < float(r2.values["specific_energy_Wh_kg"])


def test_ec_ratio_mode():
    v = cell_model(NCM, single(G), cell_format="stack", electrolyte="ec_ratio", ec_ratio_g_Ah=1.3).values
    assert float(v["electrolyte_g_per_Ah"]) == pytest.approx(1.3)


# ----------------------------------------------------------------------------- bad input
def test_np_below_one_needs_override():
    with pytest.raises(InputError) as e:
        cell_model(NCM, single(G), np_ratio=0.95)
    assert e.value.field == "cell.np_ratio"
    r = cell_model(NCM, single(G), np_ratio=0.95, allow_np_below_1=True, cell_format="stack")
    assert float(r.values["li_plating_risk"]) == 1.0


@pytest.mark.parametrize("porosity", [-0.1, 1.0, 1.2])
def test_porosity_outside_range(porosity):
    with pytest.raises(InputError) as e:
        cell_model(NCM, single(G), anode_coating=anode_coating_default(porosity=porosity))
    assert e.value.field == "anode.porosity"


def test_loading_cannot_fit_thickness():
    cc = cathode_coating_default(porosity=None, thickness_um=30.0)
    with pytest.raises(InputError) as e:
        cell_model(NCM, single(G), cathode_loading_mg_cm2=25.0, cathode_coating=cc)
    assert e.value.field == "cathode.thickness_um"
    assert "cannot fit" in str(e.value)
    ok = cell_model(NCM, single(G), cathode_loading_mg_cm2=10.0, cathode_coating=cc, cell_format="stack")
    assert 0 < float(ok.values["cathode_porosity"]) < 1


def test_press_density_above_solid_density():
    with pytest.raises(InputError) as e:
        cell_model(NCM, single(G), anode_coating=anode_coating_default(porosity=None, press_density_g_cm3=2.5))
    assert e.value.field == "anode.press_density_g_cm3"


def test_other_bad_inputs():
    with pytest.raises(InputError):
        cell_model(NCM, single(G), np_basis="weird")
    with pytest.raises(InputError) as e:
        cell_model(NCM, single(G), cathode_loading_mg_cm2=-1.0)
    assert e.value.field == "cell.cathode_loading_mg_cm2"
    with pytest.raises(InputError) as e:
        cell_model(NCM, single(G), cell_format="9V")
    assert e.value.field == "cell.format"
    with pytest.raises(InputError):
        AnodeBlend([G, SI], np.array([0.5, 0.6]))
    with pytest.raises(InputError):
        get_cathode("NMC999")


def test_hysteresis_round_trip_efficiency():
    f = np.array([0.0, 0.3, 1.0])
    v = cell_model(NCM, two_component(G, SI, f), cell_format="stack").values
    eff = v["energy_efficiency"]
    assert eff[0] == pytest.approx(1.0)  # graphite: hysteresis neglected
    assert np.all(np.diff(eff) < 0) and eff[-1] > 0.85  # a-Si OCV gap ~0.2-0.3 V at ~3.7 V
