"""Running sweeps: locally, on a real dask.distributed cluster, interrupted and resumed; the CLI and its report."""
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from sianode.sweep import store
from sianode.sweep.cli import sweep
from sianode.sweep.evaluate import same_rows
from sianode.sweep.runner import run_sweep
from sianode.sweep.spec import parse_spec

SPEC = """\
base = "nano_si_graphite"
stages = ["materials", "mechanics"]
constraints = ["mechanics.electrode_thickness_change_pct <= 35"]
objectives = ["maximize materials.reversible_capacity_mAh_g", "minimize mechanics.irreversible_swelling_per_cycle_pct"]

[sampling]
method = "grid"

[vary]
"active.si_fraction" = [0.05, 0.1, 0.2]
"active.silicon.diameter_nm" = { range = [60, 600], num = 4, scale = "log" }
"cell.np_ratio" = [0.95, 1.1]
"""


def _rows(out):
    df = store.read_results(out)
    return {r["design_hash"]: {k: v for k, v in r.items() if not (isinstance(v, float) and pd.isna(v))}
            for r in df.to_dict("records")}


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    o = run_sweep(parse_spec(SPEC), out, chunk_size=5)
    return out, o


def test_local_sweep_records_invalid_designs_and_never_aborts(local):
    out, o = local
    df = store.read_results(out)
    assert o.total == len(df) == 3 * 4 * 2 and o.evaluated == 24
    assert df.design_index.tolist() == list(range(24)) and df.design_hash.is_unique
    bad = df[df.status == "invalid"]
    assert len(bad) == 12 and bad.message.str.contains("np_ratio 0.95 < 1").all()  # np_ratio < 1 is rejected
    ok = df[df.status == "ok"]
    assert len(ok) == 12 and ok["mechanics.fracture_margin"].notna().all()
    assert pd.read_parquet(out / store.RESULTS).shape == df.shape  # one schema over every part


def test_same_results_on_a_distributed_cluster(local, tmp_path):
    from distributed import LocalCluster

    out_local, _ = local
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        o = run_sweep(parse_spec(SPEC), tmp_path, scheduler=cluster.scheduler_address, chunk_size=5)
    assert o.evaluated == 24
    a, b = _rows(out_local), _rows(tmp_path)
    assert a.keys() == b.keys()
    for h in a:
        assert not same_rows(a[h], b[h], rel=1e-12), same_rows(a[h], b[h])


def test_interrupted_sweep_resumes_where_it_stopped(local, tmp_path):
    spec = parse_spec(SPEC)

    def stop_after_two_chunks(n_written):
        if n_written >= 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, tmp_path, chunk_size=5, on_chunk=stop_after_two_chunks)
    first = store.read_results(tmp_path)
    assert len(first) == 10 and len(store.parts(tmp_path)) == 2
    o = run_sweep(spec, tmp_path, chunk_size=5)
    assert o.skipped == 10 and o.evaluated == 14  # only the missing designs are evaluated
    df = store.read_results(tmp_path)
    assert len(df) == 24 and df.design_hash.is_unique
    a, b = _rows(local[0]), _rows(tmp_path)
    assert a.keys() == b.keys() and all(not same_rows(a[h], b[h], rel=1e-12) for h in a)
    assert run_sweep(spec, tmp_path, chunk_size=5).evaluated == 0  # nothing left to do


def test_a_folder_of_another_sweep_is_refused(local):
    from sianode.errors import InputError

    with pytest.raises(InputError, match="another sweep"):
        run_sweep(parse_spec(SPEC.replace("0.05, 0.1, 0.2", "0.1, 0.3")), local[0])


