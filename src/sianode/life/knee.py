"""Knee point of a capacity-fade curve (vectorised over candidates x designs).

Method: the Bacon–Watts two-phase linear model in its sharp-transition limit, fitted by
exhaustive least squares over every candidate breakpoint (Bacon & Watts, Biometrika 58 (1971)
525; used for battery knees by Fermín-Cueto et al., Energy and AI 1 (2020) 100006):

    y = a + b1 (n - n_k)   for n <= n_k,     y = a + b2 (n - n_k)   for n > n_k

continuous at ``n_k``. The knee is the ``n_k`` with the smallest residual sum of squares,
accepted only when the fade accelerates (``b2 < b1``, both negative or the later slope
clearly steeper: ``b2 < rel * b1`` with ``rel = 1.5``). Otherwise there is no knee (NaN).

Every candidate's fit is solved in closed form from prefix sums (no loop over candidates,
see :func:`knee_point`).
"""
from __future__ import annotations

import numpy as np

from sianode.errors import InputError

#: Elements (candidates x designs, and cycles x designs) per chunk of designs; bounds the memory.
CHUNK_ELEMENTS = 1 << 21


def knee_point(capacity, cycles=None, min_points: int = 5, steepening: float = 1.5):
    """Knee cycle of each column of ``capacity`` (shape ``(cycles, designs)`` or 1-D).

    Returns an array (one knee cycle per design, NaN where the fade does not accelerate); a float for 1-D input.
    ``cycles`` (default 1, 2, ...) must increase strictly.

    Fit. For every candidate breakpoint ``x_k = cycles[k]`` (``k = min_points .. N - min_points - 1``, so at least
    ``min_points`` cycles lie on each side) the continuous hinge

        y_j = a + b1 l_j + b2 r_j,   l_j = min(x_j - x_k, 0),   r_j = max(x_j - x_k, 0)

    is fitted by least squares through its normal equations ``(X^T X) c = X^T y``, with ``c = (a, b1, b2)`` and

        X^T X = [[N,    Σl,   Σr ],        X^T y = [Σy, Σ l y, Σ r y]
                 [Σl,   Σl²,  0  ],
                 [Σr,   0,    Σr²]]

    (``l`` and ``r`` never overlap). Every sum is a prefix sum over the cycles left of the candidate (``j < k``) or
    a suffix sum over those right of it (``j > k``):

        Σl = L1 - k u_k,   Σl² = L2 - 2 u_k L1 + k u_k²,   Σ l y = LY1 - u_k LY0
        Σr = R1 - m v_k,   Σr² = R2 - 2 v_k R1 + m v_k²,   Σ r y = RY1 - v_k RY0

    with ``L_p = Σ_{j<k} u_j^p``, ``LY_p = Σ_{j<k} u_j^p y_j``, ``R_p = Σ_{j>k} v_j^p``, ``RY_p = Σ_{j>k} v_j^p y_j``,
    ``m = N - 1 - k``. ``X^T X`` depends only on the candidate; ``X^T y`` is a cumulative sum over cycles for all
    designs at once. The (candidates, 3, 3) systems are solved batched and the residual sum of squares is

        SSE = Σy² - c · X^T y.

    Conditioning: the abscissa is rescaled, ``u = (x - x_first) / (x_last - x_first)`` for the left sums and
    ``v = (x - x_last) / (x_last - x_first)`` for the right sums (each small where its sums start, so no large terms
    cancel; a positive rescaling of the slopes leaves the acceleration test unchanged), and ``y`` is replaced by
    its residual from the straight-line least-squares fit. The line ``alpha + beta u`` lies in every candidate's
    model space (``l + r = u - u_k``), so this changes ``a, b1, b2`` by ``(alpha + beta u_k, beta, beta)`` and no
    SSE, while ``Σy²`` shrinks to the straight line's SSE: the subtraction above loses digits only in proportion
    to how much better the hinge fits than the line.

    Selection: the candidate with the smallest SSE (the first one on an exact tie), then the acceleration test
    ``b2 < 0``, ``b2 < steepening * min(b1, 0)`` and ``b2 < b1``; a constant curve (no fade) has no knee. This is
    the same fit as a per-candidate ``numpy.linalg.lstsq`` of the hinge (tests/life/test_knee.py keeps that
    reference) and gives the same knees. Where they can differ: (1) two candidates whose SSEs agree to round-off
    (an exact tie, e.g. a line plus a mirror-symmetric curve) may be ordered differently by the two roundings;
    (2) on a constant curve lstsq returns slopes of round-off size (~1e-17) whose signs could pass the
    acceleration test (a knee for a curve that does not fade); here it has none.
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
    if not (np.all(np.isfinite(x)) and np.all(np.diff(x) > 0)):
        raise InputError("cycles must be finite and strictly increasing", field="cycles")
    cand = np.arange(min_points, n_c - min_points)
    span = x[-1] - x[0]
    u = (x - x[0]) / span  # 0 .. 1: left sums start at u = 0
    v = (x - x[-1]) / span  # -1 .. 0: right sums start at v = 0 (from the end)

    # normal matrices, one per candidate: prefix sums over j < k, suffix sums over j > k
    uk, vk = u[cand], v[cand]
    n_left = cand.astype(float)
    n_right = (n_c - 1 - cand).astype(float)
    L1, L2 = _prefix(u)[cand], _prefix(u * u)[cand]
    R1, R2 = _suffix(v)[cand + 1], _suffix(v * v)[cand + 1]
    sl = L1 - n_left * uk
    sl2 = L2 - 2.0 * uk * L1 + n_left * uk * uk
    sr = R1 - n_right * vk
    sr2 = R2 - 2.0 * vk * R1 + n_right * vk * vk
    A = np.zeros((cand.size, 3, 3))
    A[:, 0, 0] = n_c
    A[:, 0, 1] = A[:, 1, 0] = sl
    A[:, 0, 2] = A[:, 2, 0] = sr
    A[:, 1, 1] = sl2
    A[:, 2, 2] = sr2

    res = np.empty(y.shape[1])
    step = max(1, CHUNK_ELEMENTS // max(n_c, cand.size * 3))
    for s in range(0, y.shape[1], step):
        res[s:s + step] = _fit(y[:, s:s + step], u, v, cand, A, x, steepening)
    return float(res[0]) if one else res


#: Designs from which the running sums of the fit go cycle by cycle, straight into ``X^T y`` (NumPy's accumulate
#: along the first axis of a wide (cycles, designs) array is several times slower than adding one row at a time, and
#: whole prefix-sum arrays cost memory passes; the same sums in the same order).
ROWWISE_FROM = 16


def _prefix(a):
    """``out[k] = sum(a[:k], axis=0)`` (length N + 1), summed in order (``numpy.cumsum``)."""
    out = np.zeros((a.shape[0] + 1,) + a.shape[1:])
    np.cumsum(a, axis=0, out=out[1:])
    return out


def _suffix(a):
    """``out[k] = sum(a[k:], axis=0)`` (length N + 1), summed from the end (``numpy.cumsum`` of the reversed
    rows)."""
    out = np.zeros((a.shape[0] + 1,) + a.shape[1:])
    out[:-1] = np.cumsum(a[::-1], axis=0)[::-1]
    return out


def _hinge_sums(yc, w, cand, out, from_end: bool):
    """``out[i] = Σ w_j y_j - w_k Σ y_j`` over the cycles ``j`` left of candidate ``k = cand[i]`` (``from_end``:
    right of it), i.e. ``Σ l y`` (``Σ r y``) of :func:`knee_point` with ``w = u`` (``v``), for every design;
    ``cand``: consecutive cycles (the candidates of :func:`knee_point`).

    The running sums add one cycle at a time in the order of :func:`_prefix` (:func:`_suffix`); wide chunks add
    row by row and write each candidate's row of ``out`` as they pass it (no (cycles, designs) sum arrays)."""
    lo, hi = int(cand[0]), int(cand[-1])
    if yc.shape[1] < ROWWISE_FROM:
        s0, s1 = ((_suffix(a)[cand + 1] if from_end else _prefix(a)[cand]) for a in (yc, w[:, None] * yc))
        np.subtract(s1, w[cand, None] * s0, out=out)
        return
    s0, s1, t = np.zeros(yc.shape[1]), np.zeros(yc.shape[1]), np.empty(yc.shape[1])
    order = range(yc.shape[0] - 1, lo - 1, -1) if from_end else range(hi + 1)
    for n, k in enumerate(order):  # s0, s1: the sums over the cycles passed before k
        if lo <= k <= hi:
            np.subtract(s1, np.multiply(w[k], s0, out=t), out=out[k - lo])
        if n == 0:  # the first row itself, as the prefix sums hold it
            np.copyto(s0, yc[k])
            np.multiply(w[k], yc[k], out=s1)
        else:
            np.add(s0, yc[k], out=s0)
            np.add(s1, np.multiply(w[k], yc[k], out=t), out=s1)


