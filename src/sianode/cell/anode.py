"""Anode active blend for the cell model: per-component capacity, ICE, density, expansion, voltage.

What is modelled
----------------
An anode active material is a blend of components (graphite, Si, SiOx, CVD Si–C, ...), each with
its own reversible capacity ``q_i`` (mAh/g), initial coulombic efficiency ``ICE_i``, particle
density ``rho_i``, outward volumetric expansion at full reversible lithiation ``e_i`` and
delithiation voltage curve ``U_i(theta)`` (theta = lithiated fraction of its reversible capacity).
Mixture rules with mass fractions ``w_i`` (sum 1)::

    q      = sum w_i q_i                      q_first = sum w_i q_i / ICE_i
    ICE    = q / q_first                      1/rho  = sum w_i / rho_i
    e      = sum (w_i / rho_i) e_i * rho      (volume-weighted expansion at full lithiation)

The blend's delithiation voltage is computed with the components *in parallel at one potential*:
at potential U component i holds ``theta_i(U)`` (inverse of its curve), so the blend's lithiated
fraction is ``Theta(U) = sum c_i theta_i(U)`` with capacity shares ``c_i = w_i q_i / q``; Theta(U) is
monotonic and is inverted exactly between its knots, design by design. This is why adding Si to graphite raises the
average anode voltage: Si delithiates at 0.3–0.5 V, graphite at ~0.1–0.2 V. Many designs' blends, each with
its own components, go through the cell model together as a :class:`StackedBlend` (one row per design; a blend
alone is the batch of one of the same code, and a row's numbers do not depend on its batch).

The physics of each component (Li–Si capacity, ICE, expansion, a-Si and graphite voltage branches)
comes from :mod:`sianode.materials`; this module only mixes. The cell model never recomputes Li–Si
physics.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import Callable, Sequence

import numpy as np

from sianode.errors import InputError


@dataclass(frozen=True)
class AnodeComponent:
    """One component of the anode active blend (see module docstring). Units in the names."""

    name: str
    reversible_capacity_mAh_g: float
    ice: float
    density_g_cm3: float
    volumetric_expansion: float
    delithiation_voltage: Callable[[np.ndarray], np.ndarray]
    source: str = ""
    expansion_fn: Callable[[np.ndarray], np.ndarray] | None = None  # outward expansion at lithiated fraction
    lithiation_voltage: Callable[[np.ndarray], np.ndarray] | None = None  # charge branch (None: no hysteresis)

    def voltage(self, theta, branch: str = "delithiation"):
        f = self.lithiation_voltage if (branch == "lithiation" and self.lithiation_voltage is not None) \
            else self.delithiation_voltage
        return np.asarray(f(theta), dtype=float)

    def expansion_at(self, frac):
        """Outward particle expansion at lithiated fraction ``frac`` (linear in frac unless expansion_fn)."""
        if self.expansion_fn is not None:
            return np.asarray(self.expansion_fn(frac), dtype=float)
        return self.volumetric_expansion * np.clip(np.asarray(frac, dtype=float), 0.0, 1.0)

    @property
    def first_lithiation_capacity_mAh_g(self) -> float:
        return self.reversible_capacity_mAh_g / self.ice

    def average_delithiation_voltage_V(self, n: int = 200) -> float:
        th = (np.arange(n) + 0.5) / n
        return float(np.mean(self.delithiation_voltage(th)))


def _check_component(c: AnodeComponent, where: str) -> None:
    if not (c.reversible_capacity_mAh_g > 0):
        raise InputError("reversible capacity must be > 0 mAh/g", field=f"{where}.reversible_capacity_mAh_g")
    if not (0 < c.ice <= 1):
        raise InputError(f"ICE must be in (0, 1], got {c.ice!r}", field=f"{where}.ice")
    if not (c.density_g_cm3 > 0):
        raise InputError("density must be > 0 g/cm3", field=f"{where}.density_g_cm3")
    if c.volumetric_expansion < 0:
        raise InputError("volumetric expansion must be >= 0", field=f"{where}.volumetric_expansion")


# ----------------------------------------------------------------------------- built-in components
GRAPHITE_STO_WINDOW = (0.0279, 0.9014)  # Chen et al., JES 167 (2020) 080534: LG M50 anode sto at 0 / 100 % SOC


def graphite_component(reversible_capacity_mAh_g: float = 350.0, ice: float = 0.93,
                       density_g_cm3: float = 2.26, volumetric_expansion: float = 0.10) -> AnodeComponent:
    """Graphite with the Chen et al. (2020) OCP (from :mod:`sianode.materials.voltage`).

    Defaults: 350 mAh/g reversible and ICE 0.93 (typical artificial graphite, e.g. Schmuch et al.,
    Nat. Energy 3 (2018) 267: 330–360 mAh/g, 90–95 %); density 2.26 g/cm3 (ideal graphite, CRC
    Handbook); volume expansion ~10 % from C6 -> LiC6 (c-axis 3.35 -> 3.70 Å; Dahn, Phys. Rev. B 44
    (1991) 9170).
    """
    from sianode.materials.voltage import graphite_ocv_V

    lo, hi = GRAPHITE_STO_WINDOW

    def u(theta):
        th = np.clip(np.asarray(theta, dtype=float), 0.0, 1.0)
        return np.asarray(graphite_ocv_V(lo + th * (hi - lo)), dtype=float)

    return AnodeComponent("graphite", reversible_capacity_mAh_g, ice, density_g_cm3, volumetric_expansion, u,
                          "graphite: Chen et al. 2020 OCP; capacity/ICE Schmuch et al., Nat. Energy 2018")


def si_delithiation_curve(x_max: float | None = None) -> Callable[[np.ndarray], np.ndarray]:
    """a-Si delithiation branch of :func:`sianode.materials.voltage.ocv_delithiation_V` on theta = x / x_max."""
    from sianode.materials.lisi import X_MAX_PRACTICAL
    from sianode.materials.voltage import ocv_delithiation_V

    xm = X_MAX_PRACTICAL if x_max is None else x_max

    def u(theta):
        th = np.clip(np.asarray(theta, dtype=float), 0.0, 1.0)
        return np.asarray(ocv_delithiation_V(th * xm), dtype=float)

    return u


def si_composite_component(name: str, reversible_capacity_mAh_g: float, ice: float, density_g_cm3: float,
                           volumetric_expansion: float, source: str = "") -> AnodeComponent:
    """A Si-containing component with the a-Si delithiation and lithiation branches (materials stage)."""
    from sianode.materials.lisi import X_MAX_PRACTICAL
    from sianode.materials.voltage import ocv_lithiation_V

    def lith(theta):
        return np.asarray(ocv_lithiation_V(np.clip(np.asarray(theta, dtype=float), 0, 1) * X_MAX_PRACTICAL))

    return AnodeComponent(name, reversible_capacity_mAh_g, ice, density_g_cm3, volumetric_expansion,
                          si_delithiation_curve(), source, None, lith)


# ----------------------------------------------------------------------------- blend
class _Mixing:
    """Mixture rules and the voltage inversion of a blend (module docstring), shared by :class:`AnodeBlend` and
    :class:`StackedBlend`: they differ only in where the components' attributes (:meth:`_arr`), the inverse
    tables (:meth:`_inverse_tables`) and a lone component's curve (:meth:`_single_voltage`) come from."""

    weights: np.ndarray

    @property
    def reversible_capacity_mAh_g(self):
        return np.sum(self.weights * self._arr("reversible_capacity_mAh_g"), axis=0)

    @property
    def first_lithiation_capacity_mAh_g(self):
        return np.sum(self.weights * self._arr("reversible_capacity_mAh_g") / self._arr("ice"), axis=0)

    @property
    def ice(self):
        return self.reversible_capacity_mAh_g / self.first_lithiation_capacity_mAh_g

    @property
    def density_g_cm3(self):
        return 1.0 / np.sum(self.weights / self._arr("density_g_cm3"), axis=0)

    @property
    def volumetric_expansion(self):
        """Volume-weighted particle expansion of the blend at full reversible lithiation."""
        vol = self.weights / self._arr("density_g_cm3")
        return np.sum(vol * self._arr("volumetric_expansion"), axis=0) / np.sum(vol, axis=0)

    @property
    def capacity_shares(self):
        return self.weights * self._arr("reversible_capacity_mAh_g") / self.reversible_capacity_mAh_g

    def delithiation_voltage_V(self, theta, n_grid: int = 241, branch: str = "delithiation", chunk: int = 4096):
        """Blend potential at lithiated fraction ``theta`` (broadcast against the batch shape).

        Components in parallel at one potential: each component's curve is tabulated on ``n_grid`` points of
        its own theta (made strictly decreasing), ``theta_i(U)`` is piecewise linear in U between the union of
        all tables' potentials (clipped to [-0.05, 2.0] V), so ``Theta(U) = sum c_i theta_i(U)`` is piecewise
        linear on that union grid and is inverted exactly there, row by row (one row per design; every row on
        its own, so a design's numbers do not depend on the batch it is in). ``branch="lithiation"`` uses the
        components' charge branches.
        """
        theta = np.asarray(theta, dtype=float)
        if self._n_components == 1:
            return self._single_voltage(theta, branch)
        # tables (T, K), (T, n, K), (T,) and each row's table (1 or B,): T <= B distinct tables
        u_all, th_tab, lengths, tab = self._inverse_tables(branch, n_grid)
        shares = self.capacity_shares  # (n, *batch)
        extra = theta.ndim > shares.ndim - 1  # theta carries a trailing axis of points per design
        sh = shares[..., None] if extra else shares
        target = np.broadcast(theta, sh[0]).shape
        rows_shape = target[:-1] if extra else target
        n = shares.shape[0]
        batch = shares.shape[1:]  # aligned to the right of the rows' shape, as numpy broadcasting does
        sh_rows = shares.reshape((n,) + (1,) * (len(rows_shape) - len(batch)) + batch)
        c_rows = _broadcast(sh_rows, (n,) + rows_shape).reshape(n, -1)  # (n, B)
        th_rows = _broadcast(theta, target).reshape(c_rows.shape[1], -1)  # (B, Q)
        if len(tab) != 1 and len(tab) != th_rows.shape[0]:
            raise InputError(f"theta of shape {theta.shape} does not give one row per design of the "
                             f"{len(tab)} stacked blends", field="anode.theta")
        if len(tab) == 1:
            tab = np.zeros(th_rows.shape[0], dtype=np.intp)
        out = np.empty_like(th_rows)
        for a in range(0, th_rows.shape[0], chunk):
            b = min(a + chunk, th_rows.shape[0])
            out[a:b] = _invert_rows(c_rows[:, a:b], u_all, th_tab, lengths, tab[a:b], th_rows[a:b])
        return out.reshape(target)


