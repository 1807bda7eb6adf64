"""Every cathode has its own published OCP; pure graphite has its own; the MSMR inverse is the law it inverts."""
from __future__ import annotations

import numpy as np
import pytest

from sianode.cathodes import CATHODES, CUTOFFS_V, NMC622_MSMR
from sianode.graphite import GRAPHITE_MSMR, graphite_ocv_V, lgm50_graphite_siox_ocv_V

S = np.linspace(0.0, 1.0, 201)


def test_every_cathode_has_its_own_curve():
    curves = {k: c.voltage_V(S) for k, c in CATHODES.items()}
    names = list(curves)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert np.max(np.abs(curves[a] - curves[b])) > 0.02, (a, b)
    srcs = [c.curve_source for c in CATHODES.values()]
    assert len(set(srcs)) == len(srcs) and not any("shape used" in s for s in srcs)


@pytest.mark.parametrize("name", list(CATHODES))
def test_cathode_curve_falls_over_the_discharge_and_spans_its_window(name):
    c = CATHODES[name]
    u = c.voltage_V(S)
    assert np.all(np.isfinite(u)) and np.all(np.diff(u) <= 1e-9)
    if name in CUTOFFS_V:  # the window is where the OCP crosses the capacity data's cut-offs
        hi, lo = CUTOFFS_V[name]
        assert u[0] == pytest.approx(hi, abs=2e-3) and u[-1] == pytest.approx(lo, abs=2e-3)


@pytest.mark.parametrize("name, lo, hi", [
    # mean discharge potential vs Li/Li+ (e.g. Schmuch et al., Nat. Energy 3 (2018) 267: LFP ~3.4 V, layered
    # oxides ~3.7-3.9 V, LiMn2O4 ~4.0 V, LiCoO2 ~3.9 V)
    ("LFP", 3.3, 3.45), ("LMO", 3.95, 4.1), ("LCO", 3.85, 4.0), ("NCM811", 3.7, 3.9), ("NCM622", 3.7, 3.9),
    ("NCM523", 3.7, 3.9), ("NCA", 3.7, 3.9)])
def test_mean_cathode_voltages_in_published_ranges(name, lo, hi):
    assert lo <= CATHODES[name].average_voltage_V() <= hi


def test_msmr_inverse_reproduces_the_site_law():
    for e in (GRAPHITE_MSMR, NMC622_MSMR):
        x = np.linspace(0.02, 0.97, 50)
        assert np.allclose(e.x_of_U(e.U_of_x(x)), x, atol=2e-4)
    assert sum(GRAPHITE_MSMR.X) == pytest.approx(1.0, abs=1e-4)


def test_pure_graphite_ocp_has_its_stages_and_sits_below_the_siox_blend_fit():
    s = np.linspace(0.05, 0.95, 181)
    u = graphite_ocv_V(s)
    assert np.all(np.diff(u) <= 1e-12)
    # LiC6 staging plateaus sit near 0.21, 0.12 and 0.09 V; a graphite half cell averages ~0.1-0.15 V on delithiation
    assert 0.09 < float(np.mean(u)) < 0.16
    assert float(graphite_ocv_V(0.9)) < 0.1 < float(graphite_ocv_V(0.2)) < 0.25
    # the LG M50 graphite-SiOx fit is higher (SiOx delithiates at ~0.4 V): it is kept for that electrode only
    assert float(np.mean(lgm50_graphite_siox_ocv_V(s))) > float(np.mean(u)) + 0.03
