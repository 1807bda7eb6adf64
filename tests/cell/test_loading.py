"""One loading rule for every stage (sianode.electrode.loading): materials, echem, life and cell agree."""
import pytest

from sianode.cathodes import get_cathode
from sianode.cell import stage as cstage
from sianode.chain import run_stage, upstream_for
from sianode.design.loader import design_from_dict, load_example
from sianode.echem import parameters as P
from sianode.electrode.loading import full_cell_loadings, implied_np_ratio
from sianode.life import stage as lstage

WIN = {"v_min_V": 2.8, "v_max_V": 4.2}


def _stage_loadings(d):
    up = upstream_for(d, "cell")
    m = up["materials"]
    c = cstage.run(d, up)
    _, info = lstage.inputs_from_design(d, up)
    cp = P.from_design(d, up)  # parameters only, no solve
    return m, {
        "materials": m.summary["anode_loading_mg_cm2"],
        "echem": cp.anode_active_mass_kg / cp.area_m2 * 1e2,  # kg/m2 -> mg/cm2
        "life": info["anode_loading_mg_cm2"],
        "cell": c.summary["anode_loading_mg_cm2"],
    }, c


@pytest.mark.parametrize("basis", ["reversible", "first_lithiation"])
@pytest.mark.parametrize("given", ["cathode", "anode"])
def test_every_stage_reports_the_same_anode_loading(basis, given):
    d = load_example("nano_si_graphite")  # cathode 18 mg/cm2 given
    cell = d.cell.model_copy(update={"np_basis": basis, "np_ratio": 1.15})
    if given == "anode":
        cell = cell.model_copy(update={"cathode_loading_mg_cm2": None})
        d = d.model_copy(update={"electrode": d.electrode.model_copy(update={"loading_mg_cm2": 8.0})})
    d = d.model_copy(update={"cell": cell})
    m, loads, c = _stage_loadings(d)
    ref = loads["materials"]
    for name, v in loads.items():
        assert v == pytest.approx(ref, rel=1e-3), (name, loads)
    if given == "anode":
        assert ref == pytest.approx(8.0, rel=1e-12)
    else:
        assert c.summary["cathode_loading_mg_cm2"] == pytest.approx(18.0, rel=1e-12)
    # the implied N/P of the two effective loadings is the design's, on its basis
    m_c = c.summary["cathode_loading_mg_cm2"]
    assert m.summary["cathode_loading_mg_cm2"] == pytest.approx(m_c, rel=1e-12)
    assert implied_np_ratio(ref, m_c, m.data, "NCM811", basis) == pytest.approx(1.15, rel=1e-9)
    # and the cell model's own capacities give that N/P too (independent of loading.py)
    v = c.data["result"].values
    ca = get_cathode("NCM811")
    q_c = m_c * 1e-3 * (ca.reversible_capacity_mAh_g if basis == "reversible" else ca.first_charge_capacity_mAh_g)
    q_a = float(v["anode_reversible_mAh_cm2"] if basis == "reversible" else v["anode_first_lithiation_mAh_cm2"])
    assert q_a / q_c == pytest.approx(1.15, rel=1e-6)
    # materials electrode thickness = the cell stack's anode coating thickness (same loading, same density)
    assert m.summary["electrode_thickness_um"] == pytest.approx(c.summary["anode_thickness_um"], rel=1e-3)


def test_first_lithiation_basis_scales_the_anode_by_the_ice_ratio():
    d = load_example("nano_si_graphite")
    props = run_stage(d, "materials").data
    rev = full_cell_loadings(d, props)
    first = full_cell_loadings(d.model_copy(update={"cell": d.cell.model_copy(update={"np_basis": "first_lithiation"})}),
                               props)
    assert not rev.anode_given and rev.cathode_mg_cm2 == 18.0
    # m_a,first / m_a,rev = (Q_c,ch / Q_c,rev) (Q_a,rev / Q_a,first) = ICE_a / ICE_c
    ca = get_cathode("NCM811")
    ice_c = ca.reversible_capacity_mAh_g / ca.first_charge_capacity_mAh_g
    assert first.anode_mg_cm2 / rev.anode_mg_cm2 == pytest.approx(props.ice / ice_c, rel=1e-9)


def test_half_cell_keeps_the_anode_loading():
    d = design_from_dict({"electrode": {"loading_mg_cm2": 3.0}, "cell": {"cathode_loading_mg_cm2": 18.0}})
    loads = full_cell_loadings(d, None)
    assert loads.anode_mg_cm2 == 3.0 and loads.cathode_mg_cm2 is None and loads.anode_given


def test_default_full_cell_derives_the_cathode_from_the_default_anode():
    d = design_from_dict({"cell": {"kind": "full", "np_ratio": 1.2}, "protocol": WIN})
    m = run_stage(d, "materials")
    assert m.summary["anode_loading_mg_cm2"] == 2.0  # schema default
    assert implied_np_ratio(2.0, m.summary["cathode_loading_mg_cm2"], m.data, "NCM811", "reversible") == pytest.approx(1.2)
