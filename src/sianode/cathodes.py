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

Each cathode has its own published OCP (no shape is reused): NCM811 Chen et al. (2020), NCM622 the
MSMR table of Verbrugge et al. (2017), NCM523 Mohtat et al. (2020), NCA Kim et al. (2011), LFP
Afshar et al. (2017), LCO Ramadass et al. (2004), LMO Doyle et al. (1996). The stoichiometry window is
the source's own where it publishes one (NCM811, LCO); otherwise it is where the OCP crosses the
cut-off potentials of the capacity data (:data:`CUTOFFS_V`), found from the curve itself
(:func:`sto_window`). Hysteresis and cathode breathing are neglected. ``curve_source`` says which fit.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np

from sianode.errors import InputError
from sianode.msmr import MSMRElectrode

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


def _lfp_afshar2017(sto):
    """LFP OCP, Afshar, Morris & Khajepour, arXiv:1709.03970 (2017) (as in PyBaMM's Prada2013 set)."""
    return 3.4077 - 0.020269 * sto + 0.5 * np.exp(-150 * sto) - 0.9 * np.exp(-30 * (1 - sto))


def _nmc532_mohtat2020(sto):
    """NMC532 OCP, Mohtat, Lee, Sulzer, Siegel & Stefanopoulou, J. Electrochem. Soc. 167 (2020) 110561
    (PyBaMM Mohtat2020, ``NMC_ocp_PeymanMPM``)."""
    return (4.3452 - 1.6518 * sto + 1.6225 * sto**2 - 2.0843 * sto**3 + 3.5146 * sto**4 - 2.2166 * sto**5
            - 0.5623e-4 * np.exp(109.451 * sto - 100.006))


def _nca_kim2011(sto):
    """NCA OCP, Kim, Smith, Lee, Santhanagopalan & Pesaran, J. Electrochem. Soc. 158 (2011) A955 (PyBaMM NCA_Kim2011)."""
    return (1.638 * sto**10 - 2.222 * sto**9 + 15.056 * sto**8 - 23.488 * sto**7 + 81.246 * sto**6
            - 344.566 * sto**5 + 621.3475 * sto**4 - 554.774 * sto**3 + 264.427 * sto**2 - 66.3691 * sto + 11.8058
            - 0.61386 * np.exp(5.8201 * sto**136.4))


def _lmo_doyle1996(sto):
    """LiyMn2O4 OCP, Doyle, Newman, Gozdz, Schmutz & Tarascon, J. Electrochem. Soc. 143 (1996) 1890
    (the fit has a pole at y = 0.998432; y is capped just below it)."""
    y = np.minimum(np.asarray(sto, dtype=float), 0.998)
    return (4.19829 + 0.0565661 * np.tanh(-14.5546 * y + 8.60942)
            - 0.0275479 * (1.0 / (0.998432 - y) ** 0.492465 - 1.90111)
            - 0.157123 * np.exp(-0.04738 * y**8) + 0.810239 * np.exp(-40 * (y - 0.133875)))


#: NMC622 MSMR table (Verbrugge et al. 2017, Table 1; as in PyBaMM's MSMR example set).
NMC622_MSMR = MSMRElectrode(U0_V=(3.62274, 3.72645, 3.90575, 4.22955), X=(0.13442, 0.32460, 0.21118, 0.32980),
                            omega=(0.96710, 1.39712, 3.50500, 5.52757),
                            source="Verbrugge, Baker, Koch, Xiao & Gu, J. Electrochem. Soc. 164 (2017) E3243, "
                                   "Table 1 (NMC622, MSMR)", u_min_V=2.0, u_max_V=5.5)


def _nmc622_verbrugge2017(sto):
    return NMC622_MSMR.U_of_x(np.clip(np.asarray(sto, dtype=float), 0.0, 1.0))


