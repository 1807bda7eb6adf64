"""Utilisation of Si: the share of its formed capacity a particle delivers at a given size, rate and cycle.

ONE owner for materials, echem and life (docs/architecture.md, "one owner per shared quantity"): the
materials stage reports the delivered capacity at the protocol's rate with it
(``CompositeProperties.delivered_capacity_mAh_g``), the life stage starts its half cells from it, and the
echem stage prints it beside the DFN's own rate table (the DFN solves the same diffusion with the same
radius and diffusivity, so the two agree where diffusion in Si limits; a test checks it).

What is modelled
----------------
1. **Diffusion-limited lithiation of a sphere** (a-Si; the equivalent-sphere radius ``R = 3V/S`` of
   :mod:`sianode.materials.diffusion_length`). Galvanostatic lithiation at C-rate ``C`` puts a constant
   flux ``j = c_max R C / (3 * 3600 s)`` on the surface. With ``tau = D t / R^2`` and
   ``Lambda = R^2 C / (3 * 3600 s * D)`` the surface state of charge is (Crank, *The Mathematics of
   Diffusion*, 2nd ed. 1975, eq. 6.44; Carslaw & Jaeger 1959 §9.3)::

       s_surf(tau) = Lambda (3 tau + 1/5 - 2 sum_n exp(-a_n^2 tau) / a_n^2),   tan a_n = a_n

   while the mean is ``3 Lambda tau``. Lithiation stops when the surface is full (the cut-off): the
   delivered fraction is ``u = 3 Lambda tau*`` with ``s_surf(tau*) = 1``. Slow rates give ``u -> 1``;
   for ``Lambda >> 1`` the short-time limit ``s_surf = 2 Lambda sqrt(tau / pi)`` gives
   ``u = 3 pi / (4 Lambda)``.
2. **c-Si and a-Si alike.** Crystalline Si lithiates through a sharp two-phase front (seeds/000 §2), but the
   Li reaches the front through the lithiated (amorphous) shell, so the part that lithiates at a given rate
   is eq. 1 with the a-LixSi diffusivity for both; what has lithiated once is amorphous from then on. A slower
   conversion of the c-Si core over several cycles ("deeper activation", seeds/002 §3.2) is not modelled
   (docs/materials.md, known gaps).

Assumptions: one radius per material, constant diffusivity (no x dependence), no kinetic (Butler-Volmer)
overpotential or electrolyte limitation (the DFN of the echem stage has them), isothermal. Arrays broadcast.
"""
from __future__ import annotations

import numpy as np

from sianode.errors import InputError
from sianode.materials import lisi

_N_ROOTS = 200


def _sphere_roots(n: int = _N_ROOTS) -> np.ndarray:
    """Positive roots of tan(a) = a (Newton from (k + 1/2) pi - 1 / ((k + 1/2) pi))."""
    k = np.arange(1, n + 1)
    a = (k + 0.5) * np.pi - 1.0 / ((k + 0.5) * np.pi)
    for _ in range(8):
        a = a - (np.tan(a) - a) / (1.0 / np.cos(a) ** 2 - 1.0)
    return a


_ROOTS = _sphere_roots()
_ROOTS2 = _ROOTS ** 2
# exp(-x) is exactly 0.0 in double precision beyond x = 745.13 (below half the smallest subnormal)
_EXP_ZERO_FROM = 750.0
# from this many taus on, :func:`_series` sums the short runs apart from the long ones
_SPLIT_FROM = 64


def _series(tau: np.ndarray) -> np.ndarray:
    """``sum_n exp(-a_n^2 tau) / a_n^2`` over the 200 roots, for each ``tau``.

    A term with ``a_n^2 tau >= 750`` is exactly 0.0 in double precision (exp underflows below -745.13), and
    a_n^2 increases with n, so only a leading run of terms of each tau is evaluated (about 2 % of them in a
    sweep's solve); the rest stay 0.0 and the sum runs over all 200 terms, as written.

    NumPy sums a row of 200 pairwise: the first 96 terms in 8 interleaved partial sums, then the other 104. When
    a row's nonzero run fits in the first ``w`` columns (``w`` a multiple of 8, at most 96), the row cut to ``w``
    gives the same sum bit for bit (the columns left out only add 0.0). So the rows are as wide as the longest run
    needs, except in a large solve with long runs: there the rows whose run fits in 8 columns (most of them) are
    summed 8 wide, the others as wide as the longest of them needs."""
    t = tau.reshape(-1)
    n = np.full(t.shape, _ROOTS2.size)
    pos = t > 0  # (tau <= 0 or NaN: every term evaluated)
    n[pos] = np.searchsorted(_ROOTS2, _EXP_ZERO_FROM / t[pos])
    if t.size < _SPLIT_FROM or int(n.max()) <= 8:  # (splitting a few rows costs more than it saves)
        return _series_rows(t, n).reshape(tau.shape)
    out = np.empty(t.size)
    narrow = n <= 8
    for rows in (np.flatnonzero(narrow), np.flatnonzero(~narrow)):
        if rows.size:
            out[rows] = _series_rows(t[rows], n[rows])
    return out.reshape(tau.shape)


