"""Sweeps and inverse design on the vectorised cell model.

Every sweep is ONE call of :func:`sianode.cell.stack.cell_model` on broadcast NumPy arrays (Si
fraction x cathode loading x N/P), not a Python loop over designs. Inverse problems:

* :func:`loading_for_areal_capacity` -- the cathode loading that reaches a target areal capacity.
  The delivered capacity is linear in loading (``Q_cell = m_c min((q_ch + d) ICE_a, q_rev)`` with the
  auto dose also proportional to ``m_c``), so one evaluation at a reference loading gives the slope;
  the answer is verified by a second evaluation.
* :func:`best_si_fraction` -- the Si-material fraction that maximises Wh/L (charged, swollen) subject
  to a limit on the anode's thickness change, by a vectorised grid search refined once.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sianode.cell.anode import AnodeBlend, AnodeComponent, two_component
from sianode.cathodes import CathodeMaterial
from sianode.cell.stack import cell_model
from sianode.errors import InputError, SolverError


def sweep(cathode: CathodeMaterial, base: AnodeComponent, si: AnodeComponent, *, si_fraction=(0.0,),
          cathode_loading_mg_cm2=(18.75,), np_ratio=(1.1,), **model_kw) -> pd.DataFrame:
    """Tidy table of the cell model over the full grid si_fraction x cathode_loading x np_ratio.

    ``base`` is usually graphite and ``si`` the Si-containing material; ``model_kw`` go to ``cell_model``.
    """
    f = np.asarray(si_fraction, dtype=float)
    m = np.asarray(cathode_loading_mg_cm2, dtype=float)
    n = np.asarray(np_ratio, dtype=float)
    F, M, N = np.meshgrid(f, m, n, indexing="ij")
    blend = two_component(base, si, F)
    res = cell_model(cathode, blend, cathode_loading_mg_cm2=M, np_ratio=N, **model_kw)
    df = res.to_frame()
    df.insert(0, "si_fraction", np.broadcast_to(F, F.shape).ravel())
    return df


def loading_for_areal_capacity(target_mAh_cm2: float, cathode: CathodeMaterial, anode: AnodeBlend,
                               m_ref: float = 20.0, **model_kw) -> float:
    """Cathode active loading (mg/cm2) whose cell delivers ``target_mAh_cm2`` (linear inversion, verified)."""
    if not (target_mAh_cm2 > 0):
        raise InputError("target areal capacity must be > 0 mAh/cm2", field="target_mAh_cm2")
    q_ref = float(cell_model(cathode, anode, cathode_loading_mg_cm2=m_ref, **model_kw).values["areal_capacity_mAh_cm2"])
    m = target_mAh_cm2 / q_ref * m_ref
    check = float(cell_model(cathode, anode, cathode_loading_mg_cm2=m, **model_kw).values["areal_capacity_mAh_cm2"])
    if abs(check - target_mAh_cm2) > 1e-6 * target_mAh_cm2:
        raise SolverError(f"loading inversion failed: got {check:.6g} instead of {target_mAh_cm2:.6g} mAh/cm2")
    return m


def best_si_fraction(cathode: CathodeMaterial, base: AnodeComponent, si: AnodeComponent, *,
                     max_thickness_change: float = 0.30, n: int = 101, **model_kw) -> dict:
    """Si fraction maximising charged (swollen) Wh/L with anode thickness change <= ``max_thickness_change``."""
    def evaluate(f):
        r = cell_model(cathode, two_component(base, si, f), **model_kw)
        return np.asarray(r.values["energy_density_Wh_L"]), np.asarray(r.values["anode_thickness_change_charged"])

    f = np.linspace(0.0, 1.0, n)
    whl, sw = evaluate(f)
    ok = sw <= max_thickness_change
    if not ok.any():
        raise InputError(f"no Si fraction keeps the anode thickness change <= {max_thickness_change:g} "
                         f"(graphite alone gives {sw[0]:.3g})", field="max_thickness_change")
    i = int(np.argmax(np.where(ok, whl, -np.inf)))
    lo, hi = f[max(i - 1, 0)], f[min(i + 1, n - 1)]
    f2 = np.linspace(lo, hi, n)
    whl2, sw2 = evaluate(f2)
    ok2 = sw2 <= max_thickness_change
    j = int(np.argmax(np.where(ok2, whl2, -np.inf)))
    return {"si_fraction": float(f2[j]), "energy_density_Wh_L": float(whl2[j]),
            "anode_thickness_change_charged": float(sw2[j]), "limit": max_thickness_change,
            "limited_by_swelling": bool(j < n - 1 and not ok2[min(j + 1, n - 1)])}
