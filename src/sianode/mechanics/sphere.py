"""Linear-elastic stress in solid, hollow and porous spheres with a lithiation eigenstrain.

Model (small strain, isotropic, thermal analogy; Timoshenko & Goodier, *Theory of Elasticity*,
3rd ed. 1970, §151; applied to Li insertion by Cheng & Verbrugge, J. Power Sources 190 (2009) 453):
the lithiation eigenstrain is an isotropic linear strain ``e(r)`` (e.g. ``volume_ratio(x)**(1/3) - 1``
or ``Omega * c / 3``). With ``I(r) = int_a^r e(s) s^2 ds`` and a free outer surface at ``b``:

solid sphere (a = 0)::

    sigma_r = 2E/(1-nu) [ I(b)/b^3 - I(r)/r^3 ]
    sigma_t =  E/(1-nu) [ 2 I(b)/b^3 + I(r)/r^3 - e(r) ]

hollow sphere (free inner surface a)::

    sigma_r = 2E/(1-nu) [ (r^3-a^3)/((b^3-a^3) r^3) I(b) - I(r)/r^3 ]
    sigma_t = 2E/(1-nu) [ (2r^3+a^3)/(2(b^3-a^3) r^3) I(b) + I(r)/(2 r^3) - e(r)/2 ]

In spherical symmetry the von Mises stress is ``|sigma_r - sigma_t|`` and the hydrostatic stress
``(sigma_r + 2 sigma_t)/3``. These linear-elastic results overstate stress at the ~300 % volume change
of Li–Si; :mod:`sianode.mechanics.plasticity` adds finite strain and plastic flow.

Porous sphere: homogenised with Mori–Tanaka moduli for spherical voids (Mori & Tanaka, Acta Metall.
21 (1973) 571) and a pore-wall stress concentration of 3/2 for a spherical cavity under hydrostatic
far-field stress (Goodier, J. Appl. Mech. 1 (1933) 39).

All functions accept NumPy arrays; the radial axis is the last axis.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sianode.errors import InputError
from sianode.mechanics.properties import check_moduli


def _cumtrapz_r2(e: np.ndarray, r: np.ndarray, a: float) -> np.ndarray:
    """I(r) = int_a^r e s^2 ds, exact for e piecewise linear on the grid (r[0] may be > a)."""
    r0, r1 = r[:-1], r[1:]
    h = r1 - r0
    e0, e1 = e[..., :-1], e[..., 1:]
    m3 = (r1 ** 3 - r0 ** 3) / 3.0
    m4 = (r1 ** 4 - r0 ** 4) / 4.0 - r0 * m3
    inc = e0 * m3 + (e1 - e0) / h * m4
    first = np.zeros(e.shape[:-1] + (1,))
    if r[0] > a:  # segment from a to r[0], e taken as e(r[0])
        first = (e[..., :1] * (r[0] ** 3 - a ** 3) / 3.0)
    return np.concatenate([first, first + np.cumsum(inc, axis=-1)], axis=-1)


@dataclass
class SphereStress:
    """Stress field (Pa) on the radial grid ``r`` (m); arrays share the leading shape of the eigenstrain."""

    r: np.ndarray
    radial: np.ndarray
    hoop: np.ndarray

    @property
    def von_mises(self) -> np.ndarray:
        return np.abs(self.radial - self.hoop)

    @property
    def hydrostatic(self) -> np.ndarray:
        return (self.radial + 2.0 * self.hoop) / 3.0


def elastic_sphere_stress(r, eigenstrain, young_modulus: float, poisson_ratio: float,
                          inner_radius: float = 0.0) -> SphereStress:
    """Stress in a free solid (inner_radius = 0) or hollow sphere with a radial eigenstrain profile.

    r : radial grid, m, increasing, r[-1] = outer radius (r[0] = inner radius for hollow spheres).
    eigenstrain : isotropic linear eigenstrain on the grid (any leading shape, radial axis last).
    """
    check_moduli(young_modulus=young_modulus, nu=poisson_ratio)
    r = np.asarray(r, dtype=float)
    e = np.asarray(eigenstrain, dtype=float)
    a, b = float(inner_radius), float(r[-1])
    if a < 0 or a >= b:
        raise InputError(f"inner radius {a:g} must be in [0, outer radius {b:g})", field="inner_radius")
    if np.any(np.diff(r) <= 0):
        raise InputError("radial grid must be strictly increasing", field="r")
    I = _cumtrapz_r2(e, r, a)
    Ib = I[..., -1:]
    c = young_modulus / (1.0 - poisson_ratio)
    rr = np.where(r > 0, r, 1.0)
    if a == 0.0:
        # limit r -> 0: I(r)/r^3 -> e(0)/3
        ratio = np.where(r > 0, I / rr ** 3, 0.0)
        ratio = np.where(r > 0, ratio, e[..., :1] / 3.0)
        sr = 2 * c * (Ib / b ** 3 - ratio)
        st = c * (2 * Ib / b ** 3 + ratio - e)
    else:
        d = b ** 3 - a ** 3
        sr = 2 * c * ((r ** 3 - a ** 3) / (d * r ** 3) * Ib - I / r ** 3)
        st = 2 * c * ((2 * r ** 3 + a ** 3) / (2 * d * r ** 3) * Ib + I / (2 * r ** 3) - e / 2)
    return SphereStress(r=r, radial=sr, hoop=st)


def mean_eigenstrain(r, eigenstrain, inner_radius: float = 0.0):
    """Volume-average eigenstrain 3 I(b) / (b^3 - a^3) (free sphere: outer displacement / b)."""
    r = np.asarray(r, dtype=float)
    I = _cumtrapz_r2(np.asarray(eigenstrain, dtype=float), r, inner_radius)
    return 3.0 * I[..., -1] / (r[-1] ** 3 - inner_radius ** 3)


# --------------------------------------------------------------------------- closed forms
def quasi_steady_galvanostatic(radius, diffusivity, c_rate, young_modulus, poisson_ratio,
                               strain_per_x: float, x_max: float = 3.75, yield_stress=None) -> dict:
    """Closed-form stress for the quasi-steady galvanostatic profile; vectorised over designs.

    Long after the start of a constant-current insertion the profile is parabolic
    (Crank, *The Mathematics of Diffusion*, 1975, eq. 6.45 long-time limit):
    ``x(r) = x_mean + (j a / D)(r^2/(2a^2) - 3/10)`` with ``j = C x_max a/(3*3600)``. With the
    eigenstrain ``k r^2/(2 a^2)``, ``k = strain_per_x * j a / D`` the formulas above give

        sigma_r = E k /(5(1-nu)) (1 - r^2/a^2),   sigma_t = E k/(5(1-nu)) (1 - 2 r^2/a^2)

    i.e. surface hoop ``-E k/(5(1-nu))`` (compressive on lithiation, tensile on delithiation) and
    centre hydrostatic tension ``E k/(5(1-nu))``; max von Mises ``E k /(5(1-nu))`` at the surface.
    If ``yield_stress`` is given, the von Mises stress is capped there (perfect plasticity, Tresca =
    von Mises in spherical symmetry) and ``yields`` is returned.

    Returns a dict of arrays: surface_hoop_Pa, center_radial_Pa, max_von_mises_Pa, delta_x, yields.
    """
    a = np.asarray(radius, dtype=float)
    D = np.asarray(diffusivity, dtype=float)
    C = np.asarray(c_rate, dtype=float)
    E = np.asarray(young_modulus, dtype=float)
    nu = np.asarray(poisson_ratio, dtype=float)
    if np.any(a <= 0):
        raise InputError("particle radius must be > 0", field="radius")
    if np.any(D <= 0):
        raise InputError("diffusivity must be > 0", field="diffusivity")
    check_moduli(young_modulus=E, nu=nu)
    j = C * x_max * a / (3.0 * 3600.0)
    delta_x = j * a / (2.0 * D)  # surface minus centre
    k = strain_per_x * j * a / D
    s = E * k / (5.0 * (1.0 - nu))
    vm = np.abs(s)
    out = {"surface_hoop_Pa": -s, "center_radial_Pa": s, "max_von_mises_Pa": vm, "delta_x": delta_x}
    if yield_stress is not None:
        Y = np.asarray(yield_stress, dtype=float)
        out["yields"] = vm > Y
        out["max_von_mises_Pa"] = np.minimum(vm, Y)
    return out


def mori_tanaka_porous(young_modulus, poisson_ratio, porosity):
    """Effective (E, nu) of a solid with spherical voids at volume fraction ``porosity`` (Mori–Tanaka)."""
    phi = np.asarray(porosity, dtype=float)
    if np.any(phi < 0) or np.any(phi >= 1):
        raise InputError(f"porosity must be in [0, 1), got {porosity}", field="porosity")
    E, nu = young_modulus, poisson_ratio
    K = E / (3 * (1 - 2 * nu)); G = E / (2 * (1 + nu))
    Ke = 4 * K * G * (1 - phi) / (4 * G + 3 * K * phi)
    Ge = G * (1 - phi) / (1 + phi * (6 * K + 12 * G) / (9 * K + 8 * G))
    Ee = 9 * Ke * Ge / (3 * Ke + Ge)
    nue = (3 * Ke - 2 * Ge) / (2 * (3 * Ke + Ge))
    return Ee, nue


def porous_sphere_stress(r, eigenstrain, young_modulus, poisson_ratio, porosity) -> dict:
    """Homogenised porous sphere: matrix stress from Mori–Tanaka moduli, pore-wall stress x 1.5.

    The Si skeleton carries the homogenised stress divided by (1 - porosity) (load-bearing area)
    and a spherical pore concentrates a hydrostatic far field by 3/2 at its wall (Goodier 1933).
    Returns dict with the homogenised SphereStress and peak matrix / pore-wall von Mises stress.
    """
    Ee, nue = mori_tanaka_porous(young_modulus, poisson_ratio, porosity)
    s = elastic_sphere_stress(r, eigenstrain, Ee, nue)
    matrix = s.von_mises / (1 - porosity)
    pore_wall = 1.5 * np.abs(s.hydrostatic) / (1 - porosity) + matrix
    return {"homogenised": s, "E_eff": Ee, "nu_eff": nue,
            "max_matrix_von_mises_Pa": np.max(matrix, axis=-1),
            "max_pore_wall_stress_Pa": np.max(pore_wall, axis=-1)}