def _invert_rows(c: np.ndarray, u_all: np.ndarray, th_tab: np.ndarray, lengths, tab: np.ndarray,
                 theta: np.ndarray) -> np.ndarray:
    """U at ``theta`` (R, Q) of R blends with capacity shares ``c`` (n, R), row ``j`` on table ``tab[j]`` of
    ``u_all`` (T, K) ascending, ``th_tab`` (T, n, K) of ``lengths`` (T,) knots.

    ``Theta(U) = sum_i c_i theta_i(U)`` is one matrix product per row (the same call for a row alone or in a
    batch, so each row's numbers are those of the row alone) and is inverted by linear interpolation between
    the knots, found in each row by ``np.searchsorted(Theta_row, q, side="left")``.
    A table may be shorter than K (:class:`StackedBlend`): its row is padded at its top potential (first here)
    with its first knot (the first knot of the ascending Theta), which changes no number.
    """
    r = theta.shape[0]
    k = u_all.shape[1]
    big = np.empty((r, k))
    ct = np.ascontiguousarray(c.T)  # (R, n): each row's shares contiguous, so every row takes the same BLAS path
    tabs = tab.tolist()
    for j in range(r):  # row by row: a row's matrix product is the same call whatever the batch
        t = tabs[j]
        n_j = lengths[t]
        big[j, k - n_j:] = (ct[j:j + 1] @ th_tab[t, :, :n_j])[0, ::-1]  # ascending Theta <-> U descending
    pad = k - np.asarray(lengths)[tab]
    if pad.any():  # the padding repeats each row's first knot
        big = np.take_along_axis(big, np.maximum(np.arange(k), pad[:, None]), axis=1)
    q = np.clip(theta, big[:, :1], big[:, -1:])
    i1 = np.empty(theta.shape, dtype=np.intp)
    for j in range(r):
        i1[j] = big[j].searchsorted(q[j], side="left")
    base = (np.arange(r) * k)[:, None]
    flat = big.ravel()
    i1 = np.minimum(np.maximum(i1, 1), k - 1)  # integers: np.clip without its overhead
    i0 = i1 - 1
    x0, x1 = flat[base + i0], flat[base + i1]
    rising = x1 > x0
    w = np.where(rising, (q - x0) / np.where(rising, x1 - x0, 1.0), 0.0)
    uf = u_all.ravel()  # ascending U: position i of a row is its U at k - 1 - i
    tb = (tab * k + k - 1)[:, None]
    u0, u1 = uf[tb - i0], uf[tb - i1]
    return u0 + w * (u1 - u0)


