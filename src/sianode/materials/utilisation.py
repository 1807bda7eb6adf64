"""Utilisation of Si: the share of its formed capacity a particle delivers at a given size, rate and cycle.

ONE owner for materials, echem and life (docs/architecture.md, "one owner per shared quantity"): the
materials stage reports the delivered first-cycle capacity with it, the life stage starts from it and
follows the c-Si -> a-Si conversion cycle by cycle, the echem stage prints it beside the DFN's own
rate table (the DFN solves the same diffusion, so the two must agree at low rate; a test checks it).

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
2. **c-Si -> a-Si conversion over the first cycles.** Crystalline Si lithiates through a two-phase front
   (seeds/000 §2) with a diffusivity at least ten times below a-Si (seeds/000 §2, Fig. 1b;
   :data:`sianode.materials.lisi.D_CSI_M2_S`). Each lithiation converts the fraction ``u_c`` (eq. of 1
   with ``D_cSi``) of the c-Si still left, so after ``n`` lithiations ``A_n = 1 - (1 - u_c)^n`` of it is
   amorphous and cycles like a-Si. The delivered fraction of cycle ``n`` is
   ``u_a [(1 - f_c) + f_c A_n]`` (``f_c`` the crystalline fraction of the Si, ``u_a`` eq. 1 with ``D_aSi``):
   capacity that rises over the first cycles when the rate is high for the c-Si size ("deeper
   activation", seeds/002 §3.2).

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


def surface_soc(tau, lam):
    """Surface state of charge of a sphere under constant flux, eq. 1 (``tau``, ``lam`` broadcast)."""
    tau = np.asarray(tau, float)
    lam = np.asarray(lam, float)
    series = np.sum(np.exp(-np.multiply.outer(tau, _ROOTS ** 2)) / _ROOTS ** 2, axis=-1)
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
    lo = np.zeros(np.broadcast(lam).shape)
    hi = 1.0 / (3.0 * lam_safe)  # the mean is full there, so the surface is too
    for _ in range(60):  # bisection, vectorised
        mid = 0.5 * (lo + hi)
        full = surface_soc(mid, lam_safe) >= 1.0
        hi = np.where(full, mid, hi)
        lo = np.where(full, lo, mid)
    u = np.clip(3.0 * lam_safe * 0.5 * (lo + hi), 0.0, 1.0)
    u = np.where(lam < 1e-9, 1.0, u)
    return float(u) if np.ndim(u) == 0 else u


def si_utilisation(c_rate, radius_m, crystalline_fraction=0.0, cycle=1,
                   d_amorphous_m2_s=None, d_crystalline_m2_s=None):
    """Delivered fraction of the formed Si capacity in cycle ``cycle`` (1-based), item 2 of the module doc.

    ``crystalline_fraction``: share of the Si that starts crystalline (0 for a-Si or CVD Si). Diffusivities
    default to :data:`sianode.materials.lisi.D_ASI_M2_S` and :data:`~sianode.materials.lisi.D_CSI_M2_S`.
    """
    fc = np.asarray(crystalline_fraction, float)
    if np.any((fc < 0) | (fc > 1)):
        raise InputError("crystalline fraction must be within [0, 1]", field="crystalline_fraction")
    n = np.asarray(cycle, float)
    if np.any(n < 1):
        raise InputError("cycle numbers start at 1", field="cycle")
    da = float(lisi.D_ASI_M2_S) if d_amorphous_m2_s is None else d_amorphous_m2_s
    dc = float(lisi.D_CSI_M2_S) if d_crystalline_m2_s is None else d_crystalline_m2_s
    ua = diffusion_utilisation(c_rate, radius_m, da)
    uc = diffusion_utilisation(c_rate, radius_m, dc)
    activated = 1.0 - (1.0 - np.asarray(uc)) ** n
    out = np.asarray(ua) * ((1.0 - fc) + fc * activated)
    return float(out) if np.ndim(out) == 0 else out
