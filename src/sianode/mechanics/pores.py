"""Pore accommodation: how much Si expansion internal void absorbs before the particle grows.

Model (volume bookkeeping, ideal filling; seeds/000 §4.1.3 pore-volume matching, seeds/004 §4.2.4,
seeds/002 §3.1 "pores as buffer rooms"): on lithiation to x the Si volume grows by
``V_Si (beta(x) - 1)``, ``beta = sianode.materials.lisi.volume_ratio``. Internal void of volume
``V_void`` absorbs this growth first, with an accommodation efficiency ``eta`` (1 = every pore can be
filled; real pores close before they fill, so eta < 1 is a design margin). The outward (envelope)
volumetric expansion is

    e_out = max(0, V_Si (beta - 1) - eta V_void) / V_envelope

CVD Si–C (per gram of composite, Si mass fraction w, scaffold pore volume PV per g carbon):
``V_Si = w / rho_Si``, ``V_pore = (1 - w) PV``, ``V_void = V_pore - V_Si``, ``V_env = (1 - w)/rho_C + V_pore``.
Pores "overfill" when ``V_Si beta > V_pore``; the matching pore volume is
``PV_match = w beta / ((1 - w) rho_Si)``.

Yolk–shell: void ``4/3 pi ((r_y + g)^3 - r_y^3)``; porous Si: void = porosity x envelope.
Assumptions: rigid scaffold/shell, pores accessible to the growing Si, no elastic compression.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sianode.errors import InputError
from sianode.materials import lisi

RHO_SI_G_CM3 = lisi.RHO_SI_G_CM3  # c-Si, CRC Handbook (via sianode.materials.lisi)


def _beta(x, host="crystalline"):
    return np.asarray(lisi.volume_ratio(x, host=host), dtype=float)


def outward_expansion(v_si, v_void, v_envelope, x=lisi.X_MAX_PRACTICAL, efficiency: float = 1.0,
                      host: str = "crystalline"):
    """Outward volumetric expansion (fraction of the envelope volume); vectorised."""
    v_si, v_void, v_env = (np.asarray(a, dtype=float) for a in (v_si, v_void, v_envelope))
    if np.any(v_si < 0) or np.any(v_void < 0):
        raise InputError("Si and void volumes must be >= 0", field="v_void")
    if np.any(v_env <= 0):
        raise InputError("envelope volume must be > 0", field="v_envelope")
    if not 0.0 <= efficiency <= 1.0:
        raise InputError(f"accommodation efficiency must be in [0, 1], got {efficiency}", field="efficiency")
    growth = v_si * (_beta(x, host) - 1.0)
    return np.maximum(0.0, growth - efficiency * v_void) / v_env


def porous_si_expansion(porosity, x=lisi.X_MAX_PRACTICAL, efficiency: float = 1.0, host="crystalline"):
    """Outward expansion of porous Si with internal porosity (0–1)."""
    phi = np.asarray(porosity, dtype=float)
    if np.any(phi < 0) or np.any(phi >= 1):
        raise InputError(f"porosity must be in [0, 1), got {porosity}", field="active.porosity")
    return outward_expansion(1 - phi, phi, 1.0, x, efficiency, host)


def cvd_si_c_volumes(si_wt_frac, pore_volume_cm3_g, carbon_density_g_cm3=2.0):
    """(V_Si, V_pore, V_envelope) in cm3 per g composite."""
    w = np.asarray(si_wt_frac, dtype=float)
    pv = np.asarray(pore_volume_cm3_g, dtype=float)
    if np.any(w <= 0) or np.any(w >= 1):
        raise InputError("si_wt_frac must be in (0, 1)", field="active.si_wt_frac")
    if np.any(pv <= 0):
        raise InputError("scaffold pore volume must be > 0", field="active.scaffold_pore_volume_cm3_g")
    v_si = w / RHO_SI_G_CM3
    v_pore = (1 - w) * pv
    v_env = (1 - w) / carbon_density_g_cm3 + v_pore
    return v_si, v_pore, v_env


def cvd_si_c_expansion(si_wt_frac, pore_volume_cm3_g, carbon_density_g_cm3=2.0, x=lisi.X_MAX_PRACTICAL,
                       efficiency: float = 1.0, host="amorphous"):
    """Outward expansion of a CVD Si–C particle (NaN where the Si does not fit in the pores)."""
    v_si, v_pore, v_env = cvd_si_c_volumes(si_wt_frac, pore_volume_cm3_g, carbon_density_g_cm3)
    fits = v_si <= v_pore
    e = outward_expansion(v_si, np.maximum(v_pore - v_si, 0.0), v_env, x, efficiency, host)
    return np.where(fits, e, np.nan)


def matching_pore_volume(si_wt_frac, x=lisi.X_MAX_PRACTICAL, efficiency: float = 1.0, host="amorphous"):
    """Scaffold pore volume (cm3/g carbon) that exactly holds the lithiated Si (seeds/000 §4.1.3)."""
    w = np.asarray(si_wt_frac, dtype=float)
    beta = _beta(x, host)
    # V_Si beta <= V_Si + eff (V_pore - V_Si)  ->  V_pore >= V_Si (1 + (beta - 1)/eff)
    return w / RHO_SI_G_CM3 * (1 + (beta - 1) / efficiency) / (1 - w)


def yolk_shell_expansion(yolk_radius, void_thickness, shell_thickness, x=lisi.X_MAX_PRACTICAL,
                         efficiency: float = 1.0, host="crystalline"):
    """Outward expansion of a yolk–shell particle (shell pushed out once the yolk fills the void)."""
    ry, g, t = (np.asarray(a, dtype=float) for a in (yolk_radius, void_thickness, shell_thickness))
    if np.any(ry <= 0):
        raise InputError("yolk radius must be > 0", field="active.yolk_radius_nm")
    if np.any(g < 0):
        raise InputError("void thickness must be >= 0", field="active.void_thickness_nm")
    v_si = 4 / 3 * np.pi * ry ** 3
    v_void = 4 / 3 * np.pi * ((ry + g) ** 3 - ry ** 3)
    v_env = 4 / 3 * np.pi * (ry + g + t) ** 3
    return outward_expansion(v_si, v_void, v_env, x, efficiency, host)


def pore_matching_map(si_wt_frac=None, pore_volume_cm3_g=None, carbon_density_g_cm3=2.0,
                      x=lisi.X_MAX_PRACTICAL, efficiency: float = 1.0) -> pd.DataFrame:
    """Tidy map: Si loading x scaffold pore volume -> outward expansion and regime.

    regime: 'does not fit' (Si > pore volume at deposition), 'overfilled on lithiation'
    (lithiated Si > pores: particle grows), 'accommodated' (no outward growth).
    """
    w = np.linspace(0.1, 0.8, 36) if si_wt_frac is None else np.asarray(si_wt_frac, dtype=float)
    pv = np.linspace(0.2, 3.0, 29) if pore_volume_cm3_g is None else np.asarray(pore_volume_cm3_g, dtype=float)
    W, PV = np.meshgrid(w, pv, indexing="ij")
    v_si, v_pore, _ = cvd_si_c_volumes(W, PV, carbon_density_g_cm3)
    e = cvd_si_c_expansion(W, PV, carbon_density_g_cm3, x, efficiency)
    regime = np.where(v_si > v_pore, "does not fit", np.where(e > 1e-12, "overfilled on lithiation", "accommodated"))
    return pd.DataFrame({"si_wt_frac": W.ravel(), "pore_volume_cm3_g": PV.ravel(),
                         "outward_expansion": e.ravel(), "regime": regime.ravel()})
