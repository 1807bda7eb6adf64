"""Measured material properties replace the materials stage's estimates, conserving the bookkeeping."""
import copy

import numpy as np
import pytest

from sianode.design import design_from_dict, load_example
from sianode.errors import InputError
from sianode.materials.composites import composite_properties
from sianode.materials.measured import apply_measured


def _props(name="cvd_si_c"):
    d = load_example(name)
    return composite_properties(d.active, d.electrode, v_min_V=0.01)


@pytest.mark.parametrize("example", ["cvd_si_c", "siox", "nano_si_graphite", "porous_micro_si"])
def test_capacity_and_ice_are_set_and_the_loss_adds_up(example):
    p = _props(example)
    before = copy.deepcopy(p)
    q = apply_measured(p, reversible_capacity_mAh_g=0.8 * p.reversible_capacity_mAh_g, ice=0.8)
    assert q.reversible_capacity_mAh_g == pytest.approx(0.8 * p.reversible_capacity_mAh_g)
    assert q.ice == pytest.approx(0.8)
    assert q.first_lithiation_capacity_mAh_g == pytest.approx(q.reversible_capacity_mAh_g / 0.8)
    # the composite is the mass-weighted sum of its components, and the loss split sums to the loss
    ws = [c.mass_frac for c in q.components]
    assert sum(w * c.reversible_capacity_mAh_g for w, c in zip(ws, q.components)) == pytest.approx(q.reversible_capacity_mAh_g)
    assert sum(w * c.first_lithiation_capacity_mAh_g for w, c in zip(ws, q.components)) == pytest.approx(
        q.first_lithiation_capacity_mAh_g)
    assert sum(q.irreversible_breakdown_mAh_g.values()) == pytest.approx(
        q.first_lithiation_capacity_mAh_g - q.reversible_capacity_mAh_g, rel=1e-9)
    # the split of each Si-bearing component's loss keeps the model's proportions
    for cp, cq in zip(p.components, q.components):
        if cp.si_mass_frac > 0:
            old = np.array(list(cp.irreversible_breakdown_mAh_g.values()))
            new = np.array(list(cq.irreversible_breakdown_mAh_g.values()))
            np.testing.assert_allclose(new / new.sum(), old / old.sum(), atol=1e-9)
    assert p.reversible_capacity_mAh_g == before.reversible_capacity_mAh_g and p.ice == before.ice  # input untouched


def test_blend_keeps_its_graphite():
    p = _props("nano_si_graphite")
    q = apply_measured(p, reversible_capacity_mAh_g=0.9 * p.reversible_capacity_mAh_g, ice=p.ice - 0.02)
    gp = [c for c in p.components if c.si_mass_frac == 0][0]
    gq = [c for c in q.components if c.si_mass_frac == 0][0]
    assert (gq.reversible_capacity_mAh_g, gq.ice) == (gp.reversible_capacity_mAh_g, gp.ice)
    with pytest.raises(InputError, match="graphite alone"):
        apply_measured(p, reversible_capacity_mAh_g=10.0)


def test_identity_and_diffusivity():
    p = _props()
    q = apply_measured(p, reversible_capacity_mAh_g=p.reversible_capacity_mAh_g, ice=p.ice)
    assert q.reversible_capacity_mAh_g == pytest.approx(p.reversible_capacity_mAh_g)
    assert q.delivered_capacity_mAh_g(1.0) == pytest.approx(p.delivered_capacity_mAh_g(1.0))
    slow = apply_measured(p, si_diffusivity_m2_s=1e-19)
    assert slow.delivered_capacity_mAh_g(2.0) < p.delivered_capacity_mAh_g(2.0)  # slower diffusion, less at 2C
    for bad in ({"ice": 1.2}, {"ice": 0.0}, {"reversible_capacity_mAh_g": -5.0}, {"si_diffusivity_m2_s": 0.0}):
        with pytest.raises(InputError):
            apply_measured(p, **bad)


def test_materials_stage_reads_the_calibration():
    from sianode.chain import run_stage

    d = design_from_dict({"active": {"family": "si_particles"}, "calibration": {
        "parameters": {"reversible_capacity_mAh_g": {"value": 1900.0, "ci_low": 1850.0, "ci_high": 1950.0,
                                                     "unit": "mAh/g"},
                       "ice": {"value": 0.9, "ci_low": 0.89, "ci_high": 0.91, "unit": "-"}}}})
    s = run_stage(d, "materials").summary
    assert s["reversible_capacity_mAh_g"] == pytest.approx(1900.0) and s["ice_pct"] == pytest.approx(90.0)
    assert "reversible_capacity_mAh_g" in s["calibrated_properties"]
