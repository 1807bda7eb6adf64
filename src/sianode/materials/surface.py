"""Particle geometry: volumes and electrolyte-accessible surface areas, and SEI charge per area.

What is modelled
----------------
* Geometric surface areas of spheres, spherical shells and cylindrical pores (no roughness):
  a dense sphere of diameter d has ``S = 6 / (rho d)`` per unit mass; a porous body with
  porosity phi in cylindrical pores of diameter d_p has an internal area per envelope volume
  ``4 phi / d_p``.
* SEI charge per unit area (simplified estimate)::

      q_SEI = t_SEI * c_Li,SEI * F

  with the first-cycle SEI thickness t_SEI = 10 nm (order of magnitude reported on Si after the
  first cycle, e.g. Nie, Abraham, Chen, Bose & Lucht, J. Phys. Chem. C 117 (2013) 13403; Philippe
  et al., Chem. Mater. 24 (2012) 1107) and the Li concentration of a dense inorganic SEI made of
  equal volumes of LiF and Li2CO3, computed from their densities (CRC Handbook: LiF 2.635,
  Li2CO3 2.11 g/cm3). The result, ~21 mAh/m2, is an estimate: real SEI is partly organic (less Li),
  porous and thicker on Si in FEC-free electrolytes. The SEI is assumed to form on the initial
  (unlithiated) surface because the electrolyte is reduced at 0.8–1.2 V (EC, FEC; Xu, Chem. Rev.
  104 (2004) 4303), before Si is lithiated; later growth on the breathing surface is the
  interphase stage's job.
* SEI in pores narrower than the SEI is thick (seeds/002: 5–8 nm pores, t_SEI = 10 nm) cannot grow to t_SEI
  on every wall: once the pore is filled the electrolyte is shut out. The SEI volume in the pores is therefore
  ``min(A_pore t_SEI, V_pore)`` (the open pore volume caps it) and its charge ``c_Li F`` times that volume
  (:func:`pore_sei_loss_mAh_g`). For pores much wider than 2 t_SEI the cap never binds.
* As a check (not a fit), the same q_SEI on a battery-grade graphite of BET 1.5 m2/g gives a
  first-cycle loss of ~32 mAh/g, i.e. an ICE of ~92 %, the usual range for graphite.
"""
from __future__ import annotations

import numpy as np

from sianode.errors import InputError
from sianode.materials.lisi import FARADAY_C_MOL, MAH_PER_C
from sianode.provenance import Parameter

_RHO_LIF, _M_LIF = 2.635, 25.939  # g/cm3 (CRC), g/mol
_RHO_LI2CO3, _M_LI2CO3 = 2.11, 73.891
_C_LI_SEI_MOL_CM3 = 0.5 * (_RHO_LIF / _M_LIF) + 0.5 * 2 * (_RHO_LI2CO3 / _M_LI2CO3)

SEI_THICKNESS_NM = Parameter(10.0, "nm", "order of magnitude of the first-cycle SEI on Si: Nie et al., J. Phys. "
                             "Chem. C 117 (2013) 13403; Philippe et al., Chem. Mater. 24 (2012) 1107",
                             "simplified: uniform dense layer")
SEI_LI_CONCENTRATION_MOL_CM3 = Parameter(_C_LI_SEI_MOL_CM3, "mol/cm3",
                                         "computed: equal volumes of LiF (2.635 g/cm3) and Li2CO3 (2.11 g/cm3), CRC")
SEI_CHARGE_MAH_M2 = Parameter(
    SEI_THICKNESS_NM.value * 1e-7 * _C_LI_SEI_MOL_CM3 * 1e4 * FARADAY_C_MOL * MAH_PER_C, "mAh/m2",
    "computed t_SEI * c_Li * F (see sianode.materials.surface); simplified estimate")

# Native oxide on air-exposed Si: ~1 nm (Morita, Ohmi, Hasegawa, Kawakami & Ohwada, J. Appl. Phys. 68 (1990) 1272)
NATIVE_OXIDE_NM = Parameter(1.0, "nm", "Morita et al., J. Appl. Phys. 68 (1990) 1272 (native SiO2 on Si in air)")


def _pos(v, name):
    if not np.isfinite(v) or v <= 0:
        raise InputError(f"{name} must be a positive number, got {v!r}", field=name)
    return float(v)


def sphere_volume(r):
    return 4.0 / 3.0 * np.pi * r ** 3


def sphere_area(r):
    return 4.0 * np.pi * r ** 2


def shell_volume(r_in, r_out):
    return sphere_volume(r_out) - sphere_volume(r_in)


def sphere_specific_area_m2_g(diameter_m: float, density_g_cm3: float) -> float:
    """Geometric specific area of dense spheres, m2/g: 6 / (rho d)."""
    d = _pos(diameter_m, "diameter")
    rho = _pos(density_g_cm3, "density_g_cm3")
    return 6.0 / (rho * 1e6 * d)


def cylindrical_pore_area_per_volume(porosity: float, pore_diameter_m: float) -> float:
    """Internal area per envelope volume (1/m) of cylindrical pores: 4 phi / d_p."""
    if not (0 <= porosity < 1):
        raise InputError(f"porosity must be in [0, 1), got {porosity!r}", field="porosity")
    return 4.0 * porosity / _pos(pore_diameter_m, "pore_diameter")


def sei_loss_mAh_g(specific_area_m2_g, q_sei_mAh_m2: float | None = None):
    """First-cycle SEI charge per gram, mAh/g = area (m2/g) * q_SEI (mAh/m2)."""
    a = np.asarray(specific_area_m2_g, dtype=float)
    if np.any(a < 0) or not np.all(np.isfinite(a)):
        raise InputError("specific_area_m2_g must be >= 0", field="specific_area_m2_g")
    q = SEI_CHARGE_MAH_M2.value if q_sei_mAh_m2 is None else q_sei_mAh_m2
    out = a * q
    return float(out) if np.ndim(out) == 0 else out


def pore_sei_loss_mAh_g(pore_area_m2_g, pore_volume_cm3_g=np.inf):
    """First-cycle SEI charge in pores, mAh/g: ``min(A t_SEI, V_pore) c_Li F`` (see module doc).

    ``pore_area_m2_g``: pore-wall area the electrolyte reaches; ``pore_volume_cm3_g``: the open volume of those
    pores (``inf``: flat or wide pores, no cap). Arrays broadcast.
    """
    a = np.asarray(pore_area_m2_g, dtype=float)
    v = np.asarray(pore_volume_cm3_g, dtype=float)
    if np.any(a < 0) or not np.all(np.isfinite(a)) or np.any(v < 0) or np.any(np.isnan(v)):
        raise InputError("pore area and pore volume must be >= 0", field="pore_area_m2_g")
    v_sei = np.minimum(a * 1e4 * SEI_THICKNESS_NM.value * 1e-7, v)  # cm3 per g
    out = v_sei * SEI_LI_CONCENTRATION_MOL_CM3.value * FARADAY_C_MOL * MAH_PER_C
    return float(out) if np.ndim(out) == 0 else out
