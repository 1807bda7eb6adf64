"""Si core with a perfectly bonded elastic coating (core–shell), linear elasticity.

Model: the core (radius a) carries a radial eigenstrain profile e(r); the shell (a < r < b)
does not lithiate. Superposition (Timoshenko & Goodier 1970 §151; Zhao et al., J. Power Sources
218 (2012) 6 for coated Si): core stress = free-sphere stress + uniform hydrostatic ``-p``. Radial
displacement continuity at r = a gives the interface pressure

    p = e_mean / [ (1-2 nu_c)/E_c + ((1-2 nu_s) a^3 + (1+nu_s) b^3/2) / (E_s (b^3 - a^3)) ]

with ``e_mean = 3 I(a)/a^3`` the core's mean eigenstrain (the free core's surface strain).
Shell (Lamé, internal pressure p)::

    sigma_r = p a^3/(b^3-a^3) (1 - b^3/r^3),   sigma_t = p a^3/(b^3-a^3) (1 + b^3/(2 r^3))

Thin-shell limit (t = b - a << a): sigma_t -> p a /(2 t).
Assumptions: small strain, perfect bonding, uniform core moduli, inert coating.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sianode.errors import InputError
from sianode.mechanics.properties import check_moduli
from sianode.mechanics.sphere import SphereStress, elastic_sphere_stress, mean_eigenstrain


@dataclass
class CoreShellStress:
    core: SphereStress
    shell: SphereStress
    interface_pressure: np.ndarray

    @property
    def max_von_mises(self):
        return np.maximum(np.max(self.core.von_mises, axis=-1), np.max(self.shell.von_mises, axis=-1))


def interface_pressure(mean_strain, core_radius, shell_thickness, E_core, nu_core, E_shell, nu_shell):
    """Interface pressure (Pa) between a swelling core (mean linear eigenstrain) and an elastic shell."""
    check_moduli(E_core=E_core, nu_core=nu_core, E_shell=E_shell, nu_shell=nu_shell)
    a = np.asarray(core_radius, dtype=float)
    t = np.asarray(shell_thickness, dtype=float)
    if np.any(a <= 0):
        raise InputError("core radius must be > 0", field="core_radius")
    if np.any(t <= 0):
        raise InputError("shell thickness must be > 0", field="shell_thickness")
    b = a + t
    comp_core = (1 - 2 * nu_core) / E_core
    comp_shell = ((1 - 2 * nu_shell) * a ** 3 + (1 + nu_shell) * b ** 3 / 2) / (E_shell * (b ** 3 - a ** 3))
    return np.asarray(mean_strain) / (comp_core + comp_shell)


def shell_stress(r, p, core_radius, outer_radius) -> SphereStress:
    """Lamé stresses in a thick shell under internal pressure p (broadcast over leading axes of p)."""
    a, b = core_radius, outer_radius
    r = np.asarray(r, dtype=float)
    f = np.asarray(p)[..., None] * a ** 3 / (b ** 3 - a ** 3)
    return SphereStress(r=r, radial=f * (1 - b ** 3 / r ** 3), hoop=f * (1 + b ** 3 / (2 * r ** 3)))


def core_shell_stress(r_core, eigenstrain, shell_thickness, E_core, nu_core, E_shell, nu_shell,
                      n_shell: int = 20) -> CoreShellStress:
    """Full stress field of a coated particle; ``r_core[-1]`` is the core radius."""
    r_core = np.asarray(r_core, dtype=float)
    a = r_core[-1]
    if shell_thickness >= a * 1e3 or shell_thickness <= 0:
        raise InputError(f"shell thickness {shell_thickness:g} m not physical for core radius {a:g} m",
                         field="shell_thickness")
    free = elastic_sphere_stress(r_core, eigenstrain, E_core, nu_core)
    em = mean_eigenstrain(r_core, eigenstrain)
    p = interface_pressure(em, a, shell_thickness, E_core, nu_core, E_shell, nu_shell)
    core = SphereStress(r=r_core, radial=free.radial - np.asarray(p)[..., None], hoop=free.hoop - np.asarray(p)[..., None])
    r_s = np.linspace(a, a + shell_thickness, n_shell)
    return CoreShellStress(core=core, shell=shell_stress(r_s, p, a, a + shell_thickness), interface_pressure=p)
