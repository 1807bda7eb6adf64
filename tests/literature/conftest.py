"""Shared inputs of the literature tests."""
import pytest

#: the keys `sianode run` writes to summary.json (flattened stage summaries), small and fixed
SUMMARY = {
    "materials.family": "porous_micro_si", "materials.anode_loading_mg_cm2": 2.0,
    "materials.reversible_capacity_mAh_g": 1874.5, "materials.ice_pct": 86.5,
    "materials.areal_capacity_mAh_cm2": 3.75, "mechanics.fractures": False, "life.cell_kind": "half",
    "life.cycles": 100, "life.electrolyte_model": "fec", "life.final_capacity_mAh_g": 1514.4,
    "life.final_retention_pct": 80.8, "life.cycles_to_80pct": float("nan"), "cell.specific_energy_Wh_kg": 395.8,
}


@pytest.fixture
def chain_summary():
    return dict(SUMMARY)
