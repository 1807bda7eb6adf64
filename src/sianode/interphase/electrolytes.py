"""How the electrolyte changes SEI growth and breathing on Si (liquid, FEC, LHCE, gel, solid).

Each electrolyte class is a small parameter set of dimensionless factors applied to the SEI
model of :mod:`sianode.interphase.sei` and to breathing (:mod:`sianode.interphase.breathing`):

* ``solvent_factor`` — multiplies ``D_sol c_sol`` (denser LiF-rich SEI, fewer free solvent
  molecules in localized high-concentration electrolytes);
* ``sei_fracture_area_strain`` — surface (area) strain the SEI accommodates before it cracks;
* ``fresh_surface_wetting`` — fraction of newly exposed Si surface the electrolyte reaches and
  reforms SEI on (1 for a liquid that flows into cracks; 0 for a solid electrolyte, which does
  not flow onto fresh Si: seeds/004 §3.2.1, Xu et al. ref. 23 there);
* ``electron_factor`` — multiplies the SEI electronic leakage.

Only the *ordering* of these factors is supported by the seeds (qualitative statements, cited
per value); their magnitudes are assumptions to be calibrated with ``sianode calibrate``. The
values were not tuned to reproduce any capacity-retention number.
"""
from __future__ import annotations

from dataclasses import dataclass

from sianode.errors import InputError
from sianode.provenance import Parameter

_ASSUMED = "assumed magnitude (calibrate with sianode calibrate)"


@dataclass(frozen=True)
class ElectrolyteInterphase:
    """Electrolyte factors for SEI growth and breathing (see module docstring)."""

    name: str
    solvent_factor: Parameter
    sei_fracture_area_strain: Parameter
    fresh_surface_wetting: Parameter
    electron_factor: Parameter

    def values(self) -> dict[str, float]:
        return {k: float(getattr(self, k)) for k in
                ("solvent_factor", "sei_fracture_area_strain", "fresh_surface_wetting", "electron_factor")}


_BASE_STRAIN = Parameter(
    0.05, "1",
    "SEI fracture/yield strain of a few per cent, as used for SEI on Si by Kolzenberg et al., Batteries & "
    "Supercaps 5 (2022) e202100216", _ASSUMED)

#: Named electrolyte parameter sets.
ELECTROLYTES: dict[str, ElectrolyteInterphase] = {
    "carbonate": ElectrolyteInterphase(
        "carbonate (LiPF6 in EC/DEC, no additive)",
        Parameter(1.0, "1", "reference: SEI parameters of sianode.interphase.sei (carbonate electrolyte)"),
        _BASE_STRAIN,
        Parameter(1.0, "1", "seeds/004 §2.2 and §3.2.1: liquid flows onto freshly exposed Si surface"),
        Parameter(1.0, "1", "reference"),
    ),
    "fec": ElectrolyteInterphase(
        "carbonate + FEC (LiF-rich, more flexible SEI)",
        Parameter(0.5, "1", "seeds/001 §3.1: FEC-derived SEI thicker and denser, hinders penetration of small "
                  "molecules (Yang's group, ref. 165 there)", _ASSUMED),
        Parameter(0.10, "1", "seeds/001 §3.1: FEC SEI more flexible, suppresses cracking (Yoon et al., ref. 169)",
                  _ASSUMED),
        Parameter(1.0, "1", "liquid electrolyte (seeds/004 §3.2.1)"),
        Parameter(1.0, "1", "no evidence for a change"),
    ),
    "lhce": ElectrolyteInterphase(
        "localized high-concentration electrolyte (LHCE, LiF-rich SEI)",
        Parameter(0.3, "1", "seeds/001 §3.1: high salt concentration leaves few free solvent molecules "
                  "(LHCE with TEP/FEC)", _ASSUMED),
        Parameter(0.10, "1", "seeds/001 §3.1: LiF-rich robust SEI (refs. 171, 174)", _ASSUMED),
        Parameter(1.0, "1", "liquid electrolyte (seeds/004 §3.2.1)"),
        Parameter(0.5, "1", "seeds/001 §3.1: thin, insulating LiF-rich inner SEI (ref. 171)", _ASSUMED),
    ),
    "gel": ElectrolyteInterphase(
        "gel polymer electrolyte",
        Parameter(1.0, "1", "same carbonate solvent held in the polymer host"),
        _BASE_STRAIN,
        Parameter(0.3, "1", "seeds/004 §3.2.1 (Bok et al., ref. 40): gel suppresses excessive SEI regrowth; "
                  "polymer host restricts liquid access to fresh cracks", _ASSUMED),
        Parameter(1.0, "1", "no evidence for a change"),
    ),
    "solid": ElectrolyteInterphase(
        "solid electrolyte (no flow onto fresh surface)",
        Parameter(0.1, "1", "seeds/004 §3.2.2: solid electrolytes form chemically more stable interfaces with Si",
                  _ASSUMED),
        _BASE_STRAIN,
        Parameter(0.0, "1", "seeds/004 §3.2.1 (Xu et al., ref. 23): SSEs do not flow to cover newly exposed Si; "
                  "no breathing-driven regrowth"),
        Parameter(1.0, "1", "no evidence for a change"),
    ),
}


def electrolyte_key(electrolyte) -> str:
    """Map a schema electrolyte (``sianode.design.schema``) to a key of :data:`ELECTROLYTES`."""
    kind = getattr(electrolyte, "kind", None)
    if kind == "solid":
        return "solid"
    if kind == "gel":
        return "gel"
    if kind == "liquid":
        if getattr(electrolyte, "localized_high_concentration", False):
            return "lhce"
        additives = {k.upper(): v for k, v in (getattr(electrolyte, "additives_wt_pct", {}) or {}).items()}
        return "fec" if additives.get("FEC", 0.0) > 0 else "carbonate"
    raise InputError(f"unknown electrolyte kind {kind!r}; allowed: liquid, gel, solid", field="electrolyte.kind")


def get(name: str) -> ElectrolyteInterphase:
    """Parameter set by name (``carbonate``, ``fec``, ``lhce``, ``gel``, ``solid``)."""
    try:
        return ELECTROLYTES[name]
    except KeyError:
        raise InputError(f"unknown electrolyte {name!r}; allowed: {', '.join(ELECTROLYTES)}", field="electrolyte") from None
