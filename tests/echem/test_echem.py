"""Physics checks of the PyBaMM electrochemistry (one compiled model per design, reused)."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from sianode.design.loader import load_example
from sianode.design.schema import Design, Electrode, Protocol, SiParticles
from sianode.echem import bpx_io, experiments as E, parameters as P
from sianode.echem.simulate import CellSimulator, expansion_amplitude, partial_soc_cycle, rate_table
from sianode.errors import InputError, SolverError
from sianode.chain import upstream_for


def _cp(d):
    """The design's parameter set with its upstream run by the chain (materials first)."""
    return P.from_design(d, upstream_for(d, "echem"))


def _nano_si_half() -> Design:
    """Amorphous 100 nm Si vs Li in the materials stage's 0.005-1.2 V window."""
    return Design(name="nano a-Si half cell",
                  active=SiParticles(phase="amorphous", diameter_nm=100.0),
                  electrode=Electrode(active_wt_frac=0.8, binder_wt_frac=0.1, conductive_wt_frac=0.1,
                                      loading_mg_cm2=1.0, porosity=0.5),
                  protocol=Protocol(c_rate=0.05, v_min_V=0.005, v_max_V=1.2))


@pytest.fixture(scope="module")
def nano():
    d = _nano_si_half()
    cp = _cp(d)
    return d, cp, CellSimulator(cp)


@pytest.fixture(scope="module")
def porous():
    cp = _cp(load_example("porous_micro_si"))
    return cp, CellSimulator(cp)


# ----------------------------------------------------------------------------- capacity & conservation
def test_c20_capacity_matches_materials_stage(nano):
    from sianode.chain import run_stage

    d, cp, sim = nano
    lith, deli = sim.cycle(cp.nominal_capacity_Ah / 20)
    q = sim.summarize_cycle(lith, deli)["delithiation_capacity_mAh_g"]
    q_mat = run_stage(d, "materials").summary["reversible_capacity_mAh_g"]
    assert q == pytest.approx(q_mat, rel=0.02)


def test_charge_conservation(nano):
    """Charge passed through the terminals = Li stored in the Si particles (Faraday)."""
    d, cp, sim = nano
    I = cp.nominal_capacity_Ah  # 1C
    (leg,) = sim.run_legs([("lithiation", I, 1200.0)])
    c = leg.curve
    q_terminal = float(np.trapezoid(np.full(len(c), I), c.time_s) / 3600)
    dsto = float(c.si_stoichiometry.iloc[-1] - c.si_stoichiometry.iloc[0])
    q_stored = dsto * sim.anode_capacity_Ah
    assert q_stored == pytest.approx(q_terminal, rel=0.01)
    assert float(c.charge_Ah.iloc[-1]) == pytest.approx(q_terminal, rel=1e-6)


def test_capacity_falls_monotonically_with_rate(porous):
    cp, sim = porous
    rt = rate_table(sim, np.array([0.2, 1.0, 5.0, 8.0]) * sim.active_mass_g, with_plating=False)
    q = rt.delithiation_capacity_mAh_g.to_numpy()
    assert np.all(np.diff(q) < 0)
    # and the polarisation grows: lithiation lower, delithiation higher
    assert np.all(np.diff(rt.avg_lithiation_V) < 0)
    assert np.all(np.diff(rt.avg_delithiation_V) > 0)


def test_hysteresis_branches_are_used(nano):
    """At a very low rate the average voltages approach the materials' two branches."""
    from sianode.materials import voltage as V

    d, cp, sim = nano
    lith, deli = sim.cycle(cp.nominal_capacity_Ah / 50)
    s = sim.summarize_cycle(lith, deli)
    x = np.linspace(0.05, 3.7, 400)
    assert s["avg_delithiation_V"] - s["avg_lithiation_V"] > 0.5 * float(np.mean(V.ocv_delithiation_V(x) - V.ocv_lithiation_V(x)))
    assert s["avg_lithiation_V"] == pytest.approx(float(np.mean(V.ocv_lithiation_V(x))), abs=0.04)


# ----------------------------------------------------------------------------- plating and temperature
def test_plating_margin_shrinks_with_rate_and_cold(porous):
    cp, sim = porous
    Q = cp.nominal_capacity_Ah
    m = {(c, T): sim.plating_margin(c * Q, T + 273.15, soc_target=0.05)
         for c, T in ((0.2, 25.0), (0.5, 25.0), (1.0, 25.0), (0.5, -20.0), (0.5, 0.0))}
    assert m[(0.2, 25.0)]["plating_margin_V"] > m[(0.5, 25.0)]["plating_margin_V"] > m[(1.0, 25.0)]["plating_margin_V"]
    assert m[(0.5, 25.0)]["plating_margin_V"] > m[(0.5, 0.0)]["plating_margin_V"] > m[(0.5, -20.0)]["plating_margin_V"]
    assert all(v["soc_reached"] == pytest.approx(0.05, abs=0.01) or v["plating_margin_V"] < 0 for v in m.values())


