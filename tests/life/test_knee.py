"""Knee detection (Bacon-Watts two-line model, accepted only when the fade accelerates).

The prefix-sum fit of :func:`sianode.life.knee.knee_point` is checked against the plain per-candidate
``numpy.linalg.lstsq`` algorithm it replaced (:func:`_reference_knee`, kept here verbatim): identical knee cycles
on synthetic curves (clear knees, noisy, no knee, smooth), on the fade model's own trajectories of the bundled
examples, and with irregular cycle numbers and chunked designs. Near-ties: see
:func:`test_near_tie_of_mirror_candidates`.
"""
import numpy as np
import pytest

from sianode.errors import InputError
from sianode.life import knee
from sianode.life.knee import knee_point


def _reference_knee(capacity, cycles=None, min_points: int = 5, steepening: float = 1.5, return_sse=False):
    """The previous implementation: one ``lstsq`` per candidate breakpoint, strict ``<`` (first candidate wins)."""
    y = np.asarray(capacity, float)
    one = y.ndim == 1
    if one:
        y = y[:, None]
    n_c = y.shape[0]
    if n_c < 2 * min_points + 1:
        return np.full(1 if one else y.shape[1], np.nan) if not one else np.nan
    x = np.arange(1, n_c + 1, dtype=float) if cycles is None else np.asarray(cycles, float)
    cand = np.arange(min_points, n_c - min_points)
    best_sse = np.full(y.shape[1], np.inf)
    best_k = np.full(y.shape[1], np.nan)
    best_b = np.zeros((2, y.shape[1]))
    all_sse = []
    for i in cand:
        xk = x[i]
        X = np.column_stack([np.ones(n_c), np.minimum(x - xk, 0.0), np.maximum(x - xk, 0.0)])
        coef, *_ = np.linalg.lstsq(X, y, rcond=None)
        sse = ((X @ coef - y) ** 2).sum(axis=0)
        all_sse.append(sse)
        better = sse < best_sse
        best_sse = np.where(better, sse, best_sse)
        best_k = np.where(better, xk, best_k)
        best_b = np.where(better, coef[1:], best_b)
    b1, b2 = best_b
    accel = (b2 < 0) & (b2 < steepening * np.minimum(b1, 0.0)) & (b2 < b1)
    res = np.where(accel, best_k, np.nan)
    if return_sse:
        return res, x[cand], np.array(all_sse)
    return float(res[0]) if one else res


def _assert_same(y, **kw):
    """Identical knees, except on constant curves: the reference's knee there comes from round-off slopes."""
    got, want = knee_point(y, **kw), _reference_knee(y, **kw)
    if np.ndim(y) == 2 and y.shape[0] >= 11:
        flat = np.ptp(y, axis=0) == 0
        assert np.isnan(got[flat]).all()
        got, want = got[~flat], want[~flat]
    np.testing.assert_array_equal(got, want)  # NaN == NaN here; knee cycles exactly equal
    return got


def test_knee_of_piecewise_linear_fade():
    n = np.arange(1, 301)
    y = np.where(n < 180, 1 - 2e-4 * n, 1 - 2e-4 * 180 - 3e-3 * (n - 180))
    assert knee_point(y) == pytest.approx(180, abs=1)
    assert np.isnan(knee_point(1 - 2e-4 * n))  # no acceleration, no knee
    assert np.isnan(knee_point(1 - 0.02 * np.sqrt(n)))  # decelerating fade, no knee
    both = knee_point(np.column_stack([y, 1 - 2e-4 * n]))
    assert both[0] == pytest.approx(180, abs=1) and np.isnan(both[1])


def _synthetic(rng, n_cycles=500, count=240):
    n = np.arange(1, n_cycles + 1.0)
    cols = []
    for j in range(count):
        kind = j % 6
        if kind in (0, 1):  # clear knee at a cycle, exact or with a little noise
            k = rng.integers(12, n_cycles - 12)
            s1 = -rng.uniform(1e-5, 1e-3)
            y = 1 + s1 * np.minimum(n - k, 0) + s1 * rng.uniform(0.5, 20) * np.maximum(n - k, 0)
            y = y + rng.normal(0, 1e-6 * kind, n.size)
        elif kind == 2:  # noisy knee
            k = rng.uniform(12, n_cycles - 12)
            s1 = -rng.uniform(1e-5, 1e-3)
            y = 1 + s1 * np.minimum(n - k, 0) + s1 * rng.uniform(1.0, 20) * np.maximum(n - k, 0)
            y = y + rng.normal(0, rng.choice([1e-5, 1e-4, 1e-3, 1e-2]), n.size)
        elif kind == 3:  # linear (no knee), with or without noise
            y = 1 - rng.uniform(1e-5, 1e-3) * n + rng.normal(0, rng.choice([0, 1e-5, 1e-3]), n.size)
        elif kind == 4:  # smooth: linear + late exponential roll-over
            y = 1 - rng.uniform(1e-5, 1e-3) * n - rng.uniform(0, 0.3) * np.exp(
                (n - rng.uniform(0.2, 1.8) * n_cycles) / rng.uniform(0.04, 0.4) / n_cycles)
        else:  # power law: decelerating (< 1) or accelerating (> 1)
            p = rng.uniform(0.3, 3.0)
            y = 1 - rng.uniform(0.001, 0.3) * (n / n_cycles) ** p
        cols.append(y)
    return np.column_stack(cols)


