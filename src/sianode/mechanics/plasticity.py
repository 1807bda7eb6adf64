"""Finite-strain, elastic–perfectly-plastic stress in a lithiating sphere (spherical symmetry).

Model
-----
Kinematics (reference radius R, current radius r): stretches ``lr = dr/dR``, ``lt = r/R`` and the
multiplicative split ``F = Fe Fp Fc`` with the isotropic chemical stretch
``lc = volume_ratio(x)**(1/3)`` (Bower, Guduru & Sethuraman, J. Mech. Phys. Solids 59 (2011) 804;
Zhao et al., J. Electrochem. Soc. 159 (2012) A238). Logarithmic elastic strains

    ee_r = ln lr - ln lc - q,   ee_t = ln lt - ln lc + q/2      (plastic flow is isochoric)

Hencky elasticity on the stress-free lithiated state gives ``tau = K tr(ee) I + 2 G dev(ee)`` with the
Li-dependent modulus ``E(x)`` (:func:`sianode.mechanics.properties.lisi_young_modulus`); the Cauchy
stress is ``tau / Je`` (``Je = exp(tr ee)``) and the nominal stress ``P = Jc tau F^-T``. J2 plasticity reduces in spherical symmetry to ``|sigma_r - sigma_t| <= sigma_Y``
(perfectly plastic at fixed x, rate independent), integrated with an exact radial return per step.
``sigma_Y`` and nu come from the LixSi law (:mod:`sianode.mechanics.lisi_law`): flow stress vs x on a
compression and a tension branch chosen by the mean stress of the trial state (exact, since the
plastic flow is isochoric), pristine c-Si elastic.
Equilibrium ``d/dR(R^2 P_r) = 2 R P_t`` (nominal stresses ``P_r = tau_r/lr``, ``P_t = tau_t/lt``) is
solved by linear finite elements in R with a Newton method (banded finite-difference tangent).

The Li profile comes from :mod:`sianode.mechanics.diffusion` (or any x(R, t)); it is taken per
unit reference volume (Lagrangian), i.e. the diffusion grid is the reference grid.

Set ``yield_stress=np.inf`` for finite-strain elasticity; :func:`sianode.mechanics.sphere.elastic_sphere_stress`
is the small-strain linear-elastic result kept for comparison with papers that use it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_banded

from sianode.errors import InputError, SolverError
from sianode.materials import lisi
from sianode.mechanics import lisi_law
from sianode.mechanics.properties import lisi_young_modulus

_GP = np.array([0.5 - 0.5 / np.sqrt(3), 0.5 + 0.5 / np.sqrt(3)])  # 2-point Gauss on [0, 1]


@dataclass
class PlasticSphereResult:
    """Histories (n_steps x n_gauss): Cauchy radial/hoop stress (Pa), current radius (m), plastic strain q."""

    R: np.ndarray
    r: np.ndarray
    radial: np.ndarray
    hoop: np.ndarray
    q: np.ndarray
    x: np.ndarray
    outer_radius: np.ndarray

    @property
    def von_mises(self):
        return np.abs(self.radial - self.hoop)

    @property
    def hydrostatic(self):
        return (self.radial + 2 * self.hoop) / 3.0


class _Sphere:
    def __init__(self, R_nodes, nu, sigma_y, host, p_ext):
        self.Rn = R_nodes
        self.solid = R_nodes[0] == 0.0
        h = np.diff(R_nodes)
        self.h = h
        self.Rg = (R_nodes[:-1, None] + h[:, None] * _GP[None, :])  # (ne, 2)
        self.w = 0.5 * h[:, None] * np.ones((1, 2))
        self.nu, self.sy, self.host, self.p_ext = nu, sigma_y, host, p_ext

    def gauss_state(self, r, x_g, q_old):
        ri, rj = r[:-1, None], r[1:, None]
        lr = (rj - ri) / self.h[:, None]
        rg = ri * (1 - _GP) + rj * _GP
        lt = rg / self.Rg
        if np.any(lr <= 0) or np.any(lt <= 0):
            return None
        lc = lisi.volume_ratio(x_g, host=self.host) ** (1.0 / 3.0)
        E = lisi_young_modulus(x_g, host=self.host)
        nu = lisi_law.poisson_ratio(x_g) if self.nu is None else self.nu
        K = E / (3 * (1 - 2 * nu)); G = E / (2 * (1 + nu))
        # elastic volume ratio (plastic flow is isochoric): Cauchy stress = Kirchhoff-like tau / Je,
        # with tau from Hencky moduli measured on the stress-free lithiated state
        Je = lr * lt ** 2 / lc ** 3
        d = np.log(lr) - np.log(lt)
        s_tr = 2 * G * (d - 1.5 * q_old)
        if self.sy is None:
            # flow stress of the law at the (exact, isochoric flow) mean Cauchy stress of the trial state
            mean = K * np.log(Je) / Je
            sy = lisi_law.flow_stress(x_g, mean, host=self.host)
        else:
            sy = self.sy
        lim = Je * sy
        over = np.abs(s_tr) > lim
        with np.errstate(invalid="ignore"):
            q = np.where(over, (2.0 / 3.0) * (d - np.sign(s_tr) * np.where(over, lim, 0.0) / (2 * G)), q_old)
        er = np.log(lr) - np.log(lc) - q
        et = np.log(lt) - np.log(lc) + q / 2
        tr = er + 2 * et
        tau_r = K * tr + (4 * G / 3) * (er - et)
        tau_t = K * tr - (2 * G / 3) * (er - et)
        return dict(lr=lr, lt=lt, rg=rg, J=Je, Jc=lc ** 3, q=q, tau_r=tau_r, tau_t=tau_t)

    def residual(self, r, x_g, q_old):
        st = self.gauss_state(r, x_g, q_old)
        if st is None:
            return None
        # nominal stress P = J sigma F^-T = Jc Jp tau F^-T (Jp = 1)
        Pr = st["Jc"] * st["tau_r"] / st["lr"]; Pt = st["Jc"] * st["tau_t"] / st["lt"]
        R2 = self.Rg ** 2
        dN = np.array([-1.0, 1.0])[None, None, :] / self.h[:, None, None]
        N = np.stack([1 - _GP, _GP], axis=-1)[None, :, :]
        f = (Pr[..., None] * dN + 2 * Pt[..., None] * N / self.Rg[..., None]) * (R2 * self.w)[..., None]
        fe = f.sum(axis=1)  # (ne, 2)
        res = np.zeros(len(r))
        res[:-1] += fe[:, 0]; res[1:] += fe[:, 1]
        res[-1] += self.p_ext * r[-1] ** 2
        return res


def _volume_guess(r_old, x_old, x_new, host):
    """Compatible initial guess: each shell keeps its elastic dilatation and takes the new chemical volume."""
    jc_old = lisi.volume_ratio(0.5 * (x_old[1:] + x_old[:-1]), host)
    jc_new = lisi.volume_ratio(0.5 * (x_new[1:] + x_new[:-1]), host)
    dv = np.diff(r_old ** 3) * jc_new / jc_old
    return np.cbrt(r_old[0] ** 3 + np.concatenate([[0.0], np.cumsum(dv)]))


def plastic_sphere(R_nodes, x_history, *, yield_stress: float | None = None, poisson_ratio: float | None = None,
                   host: str = "amorphous", external_pressure: float = 0.0, tol: float = 1e-6,
                   max_iter: int = 40, debug: bool = False) -> PlasticSphereResult:
    """Stress history of a sphere following a Li profile history.

    R_nodes : reference node radii (m), increasing; R_nodes[0] = 0 for a solid sphere, > 0 for a hollow one.
    x_history : (n_steps, n_nodes) Li per Si at the nodes for each load step.
    yield_stress : Pa; default None = the LixSi law (:func:`sianode.mechanics.lisi_law.flow_stress`:
        x- and stress-sign dependent, elastic pristine c-Si); a number for a constant flow stress; np.inf for elastic.
    poisson_ratio : default None = the law's nu(x).
    external_pressure : Cauchy pressure on the outer surface, Pa (stack/confinement), >= 0.
    """
    R_nodes = np.asarray(R_nodes, dtype=float)
    xh = np.atleast_2d(np.asarray(x_history, dtype=float))
    if np.any(np.diff(R_nodes) <= 0) or R_nodes[0] < 0:
        raise InputError("reference radii must be >= 0 and strictly increasing", field="R_nodes")
    if xh.shape[1] != len(R_nodes):
        raise InputError(f"x_history has {xh.shape[1]} columns, expected {len(R_nodes)} (one per node)", field="x_history")
    sy = None if yield_stress is None else float(yield_stress)
    nu = None if poisson_ratio is None else float(poisson_ratio)
    if sy is not None and sy <= 0:
        raise InputError("yield stress must be > 0", field="yield_stress")
    if external_pressure < 0:
        raise InputError("external pressure must be >= 0", field="external_pressure")
    m = _Sphere(R_nodes, nu, sy, host, external_pressure)
    n = len(R_nodes)
    r = R_nodes.copy()
    q = np.zeros_like(m.Rg)
    x_prev = np.zeros(n) if xh[0].max() > 0 else xh[0]
    out = {k: [] for k in ("r", "radial", "hoop", "q", "x", "b")}
    scale = lisi_young_modulus(0.0, host) * R_nodes[-1] ** 2  # residual ~ stress * R^2
    free = slice(1, None) if m.solid else slice(0, None)

    def to_gauss(xn):
        return xn[:-1, None] * (1 - _GP) + xn[1:, None] * _GP

    def solve_step(x_nodes, r0, q_old):
        x_g = to_gauss(x_nodes)
        # initial guess: scale with the change in chemical stretch
        r = r0.copy()
        for it in range(max_iter):
            res = m.residual(r, x_g, q_old)
            if res is None:
                return None
            res[0] = 0.0 if m.solid else res[0]
            err = np.max(np.abs(res[free])) / scale
            if debug:
                print(it, err)
            if err < tol:
                st = m.gauss_state(r, x_g, q_old)
                return r, st
            # banded FD Jacobian (tridiagonal): colour nodes mod 3
            eps = 1e-7 * R_nodes[-1]
            ab = np.zeros((3, n))
            for c in range(3):
                dr = np.zeros(n); idx = np.arange(c, n, 3); dr[idx] = eps
                if m.solid:
                    dr[0] = 0.0
                rp = m.residual(r + dr, x_g, q_old)
                if rp is None:
                    return None
                col = (rp - res) / eps
                jl = idx[idx >= 1]
                ju = idx[idx <= n - 2]
                ab[0, jl] = col[jl - 1]
                ab[1, idx] = col[idx]
                ab[2, ju] = col[ju + 1]
            if m.solid:
                ab[:, 0] = 0.0; ab[1, 0] = 1.0; ab[0, 1] = 0.0
                res[0] = 0.0
            try:
                delta = solve_banded((1, 1), ab, -res)
            except (np.linalg.LinAlgError, ValueError):
                return None
            # backtracking line search on the residual norm; keeps stretches positive
            lam, norm0 = 1.0, np.linalg.norm(res[free])
            while lam > 1e-4:
                r_try = r + lam * delta
                if np.all(np.diff(r_try) > 0) and np.all(r_try[free] > 0):
                    rt = m.residual(r_try, x_g, q_old)
                    if rt is not None:
                        if m.solid:
                            rt[0] = 0.0
                        if np.linalg.norm(rt[free]) < (1 - 1e-4 * lam) * norm0:
                            break
                lam *= 0.5
            r = r + lam * delta
        return None

    for k in range(xh.shape[0]):
        x_target = xh[k]
        # sub-stepping with cut-back on failure
        pieces, done, x_from = 1, False, x_prev
        while not done:
            ok = True
            r_loc, q_loc = r.copy(), q.copy()
            for s in range(1, pieces + 1):
                xs = x_from + (x_target - x_from) * s / pieces
                x_old = x_from + (x_target - x_from) * (s - 1) / pieces
                sol = solve_step(xs, _volume_guess(r_loc, x_old, xs, host), q_loc)
                if sol is None:
                    ok = False
                    break
                r_loc, st = sol
                q_loc = st["q"]
            if ok:
                r, q, done = r_loc, q_loc, True
            else:
                pieces *= 4
                if pieces > 256:
                    raise SolverError(f"finite-strain plastic sphere: Newton did not converge at load step {k} "
                                      f"(max x = {x_target.max():.3g}) even with 256 sub-steps")
        x_prev = x_target
        out["r"].append(st["rg"]); out["radial"].append(st["tau_r"] / st["J"]); out["hoop"].append(st["tau_t"] / st["J"])
        out["q"].append(q.copy()); out["x"].append(to_gauss(x_target)); out["b"].append(r[-1])
    return PlasticSphereResult(R=m.Rg.ravel(), r=np.array([a.ravel() for a in out["r"]]),
                               radial=np.array([a.ravel() for a in out["radial"]]),
                               hoop=np.array([a.ravel() for a in out["hoop"]]),
                               q=np.array([a.ravel() for a in out["q"]]),
                               x=np.array([a.ravel() for a in out["x"]]), outer_radius=np.array(out["b"]))
