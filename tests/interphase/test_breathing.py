"""Breathing: fresh-surface fraction from the surface strain."""
import numpy as np
import pytest

from sianode.errors import InputError
from sianode.interphase import breathing, electrolytes


def test_zero_strain_no_fresh_surface():
    assert breathing.fresh_surface_fraction(0.0) == 0.0


def test_below_sei_fracture_strain_no_cracks():
    eps = np.sqrt(1.04) - 1  # area strain 4 % < 5 %
    assert breathing.fresh_surface_fraction(eps, 0.05) == 0.0


def test_geometry_of_fresh_area():
    eps = 0.5  # area x2.25
    assert breathing.fresh_surface_fraction(eps, 0.0) == pytest.approx(1 - 1 / 2.25)


def test_monotonic_in_strain_and_sei_toughness():
    e = np.linspace(0, 0.6, 50)
    f = breathing.fresh_surface_fraction(e, 0.05)
    assert np.all(np.diff(f) >= 0) and f[-1] > 0.5
    assert breathing.fresh_surface_fraction(0.3, 0.2) < breathing.fresh_surface_fraction(0.3, 0.05)


def test_solid_electrolyte_has_no_breathing_regrowth():
    w = float(electrolytes.get("solid").fresh_surface_wetting)
    assert breathing.fresh_surface_fraction(0.5, 0.05, w) == 0.0
    assert 0 < float(electrolytes.get("gel").fresh_surface_wetting) < float(electrolytes.get("fec").fresh_surface_wetting)


def test_bad_input():
    with pytest.raises(InputError):
        breathing.fresh_surface_fraction(-0.1)
    with pytest.raises(InputError):
        breathing.fresh_surface_fraction(0.1, 0.05, 1.5)
