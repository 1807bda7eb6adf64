"""Design -> electrochemical parameter set -> PyBaMM ``ParameterValues``, with provenance.

What is built
-------------
:func:`from_design` turns a :class:`sianode.design.schema.Design` into a :class:`CellParameters`
(plain data, SI units, BPX conventions), every number recorded with its source in
``CellParameters.provenance`` (a design field, the materials stage, a seed section or a paper).
:func:`to_pybamm` turns that into ``pybamm.ParameterValues`` plus the model options.

Everything the design shares with other stages is read, not recomputed: capacities, ICE, envelope
densities and the Si diffusion radius from the materials stage (``upstream["materials"]``, required);
loadings from the one N/P rule (:func:`sianode.electrode.loading.full_cell_loadings`); the coating's
thickness and porosity from :func:`sianode.electrode.coating.anode_geometry` (particle envelope
density, see that module for why); the cathode from :mod:`sianode.cathodes`; the separator from the
design or :data:`sianode.electrode.coating.STACK_DEFAULTS`.

Electrode phases
    active volume fraction  eps_s = m_phase / (rho_envelope L)
    max. concentration       c_max = Q_full rho_envelope / F      (Q_full in C/kg)
with ``Q_full`` the phase's capacity at sto = 1: Li15Si4 for Si, ``Q_rev x 3.75 / x_end`` of the
materials stage (the cut-off then stops the lithiation at x_end), LiC6 for graphite. So
``eps_s L c_max F = Q_full m_phase``.

The cathode's areal capacity is cathode loading x reversible capacity (:mod:`sianode.cathodes`), and its
thickness follows from that capacity over the cathode's stoichiometry window.

Si stoichiometry: sto = x / 3.75 (x = Li per Si, Li15Si4 at sto = 1).

Kinetics (BPX convention, Butler-Volmer, symmetric):
    j0 = F k sqrt(c_e / c_e0 * sto (1 - sto)) exp(Ea_k / R (1/T_ref - 1/T))
    D  = D_ref exp(Ea_D / R (1/T_ref - 1/T))

Diffusion length of each Si family (PyBaMM particles are full spheres):
    si_particles    R = diameter / 2
    core_shell      R = core radius; yolk_shell R = yolk radius (shell transport neglected)
    hollow          R = 3 V/S with S the outer surface = (Ro^3 - Ri^3) / Ro^2
    porous_micro_si R = 3 V_solid / S_pores = (1 - phi) d_pore / (2 phi)  (spherical pores)
(one definition: :mod:`sianode.materials.diffusion_length`, read from the materials stage)
    siox            R = diameter / 2
    cvd_si_c        R = si_domain / 2 (Li reaches the Si domains through the carbon scaffold)
Simplifications: electrolyte LiPF6 in carbonate (Nyman et al. 2008 fits) regardless of the solvent
blend; the composite's whole reversible capacity follows the a-Si voltage curve (carbon of SiOx/C
or CVD scaffolds is not given its own voltage curve); Si is taken as formed (amorphous) -- the
c-Si first lithiation is not simulated here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from sianode.errors import InputError
from sianode.graphite import GRAPHITE as _graphite_data
from sianode.provenance import Parameter

F = 96485.33212  # C/mol, CODATA 2018
R_GAS = 8.314462618  # J/(mol K), CODATA 2018
T_REF = 298.15

# --------------------------------------------------------------------------- named parameter sets
#: Electrode constants that PyBaMM requires but that do not change sianode's isothermal results.
ELECTRODE_CONSTANTS = {
    "double_layer_capacity": Parameter(
        0.2, "F m-2", "PyBaMM Chen2020 parameter set (Chen et al., J. Electrochem. Soc. 167 (2020) 080534)",
        "matters only for transients shorter than ~ms (EIS, pulse edges)"),
    "electrode_density": Parameter(
        2000.0, "kg m-3", "order of a porous composite electrode's density (PyBaMM Chen2020: 1657-3262 kg/m3)",
        "enters only PyBaMM's thermal submodels, which sianode's isothermal models do not use"),
}

SI_KINETICS = {
    # k (BPX) from PyBaMM Chen2020_composite: m_ref = 6.48e-7*28700/278000 (A/m2)(m3/mol)^1.5,
    # c_max 278000, c_e0 1000 -> k = m_ref c_max sqrt(c_e0) / F
    "reaction_rate_constant": Parameter(
        6.48e-7 * 28700 / 278000 * 278000 * math.sqrt(1000.0) / F, "mol m-2 s-1",
        "Chen et al., J. Electrochem. Soc. 167 (2020) 080534, Si phase as in PyBaMM Chen2020_composite "
        "(Ai et al., J. Electrochem. Soc. 169 (2022) 010524)",
        note="converted to the BPX rate constant k = m_ref c_max sqrt(c_e0) / F"),
    "reaction_rate_constant_activation_energy": Parameter(
        35000.0, "J mol-1", "PyBaMM Chen2020_composite Si exchange current (O'Kane et al., PCCP 24 (2022) 7909)"),
    "diffusivity_activation_energy": Parameter(
        30300.0, "J mol-1", "Ecker et al., J. Electrochem. Soc. 162 (2015) A1836 (graphite, 30.3 kJ/mol)",
        note="assumed for LixSi: no room-temperature measurement in the five source reviews; the tracer value "
             "1.42 eV of Strauss et al., J. Phys. Chem. C 122 (2018) 6508 is for x < 0.1 at 140-325 °C"),
}

GRAPHITE = {
    "density": Parameter(_graphite_data["density_g_cm3"].value * 1000.0, "kg m-3", _graphite_data["density_g_cm3"].source
                         + " (sianode.graphite)"),
    "diffusivity": Parameter(3.3e-14, "m2 s-1", "Chen et al., J. Electrochem. Soc. 167 (2020) 080534"),
    "diffusivity_activation_energy": Parameter(30300.0, "J mol-1", "Ecker et al., J. Electrochem. Soc. 162 (2015) A1836"),
    "reaction_rate_constant": Parameter(6.48e-7 * 33133 * math.sqrt(1000.0) / F, "mol m-2 s-1",
                                        "Chen et al., J. Electrochem. Soc. 167 (2020) 080534 (PyBaMM Chen2020)",
                                        note="m_ref 6.48e-7 converted with c_max 33133"),
    "reaction_rate_constant_activation_energy": Parameter(35000.0, "J mol-1", "PyBaMM Chen2020 / O'Kane et al. 2022"),
}

CATHODES = {
    "NCM811": {
        "max_concentration": Parameter(63104.0, "mol m-3", "Chen et al., J. Electrochem. Soc. 167 (2020) 080534"),
        "particle_radius": Parameter(5.22e-6, "m", "Chen et al. 2020"),
        "active_volume_fraction": Parameter(0.665, "-", "Chen et al. 2020"),
        "porosity": Parameter(0.335, "-", "Chen et al. 2020"),
        "conductivity": Parameter(0.18, "S m-1", "Chen et al. 2020"),
        "diffusivity": Parameter(4e-15, "m2 s-1", "Chen et al. 2020"),
        "diffusivity_activation_energy": Parameter(25000.0, "J mol-1", "O'Kane et al. 2022 after Cabanero et al. 2018"),
        "reaction_rate_constant": Parameter(3.42e-6 * 63104 * math.sqrt(1000.0) / F, "mol m-2 s-1", "Chen et al. 2020",
                                            note="m_ref 3.42e-6 converted to BPX k"),
        "reaction_rate_constant_activation_energy": Parameter(17800.0, "J mol-1", "O'Kane et al. 2022 (PyBaMM Chen2020)"),
        "minimum_stoichiometry": Parameter(0.2661, "-", "Chen et al. 2020 (100 % SOC)"),
        "maximum_stoichiometry": Parameter(0.9084, "-", "Chen et al. 2020 (0 % SOC)"),
    },
    "LFP": {
        "max_concentration": Parameter(22806.0, "mol m-3", "Prada et al., J. Electrochem. Soc. 159 (2012) A1508 (PyBaMM Prada2013)"),
        "particle_radius": Parameter(5e-8, "m", "Prada et al. 2012"),
        "active_volume_fraction": Parameter(0.374, "-", "Prada et al. 2012"),
        "porosity": Parameter(0.426, "-", "Prada et al. 2012"),
        "conductivity": Parameter(0.338, "S m-1", "Prada et al. 2012"),
        "diffusivity": Parameter(5.9e-18, "m2 s-1", "Prada et al. 2012"),
        "diffusivity_activation_energy": Parameter(0.0, "J mol-1", "not given by Prada et al. 2012", note="isothermal diffusion"),
        "reaction_rate_constant": Parameter(6e-7 * 22806 * math.sqrt(1000.0) / F, "mol m-2 s-1",
                                            "Kashkooli et al. 2017 as in PyBaMM Prada2013", note="m_ref 6e-7 converted"),
        "reaction_rate_constant_activation_energy": Parameter(39570.0, "J mol-1", "PyBaMM Prada2013 (Kashkooli et al. 2017)"),
        "minimum_stoichiometry": Parameter(0.01, "-", "assumed: flat two-phase plateau used almost entirely"),
        "maximum_stoichiometry": Parameter(0.97, "-", "assumed: flat two-phase plateau used almost entirely"),
    },
}

ELECTROLYTE = {
    "diffusivity": ("8.794e-11 * (x / 1000) ** 2 - 3.972e-10 * (x / 1000) + 4.862e-10",
                    "Nyman et al., Electrochim. Acta 53 (2008) 6356 (LiPF6 EC:EMC), PyBaMM Chen2020"),
    "conductivity": ("0.1297 * (x / 1000) ** 3 - 2.51 * (x / 1000) ** 1.5 + 3.329 * (x / 1000)",
                     "Nyman et al., Electrochim. Acta 53 (2008) 6356 (LiPF6 EC:EMC), PyBaMM Chen2020"),
    "cation_transference_number": Parameter(0.2594, "-", "Nyman et al., Electrochim. Acta 53 (2008) 6356"),
    "activation_energy": Parameter(17000.0, "J mol-1", "O'Kane et al., PCCP 24 (2022) 7909 (Nyman2008_arrhenius)"),
}

ELECTRODE_CONDUCTIVITY = Parameter(14.0, "S m-1", "Ecker et al., J. Electrochem. Soc. 162 (2015) A1836 (composite anode)")
BRUGGEMAN = Parameter(1.5, "-", "Bruggeman, Ann. Phys. 416 (1935) 636")
def _separator(kind: str, cell=None) -> tuple[Parameter, Parameter]:
    """Separator thickness (m) and porosity: the design's, else the stack defaults (one table)."""
    from sianode.electrode.coating import STACK_DEFAULTS as D

    if kind == "half":
        t, e = D["coin_separator_um"], D["coin_separator_porosity"]
        return Parameter(t.value * 1e-6, "m", t.source), Parameter(e.value, "-", e.source)
    t = Parameter(cell.separator_um * 1e-6, "m", "cell.separator_um") if cell is not None and \
        cell.separator_um is not None else Parameter(D["separator_um"].value * 1e-6, "m", D["separator_um"].source)
    e = Parameter(cell.separator_porosity, "-", "cell.separator_porosity") if cell is not None and \
        cell.separator_porosity is not None else D["separator_porosity"]
    return t, e


