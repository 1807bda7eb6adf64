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
