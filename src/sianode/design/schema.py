"""The sianode design schema: what a silicon anode (and the cell around it) is made of.

pydantic v2 models, loaded from TOML (:mod:`sianode.design.loader`) or built in Python.
Every field carries its unit in its name when it is not SI and in its description.
Unknown keys are rejected (``extra="forbid"``) so that a typo never silently falls back to a
default. Cross-field checks reject physically impossible designs with a message that names the
field and what is allowed.

Defaults are *design values* (a reasonable, typical anode), not physical constants; physical
constants live in the model modules with their sources.
"""
from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Density of crystalline Si, used here only to check that the Si fits into a scaffold's pores.
# Source: CRC Handbook of Chemistry and Physics (2.329 g/cm3); the materials stage has its own copy
# with the full phase table (sianode.materials.lisi).
_RHO_SI_G_CM3 = 2.329


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[float, Field(gt=0.0)]
NonNegative = Annotated[float, Field(ge=0.0)]

CoatingMaterial = Literal["carbon", "SiOx/C", "SiC", "SiOx", "Al2O3", "TiO2", "polymer"]


class Coating(_Strict):
    """A conformal coating layer (outer particle surface or pore walls)."""

    material: CoatingMaterial = Field("carbon", description="Coating material.")
    thickness_nm: NonNegative = Field(10.0, description="Coating thickness, nm.")
    siox_x: float = Field(
        1.0, gt=0.0, le=2.0,
        description="Oxygen stoichiometry x of the oxide in 'SiOx' and 'SiOx/C' coatings (0 < x <= 2; default 1, SiO; "
                    "2 for an oxide grown from a SiO2 sol, seeds/002 §3.1). Ignored for other materials.")


class Coatings(_Strict):
    """Coatings on the outer particle surface and, for porous families, on the pore walls."""

    outer: Coating | None = Field(None, description="Coating on the outer particle surface.")
    pore: Coating | None = Field(None, description="Coating on internal pore walls (porous families only).")


# --------------------------------------------------------------------------- active materials
SiPhase = Literal["crystalline", "amorphous"]


class SiParticles(_Strict):
    """Dense Si particles (nano or micro), crystalline or amorphous."""

    family: Literal["si_particles"] = Field("si_particles", description="Family tag.")
    phase: SiPhase = Field("crystalline", description="Initial Si phase: 'crystalline' or 'amorphous'.")
    diameter_nm: Positive = Field(100.0, description="Particle diameter, nm.")
    specific_surface_area_m2_g: float | None = Field(
        None, gt=0.0, le=3000.0, description="Measured specific surface area (BET), m2/g; default: estimated from the geometry.")
    coatings: Coatings = Field(default_factory=Coatings, description="Outer and pore-wall coatings.")

    @property
    def outer_radius_nm(self) -> float:
        return self.diameter_nm / 2


class PorousMicroSi(_Strict):
    """Porous micron-scale Si (e.g. etched/dealloyed/hydrolysis-derived, seeds/002, 003 §2)."""

    family: Literal["porous_micro_si"] = Field("porous_micro_si", description="Family tag.")
    phase: SiPhase = Field("crystalline", description="Initial phase of the Si skeleton.")
    diameter_um: Positive = Field(5.0, description="Secondary particle diameter, µm.")
    porosity: float = Field(0.3, ge=0.0, lt=0.95, description="Open internal pore volume fraction of the particle as measured "
                            "(N2 pore volume x density), i.e. after any pore-wall coating (0–0.95).")
    pore_diameter_nm: Positive = Field(400.0, description="Mean diameter of the open pores (after any pore-wall coating), nm.")
    specific_surface_area_m2_g: float | None = Field(
        None, gt=0.0, le=3000.0, description="Measured specific surface area (BET), m2/g; default: estimated from the geometry.")
    carbon_wt_frac: float | None = Field(
        None, ge=0.0, lt=0.9,
        description="Measured carbon content of the particle (e.g. TGA), mass fraction (0-0.9). With SiOx/C coatings it "
                    "sets the carbon share of the coating volume (the rest is the oxide); default: the coatings' "
                    "assumed 50 wt% SiOx / 50 wt% C.")
    coatings: Coatings = Field(default_factory=Coatings, description="Outer and pore-wall coatings.")

    @property
    def outer_radius_nm(self) -> float:
        return self.diameter_um * 500.0

    @model_validator(mode="after")
    def _pores_fit(self):
        if self.pore_diameter_nm >= self.diameter_um * 1000.0:
            raise ValueError(
                f"pore_diameter_nm ({self.pore_diameter_nm:g} nm) must be smaller than the particle "
                f"diameter ({self.diameter_um * 1000:g} nm)"
            )
        return self


class HollowSi(_Strict):
    """Hollow Si sphere (e.g. seeds/004 §4.2.3: R_in 175 nm, R_out 200 nm)."""

    family: Literal["hollow"] = Field("hollow", description="Family tag.")
    phase: SiPhase = Field("amorphous", description="Initial Si phase.")
    outer_radius_nm: Positive = Field(200.0, description="Outer radius of the Si shell, nm.")
    inner_radius_nm: Positive = Field(175.0, description="Inner (cavity) radius, nm.")
    specific_surface_area_m2_g: float | None = Field(
        None, gt=0.0, le=3000.0, description="Measured specific surface area (BET), m2/g; default: estimated from the geometry.")
    coatings: Coatings = Field(default_factory=Coatings, description="Outer and pore-wall coatings.")

    @model_validator(mode="after")
    def _radii(self):
        if self.inner_radius_nm >= self.outer_radius_nm:
            raise ValueError(
                f"inner_radius_nm ({self.inner_radius_nm:g}) must be smaller than outer_radius_nm "
                f"({self.outer_radius_nm:g})"
            )
        return self


