"""Li–Si phases: capacity, density and volume of LixSi as a function of x.

What is modelled
----------------
* The crystalline Li–Si phases (Li12Si7, Li7Si3, Li13Si4, Li15Si4, Li21Si5, Li22Si5 and Si).
  Their X-ray densities are *computed* from the published unit cells (lattice parameters,
  formula units per cell) and the atomic masses: ``rho = Z * M / (N_A * V_cell)``.
* Gravimetric capacity of LixSi from Faraday's law, on the host (Si) basis::

      q [mAh/g] = x * F / (3.6 * M_Si)

  (3.6 C per mAh). Li15Si4 (x = 3.75) gives 3579 mAh/g and Li22Si5 (x = 4.4) gives 4199 mAh/g.
* Volume of LixSi per Si atom, linear in x (Vegard-like, "constant partial molar volume of Li")::

      V(x) / V(Si) = 1 + x * Omega_Li / Omega_Si

  where ``Omega_Si = M_Si / rho_cSi`` is the molar volume of c-Si and ``Omega_Li`` is the partial
  molar volume of Li. ``Omega_Li`` is computed (not typed in) from the X-ray densities of c-Si and
  Li15Si4: ``Omega_Li = (V_m(Li15Si4 per Si) - Omega_Si) / 3.75`` = 9.0 cm3/mol (15.0 Å^3 per Li).
  Obrovac, Christensen, Le & Dahn, J. Electrochem. Soc. 154 (2007) A849 showed that the volume of
  Li–Si alloys (crystalline and amorphous) is close to linear in x with this slope; a least-squares
  fit over all crystalline phases (:func:`omega_li_least_squares`) gives a value within a few %,
  which the tests check.

Assumptions / simplifications
-----------------------------
* Amorphous LixSi is assumed to follow the same linear volume law as the crystalline phases
  (Obrovac et al. 2007; Obrovac & Krause, JES 154 (2007) A103). The small density difference of
  a-Si (1.8 % less dense than c-Si) is kept as a separate constant and only used when the initial
  phase is amorphous (``host="amorphous"`` in :func:`volume_ratio`).
* Li22Si5 is the historical label of the most Li-rich phase (x = 4.4, Axel et al. 1966); later work
  (Zeilinger et al., Chem. Mater. 2013) showed the true phase is Li17Si4 (x = 4.25). Li22Si5 is kept
  because the theoretical 4200 mAh/g in the seeds refers to it.
* At room temperature the end of lithiation is Li15Si4 (x = 3.75; Obrovac & Christensen,
  Electrochem. Solid-State Lett. 7 (2004) A93), hence ``X_MAX_PRACTICAL``.

Reading of seeds/004 Table 1: it prints a "Volume change (%)" of 420 for Li4.4Si. With the
densities above, V(Li22Si5)/V(Si) = 4.12 (crystal density) or 4.30 (linear law), i.e. a volume
*expansion* of 312–330 %; we read the seed's 420 % as the final volume being ~4.2 x the initial one
(V/V0 ≈ 4.2), not an expansion of 420 %. At Li15Si4 the expansion is 281 % (V/V0 = 3.81).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sianode.errors import InputError
from sianode.provenance import Parameter

# --------------------------------------------------------------------------- constants
# CODATA / IUPAC constants: one definition in sianode.constants (re-exported here)
from sianode.constants import (AVOGADRO_MOL, FARADAY_C_MOL, M_C_G_MOL, M_LI_G_MOL, M_O_G_MOL,  # noqa: E402,F401
                               M_SI_G_MOL, MAH_PER_C)

RHO_SI_G_CM3 = 2.329  # c-Si at 25 °C, CRC Handbook of Chemistry and Physics
# a-Si is 1.8 % less dense than c-Si: Custer, Thompson, Jacobson, Poate et al., Appl. Phys. Lett. 64 (1994) 437.
RHO_ASI_G_CM3 = RHO_SI_G_CM3 * (1.0 - 0.018)
MOLAR_VOLUME_SI_CM3_MOL = M_SI_G_MOL / RHO_SI_G_CM3  # 12.06 cm3/mol
MOLAR_VOLUME_ASI_CM3_MOL = M_SI_G_MOL / RHO_ASI_G_CM3

X_MAX_PRACTICAL = 3.75  # Li15Si4, end of room-temperature lithiation (Obrovac & Christensen, ESSL 7 (2004) A93)
X_MAX_THEORETICAL = 4.4  # Li22Si5 (Li4.4Si), seeds/004 Table 1 and §1

# Li+ diffusivity in Si. seeds/004 §2.3 (ref. 27, Ding et al., Solid State Ionics 180 (2009) 222):
# 1e-13 – 1e-12 cm2/s for Li in Si; seeds/000 §2: D in a-Si at least an order of magnitude above c-Si.
D_ASI_M2_S = Parameter(1e-16, "m2/s",
                       "seeds/004 §2.3 (Ding et al., Solid State Ionics 180 (2009) 222): 1e-13–1e-12 cm2/s; "
                       "upper end taken for a-Si per seeds/000 §2 (a-Si faster than c-Si)",
                       note="1e-12 cm2/s; order of magnitude only")
D_CSI_M2_S = Parameter(1e-17, "m2/s",
                       "seeds/000 §2 (Fig. 1b: D in c-Si at least one order of magnitude below a-Si); "
                       "seeds/004 §2.3 range 1e-13–1e-12 cm2/s",
                       note="1e-13 cm2/s; order of magnitude only")


# --------------------------------------------------------------------------- phases
@dataclass(frozen=True)
class LiSiPhase:
    """A crystalline Li–Si phase.

    name           : formula label ("Li15Si4").
    x              : Li atoms per Si atom.
    density_g_cm3  : X-ray density computed from the unit cell (see ``cell_volume_A3``, ``z``).
    source         : crystal-structure reference.
    cell_volume_A3 : unit-cell volume, Å^3.
    si_per_cell    : Si atoms per unit cell (Z * Si per formula unit).
    """

    name: str
    x: float
    density_g_cm3: float
    source: str
    cell_volume_A3: float = float("nan")
    si_per_cell: float = float("nan")

    @property
    def molar_mass_per_si_g_mol(self) -> float:
        return M_SI_G_MOL + self.x * M_LI_G_MOL

    @property
    def molar_volume_per_si_cm3_mol(self) -> float:
        """Volume of LixSi per mole of Si, cm3/mol."""
        return self.molar_mass_per_si_g_mol / self.density_g_cm3


def _cell_volume(a, b=None, c=None, system="cubic"):
    """Unit-cell volume (Å^3) for the systems needed here."""
    if system == "cubic":
        return a ** 3
    if system == "orthorhombic":
        return a * b * c
    if system == "hexagonal":  # hexagonal setting of a rhombohedral cell
        return np.sqrt(3.0) / 2.0 * a * a * c
    raise ValueError(system)


# (name, n_Li, n_Si per formula unit, Z, system, lattice (Å), source)
_CRYSTAL_DATA = [
    ("Si", 0, 8, 1, "cubic", (5.4309,), "c-Si, diamond, a = 5.4309 Å (CRC Handbook); density 2.329 g/cm3"),
    ("Li12Si7", 12, 7, 8, "orthorhombic", (8.600, 19.755, 14.336),
     "Nesper, von Schnering & Curda, Chem. Ber. 119 (1986) 3576: Pnma, a=8.600 b=19.755 c=14.336 Å, Z=8"),
    ("Li7Si3", 7, 3, 2, "hexagonal", (4.435, 18.134),
     "von Schnering, Nesper, Tebbe & Curda, Z. Metallkd. 71 (1980) 357: R-3m, a=4.435 c=18.134 Å (hex. setting), Z=2"),
    ("Li13Si4", 13, 4, 2, "orthorhombic", (7.99, 15.21, 4.43),
     "Frank, Müller & Schäfer, Z. Naturforsch. B 30 (1975) 10: Pbam, a=7.99 b=15.21 c=4.43 Å, Z=2"),
    ("Li15Si4", 15, 4, 4, "cubic", (10.685,),
     "Obrovac & Christensen, Electrochem. Solid-State Lett. 7 (2004) A93: I-43d, a=10.685 Å, Z=4 (1.179 g/cm3)"),
    ("Li21Si5", 21, 5, 16, "cubic", (18.710,),
     "Nesper & von Schnering, J. Solid State Chem. 70 (1987) 48: F-43m, a=18.710 Å, Z=16"),
    ("Li22Si5", 22, 5, 16, "cubic", (18.750,),
     "Axel, Schäfer & Weiss, Z. Naturforsch. B 21 (1966) 115: F23, a=18.750 Å, Z=16"),
]


def _build_phases() -> dict[str, LiSiPhase]:
    out = {}
    for name, n_li, n_si, z, system, lat, src in _CRYSTAL_DATA:
        if system == "cubic":
            v = _cell_volume(lat[0])
        elif system == "orthorhombic":
            v = _cell_volume(*lat, system="orthorhombic")
        else:
            v = _cell_volume(lat[0], None, lat[1], system="hexagonal")
        mass_g_mol = z * (n_li * M_LI_G_MOL + n_si * M_SI_G_MOL)
        rho = mass_g_mol / (AVOGADRO_MOL * v * 1e-24)
        if name == "Si":
            rho = RHO_SI_G_CM3  # measured bulk density (identical to the X-ray density to 0.1 %)
        out[name] = LiSiPhase(name=name, x=n_li / n_si, density_g_cm3=float(rho), source=src,
                              cell_volume_A3=float(v), si_per_cell=float(z * n_si))
    return out


PHASES: dict[str, LiSiPhase] = _build_phases()

# Partial molar volume of Li in LixSi from the c-Si and Li15Si4 X-ray densities (see module doc).
_OMEGA_LI = (PHASES["Li15Si4"].molar_volume_per_si_cm3_mol - MOLAR_VOLUME_SI_CM3_MOL) / PHASES["Li15Si4"].x
OMEGA_LI_CM3_MOL = Parameter(
    float(_OMEGA_LI), "cm3/mol",
    "computed from the X-ray densities of c-Si (2.329 g/cm3, CRC) and Li15Si4 (Obrovac & Christensen, ESSL 7 (2004) "
    "A93); linear volume law of Obrovac, Christensen, Le & Dahn, J. Electrochem. Soc. 154 (2007) A849",
    note="partial molar volume of Li in LixSi, assumed independent of x",
)


def omega_li_least_squares() -> float:
    """Partial molar volume of Li (cm3/mol) fitted over all crystalline Li–Si phases.

    Least squares of ``V_m(x) - Omega_Si = Omega_Li * x`` through the c-Si point; used as a check
    of the value derived from Li15Si4 alone.
    """
    ph = [p for p in PHASES.values() if p.x > 0]
    x = np.array([p.x for p in ph])
    dv = np.array([p.molar_volume_per_si_cm3_mol for p in ph]) - MOLAR_VOLUME_SI_CM3_MOL
    return float(np.sum(x * dv) / np.sum(x * x))


# --------------------------------------------------------------------------- validation helpers
def _as_x(x, name="x", x_max=X_MAX_THEORETICAL):
    arr = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{name} must be finite numbers, got {x!r}", field=name)
    if np.any(arr < 0) or np.any(arr > x_max + 1e-9):
        bad = arr[(arr < 0) | (arr > x_max + 1e-9)].ravel()[0]
        raise InputError(f"{name} (Li per Si in LixSi) must be in [0, {x_max:g}], got {bad:g}", field=name)
    return arr


def _ret(arr):
    return float(arr) if np.ndim(arr) == 0 else arr


# --------------------------------------------------------------------------- capacity
CAPACITY_PER_X_MAH_G = FARADAY_C_MOL * MAH_PER_C / M_SI_G_MOL  # mAh per g Si per unit x (954.3)


def capacity_mAh_g_from_x(x):
    """Gravimetric capacity of LixSi on the host (Si) basis, mAh per g of Si.

    ``q = x F / (3.6 M_Si)``; x in [0, 4.4]. Scalar in, float out; array in, array out.
    """
    return _ret(_as_x(x) * CAPACITY_PER_X_MAH_G)


def x_from_capacity_mAh_g(q):
    """Inverse of :func:`capacity_mAh_g_from_x`: x in LixSi from capacity per g of Si."""
    arr = np.asarray(q, dtype=float)
    q_max = X_MAX_THEORETICAL * CAPACITY_PER_X_MAH_G
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > q_max + 1e-6):
        raise InputError(f"capacity must be in [0, {q_max:.0f}] mAh/g of Si, got {q!r}", field="capacity_mAh_g")
    return _ret(arr / CAPACITY_PER_X_MAH_G)


def _phase(name: str) -> LiSiPhase:
    if name not in PHASES:
        raise InputError(f"unknown Li–Si phase {name!r}; known: {', '.join(PHASES)}", field="phase_name")
    return PHASES[name]


def theoretical_capacity_mAh_g(phase_name: str, basis: str = "host") -> float:
    """Theoretical capacity of a Li–Si phase, mAh/g.

    basis="host": per g of Si (the usual quoted value, 3579 for Li15Si4, 4199 for Li22Si5);
    basis="lithiated": per g of the lithiated phase LixSi.
    """
    p = _phase(phase_name)
    if basis == "host":
        return float(p.x * CAPACITY_PER_X_MAH_G)
    if basis == "lithiated":
        return float(p.x * FARADAY_C_MOL * MAH_PER_C / p.molar_mass_per_si_g_mol)
    raise InputError(f"basis must be 'host' or 'lithiated', got {basis!r}", field="basis")


def volumetric_capacity_mAh_cm3(phase_name: str, basis: str = "initial") -> float:
    """Theoretical volumetric capacity, mAh/cm3.

    basis="initial": per cm3 of the unlithiated c-Si (q_host * 2.329; 8335 for Li15Si4);
    basis="lithiated": per cm3 of the lithiated crystal, from its X-ray density (2190 for Li15Si4).
    """
    p = _phase(phase_name)
    q = p.x * FARADAY_C_MOL * MAH_PER_C  # mAh per mol Si
    if basis == "initial":
        return float(q / MOLAR_VOLUME_SI_CM3_MOL)
    if basis == "lithiated":
        return float(q / p.molar_volume_per_si_cm3_mol)
    raise InputError(f"basis must be 'initial' or 'lithiated', got {basis!r}", field="basis")


# --------------------------------------------------------------------------- volume
def volume_ratio(x, host: str = "crystalline"):
    """V(LixSi) / V(Si) with the linear partial-molar-volume law.

    ``V/V0 = (Omega_Si + x Omega_Li) / Omega_Si0`` where Omega_Si0 is the molar volume of the
    initial host (c-Si or a-Si; the Li–Si volume law itself starts from c-Si).
    """
    arr = _as_x(x)
    if host == "crystalline":
        v0 = MOLAR_VOLUME_SI_CM3_MOL
    elif host == "amorphous":
        v0 = MOLAR_VOLUME_ASI_CM3_MOL
    else:
        raise InputError(f"host must be 'crystalline' or 'amorphous', got {host!r}", field="host")
    # a-Si starts at its own (larger) molar volume; lithiated alloy follows the common law.
    v = np.maximum(MOLAR_VOLUME_SI_CM3_MOL + arr * OMEGA_LI_CM3_MOL.value, v0)
    return _ret(v / v0)


def volumetric_expansion(x, host: str = "crystalline"):
    """Volumetric expansion ΔV/V0 = volume_ratio(x) - 1 (2.81 at x = 3.75)."""
    return _ret(np.asarray(volume_ratio(x, host)) - 1.0)


def linear_strain(x, host: str = "crystalline"):
    """Isotropic linear (engineering) strain (V/V0)^(1/3) - 1."""
    return _ret(np.asarray(volume_ratio(x, host)) ** (1.0 / 3.0) - 1.0)


def molar_volume_cm3_mol(x):
    """Volume of LixSi per mole of Si, cm3/mol (linear law)."""
    return _ret(MOLAR_VOLUME_SI_CM3_MOL + _as_x(x) * OMEGA_LI_CM3_MOL.value)


def phase_table():
    """Tidy table of the phases: x, density, capacities, volume ratio from the crystal density."""
    import pandas as pd

    rows = []
    for p in PHASES.values():
        rows.append(dict(
            phase=p.name, x=p.x, density_g_cm3=p.density_g_cm3,
            capacity_mAh_g=p.x * CAPACITY_PER_X_MAH_G,
            capacity_lithiated_mAh_g=theoretical_capacity_mAh_g(p.name, "lithiated"),
            volumetric_capacity_initial_mAh_cm3=volumetric_capacity_mAh_cm3(p.name, "initial"),
            volumetric_capacity_lithiated_mAh_cm3=volumetric_capacity_mAh_cm3(p.name, "lithiated"),
            volume_ratio_crystal=p.molar_volume_per_si_cm3_mol / MOLAR_VOLUME_SI_CM3_MOL,
            volume_ratio_linear=volume_ratio(min(p.x, X_MAX_THEORETICAL)),
            source=p.source,
        ))
    return pd.DataFrame(rows)
