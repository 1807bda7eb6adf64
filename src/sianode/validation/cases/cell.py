"""Cell cases: Obrovac's stack energy of graphite, the 002 pouch cell, the 001 anode-capacity statements."""
from __future__ import annotations

from sianode.validation.cases import CaseOutput, adapter


@adapter("obrovac-002")
def obrovac_002() -> CaseOutput:
    from sianode.cell.obrovac import graphite_reference_inputs, obrovac_stack_energy_Wh_L

    q, v = graphite_reference_inputs()
    return CaseOutput({"graphite": obrovac_stack_energy_Wh_L(q, v)},
                      details={"graphite Q- (Ah/L of coating)": q, "graphite mean delithiation voltage (V)": v})


@adapter("pouch-002")
def pouch_002() -> CaseOutput:
    from sianode.cell.validation import pouch_002_comparison
    from sianode.validation.designs import load_case_design

    df = pouch_002_comparison(load_case_design("pouch_002.toml"))
    q = df["areal_capacity_mAh_cm2"].to_numpy()
    cols = ["case", "areal_capacity_mAh_cm2", "specific_energy_Wh_kg"]
    return CaseOutput({"chain": float(q[0]), "measured_anode": float(q[1])}, table=df[cols])


@adapter("targets-001")
def targets_001() -> CaseOutput:
    from sianode.cell.obrovac import anode_capacity_trend

    df = anode_capacity_trend((450.0, 550.0, 800.0))
    wh = dict(zip(df["anode_capacity_mAh_g"], df["model_Wh_kg"]))
    vals = {f"{k:g}": float(v) for k, v in wh.items()}
    vals["gain"] = 100 * (wh[800.0] / wh[450.0] - 1)
    return CaseOutput(vals, table=df[["anode_capacity_mAh_g", "si_material_fraction", "model_Wh_kg", "model_Wh_L"]])


@adapter("lgm50-chen2020")
def lgm50_chen2020() -> CaseOutput:
    from sianode.chain import run_stage
    from sianode.design.loader import load_example

    d = load_example("lg_m50_21700")
    s = run_stage(d, "cell").summary
    # the same cell with the roll left to the can model: the strip length the can, mandrel and winding give
    cyl = d.cell.cylindrical.model_copy(update={"cathode_length_mm": None})
    free = d.model_copy(update={"cell": d.cell.model_copy(update={"cylindrical": cyl})})
    s_free = run_stage(free, "cell").summary
    return CaseOutput({"capacity": s["capacity_Ah"], "strip_length": s_free["geometry_cathode_length_mm"] / 1000.0},
                      details={"energy (Wh)": s["energy_Wh"], "mass (g)": s["mass_g"],
                               "specific energy (Wh/kg)": s["specific_energy_Wh_kg"],
                               "energy density as made (Wh/L)": s["energy_density_made_Wh_L"],
                               "anode thickness (µm; Chen et al. 85.2)": s["anode_thickness_um"],
                               "roll fill as made / charged": (s["geometry_roll_fill_made"],
                                                               s["geometry_roll_fill_charged"])})
