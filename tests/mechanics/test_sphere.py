"""Analytic limits of the linear-elastic sphere, hollow sphere and core–shell solutions."""
import numpy as np
import pytest

from sianode.errors import InputError
from sianode.mechanics.shells import core_shell_stress, interface_pressure
from sianode.mechanics.sphere import (elastic_sphere_stress, mori_tanaka_porous, porous_sphere_stress,
                                      quasi_steady_galvanostatic)

E, NU = 92e9, 0.22


@pytest.mark.parametrize("inner", [0.0, 0.3])
def test_no_gradient_no_stress(inner):
    r = np.linspace(inner, 1.0, 51)
    s = elastic_sphere_stress(r, np.full(51, 0.4), E, NU, inner_radius=inner)
    assert np.max(np.abs(s.radial)) < 1e-6 * E
    assert np.max(np.abs(s.hoop)) < 1e-6 * E


@pytest.mark.parametrize("inner", [0.0, 0.4])
def test_free_surfaces_and_equilibrium(inner):
    r = np.linspace(inner, 1.0, 2001)
    e = 0.05 * np.sin(3 * r) ** 2
    s = elastic_sphere_stress(r, e, E, NU, inner_radius=inner)
    assert abs(s.radial[-1]) < 1e-9 * E
    if inner > 0:
        assert abs(s.radial[0]) < 1e-9 * E
    # equilibrium d sigma_r/dr + 2 (sigma_r - sigma_t)/r = 0
    dsr = np.gradient(s.radial, r)
    res = dsr[5:-5] + 2 * (s.radial - s.hoop)[5:-5] / r[5:-5]
    assert np.max(np.abs(res)) < 1e-3 * np.max(np.abs(s.hoop)) / (r[1] - r[0]) * (r[1] - r[0]) * 10


def test_quasi_steady_closed_form_matches_integral():
    a, D, C = 1e-6, 1e-16, 0.5
    k_per_x = 0.1
    out = quasi_steady_galvanostatic(a, D, C, E, NU, strain_per_x=k_per_x)
    j = C * 3.75 * a / 3 / 3600
    r = np.linspace(0, a, 4001)
    e = k_per_x * j * a / D * (r ** 2 / (2 * a ** 2))
    s = elastic_sphere_stress(r, e, E, NU)
    assert s.hoop[-1] == pytest.approx(float(out["surface_hoop_Pa"]), rel=1e-4)
    assert s.radial[0] == pytest.approx(float(out["center_radial_Pa"]), rel=1e-4)
    assert float(out["surface_hoop_Pa"]) < 0  # compressive surface on lithiation


def test_quasi_steady_vectorised_and_plastic_cap():
    a = np.array([50e-9, 5e-6])
    out = quasi_steady_galvanostatic(a, 1e-16, 1.0, E, NU, strain_per_x=0.15, yield_stress=1e9)
    assert out["max_von_mises_Pa"].shape == (2,)
    assert not out["yields"][0] and out["yields"][1]
    assert out["max_von_mises_Pa"][1] == pytest.approx(1e9)


def test_thin_shell_limit():
    a, t = 1.0, 0.005
    p = 1e8
    # shell stress from core-shell solution equals p a / (2 t) for a thin shell
    r = np.linspace(0, a, 201)
    em = 0.01
    cs = core_shell_stress(r, np.full(201, em), t, E, NU, 30e9, 0.2)
    p = float(cs.interface_pressure)
    assert cs.shell.hoop[..., 0].item() == pytest.approx(p * a / (2 * t), rel=0.02)
    # uniform eigenstrain in the core: core stress is uniform hydrostatic -p
    assert np.allclose(cs.core.radial, -p, rtol=1e-6) and np.allclose(cs.core.hoop, -p, rtol=1e-6)


def test_interface_pressure_limits():
    em = 0.01
    soft = interface_pressure(em, 1.0, 0.1, E, NU, 1e3, 0.2)
    rigid = interface_pressure(em, 1.0, 0.1, E, NU, 1e20, 0.2)
    assert soft < 1e-3 * rigid
    assert rigid == pytest.approx(em * E / (1 - 2 * NU), rel=1e-6)


def test_porous_moduli_and_stress_drop():
    e0, nu0 = mori_tanaka_porous(E, NU, 0.0)
    assert e0 == pytest.approx(E) and nu0 == pytest.approx(NU)
    e3, _ = mori_tanaka_porous(E, NU, 0.3)
    assert 0.3 * E < e3 < 0.8 * E
    r = np.linspace(0, 1, 201)
    eps = 0.02 * r ** 2
    dense = porous_sphere_stress(r, eps, E, NU, 0.0)
    porous = porous_sphere_stress(r, eps, E, NU, 0.3)
    assert porous["homogenised"].von_mises.max() < dense["homogenised"].von_mises.max()


@pytest.mark.parametrize("kw,field", [({"young_modulus": -1.0}, "young_modulus"), ({"poisson_ratio": 0.6}, "nu")])
def test_bad_moduli(kw, field):
    args = dict(young_modulus=E, poisson_ratio=NU)
    args.update(kw)
    with pytest.raises(InputError) as ei:
        elastic_sphere_stress(np.linspace(0, 1, 5), np.zeros(5), **args)
    assert ei.value.field == field


def test_shell_thicker_than_core_is_rejected():
    with pytest.raises(InputError):
        interface_pressure(0.01, 1.0, -0.1, E, NU, 30e9, 0.2)
