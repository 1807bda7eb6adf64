"""Solid-state electrolyte (SSE) classes and their properties, each value with its source.

What is here
------------
Mechanical and transport properties of the four SSE classes reviewed in seeds/004 §5 (oxide,
sulfide, polymer, composite): Young's modulus (seeds/004 §5.5), ionic conductivity (seeds/004
Table 3), density, Poisson's ratio and a yield (flow) stress used by the confinement model in
:mod:`sianode.solidstate.pressure`. Values are *representative* for the class; a design may give its
own ``young_modulus_GPa`` / ``ionic_conductivity_S_cm`` (``SolidElectrolyte`` in the design schema)
which then override the class value.

Use :func:`sse_properties` with a ``SolidElectrolyte`` design section, or read
:data:`SSE_CLASSES` / :data:`SSE_COMPOUNDS` directly.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sianode.errors import InputError
from sianode.provenance import Parameter


@dataclass(frozen=True)
class SSEProperties:
    """Properties of one solid electrolyte (SI units).

    young_modulus : Pa; poisson_ratio : -; ionic_conductivity : S/m; density : kg/m3;
    yield_stress : Pa (onset of irreversible flow; for brittle oxides the fracture strength);
    brittle : True when the material cracks rather than flows (oxides).
    """

    name: str
    sse_class: str
    young_modulus: Parameter
    poisson_ratio: Parameter
    ionic_conductivity: Parameter
    density: Parameter
    yield_stress: Parameter
    brittle: bool

    def as_dict(self) -> dict[str, float | str | bool]:
        return {
            "name": self.name, "sse_class": self.sse_class,
            "young_modulus_GPa": self.young_modulus.value / 1e9,
            "poisson_ratio": self.poisson_ratio.value,
            "ionic_conductivity_S_cm": self.ionic_conductivity.value / 100.0,
            "density_g_cm3": self.density.value / 1000.0,
            "yield_stress_MPa": self.yield_stress.value / 1e6,
            "brittle": self.brittle,
            "young_modulus_source": self.young_modulus.source,
            "ionic_conductivity_source": self.ionic_conductivity.source,
        }


_S004_55 = "seeds/004 §5.5"

# Class-representative values. Young's moduli are the numbers seeds/004 §5.5 quotes for each class;
# conductivities are representative entries of seeds/004 Table 3.
SSE_CLASSES: dict[str, SSEProperties] = {
    "oxide": SSEProperties(
        name="LLZO-type garnet / LLTO perovskite", sse_class="oxide",
        young_modulus=Parameter(110e9, "Pa", f"{_S004_55}.1: LixLa0.5TiO3 72–148 GPa (ref 153)",
                                note="mid-range of the quoted 72–148 GPa"),
        poisson_ratio=Parameter(0.257, "-", "Ni, Case & Sakamoto, J. Mater. Sci. 47 (2012) 7978 (LLZO)"),
        ionic_conductivity=Parameter(1.04e-3 * 100, "S/m",
                                     "seeds/004 Table 3: Li6.4Ga0.2La3Zr1.925Y0.1O12 1.04e-3 S/cm (ref 102)"),
        density=Parameter(5100.0, "kg/m3", "Murugan, Thangadurai & Weppner, Angew. Chem. 46 (2007) 7778 (LLZO ~5.1 g/cm3)"),
        yield_stress=Parameter(150e6, "Pa", "Yu et al., Chem. Mater. 28 (2016) 197 (LLZO fracture strength ~100–200 MPa)",
                               note="brittle: fracture strength, no plastic flow"),
        brittle=True,
    ),
    "sulfide": SSEProperties(
        name="Li6PS5Cl argyrodite / Li2S-P2S5 glass", sse_class="sulfide",
        young_modulus=Parameter(21.5e9, "Pa", f"{_S004_55}.2: Li2S-P2S5 glass 18–25 GPa (ref 156)",
                                note="mid-range of the quoted 18–25 GPa"),
        poisson_ratio=Parameter(0.30, "-", "Sakuda, Hayashi & Tatsumisago, Sci. Rep. 3 (2013) 2261 (Li2S-P2S5 glass ~0.3)"),
        ionic_conductivity=Parameter(1.1e-2 * 100, "S/m", "seeds/004 Table 3: Li6PS5Cl 1.1e-2 S/cm (ref 115)"),
        density=Parameter(1640.0, "kg/m3", "Deiseroth et al., Angew. Chem. 47 (2008) 755 (Li6PS5Cl X-ray density ~1.64 g/cm3)"),
        yield_stress=Parameter(600e6, "Pa", "McGrogan et al., Adv. Energy Mater. 7 (2017) 1602011 (Li2S-P2S5 hardness ~1.9 GPa; yield ~H/3)",
                               note="flow stress estimated as hardness/3 (Tabor)"),
        brittle=False,
    ),
    "polymer": SSEProperties(
        name="PEO-LiTFSI type", sse_class="polymer",
        young_modulus=Parameter(1.5e9, "Pa", f"{_S004_55}.3: EP/GF-CPE 1.5 GPa (refs 157, 158)"),
        poisson_ratio=Parameter(0.40, "-", "typical semicrystalline polymer (Ward & Sweeney, Mechanical Properties of Solid Polymers, 2013)"),
        ionic_conductivity=Parameter(1.2e-4 * 100, "S/m", "seeds/004 Table 3: PEO/LiTFSI/LiZr2(PO4)3 1.2e-4 S/cm (ref 117)"),
        density=Parameter(1200.0, "kg/m3", "PEO 1.21 g/cm3 (Polymer Handbook, Brandrup et al., 4th ed. 1999)"),
        yield_stress=Parameter(10e6, "Pa", "PEO yield ~10 MPa (Polymer Handbook, Brandrup et al., 1999)",
                               note="order of magnitude; creeps readily"),
        brittle=False,
    ),
    "composite": SSEProperties(
        name="polymer/ceramic composite (PEO/LLZO)", sse_class="composite",
        young_modulus=Parameter(15e9, "Pa", f"{_S004_55}.4: CSSE 15 GPa (ref 158)"),
        poisson_ratio=Parameter(0.33, "-", "assumed between polymer (0.4) and ceramic (0.26) values"),
        ionic_conductivity=Parameter(7.2e-5 * 100, "S/m", "seeds/004 Table 3: PEO/Ga-LLZO 7.2e-5 S/cm (ref 123)"),
        density=Parameter(2500.0, "kg/m3", "rule of mixtures, ~30 vol% LLZO (5.1) in PEO (1.2 g/cm3)",
                          note="assumed filler fraction"),
        yield_stress=Parameter(30e6, "Pa", "assumed between PEO (~10 MPa) and ceramic-filled polymers",
                               note="order of magnitude"),
        brittle=False,
    ),
}

# Named compounds that differ from the class value (conductivities from seeds/004 Table 3).
SSE_COMPOUNDS: dict[str, dict[str, Parameter]] = {
    "LLZO": {"young_modulus": Parameter(149.8e9, "Pa", "Ni, Case & Sakamoto, J. Mater. Sci. 47 (2012) 7978")},
    "Li10GeP2S12": {"ionic_conductivity": Parameter(1.2e-2 * 100, "S/m", "seeds/004 Table 3 (ref 110)")},
    "LGPS": {"ionic_conductivity": Parameter(1.2e-2 * 100, "S/m", "seeds/004 Table 3 (ref 110); seeds/004 §5.5.2")},
    "Li6PS5Cl": {"ionic_conductivity": Parameter(1.1e-2 * 100, "S/m", "seeds/004 Table 3 (ref 115)")},
    "PEO/LiTFSI": {"ionic_conductivity": Parameter(2.3e-4 * 100, "S/m", "seeds/004 Table 3 (ref 126)")},
    "LATP": {"ionic_conductivity": Parameter(1.21e-3 * 100, "S/m", "seeds/004 Table 3: Li1.3Al0.3Ti1.7(PO4)3 (ref 100)")},
}


def sse_class_properties(sse_class: str) -> SSEProperties:
    """Representative properties of an SSE class ('oxide', 'sulfide', 'polymer', 'composite')."""
    try:
        return SSE_CLASSES[sse_class]
    except KeyError:
        raise InputError(f"unknown solid-electrolyte class {sse_class!r}; allowed: {sorted(SSE_CLASSES)}",
                         field="electrolyte.sse_class") from None


def sse_properties(electrolyte) -> SSEProperties:
    """Properties of the solid electrolyte of a design (``SolidElectrolyte`` section).

    Class values (:data:`SSE_CLASSES`) are overridden by named-compound values
    (:data:`SSE_COMPOUNDS`) and then by the design's own ``young_modulus_GPa`` /
    ``ionic_conductivity_S_cm`` when given.
    """
    if getattr(electrolyte, "kind", None) != "solid":
        raise InputError("solid-electrolyte properties need electrolyte.kind = 'solid'", field="electrolyte.kind")
    base = sse_class_properties(electrolyte.sse_class)
    fields = {k: getattr(base, k) for k in ("young_modulus", "poisson_ratio", "ionic_conductivity", "density",
                                            "yield_stress")}
    fields.update(SSE_COMPOUNDS.get(electrolyte.name, {}))
    if electrolyte.young_modulus_GPa is not None:
        if electrolyte.young_modulus_GPa <= 0:
            raise InputError("must be > 0", field="electrolyte.young_modulus_GPa")
        fields["young_modulus"] = Parameter(electrolyte.young_modulus_GPa * 1e9, "Pa", "design input")
    if electrolyte.ionic_conductivity_S_cm is not None:
        fields["ionic_conductivity"] = Parameter(electrolyte.ionic_conductivity_S_cm * 100, "S/m", "design input")
    return SSEProperties(name=electrolyte.name, sse_class=electrolyte.sse_class, brittle=base.brittle, **fields)


def sse_table() -> pd.DataFrame:
    """Tidy table of the class-representative properties (one row per class)."""
    return pd.DataFrame([p.as_dict() for p in SSE_CLASSES.values()])