@dataclass
class AnodeBlend(_Mixing):
    """Blend of components with mass fractions ``weights`` (shape (n_comp, *batch), summing to 1).

    Batched weights allow one model call over many designs (e.g. a sweep of Si fraction).
    """

    components: Sequence[AnodeComponent]
    weights: np.ndarray = field(default=None)
    # inverse-curve tables of delithiation_voltage_V per (branch, n_grid): pure in the components, built once
    _tables: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    # the components' attributes as columns against the weights (:meth:`_arr`): pure in the components too
    _columns: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        n = len(self.components)
        if n == 0:
            raise InputError("the anode blend needs at least one component", field="anode.components")
        w = np.ones((1,)) if self.weights is None and n == 1 else np.asarray(self.weights, dtype=float)
        if w.shape[0] != n:
            raise InputError(f"{n} components but weights of leading size {w.shape[0]}", field="anode.weights")
        if np.any(w < 0) or np.any(~np.isfinite(w)):
            raise InputError("mass fractions must be finite and >= 0", field="anode.weights")
        if np.any(np.abs(w.sum(axis=0) - 1.0) > 1e-6):
            raise InputError("mass fractions of the blend must sum to 1", field="anode.weights")
        for i, c in enumerate(self.components):
            _check_component(c, f"anode.components[{i}]")
        self.weights = w

    @classmethod
    def _checked(cls, components: Sequence[AnodeComponent], weights: np.ndarray) -> "AnodeBlend":
        """The blend of ``components`` and 1-D float ``weights`` that already passed :meth:`__post_init__`'s
        checks (:func:`anode_blends` checks a batch's at once): the same object, built without checking again."""
        b = cls.__new__(cls)
        b.components, b.weights, b._tables, b._columns = components, weights, {}, {}
        return b

    @property
    def _n_components(self) -> int:
        return len(self.components)

    def _arr(self, attr):
        """The components' ``attr`` as an array of shape (n, 1, ...) against the weights (memoised; read-only)."""
        key = (attr, self.weights.ndim)
        v = self._columns.get(key)
        if v is None:
            v = np.array([getattr(c, attr) for c in self.components], dtype=float)
            v = self._columns[key] = v.reshape((-1,) + (1,) * (self.weights.ndim - 1))
            v.flags.writeable = False
        return v

    def expansion_at(self, frac):
        """Volume-weighted outward expansion of the blend when every component is at lithiated fraction ``frac``.

        Simplification: all components are taken at the same fraction of their reversible capacity.
        """
        vol = self.weights / self._arr("density_g_cm3")
        e = sum(vol[i] * self.components[i].expansion_at(frac) for i in range(len(self.components)))
        return e / np.sum(vol, axis=0)

    def _single_voltage(self, theta, branch):
        return self.components[0].voltage(theta, branch) + 0.0 * theta

    def _inverse_tables(self, branch: str, n_grid: int):
        """:func:`_inverse_tables` of this blend, a batch of one (memoised per branch)."""
        key = (branch, n_grid)
        if key not in self._tables:
            self._tables[key] = _inverse_tables([self.components], branch, n_grid)
        return self._tables[key]