SEPARATORS = {"half": _separator("half"), "full": _separator("full")}
STO_EMPTY = 0.005  # initial (delithiated) anode stoichiometry; keeps sqrt(sto) away from 0


# --------------------------------------------------------------------------- data classes
@dataclass
class PhaseParams:
    """One particle phase of an electrode (BPX ``Particle`` fields, SI)."""

    name: str  # "silicon", "graphite", "NCM811", "LFP"
    max_concentration: float
    particle_radius: float
    active_volume_fraction: float
    diffusivity: float
    diffusivity_activation_energy: float
    reaction_rate_constant: float
    reaction_rate_constant_activation_energy: float
    ocp_lith: Any  # OCPTable
    ocp_delith: Any
    ocp_mean: Any
    minimum_stoichiometry: float = 0.0
    maximum_stoichiometry: float = 1.0
    shape: str = "spherical"

    @property
    def surface_area_per_unit_volume(self) -> float:
        return 3.0 * self.active_volume_fraction / self.particle_radius


@dataclass
class ElectrodeParams:
    thickness: float
    porosity: float
    conductivity: float
    bruggeman: float
    phases: list[PhaseParams]

    def capacity_Ah_m2(self) -> float:
        """Capacity between sto 0 and 1 of all phases, A h m-2."""
        return sum(p.active_volume_fraction * p.max_concentration for p in self.phases) * self.thickness * F / 3600


