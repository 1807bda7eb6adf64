"""Cathode active materials: capacity, first-cycle efficiency, density, voltage curve and mean voltage.

Foundation layer: every stage that needs cathode data (materials and echem for the N/P rule, life for
the energy per cycle, cell for the stack) reads it here, so the cathode has one definition.

What is modelled
----------------
Each cathode is a :class:`CathodeMaterial` with

* ``reversible_capacity_mAh_g`` -- practical discharge capacity in the usual window
  (layered oxides 3.0–4.3 V vs Li/Li+, slow rate);
* ``first_charge_capacity_mAh_g`` -- first delithiation capacity; the cathode's own initial
  coulombic efficiency is ``ice = reversible / first_charge`` (layered Ni-rich oxides cannot take
  back all their Li at the end of the first discharge: kinetic hindrance near x = 1);
* ``density_g_cm3`` -- X-ray density computed from the unit cell: ``rho = Z M / (N_A V_cell)``;
* a voltage curve ``U(s)`` vs Li/Li+ over the fraction ``s`` (0 = charged to the upper cut-off,
  1 = fully discharged) of the reversible capacity. The curves are published OCP fits in
  stoichiometry (as implemented in PyBaMM's parameter sets), evaluated over the stoichiometry
  window of the source: ``sto = sto_charged + s (sto_discharged - sto_charged)``.

Simplifications: NCM622, NCM523 and NCA use the NCM811 OCP shape of Chen et al. (2020) (same
layered R-3m family; their average voltages differ by a few 10 mV); LMO uses a flat curve at
its average voltage. Say so in reports (``curve_source``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from sianode.errors import InputError

from sianode.constants import AVOGADRO_MOL as _AVOGADRO  # CODATA 2018 (exact)

# IUPAC standard atomic weights
_M = {"Li": 6.941, "Ni": 58.693, "Co": 58.933, "Mn": 54.938, "Al": 26.982, "Fe": 55.845, "P": 30.974,
      "O": 15.999}


def xray_density_g_cm3(formula: dict[str, float], z: float, cell_volume_A3: float) -> float:
    """X-ray density ``rho = Z * M / (N_A * V_cell)`` from a formula {element: count}."""
    m = sum(_M[el] * n for el, n in formula.items())
    return z * m / (_AVOGADRO * cell_volume_A3 * 1e-24)


def _hex_volume(a, c):  # hexagonal setting of R-3m
    return np.sqrt(3.0) / 2.0 * a * a * c


# ----------------------------------------------------------------------------- OCP fits
def _nmc811_chen2020(sto):
    """NMC811 OCP, Chen et al., J. Electrochem. Soc. 167 (2020) 080534 (LG M50; PyBaMM Chen2020)."""
    return (-0.8090 * sto + 4.4875 - 0.0428 * np.tanh(18.5138 * (sto - 0.5542))
            - 17.7326 * np.tanh(15.7890 * (sto - 0.3117)) + 17.5842 * np.tanh(15.9308 * (sto - 0.3120)))


def _lfp_prada2013(sto):
    """LFP OCP, Prada et al., J. Electrochem. Soc. 160 (2013) A616 (PyBaMM Prada2013)."""
    return 3.4077 - 0.020269 * sto + 0.5 * np.exp(-150 * sto) - 0.9 * np.exp(-30 * (1 - sto))


def _lco_ramadass2004(sto):
    """LiCoO2 OCP, Ramadass et al., J. Electrochem. Soc. 151 (2004) A196 (PyBaMM Ramadass2004)."""
    s = 1.13 * sto
    num = -4.656 + 88.669 * s**2 - 401.119 * s**4 + 342.909 * s**6 - 462.471 * s**8 + 433.434 * s**10
    den = -1 + 18.933 * s**2 - 79.532 * s**4 + 37.311 * s**6 - 73.083 * s**8 + 95.96 * s**10
    return num / den


_SRC_CHEN = "Chen, Brosa Planella, O'Regan et al., J. Electrochem. Soc. 167 (2020) 080534 (NMC811 OCP fit, sto 0.2661-0.9084)"


@dataclass(frozen=True)
class CathodeMaterial:
    """A cathode active material (see module docstring)."""

    name: str
    reversible_capacity_mAh_g: float
    first_charge_capacity_mAh_g: float
    density_g_cm3: float
    ocp: Callable[[np.ndarray], np.ndarray]
    sto_charged: float
    sto_discharged: float
    capacity_source: str
    density_source: str
    curve_source: str

    @property
    def ice(self) -> float:
        """Cathode initial coulombic efficiency (reversible / first charge)."""
        return self.reversible_capacity_mAh_g / self.first_charge_capacity_mAh_g

    def voltage_V(self, s):
        """Cathode potential vs Li/Li+ at discharged fraction ``s`` (0..1) of the reversible capacity."""
        s = np.clip(np.asarray(s, dtype=float), 0.0, 1.0)
        sto = self.sto_charged + s * (self.sto_discharged - self.sto_charged)
        return np.asarray(self.ocp(sto), dtype=float) + 0.0 * s

    def average_voltage_V(self, n: int = 400) -> float:
        """Mean discharge potential over the full reversible capacity (midpoint rule on the OCP).

        The one owner of a cathode's mean voltage: the life stage's energy per cycle and the cell
        stage's voltage curve both integrate this OCP; no typed nominal voltage is used anywhere.
        """
        s = (np.arange(n) + 0.5) / n
        return float(np.mean(self.voltage_V(s)))


def _flat(v):
    return lambda sto: v + 0.0 * np.asarray(sto, dtype=float)


_LAYERED_811 = {"Li": 1, "Ni": 0.8, "Co": 0.1, "Mn": 0.1, "O": 2}

CATHODES: dict[str, CathodeMaterial] = {
    "NCM811": CathodeMaterial(
        "NCM811", 200.0, 225.0,
        xray_density_g_cm3(_LAYERED_811, 3, _hex_volume(2.872, 14.20)),
        _nmc811_chen2020, 0.2661, 0.9084,
        "Noh, Youn, Yoon & Sun, J. Power Sources 233 (2013) 121: LiNi0.8Co0.1Mn0.1O2 ~200 mAh/g discharge "
        "(3.0-4.3 V, 0.1C), first charge ~225 mAh/g (ICE ~0.89)",
        "R-3m, a = 2.872 Å, c = 14.20 Å, Z = 3 (Noh et al. 2013) -> X-ray density",
        _SRC_CHEN),
    "NCM622": CathodeMaterial(
        "NCM622", 180.0, 200.0,
        xray_density_g_cm3({"Li": 1, "Ni": 0.6, "Co": 0.2, "Mn": 0.2, "O": 2}, 3, _hex_volume(2.868, 14.22)),
        _nmc811_chen2020, 0.2661, 0.9084,
        "Noh et al., J. Power Sources 233 (2013) 121: LiNi0.6Co0.2Mn0.2O2 ~180 mAh/g (3.0-4.3 V), ICE ~0.9",
        "R-3m, a = 2.868 Å, c = 14.22 Å, Z = 3 (Noh et al. 2013) -> X-ray density",
        _SRC_CHEN + "; NCM811 shape used for NCM622 (simplification)"),
    "NCM523": CathodeMaterial(
        "NCM523", 165.0, 185.0,
        xray_density_g_cm3({"Li": 1, "Ni": 0.5, "Co": 0.2, "Mn": 0.3, "O": 2}, 3, _hex_volume(2.869, 14.24)),
        _nmc811_chen2020, 0.2661, 0.9084,
        "Noh et al., J. Power Sources 233 (2013) 121: LiNi0.5Co0.2Mn0.3O2 ~165 mAh/g (3.0-4.3 V), ICE ~0.9",
        "R-3m, a = 2.869 Å, c = 14.24 Å, Z = 3 (Noh et al. 2013) -> X-ray density",
        _SRC_CHEN + "; NCM811 shape used for NCM523 (simplification)"),
    "NCA": CathodeMaterial(
        "NCA", 195.0, 215.0,
        xray_density_g_cm3({"Li": 1, "Ni": 0.8, "Co": 0.15, "Al": 0.05, "O": 2}, 3, _hex_volume(2.864, 14.18)),
        _nmc811_chen2020, 0.2661, 0.9084,
        "Schmuch, Wagner, Hörpel, Placke & Winter, Nat. Energy 3 (2018) 267 (NCA ~200 mAh/g practical); "
        "first charge ~215 mAh/g",
        "R-3m, a = 2.864 Å, c = 14.18 Å, Z = 3 (LiNi0.8Co0.15Al0.05O2) -> X-ray density",
        _SRC_CHEN + "; NCM811 shape used for NCA (simplification)"),
    "LFP": CathodeMaterial(
        "LFP", 160.0, 165.0,
        xray_density_g_cm3({"Li": 1, "Fe": 1, "P": 1, "O": 4}, 4, 10.33 * 6.01 * 4.69),
        _lfp_prada2013, 0.01, 0.99,
        "LiFePO4 170 mAh/g theoretical, ~160 practical, ICE ~0.97 (Padhi, Nanjundaswamy & Goodenough, "
        "J. Electrochem. Soc. 144 (1997) 1188; Schmuch et al., Nat. Energy 3 (2018) 267)",
        "Pnma, a = 10.33, b = 6.01, c = 4.69 Å, Z = 4 (Padhi et al. 1997) -> X-ray density",
        "Prada et al., J. Electrochem. Soc. 160 (2013) A616 (LFP OCP fit), sto 0.01-0.99"),
    "LCO": CathodeMaterial(
        "LCO", 160.0, 165.0,
        xray_density_g_cm3({"Li": 1, "Co": 1, "O": 2}, 3, _hex_volume(2.816, 14.05)),
        _lco_ramadass2004, 0.44, 0.875,
        "LiCoO2 ~160 mAh/g to 4.35 V (~0.58 Li), ICE ~0.97 (Schmuch et al., Nat. Energy 3 (2018) 267)",
        "R-3m, a = 2.816 Å, c = 14.05 Å, Z = 3 -> X-ray density",
        "Ramadass et al., J. Electrochem. Soc. 151 (2004) A196 (LCO OCP fit), sto 0.44-0.875 (the fit has a pole at 0.885)"),
    "LMO": CathodeMaterial(
        "LMO", 120.0, 126.0,
        xray_density_g_cm3({"Li": 1, "Mn": 2, "O": 4}, 8, 8.24 ** 3),
        _flat(4.05), 0.0, 1.0,
        "LiMn2O4 ~120 mAh/g practical, ICE ~0.95 (Thackeray, Prog. Solid State Chem. 25 (1997) 1)",
        "Fd-3m, a = 8.24 Å, Z = 8 -> X-ray density",
        "flat curve at 4.05 V, the mean of the two 4.0/4.1 V plateaus (Thackeray 1997) -- simplification"),
}


def get_cathode(name: str, *, reversible_capacity_mAh_g: float | None = None,
                first_charge_capacity_mAh_g: float | None = None,
                density_g_cm3: float | None = None) -> CathodeMaterial:
    """Look up a cathode by name, optionally overriding capacity, first charge or density."""
    if name not in CATHODES:
        raise InputError(f"unknown cathode {name!r}; allowed: {sorted(CATHODES)}", field="cell.cathode")
    c = CATHODES[name]
    kw = {}
    if reversible_capacity_mAh_g is not None:
        kw["reversible_capacity_mAh_g"] = float(reversible_capacity_mAh_g)
    if first_charge_capacity_mAh_g is not None:
        kw["first_charge_capacity_mAh_g"] = float(first_charge_capacity_mAh_g)
    if density_g_cm3 is not None:
        kw["density_g_cm3"] = float(density_g_cm3)
    if kw:
        from dataclasses import replace
        c = replace(c, **kw)
    if c.first_charge_capacity_mAh_g < c.reversible_capacity_mAh_g:
        raise InputError("first_charge_capacity_mAh_g must be >= reversible_capacity_mAh_g (ICE <= 1)",
                         field="cathode.first_charge_capacity_mAh_g")
    return c


def mean_voltage_V(name: str) -> float:
    """Mean discharge voltage vs Li/Li+ of cathode ``name``, integrated from its OCP (see ``average_voltage_V``)."""
    return get_cathode(name).average_voltage_V()