@dataclass
class StackedBlend(_Mixing):
    """Many designs' blends as one batch (shape (B,)): row ``b`` is ``rows[b]``, with its own components.

    Every row has the same number of components (component ``i`` of each row in column ``i``); the mixture
    rules and the voltage inversion are :class:`AnodeBlend`'s (the same code, :class:`_Mixing`), run with
    the rows' attributes as arrays (n, B) and the rows' inverse tables stacked (B, n, K), padded to the
    longest row's K (:func:`_invert_rows`). A blend alone is the batch of one of this.
    """

    rows: Sequence[AnodeBlend]
    _tables: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _columns: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        if len(self.rows) == 0:
            raise InputError("a stacked blend needs at least one design", field="anode.rows")
        ns = {len(b.components) for b in self.rows}
        if len(ns) != 1 or any(b.weights.ndim != 1 for b in self.rows):
            raise InputError("stacked blends need one design per row with the same number of components",
                             field="anode.rows")
        self.weights = np.stack([b.weights for b in self.rows], axis=1)  # (n, B)

    @property
    def _n_components(self) -> int:
        return self.weights.shape[0]

    def _arr(self, attr):
        """The rows' components' ``attr`` as an array (n, B) (memoised; read-only)."""
        v = self._columns.get(attr)
        if v is None:
            get = attrgetter(attr)
            v = self._columns[attr] = np.array([list(map(get, b.components)) for b in self.rows], dtype=float).T
            v.flags.writeable = False
        return v

    def expansion_at(self, frac):
        """:meth:`AnodeBlend.expansion_at` of each row at its own ``frac`` (shape (B,) or broadcast to it)."""
        f = np.broadcast_to(np.asarray(frac, dtype=float), (len(self.rows),))
        return np.array([b.expansion_at(f[i]) for i, b in enumerate(self.rows)], dtype=float)

    def _single_voltage(self, theta, branch):
        th = np.asarray(theta, dtype=float)
        th = th if th.ndim else np.broadcast_to(th, (len(self.rows),))
        return np.array([b._single_voltage(th[i], branch) for i, b in enumerate(self.rows)], dtype=float)

    def _inverse_tables(self, branch: str, n_grid: int):
        """:func:`_inverse_tables` of the rows' components (memoised per branch)."""
        key = (branch, n_grid)
        if key not in self._tables:
            self._tables[key] = _inverse_tables([b.components for b in self.rows], branch, n_grid)
        return self._tables[key]


