"""Open-circuit potentials for PyBaMM, built from the materials stage's voltage functions.

What is modelled
----------------
There is ONE voltage model in sianode: :mod:`sianode.materials.voltage`. This module only
*samples* those NumPy functions onto a stoichiometry grid and wraps the table as a
``pybamm.Interpolant`` so that PyBaMM can use it. No voltage curve is written here.

* Si (any Si-containing active phase): stoichiometry ``sto = c / c_max`` maps to
  ``x = sto * X_MAX_PRACTICAL`` Li per Si (``sianode.materials.lisi``), so that ``sto = 1`` is
  Li15Si4. Branches: ``ocv_lithiation_V``, ``ocv_delithiation_V`` and ``ocv_mean_V``.
* Graphite: ``graphite_ocv_V(sto)``.
* Cathodes (full cells only): NCM811 from Chen et al., J. Electrochem. Soc. 167 (2020) 080534 and LFP
  from Afshar et al. / Prada et al., J. Electrochem. Soc. 159 (2012) A1508, both as implemented
  in PyBaMM's parameter sets (sampled to tables so that they export to BPX).

Hysteresis: PyBaMM's ``"current sigmoid"`` OCP option switches between the lithiation and the
delithiation branch by the sign of the current (Ai et al., J. Electrochem. Soc. 169 (2022)
010524). ``"single"`` uses the mean branch (no hysteresis).

Numerical end walls: every tabulated OCP gets ``1e-4 (1/sto + 1/(sto - 1))`` V added, the same
form PyBaMM's Chen2020 NMC OCP uses, so that the voltage leaves any cut-off window before the
stoichiometry reaches 0 or 1 (the change is < 1 mV for 0.11 < sto < 0.89 and < 10 mV for
0.01 < sto < 0.99).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_TABLE = 161  # table points per branch; fine enough for the ~0.04 V wide dQ/dV peaks of a-Si
WALL_V = 1e-4  # V, end-wall coefficient (PyBaMM Chen2020 NMC OCP form)


@dataclass(frozen=True)
class OCPTable:
    """A tabulated open-circuit potential ``U(sto)`` with its source."""

    sto: np.ndarray
    volts: np.ndarray
    source: str

    def __call__(self, sto):
        return np.interp(sto, self.sto, self.volts)


def _grid(n: int = N_TABLE) -> np.ndarray:
    # denser near the ends where the curves are steep
    s = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n))
    return s


def _voltage_module():
    try:
        from sianode.materials import voltage
    except ImportError as err:  # materials stage not installed in this tree
        from sianode.errors import SolverError
        raise SolverError("echem needs sianode.materials.voltage (the one voltage model); "
                          f"it could not be imported: {err}") from None
    return voltage


def si_tables(n: int = N_TABLE) -> dict[str, OCPTable]:
    """Si OCP branches sampled from :mod:`sianode.materials.voltage` on ``sto = x / 3.75``."""
    v = _voltage_module()
    from sianode.materials.lisi import X_MAX_PRACTICAL

    s = _grid(n)
    x = np.clip(s * X_MAX_PRACTICAL, 0.0, X_MAX_PRACTICAL)
    src = "sianode.materials.voltage ({}), sto = x / {}".format("{}", X_MAX_PRACTICAL)
    return {
        "lithiation": OCPTable(s, np.asarray(v.ocv_lithiation_V(x)), src.format("ocv_lithiation_V")),
        "delithiation": OCPTable(s, np.asarray(v.ocv_delithiation_V(x)), src.format("ocv_delithiation_V")),
        "mean": OCPTable(s, np.asarray(v.ocv_mean_V(x)), src.format("ocv_mean_V")),
    }


def graphite_tables(n: int = N_TABLE, sto_scale: float = 1.0) -> dict[str, OCPTable]:
    """Graphite OCP from :func:`sianode.materials.voltage.graphite_ocv_V` (no hysteresis).

    ``sto_scale``: the OCP fit's stoichiometry at the phase's sto = 1, i.e. its capacity over LiC6 (the echem
    phase is full at the materials stage's reversible graphite capacity, 360 of 372 mAh/g for artificial
    graphite: sto_fit = sto_scale x sto)."""
    v = _voltage_module()
    s = _grid(n)
    s = np.clip(s, 1e-4, 1.0)
    t = OCPTable(s, np.asarray(v.graphite_ocv_V(np.clip(s * sto_scale, 1e-4, 1.0))),
                 f"sianode.materials.voltage.graphite_ocv_V at sto_fit = {sto_scale:.4f} sto")
    return {"lithiation": t, "delithiation": t, "mean": t}


def cathode_tables(cathode: str, n: int = N_TABLE) -> dict[str, OCPTable]:
    """Cathode OCP sampled from PyBaMM's published fits (NCM811: Chen2020; LFP: Prada2013)."""
    import pybamm

    s = np.linspace(1e-3, 1 - 1e-3, n)
    if cathode == "LFP":
        f = pybamm.ParameterValues("Prada2013")["Positive electrode OCP [V]"]
        src = "LFP OCP of Afshar et al. 2017 as in PyBaMM Prada2013 (Prada et al., JES 159 (2012) A1508)"
    else:
        f = pybamm.ParameterValues("Chen2020")["Positive electrode OCP [V]"]
        src = "NMC811 OCP, Chen et al., J. Electrochem. Soc. 167 (2020) 080534 (PyBaMM Chen2020)"
    vals = np.array([f(pybamm.Scalar(si)).evaluate() for si in s], dtype=float).ravel()
    t = OCPTable(s, vals, src)
    return {"lithiation": t, "delithiation": t, "mean": t}


def pybamm_ocp(table: OCPTable, name: str):
    """A PyBaMM OCP function ``U(sto)`` (or ``U(sto, T)``) interpolating ``table`` plus end walls."""
    import pybamm

    x = np.asarray(table.sto, dtype=float)
    y = np.asarray(table.volts, dtype=float)

    def ocp(sto, T=None):
        interp = pybamm.Interpolant(x, y, sto, name=name, interpolator="linear", extrapolate=True)
        return interp + WALL_V * (1 / sto + 1 / (sto - 1))

    ocp.__name__ = name.replace(" ", "_")
    return ocp