def _lco_ramadass2004(sto):
    """LiCoO2 OCP, Ramadass et al., J. Electrochem. Soc. 151 (2004) A196 (PyBaMM Ramadass2004)."""
    s = 1.13 * sto
    num = -4.656 + 88.669 * s**2 - 401.119 * s**4 + 342.909 * s**6 - 462.471 * s**8 + 433.434 * s**10
    den = -1 + 18.933 * s**2 - 79.532 * s**4 + 37.311 * s**6 - 73.083 * s**8 + 95.96 * s**10
    return num / den


#: Cut-off potentials (V vs Li/Li+: charged, discharged) of each cathode's capacity data; the OCP window
#: of a cathode without a published stoichiometry window is where its OCP crosses them (:func:`sto_window`).
CUTOFFS_V = {
    "NCM622": (4.3, 3.0), "NCM523": (4.3, 3.0), "NCA": (4.3, 3.0),  # Noh et al. 2013 / Schmuch et al. 2018
    "LFP": (3.6, 2.5),  # LiFePO4 cells 2.5-3.6 V (Padhi et al. 1997 window 2.5-4.3 V; plateau 3.4 V)
    "LMO": (4.3, 3.5),  # the 4 V region of LiyMn2O4 (Thackeray 1997)
}


def sto_window(ocp, u_charged_V: float, u_discharged_V: float, n: int = 20001) -> tuple[float, float]:
    """Stoichiometries where a decreasing OCP ``ocp(sto)`` crosses the charged and discharged cut-offs."""
    sto = np.linspace(0.0, 1.0, n)
    with np.errstate(all="ignore"):
        u = np.asarray(ocp(sto), dtype=float)

    def cross(v):
        i = int(np.argmax(u <= v))  # first grid point at or below v
        if not u[i] <= v or i == 0:
            raise ValueError(f"the OCP does not cross {v} V inside sto (0, 1)")
        return float(sto[i - 1] + (sto[i] - sto[i - 1]) * (u[i - 1] - v) / (u[i - 1] - u[i]))

    return cross(u_charged_V), cross(u_discharged_V)


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

    def charged_voltage_V(self):
        """Potential at the top of charge, ``voltage_V(0.0)`` (a NumPy scalar), computed once per cathode."""
        return _charged_voltage_V(self)

    def average_voltage_V(self, n: int = 400) -> float:
        """Mean discharge potential over the full reversible capacity (midpoint rule on the OCP).

        The one owner of a cathode's mean voltage: the life stage's energy per cycle and the cell
        stage's voltage curve both integrate this OCP; no typed nominal voltage is used anywhere. Pure in the
        cathode's data: memoised per (cathode, n).
        """
        return _average_voltage_V(self, n)


@lru_cache(maxsize=64)
def _charged_voltage_V(cathode: CathodeMaterial):
    """:meth:`CathodeMaterial.charged_voltage_V`: ``voltage_V(0.0)``, computed once per cathode."""
    return cathode.voltage_V(0.0)


