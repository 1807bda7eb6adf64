"""XRD: Scherrer against hand calculation, peak fits, operando peak tracking."""
import numpy as np
import pandas as pd
import pytest

from sianode.analysis import xrd
from sianode.errors import InputError


def test_scherrer_matches_hand_calculation():
    # Si(111), Cu Kα1, FWHM 0.2°, K = 0.9, no instrument broadening:
    # θ = 14.22°, cos θ = 0.969360, β = 0.2·π/180 = 3.490659e-3 rad
    # L = 0.9 × 1.540598e-10 / (3.490659e-3 × 0.969360) = 4.0977e-8 m
    L = xrd.scherrer_size(0.2, 28.44)
    assert L == pytest.approx(0.9 * 1.540598e-10 / (3.490659e-3 * 0.969360), rel=1e-5)
    assert L == pytest.approx(40.98e-9, rel=1e-3)


def test_instrument_broadening_corrections():
    B, b = 0.3, 0.1
    Lg = xrd.scherrer_size(B, 47.3, instrument_fwhm_deg=b)
    assert Lg == pytest.approx(xrd.scherrer_size(np.sqrt(B**2 - b**2), 47.3))
    Ll = xrd.scherrer_size(B, 47.3, instrument_fwhm_deg=b, profile="lorentzian")
    assert Ll == pytest.approx(xrd.scherrer_size(B - b, 47.3))
    assert Ll > Lg > xrd.scherrer_size(B, 47.3)
    with pytest.raises(InputError):
        xrd.scherrer_size(0.1, 28.4, instrument_fwhm_deg=0.1)  # instrument-limited
    with pytest.raises(InputError):
        xrd.scherrer_size(0.1, 190)


def test_seed_001_grain_sizes_map_to_physical_widths():
    """001 §2.2: Si grains 40 nm → 0.87 nm. Round trip size → FWHM → size, and the widths
    span 0.2° to ~10° at Si(111), the latter outside Scherrer's validity range."""
    tt = xrd.bragg_two_theta((1, 1, 1))
    assert tt == pytest.approx(28.44, abs=0.02)  # Si(111) with Cu Kα1
    for size in (40e-9, 3.8e-9, 0.87e-9):
        w = xrd.fwhm_for_size(size, tt, instrument_fwhm_deg=0.05)
        assert xrd.scherrer_size(w, tt, instrument_fwhm_deg=0.05) == pytest.approx(size, rel=1e-10)
    assert xrd.fwhm_for_size(0.87e-9, tt) > 9.0
    assert not (xrd.SCHERRER_RANGE_M[0] <= 0.87e-9)


def _pattern(size_m, instr=0.08, noise=0.0, seed=0, shift=0.0, height=1000.0):
    x = np.arange(20, 60, 0.01)
    y = 50 + 0.5 * (x - 20)
    for hkl, rel in (((1, 1, 1), 1.0), ((2, 2, 0), 0.6), ((3, 1, 1), 0.35)):
        c = xrd.bragg_two_theta(hkl) + shift
        w = xrd.fwhm_for_size(size_m, c, instrument_fwhm_deg=instr)
        y = y + xrd.pseudo_voigt(x, c, w, height * rel, 0.0)
    if noise:
        y = y + noise * np.random.default_rng(seed).standard_normal(x.size)
    return pd.DataFrame({"two_theta_deg": x, "intensity": y})


def test_fit_recovers_size_from_synthetic_pattern():
    df = _pattern(25e-9, instr=0.08, noise=5.0)
    peaks = xrd.analyze_scan(df, instrument_fwhm_deg=0.08, max_peaks=3)
    assert len(peaks) == 3
    np.testing.assert_allclose(peaks.size_m, 25e-9, rtol=0.05)
    np.testing.assert_allclose(peaks.center_deg, [xrd.bragg_two_theta(h) for h in
                                                  ((1, 1, 1), (2, 2, 0), (3, 1, 1))], atol=0.01)
    assert peaks.in_scherrer_range.all()


def test_track_peaks_through_operando_amorphisation():
    """c-Si peaks shrink to nothing (amorphisation on lithiation, 003 §3.1) and shift."""
    scans = [_pattern(30e-9, height=h, shift=s, noise=2.0, seed=k)
             for k, (h, s) in enumerate([(1000, 0), (600, -0.02), (200, -0.04), (0, 0)])]
    tr = xrd.track_peaks(scans, [28.44, 47.30], instrument_fwhm_deg=0.08, labels=[0, 1, 2, 3])
    p111 = tr[tr.peak == "28.44"].set_index("scan")
    assert list(p111.present) == [True, True, True, False]
    assert p111.height[0] > p111.height[1] > p111.height[2]
    assert p111.center_deg[2] == pytest.approx(xrd.bragg_two_theta((1, 1, 1)) - 0.04, abs=0.01)
    np.testing.assert_allclose(p111.size_m[:2], 30e-9, rtol=0.1)
