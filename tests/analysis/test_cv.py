"""CV: b value and capacitive/diffusion split recover the inputs of synthetic voltammograms."""
import numpy as np
import pytest

from sianode.analysis import cv
from sianode.errors import InputError

RATES = np.array([0.2, 0.4, 0.6, 0.8, 1.0]) * 1e-3  # V/s, the 002 §3.3 range


def gauss(E0, w, h):
    return lambda E: h * np.exp(-0.5 * ((E - E0) / w) ** 2)


@pytest.mark.parametrize("b_true", [0.5, 0.64, 1.0])
def test_b_value_recovers_power_law(b_true):
    a = 2e-2
    shape = gauss(0.45, 0.05, 1.0)  # delithiation peak of a-LixSi near 0.45 V
    vs = {}
    for v in RATES:
        k = lambda E, v=v: a * v ** b_true * shape(E)
        vs[v] = cv.synthetic_voltammogram(v, lambda E, k=k, v=v: k(E) / v, lambda E: 0 * E)
    ip = [cv.peak_currents(vs[v])["anodic"]["current_A"] for v in RATES]
    res = cv.b_value(RATES, ip)
    assert res["b"] == pytest.approx(b_true, abs=1e-3)
    assert res["a"] == pytest.approx(a, rel=1e-2)
    assert res["r2"] > 0.9999


def test_b_value_from_peaks_with_noise_and_002_value():
    rng = np.random.default_rng(0)
    ip = 3e-3 * RATES**0.64 * (1 + 0.01 * rng.standard_normal(RATES.size))
    res = cv.b_value(RATES, ip)
    assert res["b"] == pytest.approx(0.64, abs=0.05)  # 002 §3.3 p-mSi@SiOx/C
    assert res["b_stderr"] < 0.05


def _split_set(noise=0.0, seed=0):
    rng = np.random.default_rng(seed)
    k1 = lambda E: 0.05 + 0.3 * np.exp(-0.5 * ((E - 0.3) / 0.1) ** 2)  # A s/V
    k2 = gauss(0.5, 0.06, 0.02)  # A s^½/V^½
    out = {}
    for v in RATES:
        d = cv.synthetic_voltammogram(v, k1, k2)
        d["current_A"] *= 1 + noise * rng.standard_normal(len(d))
        out[v] = d
    return out, k1, k2


def test_capacitive_split_recovers_k1_k2_and_fraction():
    vs, k1, k2 = _split_set()
    ktab, frac = cv.capacitive_split(vs)
    an = ktab[ktab.branch == "anodic"]
    np.testing.assert_allclose(an.k1_A_s_V, k1(an.potential_V), rtol=1e-3, atol=1e-6)
    np.testing.assert_allclose(an.k2_A_s05_V05, k2(an.potential_V), rtol=1e-3, atol=1e-6)
    # analytic capacitive share on the same grid, both branches identical by construction
    E = an.potential_V.to_numpy()
    for v, f in zip(frac.scan_rate_V_s, frac.capacitive_fraction):
        cap = np.trapezoid(k1(E) * v, E)
        tot = np.trapezoid(k1(E) * v + k2(E) * np.sqrt(v), E)
        assert f == pytest.approx(cap / tot, rel=1e-3)
    # share grows with scan rate (002 §3.3 trend)
    assert np.all(np.diff(frac.capacitive_fraction) > 0)


def test_capacitive_split_tolerates_noise():
    vs, k1, k2 = _split_set(noise=0.01, seed=3)
    _, frac = cv.capacitive_split(vs)
    vs0, *_ = _split_set()
    _, frac0 = cv.capacitive_split(vs0)
    np.testing.assert_allclose(frac.capacitive_fraction, frac0.capacitive_fraction, atol=0.02)


def test_cv_rate_sections_and_errors():
    vs, *_ = _split_set()
    secs, tables = cv.cv_rate_sections(vs)
    assert secs and "cv_b_value" in tables
    assert 0.5 < tables["cv_b_value"].b.iloc[0] < 1.0
    with pytest.raises(InputError):
        cv.b_value([1e-3], [1e-3])
    with pytest.raises(InputError):
        cv.b_value([1e-3, 2e-3], [1e-3])
    with pytest.raises(InputError):
        cv.capacitive_split({1e-3: vs[RATES[0]]})


def test_scan_rate_and_sweep_direction():
    d = cv.synthetic_voltammogram(5e-4, lambda E: 0 * E + 1.0, lambda E: 0 * E)
    assert cv.scan_rate(d) == pytest.approx(5e-4, rel=1e-6)
    s = cv.sweep_direction(d.potential_V.to_numpy())
    assert (s[: len(d) // 2 - 1] == 1).all() and (s[len(d) // 2 + 1:] == -1).all()
