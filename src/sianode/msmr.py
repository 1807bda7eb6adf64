"""Multi-species, multi-reaction (MSMR) open-circuit potential of an intercalation electrode.

What is modelled (Verbrugge, Baker, Koch, Xiao & Gu, J. Electrochem. Soc. 164 (2017) E3243, Eq. 8)
----------------------------------------------------------------------------------------------
The host's lithium sites are split into ``J`` groups; group ``j`` holds the fraction ``X_j`` of all
sites, fills around its standard potential ``U0_j`` with an ideality factor ``omega_j``::

    x_j(U) = X_j / (1 + exp(f (U - U0_j) / omega_j)),      f = F / (R T)
    x(U)   = sum_j x_j(U)                                   (fraction of sites filled, 0..sum X_j)

``x(U)`` decreases monotonically with ``U``, so the OCP ``U(x)`` is its inverse: ``x(U)`` is tabulated
once on 20001 potentials of a fixed bracket and inverted by linear interpolation (steps of 0.1-0.2 mV;
a stoichiometry outside the bracket's range returns the bracket's end). Temperature is fixed at
298.15 K (the tables were fitted at room temperature).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sianode.constants import FARADAY_C_MOL, GAS_CONSTANT_J_MOL_K

_T_REF_K = 298.15


@dataclass(frozen=True)
class MSMRElectrode:
    """One electrode's MSMR table: standard potentials (V), site fractions and ideality factors."""

    U0_V: tuple[float, ...]
    X: tuple[float, ...]
    omega: tuple[float, ...]
    source: str
    u_min_V: float = -0.5  # bisection bracket (V vs Li/Li+)
    u_max_V: float = 5.5

    def x_of_U(self, u):
        """Fraction of sites filled at potential ``u`` (V), broadcast over arrays."""
        f = FARADAY_C_MOL / (GAS_CONSTANT_J_MOL_K * _T_REF_K)
        u = np.asarray(u, dtype=float)[..., None]
        z = np.clip(f * (u - np.asarray(self.U0_V)) / np.asarray(self.omega), -700.0, 700.0)
        return np.sum(np.asarray(self.X) / (1.0 + np.exp(z)), axis=-1)

    def U_of_x(self, x):
        """Potential (V) at site fraction ``x``: inverse of :meth:`x_of_U` (tabulated, module docstring)."""
        xs, us = _inverse_table(self)
        u = np.interp(np.asarray(x, dtype=float), xs, us)
        return float(u) if np.ndim(u) == 0 else u


@lru_cache(maxsize=32)
def _inverse_table(e: MSMRElectrode, n: int = 20001):
    """(x ascending, U) pairs of ``e`` on ``n`` potentials of its bracket."""
    u = np.linspace(e.u_max_V, e.u_min_V, n)  # x(U) increases as U falls
    return e.x_of_U(u), u
