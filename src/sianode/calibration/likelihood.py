"""The forward model and likelihood of a calibration: the life model against measured half-cell cycles.

Forward model, per cell ``j`` and cycle ``k`` (1 = the formation cycle)
---------------------------------------------------------------------
The life model (:func:`sianode.life.fade.simulate`, half cell, vectorised over parameter sets) runs at the
cell's own C-rate ``c_ref`` (median of its fitted cycles), rest and temperature, starting from the capacity
``C0`` (below), and gives the delithiation capacity ``q_k`` and coulombic efficiency ``CE_k`` of every cycle
(its cycle 1 is the formation cycle's delithiation; its ICE is the ``ice`` input, not simulated). A cycle run at
another C-rate ``c_k`` delivers the Si utilisation of that rate (:mod:`sianode.materials.utilisation`, the one
owner, tabulated in its dimensionless ``Lambda = R^2 c / (3 * 3600 s * D)``)::

    g(c) = 1 - phi (1 - u(Lambda(c)))          delivered / reversible capacity (phi: Si share of the capacity)
    y_k  = s * (q_k / C0) * g(c_k) / g(c_ref)  predicted delithiation capacity

``s`` is the cell's capacity at ``c_ref`` (mAh/g, or mAh without a mass). ``C0`` is the measured first-cycle
capacity brought to ``c_ref`` (the design's estimate when the mass is unknown); using it as the model's start
(a *plug-in*) neglects how the SEI loss per cycle, in mAh/g, changes with a few per cent of capacity.

Likelihood
----------
Capacity: relative errors ``(y_k - Y_k) / Y_k`` Gaussian with an unknown scale ``sigma``; the cell's scale ``s``
(flat prior) and ``sigma`` (Jeffreys prior ``1/sigma``) are integrated out analytically. With
``a_k = (q_k / C0) g_k / Y_k`` over the ``m`` fitted cycles::

    log L_cap = -1/2 log(sum a^2) - (m - 1)/2 log(m - (sum a)^2 / sum a^2)

and ``s`` given the other parameters is Student-t (``m - 1`` degrees of freedom) around ``sum a / sum a^2``.

CE (cycles 2..): absolute errors with their own unknown ``sigma`` (Jeffreys), ``log L = -n/2 log sum e^2``
(``ce_mode="absolute"``); or, when the measured CE is above 100 % (``"auto"`` picks it when the median of the
fitted cycles is), a constant offset is integrated out too so that only the CE's *trend* informs the fit:
``log L = -1/2 log n - (n - 1)/2 log sum (e - mean e)^2`` (``"offset"``: a cycler's coulometric bias, or Li coming
back from earlier cycles, which the model lacks). ``"off"``: CE not used. Fewer than 3 CE values: not used.

ICE: measured directly; ``ice ~ Normal(ICE_measured, sigma_CE)`` with the cell's CE scatter
(:meth:`sianode.calibration.data.CellData.ce_noise`), independent of the life parameters in a half cell.

Misfit: when the residuals of the best fit of a data group (a cell's capacities, or its CEs) are autocorrelated
(lag-1 ``rho`` above its 95 % null bound ``1.96 / sqrt(m)``), that group's likelihood is raised to the power
``w = (1 - rho) / (1 + rho)`` (the effective-sample-size factor of an AR(1) series, Wilks, *Statistical Methods
in the Atmospheric Sciences*, 3rd ed. 2011, eq. 5.12): a power posterior (Holmes & Walker, Biometrika 104 (2017)
497) that widens the intervals instead of over-trusting a model that misses a trend. The powers come from the
best fit of a first pass at full weight (:meth:`Likelihood.group_weights`); the posterior is then sampled again.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from sianode.errors import InputError
from sianode.life import fade

CE_MODES = ("auto", "absolute", "offset", "off")
MIN_CE_POINTS = 3


# --------------------------------------------------------------------------- utilisation, tabulated
_LOG_LAMBDA = np.linspace(-8.0, 6.0, 561)
_U_TABLE: np.ndarray | None = None


def utilisation_of_lambda(lam) -> np.ndarray:
    """u(Lambda) of :func:`sianode.materials.utilisation.diffusion_utilisation`, tabulated once (0.025 decade
    steps, linear interpolation in log Lambda; below the table u = 1, above it the owner's short-time limit)."""
    global _U_TABLE
    from sianode.materials.utilisation import diffusion_utilisation

    if _U_TABLE is None:
        lam_grid = 10.0 ** _LOG_LAMBDA
        _U_TABLE = np.asarray(diffusion_utilisation(lam_grid * 3.0 * 3600.0, 1.0, 1.0), float)
    lam = np.asarray(lam, float)
    x = np.log10(np.maximum(lam, 1e-300))
    u = np.interp(x, _LOG_LAMBDA, _U_TABLE)
    return np.where(x > _LOG_LAMBDA[-1], 3.0 * np.pi / (4.0 * lam), u)


def delivered_fraction(c_rate, radius_m, diffusivity_m2_s, si_share):
    """g(c) = 1 - phi (1 - u): delivered share of the reversible capacity at ``c_rate`` (module docstring)."""
    lam = np.asarray(radius_m, float) ** 2 * np.asarray(c_rate, float) / (3.0 * 3600.0 * np.asarray(diffusivity_m2_s, float))
    return 1.0 - np.asarray(si_share, float) * (1.0 - utilisation_of_lambda(lam))


# --------------------------------------------------------------------------- one cell's setup
@dataclass
class CellSetup:
    """What the forward model needs for one cell (observations may hold several problems, shape (B, K))."""

    base: fade.LifeInputs  # scalar inputs at c_ref, capacity C0
    cycles: np.ndarray  # (K,) cycle numbers compared
    c_rate: np.ndarray  # (K,) C-rate of each cycle
    c_ref: float
    radius_m: float
    diffusivity_m2_s: float  # nominal D (factor 1)
    si_share: float  # phi
    capacity: np.ndarray  # (B, K) observed delithiation capacity
    ce: np.ndarray  # (B, K) observed CE (cycle 1 = ICE, not used here)
    fit: np.ndarray  # (K,) bool: fitted cycles
    ce_mode: str = "absolute"  # resolved: "absolute" | "offset" | "off"
    C0: float | np.ndarray = float("nan")  # plug-in first capacity (mAh/g), scalar or one per problem (B,)

    @property
    def n_sim(self) -> int:
        return int(self.cycles.max())


def resolve_ce_mode(ce_mode: str, ce_fit: np.ndarray) -> tuple[str, str]:
    """The CE mode for one cell and the reason (``auto``: offset when the median CE of the fitted cycles after
    the first exceeds 1; off with fewer than 3 values)."""
    if ce_mode not in CE_MODES:
        raise InputError(f"CE mode {ce_mode!r} not understood; use one of {', '.join(CE_MODES)}", field="--ce")
    if ce_mode == "off":
        return "off", "CE not used (--ce off)"
    if ce_fit.size < MIN_CE_POINTS:
        return "off", f"{ce_fit.size} CE value(s) after the first cycle in the fitted cycles: too few to use"
    if ce_mode == "auto":
        if float(np.median(ce_fit)) > 1.0:
            return "offset", (f"median CE of the fitted cycles {100 * np.median(ce_fit):.2f} % is above 100 %, which the "
                              "half-cell model cannot give: only the CE trend is fitted (a constant offset is "
                              "integrated out)")
        return "absolute", "CE fitted as measured"
    return ce_mode, f"CE mode {ce_mode} (--ce)"


# --------------------------------------------------------------------------- the parameters sampled
@dataclass(frozen=True)
class Sampled:
    """One sampled parameter: registry name, prior box in z (log for log-uniform), nominal value."""

    name: str
    lo: float
    hi: float
    log: bool
    nominal: float
    unit: str

    @classmethod
    def from_registry(cls, name: str, nominal: float) -> "Sampled":
        """The prior of registry entry ``name`` (:mod:`sianode.life.uncertainty`) around ``nominal``."""
        from sianode.life import uncertainty

        u = uncertainty.entry(name)
        log = u.distribution == "loguniform"
        lo, hi = (np.log(u.low), np.log(u.high)) if log else (u.low, u.high)
        return cls(name, float(lo), float(hi), log, float(nominal), u.unit)

    def value(self, z):
        f = np.exp(z) if self.log else z
        return self.nominal * f

    def factor(self, z):
        return np.exp(z) if self.log else np.asarray(z)


def life_parameters(base: fade.LifeInputs) -> list[Sampled]:
    """Every life-model entry of the registry, around the nominal values of ``base``."""
    from sianode.life import uncertainty

    return [Sampled.from_registry(n, float(getattr(base, n))) for n in uncertainty.LIFE_NAMES]


# --------------------------------------------------------------------------- the likelihood of a batch
@dataclass
class Likelihood:
    """Log-likelihood of parameter sets for ``B`` problems (observation sets) over the same cells' setup."""

    cells: list[CellSetup]
    params: list[Sampled]
    n_problems: int = 1
    record: tuple = ("capacity_mAh_g", "ce")
    weights: np.ndarray | None = None  # (B, cells, 2): power of the capacity and CE likelihood (None: 1)
    evaluations: int = field(default=0, init=False)

    def _c0(self, cell: CellSetup, rows: np.ndarray) -> np.ndarray:
        """Plug-in first capacity of each row (``rows``: problem index of every row)."""
        c0 = np.asarray(cell.C0, float)
        return np.full(len(rows), float(c0)) if c0.ndim == 0 else c0[rows]

    def _inputs(self, zflat: np.ndarray, cell: CellSetup, rows: np.ndarray):
        """LifeInputs for the rows of ``zflat`` (P, d) of one cell."""
        kw = {"capacity_mAh_g": self._c0(cell, rows)}
        for i, p in enumerate(self.params):
            if p.name == "si_diffusivity_m2_s":
                kw["diffusivity_m2_s"] = p.value(zflat[:, i])
            else:
                kw[p.name] = getattr(cell.base, p.name) * p.factor(zflat[:, i])
        return dataclasses.replace(cell.base, **kw)

    def _diffusivity(self, zflat, cell):
        for i, p in enumerate(self.params):
            if p.name == "si_diffusivity_m2_s":
                return p.value(zflat[:, i])
        return np.full(len(zflat), cell.diffusivity_m2_s)

    def trajectories(self, z: np.ndarray, rows: np.ndarray | None = None, full: bool = False) -> list[dict]:
        """Per cell: ``f`` (P, K) = (q_k / C0) g(c_k)/g(c_ref) and model ``ce`` (P, K) for rows z (P, d);
        ``rows`` (P,) gives each row's problem (default: all problem 0).

        Only the fitted cycles are simulated unless ``full`` (the held-out ones are then NaN)."""
        rows = np.zeros(len(z), int) if rows is None else np.asarray(rows)
        out = []
        for cell in self.cells:
            inp = self._inputs(z, cell, rows)
            n = cell.n_sim if full else int(cell.cycles[cell.fit].max())
            t = fade.simulate(inp, n, record=self.record)
            idx = np.minimum(cell.cycles, n) - 1
            beyond = cell.cycles > n
            q = np.where(beyond[:, None], np.nan, t["capacity_mAh_g"][idx]).T  # (P, K)
            ce = np.where(beyond[:, None], np.nan, t["ce"][idx]).T
            d = self._diffusivity(z, cell)[:, None]
            g = delivered_fraction(cell.c_rate[None, :], cell.radius_m, d, cell.si_share)
            g_ref = delivered_fraction(cell.c_ref, cell.radius_m, d, cell.si_share)
            out.append({"f": q / self._c0(cell, rows)[:, None] * g / g_ref, "ce": ce})
        self.evaluations += 1
        return out

    def loglik_parts(self, z: np.ndarray, problems: np.ndarray):
        """(ll (Pb, N), per-cell parts) for z of shape (Pb, N, d) and problem indices (Pb,)."""
        pb, n, d = z.shape
        traj = self.trajectories(z.reshape(pb * n, d), np.repeat(problems, n))
        total = np.zeros((pb, n))
        parts = []
        for j, (cell, tr) in enumerate(zip(self.cells, traj)):
            y = cell.capacity[problems][:, None, :]  # (Pb, 1, K)
            f = tr["f"].reshape(pb, n, -1)
            fit = cell.fit
            a = f[:, :, fit] / y[:, :, fit]
            m = int(fit.sum())
            s1, s2 = a.sum(-1), (a * a).sum(-1)
            ssr = np.maximum(m - s1 * s1 / np.maximum(s2, 1e-300), 1e-300)
            ll = -0.5 * np.log(np.maximum(s2, 1e-300)) - 0.5 * (m - 1) * np.log(ssr)
            ce_ll = np.zeros_like(ll)
            if cell.ce_mode != "off":
                sel = fit & (cell.cycles >= 2)
                e = cell.ce[problems][:, None, sel] - tr["ce"].reshape(pb, n, -1)[:, :, sel]
                k = int(sel.sum())
                if cell.ce_mode == "offset":
                    e = e - e.mean(-1, keepdims=True)
                    ce_ll = -0.5 * (k - 1) * np.log(np.maximum((e * e).sum(-1), 1e-300))
                else:
                    ce_ll = -0.5 * k * np.log(np.maximum((e * e).sum(-1), 1e-300))
            if self.weights is not None:
                ll = ll * self.weights[problems, j, 0][:, None]
                ce_ll = ce_ll * self.weights[problems, j, 1][:, None]
            part = ll + ce_ll
            part = np.where(np.isfinite(part) & np.all(np.isfinite(f[:, :, fit]), axis=-1), part, -np.inf)
            total = total + part
            parts.append({"a": a, "s1": s1, "s2": s2, "ssr": ssr, "m": m})
        return total, parts

    def __call__(self, z: np.ndarray, problems: np.ndarray) -> np.ndarray:
        return self.loglik_parts(z, problems)[0]

    def group_weights(self, z: np.ndarray, ll: np.ndarray, problems: np.ndarray) -> np.ndarray:
        """Powers (Pb, cells, 2) of each cell's capacity and CE likelihood from the lag-1 autocorrelation of the
        best particle's residuals (module docstring)."""
        best = np.argmax(np.where(np.isfinite(ll), ll, -np.inf), axis=1)
        zb = z[np.arange(len(problems)), best]  # (Pb, d)
        traj = self.trajectories(zb, problems)
        out = np.ones((len(problems), len(self.cells), 2))
        for j, (cell, tr) in enumerate(zip(self.cells, traj)):
            fit = cell.fit
            y = cell.capacity[problems][:, fit]
            a = tr["f"][:, fit] / y
            s = a.sum(1) / np.maximum((a * a).sum(1), 1e-300)
            out[:, j, 0] = ess_factor(s[:, None] * a - 1.0)
            if cell.ce_mode != "off":
                sel = fit & (cell.cycles >= 2)
                out[:, j, 1] = ess_factor(cell.ce[problems][:, sel] - tr["ce"][:, sel])
        return out


def lag1(r: np.ndarray) -> np.ndarray:
    """Lag-1 autocorrelation of each row of residuals (mean removed)."""
    r = r - r.mean(-1, keepdims=True)
    den = (r * r).sum(-1)
    num = (r[..., 1:] * r[..., :-1]).sum(-1)
    return np.where(den > 0, num / np.maximum(den, 1e-300), 0.0)


def ess_factor(r: np.ndarray) -> np.ndarray:
    """``(1 - rho) / (1 + rho)`` where the lag-1 autocorrelation exceeds ``1.96 / sqrt(m)``, else 1."""
    m = r.shape[-1]
    if m < 4:
        return np.ones(r.shape[:-1])
    rho = lag1(r)
    sig = rho > 1.96 / np.sqrt(m)
    return np.where(sig, np.clip((1.0 - rho) / (1.0 + rho), 0.05, 1.0), 1.0)