@dataclass
class ElectrolyteParams:
    initial_concentration: float
    cation_transference_number: float
    diffusivity: str  # expression in x = c_e (mol m-3), BPX Function syntax
    conductivity: str
    diffusivity_activation_energy: float
    conductivity_activation_energy: float


@dataclass
class CellParameters:
    """A complete electrochemical parameter set (SI, BPX conventions) with provenance."""

    kind: str  # "half" (vs Li metal) or "full"
    anode: ElectrodeParams
    cathode: ElectrodeParams | None
    separator_thickness: float
    separator_porosity: float
    separator_bruggeman: float
    electrolyte: ElectrolyteParams
    area_m2: float
    lower_voltage_cutoff: float
    upper_voltage_cutoff: float
    anode_active_mass_kg: float
    cathode_name: str | None = None
    reference_temperature: float = T_REF
    title: str = ""
    provenance: dict[str, Parameter] = field(default_factory=dict)

    @property
    def nominal_capacity_Ah(self) -> float:
        """Anode capacity (half cell) or cathode window capacity (full cell), A h."""
        if self.kind == "half":
            return self.anode.capacity_Ah_m2() * self.area_m2
        c = self.cathode.phases[0]
        return (c.active_volume_fraction * c.max_concentration * self.cathode.thickness * F / 3600
                * (c.maximum_stoichiometry - c.minimum_stoichiometry) * self.area_m2)

    def copy(self, **changes) -> "CellParameters":
        return replace(self, **changes)


# --------------------------------------------------------------------------- checks
class NotSupportedError(InputError):
    """A valid design that PyBaMM's models cannot represent (the message says what to do instead)."""


def check_representable(cp: CellParameters) -> None:
    """Raise :class:`InputError` for anything PyBaMM's electrode models cannot represent."""
    for ename, el in (("anode", cp.anode), ("cathode", cp.cathode)):
        if el is None:
            continue
        if len(el.phases) > 2:
            raise NotSupportedError(
                f"{len(el.phases)} particle phases ({', '.join(p.name for p in el.phases)}) in the {ename}: "
                "PyBaMM supports at most two phases per electrode ('particle phases' = '2'). Lump the minor "
                "phases into one (e.g. a Si-C composite as one phase plus graphite) and try again.",
                field=f"{ename}.phases")
        for p in el.phases:
            if p.shape != "spherical":
                raise NotSupportedError(
                    f"particle shape '{p.shape}' of phase '{p.name}' is not supported: PyBaMM solves diffusion "
                    "in spheres only. Give an equivalent sphere instead (radius R = 3 V/S of the real particle, "
                    "as sianode does for hollow and porous Si).", field=f"{ename}.{p.name}.shape")
            if not (p.particle_radius > 0 and p.max_concentration > 0 and 0 < p.active_volume_fraction < 1):
                raise InputError(f"phase '{p.name}': radius, c_max must be > 0 and the active volume fraction in (0, 1)",
                                 field=f"{ename}.{p.name}")
        solid = sum(p.active_volume_fraction for p in el.phases)
        if not 0 < el.porosity < 1 or solid + el.porosity > 1 + 1e-9:
            raise InputError(f"{ename}: porosity {el.porosity:.3g} plus active volume fraction {solid:.3g} "
                             "exceeds 1; lower the press density or the loading", field=f"{ename}.porosity")
    if cp.kind == "full" and cp.cathode is None:
        raise InputError("a full cell needs a cathode", field="cell.cathode")


