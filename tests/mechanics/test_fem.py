"""scikit-fem axisymmetric particle: analytic check, mesh convergence, seeds/002 comparison, bad geometry."""
import numpy as np
import pytest

from sianode.errors import InputError
from sianode.mechanics.fem import (PAPER_002_AVERAGE_GPA, ParticleFEM, ParticleGeometry, Pore, compare_paper_002,
                                   paper_002_configurations)
from sianode.mechanics.properties import LISI
from sianode.mechanics.sphere import elastic_sphere_stress

R = 2.5e-6


def _sphere_error(h):
    m = ParticleFEM(ParticleGeometry(R), h=h)
    res = m.solve(0.0, eigenstrain=lambda r, z: 0.05 * (np.hypot(r, z) / R) ** 2)
    rr = np.linspace(0, R, 4001)
    an = elastic_sphere_stress(rr, 0.05 * (rr / R) ** 2, LISI["E_host_crystalline"].value, LISI["nu_Si"].value)
    rho = np.hypot(res.r, res.z)
    w = res.weight
    vm_an = np.interp(rho, rr, an.von_mises)
    rad_an = np.interp(rho, rr, an.radial)
    e_vm = np.sqrt(np.sum((res.von_mises - vm_an) ** 2 * w) / np.sum(vm_an ** 2 * w))
    e_rad = np.sqrt(np.sum((res.radial_sph - rad_an) ** 2 * w) / np.sum(rad_an ** 2 * w))
    return e_vm, e_rad, res


def test_fem_matches_analytic_solid_sphere_within_2_percent():
    e_vm, e_rad, res = _sphere_error(R / 8)
    assert e_vm < 0.02 and e_rad < 0.02
    # outward expansion equals the mean eigenstrain of a free sphere: (1 + 3/5 * 0.05)^3 - 1
    assert res.outward_volume_expansion == pytest.approx((1 + 0.03) ** 3 - 1, rel=0.01)


def test_fem_converges_at_second_order():
    e1 = _sphere_error(R / 6)[0]
    e2 = _sphere_error(R / 12)[0]
    assert e2 < e1 / 3  # O(h^2) would give /4


def test_uniform_lithiation_of_uncoated_particle_is_stress_free():
    m = ParticleFEM(ParticleGeometry(R), h=R / 8)
    res = m.solve(0.0, eigenstrain=lambda r, z: np.full_like(r, 0.3))
    assert res.max_von_mises < 1e-6 * LISI["E_host_crystalline"].value


def test_paper_002_mesh_convergence_moderate():
    geom = paper_002_configurations()["IV porous Si, inner+outer SiOx/C"]
    coarse = ParticleFEM(geom, h=2.7e-6 / 15).solve(0.5)
    fine = ParticleFEM(geom, h=2.7e-6 / 30).solve(0.5)
    assert fine.n_dof > 2 * coarse.n_dof
    assert fine.volume_average == pytest.approx(coarse.volume_average, rel=0.05)
    assert fine.surface == pytest.approx(coarse.surface, rel=0.08)


@pytest.fixture(scope="module")
def table002():
    return compare_paper_002(h=2.7e-6 / 15, states=(0.25, 0.5, 0.75)).set_index("configuration")


def test_paper_002_dense_particles_match_magnitude(table002):
    # linear elasticity with the Li3.75Si eigenstrain gives the tens-of-GPa stresses seeds/002 reports
    pure = table002.loc["I pure Si"]
    assert pure.volume_average_GPa == pytest.approx(PAPER_002_AVERAGE_GPA["I pure Si"], rel=0.3)
    assert pure.surface_GPa == pytest.approx(47.15, rel=0.3)  # paper A1 at full lithiation
    # the carbon shell lowers the average stress, as in the paper (II < I)
    assert table002.loc["II carbon-coated Si"].volume_average_GPa < pure.volume_average_GPa


def test_paper_002_porous_particles_expand_less(table002):
    # what our physics does give for pores: less outward expansion; average stress at equal state of
    # lithiation is NOT lower (see docs/mechanics.md for why we differ from seeds/002 here)
    geoms = paper_002_configurations()
    dense = ParticleFEM(geoms["II carbon-coated Si"], h=2.7e-6 / 12).solve(0.75)
    porous = ParticleFEM(geoms["III porous Si, outer SiOx/C"], h=2.7e-6 / 12).solve(0.75)
    assert porous.outward_volume_expansion < dense.outward_volume_expansion
    for name in ("III porous Si, outer SiOx/C", "IV porous Si, inner+outer SiOx/C"):
        assert np.isfinite(table002.loc[name].pore_edge_GPa)


@pytest.mark.parametrize("geom,field", [
    (ParticleGeometry(R, pores=[Pore(0.0, 0.0, 3e-6)]), "geometry.pores[0].radius"),
    (ParticleGeometry(R, coating_thickness=3e-6), "geometry.coating_thickness"),
    (ParticleGeometry(R, pores=[Pore(0.0, 1e-6, 0.3e-6), Pore(0.0, 1.2e-6, 0.3e-6)]), "geometry.pores[1]"),
    (ParticleGeometry(-1.0), "geometry.si_radius"),
    (ParticleGeometry(R, pores=[Pore(0.0, 0.0, 0.2e-6, 0.3e-6)]), "geometry.pores[0].coating_thickness"),
])
def test_non_physical_geometry_names_field(geom, field):
    with pytest.raises(InputError) as ei:
        ParticleFEM(geom)
    assert ei.value.field == field