@lru_cache(maxsize=64)
def _average_voltage_V(cathode: CathodeMaterial, n: int) -> float:
    """:meth:`CathodeMaterial.average_voltage_V` (the midpoint rule on the OCP), computed once per (cathode, n)."""
    s = (np.arange(n) + 0.5) / n
    return float(np.mean(cathode.voltage_V(s)))


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
        _nmc622_verbrugge2017, *(float(NMC622_MSMR.x_of_U(u)) for u in CUTOFFS_V["NCM622"]),
        "Noh et al., J. Power Sources 233 (2013) 121: LiNi0.6Co0.2Mn0.2O2 ~180 mAh/g (3.0-4.3 V), ICE ~0.9",
        "R-3m, a = 2.868 Å, c = 14.22 Å, Z = 3 (Noh et al. 2013) -> X-ray density",
        NMC622_MSMR.source + " (PyBaMM MSMR example set); window where the OCP crosses 4.3 / 3.0 V"),
    "NCM523": CathodeMaterial(
        "NCM523", 165.0, 185.0,
        xray_density_g_cm3({"Li": 1, "Ni": 0.5, "Co": 0.2, "Mn": 0.3, "O": 2}, 3, _hex_volume(2.869, 14.24)),
        _nmc532_mohtat2020, *sto_window(_nmc532_mohtat2020, *CUTOFFS_V["NCM523"]),
        "Noh et al., J. Power Sources 233 (2013) 121: LiNi0.5Co0.2Mn0.3O2 ~165 mAh/g (3.0-4.3 V), ICE ~0.9",
        "R-3m, a = 2.869 Å, c = 14.24 Å, Z = 3 (Noh et al. 2013) -> X-ray density",
        "Mohtat, Lee, Sulzer, Siegel & Stefanopoulou, J. Electrochem. Soc. 167 (2020) 110561 (NMC532 OCP, PyBaMM "
        "Mohtat2020); window where the OCP crosses 4.3 / 3.0 V"),
    "NCA": CathodeMaterial(
        "NCA", 195.0, 215.0,
        xray_density_g_cm3({"Li": 1, "Ni": 0.8, "Co": 0.15, "Al": 0.05, "O": 2}, 3, _hex_volume(2.864, 14.18)),
        _nca_kim2011, *sto_window(_nca_kim2011, *CUTOFFS_V["NCA"]),
        "Schmuch, Wagner, Hörpel, Placke & Winter, Nat. Energy 3 (2018) 267 (NCA ~200 mAh/g practical); "
        "first charge ~215 mAh/g",
        "R-3m, a = 2.864 Å, c = 14.18 Å, Z = 3 (LiNi0.8Co0.15Al0.05O2) -> X-ray density",
        "Kim, Smith, Lee, Santhanagopalan & Pesaran, J. Electrochem. Soc. 158 (2011) A955 (NCA OCP, PyBaMM "
        "NCA_Kim2011); window where the OCP crosses 4.3 / 3.0 V"),
    "LFP": CathodeMaterial(
        "LFP", 160.0, 165.0,
        xray_density_g_cm3({"Li": 1, "Fe": 1, "P": 1, "O": 4}, 4, 10.33 * 6.01 * 4.69),
        _lfp_afshar2017, *sto_window(_lfp_afshar2017, *CUTOFFS_V["LFP"]),
        "LiFePO4 170 mAh/g theoretical, ~160 practical, ICE ~0.97 (Padhi, Nanjundaswamy & Goodenough, "
        "J. Electrochem. Soc. 144 (1997) 1188; Schmuch et al., Nat. Energy 3 (2018) 267)",
        "Pnma, a = 10.33, b = 6.01, c = 4.69 Å, Z = 4 (Padhi et al. 1997) -> X-ray density",
        "Afshar, Morris & Khajepour, arXiv:1709.03970 (2017) (LFP OCP, as in PyBaMM's Prada2013 set); window where "
        "the OCP crosses 3.6 / 2.5 V"),
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
        _lmo_doyle1996, *sto_window(_lmo_doyle1996, *CUTOFFS_V["LMO"]),
        "LiMn2O4 ~120 mAh/g practical, ICE ~0.95 (Thackeray, Prog. Solid State Chem. 25 (1997) 1)",
        "Fd-3m, a = 8.24 Å, Z = 8 -> X-ray density",
        "Doyle, Newman, Gozdz, Schmutz & Tarascon, J. Electrochem. Soc. 143 (1996) 1890 (LiyMn2O4 OCP fit); window "
        "where the OCP crosses 4.3 / 3.5 V"),
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


def design_cathode(design) -> CathodeMaterial:
    """The cathode of a design: ``cell.cathode`` with the data ``cell.cathode_electrode`` overrides.

    The one place stages get a design's cathode from (loadings, electrolyte amount, life, echem, cell), so a
    measured capacity or density given in the design is used everywhere.
    """
    c = design.cell
    ce = getattr(c, "cathode_electrode", None)
    if ce is None:
        return get_cathode(c.cathode)
    return get_cathode(c.cathode, reversible_capacity_mAh_g=ce.reversible_capacity_mAh_g,
                       first_charge_capacity_mAh_g=ce.first_charge_capacity_mAh_g, density_g_cm3=ce.density_g_cm3)