# --------------------------------------------------------------------------- design -> parameters
def from_design(design, upstream, hysteresis: bool = True) -> CellParameters:
    """Build the electrochemical parameter set of ``design`` (see module docstring for the equations).

    ``upstream`` must hold the materials stage's result (``sianode.chain.upstream_for(design, "echem")``).
    """
    from sianode.echem import ocp as _ocp
    from sianode.electrode.coating import anode_geometry
    from sianode.electrode.loading import full_cell_loadings
    from sianode.graphite import THEORETICAL_CAPACITY_MAH_G
    from sianode.materials.lisi import X_MAX_PRACTICAL
    from sianode.results import require

    if design.electrolyte.kind == "solid":
        raise NotSupportedError("solid electrolytes are not supported by the PyBaMM models used here (liquid "
                         "electrolyte DFN/SPMe); use the solidstate stage for Si in solid-state cells, or "
                         "set electrolyte.kind = 'liquid'", field="electrolyte.kind")
    props = require(upstream, "materials", "echem").data
    prov: dict[str, Parameter] = {}
    el = design.electrode
    active = design.active
    loads = full_cell_loadings(design, props)
    load_src = ("electrode.loading_mg_cm2" if loads.anode_given
                else "derived from cell.cathode_loading_mg_cm2 and N/P (sianode.electrode.loading)")
    cap_src = "materials stage (upstream), scaled to sto = 1 (Li15Si4): Q_rev x 3.75 / x_end"

    # ---- masses per area (kg/m2); mg/cm2 -> kg/m2 is * 1e-2
    m_active = loads.anode_mg_cm2 * 1e-2
    geo = anode_geometry(design, float(props.density_g_cm3), loads.anode_mg_cm2)

    # ---- phases of the anode (Si-containing, optionally graphite): envelope densities of the materials stage
    phase_specs = []  # (name, mass kg/m2, density kg/m3, capacity at sto = 1 mAh/g, radius, sources...)
    r_si = float(props.si_diffusion_radius_m)
    r_src = props.extras.get("si_diffusion_radius_source", "sianode.materials.diffusion_length")
    x_scale = X_MAX_PRACTICAL / float(props.x_end)
    if active.family == "si_graphite":
        si_c, gr_c = props.components[0], props.components[1]
        f_si = float(si_c.mass_frac)
        if f_si > 0.0:  # si_fraction = 0: a pure-graphite anode (one phase)
            phase_specs.append(("silicon", m_active * f_si, si_c.density_g_cm3 * 1000, si_c.reversible_capacity_mAh_g
                                * x_scale, r_si, "envelope density of the Si component (materials stage)", r_src))
        if f_si < 1.0:
            # one graphite capacity for every stage: the materials stage's reversible graphite capacity is sto = 1
            phase_specs.append(("graphite", m_active * (1 - f_si), gr_c.density_g_cm3 * 1000,
                                gr_c.reversible_capacity_mAh_g, active.graphite_diameter_um * 0.5e-6,
                                "sianode.graphite (CRC Handbook 2.26 g/cm3)", "active.graphite_diameter_um / 2"))
    else:
        phase_specs.append(("silicon", m_active, props.density_g_cm3 * 1000, props.reversible_capacity_mAh_g * x_scale,
                            r_si, "particle envelope density (materials stage)", r_src))

    thickness = geo.thickness_um * 1e-6
    porosity = geo.porosity
    if porosity <= 0.02:
        raise InputError(f"the anode coating's porosity is {porosity:.3f} (packing from {geo.packing}): too dense "
                         "for electrolyte transport; lower the press density or raise the porosity",
                         field="electrode.press_density_g_cm3" if el.press_density_g_cm3 is not None else "electrode.porosity")
    prov["anode.thickness"] = Parameter(thickness, "m", f"sianode.electrode.coating.anode_geometry (anode loading: "
                                        f"{load_src}; packing: {geo.packing}; particle envelope density)")
    prov["anode.porosity"] = Parameter(porosity, "-", f"sianode.electrode.coating.anode_geometry ({geo.packing})")

    prov["anode.conductivity"] = ELECTRODE_CONDUCTIVITY
    prov["anode.bruggeman"] = BRUGGEMAN

    phases = []
    for name, m, rho, q, r, rho_src_i, r_src_i in phase_specs:
        eps_s = m / (rho * thickness)
        c_max = q * 3.6 * 1000 * rho / F  # mAh/g -> C/kg (x 3600), times kg/m3, over C/mol
        if name == "silicon":
            tabs = _ocp.si_tables()
            from sianode.materials.lisi import D_ASI_M2_S
            D = D_ASI_M2_S
            kin = SI_KINETICS
            k, Ea_k, Ea_D = kin["reaction_rate_constant"], kin["reaction_rate_constant_activation_energy"], kin["diffusivity_activation_energy"]
        else:
            tabs = _ocp.graphite_tables(sto_scale=q / THEORETICAL_CAPACITY_MAH_G)
            D, k = GRAPHITE["diffusivity"], GRAPHITE["reaction_rate_constant"]
            Ea_k, Ea_D = GRAPHITE["reaction_rate_constant_activation_energy"], GRAPHITE["diffusivity_activation_energy"]
        lith = tabs["lithiation"] if hysteresis else tabs["mean"]
        delith = tabs["delithiation"] if hysteresis else tabs["mean"]
        phases.append(PhaseParams(name, c_max, r, eps_s, float(D.value), float(Ea_D.value), float(k.value),
                                  float(Ea_k.value), lith, delith, tabs["mean"], 0.0, 1.0))
        pre = f"anode.{name}."
        prov[pre + "specific_capacity"] = Parameter(q, "mAh g-1", cap_src if name == "silicon" else
                                                    "reversible graphite capacity of the materials stage "
                                                    "(sianode.graphite; the OCP fit is rescaled to it)")
        prov[pre + "density"] = Parameter(rho, "kg m-3", rho_src_i)
        prov[pre + "active_volume_fraction"] = Parameter(eps_s, "-", "mass loading / (density * thickness)")
        prov[pre + "max_concentration"] = Parameter(c_max, "mol m-3", "specific capacity * density / F")
        prov[pre + "particle_radius"] = Parameter(r, "m", r_src_i)
        prov[pre + "diffusivity"] = D
        prov[pre + "diffusivity_activation_energy"] = Ea_D
        prov[pre + "reaction_rate_constant"] = k
        prov[pre + "reaction_rate_constant_activation_energy"] = Ea_k
        prov[pre + "ocp"] = Parameter(float("nan"), "V", lith.source + (" / delithiation branch" if hysteresis else ""))
    anode = ElectrodeParams(thickness, porosity, ELECTRODE_CONDUCTIVITY.value, BRUGGEMAN.value, phases)

    # ---- cathode (full cells): areal capacity = shared cathode loading x reversible capacity
    cathode = None
    cell = design.cell
    if cell.kind == "full":
        from sianode.cathodes import design_cathode

        cname = "LFP" if cell.cathode == "LFP" else "NCM811"
        cs = CATHODES[cname]
        tabs = _ocp.cathode_tables(cname)
        # mg/cm2 * mAh/g = 1e-3 mAh/cm2 = 1e-2 Ah/m2
        q_cath = loads.cathode_mg_cm2 * design_cathode(design).reversible_capacity_mAh_g * 1e-2  # Ah/m2
        dsto = cs["maximum_stoichiometry"].value - cs["minimum_stoichiometry"].value
        th_c = q_cath * 3600 / (cs["active_volume_fraction"].value * cs["max_concentration"].value * F * dsto)
        ph = PhaseParams(cname, cs["max_concentration"].value, cs["particle_radius"].value,
                         cs["active_volume_fraction"].value, cs["diffusivity"].value,
                         cs["diffusivity_activation_energy"].value, cs["reaction_rate_constant"].value,
                         cs["reaction_rate_constant_activation_energy"].value, tabs["mean"], tabs["mean"],
                         tabs["mean"], cs["minimum_stoichiometry"].value, cs["maximum_stoichiometry"].value)
        cathode = ElectrodeParams(th_c, cs["porosity"].value, cs["conductivity"].value, BRUGGEMAN.value, [ph])
        prov["cathode.loading"] = Parameter(loads.cathode_mg_cm2, "mg cm-2", loads.note)
        prov["cathode.thickness"] = Parameter(th_c, "m", "cathode loading x reversible capacity "
                                              "(sianode.cathodes) over the cathode window",
                                              note=f"cell.cathode = {cell.cathode}" + (" (modelled with NCM811 data)" if cell.cathode not in ("NCM811", "LFP") else ""))
        for key, p in cs.items():
            prov[f"cathode.{cname}.{key}"] = p
        prov[f"cathode.{cname}.ocp"] = Parameter(float("nan"), "V", tabs["mean"].source)
        if cell.cathode not in ("NCM811", "LFP"):
            prov["cathode.note"] = Parameter(float("nan"), "-", f"{cell.cathode} modelled with the NCM811 parameter set")

    sep_L, sep_eps = _separator(cell.kind, cell)
    prov["separator.thickness"], prov["separator.porosity"], prov["separator.bruggeman"] = sep_L, sep_eps, BRUGGEMAN
    c0 = (design.electrolyte.salt_molarity_M if design.electrolyte.kind == "liquid" else 1.0) * 1000.0
    prov["electrolyte.initial_concentration"] = Parameter(c0, "mol m-3", "electrolyte.salt_molarity_M" if design.electrolyte.kind == "liquid" else "1 M assumed for a gel")
    prov["electrolyte.diffusivity"] = Parameter(float("nan"), "m2 s-1", ELECTROLYTE["diffusivity"][1], note=ELECTROLYTE["diffusivity"][0])
    prov["electrolyte.conductivity"] = Parameter(float("nan"), "S m-1", ELECTROLYTE["conductivity"][1], note=ELECTROLYTE["conductivity"][0])
    prov["electrolyte.cation_transference_number"] = ELECTROLYTE["cation_transference_number"]
    prov["electrolyte.activation_energy"] = ELECTROLYTE["activation_energy"]
    electrolyte = ElectrolyteParams(c0, ELECTROLYTE["cation_transference_number"].value, ELECTROLYTE["diffusivity"][0],
                                    ELECTROLYTE["conductivity"][0], ELECTROLYTE["activation_energy"].value,
                                    ELECTROLYTE["activation_energy"].value)
    pr = design.protocol
    prov["cell.area"] = Parameter(el.area_cm2 * 1e-4, "m2", "electrode.area_cm2")
    prov["cell.lower_voltage_cutoff"] = Parameter(pr.v_min_V, "V", "protocol.v_min_V")
    prov["cell.upper_voltage_cutoff"] = Parameter(pr.v_max_V, "V", "protocol.v_max_V")
    prov["anode.loading"] = Parameter(loads.anode_mg_cm2, "mg cm-2", load_src, note=loads.note)
    prov["cell.anode_active_mass"] = Parameter(m_active * el.area_cm2 * 1e-4, "kg", "anode loading * electrode.area_cm2")
    cp = CellParameters(cell.kind, anode, cathode, sep_L.value, sep_eps.value, BRUGGEMAN.value, electrolyte,
                        el.area_cm2 * 1e-4, pr.v_min_V, pr.v_max_V, m_active * el.area_cm2 * 1e-4,
                        cathode_name=(cathode.phases[0].name if cathode else None), title=design.name,
                        provenance=prov)
    check_representable(cp)
    return cp


