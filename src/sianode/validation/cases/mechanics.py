"""Mechanics cases: 002 FEM average stresses, 002 electrode swelling, critical fracture size of Si."""
from __future__ import annotations

import tempfile
from pathlib import Path

from sianode.validation.cases import CaseOutput, adapter, ordering_fraction

_FEA_KEYS = {"I pure Si": "avg_I", "II carbon-coated Si": "avg_II", "III porous Si, outer SiOx/C": "avg_III",
             "IV porous Si, inner+outer SiOx/C": "avg_IV"}


@adapter("fea-002")
def fea_002() -> CaseOutput:
    from sianode.mechanics.fem import compare_paper_002

    tab = compare_paper_002()
    vals = {_FEA_KEYS[r.configuration]: float(r.volume_average_GPa) for r in tab.itertuples()}
    vals["ordering"] = ordering_fraction(vals, ["avg_I", "avg_II", "avg_III", "avg_IV"])
    cols = ["configuration", "n_dof", "surface_GPa", "matrix_GPa", "pore_edge_GPa", "volume_average_GPa",
            "max_von_mises_GPa"]
    return CaseOutput(vals, table=tab[[c for c in cols if c in tab.columns]])


@adapter("swelling-002")
def swelling_002() -> CaseOutput:
    from sianode.mechanics.validation import swelling_002 as run_swelling

    with tempfile.TemporaryDirectory() as tmp:  # the function also writes a CSV; not needed here
        df = run_swelling(Path(tmp))
    vals = {str(r.material): float(r.after_100_cycles_pct) for r in df.itertuples()}
    vals["ordering"] = ordering_fraction(vals, ["mSi", "mSi@C", "p-mSi@SiOx/C"])
    cols = ["material", "fractures", "binder_damaged", "particle_expansion_pct", "reversible_thickness_change_pct",
            "irreversible_pct_per_cycle", "after_100_cycles_pct"]
    return CaseOutput(vals, table=df[[c for c in cols if c in df.columns]])


@adapter("critical-size-004")
def critical_size_004() -> CaseOutput:
    from sianode.mechanics.fracture import critical_diameter

    return CaseOutput({"crystalline": critical_diameter("crystalline").critical_diameter_m * 1e9,
                       "amorphous": critical_diameter("amorphous").critical_diameter_m * 1e9})
