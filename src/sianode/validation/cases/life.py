"""Life cases: liquid vs gel electrolyte (Bok et al.) and the fast life model against PyBaMM."""
from __future__ import annotations

import pandas as pd

from sianode.validation.cases import CaseOutput, adapter


def _life(design):
    from sianode.chain import ModelChain

    run = ModelChain(design, ["materials", "mechanics", "life"]).run()
    if "life" not in run.stages:
        raise RuntimeError("life stage failed: " + "; ".join(f.message for f in run.failures))
    return run.stages["life"]


def _life_summary(design) -> dict:
    return _life(design).summary


@adapter("life-002")
def life_002() -> CaseOutput:
    from sianode.validation.designs import load_case_design

    res = _life(load_case_design("p_msi_002_1Ag.toml"))
    q = res.tables["cycles"].set_index("cycle")["capacity_mAh_g"]
    s = res.summary
    return CaseOutput({"retention_350": 100 * float(q.loc[350] / q.max()), "capacity_500": float(q.loc[500])},
                      details={"initial capacity (mAh/g)": s["initial_capacity_mAh_g"],
                               "loss of active material after 500 cycles (%)": s["lam_pct"],
                               "SEI thickness after 500 cycles (nm)": s["sei_thickness_nm"],
                               "surface strain amplitude, first cycle": s["strain_amplitude_first_cycle"]})


@adapter("retention-004-bok")
def retention_004_bok() -> CaseOutput:
    from sianode.validation.designs import load_case_design

    s = {k: _life_summary(load_case_design(f"bok_{k}.toml")) for k in ("liquid", "gel")}
    vals = {f"{k}_retention": v["final_retention_pct"] for k, v in s.items()}
    vals.update({f"{k}_capacity": v["final_capacity_mAh_g"] for k, v in s.items()})
    vals["gap"] = vals["gel_retention"] - vals["liquid_retention"]
    cols = ["initial_capacity_mAh_g", "final_capacity_mAh_g", "final_retention_pct", "sei_thickness_nm", "lam_pct",
            "mean_ce_pct"]
    table = pd.DataFrame([{"electrolyte": k, **{c: v.get(c) for c in cols}} for k, v in s.items()])
    return CaseOutput(vals, table=table)


@adapter("pybamm-sei")
def pybamm_sei() -> CaseOutput:
    from sianode.validation.pybamm_sei import life_model_same_physics, pybamm_sei_run

    p, caps, durations, seconds = pybamm_sei_run(30)
    ours = life_model_same_physics(p, caps, durations)
    dev = abs(ours - caps) / caps * 100
    table = pd.DataFrame({"cycle": range(1, len(caps) + 1), "pybamm_Ah": caps, "sianode_Ah": ours,
                          "deviation_pct": (ours / caps - 1) * 100})
    return CaseOutput({"capacity_last": float(ours[-1]), "fade": float(ours[0] - ours[-1]) * 1000},
                      references={"capacity_last": float(caps[-1]), "fade": float(caps[0] - caps[-1]) * 1000},
                      details={"largest capacity deviation over the 30 cycles (%)": float(dev.max()),
                               "PyBaMM solve time (s)": seconds},
                      table=table.iloc[[0, 9, 19, len(table) - 1]])
