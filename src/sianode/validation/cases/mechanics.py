"""Mechanics cases: 002 FEM average stresses, 002 electrode swelling, critical fracture size of Si."""
from __future__ import annotations

from sianode.validation.cases import CaseOutput, adapter, ordering_fraction

_FEA_KEYS = {"I pure Si": "avg_I", "II carbon-coated Si": "avg_II", "III porous Si, outer SiOx/C": "avg_III",
             "IV porous Si, inner+outer SiOx/C": "avg_IV"}


@adapter("fea-002")
def fea_002() -> CaseOutput:
    """Elasto-plastic FEM of the four particles (sianode.mechanics.validation_cases.fea_002_average_stresses)."""
    import pandas as pd

    from sianode.mechanics.validation_cases import fea_002_average_stresses

    res = fea_002_average_stresses()
    vals = {_FEA_KEYS[name]: float(r["model"]) for name, r in res.items()}
    vals["ordering"] = ordering_fraction(vals, ["avg_I", "avg_II", "avg_III", "avg_IV"])
    cols = ["n_dof", "model", "particle_average", "surface", "matrix", "pore_edge",
            "linear_elastic_history_mean_law_E", "linear_elastic_history_mean_E130"]
    tab = pd.DataFrame([{"configuration": name, **{c: r.get(c) for c in cols}} for name, r in res.items()])
    return CaseOutput(vals, table=tab.rename(columns={"model": "si_average_GPa"}))


#: The three electrodes of Liu et al. 2025 §3.3 as design files (validation/designs), run through the
#: mechanics stage exactly as `sianode mechanics DESIGN` runs them.
_SWELLING_DESIGNS = {"mSi": "swelling_002_msi.toml", "mSi@C": "swelling_002_msic.toml",
                     "p-mSi@SiOx/C": "swelling_002_pmsi.toml"}


@adapter("swelling-002")
def swelling_002() -> CaseOutput:
    import pandas as pd

    from sianode.chain import run_stage
    from sianode.validation.designs import load_case_design

    rows, vals = [], {}
    for key, fname in _SWELLING_DESIGNS.items():
        d = load_case_design(fname)
        r = run_stage(d, "mechanics")
        s = r.summary
        vals[key] = float(s[f"thickness_change_after_{d.protocol.cycles}_cycles_pct"])
        rows.append({"electrode": key, "design": fname, "fractures": s["fractures"],
                     "binder_damaged": s["binder_damaged"], "reversible_pct": s["electrode_thickness_change_pct"],
                     "sei_pct": s["swelling_sei_pct"], "pulverisation_pct": s["swelling_pulverisation_pct"],
                     "binder_failure_pct": s["swelling_binder_failure_pct"], "after_100_cycles_pct": vals[key]})
    vals["ordering"] = ordering_fraction(vals, ["mSi", "mSi@C", "p-mSi@SiOx/C"])
    return CaseOutput(vals, table=pd.DataFrame(rows))


@adapter("critical-size-004")
def critical_size_004() -> CaseOutput:
    from sianode.mechanics.fracture import critical_diameter

    return CaseOutput({"crystalline": critical_diameter("crystalline").critical_diameter_m * 1e9,
                       "amorphous": critical_diameter("amorphous").critical_diameter_m * 1e9})
