"""One constitutive law for LixSi: elastic moduli, flow stress and fracture energy vs Li content.

Every mechanics model in sianode (analytic sphere, finite-strain plastic sphere, the scikit-fem
particle FEM and the fracture criterion) takes its LixSi properties from the functions here, so a
change of one published value moves all of them together.

Law
---
* Young's modulus, linear in x between the host and Li3.75Si (elastic softening measured by
  nanoindentation, Hertzberg, Benson & Yushin, Electrochem. Commun. 13 (2011) 818; same linear trend
  in the DFT moduli of Shenoy, Johari & Qi, J. Power Sources 195 (2010) 6825):

      E(x) = E_host + (E_Li3.75Si - E_host) x / 3.75

* Poisson ratio, linear in x from 0.22 (Si) to 0.28 (Li-rich), the range of Shenoy et al. (2010).
* Flow stress (J2, perfectly plastic at fixed x), measured by wafer curvature on a-Si films
  (Sethuraman, Chon, Shimshak, Srinivasan & Guduru, J. Power Sources 195 (2010) 5062):
  lithiation puts the constrained film in compression, which flows at ca. 1.75 GPa at the onset of
  plasticity (low Li content) and falls continuously as Li is added; delithiation puts it in tension,
  which flows at ca. 1 GPa over the rest of delithiation. We carry the two branches as

      compression: sigma_c(x) = 1.75 GPa + (0.5 GPa - 1.75 GPa) x / 3.75
      tension:     sigma_t(x) = 1.0 GPa

  and select the branch by the sign of the local mean (hydrostatic) stress, blended smoothly over
  ``PRESSURE_BLEND`` (J2 flow is isochoric, so the mean stress of the elastic trial state is exact and
  the selection needs no iteration). *Interpretation*: Sethuraman et al. report the asymmetry
  between lithiation and delithiation; attributing it to the stress sign rather than to the reaction
  direction ("reactive flow", Zhao et al., Nano Lett. 11 (2011) 2962) is our choice. It matters for
  first-lithiation fracture (the Li-rich shell is in tension while Li is still being inserted):
  :mod:`sianode.mechanics.fracture` documents the sensitivity.
  Crystalline Si does not flow at room temperature (brittle below ~500 °C); material of a crystalline
  host below ``X_AMORPHIZED`` is elastic.
* Fracture energy, piecewise linear through the two compositions measured by Pharr, Suo & Vlassak,
  Nano Lett. 13 (2013) 5570 (8.5 ± 4.3 J/m2 at ~Li0.7Si; bounds 5.4 ± 2.2 to 6.9 ± 1.9 J/m2 at
  ~Li2.8Si, midpoint 6.15 used), constant beyond the measured range (no extrapolation).

Rate dependence: the flow stresses are the quasi-static (C/8) wafer-curvature values. Pharr et al.
(J. Power Sources 270 (2014) 569) show the flow stress of LixSi rises with charging rate; its
parameters are not used here (they could not be checked against the paper in this work), so fast
experiments (in situ TEM) see a somewhat higher flow stress than this law gives. Not modelled.
"""
from __future__ import annotations

import numpy as np

from sianode.errors import InputError
from sianode.provenance import Parameter

X_FULL = 3.75  # Li15Si4, end of room-temperature lithiation (Obrovac & Christensen, ESSL 7 (2004) A93)
X_AMORPHIZED = 0.1  # below this a crystalline host is pristine c-Si (elastic); numerical front smear only

HERTZBERG = "Hertzberg, Benson & Yushin, Electrochem. Commun. 13 (2011) 818"
SHENOY = "Shenoy, Johari & Qi, J. Power Sources 195 (2010) 6825"
SETHURAMAN = "Sethuraman, Chon, Shimshak, Srinivasan & Guduru, J. Power Sources 195 (2010) 5062"
PHARR_2013 = "Pharr, Suo & Vlassak, Nano Lett. 13 (2013) 5570"

LAW: dict[str, Parameter] = {
    "E_host_amorphous": Parameter(92e9, "Pa", HERTZBERG + " (a-Si film, 92 GPa)"),
    "E_host_crystalline": Parameter(130e9, "Pa", "Hopcroft, Nix & Kenny, J. MEMS 19 (2010) 229 (c-Si <100>, 130 GPa)"),
    "E_Li375Si": Parameter(12e9, "Pa", HERTZBERG + " (Li3.75Si, 12 GPa)",
                           note="DFT (Shenoy 2010) and biaxial-modulus data are higher (~35-41 GPa); sensitivity in docs"),
    "nu_Si": Parameter(0.22, "-", SHENOY + " (Si 0.22); Hopcroft 2010 isotropic average ~0.22"),
    "nu_Li375Si": Parameter(0.28, "-", SHENOY + " (Poisson ratio rises with Li, range 0.22-0.28)"),
    "flow_compression_low_x": Parameter(1.75e9, "Pa", SETHURAMAN + " (plastic flow starts at ca. -1.75 GPa early in lithiation)",
                                        note="anchored at x = 0 (onset occurs at small x)"),
    "flow_compression_Li375Si": Parameter(0.5e9, "Pa", SETHURAMAN + " (compressive flow stress falls continuously with Li "
                                          "content, to ~0.5 GPa late in lithiation)",
                                          note="read from the stress-capacity curve, approximate (±0.1 GPa)"),
    "flow_tension": Parameter(1.0e9, "Pa", SETHURAMAN + " (tensile flow at ca. 1 GPa during delithiation)",
                              note="taken independent of x"),
    "pressure_blend": Parameter(200e6, "Pa", "numerical regularisation of the tension/compression branch switch",
                                note="not a material property; critical sizes change by < 4 % between 10 and 200 MPa"),
    "fracture_energy_x0.7": Parameter(8.5, "J/m2", PHARR_2013 + " (~Li0.7Si, 8.5 ± 4.3 J/m2)"),
    "fracture_energy_x2.8": Parameter(6.15, "J/m2", PHARR_2013 + " (~Li2.8Si, bounds 5.4 ± 2.2 to 6.9 ± 1.9 J/m2; midpoint)"),
}
PRESSURE_BLEND = LAW["pressure_blend"].value
# Pharr et al. 2013 ~Li2.8Si: lower bound minus its error, upper bound plus its error (J/m2).
FRACTURE_ENERGY_BAND_LI_RICH = (5.4 - 2.2, 6.9 + 1.9)