class CoreShell(_Strict):
    """Si core with a rigid shell (carbon, SiOx/C, SiC...) in perfect contact."""

    family: Literal["core_shell"] = Field("core_shell", description="Family tag.")
    phase: SiPhase = Field("crystalline", description="Initial Si phase of the core.")
    core_radius_nm: Positive = Field(50.0, description="Si core radius, nm.")
    shell_material: CoatingMaterial = Field("carbon", description="Shell material.")
    shell_thickness_nm: Positive = Field(10.0, description="Shell thickness, nm.")
    specific_surface_area_m2_g: float | None = Field(
        None, gt=0.0, le=3000.0, description="Measured specific surface area (BET), m2/g; default: estimated from the geometry.")
    coatings: Coatings = Field(default_factory=Coatings, description="Outer and pore-wall coatings.")

    @property
    def outer_radius_nm(self) -> float:
        return self.core_radius_nm + self.shell_thickness_nm


class YolkShell(_Strict):
    """Si yolk inside a hollow shell with an empty void between them."""

    family: Literal["yolk_shell"] = Field("yolk_shell", description="Family tag.")
    phase: SiPhase = Field("crystalline", description="Initial Si phase of the yolk.")
    yolk_radius_nm: Positive = Field(50.0, description="Si yolk radius, nm.")
    void_thickness_nm: NonNegative = Field(30.0, description="Radial gap between yolk and shell, nm.")
    shell_material: CoatingMaterial = Field("carbon", description="Shell material.")
    shell_thickness_nm: Positive = Field(10.0, description="Shell thickness, nm.")
    specific_surface_area_m2_g: float | None = Field(
        None, gt=0.0, le=3000.0, description="Measured specific surface area (BET), m2/g; default: estimated from the geometry.")
    coatings: Coatings = Field(default_factory=Coatings, description="Outer and pore-wall coatings.")

    @property
    def outer_radius_nm(self) -> float:
        return self.yolk_radius_nm + self.void_thickness_nm + self.shell_thickness_nm


class SiOx(_Strict):
    """Silicon suboxide SiOx (0 < x < 2), micron particles (seeds/001 §2.3.3)."""

    family: Literal["siox"] = Field("siox", description="Family tag.")
    x: float = Field(1.0, gt=0.0, lt=2.0, description="Oxygen stoichiometry x in SiOx (0 < x < 2).")
    diameter_um: Positive = Field(5.0, description="Particle diameter, µm.")
    specific_surface_area_m2_g: float | None = Field(
        None, gt=0.0, le=3000.0, description="Measured specific surface area (BET), m2/g; default: estimated from the geometry.")
    coatings: Coatings = Field(default_factory=Coatings, description="Outer and pore-wall coatings.")

    @property
    def outer_radius_nm(self) -> float:
        return self.diameter_um * 500.0


class CVDSiC(_Strict):
    """CVD Si–C: nano-Si deposited from silane inside a porous carbon scaffold (seeds/000 §4.1)."""

    family: Literal["cvd_si_c"] = Field("cvd_si_c", description="Family tag.")
    scaffold_pore_volume_cm3_g: Positive = Field(
        1.2, le=5.0, description="Pore volume of the empty carbon scaffold, cm3 per g of carbon."
    )
    skeleton_size_um: Positive = Field(5.0, description="Carbon skeleton (secondary particle) size, µm; 4–6 µm is ideal (seeds/000 §4.1.3).")
    si_wt_frac: float = Field(0.5, gt=0.0, lt=1.0, description="Si mass fraction of the composite (0–1).")
    si_domain_nm: Positive = Field(5.0, description="Size of the Si domains in the pores, nm.")
    crystalline_fraction: Fraction = Field(0.0, description="Crystalline fraction of the deposited Si (0 = fully amorphous).")
    carbon_skeleton_density_g_cm3: Positive = Field(
        2.0, le=2.3, description="Skeletal density of the carbon scaffold walls, g/cm3 (hard carbon ~1.9–2.1)."
    )
    specific_surface_area_m2_g: float | None = Field(
        None, gt=0.0, le=3000.0, description="Measured specific surface area (BET), m2/g; default: estimated from the geometry.")
    coatings: Coatings = Field(default_factory=Coatings, description="Outer and pore-wall coatings.")

    @property
    def outer_radius_nm(self) -> float:
        return self.skeleton_size_um * 500.0

    @model_validator(mode="after")
    def _si_fits_in_pores(self):
        w = self.si_wt_frac
        v_si = w / _RHO_SI_G_CM3  # cm3 Si per g composite
        v_pore = (1.0 - w) * self.scaffold_pore_volume_cm3_g  # cm3 pores per g composite
        if v_si > v_pore:
            w_max = self.scaffold_pore_volume_cm3_g * _RHO_SI_G_CM3 / (1 + self.scaffold_pore_volume_cm3_g * _RHO_SI_G_CM3)
            raise ValueError(
                f"si_wt_frac {w:g} puts {v_si:.3f} cm3 of Si per g into {v_pore:.3f} cm3 of scaffold pores: "
                f"more Si than the pores can hold. With scaffold_pore_volume_cm3_g = "
                f"{self.scaffold_pore_volume_cm3_g:g}, si_wt_frac must be <= {w_max:.3f}"
            )
        return self