def test_cold_lowers_capacity(porous):
    cp, sim = porous
    df = E.temperature_sweep(sim, temperatures_C=(-20.0, 25.0, 60.0), c_rate=0.5, with_plating=False)
    q = df.delithiation_capacity_mAh_g.to_numpy()
    assert q[0] < q[1] < q[2]


# ----------------------------------------------------------------------------- partial SOC (life hand-off)
def test_partial_soc_lowers_capacity_and_expansion(nano):
    d, cp, sim = nano
    full = partial_soc_cycle(sim, (0.0, 1.0), c_rate=0.5)
    part = partial_soc_cycle(sim, (0.2, 0.8), c_rate=0.5)
    assert part["delivered_capacity_Ah"] < full["delivered_capacity_Ah"]
    assert part["expansion_amplitude"] < full["expansion_amplitude"]
    assert part["x_swing"] == pytest.approx(0.6 * 3.75, rel=0.03)
    assert 0 < part["expansion_amplitude"] < 3.0


def test_expansion_amplitude_function():
    d = _nano_si_half()
    up = upstream_for(d, "echem")
    a_full = expansion_amplitude(d, up, (0.0, 1.0))
    a_part = expansion_amplitude(d, up, (0.3, 0.7))
    assert 0 < a_part < a_full
    with pytest.raises(InputError, match="soc_window"):
        expansion_amplitude(d, up, (0.8, 0.2))


# ----------------------------------------------------------------------------- GITT
def test_gitt_relaxes_towards_lithiation_ocv(nano):
    from sianode.materials import voltage as V

    d, cp, sim = nano
    g = E.gitt(sim, pulse_c_rate=0.5, pulse_s=600.0, rest_s=1800.0, n_pulses=6)
    ends = g.groupby(["pulse", "step"]).voltage_V.last().unstack()
    assert np.all(ends["rest"] > ends["pulse"])  # relaxation after each lithiation pulse
    last_rest = g[(g.step == "rest")].groupby("pulse").last()
    x = last_rest.si_stoichiometry.to_numpy() * 3.75
    # one-state hysteresis: once x has moved > 0.9 Li/Si (3 decay lengths of 0.3) from the delithiated
    # start, the relaxed voltage sits on the materials' lithiation branch
    far = x - x[0] > 0.9
    assert far.sum() >= 2
    assert np.allclose(last_rest.voltage_V[far], V.ocv_lithiation_V(x[far]), atol=0.015)
    # and it lies between the two branches everywhere
    assert np.all(last_rest.voltage_V <= V.ocv_delithiation_V(x) + 0.005)
    assert np.all(last_rest.voltage_V >= V.ocv_lithiation_V(x) - 0.005)


# ----------------------------------------------------------------------------- full cell, BPX
@pytest.fixture(scope="module")
def blend():
    return _cp(load_example("nano_si_graphite"))


@pytest.fixture(scope="module")
def blend_thick():
    """The example with its anode loading given instead (8 mg/cm2, ~53 µm): cathode derived from N/P."""
    d = load_example("nano_si_graphite")
    return _cp(d.model_copy(update={
        "cell": d.cell.model_copy(update={"cathode_loading_mg_cm2": None}),
        "electrode": d.electrode.model_copy(update={"loading_mg_cm2": 8.0})}))


def test_full_cell_blend_two_phases(blend):
    from sianode.cathodes import get_cathode
    from sianode.chain import run_stage
    from sianode.electrode.loading import full_cell_loadings

    assert [p.name for p in blend.anode.phases] == ["silicon", "graphite"]
    opts = P.model_options(blend)
    assert opts["particle phases"] == ("2", "1")
    d = load_example("nano_si_graphite")
    props = run_stage(d, "materials").data
    loads = full_cell_loadings(d, props)
    # loadings: the shared N/P rule (cathode 18 mg/cm2 given -> anode derived)
    assert blend.provenance["anode.loading"].value == pytest.approx(loads.anode_mg_cm2, rel=1e-12)
    assert blend.anode_active_mass_kg / blend.area_m2 * 1e2 == pytest.approx(loads.anode_mg_cm2, rel=1e-12)
    # cathode window capacity = cathode loading x reversible capacity (mg/cm2 * mAh/g = 1e-2 Ah/m2)
    q_c = 18.0 * get_cathode("NCM811").reversible_capacity_mAh_g * 1e-2
    assert blend.nominal_capacity_Ah / blend.area_m2 == pytest.approx(q_c, rel=1e-9)
    # N/P = 1.1 on the materials stage's capacity; the PyBaMM anode's own capacity (graphite phase at
    # its theoretical 372 mAh/g instead of the materials stage's practical value) is within a few %
    q_a_mat = loads.anode_mg_cm2 * props.reversible_capacity_mAh_g * 1e-2
    assert q_a_mat / q_c == pytest.approx(1.1, rel=1e-9)
    assert blend.anode.capacity_Ah_m2() == pytest.approx(q_a_mat, rel=0.03)


