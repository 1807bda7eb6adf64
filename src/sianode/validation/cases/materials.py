"""Materials cases: Li–Si phase capacities and volume, a-Si/c-Si voltages, first-cycle capacity and ICE."""
from __future__ import annotations

from sianode.validation.cases import CaseOutput, adapter


@adapter("lisi-capacity")
def lisi_capacity() -> CaseOutput:
    from sianode.materials.lisi import theoretical_capacity_mAh_g

    return CaseOutput({"li15si4": theoretical_capacity_mAh_g("Li15Si4"),
                       "li22si5": theoretical_capacity_mAh_g("Li22Si5")})


@adapter("lisi-volume")
def lisi_volume() -> CaseOutput:
    from sianode.materials.lisi import PHASES, volume_ratio, volumetric_expansion

    return CaseOutput(
        {"li15si4_expansion": 100 * volumetric_expansion(PHASES["Li15Si4"].x),
         "li22si5_expansion": 100 * volumetric_expansion(PHASES["Li22Si5"].x)},
        details={"V/V0 at Li15Si4": volume_ratio(PHASES["Li15Si4"].x),
                 "V/V0 at Li4.4Si": volume_ratio(PHASES["Li22Si5"].x)})


@adapter("asi-voltage")
def asi_voltage() -> CaseOutput:
    from sianode.materials.voltage import average_voltage_V

    return CaseOutput({"mean_delithiation": average_voltage_V("delithiation")},
                      details={"mean lithiation voltage of a-Si (V)": average_voltage_V("lithiation"),
                               "mean delithiation voltage after Li15Si4 crystallisation (V)":
                                   average_voltage_V("delithiation_crystallized")})


@adapter("csi-asi-lithiation-000")
def csi_asi_lithiation() -> CaseOutput:
    from sianode.materials.voltage import U_CSI_PLATEAU, average_voltage_V

    a = average_voltage_V("lithiation")
    c = average_voltage_V("first_lithiation_crystalline")
    return CaseOutput({"csi_below_asi": a - c},
                      details={"mean a-Si lithiation voltage (V)": a, "mean c-Si first-lithiation voltage (V)": c,
                               "c-Si two-phase plateau (V)": U_CSI_PLATEAU.value})


def _materials_summary(design) -> dict:
    from sianode.chain import ModelChain

    run = ModelChain(design, ["materials"]).run()
    if "materials" not in run.stages:
        raise RuntimeError("materials stage failed: " + "; ".join(f.message for f in run.failures))
    return run.stages["materials"].summary


_ICE_PARTS = {"irreversible_sei_mAh_g": "first-cycle loss to SEI (mAh/g)",
              "irreversible_siox_conversion_mAh_g": "first-cycle loss to SiOx conversion (mAh/g)",
              "irreversible_carbon_mAh_g": "first-cycle loss to carbon (mAh/g)",
              "irreversible_si_trapping_mAh_g": "first-cycle Li trapped in Si (mAh/g)",
              "specific_surface_area_m2_g": "SEI-bearing surface (m2/g)", "si_mass_frac": "Si mass fraction",
              "carbon_mass_frac": "carbon mass fraction"}


def _ice_parts(s: dict) -> dict:
    return {label: s[k] for k, label in _ICE_PARTS.items() if k in s}


@adapter("cvd-sic-ice-000")
def cvd_sic_ice() -> CaseOutput:
    from sianode.design import load_example

    s = _materials_summary(load_example("cvd_si_c"))
    return CaseOutput({"ice": s["ice_pct"]}, details=_ice_parts(s))


@adapter("p-msi-002")
def p_msi_002() -> CaseOutput:
    from sianode.validation.designs import load_case_design

    s = _materials_summary(load_case_design("p_msi_002_half.toml"))
    return CaseOutput({"capacity": s["delivered_capacity_mAh_g"], "ice": s["ice_pct"]},
                      details={"first lithiation capacity (mAh/g)": s["first_lithiation_capacity_mAh_g"],
                               "Si utilisation in the first cycle": s["si_utilisation_first_cycle"],
                               **_ice_parts(s)})