SiliconMaterial = Annotated[
    Union[SiParticles, PorousMicroSi, HollowSi, CoreShell, YolkShell, SiOx, CVDSiC],
    Field(discriminator="family"),
]


class SiGraphiteBlend(_Strict):
    """A blend of graphite with one Si-containing material (mixture rules)."""

    family: Literal["si_graphite"] = Field("si_graphite", description="Family tag.")
    si_fraction: float = Field(0.1, ge=0.0, le=1.0, description="Mass fraction of the Si-containing material in the active blend [0–1]; 0 = a pure-graphite anode (the baseline cell).")
    silicon: SiliconMaterial = Field(default_factory=lambda: SiParticles(diameter_nm=100.0),
                                     description="The Si-containing component.")
    graphite_diameter_um: Positive = Field(15.0, description="Graphite particle diameter (D50), µm.")
    graphite_type: Literal["natural", "artificial"] = Field("artificial", description="Graphite type.")
    graphite_capacity_mAh_g: float | None = Field(
        None, gt=0.0, le=372.0, description="Reversible capacity of the graphite, mAh/g (<= 372, LiC6); default by "
                                            "graphite_type (sianode.graphite: artificial 360, natural 365).")


ActiveMaterial = Annotated[
    Union[SiParticles, PorousMicroSi, HollowSi, CoreShell, YolkShell, SiOx, CVDSiC, SiGraphiteBlend],
    Field(discriminator="family"),
]

ACTIVE_FAMILIES = ("si_particles", "porous_micro_si", "hollow", "core_shell", "yolk_shell", "siox",
                   "cvd_si_c", "si_graphite")


# --------------------------------------------------------------------------- electrode
def _check_formulation(m):
    """A coating's mass fractions sum to 1 with active > 0; porosity or press density, not both."""
    total = m.active_wt_frac + m.binder_wt_frac + m.conductive_wt_frac
    if abs(total - 1.0) > 1e-3:
        raise ValueError(
            f"active_wt_frac + binder_wt_frac + conductive_wt_frac = {total:.4g}; the formulation must sum to 1"
        )
    if m.active_wt_frac <= 0:
        raise ValueError("active_wt_frac must be > 0")
    if m.porosity is not None and m.press_density_g_cm3 is not None:
        raise ValueError("give either porosity or press_density_g_cm3, not both")
    return m


class Electrode(_Strict):
    """Composite electrode: formulation, loading, density, current collector."""

    active_wt_frac: Fraction = Field(0.8, description="Active material mass fraction of the dry coating (0–1).")
    binder_wt_frac: Fraction = Field(0.1, description="Binder mass fraction (0–1).")
    conductive_wt_frac: Fraction = Field(0.1, description="Conductive additive mass fraction (0–1).")
    binder: Literal["PVDF", "CMC", "CMC/SBR", "PAA", "LiPAA", "alginate", "PI", "other"] = Field(
        "CMC/SBR", description="Binder type.")
    conductive_additive: Literal["carbon_black", "Super_P", "CNT", "SWCNT", "graphene", "VGCF", "none"] = Field(
        "Super_P", description="Conductive additive type.")
    loading_mg_cm2: Positive = Field(2.0, le=60.0, description="Active material mass loading, mg/cm2.")
    porosity: float | None = Field(None, gt=0.0, lt=1.0, description="Coating porosity (0–1). Give this or press_density_g_cm3.")
    press_density_g_cm3: float | None = Field(None, gt=0.0, le=3.0, description="Coating (press) density, g/cm3. Give this or porosity.")
    current_collector: Literal["Cu", "Ni", "stainless_steel", "carbon_coated_Cu"] = Field("Cu", description="Current collector.")
    current_collector_thickness_um: Positive = Field(8.0, description="Current collector foil thickness, µm.")
    area_cm2: Positive = Field(1.54, description="Electrode area, cm2 (default: 14 mm coin-cell disc).")

    @model_validator(mode="after")
    def _formulation(self):
        return _check_formulation(self)

    @property
    def porosity_or_default(self) -> float:
        """Porosity if given; callers that know the solid density should use press density instead."""
        return 0.4 if self.porosity is None else self.porosity


# --------------------------------------------------------------------------- electrolyte
class LiquidElectrolyte(_Strict):
    kind: Literal["liquid"] = Field("liquid", description="Electrolyte kind tag.")
    salt: str = Field("LiPF6", description="Lithium salt.")
    salt_molarity_M: Positive = Field(1.0, le=10.0, description="Salt concentration, mol/L.")
    solvents: list[str] = Field(default_factory=lambda: ["EC", "DEC"], description="Solvents.")
    additives_wt_pct: dict[str, Annotated[float, Field(ge=0.0, le=50.0)]] = Field(
        default_factory=lambda: {"FEC": 10.0}, description="Additives and their wt% (e.g. {FEC = 10}).")
    localized_high_concentration: bool = Field(False, description="Localized high-concentration electrolyte (LHCE).")


class GelElectrolyte(_Strict):
    kind: Literal["gel"] = Field("gel", description="Electrolyte kind tag.")
    polymer: str = Field("PVDF-HFP", description="Gel polymer host.")
    salt: str = Field("LiPF6", description="Lithium salt.")


