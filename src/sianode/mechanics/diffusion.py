"""Li diffusion in a spherical Si particle under galvanostatic (de)lithiation.

Model
-----
Fick's law in a sphere for x(r, t) = Li per Si:

    dx/dt = D (1/r^2) d/dr (r^2 dx/dr),   dx/dr(0) = 0,
    -D dx/dr(a) = +/- j,   j = C_rate * x_max * a / (3 * 3600 s)

so that the particle-average x changes at the C-rate (1C = full x_max in one hour). Solved with
a conservative finite-volume scheme (uniform shells, backward Euler, tridiagonal solve), which
conserves Li to round-off. The run stops when the surface reaches the cut-off (x_max on
lithiation, 0 on delithiation) or the average reaches the target.

Assumptions: constant D (no concentration or stress dependence); single phase. This describes
amorphous LixSi after the first cycle. Crystalline Si lithiates the first time by a sharp two-phase
front (reaction-limited, seeds/004 §2.1, seeds/000 §2); that case is :mod:`sianode.mechanics.fracture`.

D values: ``sianode.materials.lisi.D_ASI_M2_S`` and ``D_CSI_M2_S`` (seeds/004 §2.3: 1e-13–1e-12 cm2/s).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_banded

from sianode.errors import InputError, SolverError
from sianode.materials.lisi import X_MAX_THEORETICAL as lisi_x_max_theoretical


@dataclass
class DiffusionResult:
    """r (m, cell centres), t (s), x (n_t x n_r), x_mean (n_t), soc (n_t), stop_reason."""

    r: np.ndarray
    t: np.ndarray
    x: np.ndarray
    x_mean: np.ndarray
    radius: float
    stop_reason: str


def galvanostatic_sphere(radius: float, diffusivity: float, c_rate: float, *, lithiation: bool = True,
                         x_max: float = 3.75, x0: float | np.ndarray | None = None, n_r: int = 60,
                         n_t_max: int = 4000, dt: float | None = None, target_mean: float | None = None,
                         inner_radius: float = 0.0) -> DiffusionResult:
    """Solve galvanostatic diffusion in a sphere until the surface or the mean hits its limit.

    Parameters
    ----------
    radius : m.  diffusivity : m2/s.  c_rate : 1/h (> 0).
    lithiation : True to insert Li (surface flux inward), False to extract.
    x_max : Li per Si at full lithiation (3.75 = Li15Si4).
    x0 : initial profile (scalar or array of n_r), default 0 (lithiation) or x_max (delithiation).
    target_mean : stop when the mean reaches this x (default x_max or 0).
    inner_radius : m, > 0 for a hollow sphere (no flux through the inner surface; Li enters from outside).
    """
    for name, v in (("radius", radius), ("diffusivity", diffusivity), ("c_rate", c_rate), ("x_max", x_max)):
        if not np.isfinite(v) or v <= 0:
            raise InputError(f"must be positive and finite, got {v!r}", field=name)
    a, D, a0 = float(radius), float(diffusivity), float(inner_radius)
    if not 0.0 <= a0 < a:
        raise InputError(f"inner radius {a0:g} m must be in [0, radius {a:g} m)", field="inner_radius")
    dr = (a - a0) / n_r
    r_f = np.linspace(a0, a, n_r + 1)  # faces
    r_c = 0.5 * (r_f[1:] + r_f[:-1])
    vol = (r_f[1:] ** 3 - r_f[:-1] ** 3) / 3.0  # per steradian
    area = r_f ** 2
    v_tot = (a ** 3 - a0 ** 3) / 3.0
    # surface flux so that the mean changes at the C-rate: x * m / s into the particle
    j = c_rate * x_max * v_tot / (a ** 2 * 3600.0) * (1.0 if lithiation else -1.0)
    if x0 is None:
        x = np.full(n_r, 0.0 if lithiation else x_max)
    else:
        x = np.broadcast_to(np.asarray(x0, dtype=float), (n_r,)).copy()
    target = (x_max if lithiation else 0.0) if target_mean is None else target_mean
    t_total = abs(target - np.sum(x * vol) / v_tot) / (c_rate * x_max / 3600.0)
    if dt is None:
        dt = max(t_total / 400.0, 1e-12)
    # tridiagonal matrix of backward Euler: V_i (x_i^{n+1} - x_i^n)/dt = sum of face fluxes
    g = D * area[1:-1] / dr  # interior face conductances
    lower = np.zeros(n_r); upper = np.zeros(n_r); diag = vol / dt
    diag[:-1] += g; diag[1:] += g
    upper[1:] = -g; lower[:-1] = -g
    ab = np.vstack([upper, diag, lower])
    ts, xs, means = [0.0], [x.copy()], [np.sum(x * vol) / v_tot]
    reason = "max steps"
    for n in range(n_t_max):
        rhs = vol / dt * x
        rhs[-1] += area[-1] * j
        x_new = solve_banded((1, 1), ab, rhs)
        if not np.all(np.isfinite(x_new)):
            raise SolverError(f"diffusion solve produced non-finite values at step {n}")
        # surface value extrapolated from the last cell with the imposed flux
        x_surf = x_new[-1] + j * (dr / 2) / D
        # the final step may overshoot the cut-off by round-off / one step: clip to the physical range
        x = np.clip(x_new, 0.0, lisi_x_max_theoretical)
        mean = np.sum(x * vol) / v_tot
        ts.append(ts[-1] + dt); xs.append(x.copy()); means.append(mean)
        if lithiation and x_surf >= x_max:
            reason = "surface reached x_max (voltage cut-off)"; break
        if not lithiation and x_surf <= 0.0:
            reason = "surface fully delithiated (voltage cut-off)"; break
        if (lithiation and mean >= target) or (not lithiation and mean <= target):
            reason = "target mean reached"; break
    return DiffusionResult(r=r_c, t=np.array(ts), x=np.array(xs), x_mean=np.array(means), radius=a,
                           stop_reason=reason)