def _fit(y, u, v, cand, A, x, steepening):
    """Knees of the columns of ``y`` (one chunk of designs): see :func:`knee_point`."""
    # residual from the straight line alpha + beta u (in every candidate's model space)
    uc = u - u.mean()
    yc = y - y.mean(axis=0)
    beta = uc @ yc / (uc @ uc)
    np.subtract(yc, uc[:, None] * beta, out=yc)
    b = np.empty((cand.size, 3, y.shape[1]))  # X^T y per candidate and design
    b[:, 0] = yc.sum(axis=0)
    _hinge_sums(yc, u, cand, b[:, 1], from_end=False)
    _hinge_sums(yc, v, cand, b[:, 2], from_end=True)
    coef = np.linalg.solve(A, b)  # (candidates, 3, designs)
    sse = np.einsum("cid,cid->cd", coef, b)
    np.subtract(np.multiply(yc, yc, out=yc).sum(axis=0), sse, out=sse)  # Σy² - c · X^T y
    best = np.argmin(sse, axis=0)  # the first candidate on an exact tie
    cols = np.arange(y.shape[1])
    b1 = coef[best, 1, cols] + beta
    b2 = coef[best, 2, cols] + beta
    accel = (b2 < 0) & (b2 < steepening * np.minimum(b1, 0.0)) & (b2 < b1)
    accel &= y.max(axis=0) > y.min(axis=0)  # a constant curve does not fade: slopes of round-off only
    return np.where(accel, x[cand[best]], np.nan)