class SolidElectrolyte(_Strict):
    kind: Literal["solid"] = Field("solid", description="Electrolyte kind tag.")
    sse_class: Literal["oxide", "sulfide", "polymer", "composite"] = Field("sulfide", description="Solid electrolyte class.")
    name: str = Field("Li6PS5Cl", description="Solid electrolyte compound (e.g. Li6PS5Cl, LLZO, PEO-LiTFSI).")
    young_modulus_GPa: float | None = Field(None, gt=0.0, le=400.0, description="Young's modulus, GPa (default from class, seeds/004 §5.5).")
    ionic_conductivity_S_cm: float | None = Field(None, gt=0.0, le=1.0, description="Ionic conductivity, S/cm.")
    stack_pressure_MPa: NonNegative = Field(50.0, le=1000.0, description="Applied stack pressure, MPa.")
    anode_sse_wt_frac: float = Field(0.0, ge=0.0, lt=1.0, description="Solid electrolyte mass fraction mixed into the anode coating (0 = dense/SE-free; < 1).")


Electrolyte = Annotated[Union[LiquidElectrolyte, GelElectrolyte, SolidElectrolyte], Field(discriminator="kind")]


# --------------------------------------------------------------------------- cell
class Prelithiation(_Strict):
    method: Literal["none", "li_foil", "thin_li_layer", "slmp", "li5feo4", "li2nio2", "chemical"] = Field(
        "none", description="Prelithiation method.")
    dose_mAh_cm2: float | Literal["auto"] = Field("auto", description="Prelithiation dose, mAh/cm2, or 'auto' to compensate the anode's extra first-cycle loss.")

    @model_validator(mode="after")
    def _dose(self):
        if isinstance(self.dose_mAh_cm2, float) and self.dose_mAh_cm2 < 0:
            raise ValueError("dose_mAh_cm2 must be >= 0 or 'auto'")
        return self


ConductiveAdditive = Literal["carbon_black", "Super_P", "CNT", "SWCNT", "graphene", "VGCF", "none"]
Binder = Literal["PVDF", "CMC", "CMC/SBR", "PAA", "LiPAA", "alginate", "PI", "other"]


class CathodeElectrode(_Strict):
    """The cathode coating (per side) and its Al foil; optionally the cathode material's own data.

    Packing: give at most one of porosity and press density; thickness_um fixes the loading together with
    the packing (then cell.cathode_loading_mg_cm2 must not be given) or, alone, the porosity at the loading.
    Defaults: 96:2:2 NCM:PVDF:carbon, 25 % porosity, 12 µm Al (sianode.electrode.coating.STACK_DEFAULTS).
    """

    active_wt_frac: Fraction = Field(0.96, description="Cathode active material mass fraction of the dry coating (0–1).")
    binder_wt_frac: Fraction = Field(0.02, description="Binder mass fraction (0–1).")
    conductive_wt_frac: Fraction = Field(0.02, description="Conductive additive mass fraction (0–1).")
    binder: Binder = Field("PVDF", description="Binder type (its density from sianode.electrode.coating).")
    conductive_additive: ConductiveAdditive = Field("carbon_black", description="Conductive additive type.")
    porosity: float | None = Field(None, gt=0.0, lt=1.0, description="Coating porosity (0–1); default 0.25.")
    press_density_g_cm3: float | None = Field(None, gt=0.0, le=5.0, description="Coating (press) density, g/cm3.")
    thickness_um: float | None = Field(None, gt=0.0, le=500.0, description="Coating thickness per side, µm.")
    al_foil_um: Positive = Field(12.0, le=100.0, description="Aluminium foil thickness, µm.")
    reversible_capacity_mAh_g: float | None = Field(
        None, gt=0.0, le=400.0, description="Cathode reversible capacity, mAh/g (default: sianode.cathodes).")
    first_charge_capacity_mAh_g: float | None = Field(
        None, gt=0.0, le=450.0, description="Cathode first-charge capacity, mAh/g (default: sianode.cathodes).")
    density_g_cm3: float | None = Field(None, gt=0.0, le=10.0, description="Cathode active particle density, g/cm3 "
                                                                           "(default: X-ray density, sianode.cathodes).")

    @model_validator(mode="after")
    def _formulation(self):
        _check_formulation(self)
        if (self.first_charge_capacity_mAh_g is not None and self.reversible_capacity_mAh_g is not None
                and self.first_charge_capacity_mAh_g < self.reversible_capacity_mAh_g):
            raise ValueError("first_charge_capacity_mAh_g must be >= reversible_capacity_mAh_g (cathode ICE <= 1)")
        return self


class Tabs(_Strict):
    """Tab (terminal) strips: Al on the positive, Ni (or Ni-plated Cu) on the negative side; None: format default
    (pouch 0.2 x 45 mm, 15 mm outside; 18650/21700 0.1 x 4 x 60-65 mm; 4680 0.2 x 10 x 40; prismatic 0.2 x 20 x
    30: engineering estimates in sianode.cell.formats)."""

    thickness_mm: float | None = Field(None, gt=0.0, le=5.0, description="Tab thickness, mm.")
    width_mm: float | None = Field(None, gt=0.0, le=200.0, description="Tab width, mm.")
    length_mm: float | None = Field(None, gt=0.0, le=200.0, description="Tab length (each tab), mm.")
    outside_mm: float | None = Field(None, ge=0.0, le=100.0, description="Length of each tab outside the cell body "
                                                                         "(pouch terminals), mm.")