_HOSTS = ("amorphous", "crystalline")


def _x(x) -> np.ndarray:
    xx = np.asarray(x, dtype=float)
    if np.any(~np.isfinite(xx)) or np.any(xx < -1e-9):
        raise InputError(f"Li content x must be finite and >= 0, got {x}", field="x")
    return np.clip(xx, 0.0, X_FULL)  # round-off below 0 from diffusion solves is clipped


def _host(host: str) -> str:
    if host not in _HOSTS:
        raise InputError(f"host must be one of {_HOSTS}, got {host!r}", field="active.phase")
    return host


def _ret(a):
    a = np.asarray(a, dtype=float)
    return float(a) if a.ndim == 0 else a


def young_modulus(x, host: str = "amorphous"):
    """Young's modulus of LixSi (Pa), linear in x from the host value to 12 GPa at Li3.75Si."""
    e_host = LAW["E_host_" + _host(host)].value
    return _ret(e_host + (LAW["E_Li375Si"].value - e_host) * _x(x) / X_FULL)


def poisson_ratio(x):
    """Poisson ratio of LixSi, linear in x from 0.22 (Si) to 0.28 (Li3.75Si), Shenoy et al. (2010)."""
    lo, hi = LAW["nu_Si"].value, LAW["nu_Li375Si"].value
    return _ret(lo + (hi - lo) * _x(x) / X_FULL)


def flow_stress_compression(x):
    """Compressive flow stress (Pa, positive number): 1.75 GPa at low x falling linearly to 0.5 GPa at Li3.75Si."""
    lo, hi = LAW["flow_compression_low_x"].value, LAW["flow_compression_Li375Si"].value
    return _ret(lo + (hi - lo) * _x(x) / X_FULL)


def flow_stress_tension(x):
    """Tensile flow stress (Pa): ca. 1 GPa independent of x (Sethuraman et al. 2010, delithiation)."""
    return _ret(np.full_like(_x(x), LAW["flow_tension"].value))


def flow_stress(x, mean_stress=0.0, host: str = "amorphous"):
    """Von Mises flow stress (Pa) of LixSi at Li content ``x`` under mean (hydrostatic) stress ``mean_stress`` (Pa).

    Tension branch for mean_stress >> 0, compression branch for mean_stress << 0, blended with
    ``0.5 (1 + tanh(p / 200 MPa))``. Crystalline host below ``X_AMORPHIZED``: ``inf`` (elastic c-Si).
    Vectorised over x and mean_stress (broadcast).
    """
    xx = _x(x)
    p = np.asarray(mean_stress, dtype=float)
    w = 0.5 * (1.0 + np.tanh(p / PRESSURE_BLEND))
    s = (1 - w) * flow_stress_compression(xx) + w * flow_stress_tension(xx)
    if _host(host) == "crystalline":
        s = np.where(xx < X_AMORPHIZED, np.inf, s)
    return _ret(s)


def flow_stress_slope(x, mean_stress=0.0, host: str = "amorphous"):
    """d sigma_f / d p of :func:`flow_stress` (for consistent tangents); 0 where c-Si is elastic."""
    xx = _x(x)
    p = np.asarray(mean_stress, dtype=float)
    sech2 = 1.0 / np.cosh(np.clip(p / PRESSURE_BLEND, -50, 50)) ** 2
    d = 0.5 * sech2 / PRESSURE_BLEND * (flow_stress_tension(xx) - flow_stress_compression(xx))
    if _host(host) == "crystalline":
        d = np.where(xx < X_AMORPHIZED, 0.0, d)
    return _ret(d)


def fracture_energy(x):
    """Fracture energy of LixSi (J/m2): linear between Pharr et al.'s ~Li0.7Si and ~Li2.8Si values, flat outside."""
    xs = [0.7, 2.8]
    gs = [LAW["fracture_energy_x0.7"].value, LAW["fracture_energy_x2.8"].value]
    return _ret(np.interp(_x(x), xs, gs))


def law_table():
    """Tidy table of the law on a grid of x (for docs and reports)."""
    import pandas as pd

    x = np.linspace(0.0, X_FULL, 16)
    return pd.DataFrame({
        "x": x, "E_amorphous_GPa": young_modulus(x, "amorphous") / 1e9,
        "E_crystalline_GPa": young_modulus(x, "crystalline") / 1e9, "poisson_ratio": poisson_ratio(x),
        "flow_compression_GPa": flow_stress_compression(x) / 1e9, "flow_tension_GPa": flow_stress_tension(x) / 1e9,
        "fracture_energy_J_m2": fracture_energy(x),
    })
