"""The LixSi constitutive law: sources, limits, monotone trends, branch selection, one law used everywhere."""
import re

import numpy as np
import pytest

from sianode.errors import InputError
from sianode.mechanics import lisi_law as law


def test_every_constant_carries_a_source():
    for name, p in law.LAW.items():
        assert p.source.strip(), name
        if name != "pressure_blend":  # numerical regularisation, says so
            assert re.search(r"(19|20)\d\d", p.source), f"{name}: source has no year: {p.source}"
            assert re.search(r"[A-Z][a-z]+", p.source), name


def test_modulus_end_points_and_softening():
    assert law.young_modulus(0.0, "amorphous") == pytest.approx(92e9)
    assert law.young_modulus(0.0, "crystalline") == pytest.approx(130e9)
    assert law.young_modulus(3.75, "amorphous") == pytest.approx(12e9)
    x = np.linspace(0, 3.75, 20)
    assert np.all(np.diff(law.young_modulus(x)) < 0)
    assert law.young_modulus(5.0) == pytest.approx(12e9)  # clipped at Li15Si4


def test_poisson_ratio_rises_with_li_and_stays_physical():
    nu = law.poisson_ratio(np.linspace(0, 3.75, 10))
    assert np.all(np.diff(nu) > 0) and nu[0] == pytest.approx(0.22) and nu[-1] == pytest.approx(0.28)
    assert np.all((nu > 0) & (nu < 0.5))


def test_flow_stress_branches_follow_sethuraman():
    # compression falls with Li content (1.75 -> 0.5 GPa); tension ~1 GPa; Li-rich tension > compression
    assert law.flow_stress_compression(0.0) == pytest.approx(1.75e9)
    assert np.all(np.diff(law.flow_stress_compression(np.linspace(0, 3.75, 10))) < 0)
    assert law.flow_stress_tension(2.0) == pytest.approx(1.0e9)
    assert law.flow_stress(3.75, mean_stress=+5e9) == pytest.approx(1.0e9, rel=1e-6)
    assert law.flow_stress(3.75, mean_stress=-5e9) == pytest.approx(0.5e9, rel=1e-6)
    s = law.flow_stress(3.75, mean_stress=np.linspace(-2e9, 2e9, 41))
    assert np.all(np.diff(s) >= 0)  # smooth, monotone blend between the branches


def test_flow_stress_slope_is_the_derivative():
    p = np.linspace(-6e8, 6e8, 13)
    h = 1e5
    fd = (law.flow_stress(2.0, p + h) - law.flow_stress(2.0, p - h)) / (2 * h)
    assert np.allclose(law.flow_stress_slope(2.0, p), fd, rtol=1e-5, atol=1e-12)


def test_pristine_crystalline_si_does_not_flow():
    assert np.isinf(law.flow_stress(0.0, host="crystalline"))
    assert np.isfinite(law.flow_stress(0.0, host="amorphous"))
    assert np.isfinite(law.flow_stress(3.75, host="crystalline"))


def test_fracture_energy_through_pharr_points_and_flat_outside():
    assert law.fracture_energy(0.7) == pytest.approx(8.5)
    assert law.fracture_energy(2.8) == pytest.approx(6.15)
    assert law.fracture_energy(0.0) == pytest.approx(8.5) and law.fracture_energy(3.75) == pytest.approx(6.15)
    assert law.fracture_energy(1.75) == pytest.approx((8.5 + 6.15) / 2)


@pytest.mark.parametrize("call,field", [
    (lambda: law.young_modulus(-1.0), "x"),
    (lambda: law.flow_stress(np.nan), "x"),
    (lambda: law.young_modulus(1.0, host="glassy"), "active.phase"),
])
def test_bad_input_names_the_field(call, field):
    with pytest.raises(InputError) as ei:
        call()
    assert ei.value.field == field


def test_plastic_sphere_uses_the_law_by_default():
    from sianode.mechanics.diffusion import galvanostatic_sphere
    from sianode.mechanics.plasticity import plastic_sphere

    a = 500e-9
    d = galvanostatic_sphere(a, 1e-16, 1.0, n_r=30)
    R = np.linspace(0, a, 31)
    xn = np.array([np.interp(R, d.r, d.x[i]) for i in np.linspace(0, len(d.t) - 1, 12).astype(int)])
    res = plastic_sphere(R, xn)
    # never above the law's flow stress at each point's composition and stress sign (Cauchy, Je ~ 1)
    cap = law.flow_stress(res.x, res.hydrostatic)
    assert np.all(res.von_mises <= cap * 1.05)
    assert res.von_mises.max() > 0.3e9  # and it does flow


def test_law_table_has_a_row_per_x():
    t = law.law_table()
    assert len(t) == 16 and {"E_amorphous_GPa", "flow_tension_GPa", "fracture_energy_J_m2"} <= set(t.columns)