def provenance_table(cp: CellParameters) -> pd.DataFrame:
    """Tidy table: one row per parameter with value, unit, source and note."""
    items = list(cp.provenance.items()) + [(f"all electrodes: {k}", p) for k, p in ELECTRODE_CONSTANTS.items()]
    rows = [{"parameter": k, "value": p.value, "unit": p.unit, "source": p.source, "note": p.note} for k, p in items]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- -> PyBaMM
INPUT_CURRENT = "Current function [A]"
INPUT_TEMPERATURE = "Temperature [K]"
INPUT_D_FACTOR = "Si diffusivity factor"
INPUT_K_FACTOR = "Si rate constant factor"
INPUT_STO0 = "Initial stoichiometry {}"  # one input per anode phase (name filled in)


def initial_stoichiometries(cp: CellParameters, soc: float | None = None) -> dict[str, float]:
    """Equilibrium stoichiometry of each anode phase at electrode state of charge ``soc``.

    ``soc`` is the lithiated fraction of the anode's capacity (sum of the phases' capacity shares
    times their stoichiometries); all phases sit at one potential U (mean OCP branches), found by
    bisection. ``soc=None`` is the empty (delithiated) start: U just inside the cell's window
    (half cell: 50 mV below the upper cut-off; full cell: the anode potential at which the cell
    sits 50 mV above its lower cut-off with the cathode fully lithiated).
    """
    phases = cp.anode.phases
    lo_clip, hi_clip = STO_EMPTY, 0.999

    def stos_at(U):
        return {p.name: float(np.clip(_inverse(p.ocp_mean, U), lo_clip, hi_clip)) for p in phases}

    if soc is None:
        if cp.kind == "half":
            U0 = cp.upper_voltage_cutoff - 0.05
        else:
            c = cp.cathode.phases[0]
            U0 = float(c.ocp_mean(c.maximum_stoichiometry)) - cp.lower_voltage_cutoff - 0.05
        return stos_at(U0)
    soc = float(soc)
    if len(phases) == 1:
        return {phases[0].name: float(np.clip(soc, lo_clip, hi_clip))}
    caps = np.array([p.active_volume_fraction * p.max_concentration for p in phases])
    w = caps / caps.sum()
    lo, hi = -0.5, 3.0  # V
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        s = sum(wi * np.clip(_inverse(p.ocp_mean, mid), 0, 1) for wi, p in zip(w, phases))
        if s > soc:
            lo = mid
        else:
            hi = mid
    return stos_at(0.5 * (lo + hi))