def test_cli_writes_results_report_and_best_designs(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC)
    app = typer.Typer()
    app.command()(sweep)
    r = CliRunner().invoke(app, [str(spec), "-o", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    out = tmp_path / "out"
    html = (out / "report.html").read_text()
    for title in ("Feasibility map", "Pareto front", "Best designs", "Response to active.si_fraction"):
        assert title in html
    best = sorted((out / "best").glob("design_*.toml"))
    assert best
    from sianode.design import load_design

    d = load_design(best[0])  # a best design is a valid design file
    assert d.active.si_fraction in (0.05, 0.1, 0.2)
    r2 = CliRunner().invoke(app, [str(spec), "-o", str(out)])
    assert r2.exit_code == 0 and "already stored (resumed)" in r2.output
    # resuming with another --bands setting is refused (exit 2) before any progress bar is drawn
    def stored():
        return {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    before = stored()
    r3 = CliRunner().invoke(app, [str(spec), "-o", str(out), "--bands"])
    assert r3.exit_code == 2 and "another sweep" in r3.output and "without --bands" in r3.output
    assert "sweep " not in r3.output.split("another sweep")[0]  # no progress bar before the message
    assert stored() == before  # nothing in the folder changed


def test_local_workers_give_the_same_results(local, tmp_path):
    """--workers 2 (a LocalCluster started by the sweep; threads here to keep the test fast)."""
    o = run_sweep(parse_spec(SPEC), tmp_path, workers=2, threads=True, chunk_size=6)
    assert o.evaluated == 24
    a, b = _rows(local[0]), _rows(tmp_path)
    assert a.keys() == b.keys() and all(not same_rows(a[h], b[h], rel=1e-12) for h in a)


def test_bundled_example_specs_run(tmp_path):
    """The SPECs in examples/ load, name real result keys and run (the hypercube: its first 4 designs)."""
    from pathlib import Path

    from sianode.sweep.runner import check_spec_results, resolve_stages
    from sianode.sweep.spec import load_spec

    examples = Path(__file__).resolve().parents[2] / "examples"
    specs = [examples / "si_size_sweep.toml", examples / "si_graphite_hypercube.toml"]
    for path in specs:
        spec = load_spec(path)
        stages = resolve_stages(spec, None)
        check_spec_results(spec, stages)  # raises InputError naming the line of an unknown key
        if spec.method != "grid":
            spec.n = 4
        out = tmp_path / path.stem
        out.mkdir()
        outcome = run_sweep(spec, out, stages)
        rows = store.read_results(out)
        assert outcome.evaluated == len(rows) > 0 and (rows["status"] == "ok").all(), rows["message"].tolist()
        assert {c.key for c in spec.constraints + spec.objectives} <= set(rows)
        if path.stem == "si_graphite_hypercube":  # a one-value field only fixes a field: no response section
            from sianode.sweep.report import write_report

            html = write_report(out, spec, rows, stages).read_text()
            assert "Response to active.si_fraction" in html and "Response to protocol.cycles" not in html


def test_report_of_many_designs_draws_a_subset_and_says_so(local, monkeypatch, tmp_path):
    """Beyond report.MAX_SHOWN designs the response plots draw a seeded random subset and the caption says how
    many of how many; the feasibility map draws the most common status first (the rare ones stay visible)."""
    import matplotlib.axes

    from sianode.sweep import report

    out, _ = local
    df, spec = store.read_results(out), parse_spec(SPEC)
    drawn = []
    real = matplotlib.axes.Axes.scatter
    monkeypatch.setattr(matplotlib.axes.Axes, "scatter",
                        lambda self, x, y, **kw: drawn.append(kw.get("label")) or real(self, x, y, **kw))
    monkeypatch.setattr(report, "MAX_SHOWN", 10)
    html = report.write_report(tmp_path, spec, df, ["materials", "mechanics"]).read_text()
    assert f"A random 10 of the {int((df.status == 'ok').sum())} designs that ran are shown" in html
    counts = [int(lbl.rsplit("(", 1)[1].rstrip(")")) for lbl in drawn if lbl and "(" in lbl]
    assert len(counts) == 3 and counts == sorted(counts, reverse=True)  # invalid, violating, feasible: most first
    monkeypatch.setattr(report, "MAX_SHOWN", 5000)
    assert "A random" not in report.write_report(tmp_path, spec, df, ["materials", "mechanics"]).read_text()