class PouchSpec(_Strict):
    """Stacked pouch cell. Every field None takes the default of sianode.cell.formats.PouchFormat (with its source).

    Give n_cathodes (layer count) or target_capacity_Ah (the layer count follows, rounded up), not both.
    """

    electrode_length_mm: float | None = Field(None, gt=0.0, le=2000.0, description="Cathode coating length, mm (default 300: a large EV pouch, design assumption).")
    electrode_width_mm: float | None = Field(None, gt=0.0, le=1000.0, description="Cathode coating width, mm (default 100).")
    n_cathodes: int | None = Field(None, ge=1, le=500, description="Number of double-sided cathodes (layers; default 30).")
    target_capacity_Ah: float | None = Field(None, gt=0.0, le=2000.0, description="Size the layer count for this "
                                                                                   "capacity, Ah.")
    anode_overhang_mm: float | None = Field(None, ge=0.0, le=20.0, description="Anode beyond the cathode, each edge, "
                                                                               "mm (default 1: typical 0.5-2, estimate).")
    separator_overhang_mm: float | None = Field(None, ge=0.0, le=20.0, description="Separator beyond the anode, each "
                                                                                   "edge, mm (default 1, estimate).")
    seal_mm: float | None = Field(None, gt=0.0, le=50.0, description="Seal width on each edge, mm (default 6, estimate).")
    tab_headspace_mm: float | None = Field(None, ge=0.0, le=100.0, description="Space between the electrodes and the "
                                                                               "seal at each tab edge (tab bundle, "
                                                                               "welds), mm (default 10, estimate).")
    tab_layout: Literal["opposite", "same_side"] | None = Field(None, description="Tabs on opposite edges or both on "
                                                                                  "one edge (default 'opposite').")
    film_nylon_um: float | None = Field(None, ge=0.0, le=200.0, description="Outer nylon layer of the laminate, µm (default 25; DNP D-EL40H class laminate, estimate).")
    film_al_um: float | None = Field(None, ge=0.0, le=200.0, description="Al barrier layer of the laminate, µm (default 40).")
    film_pp_um: float | None = Field(None, ge=0.0, le=200.0, description="Inner PP sealant layer of the laminate, µm (default 80).")
    packing_factor: float | None = Field(None, gt=0.5, le=1.0, description="Sum of layer thicknesses / stack "
                                                                           "thickness (gaps between layers; default 0.97, "
                                                                           "estimate).")
    tabs: Tabs = Field(default_factory=Tabs, description="Tab dimensions.")

    @model_validator(mode="after")
    def _sizing(self):
        if self.n_cathodes is not None and self.target_capacity_Ah is not None:
            raise ValueError("give n_cathodes or target_capacity_Ah, not both")
        return self


class _RollSpec(_Strict):
    """What wound cells (cylindrical and prismatic) share: can walls, headspace, the roll and its sizing.

    None takes the format's default (sianode.cell.formats.CYLINDRICAL, PrismaticFormat: each with its source;
    e.g. 18650/21700 wall 0.25, bottom 0.30, header 3.0 mm, headspace 2.0, mandrel 2.5, clearance 0.15 mm;
    overhangs 1 mm; packing factor 0.97 -- engineering estimates).
    """

    can_wall_mm: float | None = Field(None, gt=0.0, le=5.0, description="Can wall thickness, mm.")
    can_bottom_mm: float | None = Field(None, gt=0.0, le=5.0, description="Can bottom thickness, mm.")
    headspace_mm: float | None = Field(None, ge=0.0, le=50.0, description="Axial space between the roll and the "
                                                                          "header or lid (tabs, insulators), mm.")
    clearance_mm: float | None = Field(None, ge=0.0, le=5.0, description="Gap between roll and can wall, mm.")
    cathode_length_mm: float | None = Field(None, gt=0.0, le=50000.0, description="Cathode strip length of a roll "
                                                                                  "(explicit roll), mm.")
    target_capacity_Ah: float | None = Field(None, gt=0.0, le=2000.0, description="Size the can height for this "
                                                                                   "capacity, Ah.")
    anode_overhang_mm: float | None = Field(None, ge=0.0, le=20.0, description="Anode beyond the cathode, each edge "
                                                                               "and strip end, mm.")
    separator_overhang_mm: float | None = Field(None, ge=0.0, le=20.0, description="Separator beyond the anode, each "
                                                                                   "edge, mm.")
    packing_factor: float | None = Field(None, gt=0.5, le=1.0, description="Layer volume / roll space (gaps between "
                                                                           "turns, tab bulges, strip ends).")
    tabs: Tabs = Field(default_factory=Tabs, description="Tab dimensions.")

    @model_validator(mode="after")
    def _sizing(self):
        if self.cathode_length_mm is not None and self.target_capacity_Ah is not None:
            raise ValueError("give cathode_length_mm or target_capacity_Ah, not both")
        return self


class CylindricalSpec(_RollSpec):
    """Wound cylindrical cell in a can. None takes the default of the named format (sianode.cell.formats).

    The jelly roll fills the can (sized at the charged, swollen thickness at the end of the protocol's cycles)
    unless cathode_length_mm is given; target_capacity_Ah sizes the can height instead (diameter fixed).
    """

    diameter_mm: float | None = Field(None, gt=0.0, le=200.0, description="Can outer diameter, mm (required for "
                                                                           "format = 'cylindrical').")
    height_mm: float | None = Field(None, gt=0.0, le=500.0, description="Can overall height, mm (required for format "
                                                                        "= 'cylindrical' unless target_capacity_Ah).")
    can_material: Literal["steel", "aluminium"] | None = Field(None, description="Can material.")
    cap_height_mm: float | None = Field(None, ge=0.0, le=30.0, description="Header (cap, CID, vent, gasket) height, mm.")
    cap_mass_g: float | None = Field(None, ge=0.0, le=500.0, description="Header assembly mass, g.")
    core_diameter_mm: float | None = Field(None, ge=0.0, le=50.0, description="Mandrel hole diameter, mm.")
    electrode_height_mm: float | None = Field(None, gt=0.0, le=500.0, description="Cathode coating height, mm "
                                                                                  "(default: from the can).")


