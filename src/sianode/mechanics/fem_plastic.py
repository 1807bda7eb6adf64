"""Elasto-plastic finite elements of a lithiating, porous, coated Si particle (scikit-fem, axisymmetric).

Model
-----
Axisymmetric meridian quarter-plane (r >= 0, z >= 0) with mirror symmetry about z = 0; quadratic
triangles (``ElementVector(ElementTriP2())``) on the mesh of :func:`sianode.mechanics.fem.build_mesh`
(nodes on every circle: particle surface, coating interface, pore walls). Pores are holes in the mesh,
i.e. traction-free internal surfaces; coatings (outer shell, pore-wall layer) are separate elastic
materials perfectly bonded to the Si (shared nodes; seeds/002 §2.4 assumes no interfacial separation).

Small-strain kinematics with an additive split ``eps = eps_e + eps_p + eps* I``, where the isotropic
lithiation eigenstrain ``eps* = volume_ratio(x)^(1/3) - 1`` (:func:`sianode.materials.lisi.linear_strain`).
Si follows the LixSi law of :mod:`sianode.mechanics.lisi_law` at every quadrature point:
isotropic elasticity with ``E(x)``, ``nu(x)`` and J2 plasticity with the flow stress
``sigma_f(x, p)`` (compression/tension branch by the mean stress p; pristine c-Si elastic). Stress
update: elastic predictor, radial return (exact for perfect plasticity; p is unchanged by isochoric
flow), consistent tangent ``C = K 1(x)1 + 2 mu beta (I_dev - n(x)n) + sqrt(2/3) K sigma_f'(p) n(x)1``,
``beta = sigma_f / q_trial`` (Simo & Hughes, Computational Inelasticity, 1998, §3.3, plus the
pressure-dependence term of the flow stress; non-symmetric). Equilibrium ``int B^T sigma r dA = 0`` by Newton's method in
each load step; load steps follow the state of lithiation, with automatic step cutting.

Lithiation: two-phase front (crystalline Si, seeds/002's mSi is crystalline, Fig. 1i): Si within a
front depth ``delta`` of a Li-supplying surface has ``x = x_lithiated`` (Li3.75Si), further in it is
pristine, smeared by a tanh of width ``front_width`` (numerical regularisation; 0 gives a front that is
sharp at the quadrature points); ``delta`` is set so the
lithiated Si volume fraction equals the state of lithiation (SOL). Li enters through the outer surface
and, when the pores are open to the electrolyte (``ParticleGeometry.pores_supply_li``), the pore walls.
At SOL = 1 the whole Si is Li3.75Si; with plasticity the stress there is the residual stress left by
the front's passage (a linear-elastic particle without coating would be stress free).

Stress measure of seeds/002 (§3.1, Fig. 1g): "average stress" of the particle at the full-lithiation
state. We take the volume average of the von Mises stress at SOL = 1, over the Si (``si_average``, the
paper's points A/B/C all lie in the Si) and over the whole particle including the coatings
(``particle_average``); both are reported, and also their mean over the lithiation history (the curve
of Fig. 1g).

Assumptions: small strains (the 1-D finite-strain model, :mod:`sianode.mechanics.plasticity`, is the
large-strain reference), rate-independent plasticity, coatings elastic and unbroken, no Li-dependent
partial molar volume beyond ``volume_ratio``, ring-shaped (toroidal) pores off the axis.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from sianode.errors import InputError, SolverError
from sianode.materials import lisi
from sianode.mechanics import lisi_law
from sianode.mechanics.fem import (UM, ParticleGeometry, band_average, discretise, front_depth_for, lithiated_indicator,
                                   outward_volume_expansion)

_SQ2 = np.sqrt(2.0)
_M = np.array([1.0, 1.0, 1.0, 0.0])            # Mandel identity (rr, zz, tt, sqrt2 rz)
_IDEV = np.eye(4) - np.outer(_M, _M) / 3.0
# load steps (state of lithiation); finer at the end, where the last pristine islands lithiate
DEFAULT_STATES = np.concatenate([np.linspace(0.1, 0.9, 9), [0.95, 0.98, 1.0]])


@dataclass
class PlasticStep:
    """Summary of one converged load step (stresses in Pa)."""

    state_of_lithiation: float
    si_average: float
    particle_average: float
    surface: float
    matrix: float
    pore_edge: float
    max_von_mises: float
    plastic_fraction: float
    newton_iterations: int
    residual: float  # largest accepted residual / residual of the full eigenstrain on the undeformed particle


@dataclass
class PlasticResult:
    """History of a lithiation run and the fields at the last step (quadrature points)."""

    name: str
    n_dof: int
    steps: list[PlasticStep]
    von_mises: np.ndarray = field(repr=False)
    mean_stress: np.ndarray = field(repr=False)
    hoop: np.ndarray = field(repr=False)
    plastic_strain: np.ndarray = field(repr=False)
    r: np.ndarray = field(repr=False)
    z: np.ndarray = field(repr=False)
    weight: np.ndarray = field(repr=False)
    si: np.ndarray = field(repr=False)
    outward_volume_expansion: float = float("nan")

    @property
    def final(self) -> PlasticStep:
        return self.steps[-1]

    def history_mean(self, attr: str = "si_average") -> float:
        """Mean of a step quantity over the lithiation history (steps with SOL > 0)."""
        v = [getattr(s, attr) for s in self.steps if s.state_of_lithiation > 0]
        return float(np.mean(v))


class PlasticParticleFEM:
    """Assembled elasto-plastic model of one particle; :meth:`lithiate` runs SOL 0 -> 1."""

    def __init__(self, geom: ParticleGeometry, h: float | None = None, name: str = "",
                 front_width: float = 0.05 * UM, x_lithiated: float = lisi_law.X_FULL, plastic: bool = True,
                 host: str = "crystalline", hardening: float | None = None, si_modulus: float | None = None):
        geom.validate()
        if not front_width >= 0:
            raise InputError("front width must be >= 0 (0: sharp front)", field="front_width")
        self.geom, self.name, self.front_width, self.plastic, self.host = geom, name, front_width, plastic, host
        if si_modulus is not None and not si_modulus > 0:
            raise InputError(f"Si modulus must be > 0, got {si_modulus}", field="si_modulus")
        self.si_modulus = si_modulus  # None: E(x) of the law; a number: one modulus (sensitivity runs only)
        self.h = h if h is not None else geom.outer_radius / 20
        d = discretise(geom, self.h)
        self.disc, self.mesh, self.basis = d, d.mesh, d.basis
        basis = d.basis
        self.rq, self.zq, self.w = d.r, d.z, d.w
        self.si, self.coat, self.pcoat, self.dist = d.si, d.coat, d.pcoat, d.dist
        # strain-displacement operator in Mandel form: B[k, c, e, q]
        nloc = len(basis.basis)
        B = np.empty((nloc, 4) + self.rq.shape)
        for k in range(nloc):
            f = basis.basis[k][0]
            g, v = f.grad, f.value
            B[k, 0], B[k, 1], B[k, 2] = g[0][0], g[1][1], v[0] / self.rq
            B[k, 3] = (g[0][1] + g[1][0]) / _SQ2
        self.B = B
        self._B_enck = np.ascontiguousarray(np.moveaxis(B, (0, 1), (3, 2)))  # (e, n, c, k) for the stiffness
        ne, nq, nc, nk = self._B_enck.shape
        # (B w)^T per element, (e, k, n c): the left factor of the element stiffness, fixed for the mesh
        self._BtW = np.ascontiguousarray((self._B_enck * self.w[:, :, None, None]).reshape(ne, nq * nc, nk)
                                         .transpose(0, 2, 1))
        self.edofs = basis.element_dofs
        nel = self.edofs.shape[1]
        rows = np.repeat(self.edofs.T, nloc, axis=1).ravel()        # (e, k, l) -> k
        cols = np.tile(self.edofs.T, (1, nloc)).ravel()             # (e, k, l) -> l
        self.n_dof = basis.N
        self.x_l = float(x_lithiated)
        self.E_other, self.nu_other = d.E_other, d.nu_other
        self.free = np.setdiff1d(np.arange(self.n_dof), d.fixed)
        self._dof_of_entry = self.edofs.T.ravel()
        self._scatter_free_block(rows, cols)
        self._factorisations = 0
        self.m_surface, self.m_pore, self.m_matrix = d.m_surface, d.m_pore, d.m_matrix
        self._nel = nel
        self.min_step = 1 / 64  # smallest line-search step
        self.pivot_threshold = 0.1  # SuperLU: a diagonal pivot is kept if >= 0.1 x the column's largest entry
        self.accept_tol = 1e-3   # residual accepted when Newton stalls (relative, see lithiate)
        # Perfect plasticity leaves fully yielded ligaments without stiffness along the flow direction, which
        # stalls Newton; a small linear hardening regularises it. H = 1e-3 E(Li3.75Si) = 12 MPa (numerical, not a
        # material property): the seeds/002 Si averages change by 2 % between H = 1.2 and 12 MPa.
        self.hardening = hardening if hardening is not None else 1e-3 * lisi_law.young_modulus(lisi_law.X_FULL, host)

    # ------------------------------------------------------------------ lithiation field
    def lithiated_fraction(self, delta):
        """(lithiated Si volume fraction, lithiated indicator s at the quadrature points) for front depth delta."""
        s = lithiated_indicator(self.dist, delta, self.front_width)
        return float(np.sum(s * self.w * self.si) / np.sum(self.w * self.si)), s

    def li_field(self, sol: float) -> np.ndarray:
        """Li content x at the quadrature points for a state of lithiation (two-phase front)."""
        if sol <= 0:
            return np.zeros_like(self.rq)
        if sol >= 1:  # front past the deepest point: the whole Si is lithiated
            return self.x_l * self.lithiated_fraction(float(self.dist.max()) * (1 + 1e-9) + 5 * self.front_width)[1]
        hi = float(self.dist.max()) * (1 + 1e-9) + 5 * self.front_width
        delta = front_depth_for(lambda d: self.lithiated_fraction(d)[0], sol, -5 * self.front_width - 1e-12, hi)
        return self.x_l * self.lithiated_fraction(delta)[1]

    # ------------------------------------------------------------------ material
    def _moduli(self, x):
        E_si = lisi_law.young_modulus(x, self.host) if self.si_modulus is None else self.si_modulus
        E = np.where(self.si, E_si, self.E_other)
        nu = np.where(self.si, lisi_law.poisson_ratio(x), self.nu_other)
        return E / (3 * (1 - 2 * nu)), E / (2 * (1 + nu))

    def _stress_update(self, eps, x, state_old, p_branch=None):
        """Radial return. eps: (4, ne, nq) Mandel; state_old = (plastic strain (4, ne, nq), equivalent plastic strain).

        Returns sigma, new state, tangent C (4, 4, ne, nq), plastic mask.

        ``p_branch``: mean stress that selects the tension/compression flow branch (lagged from the last
        converged state); None = the trial mean stress itself (exact, but a steep pressure dependence).
        """
        eps_p_old, eps_bar_old = state_old
        K, G = self._moduli(x)
        e_star = np.where(self.si, lisi.linear_strain(x, "crystalline"), 0.0)
        ee = eps - eps_p_old - _M[:, None, None] * e_star
        tr = ee[0] + ee[1] + ee[2]
        dev = ee - _M[:, None, None] * tr / 3.0
        s_tr = 2 * G * dev
        p = K * tr
        q_tr = np.sqrt(1.5 * np.sum(s_tr ** 2, axis=0))
        pb = p if p_branch is None else p_branch
        if self.plastic:
            sf = np.where(self.si, lisi_law.flow_stress(x, pb, self.host), np.inf)
        else:
            sf = np.full_like(p, np.inf)
        # linear isotropic hardening H (numerical regularisation, see __init__): sigma_y = sigma_f + H eps_bar_p
        H = self.hardening
        sy = sf + H * eps_bar_old
        yielded = q_tr > sy
        dgam = np.where(yielded, (q_tr - np.where(yielded, sy, 0.0)) / (3 * G + H), 0.0)
        beta = np.where(yielded, 1.0 - 3 * G * dgam / np.where(q_tr > 0, q_tr, 1.0), 1.0)
        sig = _M[:, None, None] * p + beta * s_tr
        eps_p = eps_p_old + np.where(yielded, (1 - beta) * s_tr / (2 * G), 0.0)
        eps_bar = eps_bar_old + dgam
        C = K * np.einsum("i,j->ij", _M, _M)[..., None, None] + 2 * G * beta * _IDEV[..., None, None]
        if np.any(yielded):
            n = s_tr / np.where(q_tr > 0, np.sqrt(np.sum(s_tr ** 2, axis=0)), 1.0)
            gbar = 1.0 / (1.0 + H / (3 * G)) - (1.0 - beta)
            C = C - np.where(yielded, 2 * G * gbar, 0.0) * np.einsum("ien,jen->ijen", n, n)
            if p_branch is None:
                dsf = np.where(yielded & self.si, lisi_law.flow_stress_slope(x, p, self.host), 0.0)
                C = C + np.sqrt(2.0 / 3.0) * (K * dsf) * np.einsum("ien,j->ijen", n, _M) * 3 * G / (3 * G + H)
        return sig, (eps_p, eps_bar), C, yielded

    def _scatter_free_block(self, rows, cols):
        """Map each element-stiffness entry to its place in the CSC data of the free-free block (pattern is fixed)."""
        n_free = len(self.free)
        index = np.full(self.n_dof, -1)
        index[self.free] = np.arange(n_free)
        r, c = index[rows], index[cols]
        keep = (r >= 0) & (c >= 0)
        keys, inverse = np.unique(c[keep].astype(np.int64) * n_free + r[keep], return_inverse=True)  # CSC order
        self._kff_keep, self._kff_slot, self._kff_nnz = keep, inverse.ravel(), len(keys)
        self._kff_indices = (keys % n_free).astype(np.int32)
        self._kff_indptr = np.concatenate([[0], np.cumsum(np.bincount(keys // n_free, minlength=n_free))]).astype(np.int32)

    def _internal_force(self, sig):
        """Nodal internal force vector int B^T sigma r dA (length n_dof)."""
        f_e = np.einsum("kcen,cen,en->ek", self.B, sig, self.w)
        return np.bincount(self._dof_of_entry, weights=f_e.ravel(), minlength=self.n_dof)

    def _assemble(self, sig, C):
        """(internal force, tangent stiffness of the free DOFs as CSC)."""
        f = self._internal_force(sig)
        # element stiffness sum_q B^T C B w, as one batched matrix product over elements
        Bt = self._B_enck  # (e, n, c, k)
        Cm = np.moveaxis(C, (2, 3), (0, 1))  # (e, n, c, d)
        ne, nq, nc, nk = Bt.shape
        Ke = np.matmul(self._BtW, (Cm @ Bt).reshape(ne, nq * nc, nk))
        data = np.bincount(self._kff_slot, weights=Ke.ravel()[self._kff_keep], minlength=self._kff_nnz)
        n_free = len(self.free)
        K = sp.csc_matrix((data, self._kff_indices, self._kff_indptr), shape=(n_free, n_free))
        return f, K

    def _residual(self, u, x, eps_p_old, p_branch=None):
        sig = self._stress_update(self._strain(u), x, eps_p_old, p_branch)[0]
        return np.linalg.norm(self._internal_force(sig)[self.free])

    def _solve(self, K, rhs):
        """Newton increment ``K du = rhs`` (SuperLU). K is symmetric (the branch pressure is lagged in Newton, so
        the tangent has no pressure-slope term): SuperLU's symmetric mode (ordering of A + A^T, diagonal pivots
        preferred) factorises it with less fill than the general mode."""
        lu = splu(K, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=self.pivot_threshold,
                  options=dict(SymmetricMode=True))
        self._factorisations += 1
        return lu.solve(rhs)

    def _strain(self, u):
        ue = u[self.edofs]  # (k, e)
        return np.einsum("kcen,ke->cen", self.B, ue)

    # ------------------------------------------------------------------ solve
    def lithiate(self, states=None, tol: float = 1e-7, max_iter: int = 10, x_field=None) -> PlasticResult:
        """Run the lithiation history ``states`` (SOL values, increasing, ending at 1 by default).

        Convergence: residual norm below ``tol`` times the residual of the full-lithiation eigenstrain on
        the undeformed particle. When Newton stalls (points switching between elastic and plastic every
        iteration, seen around uncoated pores) a residual below ``accept_tol`` (1e-3) of that reference is
        accepted and recorded in ``PlasticStep.residual``; otherwise the step is cut in halves (up to 32 pieces).
        ``x_field(sol, r, z)`` replaces the two-phase front by any Li field (checks against closed forms).
        """
        field_of = self.li_field if x_field is None else (lambda s_: np.asarray(x_field(s_, self.rq, self.zq), dtype=float))
        sols = DEFAULT_STATES if states is None else np.asarray(states, dtype=float)
        if np.any(np.diff(sols) <= 0) or sols[0] <= 0 or sols[-1] > 1:
            raise InputError("states must increase within (0, 1]", field="states")
        u = np.zeros(self.n_dof)
        eps_p = (np.zeros((4,) + self.rq.shape), np.zeros_like(self.rq))
        sol_prev = 0.0
        steps = []
        # force scale: residual of the full-lithiation eigenstrain acting on the undeformed particle
        x1 = np.full_like(self.rq, self.x_l)
        ref = self._residual(np.zeros(self.n_dof), x1, eps_p) + 1e-300
        p_branch = np.zeros_like(self.rq)  # mean stress selecting the flow branch (lagged)
        for target in sols:
            pieces, done = 1, False
            while not done:
                ok, u_try, ep_try, pb_try, its, worst = True, u.copy(), eps_p, p_branch.copy(), 0, 0.0
                for sub in range(1, pieces + 1):
                    sol = sol_prev + (target - sol_prev) * sub / pieces
                    x = field_of(sol)
                    # staggered: solve with the lagged branch pressure, update it, re-solve once if it moved
                    for _pass in range(2):
                        conv, u_pass, n_it, res = self._newton(u_try, x, ep_try, pb_try, tol * ref, max_iter,
                                                               stall_tol=self.accept_tol * ref)
                        its += n_it
                        if not conv and res < self.accept_tol * ref:
                            # elastic/plastic switching at a few points can stall Newton; accept a small
                            # residual and record it (PlasticStep.residual) rather than cut the step forever
                            conv = True
                        worst = max(worst, res / ref)
                        if not conv:
                            break
                        u_try = u_pass
                        sig, ep_new, C, yielded = self._stress_update(self._strain(u_try), x, ep_try, pb_try)
                        p_new = (sig[0] + sig[1] + sig[2]) / 3
                        moved = np.max(np.abs(np.tanh(p_new / lisi_law.PRESSURE_BLEND)
                                              - np.tanh(pb_try / lisi_law.PRESSURE_BLEND)))
                        pb_try = p_new
                        if moved < 0.05:
                            break
                    if not conv:
                        ok = False
                        break
                    ep_try = ep_new
                if ok:
                    u, eps_p, p_branch, done = u_try, ep_try, pb_try, True
                else:
                    pieces *= 2
                    if pieces > 32:
                        raise SolverError(f"elasto-plastic FEM '{self.name}': Newton did not converge at SOL {target:.3g} "
                                          "even with 32 sub-steps")
            sol_prev = target
            vm = np.sqrt(1.5 * np.sum((sig - _M[:, None, None] * (sig[0] + sig[1] + sig[2]) / 3) ** 2, axis=0))
            steps.append(self._summary(target, vm, yielded, its, worst))
        mean = (sig[0] + sig[1] + sig[2]) / 3
        return PlasticResult(name=self.name, n_dof=self.n_dof, steps=steps, von_mises=vm, mean_stress=mean,
                             hoop=sig[2], plastic_strain=eps_p[1], r=self.rq,
                             z=self.zq, weight=self.w, si=self.si, outward_volume_expansion=outward_volume_expansion(self.disc, u, self.geom.outer_radius))

    def _newton(self, u0, x, eps_p_old, p_branch, abs_tol, max_iter, stall_tol=0.0):
        """Newton iterations for one load step at fixed Li field and branch pressure.

        Returns (converged, u, iterations, residual). Stops early (not converged) once the residual is
        below ``stall_tol`` and has not halved over the last three iterations (stalled).
        """
        fr = self.free
        u = u0.copy()
        best = (np.inf, u)
        hist = []
        for it in range(max_iter):
            sig, _, C, _ = self._stress_update(self._strain(u), x, eps_p_old, p_branch)
            f, K = self._assemble(sig, C)
            res = np.linalg.norm(f[fr])
            hist.append(res)
            if res < best[0]:
                best = (res, u)
            if res < abs_tol:
                return True, u, it + 1, res
            if len(hist) > 3 and best[0] < stall_tol and best[0] > 0.5 * hist[-4]:
                return False, best[1], it + 1, best[0]
            try:
                du = self._solve(K, -f[fr])
            except RuntimeError:
                return False, best[1], it + 1, best[0]
            # backtracking on the residual norm; if no step length decreases it, take the full step
            # (non-monotone Newton: tiny steps stall at the elastic/plastic switches)
            lam, u_new = 1.0, None
            while lam >= self.min_step:
                cand = u.copy()
                cand[fr] += lam * du
                if self._residual(cand, x, eps_p_old, p_branch) < (1 - 1e-4 * lam) * res:
                    u_new = cand
                    break
                lam *= 0.5
            if u_new is None:
                u_new = u.copy()
                u_new[fr] += du
            u = u_new
        res = self._residual(u, x, eps_p_old, p_branch)
        if res < best[0]:
            best = (res, u)
        return False, best[1], max_iter, best[0]

    def _summary(self, sol, vm, yielded, its, residual) -> PlasticStep:
        w = self.w

        def avg(mask):
            return band_average(vm, w, mask)

        return PlasticStep(state_of_lithiation=float(sol), si_average=avg(self.si),
                           particle_average=avg(np.ones_like(self.si)), surface=avg(self.m_surface),
                           matrix=avg(self.m_matrix), pore_edge=avg(self.m_pore) if self.geom.pores else float("nan"),
                           max_von_mises=float(np.max(vm)), plastic_fraction=float(np.sum(w * yielded * self.si) / np.sum(w * self.si)),
                           newton_iterations=int(its), residual=float(residual))
