"""SEI growth: analytic limits, exact step composition, Arrhenius, electron leakage."""
import numpy as np
import pytest

from sianode.errors import InputError
from sianode.interphase import sei

V, Z = 9.585e-5, 2.0


def test_parabolic_law_without_kinetic_limit():
    K, L0, t = 6.6e-19, 5e-9, 3.6e6
    L1 = sei.thickness_after(L0, t, K, np.inf, V, Z)
    assert L1 == pytest.approx(np.sqrt(L0**2 + 2 * V / Z * K * t), rel=1e-12)


def test_reaction_limited_thin_film_grows_linearly():
    nr, t = 1e-9, 100.0
    L1 = sei.thickness_after(0.0, t, 1e3, nr, V, Z)  # transport effectively infinite
    assert L1 == pytest.approx(V / Z * nr * t, rel=1e-6)


def test_exact_integration_composes():
    """Many small steps == one big step (the closed form is the exact solution)."""
    K, nr = 1e-18, 2e-9
    L = 3e-9
    for _ in range(1000):
        L = sei.thickness_after(L, 36.0, K, nr, V, Z)
    assert L == pytest.approx(sei.thickness_after(3e-9, 36000.0, K, nr, V, Z), rel=1e-10)


def test_lithium_consumed_matches_thickness():
    L1, li = sei.grow(5e-9, 86400.0)
    assert li == pytest.approx(Z * (L1 - 5e-9) / V, rel=1e-12)
    assert li > 0


def test_arrhenius_and_temperature():
    assert sei.arrhenius(298.15, 38000.0) == pytest.approx(1.0)
    cold, _ = sei.grow(5e-9, 1e6, temperature_K=283.15)
    hot, _ = sei.grow(5e-9, 1e6, temperature_K=333.15)
    assert hot > cold
    with pytest.raises(InputError):
        sei.arrhenius(-1.0, 38000.0)


def test_electron_leakage_depends_on_potential_only_below_sei_ocp():
    k_low = sei.transport_constant(0.0, 0.0, 1e-13, 0.05)
    k_high = sei.transport_constant(0.0, 0.0, 1e-13, 0.6)
    assert k_low > 0 and k_high == 0
    assert sei.regime(2.5e-22, 2636.0, 1e-12, 0.05) == "electron-leakage"
    assert sei.regime(2.5e-22, 2636.0, 1e-16, 0.05) == "solvent-diffusion"


def test_resistance_scales_with_thickness_and_area():
    r1 = sei.electrode_resistance_ohm_cm2(10e-9, 10.0, 2.0)
    assert sei.electrode_resistance_ohm_cm2(20e-9, 10.0, 2.0) == pytest.approx(2 * r1)
    assert sei.electrode_resistance_ohm_cm2(10e-9, 20.0, 2.0) == pytest.approx(r1 / 2)


def test_parameters_have_sources():
    for k, p in sei.SEI_PARAMETERS.items():
        assert p.source and p.unit, k