class PrismaticSpec(_RollSpec):
    """Prismatic hard-case cell: flat-wound jelly rolls in an Al can. None takes sianode.cell.formats defaults."""

    length_mm: float | None = Field(None, gt=0.0, le=1000.0, description="Can length (long side), mm.")
    thickness_mm: float | None = Field(None, gt=0.0, le=200.0, description="Can thickness, mm.")
    height_mm: float | None = Field(None, gt=0.0, le=500.0, description="Can height incl. the lid and terminals, mm.")
    n_rolls: int | None = Field(None, ge=1, le=10, description="Number of jelly rolls side by side.")
    lid_height_mm: float | None = Field(None, ge=0.0, le=50.0, description="Lid with terminals and vent (height), mm.")
    lid_mass_g: float | None = Field(None, ge=0.0, le=1000.0, description="Lid, terminals and vent mass, g.")


CellFormat = Literal["coin", "stack", "pouch", "18650", "21700", "4680", "cylindrical", "prismatic"]


class Cell(_Strict):
    kind: Literal["half", "full"] = Field("half", description="'half' (vs Li metal) or 'full' (with a cathode).")
    cathode: Literal["NCM811", "NCM622", "NCM523", "NCA", "LFP", "LCO", "LMO"] = Field("NCM811", description="Cathode (full cells).")
    cathode_loading_mg_cm2: float | None = Field(
        None, gt=0.0, le=80.0,
        description="Cathode active loading, mg/cm2 (002 pouch: 18.75). Full cells have one free loading: give "
                    "this OR electrode.loading_mg_cm2, not both; the other follows from np_ratio on np_basis "
                    "(None: derived from the anode loading). Ignored for half cells.")
    np_ratio: Positive = Field(1.1, le=5.0, description="N/P areal capacity ratio (full cells).")
    np_basis: Literal["first_lithiation", "reversible"] = Field("reversible", description="Basis of the N/P ratio.")
    allow_np_below_1: bool = Field(False, description="Explicitly allow N/P < 1 (Li plating risk).")
    ec_ratio_g_Ah: float | None = Field(None, gt=0.0, le=200.0, description="Electrolyte-to-capacity ratio, g/Ah (None: full cells fill the pores + electrolyte_excess; half cells flooded; seeds/003 §4.3).")
    electrolyte_excess: float | None = Field(None, ge=0.0, le=5.0, description="Electrolyte beyond the pore volume when ec_ratio_g_Ah is not given, fraction (None: 0.10).")
    electrolyte_density_g_cm3: float | None = Field(None, gt=0.5, le=3.0, description="Electrolyte density, g/cm3 (None: 1.25, 1 M LiPF6 in carbonates).")
    separator_um: float | None = Field(None, gt=0.0, le=200.0, description="Separator thickness, µm (None: 12 µm PE, see sianode.electrode.coating.STACK_DEFAULTS).")
    separator_porosity: float | None = Field(None, gt=0.0, lt=1.0, description="Separator porosity (0–1; None: 0.40).")
    separator_density_g_cm3: float | None = Field(None, gt=0.1, le=5.0, description="Separator polymer (skeleton) density, g/cm3 (None: 0.94, polyethylene).")
    cathode_electrode: CathodeElectrode = Field(default_factory=CathodeElectrode, description="Cathode formulation, packing, Al foil and material data.")
    format: CellFormat = Field("pouch", description="Cell format (full cells): 'pouch', '18650', '21700', '4680', 'cylindrical' (custom can), 'prismatic', or 'coin'/'stack' (per cm2, no packaging).")
    pouch: PouchSpec = Field(default_factory=PouchSpec, description="Pouch geometry (format = 'pouch').")
    cylindrical: CylindricalSpec = Field(default_factory=CylindricalSpec, description="Can and roll geometry (cylindrical formats).")
    prismatic: PrismaticSpec = Field(default_factory=PrismaticSpec, description="Can and roll geometry (format = 'prismatic').")
    prelithiation: Prelithiation = Field(default_factory=Prelithiation, description="Prelithiation method and dose.")

    @model_validator(mode="after")
    def _np(self):
        if self.kind == "full" and self.np_ratio < 1.0 and not self.allow_np_below_1:
            raise ValueError(
                f"np_ratio {self.np_ratio:g} < 1 means the anode cannot take the cathode's lithium (plating); "
                "use np_ratio >= 1 or set allow_np_below_1 = true"
            )
        ce = self.cathode_electrode
        if (ce.thickness_um is not None and self.cathode_loading_mg_cm2 is not None
                and (ce.porosity is not None or ce.press_density_g_cm3 is not None)):
            raise ValueError("cathode_loading_mg_cm2 with cathode_electrode.thickness_um and a porosity (or press "
                             "density) is over-determined: thickness and packing fix the loading; give two of the three")
        if self.format == "cylindrical" and self.cylindrical.diameter_mm is None:
            raise ValueError("format = 'cylindrical' (a custom can) needs cylindrical.diameter_mm (and height_mm, or "
                             "target_capacity_Ah)")
        if (self.format == "cylindrical" and self.cylindrical.height_mm is None
                and self.cylindrical.target_capacity_Ah is None):
            raise ValueError("format = 'cylindrical' needs cylindrical.height_mm or cylindrical.target_capacity_Ah")
        unused = {"pouch": self.format != "pouch", "cylindrical": self.format not in ("18650", "21700", "4680",
                                                                                       "cylindrical"),
                  "prismatic": self.format != "prismatic"}
        for sec, off in unused.items():
            if off and _any_value(getattr(self, sec)):
                raise ValueError(f"cell.{sec} is given but format = {self.format!r}; set format or remove [cell.{sec}]")
        return self