def test_full_cell_fast_charge_plating(blend_thick):
    blend = blend_thick  # thick anode: the rate effect on the plating margin shows at 6C
    sim = CellSimulator(blend, model="SPMe")
    fc, _ = E.fast_charge(sim, c_rates=(1.0, 6.0), temperatures_C=(25.0,))
    assert fc.plating_margin_V.iloc[1] < fc.plating_margin_V.iloc[0]
    assert (fc.soc_reached > 0.8).all()  # CC-CV reaches a high SOC


def _assert_same(a, b, path="cp"):
    if hasattr(a, "__dataclass_fields__"):
        for f in a.__dataclass_fields__:
            if f in ("provenance", "title", "source"):  # metadata, not parameters
                continue
            _assert_same(getattr(a, f), getattr(b, f), f"{path}.{f}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, np.ndarray):
        np.testing.assert_allclose(a, b, rtol=1e-12, err_msg=path)
    elif isinstance(a, float):
        assert b == pytest.approx(a, rel=1e-12), path
    elif hasattr(a, "sto"):  # OCPTable
        _assert_same(a.sto, b.sto, path + ".sto")
        _assert_same(a.volts, b.volts, path + ".volts")
    elif isinstance(a, str) and path.endswith(("diffusivity", "conductivity")):
        assert a == b, path
    else:
        assert a == b, path


def test_bpx_round_trip_preserves_every_parameter(blend, tmp_path):
    p = bpx_io.export_bpx(blend, tmp_path / "cell.bpx.json")
    back = bpx_io.from_bpx(p)
    _assert_same(blend, back)
    # and PyBaMM itself can read our file
    import pybamm
    pv = pybamm.ParameterValues.create_from_bpx(str(p))
    assert pv["Negative electrode thickness [m]"] == pytest.approx(blend.anode.thickness)


def test_bpx_import_is_simulated(blend, tmp_path):
    p = bpx_io.export_bpx(blend, tmp_path / "cell.bpx.json")
    cp = bpx_io.from_bpx(p)
    sim = CellSimulator(cp, model="SPM")
    lith, deli = sim.cycle(0.5 * cp.nominal_capacity_Ah)
    assert sim.summarize_cycle(lith, deli)["delithiation_capacity_Ah"] > 0.7 * cp.nominal_capacity_Ah


# ----------------------------------------------------------------------------- bad input
def test_more_than_two_phases_rejected(blend):
    ph = blend.anode.phases
    bad = blend.copy(anode=P.ElectrodeParams(blend.anode.thickness, 0.3, 10.0, 1.5, [ph[0], ph[1], ph[1]]))
    with pytest.raises(InputError, match="at most two phases"):
        P.check_representable(bad)


def test_non_spherical_rejected(blend):
    import dataclasses
    ph = dataclasses.replace(blend.anode.phases[0], shape="platelet")
    bad = blend.copy(anode=P.ElectrodeParams(blend.anode.thickness, 0.3, 10.0, 1.5, [ph]))
    with pytest.raises(InputError, match="equivalent sphere"):
        CellSimulator(bad)


def test_solid_electrolyte_rejected():
    d = Design.model_validate(load_example("porous_micro_si").model_dump() | {"electrolyte": {"kind": "solid"}})
    with pytest.raises(InputError, match="electrolyte.kind"):
        P.from_design(d, {})


def test_corrupt_bpx_rejected(tmp_path):
    f = tmp_path / "broken.json"
    f.write_text('{"Header": {"BPX": "1.0.0"', encoding="utf-8")
    before = f.read_bytes()
    with pytest.raises(InputError, match="broken.json"):
        bpx_io.from_bpx(f)
    assert f.read_bytes() == before
    f2 = tmp_path / "wrong.json"
    f2.write_text(json.dumps({"Header": {"BPX": "1.0.0", "Model": "DFN"}}), encoding="utf-8")
    with pytest.raises(InputError, match="invalid BPX"):
        bpx_io.from_bpx(f2)


def test_solver_failure_is_a_clear_message(porous):
    cp, sim = porous
    with pytest.raises(SolverError, match="step 'lithiation'"):
        sim.run_legs([("lithiation", 5 * cp.nominal_capacity_Ah, 600.0)], k_factor=1e-4)


def test_provenance_covers_every_parameter(porous):
    cp, _ = porous
    t = P.provenance_table(cp)
    assert (t.source.str.len() > 3).all()
    for key in ("anode.thickness", "anode.silicon.particle_radius", "anode.silicon.diffusivity",
                "anode.silicon.reaction_rate_constant", "electrolyte.conductivity"):
        assert key in set(t.parameter)
    assert math.isclose(cp.anode.capacity_Ah_m2() * cp.area_m2, cp.nominal_capacity_Ah)