def test_prefix_sum_fit_equals_lstsq_on_synthetic_curves():
    rng = np.random.default_rng(18)
    y = _synthetic(rng)
    got = _assert_same(y)
    assert 0.3 < np.isnan(got).mean() < 0.7  # both outcomes are exercised
    for col in range(0, y.shape[1], 37):  # 1-D input gives the same float
        assert knee_point(y[:, col]) == pytest.approx(got[col], nan_ok=True)
    short = _synthetic(rng, n_cycles=40, count=60)
    _assert_same(short)
    _assert_same(short, min_points=3, steepening=1.2)
    _assert_same(short[:11])  # one candidate only


def test_irregular_cycles_and_chunks(monkeypatch):
    rng = np.random.default_rng(3)
    y = _synthetic(rng, n_cycles=200, count=60)
    cycles = np.cumsum(rng.uniform(0.5, 3.0, 200)) + 7.0
    _assert_same(y, cycles=cycles)
    want = knee_point(y)
    monkeypatch.setattr(knee, "CHUNK_ELEMENTS", 1000)  # 1-2 designs per chunk
    np.testing.assert_array_equal(knee_point(y), want)


def _model_trajectories(cycles):
    from sianode.chain import upstream_for
    from sianode.design.loader import example_names, load_example
    from sianode.life import fade, stage, uncertainty

    inputs = []
    for name in example_names():
        d = load_example(name)
        up = upstream_for(d, "life")
        for opts in ({}, {"soc_max": 0.7}, {"temperature_C": 45.0}, {"c_rate": 1.0}, {"ec_ratio_g_Ah": 3.0}):
            inputs.append(stage.inputs_from_design(d, up, **opts)[0])
    traj = fade.simulate(uncertainty.stack_inputs(inputs), cycles, record=("retention", "capacity_mAh_g"))
    return traj


def test_prefix_sum_fit_equals_lstsq_on_model_trajectories():
    """Fade-model trajectories of every bundled example (and what-ifs of each) over their first m cycles."""
    traj = _model_trajectories(1500)
    knees = 0
    for key in ("retention", "capacity_mAh_g"):
        y = traj[key]
        assert np.all(np.isfinite(y))
        for m in (11, 30, 60, 150, 500, 1000, 1500):
            knees += np.isfinite(_assert_same(y[:m])).sum()
    assert knees >= 40  # accelerating fades among them


def test_near_tie_of_mirror_candidates():
    """Exact ties of two candidates are decided by round-off, differently by the two algorithms.

    A curve that is a straight line plus a mirror-symmetric part, y(n) = line(n) + g(n) with g(n) = g(N + 1 - n),
    has equal SSEs at the mirror breakpoints k and N + 1 - k (every candidate's model contains the lines). Two
    cases: (1) a two-line curve kinked half-way through the cycles (N + 1)/2, which is a line plus c |n - (N+1)/2|:
    the tie is between the two cycles beside the kink; (2) a curve dropping symmetrically at both ends: the tie is
    between a breakpoint near the start and its mirror near the end. When such a pair is the best fit (both
    accelerating), the lstsq reference and the prefix-sum fit each pick one member of the pair, not always the same
    one (here they differ for some curves). Fade curves have no such symmetry: the other tests find identical knees.
    """
    n = np.arange(1, 501.0)
    picks = []
    rng = np.random.default_rng(7)
    for _ in range(20):
        s1 = -rng.uniform(1e-5, 1e-3)
        y = 1 + s1 * np.minimum(n - 250.5, 0) + s1 * rng.uniform(2.0, 20) * np.maximum(n - 250.5, 0)
        got = knee_point(y)
        want, xs, sse = _reference_knee(y, return_sse=True)
        assert {got, float(want[0])} <= {250.0, 251.0}
        i = np.searchsorted(xs, 250.0)
        assert sse[i, 0] == pytest.approx(sse[i + 1, 0], rel=1e-9)  # a tie of the exact fits
        picks.append(got == want[0])
    for w in (10, 30, 60, 100):
        for p in (1, 2, 4):
            y = -(np.maximum(w + 0.5 - n, 0) ** p) - np.maximum(n - (500.5 - w), 0) ** p
            got = knee_point(y)
            want, xs, sse = _reference_knee(y, return_sse=True)
            want = float(want[0])
            assert got in (want, 501.0 - want)
            i, j = np.searchsorted(xs, [want, 501.0 - want])
            assert sse[i, 0] == pytest.approx(sse[j, 0], rel=1e-9)  # a tie of the exact fits
            picks.append(got == want)
    assert not all(picks)  # round-off orders some ties differently (documented in knee_point)


def test_invalid_inputs_are_named():
    y = 1 - 1e-3 * np.arange(1, 51.0)
    with pytest.raises(InputError, match="lengths differ"):
        knee_point(y, cycles=np.arange(10))
    with pytest.raises(InputError, match="strictly increasing"):
        knee_point(y, cycles=np.r_[np.arange(1, 26), np.arange(1, 26)])
    with pytest.raises(InputError, match="NaN"):
        knee_point(np.r_[y[:-1], np.nan])
    assert np.isnan(knee_point(y[:10]))
    assert np.isnan(knee_point(np.ones((10, 3)))).all()


def test_constant_curve_has_no_knee():
    """No fade, no knee (lstsq's round-off slopes ~1e-17 made the reference accept one for some constants)."""
    flat = np.ones((11, 1)) * np.array([1.0, 0.1, 0.7, 1234.5])
    assert np.isnan(knee_point(flat)).all()
    assert np.isnan(knee_point(np.full(500, 0.3)))
    assert np.isfinite(_reference_knee(np.ones(11)))  # the artefact the constant rule removes
