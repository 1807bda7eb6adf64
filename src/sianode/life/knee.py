"""Knee point of a capacity-fade curve (vectorised over designs).

Method: the Bacon–Watts two-phase linear model in its sharp-transition limit, fitted by
exhaustive least squares over every candidate breakpoint (Bacon & Watts, Biometrika 58 (1971)
525; used for battery knees by Fermín-Cueto et al., Energy and AI 1 (2020) 100006):

    y = a + b1 (n - n_k)   for n <= n_k,     y = a + b2 (n - n_k)   for n > n_k

continuous at ``n_k``. The knee is the ``n_k`` with the smallest residual sum of squares,
accepted only when the fade accelerates (``b2 < b1``, both negative or the later slope
clearly steeper: ``b2 < rel * b1`` with ``rel = 1.5``). Otherwise there is no knee (NaN).
"""
from __future__ import annotations

import numpy as np

from sianode.errors import InputError


def knee_point(capacity, cycles=None, min_points: int = 5, steepening: float = 1.5):
    """Knee cycle of each column of ``capacity`` (shape ``(cycles, designs)`` or 1-D).

    Returns an array (one knee cycle per design, NaN where the fade does not accelerate).
    """
    y = np.asarray(capacity, float)
    one = y.ndim == 1
    if one:
        y = y[:, None]
    n_c = y.shape[0]
    if n_c < 2 * min_points + 1:
        return np.full(1 if one else y.shape[1], np.nan) if not one else np.nan
    x = np.arange(1, n_c + 1, dtype=float) if cycles is None else np.asarray(cycles, float)
    if x.shape[0] != n_c:
        raise InputError("cycles and capacity lengths differ", field="cycles")
    if not np.all(np.isfinite(y)):
        raise InputError("capacity contains NaN or infinite values", field="capacity")
    cand = np.arange(min_points, n_c - min_points)
    best_sse = np.full(y.shape[1], np.inf)
    best_k = np.full(y.shape[1], np.nan)
    best_b = np.zeros((2, y.shape[1]))
    for i in cand:
        xk = x[i]
        # basis: 1, min(x - xk, 0), max(x - xk, 0)  (continuous hinge)
        X = np.column_stack([np.ones(n_c), np.minimum(x - xk, 0.0), np.maximum(x - xk, 0.0)])
        coef, *_ = np.linalg.lstsq(X, y, rcond=None)
        sse = ((X @ coef - y) ** 2).sum(axis=0)
        better = sse < best_sse
        best_sse = np.where(better, sse, best_sse)
        best_k = np.where(better, xk, best_k)
        best_b = np.where(better, coef[1:], best_b)
    b1, b2 = best_b
    accel = (b2 < 0) & (b2 < steepening * np.minimum(b1, 0.0)) & (b2 < b1)
    res = np.where(accel, best_k, np.nan)
    return float(res[0]) if one else res
