"""Li diffusion length in the Si of each active-material family: the radius of the equivalent sphere.

PyBaMM (echem stage) and the rate-induced surface overshoot of the life stage both solve diffusion in a
sphere, so every family is mapped to the sphere with the same volume-to-surface ratio, ``R = 3 V / S``
(one definition, read by echem and life from the materials stage):

    si_particles    R = diameter / 2
    core_shell      R = core radius; yolk_shell R = yolk radius (shell transport neglected)
    hollow          R = 3 V/S with S the outer surface = (Ro^3 - Ri^3) / Ro^2
    porous_micro_si R = 3 V_solid / S_pores = (1 - phi) d_pore / (2 phi), capped at the particle radius;
                    pores narrower than twice the first-cycle SEI (2 x 10 nm, sianode.materials.surface) are
                    filled by it (the pore-volume cap of the SEI), so Li enters only at the outer surface and
                    R = particle radius (seeds/002: 5-8 nm pores)
    siox            R = diameter / 2 (Li diffuses through the whole micron particle)
    cvd_si_c        R = si_domain / 2 (Li reaches the domains through the carbon scaffold)
    si_graphite     the Si-containing component's R
"""
from __future__ import annotations

from sianode.errors import InputError


def si_diffusion_radius(m) -> tuple[float, str]:
    """(radius in m, how it was obtained) of the Si-containing material ``m`` (a schema active material)."""
    fam = m.family
    if fam == "si_graphite":
        return si_diffusion_radius(m.silicon)
    if fam == "si_particles":
        return m.diameter_nm * 0.5e-9, "active.diameter_nm / 2"
    if fam == "core_shell":
        return m.core_radius_nm * 1e-9, "active.core_radius_nm (shell transport neglected)"
    if fam == "yolk_shell":
        return m.yolk_radius_nm * 1e-9, "active.yolk_radius_nm (shell transport neglected)"
    if fam == "hollow":
        ro, ri = m.outer_radius_nm, m.inner_radius_nm
        return (ro ** 3 - ri ** 3) / ro ** 2 * 1e-9, "equivalent sphere 3V/S = (Ro^3 - Ri^3)/Ro^2 of the hollow shell"
    if fam == "porous_micro_si":
        from sianode.materials.surface import SEI_THICKNESS_NM

        if m.pore_diameter_nm < 2.0 * SEI_THICKNESS_NM.value:
            return m.diameter_um * 0.5e-6, ("active.diameter_um / 2: the pores (narrower than twice the first-cycle "
                                            "SEI) are filled by SEI, Li enters at the outer surface")
        phi = max(m.porosity, 1e-3)
        r = min((1 - phi) * m.pore_diameter_nm / (2 * phi), m.diameter_um * 500.0)
        return r * 1e-9, ("equivalent sphere 3V/S = (1-porosity) pore_diameter / (2 porosity), capped at the "
                          "particle radius")
    if fam == "siox":
        return m.diameter_um * 0.5e-6, "active.diameter_um / 2"
    if fam == "cvd_si_c":
        return m.si_domain_nm * 0.5e-9, "active.si_domain_nm / 2 (Li reaches the domains through the carbon)"
    raise InputError(f"family {fam!r} has no diffusion length", field="active.family")
