"""Sequential Monte Carlo with likelihood tempering, vectorised over particles *and* over problems.

What it computes
----------------
Samples of the posterior ``p(z | y) ∝ p(z) L(z)^beta_max`` for a uniform prior on a box
``lower <= z <= upper`` (a log-uniform prior is uniform in ``z = log x``). Particles start from the prior and
move through the tempered posteriors ``p(z) L(z)^beta`` with ``0 = beta_0 < beta_1 < ... < beta_max``
(Del Moral, Doucet & Jasra, J. R. Stat. Soc. B 68 (2006) 411; Chopin, Biometrika 89 (2002) 539):

1. the next ``beta`` is the largest step that keeps the effective sample size of the incremental weights
   ``w_i = L(z_i)^(beta_new - beta)`` at ``ess_target * N`` (bisection);
2. the particles are resampled (systematic resampling) by ``w``;
3. each particle takes ``n_moves`` random-walk Metropolis steps that leave the current tempered posterior
   invariant; the proposal covariance is the particles' own covariance times ``scale^2`` (start
   ``2.38^2 / d``, Roberts & Rosenthal 2001; adapted towards an acceptance rate of 0.3); proposals outside the
   box are rejected.

Every likelihood evaluation is one call of ``loglik`` on all particles of all active problems, so a model that
is vectorised over parameter sets (the life model) evaluates thousands of them per call. ``B`` independent
problems (e.g. many synthetic data sets in the coverage test) run in the same calls, each with its own
tempering schedule.

Power posteriors (a likelihood raised to a power below 1 where the model misfits) are the caller's: the
likelihood it passes carries the powers (:mod:`sianode.calibration.likelihood`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass
class SMCResult:
    """Final particles ``z`` (B, N, d) with their log-likelihoods ``ll`` (B, N) and the schedule."""

    z: np.ndarray
    ll: np.ndarray
    beta: np.ndarray  # (B,) final tempering exponent
    stages: int
    evaluations: int
    acceptance: list = field(default_factory=list)  # mean acceptance per stage


def _ess_fraction(delta, ll):
    """ESS / N of weights exp(delta * ll) per problem (delta (B,), ll (B, N))."""
    a = delta[:, None] * (ll - ll.max(axis=1, keepdims=True))
    w = np.exp(a)
    return w.sum(1) ** 2 / np.maximum((w * w).sum(1), 1e-300) / ll.shape[1]


def _next_delta(ll, room, target):
    """Largest delta in [0, room] with ESS/N >= target (vectorised bisection)."""
    ll = np.where(np.isfinite(ll), ll, -1e300)
    ok_full = _ess_fraction(room, ll) >= target
    lo = np.zeros_like(room)
    hi = room.copy()
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        good = _ess_fraction(mid, ll) >= target
        lo = np.where(good, mid, lo)
        hi = np.where(good, hi, mid)
    d = np.where(ok_full, room, lo)
    return np.maximum(d, np.minimum(room, 1e-12))  # always advance


def _systematic(w, rng):
    """Systematic resampling indices per row of the normalised weights w (B, N)."""
    b, n = w.shape
    c = np.cumsum(w, axis=1)
    c[:, -1] = 1.0
    u = (rng.random((b, 1)) + np.arange(n)[None, :]) / n
    return np.stack([np.searchsorted(c[i], u[i]) for i in range(b)])


def _mutate(z, ll, beta, lower, upper, loglik, problems, scale, n_moves, rng):
    """``n_moves`` random-walk Metropolis steps per particle; returns z, ll, scale, acceptance, evaluations."""
    b, n, d = z.shape
    span = upper - lower
    acc_total = np.zeros(b)
    for _ in range(n_moves):
        cov = np.einsum("bni,bnj->bij", z - z.mean(1, keepdims=True), z - z.mean(1, keepdims=True)) / max(n - 1, 1)
        cov += np.eye(d)[None] * (1e-8 * span ** 2)[None, :, None]
        chol = np.linalg.cholesky(cov)
        eps = rng.standard_normal((b, n, d))
        prop = z + scale[:, None, None] * np.einsum("bij,bnj->bni", chol, eps)
        inside = np.all((prop >= lower) & (prop <= upper), axis=2)
        ll_p = loglik(np.clip(prop, lower, upper), problems)
        ll_p = np.where(inside & np.isfinite(ll_p), ll_p, -np.inf)
        with np.errstate(invalid="ignore"):
            log_a = beta[:, None] * (ll_p - ll)
        log_a = np.where(np.isfinite(ll) | np.isfinite(ll_p), log_a, -np.inf)
        accept = np.log(rng.random((b, n))) < log_a
        z = np.where(accept[:, :, None], prop, z)
        ll = np.where(accept, ll_p, ll)
        rate = accept.mean(1)
        acc_total += rate
        scale = np.clip(scale * np.exp(rate - 0.3), 0.05, 3.0)
    return z, ll, scale, acc_total / n_moves, n_moves


def smc(loglik: Callable[[np.ndarray, np.ndarray], np.ndarray], lower, upper, n_problems: int = 1,
        n_particles: int = 1000, seed: int = 0, n_moves: int = 10, ess_target: float = 0.5,
        max_stages: int = 200, progress: Callable[[int, float], None] | None = None) -> SMCResult:
    """Sample ``B = n_problems`` posteriors on the box ``[lower, upper]`` (module docstring).

    ``loglik(z, problems)`` gets ``z`` of shape (len(problems), N, d) and the problem indices, and returns the
    log-likelihoods (len(problems), N) (``-inf`` where the model is invalid). ``progress(stage, min_beta)`` is called
    after every stage.
    """
    lower = np.asarray(lower, float)
    upper = np.asarray(upper, float)
    d = lower.size
    rng = np.random.default_rng(seed)
    b, n = int(n_problems), int(n_particles)
    everyone = np.arange(b)
    z = lower + (upper - lower) * rng.random((b, n, d))
    ll = loglik(z, everyone)
    evals = 1
    beta = np.zeros(b)
    scale = np.full(b, 2.38 / np.sqrt(d))
    acc_hist = []
    stage = 0

    def temper(z, ll, beta, scale, cap, active):
        nonlocal evals
        zz, la, ba, sc = z[active], ll[active], beta[active], scale[active]
        delta = _next_delta(la, cap[active] - ba, ess_target)
        a = delta[:, None] * (np.where(np.isfinite(la), la, -1e300) - np.where(np.isfinite(la), la, -1e300).max(1, keepdims=True))
        w = np.exp(a)
        w /= w.sum(1, keepdims=True)
        idx = _systematic(w, rng)
        zz = np.take_along_axis(zz, idx[:, :, None], axis=1)
        la = np.take_along_axis(la, idx, axis=1)
        ba = np.minimum(ba + delta, cap[active])
        ba = np.where(cap[active] - ba < 1e-9, cap[active], ba)
        zz, la, sc, acc, k = _mutate(zz, la, ba, lower, upper, loglik, everyone[active], sc, n_moves, rng)
        evals += k
        z, ll, beta, scale = z.copy(), ll.copy(), beta.copy(), scale.copy()
        z[active], ll[active], beta[active], scale[active] = zz, la, ba, sc
        return z, ll, beta, scale, float(acc.mean())

    ones = np.ones(b)
    while np.any(beta < 1.0) and stage < max_stages:
        z, ll, beta, scale, acc = temper(z, ll, beta, scale, ones, beta < 1.0)
        acc_hist.append(acc)
        stage += 1
        if progress is not None:
            progress(stage, float(beta.min()))
    return SMCResult(z, ll, beta, stage, evals, acc_hist)