def _inverse_tables(rows: Sequence[Sequence[AnodeComponent]], branch: str, n_grid: int):
    """Inverse-curve tables of B blends' components (each row's components, n per row) for
    :meth:`_Mixing.delithiation_voltage_V`: (U grid (T, K) ascending, theta_i(U) (T, n, K), each table's length
    (T,), each row's table (B,)), one table per distinct row (rows of equal curves share theirs: a sweep's designs
    share many).

    Each component's curve is tabulated on ``n_grid`` points of its theta and made strictly decreasing; a table's
    U grid is the sorted union of its components' table potentials and the bounds, clipped to [-0.05, 2.0] V
    (``np.unique`` row by row), and ``theta_i`` is each table interpolated there. Tables shorter than the longest
    are padded: U with its top potential, theta with any number (:func:`_invert_rows` reads neither).
    """
    keys = [tuple(_curve_key(c, branch) for c in comps) for comps in rows]
    index: dict = {}
    firsts: list = []  # the first row of each distinct key
    tab = []
    for j, key in enumerate(keys):
        t = index.get(key)
        if t is None:
            t = index[key] = len(firsts)
            firsts.append(j)
        tab.append(t)
    # a row's tables depend on its own curves only (the padding length is the same longest row's)
    return (*_tables_of([rows[j] for j in firsts], [keys[j] for j in firsts], branch, n_grid),
            np.array(tab, dtype=np.intp))


def _curve_key(c: AnodeComponent, branch: str):
    """A key of the voltage curve ``c.voltage(., branch)`` evaluates: equal keys, equal curves. A curve of
    :func:`_branch_curve` is keyed on its arrays' content (dtype, shape and bytes, so different curves cannot
    share a key); any other curve on the function object itself (alive while the key is used)."""
    f = c.lithiation_voltage if (branch == "lithiation" and c.lithiation_voltage is not None) \
        else c.delithiation_voltage
    arrays = getattr(f, "curve_arrays", None)
    if arrays is None:
        return ("function", id(f))
    return ("branch_curve",) + tuple((a.dtype.str, a.shape, a.tobytes()) for a in arrays)


