"""Each stage's ``run_batch`` over a mixed batch gives, design by design, what its ``run`` gives (rel 1e-9).

The batch mixes bundled examples (Si/graphite, SiOx, porous micro-Si), a solid-state design, a calibrated
design (posterior bands), designs with different cycle counts, and a design that fails the stage: the batch
raises that design's own error (the sweep then splits it), and without it every summary value matches.
"""
import numpy as np
import pytest

from sianode.chain import STAGES, stage_module, upstream_for
from sianode.design import design_from_dict
from sianode.design.loader import load_example
from sianode.design.schema import Design, SiParticles, SolidElectrolyte
from sianode.sweep.evaluate import BatchEvaluator, ChainEvaluator, same_rows, scalar

BATCH_STAGES = ["materials", "mechanics", "life", "cell"]


def _calibrated():
    rng = np.random.default_rng(5)
    k = rng.uniform(0.85, 1.15, 12)
    cap, ice = 1900.0 * k, np.clip(0.9 * (1 + 0.02 * (k - 1)), 0, 1)
    params = {"reversible_capacity_mAh_g": {"value": float(np.median(cap)), "ci_low": float(cap.min()),
                                            "ci_high": float(cap.max()), "unit": "mAh/g"},
              "ice": {"value": float(np.median(ice)), "ci_low": float(ice.min()), "ci_high": float(ice.max()),
                      "unit": "-"}}
    return design_from_dict({"name": "calibrated", "active": {"family": "si_particles"}, "protocol": {"cycles": 60},
                             "calibration": {"method": "test", "parameters": params,
                                             "samples": {"reversible_capacity_mAh_g": cap.tolist(),
                                                         "ice": ice.tolist()}}})


def _designs():
    ds = [load_example("nano_si_graphite"), load_example("siox"), load_example("porous_micro_si"),
          Design(active=SiParticles(phase="crystalline", diameter_nm=300.0),
                 electrolyte=SolidElectrolyte(stack_pressure_MPa=40.0)),
          Design(active=SiParticles(phase="amorphous", diameter_nm=1500.0)),
          _calibrated()]
    ds.append(ds[0].model_copy(update={"protocol": ds[0].protocol.model_copy(update={"cycles": 500})}))
    return ds


def _same(a: dict, b: dict) -> list[str]:
    return same_rows({k: scalar(v) for k, v in a.items()}, {k: scalar(v) for k, v in b.items()})


@pytest.fixture(scope="module")
def batch():
    ds = _designs()
    return ds, {s: [upstream_for(d, s) for d in ds] for s in BATCH_STAGES}


@pytest.mark.parametrize("stage", BATCH_STAGES)
@pytest.mark.parametrize("options", [{}, {"samples": 0}], ids=["bands", "no-bands"])
def test_run_batch_equals_run(batch, stage, options):
    mod = stage_module(stage)
    opts = options if stage == "life" else {}
    if stage != "life" and options:
        pytest.skip("only the life stage has bands")
    ds, ups = batch
    got = mod.run_batch(ds, ups[stage], tables=False, **opts)
    for d, u, g in zip(ds, ups[stage], got):
        want = mod.run(d, u, **opts)
        assert g.name == want.name == stage
        assert not _same(g.summary, want.summary), (stage, d.name, _same(g.summary, want.summary))
        assert set(g.summary) == set(want.summary)
    with_tables = mod.run_batch(ds[:2], ups[stage][:2], **opts)  # tables=True: the same as run, tables too
    for d, u, g in zip(ds[:2], ups[stage][:2], with_tables):
        assert set(g.tables) == set(mod.run(d, u, **opts).tables)


@pytest.mark.parametrize("stage", BATCH_STAGES)
def test_a_failing_design_raises_its_own_error(batch, stage):
    mod = stage_module(stage)
    ds, ups = batch
    bad_up = {}  # a design whose requirements did not run: the stage names the missing one
    if stage == "materials":  # the materials stage needs nothing upstream: a design it cannot model
        bad, bad_up = object(), {}
    else:
        bad = ds[1]
    try:
        mod.run(bad, bad_up)
    except Exception as e:  # noqa: BLE001
        single = (type(e), str(e))
    else:
        pytest.fail("the bad design should fail alone")
    with pytest.raises(single[0]) as ei:
        mod.run_batch(ds[:3] + [bad] + ds[3:], ups[stage][:3] + [bad_up] + ups[stage][3:], tables=False)
    assert str(ei.value) == single[1]


def test_batch_evaluator_status_and_message_equal_chain(monkeypatch):
    """A mixed batch with a design that fails the life stage: same rows (status, message, values) as the chain."""
    from sianode.life import stage as life_stage

    real = life_stage.inputs_from_designs

    def flaky(designs, upstreams, **kw):  # the batch builder fails for a batch holding the bad design
        if any(design.active.family == "porous_micro_si" for design in designs):
            raise RuntimeError("boom")
        return real(designs, upstreams, **kw)

    monkeypatch.setattr(life_stage, "inputs_from_designs", flaky)
    ds = _designs()
    opts = {"life": {"samples": 0}}
    a = BatchEvaluator().evaluate(ds, BATCH_STAGES, opts)
    b = ChainEvaluator().evaluate(ds, BATCH_STAGES, opts)
    assert [r["status"] for r in a] == [r["status"] for r in b]
    assert [r["status"] for r in a].count("failed") == 1
    for ra, rb in zip(a, b):
        assert ra["message"] == rb["message"]
        assert not same_rows(ra, rb), same_rows(ra, rb)
    assert set(STAGES) >= set(BATCH_STAGES)
