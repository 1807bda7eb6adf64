"""Pore accommodation, pore-matching map, electrode swelling and the binder indicator."""
import numpy as np
import pytest

from sianode.errors import InputError
from sianode.materials import lisi
from sianode.mechanics import binder, pores, swelling


def test_matched_pores_absorb_everything():
    w = np.array([0.3, 0.5, 0.6])
    pv = pores.matching_pore_volume(w)
    assert np.allclose(pores.cvd_si_c_expansion(w, pv), 0.0, atol=1e-12)
    assert np.all(pores.cvd_si_c_expansion(w, 0.8 * pv) > 0)


def test_porous_si_threshold_porosity():
    beta = float(lisi.volume_ratio(3.75))
    phi_c = 1 - 1 / beta  # pores exactly hold the lithiated Si
    assert float(pores.porous_si_expansion(phi_c + 1e-6)) == pytest.approx(0.0, abs=1e-9)
    assert float(pores.porous_si_expansion(0.0)) == pytest.approx(beta - 1)
    assert float(pores.porous_si_expansion(0.3)) < beta - 1


def test_yolk_shell_gap_rule():
    ry = 50.0
    g_ok = ry * (float(lisi.volume_ratio(3.75)) ** (1 / 3) - 1) + 1e-9
    assert float(pores.yolk_shell_expansion(ry, g_ok, 10.0)) == pytest.approx(0.0, abs=1e-12)
    assert float(pores.yolk_shell_expansion(ry, 5.0, 10.0)) > 0


def test_pore_map_regimes():
    m = pores.pore_matching_map()
    assert set(m.regime) == {"does not fit", "overfilled on lithiation", "accommodated"}
    acc = m[m.regime == "accommodated"]
    assert np.allclose(acc.outward_expansion, 0.0)
    # expansion grows with Si loading at fixed pore volume where defined
    sub = m[(m.pore_volume_cm3_g == m.pore_volume_cm3_g.max())].dropna()
    assert np.all(np.diff(sub.outward_expansion.to_numpy()) >= -1e-12)


def test_swelling_limits_and_calendering():
    assert float(swelling.thickness_change(0.4, 0.4, 0.0)) == 0.0
    # a loose electrode (porosity above random close packing) absorbs part of the expansion
    loose = float(swelling.thickness_change(0.3, 0.55, 1.0))
    dense = float(swelling.thickness_change(0.3, 0.30, 1.0))
    assert loose < dense
    # fully dense active layer at the RCP limit: all expansion goes into thickness
    assert float(swelling.thickness_change(0.64, 0.36, 1.0)) == pytest.approx(1.0)
    assert swelling.check_limits(0.2).startswith("ok") and "exceeds" in swelling.check_limits(0.9)


def test_fractures_raise_irreversible_growth():
    # 3 µm c-Si pulverised to the critical size (227 nm): its own surface plus the crack faces
    frag = swelling.sei_bearing_surface(True, 0.86, 2.33, 1.0, 227e-9, 3e-6)
    intact = swelling.sei_bearing_surface(False, 0.86, 2.33, 1.0, 227e-9, 3e-6)
    assert intact == pytest.approx(6 / 3e-6, rel=0.01)  # sphere: S = 6/(rho d)
    assert frag == pytest.approx(intact + 6 / 227e-9 - 6 / 3e-6)  # fracture adds surface, never replaces it
    a_crack = swelling.crack_surface_per_si_volume(True, 3e-6, 227e-9)
    assert swelling.crack_surface_per_si_volume(True, 227e-9, 227e-9) == 0.0  # continuous at the critical size
    assert swelling.crack_surface_per_si_volume(False, 3e-6, 227e-9) == 0.0
    g = lambda ac: float(swelling.irreversible_rate(0.32, 1.0, intact, 0.5, 0.5, 1e-9, crack_surface_per_si_volume=ac))
    assert g(a_crack) > g(0.0) > 0
    # crack faces are re-exposed every cycle: per unit area they grow more than the breathing surface (f < 1)
    assert g(a_crack) - g(0.0) > g(0.0) * a_crack / intact * 0.5


def test_irreversible_rate_trends_and_limits():
    base = dict(active_fraction=0.3, si_volume_fraction=1.0, surface_per_si_volume=2e7, hoop_strain=0.5,
                fresh_fraction=0.5, sei_thickness_per_cycle_m=1e-9)
    g0 = float(swelling.irreversible_rate(**base))
    # analytic value f_a phi a_v (1+e_A) f L
    assert g0 == pytest.approx(0.3 * 2e7 * 1.5 ** 2 * 0.5 * 1e-9)
    # no fresh surface (e.g. solid electrolyte, no wetting) or no SEI growth -> no irreversible growth
    assert float(swelling.irreversible_rate(**{**base, "fresh_fraction": 0.0})) == 0.0
    assert float(swelling.irreversible_rate(**{**base, "sei_thickness_per_cycle_m": 0.0})) == 0.0
    # monotonic in strain, surface, Si content (carbon dilution lowers it)
    assert float(swelling.irreversible_rate(**{**base, "hoop_strain": 0.6})) > g0
    assert float(swelling.irreversible_rate(**{**base, "surface_per_si_volume": 4e7})) > g0
    assert float(swelling.irreversible_rate(**{**base, "si_volume_fraction": 0.75})) < g0
    cyc = swelling.swelling_over_cycles(0.5, g0, 10)
    assert np.allclose(np.diff(cyc["delithiated_thickness_change"]), g0)
    assert np.all(cyc["lithiated_thickness_change"] > cyc["delithiated_thickness_change"])
    with pytest.raises(InputError):
        swelling.irreversible_rate(**{**base, "fresh_fraction": 1.5})
    with pytest.raises(InputError) as ei:
        swelling.swelling_over_cycles(0.5, g0, 0)
    assert ei.value.field == "protocol.cycles"


def test_electrode_fractions_press_density():
    f = swelling.electrode_fractions(0.8, 0.1, 0.1, 2.3, 1.6, press_density_g_cm3=1.0)
    assert f.active + f.binder + f.conductive + f.porosity == pytest.approx(1.0)
    with pytest.raises(InputError) as ei:
        swelling.electrode_fractions(0.8, 0.1, 0.1, 2.3, 1.6, press_density_g_cm3=2.9)
    assert ei.value.field == "electrode.press_density_g_cm3"


def test_binder_indicator_002_threshold():
    assert binder.damage_indicator(47.15e9, "CMC")["damaged"]  # seeds/002 pure Si surface
    assert not binder.damage_indicator(8.51e9, "CMC")["damaged"]  # p-mSi@SiOx/C surface
    with pytest.raises(InputError) as ei:
        binder.damage_indicator(1e9, "glue")
    assert ei.value.field == "electrode.binder"


def test_bad_pore_input():
    with pytest.raises(InputError) as ei:
        pores.porous_si_expansion(1.2)
    assert ei.value.field == "active.porosity"