def _inverse(table, U: float) -> float:
    """sto at potential U of a decreasing OCP table (linear interpolation, clipped to [0, 1])."""
    v = np.asarray(table.volts, float)
    s = np.asarray(table.sto, float)
    order = np.argsort(v)
    return float(np.interp(U, v[order], s[order]))


def default_inputs(cp: CellParameters, temperature_K: float = T_REF) -> dict[str, float]:
    d = {INPUT_CURRENT: 0.0, INPUT_TEMPERATURE: temperature_K, INPUT_D_FACTOR: 1.0, INPUT_K_FACTOR: 1.0}
    d.update({INPUT_STO0.format(k): v for k, v in initial_stoichiometries(cp).items()})
    return d


HYSTERESIS_MODELS = ("current sigmoid", "one-state hysteresis", "none")
# One-state hysteresis decay rate: the materials stage's HysteresisPath relaxes to a new branch over
# dx_transition = 0.3 Li/Si (Plett, J. Power Sources 134 (2004) 262 form; Sethuraman et al., JES 160
# (2013) A394 minor loops). PyBaMM's state h relaxes as dh/dsto = gamma (1 - h)/2, i.e. over 2/gamma in
# sto, so gamma = 2 * 3.75 / 0.3 = 25.
HYSTERESIS_DECAY = Parameter(2 * 3.75 / 0.3, "-", "sianode.materials.voltage.HysteresisPath dx_transition = 0.3 Li/Si "
                             "(Plett 2004; Sethuraman et al. 2013), converted to PyBaMM's one-state decay rate")


