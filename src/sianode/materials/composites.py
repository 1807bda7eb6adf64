"""Composite active materials: capacity, first-cycle loss (ICE) and particle expansion.

What is modelled
----------------
A design's active material is broken into *constituents* (Si, SiOx/SiO2, carbon, graphite, inert
coatings) with their masses and volumes inside one particle, plus the particle's internal void
volume and its electrolyte-accessible surface area (:mod:`sianode.materials.surface`).

Capacity (per gram of composite), Faraday's law per constituent:

* Si: ``q = x_end F / (3.6 M_Si)``, x_end = x reached at the protocol's lower cut-off on the a-Si
  lithiation branch (3.75 at 5 mV; :func:`sianode.materials.voltage.x_at_voltage`).
* SiOx = (x/2) SiO2 + (1 - x/2) Si. On first lithiation the oxide converts irreversibly. A fraction
  ``f`` of the O goes to Li4SiO4 (2 SiO2 + 4 Li -> Li4SiO4 + Si), the rest to Li2O
  (SiO2 + 4 Li -> 2 Li2O + Si). Per SiOx: irreversible Li = x (2 - f); active Si = 1 - f x / 4.
  Default f = 1: Yamada, Inaba, Ueda, Matsumoto, Iwasaki & Ohzuku, J. Electrochem. Soc. 159 (2012)
  A1630 (4 SiO + 17.2 Li -> 3 Li4.4Si + Li4SiO4). Li2O-rich conversion (f < 1) is reported by Kim,
  Park & Oh, J. Electrochem. Soc. 154 (2007) A1112.
* Disordered (hard/pyrolytic) carbon: reversible 300 mAh/g and intrinsic irreversible 50 mAh/g
  (typical values for hard carbons: Dahn, Zheng, Liu & Xue, Science 270 (1995) 590; Buiel & Dahn,
  Electrochim. Acta 45 (1999) 121) -- "the carbon's own irreversible capacity".
* Graphite: 372 mAh/g for LiC6 from Faraday's law; reversible 360 (artificial) / 365 (natural)
  mAh/g (typical battery grades, ~97–98 % of theoretical).
* SEI: accessible area x q_SEI (:data:`sianode.materials.surface.SEI_CHARGE_MAH_M2`).
* Native oxide (1 nm SiO2) on air-exposed Si surfaces converts like SiOx with x = 2.

ICE = reversible / (reversible + irreversible). Blends use mass-weighted mixture rules for
capacities and losses and volume-weighted rules for expansion.

Volume: each constituent's lithiated volume (LixSi from the partial molar volume of Li,
:mod:`sianode.materials.lisi`; Li4SiO4 and Li2O from their densities; graphite +12 % at LiC6,
seeds/004 Table 1; carbon and inert coatings assumed rigid). The particle's outward
(envelope) expansion is what the solid volume change leaves after filling the internal void::

    particle_expansion = max(0, dV_solid - V_void) / V_envelope,0

which is a lower bound (all internal void used before the envelope grows; the mechanics stage
decides the real partition). For CVD Si–C the pore filling fraction is V_Si / V_pore and the
buffer volume fraction the envelope fraction still empty at full lithiation (seeds/000 §4.1.3:
pore volume should match the Si deposited).

Assumptions stated where made: geometric (smooth) areas; SiOx/C coatings taken as 50 wt% SiO +
50 wt% carbon; SiC, Al2O3, TiO2 and polymer coatings inert; CVD Si–C pores sealed by an outer
coating and the deposited Si (only the outer skeleton surface is counted);
CVD-deposited Si carries no native oxide. The share of the SEI-bearing surface that lies over Si
(``si_surface_area_m2_g``) is all of it for Si-bodied particles and, for CVD Si–C, the Si volume fraction
of the skeleton (Delesse's principle), so the surface over Si per gram of Si never falls with Si content.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import Any

import numpy as np
import pandas as pd

from sianode import graphite as _graphite
from sianode.errors import InputError
from sianode.graphite import GRAPHITE as _GRAPHITE
from sianode.materials import lisi, surface, utilisation, voltage
from sianode.materials.lisi import FARADAY_C_MOL, MAH_PER_C, M_LI_G_MOL, M_O_G_MOL, M_SI_G_MOL
from sianode.provenance import Parameter

# --------------------------------------------------------------------------- parameters
CARBON_PARAMETERS: dict[str, Parameter] = {
    "hard_carbon_reversible_mAh_g": Parameter(300.0, "mAh/g", "Dahn et al., Science 270 (1995) 590; Buiel & Dahn, "
                                              "Electrochim. Acta 45 (1999) 121", "typical disordered carbon"),
    "hard_carbon_irreversible_mAh_g": Parameter(50.0, "mAh/g", "Dahn et al., Science 270 (1995) 590",
                                                "intrinsic loss (Li trapping), excluding SEI on outer area"),
    "hard_carbon_density_g_cm3": Parameter(2.0, "g/cm3", "pyrolytic/hard carbon skeletal density ~1.9–2.1 "
                                           "(schema default of carbon_skeleton_density_g_cm3)"),
    # graphite: one definition in the foundation layer (sianode.graphite), aliased here
    "graphite_reversible_artificial_mAh_g": _GRAPHITE["reversible_artificial_mAh_g"],
    "graphite_reversible_natural_mAh_g": _GRAPHITE["reversible_natural_mAh_g"],
    "graphite_density_g_cm3": _GRAPHITE["density_g_cm3"],
    "graphite_expansion_LiC6": _GRAPHITE["expansion_LiC6"],
    "graphite_bet_m2_g_at_15um": _GRAPHITE["bet_m2_g_at_15um"],
}
OXIDE_PARAMETERS: dict[str, Parameter] = {
    "li4sio4_fraction": Parameter(1.0, "-", "Yamada et al., J. Electrochem. Soc. 159 (2012) A1630",
                                  "fraction of O converted to Li4SiO4 (rest to Li2O)"),
    "rho_sio2_g_cm3": Parameter(2.20, "g/cm3", "CRC Handbook (vitreous silica)"),
    "rho_li4sio4_g_cm3": Parameter(2.39, "g/cm3", "CRC Handbook / ICSD Li4SiO4 X-ray density 2.39"),
    "rho_li2o_g_cm3": Parameter(2.013, "g/cm3", "CRC Handbook (Li2O)"),
}
#: Li that enters Si on the first lithiation and is not extracted at the upper cut-off (trapped in LixSi).
SI_TRAPPING_FRACTION = Parameter(
    0.05, "-", "Li trapping in LixSi: Rehnlund et al., Energy Environ. Sci. 10 (2017) 1350; Zhu et al., Sci. Adv. 5 "
    "(2019) eaax0651 (seeds/002 ref. 1: trapping limits the ICE of Si)",
    "order of magnitude (a few per cent of the Li inserted); range 0.02-0.08 in sianode.life.uncertainty")
INERT_DENSITY_G_CM3 = {"SiC": 3.21, "Al2O3": 3.95, "TiO2": 3.90, "polymer": 1.2}  # CRC Handbook (polymer: typical)
SIOX_C_COATING_SIO_WT = Parameter(0.5, "-", "assumption (seeds/002 gives no composition)", "SiO mass fraction of "
                                  "an SiOx/C coating")

#: The parts of the first-cycle loss (keys of ``irreversible_breakdown_mAh_g``).
IRREVERSIBLE_PARTS = ("siox_conversion", "sei", "carbon", "si_trapping")

M_SIO2 = M_SI_G_MOL + 2 * M_O_G_MOL
M_LI4SIO4 = 4 * M_LI_G_MOL + M_SI_G_MOL + 4 * M_O_G_MOL
M_LI2O = 2 * M_LI_G_MOL + M_O_G_MOL
Q_PER_MOL_LI_MAH = FARADAY_C_MOL * MAH_PER_C  # 26801 mAh per mol Li


# --------------------------------------------------------------------------- data classes
@dataclass
class Constituent:
    """One constituent of a particle: kind in {si, siox, carbon, graphite, inert}."""

    name: str
    kind: str
    mass_g: float
    volume_cm3: float
    siox_x: float = 0.0
    host: str = "amorphous"  # Si host phase
    crystalline_fraction: float = 0.0


def _envelope_expansion(frac, dv_solid_cm3_g, void_cm3_g, envelope_cm3_g):
    """Outward envelope expansion at lithiation fraction ``frac``: the solid volume change the void cannot take,
    per envelope volume (arrays broadcast; :meth:`ComponentProperties.expansion_at`)."""
    frac = np.clip(np.asarray(frac, dtype=float), 0.0, 1.0)
    return np.maximum(0.0, frac * dv_solid_cm3_g - void_cm3_g) / envelope_cm3_g


@dataclass
class ComponentProperties:
    """Capacities, ICE and expansion of one component of a composite (a blend has several)."""

    name: str
    mass_frac: float
    reversible_capacity_mAh_g: float
    first_lithiation_capacity_mAh_g: float
    ice: float
    irreversible_breakdown_mAh_g: dict[str, float]
    particle_expansion: float
    specific_surface_area_m2_g: float
    density_g_cm3: float  # envelope density of the particle
    si_mass_frac: float
    crystalline_fraction: float
    voltage_curve: "VoltageCurve | None" = None
    dv_solid_cm3_g: float = 0.0  # solid volume change at full lithiation, cm3 per g of component
    void_cm3_g: float = 0.0  # internal void (pores, cavity, yolk gap), cm3 per g
    envelope_cm3_g: float = 0.0  # unlithiated envelope volume, cm3 per g
    si_surface_area_m2_g: float = 0.0  # the part of the SEI-bearing surface over Si, m2 per g of component
    si_reversible_capacity_mAh_g: float = 0.0  # the part of the reversible capacity stored in Si, per g of component

    def expansion_at(self, frac):
        """Outward envelope expansion when a fraction frac (0..1) of the full lithiation is reached.

        Solid volume change taken proportional to frac (exact for LixSi under the linear volume law;
        for SiOx the conversion products are spread over the lithiation, a simplification).
        """
        return _envelope_expansion(frac, self.dv_solid_cm3_g, self.void_cm3_g, self.envelope_cm3_g)


@dataclass
class CompositeProperties:
    """Materials-stage result for one active material (see module doc for the models)."""

    family: str
    reversible_capacity_mAh_g: float
    first_lithiation_capacity_mAh_g: float
    ice: float
    irreversible_breakdown_mAh_g: dict[str, float]
    capacity_mAh_cm3: float  # reversible, per cm3 of unlithiated particle envelope
    capacity_lithiated_mAh_cm3: float  # per cm3 of the lithiated envelope
    si_mass_frac: float  # electrochemically active Si after conversion, per g composite
    carbon_mass_frac: float
    particle_expansion: float
    pore_filling_fraction: float
    buffer_volume_fraction: float
    specific_surface_area_m2_g: float
    density_g_cm3: float
    x_end: float
    crystalline_fraction: float
    components: list[ComponentProperties] = field(default_factory=list)
    si_surface_area_m2_g: float = 0.0  # SEI-bearing surface over Si, m2 per g of composite (see _Particle)
    extras: dict[str, Any] = field(default_factory=dict)
    si_diffusion_radius_m: float = float("nan")  # equivalent-sphere Li diffusion radius (diffusion_length.py)
    si_reversible_capacity_mAh_g: float = 0.0  # the part of the reversible capacity stored in Si (per g composite)
    si_diffusivity_m2_s: float | None = None  # Li diffusivity in lithiated Si; None: lisi.D_ASI_M2_S (calibration may set it)
    # Si utilisation already solved, keyed by (C-rate, diffusion radius, diffusivity): filled by
    # :meth:`si_utilisation_at` and, for a whole batch in one vectorised solve, by :func:`prime_si_utilisation`
    _utilisation: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def breakdown(self) -> pd.DataFrame:
        """Tidy capacity/ICE breakdown (:func:`breakdown_table`), built when asked for (reports, not sweeps)."""
        return breakdown_table(self)

    def _utilisation_key(self, c_rate: float) -> tuple:
        return (float(c_rate), float(self.si_diffusion_radius_m), self.si_diffusivity_m2_s)

    def si_utilisation_at(self, c_rate):
        """Delivered fraction of the Si capacity at ``c_rate``
        (:func:`sianode.materials.utilisation.si_utilisation`, the one owner); a scalar C-rate is remembered
        (the materials, mechanics and life stages all ask for the protocol's rate). Arrays broadcast."""
        if type(c_rate) is float or np.ndim(c_rate) == 0:  # (a float asked first: np.ndim of one costs ~2 us)
            key = self._utilisation_key(c_rate)
            if key not in self._utilisation:
                self._utilisation[key] = float(utilisation.si_utilisation(c_rate, self.si_diffusion_radius_m,
                                                                          self.si_diffusivity_m2_s))
            return self._utilisation[key]
        return utilisation.si_utilisation(c_rate, self.si_diffusion_radius_m, self.si_diffusivity_m2_s)

    def delivered_capacity_mAh_g(self, c_rate):
        """Capacity delivered at ``c_rate``: the Si part times its utilisation (:meth:`si_utilisation_at`), the
        rest (carbon, graphite) in full. Arrays broadcast."""
        return _delivered(self.reversible_capacity_mAh_g, self.si_reversible_capacity_mAh_g,
                          self.si_utilisation_at(c_rate))

    def particle_expansion_at(self, c_rate):
        """Outward envelope expansion of the composite when cycled at ``c_rate``: each Si-bearing component
        lithiated to the Si utilisation at that rate (:func:`sianode.materials.utilisation.si_utilisation`), the
        others (graphite) fully; envelope-volume weighted as ``particle_expansion``. ``c_rate -> 0`` gives
        ``particle_expansion`` when the components are fully lithiated."""
        return float(particle_expansions_at([self], [c_rate])[0])


# --------------------------------------------------------------------------- constituents
def _siox_per_gram(x_o: float, x_end: float, f: float, molar_volume_cm3_mol: float | None = None):
    """Per gram of SiOx: (reversible mAh, irreversible mAh, dV on first lithiation cm3, V0 cm3, active Si g).
    ``molar_volume_cm3_mol``: :func:`sianode.materials.lisi.molar_volume_cm3_mol` at ``x_end`` when already known
    (a batch computes it once for all its designs)."""
    if molar_volume_cm3_mol is None:
        molar_volume_cm3_mol = float(lisi.molar_volume_cm3_mol(x_end))
    n = 1.0 / (M_SI_G_MOL + x_o * M_O_G_MOL)
    op = OXIDE_PARAMETERS
    irr = n * x_o * (2.0 - f) * Q_PER_MOL_LI_MAH
    si_active = n * (1.0 - f * x_o / 4.0)
    rev = si_active * x_end * Q_PER_MOL_LI_MAH
    # initial: amorphous mix of Si and SiO2
    v0 = n * (1 - x_o / 2) * lisi.MOLAR_VOLUME_ASI_CM3_MOL + n * (x_o / 2) * M_SIO2 / op["rho_sio2_g_cm3"].value
    n_li4sio4 = n * f * x_o / 4.0
    n_li2o = n * (1 - f) * x_o
    v1 = (si_active * molar_volume_cm3_mol + n_li4sio4 * M_LI4SIO4 / op["rho_li4sio4_g_cm3"].value
          + n_li2o * M_LI2O / op["rho_li2o_g_cm3"].value)
    return rev, irr, v1 - v0, v0, si_active * M_SI_G_MOL


@lru_cache(maxsize=64)
def _siox_density(x_o: float) -> float:
    """Density of an amorphous SiOx (a mix of a-Si and SiO2, :func:`_siox_per_gram`), g/cm3."""
    return 1.0 / _siox_per_gram(x_o, 3.75, 1.0)[3]


def _coating_constituents(material: str, volume_cm3: float, name: str, siox_x: float = 1.0,
                          carbon_volume_cm3: float | None = None) -> list[Constituent]:
    """Constituents of a coating layer. SiOx/C: ``carbon_volume_cm3`` of carbon (from a measured carbon content),
    the rest oxide; without it the layer is :data:`SIOX_C_COATING_SIO_WT` oxide by mass."""
    if volume_cm3 <= 0:
        return []
    cp = CARBON_PARAMETERS
    rho_c = cp["hard_carbon_density_g_cm3"].value
    if material == "carbon":
        return [Constituent(name, "carbon", volume_cm3 * rho_c, volume_cm3)]
    if material in ("SiOx", "SiOx/C"):
        rho_sio = _siox_density(siox_x)
        label = f"SiO{siox_x:g}" if siox_x != 1 else "SiO"
        if material == "SiOx":
            return [Constituent(name, "siox", volume_cm3 * rho_sio, volume_cm3, siox_x=siox_x)]
        if carbon_volume_cm3 is None:
            w = SIOX_C_COATING_SIO_WT.value
            v_ox = volume_cm3 * (w / rho_sio) / (w / rho_sio + (1 - w) / rho_c)
        else:
            v_ox = max(volume_cm3 - carbon_volume_cm3, 0.0)
        v_c = volume_cm3 - v_ox
        out = [Constituent(f"{name} ({label})", "siox", v_ox * rho_sio, v_ox, siox_x=siox_x)] if v_ox > 0 else []
        return out + ([Constituent(name + " (C)", "carbon", v_c * rho_c, v_c)] if v_c > 0 else [])
    rho = INERT_DENSITY_G_CM3[material]
    return [Constituent(name, "inert", volume_cm3 * rho, volume_cm3)]


def _si_with_native_oxide(v_si_cm3: float, area_cm2: float, host: str, name="Si", oxide=True) -> list[Constituent]:
    """Si body whose air-exposed surface carries the native oxide (taken out of the Si volume)."""
    rho = lisi.RHO_SI_G_CM3 if host == "crystalline" else lisi.RHO_ASI_G_CM3
    out = []
    v_ox = min(area_cm2 * surface.NATIVE_OXIDE_NM.value * 1e-7, 0.5 * v_si_cm3) if oxide else 0.0
    if v_ox > 0:
        rho_ox = OXIDE_PARAMETERS["rho_sio2_g_cm3"].value
        out.append(Constituent("native SiO2", "siox", v_ox * rho_ox, v_ox, siox_x=2.0))
    out.append(Constituent(name, "si", (v_si_cm3 - v_ox) * rho, v_si_cm3 - v_ox, host=host,
                           crystalline_fraction=1.0 if host == "crystalline" else 0.0))
    return out


def _porous_micro_si(m) -> "_Particle":
    """Porous micron Si described as measured: ``porosity`` and ``pore_diameter_nm`` are the open pores of the
    final particle (N2 pore volume and size, after any pore coating); a pore coating lines those walls from the
    solid side (flat-layer volume ``A_pore t``), the outer coating sits on the envelope. A measured carbon content
    (``carbon_wt_frac``, TGA) fixes the carbon in SiOx/C coatings (rest oxide) or, without carbon-bearing
    coatings, replaces Si. Native oxide only on uncoated Si surfaces. Lengths in cm."""
    nm = 1e-7
    r = m.diameter_um * 500 * nm
    v_env = float(surface.sphere_volume(r))
    v_pore = v_env * m.porosity
    a_int = v_env * surface.cylindrical_pore_area_per_volume(m.porosity, m.pore_diameter_nm * 1e-9) * 1e-2
    a_ext = float(surface.sphere_area(r))
    v_solid = v_env - v_pore
    pc, oc = m.coatings.pore, m.coatings.outer
    v_pc = a_int * pc.thickness_nm * nm if pc is not None else 0.0
    r2 = r + (oc.thickness_nm * nm if oc is not None else 0.0)
    v_oc = float(surface.shell_volume(r, r2))
    if v_pc >= 0.95 * v_solid:
        raise InputError(f"a {pc.thickness_nm:g} nm coating on {a_int / v_env * 1e-3:.3g} m2 of pore wall per cm3 "
                         f"takes {v_pc / v_solid:.0%} of the solid volume: thinner coating, fewer or wider pores",
                         field="active.coatings.pore.thickness_nm")
    v_si = v_solid - v_pc
    oxide_area = (0.0 if pc is not None and pc.thickness_nm > 0 else a_int) + \
        (0.0 if oc is not None and oc.thickness_nm > 0 else a_ext)
    coats = [(c, v, f"{where} {c.material} coating") for c, v, where in ((pc, v_pc, "pore"), (oc, v_oc, "outer"))
             if c is not None and v > 0]
    carbon_vol: dict[str, float | None] = {name: None for _, _, name in coats}
    extra_c: list[Constituent] = []
    if m.carbon_wt_frac is not None:
        w = float(m.carbon_wt_frac)
        rho_c = CARBON_PARAMETERS["hard_carbon_density_g_cm3"].value
        rho_si = lisi.RHO_SI_G_CM3 if m.phase == "crystalline" else lisi.RHO_ASI_G_CM3
        mixed = [(c, v, n) for c, v, n in coats if c.material == "SiOx/C"]
        fixed_c = sum(v * rho_c for c, v, _ in coats if c.material == "carbon")
        other = sum(v * (_siox_density(c.siox_x) if c.material == "SiOx" else INERT_DENSITY_G_CM3.get(c.material, 0.0))
                    for c, v, _ in coats if c.material not in ("carbon", "SiOx/C"))
        v_mixed = sum(v for _, v, _ in mixed)
        rho_ox = (sum(v * _siox_density(c.siox_x) for c, v, _ in mixed) / v_mixed) if v_mixed > 0 else 0.0
        m_si = v_si * rho_si
        # carbon volume V_C in the SiOx/C layers so that m_C / m_total = w (oxide fills the rest of the layers)
        v_c = (w * (m_si + other + fixed_c + rho_ox * v_mixed) - fixed_c) / (rho_c * (1 - w) + w * rho_ox) \
            if v_mixed > 0 else 0.0
        if v_mixed > 0 and v_c <= v_mixed:
            for c, v, n in mixed:
                carbon_vol[n] = max(v_c, 0.0) * v / v_mixed
        else:  # the coatings cannot hold the measured carbon: the rest replaces Si (carbon inside the particle)
            for c, v, n in mixed:
                carbon_vol[n] = v
            m_fixed = fixed_c + v_mixed * rho_c + other
            dv = (w * (m_si + m_fixed) - m_fixed) / (rho_c * (1 - w) + w * rho_si)
            if dv < 0:
                raise InputError(f"carbon_wt_frac {w:g} is less than the carbon of the carbon coatings "
                                 f"({m_fixed / (m_si + m_fixed):.3f} of the mass)", field="active.carbon_wt_frac")
            if dv >= 0.95 * v_si:
                raise InputError(f"carbon_wt_frac {w:g} leaves no room for Si in this particle",
                                 field="active.carbon_wt_frac")
            v_si -= dv
            extra_c = [Constituent("carbon in the particle", "carbon", dv * rho_c, dv)]
    cons = _si_with_native_oxide(v_si, oxide_area, m.phase)
    for c, v, n in coats:
        cons += _coating_constituents(c.material, v, n, c.siox_x, carbon_vol[n])
    area_out = float(surface.sphere_area(r2))
    return _Particle(cons + extra_c, v_pore, float(surface.sphere_volume(r2)), a_int + area_out,
                     pore_volume_cm3=v_pore, pore_area_cm2=a_int, sei_pore_volume_cm3=v_pore)


@dataclass
class _Particle:
    """Constituents and geometry of one particle; ``si_area_fraction`` is the share of the SEI-bearing
    surface that lies over Si (1 for Si-bodied particles; CVD Si–C: the Si volume fraction of the skeleton,
    by Delesse's principle -- area fractions on a random section equal volume fractions)."""

    constituents: list[Constituent]
    void_cm3: float
    envelope_cm3: float
    area_cm2: float  # outer + internal surface the electrolyte reaches
    pore_volume_cm3: float = float("nan")
    si_area_fraction: float = 1.0
    pore_area_cm2: float = 0.0  # internal pore-wall part of area_cm2 (its SEI is capped by sei_pore_volume_cm3)
    sei_pore_volume_cm3: float = float("inf")  # open volume of those pores (inf: wide pores, no cap)
    pore_walls_si: bool = True  # False: the pore walls are carbon (CVD Si–C residual pores), not surface over Si


def _outer_coating(m, r_cm: float):
    """Constituents, new radius and outer area for the outer coating of material m at radius r."""
    c = m.coatings.outer if getattr(m, "coatings", None) is not None else None
    if c is None or c.thickness_nm <= 0:
        return [], r_cm
    r2 = r_cm + c.thickness_nm * 1e-7
    return _coating_constituents(c.material, float(surface.shell_volume(r_cm, r2)), f"outer {c.material} coating",
                                 c.siox_x), r2


def _particle(m) -> _Particle:
    """Geometry and constituents of one particle of an (unblended) Si material. Lengths in cm."""
    fam = m.family
    nm = 1e-7
    if fam == "si_particles":
        r = m.diameter_nm / 2 * nm
        cons = _si_with_native_oxide(float(surface.sphere_volume(r)), float(surface.sphere_area(r)), m.phase)
        co, r2 = _outer_coating(m, r)
        return _Particle(cons + co, 0.0, float(surface.sphere_volume(r2)), float(surface.sphere_area(r2)))
    if fam == "porous_micro_si":
        return _porous_micro_si(m)
    if fam == "hollow":
        ri, ro = m.inner_radius_nm * nm, m.outer_radius_nm * nm
        a_in = float(surface.sphere_area(ri))
        cons = _si_with_native_oxide(float(surface.shell_volume(ri, ro)), a_in + float(surface.sphere_area(ro)), m.phase)
        co, r2 = _outer_coating(m, ro)
        # cavity assumed electrolyte-accessible (template removed through the shell)
        return _Particle(cons + co, float(surface.sphere_volume(ri)), float(surface.sphere_volume(r2)),
                         a_in + float(surface.sphere_area(r2)))
    if fam == "core_shell":
        rc = m.core_radius_nm * nm
        rs = rc + m.shell_thickness_nm * nm
        cons = _si_with_native_oxide(float(surface.sphere_volume(rc)), float(surface.sphere_area(rc)), m.phase)
        cons += _coating_constituents(m.shell_material, float(surface.shell_volume(rc, rs)), f"{m.shell_material} shell")
        co, r2 = _outer_coating(m, rs)
        return _Particle(cons + co, 0.0, float(surface.sphere_volume(r2)), float(surface.sphere_area(r2)))
    if fam == "yolk_shell":
        ry = m.yolk_radius_nm * nm
        rv = ry + m.void_thickness_nm * nm
        rs = rv + m.shell_thickness_nm * nm
        cons = _si_with_native_oxide(float(surface.sphere_volume(ry)), float(surface.sphere_area(ry)), m.phase)
        cons += _coating_constituents(m.shell_material, float(surface.shell_volume(rv, rs)), f"{m.shell_material} shell")
        co, r2 = _outer_coating(m, rs)
        area = float(surface.sphere_area(ry) + surface.sphere_area(rv) + surface.sphere_area(r2))
        return _Particle(cons + co, float(surface.shell_volume(ry, rv)), float(surface.sphere_volume(r2)), area)
    if fam == "siox":
        r = m.diameter_um * 500 * nm
        v = float(surface.sphere_volume(r))
        v0_per_g = _siox_per_gram(m.x, 3.75, OXIDE_PARAMETERS["li4sio4_fraction"].value)[3]
        cons = [Constituent(f"SiO{m.x:g}", "siox", v / v0_per_g, v, siox_x=m.x)]
        co, r2 = _outer_coating(m, r)
        return _Particle(cons + co, 0.0, float(surface.sphere_volume(r2)), float(surface.sphere_area(r2)))
    if fam == "cvd_si_c":
        # per 1 g of Si + scaffold carbon; the particle is the skeleton sphere
        w = m.si_wt_frac
        host = "crystalline" if m.crystalline_fraction >= 0.5 else "amorphous"
        rho_si = m.crystalline_fraction * lisi.RHO_SI_G_CM3 + (1 - m.crystalline_fraction) * lisi.RHO_ASI_G_CM3
        v_si = w / rho_si
        v_pore = (1 - w) * m.scaffold_pore_volume_cm3_g
        v_c = (1 - w) / m.carbon_skeleton_density_g_cm3
        v_env = v_c + v_pore
        r = m.skeleton_size_um * 500 * nm
        n_part = v_env / float(surface.sphere_volume(r))
        cons = [Constituent("CVD Si", "si", w, v_si, host=host, crystalline_fraction=m.crystalline_fraction),
                Constituent("carbon scaffold", "carbon", 1 - w, v_c)]
        co, r2 = _outer_coating(m, r)
        for c in co:  # coating per particle -> per n_part particles
            c.mass_g *= n_part
            c.volume_cm3 *= n_part
        # the scaffold pores the Si leaves empty (cylinders of the Si-domain width, area 4 V / d) are reached by
        # the electrolyte only where no outer coating seals them (seeds/000 §4.2.1: the carbon coating prevents
        # contact between Si and electrolyte); their SEI is capped by their volume (sianode.materials.surface).
        # Si fills the micropores first (seeds/000 §4.1.3), so the pores left empty are walled by carbon: SEI-bearing
        # surface, but not surface over Si (no breathing)
        v_res = max(v_pore - v_si, 0.0)
        sealed = bool(co)
        a_res = 0.0 if sealed else 4.0 * v_res / (m.si_domain_nm * nm)
        area = n_part * float(surface.sphere_area(r2)) + a_res
        # the Si's share of that outer surface: its volume fraction of the skeleton (Delesse), so the
        # surface over Si per gram of Si, 3 / (rho_Si R), does not fall when more Si is deposited
        return _Particle(cons + co, v_pore - v_si, n_part * float(surface.sphere_volume(r2)), area,
                         pore_volume_cm3=v_pore, si_area_fraction=v_si / v_env, pore_area_cm2=a_res,
                         sei_pore_volume_cm3=0.0 if sealed else v_res, pore_walls_si=False)
    raise InputError(f"unknown active-material family {fam!r}", field="active.family")


# --------------------------------------------------------------------------- evaluation
def _loss_sum(br: dict):
    """Sum of the parts of the first-cycle loss, in the order of ``IRREVERSIBLE_PARTS`` (as ``sum`` adds them)."""
    acc = 0.0
    for k in IRREVERSIBLE_PARTS:
        acc = acc + br[k]
    return acc


def _evaluate(p: _Particle, x_end: float, name: str, ssa_override: float | None = None):
    """One particle's component (:func:`_evaluate_batch` with one particle)."""
    return _evaluate_batch([p], [x_end], [name], [ssa_override])[0]


def _evaluate_batch(parts: list[_Particle], x_end, names, ssa_override) -> list[tuple]:
    """Capacities, first-cycle loss, expansion and surface of many particles (one ``ComponentProperties`` each,
    with its solid volume change, mass and carbon mass: ``(component, dv, mass, m_c)``).

    The constituents of each particle are summed in a loop (their number and kinds differ); everything after
    (the Li–Si capacity and molar volume at each ``x_end``, the SEI loss on the outer and pore surfaces, the
    breakdown, ICE and expansion) is computed on arrays over the particles.
    """
    cp = {k: v.value for k, v in CARBON_PARAMETERS.items()}
    f = OXIDE_PARAMETERS["li4sio4_fraction"].value
    n = len(parts)
    x_end = np.asarray(x_end, dtype=float).reshape(n)
    q_x = np.asarray(lisi.capacity_mAh_g_from_x(x_end), dtype=float).reshape(n).tolist()  # mAh per g Si at x_end
    v_x = np.asarray(lisi.molar_volume_cm3_mol(x_end), dtype=float).reshape(n).tolist()  # cm3 per mol Si at x_end
    xs = x_end.tolist()
    sums = np.empty((n, 9))
    siox: dict = {}  # _siox_per_gram by (x of SiOx, x_end, molar volume): a batch has few (the native oxide's)
    for k, p in enumerate(parts):
        q_si, v_si, xe = q_x[k], v_x[k], xs[k]
        mass = sum([c.mass_g for c in p.constituents])
        rev = irr_ox = irr_c = rev_si = 0.0
        dv = 0.0
        m_si_active = m_c = 0.0
        cryst_m = 0.0
        for c in p.constituents:
            if c.kind == "si":
                host_rho = c.mass_g / c.volume_cm3
                rev += c.mass_g * q_si
                rev_si += c.mass_g * q_si
                v1 = c.mass_g / M_SI_G_MOL * v_si
                dv += max(v1 - c.volume_cm3, 0.0) if host_rho > 0 else 0.0
                m_si_active += c.mass_g
                cryst_m += c.mass_g * c.crystalline_fraction
            elif c.kind == "siox":
                key = (c.siox_x, xe, v_si)
                if key not in siox:
                    siox[key] = _siox_per_gram(c.siox_x, xe, f, v_si)
                r_, i_, dv_, v0_, msi_ = siox[key]
                rev += c.mass_g * r_
                rev_si += c.mass_g * r_
                irr_ox += c.mass_g * i_
                dv += c.mass_g * dv_
                m_si_active += c.mass_g * msi_
            elif c.kind == "carbon":
                rev += c.mass_g * cp["hard_carbon_reversible_mAh_g"]
                irr_c += c.mass_g * cp["hard_carbon_irreversible_mAh_g"]
                m_c += c.mass_g
        sums[k] = (mass, rev, irr_ox, irr_c, rev_si, dv, m_si_active, m_c, cryst_m)
    mass, rev, irr_ox, irr_c, rev_si, dv, m_si_active, m_c, cryst_m = sums.T
    area, pore_area_cm2, sei_pore_cm3, void, env, si_area_frac, walls_si = np.array(
        [list(map(attrgetter(f), parts)) for f in ("area_cm2", "pore_area_cm2", "sei_pore_volume_cm3", "void_cm3",
                                                  "envelope_cm3", "si_area_fraction", "pore_walls_si")],
        dtype=float).reshape(7, n)
    given = np.array([s is not None for s in ssa_override])
    ssa = area * 1e-4 / mass
    # SEI: flat on the outer surface, volume-capped in the pores (sianode.materials.surface); a measured area
    # replaces the geometric total, its excess over the outer surface counted as pore wall
    pore_area = pore_area_cm2 * 1e-4 / mass
    outer = area * 1e-4 / mass - pore_area
    if given.any():  # what N2 reaches beyond the outer surface sits in the known open pores, if any
        ssa = np.where(given, np.array([float(s) if s is not None else 0.0 for s in ssa_override]), ssa)
        has_pores = np.isfinite(sei_pore_cm3) & (sei_pore_cm3 > 0)
        pore_area = np.where(given, np.where(has_pores, np.maximum(ssa - outer, 0.0), 0.0), pore_area)
        outer = np.where(given, ssa - pore_area, outer)
    irr_sei = (np.asarray(surface.sei_loss_mAh_g(outer)).reshape(n)
               + np.asarray(surface.pore_sei_loss_mAh_g(pore_area, sei_pore_cm3 / mass)).reshape(n))
    # Li trapped in the lithiated Si (of pure Si and of the Si that SiOx conversion frees)
    irr_trap = SI_TRAPPING_FRACTION.value * rev_si
    q_rev = (rev - irr_trap) / mass
    br = {"siox_conversion": irr_ox / mass, "sei": irr_sei, "carbon": irr_c / mass, "si_trapping": irr_trap / mass}
    q_first = q_rev + _loss_sum(br)
    expansion = np.maximum(0.0, dv - void) / env
    with np.errstate(divide="ignore", invalid="ignore"):
        ice = np.where(q_first > 0, q_rev / q_first, np.nan)
        cryst = np.where(m_si_active != 0, cryst_m / m_si_active, 0.0)
    si_area = (outer + np.where(walls_si != 0, pore_area, 0.0)) * si_area_frac
    cols = [q_rev, q_first, ice, expansion, ssa, mass / env, m_si_active / mass, cryst, dv / mass, void / mass,
            env / mass, si_area, (rev_si - irr_trap) / mass, dv, mass, m_c] + [br[b] for b in IRREVERSIBLE_PARTS]
    out = []
    # one design's scalars as Python floats, as they always were
    for name, (q_r, q_f, ice_, exp_, ssa_, rho, si_f, cr, dv_g, void_g, env_g, si_a, si_r, dv_, m_, mc, *b) in zip(
            names, zip(*(c.tolist() for c in cols))):
        out.append((ComponentProperties(
            name=name, mass_frac=1.0, reversible_capacity_mAh_g=q_r, first_lithiation_capacity_mAh_g=q_f, ice=ice_,
            irreversible_breakdown_mAh_g=dict(zip(IRREVERSIBLE_PARTS, b)), particle_expansion=exp_,
            specific_surface_area_m2_g=ssa_, density_g_cm3=rho, si_mass_frac=si_f, crystalline_fraction=cr,
            voltage_curve=None, dv_solid_cm3_g=dv_g, void_cm3_g=void_g, envelope_cm3_g=env_g,
            si_surface_area_m2_g=si_a, si_reversible_capacity_mAh_g=si_r), dv_, m_, mc))
    return out


def graphite_properties(graphite_type: str = "artificial", diameter_um: float = 15.0,
                        mass_frac: float = 1.0, reversible_capacity_mAh_g: float | None = None) -> ComponentProperties:
    """Graphite as an anode component: capacity, first-cycle SEI loss on its BET area, density, expansion.

    Data from the foundation layer (:mod:`sianode.graphite`); the SEI loss is this module's surface
    model (:func:`sianode.materials.surface.sei_loss_mAh_g`). Used for the graphite of Si/graphite
    blends and for the cell stage's graphite reference cell. :func:`graphite_properties_batch` with one graphite.
    """
    return graphite_properties_batch([graphite_type], [diameter_um], [mass_frac], [reversible_capacity_mAh_g])[0]


def graphite_properties_batch(graphite_types, diameters_um, mass_fracs, capacities_mAh_g) -> list[ComponentProperties]:
    """:func:`graphite_properties` of many graphites (one entry each; a capacity None: the type's own), the SEI
    loss of all in one array call."""
    q_rev = [_graphite.reversible_capacity_mAh_g(t) if q is None else float(q)  # a measured capacity in the design
             for t, q in zip(graphite_types, capacities_mAh_g)]
    ssa = [_graphite.specific_surface_area_m2_g(d) for d in diameters_um]
    sei = np.asarray(surface.sei_loss_mAh_g(np.array(ssa, dtype=float)), dtype=float).reshape(len(ssa)).tolist()
    rho = float(_GRAPHITE["density_g_cm3"])
    out = []
    for t, w, q, a, l in zip(graphite_types, mass_fracs, q_rev, ssa, sei):
        e = _graphite.expansion_at_capacity(q)
        out.append(ComponentProperties(
            name=f"{t} graphite", mass_frac=w, reversible_capacity_mAh_g=q,
            first_lithiation_capacity_mAh_g=q + l, ice=q / (q + l),
            irreversible_breakdown_mAh_g={"siox_conversion": 0.0, "sei": l, "carbon": 0.0, "si_trapping": 0.0},
            particle_expansion=e, dv_solid_cm3_g=e / rho, void_cm3_g=0.0, envelope_cm3_g=1 / rho,
            specific_surface_area_m2_g=a, density_g_cm3=rho, si_mass_frac=0.0, crystalline_fraction=0.0))
    return out


def _graphite_components(blends) -> list[ComponentProperties]:
    """The graphite component of each Si/graphite blend."""
    return graphite_properties_batch([a.graphite_type for a in blends], [a.graphite_diameter_um for a in blends],
                                     [1 - a.si_fraction for a in blends],
                                     [getattr(a, "graphite_capacity_mAh_g", None) for a in blends])


def x_end_for_cutoff(v_min_V: float | None) -> float:
    """x reached at the lower cut-off on the a-Si lithiation branch (3.75 at <= 5 mV)."""
    if v_min_V is None:
        return lisi.X_MAX_PRACTICAL
    if not np.isfinite(v_min_V) or v_min_V >= voltage.U_HIGH:
        raise InputError(f"lower cut-off must be below {voltage.U_HIGH} V, got {v_min_V!r}", field="protocol.v_min_V")
    return float(voltage.x_at_voltage(max(v_min_V, voltage.U_LOW)))


def composite_properties(active, electrode=None, v_min_V: float | None = None,
                         specific_surface_area_m2_g: float | None = None) -> CompositeProperties:
    """Capacity, ICE breakdown, expansion and surface area of a schema active-material model
    (:func:`composite_properties_batch` with one material).

    Parameters
    ----------
    active : one of the ``sianode.design.schema`` active-material models (discriminated by ``family``).
    electrode : ``schema.Electrode`` or None; only used by the stage for electrode-level numbers.
    v_min_V : lower cut-off vs Li/Li+ (V); sets x_end on the lithiation branch (None: x = 3.75).
    specific_surface_area_m2_g : measured (e.g. BET) area of the Si-containing material, m2/g; replaces
        the geometric estimate in the SEI loss. BET includes micropores that may not all carry SEI, so
        the SEI loss is then an upper estimate.
    """
    return composite_properties_batch([active], [v_min_V], [specific_surface_area_m2_g])[0]


def _check_ssa(ssa) -> None:
    if ssa is not None and (not np.isfinite(ssa) or ssa < 0):
        raise InputError(f"must be >= 0 m2/g, got {ssa!r}", field="specific_surface_area_m2_g")


#: Component fields the mixture rules read, in the order of :func:`_blend`'s columns.
_BLEND_FIELDS = ("mass_frac", "reversible_capacity_mAh_g", "density_g_cm3", "particle_expansion",
                 "specific_surface_area_m2_g", "si_surface_area_m2_g", "si_mass_frac", "si_reversible_capacity_mAh_g")


def _blend(comps: list[list[ComponentProperties]]) -> dict[str, np.ndarray]:
    """Mixture rules over designs with the same number of components: mass-weighted capacities, losses, areas and
    Si fractions; envelope-volume-weighted expansion; density from the summed envelope volumes; the composite's
    ICE and volumetric capacities. Arrays over the designs (sums in component order, as ``sum`` over one design's
    components)."""
    n, k = len(comps), len(comps[0])
    flat = [c for cs in comps for c in cs]  # (one list a field: few objects for the GC)
    a = np.array([list(map(attrgetter(f), flat)) for f in _BLEND_FIELDS]
                 + [[c.irreversible_breakdown_mAh_g[b] for c in flat] for b in IRREVERSIBLE_PARTS],
                 dtype=float).reshape(len(_BLEND_FIELDS) + len(IRREVERSIBLE_PARTS), n, k)
    w, q, dens, expn, ssa, ssa_si, si_frac, si_rev = a[:len(_BLEND_FIELDS)]

    def wsum(v):
        acc = np.zeros(n)
        for j in range(k):
            acc = acc + w[:, j] * v[:, j]
        return acc

    br = {b: wsum(a[len(_BLEND_FIELDS) + m]) for m, b in enumerate(IRREVERSIBLE_PARTS)}
    rev = wsum(q)
    vols = w / dens  # envelope volume per g of blend
    exp_v = vols * expn
    vol, exp_sum = vols[:, 0], exp_v[:, 0]
    for j in range(1, k):
        vol, exp_sum = vol + vols[:, j], exp_sum + exp_v[:, j]
    first = rev + _loss_sum(br)
    rho, exp_ = 1.0 / vol, exp_sum / vol
    return dict(rev=rev, first=first, ice=rev / first, rho=rho, exp=exp_, cap=rev * rho,
                cap_lith=rev * rho / (1 + exp_), ssa=wsum(ssa), ssa_si=wsum(ssa_si), si_frac=wsum(si_frac),
                si_rev=wsum(si_rev), **{"br_" + b: v for b, v in br.items()})


def composite_properties_batch(actives, v_min_V, specific_surface_area_m2_g) -> list[CompositeProperties]:
    """:func:`composite_properties` of many active materials (``v_min_V`` and ``specific_surface_area_m2_g`` one
    per material, None allowed). Each material's particle is built from its family; the capacities, losses,
    mixture rules and voltage curves are computed on arrays over the materials (the same numbers as one at a time).
    Raises the error of the first invalid material."""
    from sianode.materials.diffusion_length import si_diffusion_radius

    x_ends: dict = {}
    si_mats, parts, xe, ssas = [], [], [], []
    for active, v_min, ssa in zip(actives, v_min_V, specific_surface_area_m2_g):
        _check_ssa(ssa)
        if not hasattr(active, "family"):
            raise InputError("active must be a schema active-material model with a 'family'", field="active")
        key = v_min if v_min is None or type(v_min) is float else object()  # one x_end per cut-off of the batch
        if key not in x_ends:
            x_ends[key] = x_end_for_cutoff(v_min)
        m = active.silicon if active.family == "si_graphite" else active
        si_mats.append(m)
        parts.append(_particle(m))
        xe.append(x_ends[key])
        ssas.append(ssa)
    evaluated = _evaluate_batch(parts, xe, [m.family for m in si_mats], ssas)
    comps: list[list[ComponentProperties]] = []
    carbon = []
    graphite = iter(_graphite_components([a for a in actives if a.family == "si_graphite"]))
    for active, (c, dv, mass, m_c) in zip(actives, evaluated):
        if active.family == "si_graphite":
            c.mass_frac = active.si_fraction
            comps.append([c, next(graphite)])
            # carbon fraction: carbon inside the Si material + graphite
            carbon.append(active.si_fraction * m_c / mass + (1 - active.si_fraction))
        else:
            comps.append([c])
            carbon.append(m_c / mass)
    mix = _blend_by_size(comps)
    flat = [(c, x) for cs, x in zip(comps, xe) for c in cs]
    for (c, _), curve in zip(flat, component_voltage_curves([c for c, _ in flat], [x for _, x in flat])):
        c.voltage_curve = curve
    br = [mix["br_" + k] for k in IRREVERSIBLE_PARTS]
    out = []
    for i, (active, cs, b) in enumerate(zip(actives, comps, zip(*br))):
        pore_fill, buffer = _pore_numbers(si_mats[i], parts[i], evaluated[i][1])
        props = CompositeProperties(
            family=active.family, reversible_capacity_mAh_g=mix["rev"][i],
            first_lithiation_capacity_mAh_g=mix["first"][i], ice=mix["ice"][i],
            irreversible_breakdown_mAh_g=dict(zip(IRREVERSIBLE_PARTS, b)), capacity_mAh_cm3=mix["cap"][i],
            capacity_lithiated_mAh_cm3=mix["cap_lith"][i], si_mass_frac=mix["si_frac"][i],
            carbon_mass_frac=float(carbon[i]), particle_expansion=mix["exp"][i], pore_filling_fraction=pore_fill,
            buffer_volume_fraction=buffer, specific_surface_area_m2_g=mix["ssa"][i], density_g_cm3=mix["rho"][i],
            x_end=xe[i], crystalline_fraction=cs[0].crystalline_fraction, components=cs,
            si_surface_area_m2_g=mix["ssa_si"][i], si_reversible_capacity_mAh_g=mix["si_rev"][i])
        props.si_diffusion_radius_m, props.extras["si_diffusion_radius_source"] = si_diffusion_radius(active)
        out.append(props)
    return out


def _blend_by_size(comps: list[list[ComponentProperties]]) -> dict[str, list]:
    """:func:`_blend` of every design, called once per number of components; each quantity one list over the
    designs (in their order, as Python floats)."""
    n = len(comps)
    sizes = sorted({len(cs) for cs in comps})
    if len(sizes) == 1:  # (a sweep: one kind of blend)
        return {key: v.tolist() for key, v in _blend(comps).items()}
    cols: dict = {}
    for k in sizes:
        idx = [i for i in range(n) if len(comps[i]) == k]
        for key, v in _blend([comps[i] for i in idx]).items():
            cols.setdefault(key, np.empty(n))[idx] = v
    return {key: v.tolist() for key, v in cols.items()}


def _pore_numbers(m, p: _Particle, dv_solid: float):
    """(pore filling fraction, buffer volume fraction at full lithiation)."""
    buffer = max(0.0, p.void_cm3 - dv_solid) / (p.envelope_cm3 + max(0.0, dv_solid - p.void_cm3))
    if m.family == "cvd_si_c":
        v_si = sum(c.volume_cm3 for c in p.constituents if c.kind == "si")
        return v_si / p.pore_volume_cm3, buffer
    return float("nan"), buffer


@dataclass(frozen=True)
class VoltageCurve:
    """Quasi-equilibrium voltage of one component vs its capacity (per g of the component), both branches on one
    capacity axis (increasing). ``frame()`` is the tidy table (capacity_mAh_g, branch, voltage_V)."""

    capacity_mAh_g: np.ndarray
    lithiation_V: np.ndarray
    delithiation_V: np.ndarray

    def branch(self, name: str = "delithiation") -> np.ndarray:
        if name not in ("lithiation", "delithiation"):
            raise InputError(f"branch must be 'lithiation' or 'delithiation', got {name!r}", field="branch")
        return self.lithiation_V if name == "lithiation" else self.delithiation_V

    def frame(self) -> pd.DataFrame:
        return pd.concat([pd.DataFrame({"capacity_mAh_g": self.capacity_mAh_g, "branch": b, "voltage_V": self.branch(b)})
                          for b in ("lithiation", "delithiation")], ignore_index=True)


def component_voltage_curve(c: ComponentProperties, x_end: float = lisi.X_MAX_PRACTICAL, n: int = 121) -> VoltageCurve:
    """Voltage vs capacity of one component (per g of the component), lithiation and delithiation
    (:func:`component_voltage_curves` with one component).

    Si-containing components: the a-Si branches, the capacity axis scaled so that x_end maps to the
    component's reversible capacity (carbon's share is spread in proportion, a simplification).
    Graphite: the pure-graphite OCP of sianode.graphite (Verbrugge et al. 2017) on sto = capacity / 372
    (no hysteresis: both branches the same).
    """
    return component_voltage_curves([c], [x_end], n)[0]


def component_voltage_curves(comps, x_ends, n: int = 121) -> list[VoltageCurve]:
    """:func:`component_voltage_curve` of many components (``x_ends`` one per component). The a-Si branches are
    evaluated once per distinct ``x_end`` (one array call each); those voltage arrays are shared, read-only, by
    the curves with that ``x_end``, as graphite's memoised curves are."""
    out: list = [None] * len(comps)
    si = [i for i, c in enumerate(comps) if c.si_mass_frac > 0]
    if si:
        xe = np.array([float(x_ends[i]) for i in si])
        uniq, which = np.unique(xe, return_inverse=True)
        x = np.linspace(np.zeros_like(uniq), uniq, n, axis=1)  # one row per distinct x_end
        lith, delith = voltage.ocv_lithiation_V(x), voltage.ocv_delithiation_V(x)
        q = x[which] / xe[:, None] * np.array([comps[i].reversible_capacity_mAh_g for i in si], dtype=float)[:, None]
        for a in (lith, delith, q):
            a.flags.writeable = False
        for r, i in enumerate(si):
            out[i] = VoltageCurve(q[r], lith[which[r]], delith[which[r]])
    for i, c in enumerate(comps):
        if out[i] is None:
            out[i] = _graphite_voltage_curve(c.reversible_capacity_mAh_g, n)
    return out


@lru_cache(maxsize=64)
def _graphite_voltage_curve(capacity_mAh_g: float, n: int) -> VoltageCurve:
    """Graphite's curve (pure in its capacity and the number of points; memoised, the arrays are read-only)."""
    sto = np.linspace(0.0, capacity_mAh_g / voltage.GRAPHITE_CAPACITY_MAH_G, n)
    q = sto * voltage.GRAPHITE_CAPACITY_MAH_G
    u = voltage.graphite_ocv_V(sto)
    for a in (q, u):
        a.flags.writeable = False
    return VoltageCurve(q, u, u)


def prime_si_utilisation(props_list, c_rates) -> None:
    """Solve the Si utilisation of many designs in one vectorised call
    (:func:`sianode.materials.utilisation.si_utilisation`) and remember each in its ``CompositeProperties``
    (what :meth:`CompositeProperties.si_utilisation_at` then returns): the same numbers as one call per design."""
    todo = [(p, float(c)) for p, c in zip(props_list, c_rates) if p._utilisation_key(c) not in p._utilisation]
    if not todo:
        return
    c = np.array([c for _, c in todo])
    r = np.array([float(p.si_diffusion_radius_m) for p, _ in todo])
    d = np.array([float(utilisation.si_diffusivity_m2_s(p.si_diffusivity_m2_s)) for p, _ in todo])
    u = np.atleast_1d(utilisation.si_utilisation(c, r, d))
    for (p, c_i), u_i in zip(todo, u):
        p._utilisation[p._utilisation_key(c_i)] = float(u_i)


def _delivered(reversible_mAh_g, si_reversible_mAh_g, utilisation):
    """Delivered capacity: the Si part of the reversible capacity times its utilisation, the rest in full."""
    return reversible_mAh_g - si_reversible_mAh_g * (1.0 - np.asarray(utilisation))


def delivered_capacities_mAh_g(props_list, c_rates) -> np.ndarray:
    """:meth:`CompositeProperties.delivered_capacity_mAh_g` of many designs (one C-rate each) as one array; the
    utilisations come from :meth:`CompositeProperties.si_utilisation_at` (solved for a batch by
    :func:`prime_si_utilisation`)."""
    rev = np.array([p.reversible_capacity_mAh_g for p in props_list], dtype=float)
    si_rev = np.array([p.si_reversible_capacity_mAh_g for p in props_list], dtype=float)
    u = np.array([p.si_utilisation_at(float(c)) for p, c in zip(props_list, c_rates)], dtype=float)
    return _delivered(rev, si_rev, u)


def particle_expansions_at(props_list, c_rates) -> np.ndarray:
    """:meth:`CompositeProperties.particle_expansion_at` of many designs (one C-rate each) as one array: the
    components' :meth:`ComponentProperties.expansion_at` evaluated on arrays over the designs with the same
    number of components."""
    n = len(props_list)
    u = np.array([float(p.si_utilisation_at(c)) for p, c in zip(props_list, c_rates)], dtype=float)
    out = np.empty(n)
    bare = [i for i, p in enumerate(props_list) if not p.components]
    if bare:
        out[bare] = np.array([props_list[i].particle_expansion for i in bare], dtype=float) * u[bare]
    for k in sorted({len(p.components) for p in props_list} - {0}):
        idx = [i for i, p in enumerate(props_list) if len(p.components) == k]
        comps = [c for i in idx for c in props_list[i].components]  # (one list a field: few objects for the GC)
        si, dv, void, env_g, w = np.array(
            [list(map(attrgetter(f), comps)) for f in ("si_mass_frac", "dv_solid_cm3_g", "void_cm3_g", "envelope_cm3_g",
                                                      "mass_frac")], dtype=float).reshape(5, len(idx), k)
        frac = np.where(si > 0, u[idx][:, None], 1.0)  # Si-bearing: utilised; graphite: full
        exp_ = _envelope_expansion(frac, dv, void, env_g)
        env = w * env_g
        num, den = env[:, 0] * exp_[:, 0], env[:, 0]
        for j in range(1, k):  # in component order, as np.sum over one design's few components
            num, den = num + env[:, j] * exp_[:, j], den + env[:, j]
        out[idx] = num / den
    return out


def breakdown_table(props: CompositeProperties) -> pd.DataFrame:
    """Tidy capacity/ICE breakdown: one row per component plus the composite."""
    rows = []
    for c in props.components:
        rows.append(dict(component=c.name, mass_frac=c.mass_frac, reversible_capacity_mAh_g=c.reversible_capacity_mAh_g,
                         first_lithiation_capacity_mAh_g=c.first_lithiation_capacity_mAh_g, ice_pct=100 * c.ice,
                         **{f"irreversible_{k}_mAh_g": v for k, v in c.irreversible_breakdown_mAh_g.items()},
                         particle_expansion_pct=100 * c.particle_expansion,
                         specific_surface_area_m2_g=c.specific_surface_area_m2_g))
    rows.append(dict(component="composite", mass_frac=1.0, reversible_capacity_mAh_g=props.reversible_capacity_mAh_g,
                     first_lithiation_capacity_mAh_g=props.first_lithiation_capacity_mAh_g, ice_pct=100 * props.ice,
                     **{f"irreversible_{k}_mAh_g": v for k, v in props.irreversible_breakdown_mAh_g.items()},
                     particle_expansion_pct=100 * props.particle_expansion,
                     specific_surface_area_m2_g=props.specific_surface_area_m2_g))
    return pd.DataFrame(rows)


def blend_capacity_mAh_g(capacities_mAh_g, mass_fracs):
    """Mass mixture rule q = sum w_i q_i (fractions must sum to 1)."""
    q = np.asarray(capacities_mAh_g, dtype=float)
    w = np.asarray(mass_fracs, dtype=float)
    if q.shape != w.shape or np.any(w < 0) or abs(w.sum() - 1) > 1e-6:
        raise InputError("mass_fracs must be non-negative, match capacities and sum to 1", field="mass_fracs")
    return float(np.sum(q * w))