def _tables_of(rows, keys, branch: str, n_grid: int):
    """:func:`_inverse_tables` of rows, each component's curve tabulated once per distinct ``keys`` entry."""
    u_lo, u_hi = -0.05, 2.0
    grid = _grid(n_grid)
    b, n = len(rows), len(rows[0])
    rows_of: list[dict] = [{} for _ in range(n)]  # component i: curve key -> the rows that have it
    for j, key in enumerate(keys):
        for i in range(n):
            rows_of[i].setdefault(key[i], []).append(j)
    u = np.empty((b, n, n_grid))
    done: dict = {}  # curve key -> its table (a curve tabulated once, whichever rows and components have it)
    for i in range(n):
        for key, js in rows_of[i].items():
            if key not in done:
                done[key] = rows[js[0]][i].voltage(grid, branch)
            u[js, i] = done[key]
    # force strictly decreasing U(theta) so the inverse is single-valued
    u = np.minimum.accumulate(u, axis=2) - 1e-9 * grid
    tu = u[:, :, ::-1]  # ascending U, with theta grid[::-1]
    both = np.empty((b, n * n_grid + 2))
    both[:, :-2], both[:, -2], both[:, -1] = tu.reshape(b, -1), u_lo, u_hi
    srt = np.sort(np.clip(both, u_lo, u_hi, out=both), axis=1)
    keep = np.empty(srt.shape, dtype=bool)
    keep[:, 0] = True
    np.not_equal(srt[:, 1:], srt[:, :-1], out=keep[:, 1:])  # np.unique, row by row
    lengths = keep.sum(axis=1)
    k = int(lengths.max())
    # a row's repeats replaced by u_hi (its largest value) and sorted to its end: its distinct values, then u_hi
    # as its padding
    srt[~keep] = u_hi
    srt.sort(axis=1)
    u_all = np.ascontiguousarray(srt[:, :k])
    tg = grid[::-1]
    th_tab = np.zeros((b, n, k))
    n_rows = lengths.tolist()
    for i in range(n):  # one np.interp per distinct curve over the U grids of the rows that have it
        for js in rows_of[i].values():
            j = js[0]
            if len(js) == 1:
                th_tab[j, i, :n_rows[j]] = np.interp(u_all[j, :n_rows[j]], tu[j, i], tg)
            else:  # each point interpolated on its own: the same numbers as row by row
                th_tab[js, i] = np.interp(u_all[js], tu[j, i], tg)
    return u_all, th_tab, n_rows


def _broadcast(a: np.ndarray, shape: tuple) -> np.ndarray:
    """``np.broadcast_to(a, shape)``; ``a`` itself when it already has that shape (the same values, no view)."""
    return a if a.shape == shape else np.broadcast_to(a, shape)


@lru_cache(maxsize=8)
def _grid(n: int) -> np.ndarray:
    """``np.linspace(0, 1, n)``, built once per n (read-only: shared by every blend's inverse tables)."""
    g = np.linspace(0.0, 1.0, n)
    g.flags.writeable = False
    return g


def single(component: AnodeComponent) -> AnodeBlend:
    return AnodeBlend([component], np.ones(1))


def two_component(a: AnodeComponent, b: AnodeComponent, frac_b) -> AnodeBlend:
    """Blend of a and b with mass fraction ``frac_b`` of b (scalar or array)."""
    fb = np.asarray(frac_b, dtype=float)
    if np.any(fb < 0) or np.any(fb > 1):
        raise InputError(f"mass fraction must be in [0, 1], got {frac_b!r}", field="active.si_fraction")
    return AnodeBlend([a, b], np.stack([1.0 - fb, fb]))


# ----------------------------------------------------------------------------- materials-stage adapter
class _BranchCurve:
    """U(theta) of one branch of a materials-stage voltage curve: linear interpolation of ``u`` on ``th`` at theta
    clipped to [0, 1]. A small object, not a closure (a sweep builds a few per design)."""

    __slots__ = ("th", "u")

    def __init__(self, th: np.ndarray, u: np.ndarray):
        self.th, self.u = th, u

    def __call__(self, theta):
        return np.interp(np.clip(np.asarray(theta, dtype=float), 0.0, 1.0), self.th, self.u)

    @property
    def curve_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """What the curve computes from: its content keys the shared inverse tables (:func:`_curve_key`)."""
        return self.th, self.u