def _hyst(h) -> str:
    if h is True:
        return "current sigmoid"
    if h is False or h is None:
        return "none"
    if h not in HYSTERESIS_MODELS:
        raise InputError(f"hysteresis model {h!r} unknown; use one of {HYSTERESIS_MODELS}", field="hysteresis")
    return h


def model_options(cp: CellParameters, hysteresis="current sigmoid") -> dict:
    """PyBaMM options: half cell -> the Si anode is PyBaMM's 'positive' working electrode.

    ``hysteresis``: "current sigmoid" (branch chosen by the sign of the current; at zero current
    the mean of the branches), "one-state hysteresis" (a state variable that follows the last
    direction, needed for rests, e.g. GITT) or "none" (mean branch).
    """
    h = _hyst(hysteresis)
    n_an = str(len(cp.anode.phases))
    hyst_an = "single" if h == "none" else h
    ocp_an = hyst_an if n_an == "1" else ("single", hyst_an) if cp.anode.phases[1].name == "silicon" else (hyst_an, "single")
    if cp.kind == "half":
        return {"working electrode": "positive", "particle phases": ("1", n_an),
                "open-circuit potential": ("single", ocp_an)}
    return {"particle phases": (n_an, "1"), "open-circuit potential": (ocp_an, "single")}


def _phase_prefixes(n: int) -> list[str]:
    return [""] if n == 1 else ["Primary: ", "Secondary: "]


