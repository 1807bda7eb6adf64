"""EIS: circuit evaluation and fitting (impedance.py), KK validity, DRT, series fitting."""
from pathlib import Path

import numpy as np
import pytest

from sianode.analysis import eis
from sianode.errors import InputError

DATA = Path(__file__).parents[1] / "data" / "spectra"


def _example():
    from impedance.preprocessing import ignoreBelowX, readCSV

    f, Z = readCSV(str(DATA / "exampleData.csv"))
    return ignoreBelowX(f, Z)


@pytest.mark.parametrize("circuit,params", [
    ("R0-p(R1,CPE1)-p(R2,CPE2)-W1", [5, 54.2, 2e-5, 0.85, 32.5, 5e-3, 0.8, 10]),
    ("R0-p(R1,C1)-p(R2-Wo1,C2)", [0.0165, 0.0087, 3.32, 0.0054, 0.063, 233, 0.22]),
    ("L1-R0-p(R1,CPE1)-Ws1", [1e-7, 2.0, 10.0, 1e-4, 0.9, 5.0, 10.0]),
    ("R0-p(R1,CPE1)-G1", [1.0, 5.0, 1e-3, 0.7, 3.0, 0.1]),
])
def test_compiled_circuit_equals_impedance_py(circuit, params):
    f = np.logspace(5, -2, 40)
    Zfun, _ = eis.compile_circuit(circuit)
    np.testing.assert_allclose(Zfun(params, f), eis.simulate(circuit, params, f), rtol=1e-12)


def test_fit_recovers_synthetic_circuit_within_1_percent():
    f = np.logspace(5, -2, 50)
    names, _ = eis.parameter_names(eis.DEFAULT_CIRCUIT)
    truth = np.array([eis.SYNTHETIC_BASE[n] for n in names])
    rng = np.random.default_rng(1)
    Z = eis.simulate(eis.DEFAULT_CIRCUIT, truth, f)
    Z = Z + 1e-3 * np.abs(Z) * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))
    fit = eis.fit_circuit(f, Z)  # heuristic start, no hand-given guess
    np.testing.assert_allclose(fit.values, truth, rtol=0.01)
    # roles assigned by time constant: arc 1 (τ ≈ 5e-4 s) is the SEI arc
    assert fit.roles["R1"] == "R_SEI" and fit.roles["R2"] == "R_ct"
    # confidence intervals are finite, positive and cover the truth within 4σ
    assert np.all(fit.conf > 0)
    assert np.all(np.abs(fit.values - truth) < 4 * fit.conf)
    assert fit.rel_rmse < 3e-3


def test_fit_matches_impedance_py_example():
    """impedance.py's getting-started fit of its example data (docs, v1.7):
    R0=1.65e-2, R1=8.68e-3, C1=3.32, R2=5.39e-3, Wo1_0=6.31e-2, Wo1_1=2.33e2, C2=2.20e-1."""
    from impedance.models.circuits import CustomCircuit

    f, Z = _example()
    circuit = "R0-p(R1,C1)-p(R2-Wo1,C2)"
    guess = [.01, .01, 100, .01, .05, 100, 1]
    ref = CustomCircuit(circuit, initial_guess=guess).fit(f, Z)
    documented = [1.65e-2, 8.68e-3, 3.32, 5.39e-3, 6.31e-2, 2.33e2, 2.20e-1]
    np.testing.assert_allclose(ref.parameters_, documented, rtol=0.01)
    # our wrapper gives impedance.py's numbers and confidence
    ours = eis.fit_circuit(f, Z, circuit, guess)
    np.testing.assert_allclose(ours.values, ref.parameters_, rtol=1e-10)
    np.testing.assert_allclose(ours.conf, ref.conf_, rtol=1e-8)
    # the fast series fitter reaches the same optimum: well-determined parameters within
    # 0.1 %, and every parameter within its own 1σ confidence
    ser = eis.fit_series([f], [Z], circuit, guess)
    vals = ser[ours.names].to_numpy()[0]
    np.testing.assert_allclose(vals[[0, 1, 2, 3, 6]], ref.parameters_[[0, 1, 2, 3, 6]], rtol=1e-3)
    assert np.all(np.abs(vals - ref.parameters_) <= ref.conf_)


def test_default_fit_on_example_is_at_least_as_good_as_reference():
    f, Z = _example()
    circuit = "R0-p(R1,C1)-p(R2-Wo1,C2)"
    fit = eis.fit_circuit(f, Z, circuit)  # multi-start heuristic
    ref = eis.fit_circuit(f, Z, circuit, [.01, .01, 100, .01, .05, 100, 1])
    assert fit.rmse_ohm <= ref.rmse_ohm * 1.001


def test_kramers_kronig_passes_clean_and_flags_drift():
    f = np.logspace(4, -1, 40)
    p = [5, 20, 1e-4, 0.9, 30, 1e-2, 0.85, 8]
    Z = eis.simulate(eis.DEFAULT_CIRCUIT, p, f)
    ok = eis.kramers_kronig(f, Z)
    assert ok["valid"] and ok["max_residual_pct"] < 1.0
    # a drifting cell: real part grows along the (high→low f) measurement by 30 %
    drift = Z + np.linspace(0, 0.3, f.size) * Z.real.max()
    bad = eis.kramers_kronig(f, drift)
    assert not bad["valid"] and bad["max_residual_pct"] > 3 * ok["max_residual_pct"]


def test_drt_finds_two_time_constants():
    f = np.logspace(5, -2, 60)
    R1, C1, R2, C2 = 20.0, 1e-6, 30.0, 1e-2  # τ1 = 2e-5 s, τ2 = 0.3 s
    Z = eis.simulate("R0-p(R1,C1)-p(R2,C2)", [5, R1, C1, R2, C2], f)
    peaks = eis.drt_peaks(eis.drt(f, Z))
    taus = np.sort(peaks.tau_s.to_numpy())
    assert len(taus) >= 2
    assert np.any(np.abs(np.log10(taus / (R1 * C1))) < 0.3)
    assert np.any(np.abs(np.log10(taus / (R2 * C2))) < 0.3)


def test_series_fit_tracks_growing_sei():
    f, Zs, truth = eis.synthetic_series(12, noise_rel=1e-3)
    ser = eis.fit_series([f] * 12, Zs)
    np.testing.assert_allclose(ser.R_SEI_ohm, truth.R1, rtol=0.01)
    np.testing.assert_allclose(ser.R_ct_ohm, truth.R2, rtol=0.01)
    assert np.all(np.diff(ser.R_SEI_ohm) > 0)  # monotonic growth recovered
    base = eis.fit_series_loop([f] * 3, Zs[:3])
    np.testing.assert_allclose(ser.R1[:3], base.R1, rtol=1e-4)


def test_bad_inputs_raise_input_error():
    f = np.logspace(3, 0, 10)
    Z = 1 + 1j * np.ones(10)
    with pytest.raises(InputError):
        eis.fit_circuit(f[:3], Z[:3])
    with pytest.raises(InputError):
        eis.fit_circuit(f, Z[:-1])
    with pytest.raises(InputError):
        eis.fit_circuit(-f, Z)
    with pytest.raises(InputError):
        eis.compile_circuit("R0-p(R1,CPE1")
    with pytest.raises(InputError):
        eis.compile_circuit("R0-Q1")
    with pytest.raises(InputError):
        eis.fit_circuit(f, Z, "R0-p(R1,C1)", [1.0, 2.0])
