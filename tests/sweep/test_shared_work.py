"""Work a batch shares or skips gives the numbers of the plain computation.

* The Si utilisation solved once for a batch (:func:`sianode.materials.composites.prime_si_utilisation`) equals
  one solve per design, and a remembered value is never reused for other inputs (C-rate, radius, diffusivity).
* The graphite reference cell is memoised on the design's cell and electrolyte sections and cycle count: the same
  sections give the same cell as a fresh build; a different cathode loading gives a different reference.
* The summary's cost and criteria totals (no tables) equal the tables' totals.
* Voltage curves as arrays: the cell's component curves interpolate the materials stage's branch arrays.
"""
import numpy as np
import pytest

from sianode.cell import cost as _cost
from sianode.cell import criteria as _criteria
from sianode.cell import reference
from sianode.cell.anode import component_from_properties
from sianode.cell.stack import cell_model
from sianode.cathodes import design_cathode
from sianode.cell.anode import single
from sianode.cell.reference import graphite_component, reference_kwargs
from sianode.chain import ModelChain
from sianode.design.loader import load_example
from sianode.materials import composites, voltage
from sianode.materials.utilisation import si_utilisation


def _props(diameter_nm: float):
    d = load_example("nano_si_graphite")
    si = d.active.silicon.model_copy(update={"diameter_nm": diameter_nm})
    return composites.composite_properties(d.active.model_copy(update={"silicon": si}), d.electrode)


@pytest.mark.parametrize("c_rates", [[0.1, 1.0, 3.0, 10.0], [5.0, 5.0, 5.0, 5.0]])
def test_batch_utilisation_equals_one_solve_per_design(c_rates):
    props = [_props(dn) for dn in (50.0, 400.0, 2000.0, 8000.0)]
    composites.prime_si_utilisation(props, c_rates)
    for p, c in zip(props, c_rates):
        alone = float(si_utilisation(c, p.si_diffusion_radius_m, p.si_diffusivity_m2_s))
        assert p.si_utilisation_at(c) == pytest.approx(alone, rel=1e-12)
        assert p.delivered_capacity_mAh_g(c) == pytest.approx(
            p.reversible_capacity_mAh_g - p.si_reversible_capacity_mAh_g * (1 - alone), rel=1e-12)
    # the large particles at high rate do not deliver everything: the test would see a wrong design's value
    assert props[3].si_utilisation_at(c_rates[3]) < props[0].si_utilisation_at(c_rates[0])


def test_remembered_utilisation_is_not_reused_for_other_inputs():
    p = _props(2000.0)
    u_slow, u_fast = p.si_utilisation_at(0.1), p.si_utilisation_at(5.0)
    assert u_fast < u_slow
    p.si_diffusivity_m2_s = 1e-3 * (p.si_diffusivity_m2_s or 1e-16)  # a calibration changes D: solve again
    assert p.si_utilisation_at(5.0) < u_fast
    from sianode.materials.measured import apply_measured

    q = apply_measured(_props(2000.0), si_diffusivity_m2_s=1e-20)
    assert q.si_utilisation_at(5.0) == pytest.approx(float(si_utilisation(5.0, q.si_diffusion_radius_m, 1e-20)))


def test_memoised_graphite_reference_equals_a_fresh_build():
    d = load_example("nano_si_graphite")
    ref = reference.graphite_reference(d)
    assert reference.graphite_reference(d) is ref  # memoised
    fresh = cell_model(design_cathode(d), single(graphite_component()), **reference_kwargs(d))
    for k in ("specific_energy_Wh_kg", "energy_density_Wh_L", "capacity_Ah"):
        assert float(ref.values[k]) == float(fresh.values[k])
    cell = d.cell.model_copy(update={"cathode_loading_mg_cm2": 1.5 * float(reference.reference_cathode_loading_mg_cm2(d))})
    other = reference.graphite_reference(d.model_copy(update={"cell": cell}))
    assert float(other.values["capacity_Ah"]) != float(ref.values["capacity_Ah"])


def test_summary_totals_equal_the_tables():
    run = ModelChain(load_example("nano_si_graphite"), ["materials", "mechanics", "life", "cell"]).run()
    cell = run.stages["cell"]
    assert cell.summary["materials_cost_usd_per_kWh"] == pytest.approx(
        float(cell.tables["cost"]["usd_per_kWh"].iloc[-1]), rel=1e-12)
    per_item = cell.tables["cost"]["usd_per_kWh"].iloc[:-1].sum()
    assert cell.tables["cost"]["usd_per_kWh"].iloc[-1] == pytest.approx(per_item, rel=1e-12)
    crit = cell.tables["criteria"]
    assert (cell.summary["criteria_passed"], cell.summary["criteria_total"]) == (int(crit["passed"].sum()), len(crit))
    v = {k: float(np.asarray(x)) for k, x in cell.data["result"].values.items()}
    v["np_ratio"] = 0.9  # a failing N/P must be counted as failed
    assert _criteria.passed_count(v)[0] == int(_criteria.evaluate(v)["passed"].sum())
    gr = cell.data["graphite_reference"]
    assert cell.summary["graphite_reference_cost_usd_per_kWh"] == pytest.approx(
        float(_cost.materials_cost(gr, cell.data["cathode"].name, 0.0)["usd_per_kWh"].iloc[-1]), rel=1e-12)


def test_component_curves_follow_the_materials_branches():
    p = _props(100.0)
    si = [c for c in p.components if c.si_mass_frac > 0][0]
    comp = component_from_properties(si)
    th = np.linspace(0.0, 1.0, 7)
    x = th * p.x_end
    assert np.allclose(comp.voltage(th, "delithiation"), voltage.ocv_delithiation_V(x), atol=2e-3)
    assert np.allclose(comp.voltage(th, "lithiation"), voltage.ocv_lithiation_V(x), atol=2e-3)
    assert np.all(comp.voltage(th[1:-1], "delithiation") > comp.voltage(th[1:-1], "lithiation"))  # hysteresis
    frame = si.voltage_curve.frame()
    assert set(frame["branch"]) == {"lithiation", "delithiation"} and len(frame) == 2 * len(si.voltage_curve.capacity_mAh_g)


def test_design_data_leaves_the_base_unchanged_and_equals_a_deep_copy():
    import copy

    from sianode.design.loader import design_from_dict
    from sianode.sweep.sampling import design_data
    from sianode.sweep.spec import set_path

    base = {"active": {"family": "si_graphite", "si_fraction": 0.1, "silicon": {"family": "si_particles",
                                                                               "diameter_nm": 100.0}},
            "protocol": {"cycles": 50}, "name": "base"}
    before = copy.deepcopy(base)
    row = {"active.silicon.diameter_nm": 700.0, "active.si_fraction": 0.3, "cell.np_ratio": 1.2}
    data = design_data(base, row)
    assert base == before  # nothing written into the shared base
    want = copy.deepcopy(base)
    for k, v in row.items():
        set_path(want, k, v)
    assert data == want
    d = design_from_dict(data)
    assert d.active.silicon.diameter_nm == 700.0 and d.cell.np_ratio == 1.2
    assert base == before  # validation did not write into it either
