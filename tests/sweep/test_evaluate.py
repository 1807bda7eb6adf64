"""One design, one answer: a design evaluated in a sweep gives the numbers `sianode run` gives (rel 1e-9)."""
import pytest

from sianode.chain import ModelChain
from sianode.design.loader import example_names, load_example
from sianode.design.schema import Design, SiParticles, SolidElectrolyte
from sianode.sweep.evaluate import BatchEvaluator, ChainEvaluator, same_rows, scalar


def _designs():
    ds = [load_example(n) for n in example_names()]
    ds.append(Design(active=SiParticles(phase="amorphous", diameter_nm=1500.0)))
    ds.append(Design(active=SiParticles(phase="crystalline", diameter_nm=300.0),
                     electrolyte=SolidElectrolyte(stack_pressure_MPa=40.0)))
    return ds


def _run_rows(designs, stages):
    rows = []
    for d in designs:
        run = ModelChain(d, stages).run()  # what `sianode run D -s STAGE` writes to summary.json
        row = {k: scalar(v) for k, v in run.summary.items()}
        row["status"] = "failed" if run.failures else "ok"
        rows.append(row)
    return rows


@pytest.mark.parametrize("stages", [["materials"], ["mechanics"], ["life"], ["cell"], ["materials", "mechanics"]])
def test_sweep_rows_equal_sianode_run(stages):
    ds = _designs()
    ref = _run_rows(ds, stages)
    for ev in (BatchEvaluator(), ChainEvaluator()):
        rows = ev.evaluate(ds, stages)
        for r, want in zip(rows, ref):
            assert r["status"] == want["status"] == "ok", r["message"]
            r = {k: v for k, v in r.items() if k != "message"}
            assert not same_rows(r, want), (ev.name, stages, same_rows(r, want))


def test_a_failing_stage_fails_that_design_only(monkeypatch):
    from sianode.life import stage as life_stage
    from sianode.materials import stage as materials_stage

    ds = [load_example("siox"), load_example("porous_micro_si"), load_example("siox")]

    def flaky_batch(real):  # a batch with the bad design raises as a whole (the evaluator splits it)
        def run_batch(designs, upstreams, **kw):
            if any(d.active.family == "porous_micro_si" for d in designs):
                raise RuntimeError("boom")
            return real(designs, upstreams, **kw)
        return run_batch

    monkeypatch.setattr(life_stage, "run_batch", flaky_batch(life_stage.run_batch))  # life's run is a batch of one
    for ev in (BatchEvaluator(), ChainEvaluator()):
        rows = ev.evaluate(ds, ["mechanics", "life"])
        assert [r["status"] for r in rows] == ["ok", "failed", "ok"]
        assert rows[1]["message"] == "life: RuntimeError: boom"
        assert rows[1]["mechanics.fractures"] is not None  # the independent stage is kept
        assert "life.cycles_to_80pct" not in rows[1] and "life.cycles_to_80pct" in rows[0]
    monkeypatch.setattr(materials_stage, "run_batch", flaky_batch(materials_stage.run_batch))
    for ev in (BatchEvaluator(), ChainEvaluator()):
        r = ev.evaluate(ds, ["mechanics"])[1]
        assert r["status"] == "failed" and "mechanics: needs the materials stage, which failed" in r["message"]


def test_the_columns_a_sweep_writes_are_the_rows(monkeypatch):
    """BatchEvaluator.columns (what a sweep's task writes) gives the table of its rows, column order included:
    designs whose summaries have different keys (solid state), a stage failure on the first design (its row
    has no life keys: they first appear in a later row) and an InputError from a stage (no values at all)."""
    from sianode.cell import stage as cell_stage
    from sianode.errors import InputError
    from sianode.life import stage as life_stage
    from sianode.sweep import store

    ds = [load_example("porous_micro_si")] + _designs()
    life_batch, cell_batch = life_stage.run_batch, cell_stage.run_batch

    def life(designs, upstreams, **kw):
        if any(d.active.family == "porous_micro_si" for d in designs):
            raise RuntimeError("boom")
        return life_batch(designs, upstreams, **kw)

    def cell(designs, upstreams, **kw):
        if any(d.active.family == "siox" for d in designs):
            raise InputError("not for this cell", field="cell")
        return cell_batch(designs, upstreams, **kw)

    monkeypatch.setattr(life_stage, "run_batch", life)
    monkeypatch.setattr(cell_stage, "run_batch", cell)
    stages = ["mechanics", "life", "cell"]
    rows = BatchEvaluator().evaluate(ds, stages)
    cols = BatchEvaluator().columns(ds, stages)
    statuses = [r["status"] for r in rows]
    assert statuses[0] == "failed" and "ok" in statuses
    assert any(r["message"].startswith("input: ") for r in rows)
    values = [k for k in dict.fromkeys(k for r in rows for k in r) if k not in ("status", "message")]
    assert list(cols) == values + ["status", "message"]
    assert all(len(c) == len(ds) for c in cols.values())
    assert store.table_of_columns(cols).equals(store.table(rows))
