"""Tests of Li–Si phase capacities, densities and the volume law (sianode.materials.lisi)."""
import numpy as np
import pytest

from sianode.errors import InputError
from sianode.materials import lisi as L


def test_li15si4_capacity_from_faraday():
    # 3579 mAh/g (Obrovac & Christensen 2004; seeds/004 §1 "3579 mAh/g")
    assert L.theoretical_capacity_mAh_g("Li15Si4") == pytest.approx(3579, abs=1.5)


def test_li22si5_capacity_from_faraday():
    # seeds/004 Table 1: 4200 mAh/g for Li4.4Si
    assert L.theoretical_capacity_mAh_g("Li22Si5") == pytest.approx(4200, abs=2)


def test_capacity_inverse_roundtrip():
    x = np.linspace(0, 4.4, 23)
    np.testing.assert_allclose(L.x_from_capacity_mAh_g(L.capacity_mAh_g_from_x(x)), x, rtol=1e-12)


def test_li15si4_density_from_unit_cell():
    # X-ray density 1.179 g/cm3 quoted by Obrovac & Christensen 2004
    assert L.PHASES["Li15Si4"].density_g_cm3 == pytest.approx(1.179, abs=0.002)


def test_lithium_conservation_lithiated_basis():
    # Per-gram-of-LixSi capacity times the mass of LixSi per g Si equals the host-basis capacity:
    # the Li that is counted is the Li that is added.
    for p in L.PHASES.values():
        q_lith = L.theoretical_capacity_mAh_g(p.name, "lithiated")
        mass_ratio = p.molar_mass_per_si_g_mol / L.M_SI_G_MOL
        assert q_lith * mass_ratio == pytest.approx(L.theoretical_capacity_mAh_g(p.name), rel=1e-12)
        # and Li atoms: x equals moles of electrons per mole of Si
        n_e = L.theoretical_capacity_mAh_g(p.name) * 3.6 * L.M_SI_G_MOL / L.FARADAY_C_MOL
        assert n_e == pytest.approx(p.x, rel=1e-12)


def test_volumetric_capacity_li15si4():
    # 3579 mAh/g * 2.329 g/cm3 = 8335 mAh/cm3 on the initial basis (Obrovac & Krause 2007: ~8334)
    assert L.volumetric_capacity_mAh_cm3("Li15Si4", "initial") == pytest.approx(3579 * 2.329, rel=1e-3)
    # lithiated basis ~2190 mAh/cm3 (Obrovac et al. JES 154 (2007) A849 list 2194 for Li15Si4)
    assert L.volumetric_capacity_mAh_cm3("Li15Si4", "lithiated") == pytest.approx(2190, rel=0.01)


def test_partial_molar_volume_li():
    # ~9 cm3/mol (15 Å^3 per Li), Obrovac et al. 2007; least squares over all phases within 6 %
    om = L.OMEGA_LI_CM3_MOL.value
    assert 8.5 < om < 9.5
    assert L.omega_li_least_squares() == pytest.approx(om, rel=0.06)


def test_expansion_at_li15si4_and_li44si():
    # seeds: ~280-300 % at Li15Si4; seeds/004 Table 1 "420 %" for Li4.4Si read as V/V0 ~ 4.2
    assert 2.75 <= L.volumetric_expansion(3.75) <= 3.0
    assert 4.0 <= L.volume_ratio(4.4) <= 4.4
    # the linear law stays within 5 % of every crystal's own X-ray volume
    for p in L.PHASES.values():
        v_cryst = p.molar_volume_per_si_cm3_mol / L.MOLAR_VOLUME_SI_CM3_MOL
        assert L.volume_ratio(p.x) == pytest.approx(v_cryst, rel=0.075)


def test_expansion_monotonic_in_x():
    x = np.linspace(0, 4.4, 200)
    v = L.volume_ratio(x)
    assert np.all(np.diff(v) > 0)
    assert v[0] == pytest.approx(1.0)
    # crystal volumes per Si also increase with x
    ph = sorted(L.PHASES.values(), key=lambda p: p.x)
    vm = [p.molar_volume_per_si_cm3_mol for p in ph]
    assert all(b > a for a, b in zip(vm, vm[1:]))


def test_amorphous_host_expands_less():
    assert L.volume_ratio(3.75, "amorphous") < L.volume_ratio(3.75)
    assert L.volume_ratio(0.0, "amorphous") == pytest.approx(1.0)


def test_linear_strain():
    assert L.linear_strain(3.75) == pytest.approx(L.volume_ratio(3.75) ** (1 / 3) - 1)


@pytest.mark.parametrize("bad", [-0.1, 4.5, np.nan, [0.1, 5.0]])
def test_x_out_of_range(bad):
    with pytest.raises(InputError) as e:
        L.capacity_mAh_g_from_x(bad)
    assert e.value.field == "x"
    with pytest.raises(InputError):
        L.volume_ratio(bad)


def test_bad_capacity_and_phase_names():
    with pytest.raises(InputError) as e:
        L.x_from_capacity_mAh_g(-5)
    assert "capacity" in str(e.value)
    with pytest.raises(InputError) as e:
        L.theoretical_capacity_mAh_g("Li4Si")
    assert e.value.field == "phase_name"
    with pytest.raises(InputError):
        L.volumetric_capacity_mAh_cm3("Li15Si4", basis="bogus")
