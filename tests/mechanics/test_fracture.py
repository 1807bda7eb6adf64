"""Two-phase lithiation fracture: weight function, stress reversal, critical sizes, stack pressure."""
import numpy as np
import pytest

from sianode.errors import InputError
from sianode.mechanics.fracture import (FRACTURE_ENERGY_RANGE, OBSERVED_CRITICAL_DIAMETER_NM, critical_diameter,
                                        edge_crack_K, front_stress, rigid_plastic_shell_hoop, uniform_tension_estimate)


def test_edge_crack_constant_stress():
    c, s = 1e-6, 1e8
    assert edge_crack_K(c, lambda x: np.full_like(x, s)) == pytest.approx(1.1215 * s * np.sqrt(np.pi * c), rel=0.01)


def test_surface_hoop_reverses_to_tension():
    fs = front_stress("crystalline")
    assert fs.surface_hoop[1] < 0  # compression when the front has just started
    assert fs.surface_hoop[-1] > 0.5e9  # tension of order the yield stress late in lithiation
    # rigid-plastic closed form bounds the surface hoop stress by the yield stress
    assert rigid_plastic_shell_hoop(1.0, 1.0, 1e9) == pytest.approx(1e9)


def test_crystalline_critical_size_consistent_with_150_nm_within_fracture_energy_band():
    c = critical_diameter("crystalline")
    assert OBSERVED_CRITICAL_DIAMETER_NM["crystalline"][0] == 150.0
    # the LixSi law (Gamma 6.15 J/m2 at the Li3.75Si shell, tensile flow 1 GPa, E 12 GPa), no fitting.
    # Known gap (docs/mechanics.md §4): the central value is above the +30 % band of the observation, but the
    # observation lies inside the range spanned by Pharr et al.'s fracture-energy uncertainty.
    d = c.critical_diameter_m * 1e9
    assert 150.0 < d < 400.0
    lo, hi = (critical_diameter("crystalline", fracture_energy=g).critical_diameter_m * 1e9 for g in FRACTURE_ENERGY_RANGE)
    assert lo < OBSERVED_CRITICAL_DIAMETER_NM["crystalline"][0] < hi


def test_amorphous_critical_size_several_times_larger_and_intact_at_870_nm():
    a = critical_diameter("amorphous").critical_diameter_m * 1e9
    c = critical_diameter("crystalline").critical_diameter_m * 1e9
    assert a >= 3.0 * c  # "several times larger" (seeds/004 §4.2)
    # McDowell et al. 2013: no fracture up to 870 nm; the law's Li2.5Si shell (Gamma 6.49 J/m2 interpolated
    # in x between Pharr's two compositions, E 38.7 GPa, nu 0.26) predicts intact particles up to >= 870 nm
    assert a >= OBSERVED_CRITICAL_DIAMETER_NM["amorphous"][0]
    lo, hi = (critical_diameter("amorphous", fracture_energy=g).critical_diameter_m * 1e9 for g in FRACTURE_ENERGY_RANGE)
    assert lo < OBSERVED_CRITICAL_DIAMETER_NM["amorphous"][0] < hi


def test_fracture_energy_is_pharr_law_at_the_shell_composition():
    from sianode.mechanics.lisi_law import fracture_energy
    from sianode.mechanics.properties import LISI
    # midpoint of the ~Li2.8Si bounds 5.4 and 6.9 J/m2 (Pharr, Suo & Vlassak 2013)
    assert LISI["fracture_energy"].value == pytest.approx((5.4 + 6.9) / 2)
    assert "Pharr" in LISI["fracture_energy"].source
    assert critical_diameter("crystalline").fracture_energy == pytest.approx(fracture_energy(3.75))
    assert critical_diameter("amorphous").fracture_energy == pytest.approx(fracture_energy(2.5))


@pytest.mark.parametrize("phase", ["crystalline", "amorphous"])
def test_uniform_tension_estimate_bounds_weight_function_result(phase):
    # sigma_Y on the whole tension layer over-estimates G: the scaling estimate (channel crack Z = 1.976)
    # is a lower bound on D_c, and the hoop profile costs at most a factor ~4
    d = critical_diameter(phase).critical_diameter_m
    est = uniform_tension_estimate(phase)
    assert est < d < 4 * est


def test_stack_pressure_raises_critical_size():
    for phase in ("crystalline", "amorphous"):
        d = [critical_diameter(phase, pressure=p).critical_diameter_m for p in (0.0, 50e6, 100e6, 200e6)]
        assert all(np.diff(d) > 0)


def test_toughness_scaling():
    # G scales with size, so the critical size is proportional to the fracture energy
    c1 = critical_diameter("crystalline", fracture_energy=5.0).critical_diameter_m
    c2 = critical_diameter("crystalline", fracture_energy=10.0).critical_diameter_m
    assert c2 == pytest.approx(2 * c1, rel=1e-9)


@pytest.mark.parametrize("kw,field", [({"phase": "glassy"}, "active.phase"), ({"pressure": -1.0}, "stack_pressure"),
                                      ({"fracture_energy": -1.0}, "fracture_energy")])
def test_bad_input(kw, field):
    args = {"phase": "crystalline"}
    args.update(kw)
    with pytest.raises(InputError) as ei:
        critical_diameter(**args)
    assert ei.value.field == field
