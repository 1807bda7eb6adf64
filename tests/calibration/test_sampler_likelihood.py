"""Sampler and likelihood against analytic results."""
import numpy as np
import pytest

from sianode.calibration import likelihood as L
from sianode.calibration.sampler import smc


def test_smc_recovers_gaussian_posteriors_of_several_problems_at_once():
    mu = np.array([[0.3, -1.0], [2.0, 0.5]])
    sd = np.array([0.05, 0.5])

    def ll(z, p):
        return -0.5 * (((z - mu[p][:, None, :]) / sd) ** 2).sum(-1)

    r = smc(ll, [-5, -5], [5, 5], n_problems=2, n_particles=2000, seed=3)
    assert r.z.shape == (2, 2000, 2)
    np.testing.assert_allclose(r.z.mean(1), mu, atol=0.05)
    np.testing.assert_allclose(r.z.std(1), np.broadcast_to(sd, (2, 2)), rtol=0.1)
    again = smc(ll, [-5, -5], [5, 5], n_problems=2, n_particles=2000, seed=3)
    np.testing.assert_array_equal(r.z, again.z)  # seeded: same samples


def test_smc_keeps_particles_inside_the_prior_box_and_is_uniform_without_data():
    r = smc(lambda z, p: np.zeros(z.shape[:2]), [0.0, 1.0], [1.0, 3.0], n_particles=4000, seed=1)
    z = r.z[0]
    assert z[:, 0].min() >= 0 and z[:, 0].max() <= 1 and z[:, 1].min() >= 1 and z[:, 1].max() <= 3
    assert np.percentile(z[:, 0], [2.5, 97.5]) == pytest.approx([0.025, 0.975], abs=0.03)


def test_integrated_capacity_likelihood_equals_the_numerical_integral():
    # relative residuals s a_k - 1 ~ N(0, sigma^2); integrate s (flat) and sigma (prior 1/sigma) on a fine grid
    def numeric(a):
        m = len(a)
        s = np.linspace(0.8, 1.2, 2001)
        sig = np.geomspace(1e-4, 5.0, 3001)
        r = s[:, None, None] * a - 1.0
        lik = (2 * np.pi * sig[None, :] ** 2) ** (-m / 2) * np.exp(-(r ** 2).sum(-1) / (2 * sig[None, :] ** 2)) / sig
        return np.log(np.trapezoid(np.trapezoid(lik, sig, axis=1), s))

    def closed(a):  # the likelihood module's formula, up to a constant
        m, s1, s2 = len(a), a.sum(), (a * a).sum()
        return -0.5 * np.log(s2) - 0.5 * (m - 1) * np.log(m - s1 ** 2 / s2)

    a = np.array([1.01, 0.97, 1.02, 0.99])
    b = np.array([1.02, 0.95, 1.04, 0.98])
    c = np.array([1.0, 0.995, 1.004, 1.001, 0.998])
    assert numeric(a) - numeric(b) == pytest.approx(closed(a) - closed(b), abs=5e-3)
    assert numeric(a[:4]) - numeric(c[:4]) == pytest.approx(closed(a[:4]) - closed(c[:4]), abs=5e-3)


def test_tabulated_utilisation_matches_its_owner():
    from sianode.materials.utilisation import diffusion_utilisation

    for c, r, d in [(0.1, 5e-8, 1e-16), (2.0, 2.5e-6, 1e-16), (5.0, 2e-6, 1e-18), (0.05, 1e-8, 1e-15)]:
        got = L.delivered_fraction(c, r, d, 1.0)
        assert got == pytest.approx(float(diffusion_utilisation(c, r, d)), abs=2e-3)
    # graphite-like share: phi = 0 delivers everything at any rate
    assert L.delivered_fraction(20.0, 5e-6, 1e-18, 0.0) == pytest.approx(1.0)


def test_effective_sample_size_factor():
    rng = np.random.default_rng(0)
    iid = rng.standard_normal((200, 40))
    assert np.mean(L.ess_factor(iid) == 1.0) > 0.9  # white noise: almost never down-weighted
    trend = np.linspace(-1, 1, 40)[None, :] + 0.05 * rng.standard_normal((5, 40))
    w = L.ess_factor(trend)
    assert np.all(w < 0.2) and np.all(w >= 0.05)


def test_ce_mode_resolution():
    assert L.resolve_ce_mode("auto", np.array([1.04, 1.05, 1.04]))[0] == "offset"
    assert L.resolve_ce_mode("auto", np.array([0.99, 0.995, 0.996]))[0] == "absolute"
    assert L.resolve_ce_mode("auto", np.array([0.99, 0.995]))[0] == "off"  # too few to estimate the noise
    with pytest.raises(Exception, match="--ce"):
        L.resolve_ce_mode("sometimes", np.ones(5))