def _branch_curve(curve, q_rev: float, branch: str = "delithiation", th=None) -> _BranchCurve:
    """U(theta) of one branch of a materials-stage :class:`~sianode.materials.composites.VoltageCurve`
    (capacity axis increasing; theta = capacity / q_rev, or ``th`` if given (that), linear interpolation,
    clipped to [0, 1])."""
    return _BranchCurve(curve.capacity_mAh_g / q_rev if th is None else th, curve.branch(branch))


def component_from_properties(c, fallback_density_g_cm3: float | None = None) -> AnodeComponent:
    """One cell-model component from a materials-stage ``ComponentProperties`` (capacity, ICE, envelope
    density, expansion and voltage branches as the materials stage computed them)."""
    q = float(c.reversible_capacity_mAh_g)
    vc = getattr(c, "voltage_curve", None)
    lith = None
    if vc is not None:
        curve = _branch_curve(vc, q)
        lith = _branch_curve(vc, q, "lithiation", curve.curve_arrays[0])  # the same theta axis, computed once
    elif getattr(c, "si_mass_frac", 0.0) > 0:
        curve = si_delithiation_curve()
    else:
        curve = graphite_component().delithiation_voltage
    rho = float(getattr(c, "density_g_cm3", 0.0) or fallback_density_g_cm3)
    exp_fn = getattr(c, "expansion_at", None)
    return AnodeComponent(str(getattr(c, "name", getattr(c, "family", "anode"))), q, float(c.ice), rho,
                          float(c.particle_expansion), curve, "sianode.materials.composites", exp_fn, lith)


def anode_from_composite(props) -> AnodeBlend:
    """Build the cell model's anode blend from a materials-stage ``CompositeProperties``.

    Each component keeps its own capacity, ICE, envelope density, expansion (``expansion_at``) and
    delithiation voltage curve as computed by :mod:`sianode.materials.composites`.
    """
    comps, w = _composite_parts(props)
    w = np.asarray(w)
    return AnodeBlend(comps, w / np.sum(w))


def anode_blends(props_list) -> list[AnodeBlend]:
    """:func:`anode_from_composite` of many materials-stage results: the same blends, their mass fractions
    normalised and checked (:meth:`AnodeBlend.__post_init__`'s checks) over the designs at once, one array per
    number of components, instead of blend by blend. A batch with a design that fails is built design by design,
    so the first failing design raises its own error."""
    try:
        parts = [_composite_parts(p) for p in props_list]
        groups: dict = {}
        for j, (_, w) in enumerate(parts):
            groups.setdefault(len(w), []).append(j)
        out: list = [None] * len(parts)
        for idx in groups.values():
            raw = np.array([parts[j][1] for j in idx], dtype=float)  # (B, n): a row's sum is np.sum of the row
            w = raw / np.sum(raw, axis=1, keepdims=True)
            if not np.isfinite(w).all() or (w < 0).any() or (np.abs(w.sum(axis=1) - 1.0) > 1e-6).any():
                raise InputError("a blend's mass fractions do not pass its checks", field="anode.weights")
            for j, row in zip(idx, w):
                for i, c in enumerate(parts[j][0]):
                    _check_component(c, f"anode.components[{i}]")
                out[j] = AnodeBlend._checked(parts[j][0], row)
        return out
    except Exception:  # noqa: BLE001 - design by design below: the first bad design's own error
        return [anode_from_composite(p) for p in props_list]


def _composite_parts(props) -> tuple[list[AnodeComponent], list[float]]:
    """The blend's components of a materials-stage ``CompositeProperties`` and their mass fractions as given."""
    comps = list(getattr(props, "components", []) or []) or [props]
    rho0 = props.capacity_mAh_cm3 / props.reversible_capacity_mAh_g if not getattr(props, "components", None) else None
    return [component_from_properties(c, rho0) for c in comps], [float(getattr(c, "mass_frac", 1.0)) for c in comps]