def to_pybamm(cp: CellParameters, inputs: bool = True, hysteresis="current sigmoid", temperature_K: float | None = None):
    """``(ParameterValues, options)`` for PyBaMM.

    With ``inputs=True`` the current, temperature, initial anode stoichiometry and two Si kinetic
    factors are ``pybamm.InputParameter`` s, so one built model serves every current and
    temperature (see :mod:`sianode.echem.simulate`).
    """
    import pybamm

    check_representable(cp)
    base = "OKane2022_graphite_SiOx_halfcell" if cp.kind == "half" else "Chen2020"
    pv = pybamm.ParameterValues(base)
    d = {}
    T_ref = cp.reference_temperature
    if inputs:
        T = pybamm.InputParameter(INPUT_TEMPERATURE)
        d["Ambient temperature [K]"] = T
        d["Initial temperature [K]"] = T
        d["Current function [A]"] = pybamm.InputParameter(INPUT_CURRENT)
        dfac, kfac = pybamm.InputParameter(INPUT_D_FACTOR), pybamm.InputParameter(INPUT_K_FACTOR)
        sto0 = [pybamm.InputParameter(INPUT_STO0.format(p.name)) for p in cp.anode.phases]
    else:
        d["Ambient temperature [K]"] = temperature_K or T_ref
        d["Initial temperature [K]"] = temperature_K or T_ref
        d["Current function [A]"] = cp.nominal_capacity_Ah
        dfac = kfac = 1.0
        sto0 = list(initial_stoichiometries(cp).values())
    d["Reference temperature [K]"] = T_ref
    an_dom = "positive" if cp.kind == "half" else "negative"
    short = {"positive": "Positive", "negative": "Negative"}
    c_e0 = cp.electrolyte.initial_concentration

    def arr(Ea, T):
        return pybamm.exp(Ea / pybamm.constants.R * (1 / T_ref - 1 / T))

    def add_electrode(el: ElectrodeParams, dom: str, sto_init: list, factors: bool):
        Dom = short[dom]
        d[f"{Dom} electrode thickness [m]"] = el.thickness
        d[f"{Dom} electrode porosity"] = el.porosity
        d[f"{Dom} electrode conductivity [S.m-1]"] = el.conductivity
        d[f"{Dom} electrode Bruggeman coefficient (electrolyte)"] = el.bruggeman
        d[f"{Dom} electrode Bruggeman coefficient (electrode)"] = el.bruggeman
        for pre, ph, s0 in zip(_phase_prefixes(len(el.phases)), el.phases, sto_init):
            is_si = ph.name == "silicon" and factors
            df = dfac if is_si else 1.0
            kf = kfac if is_si else 1.0
            cmax = ph.max_concentration
            k_py = ph.reaction_rate_constant * F / (cmax * c_e0 ** 0.5)

            def j0(c_e, c_s_surf, c_s_max, T, k_py=k_py, Ea=ph.reaction_rate_constant_activation_energy, kf=kf):
                return kf * k_py * arr(Ea, T) * c_e ** 0.5 * c_s_surf ** 0.5 * (c_s_max - c_s_surf) ** 0.5

            def D(sto, T, D0=ph.diffusivity, Ea=ph.diffusivity_activation_energy, df=df):
                return df * D0 * arr(Ea, T)

            d[f"{pre}{Dom} electrode active material volume fraction"] = ph.active_volume_fraction
            d[f"{pre}{Dom} particle radius [m]"] = ph.particle_radius
            d[f"{pre}Maximum concentration in {dom} electrode [mol.m-3]"] = cmax
            d[f"{pre}Initial concentration in {dom} electrode [mol.m-3]"] = s0 * cmax
            d[f"{pre}{Dom} particle diffusivity [m2.s-1]"] = D
            d[f"{pre}{Dom} electrode exchange-current density [A.m-2]"] = j0
            d[f"{pre}{Dom} electrode charge transfer coefficient"] = 0.5
            d[f"{pre}{Dom} electrode double-layer capacity [F.m-2]"] = ELECTRODE_CONSTANTS["double_layer_capacity"].value
            d[f"{pre}{Dom} electrode OCP entropic change [V.K-1]"] = 0.0
            d[f"{pre}{Dom} electrode density [kg.m-3]"] = ELECTRODE_CONSTANTS["electrode_density"].value
            from sianode.echem.ocp import pybamm_ocp
            d[f"{pre}{Dom} electrode OCP [V]"] = pybamm_ocp(ph.ocp_mean, f"{ph.name} mean OCP")
            d[f"{pre}{Dom} electrode lithiation OCP [V]"] = pybamm_ocp(ph.ocp_lith, f"{ph.name} lithiation OCP")
            d[f"{pre}{Dom} electrode delithiation OCP [V]"] = pybamm_ocp(ph.ocp_delith, f"{ph.name} delithiation OCP")
            g = HYSTERESIS_DECAY.value
            d[f"{pre}{Dom} particle lithiation hysteresis decay rate"] = lambda sto, T, g=g: g + 0 * sto
            d[f"{pre}{Dom} particle delithiation hysteresis decay rate"] = lambda sto, T, g=g: g + 0 * sto
            d[f"{pre}{Dom} particle hysteresis switching factor"] = 1.0
            d[f"{pre}Initial hysteresis state in {dom} electrode"] = 1.0  # start on the delithiation branch

    add_electrode(cp.anode, an_dom, sto0, True)
    if cp.kind == "full":
        c = cp.cathode.phases[0]
        add_electrode(cp.cathode, "positive", [c.maximum_stoichiometry], False)
    d["Separator thickness [m]"] = cp.separator_thickness
    d["Separator porosity"] = cp.separator_porosity
    d["Separator Bruggeman coefficient (electrolyte)"] = cp.separator_bruggeman
    ea_D, ea_s = cp.electrolyte.diffusivity_activation_energy, cp.electrolyte.conductivity_activation_energy
    fD = _expr_function(cp.electrolyte.diffusivity)
    fs = _expr_function(cp.electrolyte.conductivity)
    d["Electrolyte diffusivity [m2.s-1]"] = lambda c_e, T: fD(c_e) * arr(ea_D, T)
    d["Electrolyte conductivity [S.m-1]"] = lambda c_e, T: fs(c_e) * arr(ea_s, T)
    d["Cation transference number"] = cp.electrolyte.cation_transference_number
    d["Initial concentration in electrolyte [mol.m-3]"] = c_e0
    d["Electrode height [m]"] = math.sqrt(cp.area_m2)
    d["Electrode width [m]"] = math.sqrt(cp.area_m2)
    d["Lower voltage cut-off [V]"] = cp.lower_voltage_cutoff
    d["Upper voltage cut-off [V]"] = cp.upper_voltage_cutoff
    d["Open-circuit voltage at 0% SOC [V]"] = cp.lower_voltage_cutoff if cp.kind == "full" else cp.upper_voltage_cutoff
    d["Open-circuit voltage at 100% SOC [V]"] = cp.upper_voltage_cutoff if cp.kind == "full" else cp.lower_voltage_cutoff
    d["Nominal cell capacity [A.h]"] = cp.nominal_capacity_Ah
    d["Number of electrodes connected in parallel to make a cell"] = 1.0
    d["Contact resistance [Ohm]"] = 0.0
    pv.update(d, check_already_exists=False)
    return pv, model_options(cp, hysteresis)


def _expr_function(expr: str):
    """Turn a BPX-style expression in ``x`` into a function usable on PyBaMM symbols and floats."""
    code = compile(expr, "<electrolyte expression>", "eval")

    def f(x):
        import pybamm
        return eval(code, {"__builtins__": {}, "exp": pybamm.exp, "tanh": pybamm.tanh, "sqrt": pybamm.sqrt}, {"x": x})

    return f


def pybamm_provenance(cp: CellParameters) -> pd.DataFrame:
    """Every PyBaMM parameter with the source of its value (ours, or the PyBaMM base set)."""
    pv, _ = to_pybamm(cp, inputs=False)
    base = "OKane2022_graphite_SiOx_halfcell" if cp.kind == "half" else "Chen2020"
    ours = set(_keys_we_set(cp))
    rows = []
    for k in sorted(pv.keys()):
        if k == "citations":
            continue
        src = "sianode design/materials (see provenance_table)" if k in ours else \
            f"PyBaMM parameter set {base} (not used by the isothermal, degradation-free models unless noted)"
        rows.append({"pybamm_parameter": k, "source": src})
    return pd.DataFrame(rows)


def _keys_we_set(cp: CellParameters) -> list[str]:
    import pybamm
    base = "OKane2022_graphite_SiOx_halfcell" if cp.kind == "half" else "Chen2020"
    b = pybamm.ParameterValues(base)
    pv, _ = to_pybamm(cp, inputs=False)
    return [k for k in pv.keys() if k not in b.keys() or pv[k] is not b[k]]
