"""Tests of the LixSi and graphite voltage models (sianode.materials.voltage)."""
import numpy as np
import pytest

from sianode.errors import InputError
from sianode.materials import voltage as V

X = np.linspace(0.0, 3.75, 301)


def test_branches_monotonic_decreasing_in_x():
    for f in (V.ocv_lithiation_V, V.ocv_delithiation_V, V.ocv_first_lithiation_crystalline_V,
              V.ocv_delithiation_crystallized_V):
        assert np.all(np.diff(f(X)) <= 1e-12)


def test_hysteresis_positive_and_of_published_size():
    h = V.hysteresis_V(X[5:-5])
    assert np.all(h > 0)
    # gap delith - lith at mid lithiation ~0.2-0.3 V (Sethuraman et al. JES 2013)
    gap = 2 * V.hysteresis_V(1.875)
    assert 0.15 < gap < 0.35
    np.testing.assert_allclose(V.ocv_mean_V(X), (V.ocv_lithiation_V(X) + V.ocv_delithiation_V(X)) / 2)


def test_average_voltages():
    # a-Si delithiation ~0.4 V (seeds/004 Table 1 "0.4 V"), lithiation lower
    assert 0.35 < V.average_voltage_V("delithiation") < 0.45
    assert V.average_voltage_V("lithiation") < V.average_voltage_V("delithiation") - 0.1


def test_csi_plateau_below_asi():
    # seeds/000 §2: c-Si lithiates about 0.2 V below a-Si; flat two-phase plateau
    x = np.linspace(0.2, 2.5, 50)
    u_c = V.ocv_first_lithiation_crystalline_V(x)
    assert np.ptp(u_c) < 1e-9
    diff_onset = V.ocv_lithiation_V(0.2) - V.ocv_first_lithiation_crystalline_V(0.2)
    assert 0.1 < diff_onset < 0.3
    # the plateau ends where a-Si falls below it: composition of a-LixSi behind the front x ~3
    assert 2.5 < V.x_at_voltage(V.U_CSI_PLATEAU.value) < 3.6


def test_li15si4_delithiation_plateau():
    u = V.ocv_delithiation_crystallized_V(np.linspace(2.0, 3.7, 20))
    assert np.all((u >= 0.43) & (u <= 0.45))
    assert V.average_voltage_V("delithiation_crystallized") > V.average_voltage_V("delithiation")


def test_li15si4_fraction_threshold():
    assert V.li15si4_fraction(0.005) == 1.0
    assert V.li15si4_fraction(0.1) == 0.0
    assert 0 < V.li15si4_fraction(0.06) < 1


def test_inverse_branch():
    x = np.array([0.5, 1.5, 3.0])
    np.testing.assert_allclose(V.x_at_voltage(V.ocv_lithiation_V(x)), x, atol=2e-3)
    np.testing.assert_allclose(V.x_at_voltage(V.ocv_delithiation_V(x), "delithiation"), x, atol=2e-3)


def test_graphite_capacity_and_ocv():
    assert V.GRAPHITE_CAPACITY_MAH_G == pytest.approx(372, abs=0.5)
    s = np.linspace(0.05, 1, 100)
    u = V.graphite_ocv_V(s)
    assert np.all(np.diff(u) < 0.005)  # essentially decreasing with stoichiometry
    assert 0.05 < V.graphite_ocv_V(0.5) < 0.2  # staging plateaus near 0.1 V


def test_hysteresis_path_reversal():
    p = V.HysteresisPath(0.0)
    for x in np.linspace(0, 2.0, 21)[1:]:
        u = p.step(x)
    assert u == pytest.approx(V.ocv_lithiation_V(2.0))
    u_rev = p.step(1.99)  # just after reversal: still near the lithiation branch
    assert u_rev < V.ocv_delithiation_V(1.99) - 0.1
    for x in np.linspace(1.99, 0.5, 40):
        u = p.step(x)
    assert u == pytest.approx(V.ocv_delithiation_V(0.5), abs=0.01)  # back on the major branch


@pytest.mark.parametrize("bad", [-0.1, 3.8, np.nan])
def test_bad_x(bad):
    with pytest.raises(InputError) as e:
        V.ocv_lithiation_V(bad)
    assert e.value.field == "x"


def test_bad_inputs():
    with pytest.raises(InputError):
        V.graphite_ocv_V(1.2)
    with pytest.raises(InputError):
        V.average_voltage_V("sideways")
    with pytest.raises(InputError):
        V.HysteresisPath(dx_transition=-1)
