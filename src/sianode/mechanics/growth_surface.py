"""The surface on which SEI keeps growing cycle after cycle (not the surface of the first cycle).

What is modelled
----------------
The first-cycle SEI forms on every surface the electrolyte wets, the BET area included (materials
stage, ICE). Continued growth -- the breathing SEI that cracks and reforms each cycle (seeds/000 §3) --
needs electrolyte to keep reaching the surface. A pore narrower than twice the first-cycle SEI
thickness is filled by that SEI (and its coating) in the first cycles and stops growing; so is the
roughness of a coating. The surface that keeps growing SEI is therefore

    S_growth = min(S_BET, S_ext + S_open-pores)     (m2 per g of the component)

* ``S_ext = 6 / (rho_env D)``: outer envelope surface of a sphere of the particle's outer diameter D
  (with its outer coating) and envelope density rho_env (materials stage);
* ``S_open-pores = 4 phi / (d_eff rho_env)``: walls of cylindrical internal pores (porosity phi, open
  diameter ``d_eff = d_p - 2 t_pore-coating``) only if ``d_eff > 2 t_SEI`` (porous micro-Si; other
  families: the internal void is closed -- hollow cavity, yolk gap behind a shell -- or filled with Si, CVD
  Si–C);
* ``t_SEI`` = the first-cycle SEI thickness of :data:`sianode.materials.surface.SEI_THICKNESS_NM` (10 nm,
  Nie et al. 2013; Philippe et al. 2012);
* graphite in a blend: its own (geometric) specific surface, already an external surface;
* crack faces of pulverised Si are added by the mechanics stage (``crack_surface_area_m2_g``).

A measured BET caps the result (growth cannot exceed the surface that exists). Why this matters: with
the full BET area of Liu et al. 2025's electrodes (mSi@C 44.99, p-mSi@SiOx/C 68.29 m2/g, mostly in
5–10 nm pores and rough carbon) growing SEI for 100 cycles, their thickness would swell by ~600 %, not
76 / 46 % as measured, and the porous particle would swell most, against the paper's central result.

Assumptions: spherical particles; pores as straight cylinders; the first-cycle SEI is uniform; sealed pores
stay sealed (no re-opening by cracking, which the fracture model counts separately as crack surface).
"""
from __future__ import annotations

from sianode.materials.surface import SEI_THICKNESS_NM

#: Pores whose open diameter is below this are sealed by the first-cycle SEI (twice its thickness).
SEALING_DIAMETER_NM = 2.0 * SEI_THICKNESS_NM.value


def _outer_diameter_m(m) -> float:
    r_nm = float(getattr(m, "outer_radius_nm", 0.0))
    c = getattr(m, "coatings", None)
    if c is not None and c.outer is not None:
        r_nm += float(c.outer.thickness_nm)
    return 2.0 * r_nm * 1e-9


def _open_pore_surface_m2_g(m, rho_env_g_cm3: float) -> float:
    if getattr(m, "family", "") != "porous_micro_si" or m.porosity <= 0:
        return 0.0
    t_coat = float(m.coatings.pore.thickness_nm) if m.coatings.pore is not None else 0.0
    d_eff_nm = float(m.pore_diameter_nm) - 2.0 * t_coat
    if d_eff_nm <= SEALING_DIAMETER_NM:
        return 0.0
    return 4.0 * float(m.porosity) / (d_eff_nm * 1e-9 * rho_env_g_cm3 * 1e6)


def silicon_growth_surface_m2_g(m, rho_env_g_cm3: float, bet_m2_g: float) -> float:
    """Growth surface (m2/g) of a Si-bearing particle (module docstring), capped by its specific surface."""
    d = _outer_diameter_m(m)
    s_ext = 6.0 / (rho_env_g_cm3 * 1e6 * d) if d > 0 else bet_m2_g
    return float(min(bet_m2_g, s_ext + _open_pore_surface_m2_g(m, rho_env_g_cm3)))


def sei_growth_surface_m2_g(design, props) -> float:
    """SEI growth surface per g of active material of a design, from the materials stage's components.

    ``props``: the materials stage's ``CompositeProperties`` (component mass fractions, envelope densities,
    specific surfaces). The Si-bearing component is ``design.active`` (or its ``silicon`` in a blend);
    graphite keeps its own specific surface.
    """
    active = design.active
    si_mat = active.silicon if active.family == "si_graphite" else active
    total = 0.0
    for c in props.components:
        if c.si_mass_frac > 0 or "graphite" not in c.name:
            s = silicon_growth_surface_m2_g(si_mat, float(c.density_g_cm3), float(c.specific_surface_area_m2_g))
        else:
            s = float(c.specific_surface_area_m2_g)
        total += float(c.mass_frac) * s
    return total
