"""The mechanics stage over a batch of designs gives each design exactly what the single run gives."""
import math

import pytest

from sianode.chain import upstream_for
from sianode.design.loader import example_names, load_example
from sianode.design.schema import Design, Electrode, SiParticles, SolidElectrolyte
from sianode.errors import InputError
from sianode.mechanics import stage


def _designs():
    ds = [load_example(n) for n in example_names()]
    ds += [Design(active=SiParticles(phase=p, diameter_nm=d), electrode=Electrode(porosity=0.35))
           for p, d in (("crystalline", 80.0), ("amorphous", 2500.0))]
    ds.append(Design(active=SiParticles(phase="crystalline", diameter_nm=400.0),
                     electrolyte=SolidElectrolyte(stack_pressure_MPa=80.0), electrode=Electrode(porosity=0.3)))
    return ds


def test_batch_equals_single_runs():
    ds = _designs()
    ups = [upstream_for(d, "mechanics") for d in ds]
    batch = stage.run_batch(ds, ups, tables=False)
    for d, u, b in zip(ds, ups, batch):
        one = stage.run(d, u)
        assert set(one.summary) == set(b.summary)
        for k, v in one.summary.items():
            w = b.summary[k]
            if isinstance(v, float):
                assert w == pytest.approx(v, rel=1e-12, abs=0.0) or (math.isnan(v) and math.isnan(w)), k
            else:
                assert w == v, k
        assert b.data.critical_diameter_m == one.data.critical_diameter_m
        assert b.data.binder_damaged == one.data.binder_damaged
        assert b.tables == {} and len(one.tables["stress_vs_state_of_lithiation"]) > 0
    assert batch[-1].summary["confining_pressure_MPa"] > 0  # the confined design went through the same batch


def test_batch_raises_on_a_design_without_its_materials_result():
    d = load_example()
    with pytest.raises(InputError, match="materials"):
        stage.run_batch([d, d], [upstream_for(d, "mechanics"), {}])
    assert stage.run_batch([], []) == []


def _materials_tests():
    """tests/materials/test_stage_batch.py (its varied designs and exact comparison), loaded by path."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[1] / "materials" / "test_stage_batch.py"
    spec = importlib.util.spec_from_file_location("_materials_stage_batch", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_batch_equals_batches_of_one_on_varied_designs():
    # SPEC designs, every example, each family with coatings, half cells, solid electrolytes, calibration
    m = _materials_tests()
    from sianode.materials import stage as materials

    ds = m.varied_designs()
    ups = [{"materials": r} for r in materials.run_batch(ds, [{}] * len(ds), tables=False)]
    batch = stage.run_batch(ds, ups, tables=False)
    for d, u, b in zip(ds, ups, batch):
        one = stage.run_batch([d], [u], tables=False)[0]
        m.assert_same(one.summary, b.summary)
        assert list(one.summary) == list(b.summary)
        m.assert_same(one.data, b.data)  # extras too: critical size, binder, swelling parts, fractions
    assert {r.summary["si_phase"] for r in batch} == {"crystalline", "amorphous"}
    assert any(r.summary["fractures"] for r in batch) and not all(r.summary["fractures"] for r in batch)
    assert len({r.summary["confining_pressure_MPa"] for r in batch}) >= 3
    # each design's extras are its own (a consumer changing one cannot change another)
    assert batch[0].data.extras["swelling_parts"] is not batch[1].data.extras["swelling_parts"]
    assert batch[0].data.extras["critical_size"] is not batch[1].data.extras["critical_size"]


def test_a_design_without_materials_in_a_batch_gives_its_own_message():
    d = load_example()
    with pytest.raises(InputError) as alone:
        stage.run(d, {})
    with pytest.raises(InputError) as inside:
        stage.run_batch([d, d, d], [upstream_for(d, "mechanics"), {}, upstream_for(d, "mechanics")])
    assert str(inside.value) == str(alone.value)


def test_the_coating_geometry_is_read_from_the_materials_result(monkeypatch):
    # the materials stage owns the anode geometry; mechanics reads it (no second solve) and gets the same numbers
    # as when it computes the geometry itself from a CompositeProperties that carries none
    import copy

    from sianode.electrode.coating import anode_geometry

    m = _materials_tests()
    from sianode.materials import stage as materials

    ds = m.varied_designs()
    mats = materials.run_batch(ds, [{}] * len(ds), tables=False)
    for d, r in zip(ds, mats):
        geo = r.data.extras["anode_geometry"]
        assert geo == anode_geometry(d, float(r.data.density_g_cm3), r.summary["anode_loading_mg_cm2"])
        assert geo.thickness_um == r.summary["electrode_thickness_um"] and geo.porosity == r.summary["electrode_porosity"]
    bare = []
    for r in mats:
        b = copy.deepcopy(r)
        del b.data.extras["anode_geometry"]
        bare.append({"materials": b})
    computed = stage.run_batch(ds, bare, tables=False)

    def no_solve(*a, **k):
        raise AssertionError("mechanics recomputed the anode geometry")

    monkeypatch.setattr(stage, "anode_geometry", no_solve)
    read = stage.run_batch(ds, [{"materials": r} for r in mats], tables=False)
    for a, b in zip(computed, read):
        m.assert_same(a.summary, b.summary)
        m.assert_same(a.data, b.data)


def test_each_design_gets_its_own_critical_size():
    # one solve per phase and confining pressure in a batch; each design's extras hold its own copy of it
    from sianode.mechanics.fracture import critical_diameter

    m = _materials_tests()
    from sianode.materials import stage as materials

    ds = m.varied_designs()
    ups = [{"materials": r} for r in materials.run_batch(ds, [{}] * len(ds), tables=False)]
    batch = stage.run_batch(ds, ups, tables=False)
    for r in batch:
        ref = critical_diameter(r.data.phase, pressure=r.data.confining_pressure_Pa)
        assert r.data.extras["critical_size"] == vars(ref) and r.data.critical_diameter_m == ref.critical_diameter_m
    same = [r for r in batch if (r.data.phase, r.data.confining_pressure_Pa) == (batch[0].data.phase,
                                                                               batch[0].data.confining_pressure_Pa)]
    assert len(same) > 1
    same[0].data.extras["critical_size"]["critical_diameter_m"] = -1.0
    assert same[1].data.extras["critical_size"]["critical_diameter_m"] > 0