# --------------------------------------------------------------------------- protocol
class Protocol(_Strict):
    c_rate: float | None = Field(None, gt=0.0, le=20.0, description="Current as a C-rate (1/h). Give this or current_A_g.")
    current_A_g: float | None = Field(None, gt=0.0, le=50.0, description="Current per gram of active material, A/g.")
    v_min_V: float = Field(0.01, ge=-0.1, le=5.0, description="Lower voltage cut-off, V (vs Li/Li+ for half cells).")
    v_max_V: float = Field(1.0, ge=0.0, le=5.0, description="Upper voltage cut-off, V.")
    temperature_C: float = Field(25.0, ge=-60.0, le=120.0, description="Temperature, °C.")
    cycles: int = Field(100, ge=1, le=100000, description="Number of cycles to simulate.")
    anode_soc_max: float = Field(1.0, gt=0.0, le=1.0, description="Upper end of the anode's state-of-lithiation window (0–1]; < 1 for an anode-tailored partial-SOC design (seeds/000 §5).")
    rest_h: float = Field(0.0, ge=0.0, le=10000.0, description="Rest between cycles, h (adds calendar-type SEI growth).")

    @model_validator(mode="after")
    def _window(self):
        if self.v_min_V >= self.v_max_V:
            raise ValueError(f"v_min_V ({self.v_min_V:g}) must be below v_max_V ({self.v_max_V:g})")
        if self.c_rate is not None and self.current_A_g is not None:
            raise ValueError("give either c_rate or current_A_g, not both")
        return self

    @property
    def c_rate_or_default(self) -> float:
        return 0.1 if self.c_rate is None and self.current_A_g is None else (self.c_rate or 0.0)


# --------------------------------------------------------------------------- calibration
CalibrationStatus = Literal["identified", "weakly constrained", "prior"]


class CalibratedValue(_Strict):
    """One calibrated parameter: posterior median, credible interval, unit and where it came from."""

    value: float = Field(..., description="Posterior median, in `unit`.")
    ci_low: float = Field(..., description="Lower end of the credible interval (level of the calibration), in `unit`.")
    ci_high: float = Field(..., description="Upper end of the credible interval, in `unit`.")
    unit: str = Field("", description="Unit of value, ci_low, ci_high and the samples.")
    nominal: float | None = Field(
        None, description="The model's value for the calibrated design before calibration, in `unit` (life-model "
                          "parameters: a changed design carries the factor value / nominal onto its own nominal).")
    status: CalibrationStatus = Field(
        "identified", description="'identified' (posterior much narrower than the prior), 'weakly constrained', or "
                                  "'prior' (the data do not constrain it: its interval is the prior range).")
    note: str = Field("", description="Why the parameter is (not) identified, or a warning (posterior at a prior bound).")
    fitted_on: str = Field("", description="Files (sha256 prefix) and cycles the value was fitted on.")

    @model_validator(mode="after")
    def _ordered(self):
        import math

        vals = (self.value, self.ci_low, self.ci_high)
        if not all(math.isfinite(v) for v in vals):
            raise ValueError("value, ci_low and ci_high must be finite numbers")
        if not (self.ci_low <= self.value <= self.ci_high):
            raise ValueError(f"need ci_low <= value <= ci_high, got {self.ci_low:g}, {self.value:g}, {self.ci_high:g}")
        return self


class CalibrationSource(_Strict):
    """A measured file a calibration used."""

    file: str = Field(..., description="File name as given to `sianode calibrate`.")
    sha256: str = Field(..., min_length=8, description="sha256 of the file's bytes (hex; at least 8 characters).")
    cycles_fitted: str = Field(..., description="Cycles the fit used, e.g. '1-8'.")
    cycles_checked: str = Field("", description="Held-out cycles the forecast was checked on, e.g. '9-17' ('' = none).")
    active_mass_mg: float | None = Field(None, gt=0.0, description="Active mass used for mAh/g, mg (None: not known).")