def _series_rows(t: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The sums of :func:`_series` of the taus ``t`` whose first ``n`` terms are nonzero, in rows as wide as the
    longest run needs (a multiple of 8; all 200 columns beyond 96)."""
    rows = np.repeat(np.arange(t.size), n)
    cols = np.arange(rows.size) - np.repeat(np.cumsum(n) - n, n)
    longest = int(n.max())
    width = max(8, -(-longest // 8) * 8) if longest <= 96 else _ROOTS2.size
    terms = np.zeros((t.size, width))
    terms[rows, cols] = np.exp(-(t[rows] * _ROOTS2[cols])) / _ROOTS2[cols]
    return np.sum(terms, axis=-1)


def surface_soc(tau, lam):
    """Surface state of charge of a sphere under constant flux, eq. 1 (``tau``, ``lam`` broadcast)."""
    tau = np.asarray(tau, float)
    lam = np.asarray(lam, float)
    series = _series(tau)
    long = lam * (3.0 * tau + 0.2 - 2.0 * series)
    short = 2.0 * lam * np.sqrt(np.maximum(tau, 0.0) / np.pi)
    return np.where(tau < 1e-4, short, long)


def diffusion_utilisation(c_rate, radius_m, diffusivity_m2_s):
    """Fraction of a sphere's capacity delivered before its surface is full, eq. 1 (0 < u <= 1)."""
    c = np.asarray(c_rate, float)
    r = np.asarray(radius_m, float)
    d = np.asarray(diffusivity_m2_s, float)
    if np.any(~np.isfinite(c)) or np.any(c < 0):
        raise InputError("C-rate must be finite and >= 0", field="protocol.c_rate")
    if np.any(~(r > 0)) or np.any(~(d > 0)):
        raise InputError("radius and diffusivity must be > 0", field="radius_m")
    lam = r ** 2 * c / (3.0 * 3600.0 * d)
    lam_safe = np.maximum(lam, 1e-300)
    shape = np.broadcast(lam).shape
    lam_f = np.broadcast_to(lam_safe, shape).reshape(-1)
    lo = np.zeros(lam_f.size)
    hi = 1.0 / (3.0 * lam_f)  # the mean is full there, so the surface is too
    todo = np.arange(lam_f.size)  # brackets still moving
    for _ in range(60):  # bisection, vectorised over the brackets still moving
        if not todo.size:
            break
        lo_t, hi_t = lo[todo], hi[todo]
        mid = 0.5 * (lo_t + hi_t)
        full = surface_soc(mid, lam_f[todo]) >= 1.0
        hi_new, lo_new = np.where(full, mid, hi_t), np.where(full, lo_t, mid)
        hi[todo], lo[todo] = hi_new, lo_new
        # a bracket down to adjacent floats maps to itself (each step is a function of its own bracket): no
        # further step changes it, so it leaves the solve
        todo = todo[(hi_new != hi_t) | (lo_new != lo_t)]
    lo, hi = lo.reshape(shape), hi.reshape(shape)
    u = np.clip(3.0 * lam_safe * 0.5 * (lo + hi), 0.0, 1.0)
    u = np.where(lam < 1e-9, 1.0, u)
    return float(u) if np.ndim(u) == 0 else u


def si_utilisation(c_rate, radius_m, diffusivity_m2_s=None):
    """Delivered fraction of the formed Si capacity at ``c_rate`` (item 2 of the module doc).

    The diffusivity defaults to :data:`sianode.materials.lisi.D_ASI_M2_S` (Li in the lithiated, amorphous Si).
    """
    return diffusion_utilisation(c_rate, radius_m, si_diffusivity_m2_s(diffusivity_m2_s))


def si_diffusivity_m2_s(diffusivity_m2_s=None):
    """The Li diffusivity used for Si: the given (calibrated) value, else :data:`sianode.materials.lisi.D_ASI_M2_S`."""
    return float(lisi.D_ASI_M2_S) if diffusivity_m2_s is None else diffusivity_m2_s
