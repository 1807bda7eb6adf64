"""Knee detection (Bacon-Watts two-line model, accepted only when the fade accelerates)."""
import numpy as np
import pytest

from sianode.life.knee import knee_point


def test_knee_of_piecewise_linear_fade():
    n = np.arange(1, 301)
    y = np.where(n < 180, 1 - 2e-4 * n, 1 - 2e-4 * 180 - 3e-3 * (n - 180))
    assert knee_point(y) == pytest.approx(180, abs=1)
    assert np.isnan(knee_point(1 - 2e-4 * n))  # no acceleration, no knee
    assert np.isnan(knee_point(1 - 0.02 * np.sqrt(n)))  # decelerating fade, no knee
    both = knee_point(np.column_stack([y, 1 - 2e-4 * n]))
    assert both[0] == pytest.approx(180, abs=1) and np.isnan(both[1])