class Calibration(_Strict):
    """Parameters calibrated on measured cells (`sianode calibrate`) with their joint posterior samples.

    The materials stage uses the calibrated reversible capacity, ICE and Si diffusivity instead of its own
    estimates; the life stage uses the calibrated life-model parameters and draws its 5th/95th-percentile bands
    from ``samples`` instead of the priors of ``sianode.life.uncertainty``; the cell stage's Wh/kg and Wh/L get
    bands from the same samples. See docs/calibration.md.
    """

    method: str = Field("", description="How the posterior was computed (text).")
    level: float = Field(0.95, gt=0.5, lt=1.0, description="Credible level of ci_low..ci_high (0.5-1).")
    seed: int = Field(0, ge=0, description="Random seed of the sampler (same data + seed = same samples).")
    sources: list[CalibrationSource] = Field(default_factory=list, description="Measured files the calibration used.")
    parameters: dict[str, CalibratedValue] = Field(default_factory=dict,
                                                   description="Calibrated parameters by name (sianode.life.uncertainty names).")
    samples: dict[str, list[float]] = Field(
        default_factory=dict, description="Joint posterior samples by parameter name (equal lengths, row i of every list "
                                          "is one parameter set), in each parameter's unit.")

    @model_validator(mode="after")
    def _samples(self):
        import math

        lens = {k: len(v) for k, v in self.samples.items()}
        if len(set(lens.values())) > 1:
            raise ValueError(f"calibration.samples lists must have equal lengths (one row per parameter set), got {lens}")
        if lens and min(lens.values()) < 2:
            raise ValueError("calibration.samples needs at least 2 samples per parameter")
        for k, v in self.samples.items():
            if k not in self.parameters:
                raise ValueError(f"calibration.samples.{k} has no entry in calibration.parameters")
            if not all(math.isfinite(x) and x > 0 for x in v):
                raise ValueError(f"calibration.samples.{k} must hold finite numbers > 0")
            if k == "ice" and any(x > 1 for x in v):
                raise ValueError("calibration.samples.ice must be within (0, 1]")
        return self


# --------------------------------------------------------------------------- design
class Design(_Strict):
    """A complete silicon-anode design: material, electrode, electrolyte, cell and protocol."""

    name: str = Field("unnamed design", description="Design name.")
    description: str = Field("", description="Free text.")
    active: ActiveMaterial = Field(default_factory=CVDSiC, description="Active material (discriminated by 'family').")
    electrode: Electrode = Field(default_factory=Electrode, description="Electrode formulation, loading, density.")
    electrolyte: Electrolyte = Field(default_factory=LiquidElectrolyte, description="Electrolyte (discriminated by 'kind': liquid, gel, solid).")
    cell: Cell = Field(default_factory=Cell, description="Half cell vs Li or full cell with a cathode.")
    protocol: Protocol = Field(default_factory=Protocol, description="Current, voltage window, temperature, cycles.")
    calibration: Calibration | None = Field(
        None, description="Values calibrated on measured cells by `sianode calibrate` (None: the models' own values "
                          "and priors).")

    @model_validator(mode="after")
    def _cross_checks(self):
        _check_coatings(self.active, "active")
        if isinstance(self.active, SiGraphiteBlend):
            _check_coatings(self.active.silicon, "active.silicon")
        if self.cell.kind == "half" and self.protocol.v_max_V > 3.0:
            raise ValueError(
                "protocol.v_max_V above 3 V vs Li/Li+ for a half cell: anode windows are 0–3 V "
                "(did you mean a full cell? set cell.kind = 'full')"
            )
        if (self.cell.kind == "full" and "loading_mg_cm2" in self.electrode.model_fields_set
                and "cathode_loading_mg_cm2" in self.cell.model_fields_set
                and self.cell.cathode_loading_mg_cm2 is not None):
            raise ValueError(
                "electrode.loading_mg_cm2 and cell.cathode_loading_mg_cm2 are both set: over-determined: with "
                "np_ratio the anode loading follows from the cathode loading (or the reverse); give one of them"
            )
        ce = self.cell.cathode_electrode
        if (self.cell.kind == "full" and "loading_mg_cm2" in self.electrode.model_fields_set
                and ce.thickness_um is not None and (ce.porosity is not None or ce.press_density_g_cm3 is not None)):
            raise ValueError(
                "electrode.loading_mg_cm2 and a cathode fixed by cell.cathode_electrode.thickness_um and its packing "
                "are both set: over-determined: with np_ratio the anode loading follows from the cathode; give one"
            )
        if self.cell.kind == "full" and self.protocol.v_max_V < 3.0:
            raise ValueError(
                "protocol.v_max_V below 3 V for a full cell: give the full-cell window (e.g. 2.8–4.2 V)"
            )
        return self


def _any_value(section) -> bool:
    """True if a section (a model, or a mapping) sets any field, in it or in its sub-sections (None everywhere =
    the section is not used). Walks the fields without dumping the model (this runs for every design a sweep
    builds)."""
    if isinstance(section, BaseModel):
        values = (getattr(section, k) for k in type(section).model_fields)
    elif isinstance(section, dict):
        values = section.values()
    else:
        return section is not None
    return any(_any_value(v) if isinstance(v, (BaseModel, dict)) else v is not None for v in values)


def _outer_radius_nm(m) -> float | None:
    return getattr(m, "outer_radius_nm", None)


def _check_coatings(m, where: str) -> None:
    c = getattr(m, "coatings", None)
    if c is None:
        return
    r = _outer_radius_nm(m)
    if c.outer is not None and r is not None and c.outer.thickness_nm >= r:
        raise ValueError(
            f"{where}.coatings.outer.thickness_nm ({c.outer.thickness_nm:g} nm) is not smaller than the "
            f"particle radius ({r:g} nm): a coating must be thinner than the particle"
        )
    if c.pore is not None:
        if isinstance(m, PorousMicroSi):
            pass  # pore_diameter_nm is the open pore after coating; the coating lines it from the solid side
        elif isinstance(m, CVDSiC):
            pass  # pore walls of the scaffold are coated by the deposited Si itself; allowed
        else:
            raise ValueError(
                f"{where}.coatings.pore is only allowed for porous families (porous_micro_si, cvd_si_c), "
                f"not '{m.family}'"
            )
