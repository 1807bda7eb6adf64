"""One design, one answer: every stage of every bundled example gives the same summary when it is run alone
(``sianode run D -s STAGE``: the chain runs its requirements) as in the full run (``sianode run D``), and
both summary.json files are strict JSON (issue 11).

One full run per example is shared by the parametrised cases (module-scoped fixture).
"""
from __future__ import annotations

import json
import math

import pytest

from sianode.chain import STAGES, ModelChain
from sianode.design.loader import example_names, load_example


def _strict(path):
    def reject(c):
        raise ValueError(f"{path}: non-standard JSON constant {c}")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=reject)


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    return a == b


@pytest.fixture(scope="module")
def full_runs(tmp_path_factory, example_runs):
    out = {}
    for name in example_names():
        run = example_runs[name]  # one full run per example, shared with the report tests (tests/conftest.py)
        assert not run.failures, [(f.stage, f.message) for f in run.failures]
        d = tmp_path_factory.mktemp(f"full_{name}")
        run.write(d)  # the writer of `sianode run`
        out[name] = _strict(d / "summary.json")
    return out


@pytest.mark.parametrize("stage", list(STAGES))
@pytest.mark.parametrize("example", example_names())
def test_stage_alone_equals_full_run(full_runs, example, stage, tmp_path):
    run = ModelChain(load_example(example), [stage]).run()
    assert not run.failures, [(f.stage, f.message) for f in run.failures]
    run.write(tmp_path)
    alone = _strict(tmp_path / "summary.json")
    full = {k: v for k, v in full_runs[example].items() if k.startswith(f"{stage}.")}
    assert alone, "the stage reported nothing"
    assert set(alone) == set(full)  # only the requested stage is written
    diff = {k: (v, full[k]) for k, v in alone.items() if not _same(v, full[k])}
    assert not diff, diff
    assert not any(isinstance(v, float) and not math.isfinite(v) for v in alone.values())


def test_cli_stage_alone_equals_full_run(tmp_path):
    """The command line itself: `sianode run D -s mechanics` and `sianode run D` (cheap stages only)."""
    from typer.testing import CliRunner

    from sianode.cli import app

    d = tmp_path / "d.toml"
    from sianode.design.loader import example_text

    d.write_text(example_text("porous_micro_si"), encoding="utf-8")
    r1 = CliRunner().invoke(app, ["run", str(d), "-s", "mechanics", "-o", str(tmp_path / "a")])
    r2 = CliRunner().invoke(app, ["run", str(d), "-s", "materials", "-s", "mechanics", "-s", "life",
                                  "-o", str(tmp_path / "b")])
    assert r1.exit_code == 0 and r2.exit_code == 0, (r1.output, r2.output)
    a, b = _strict(tmp_path / "a" / "summary.json"), _strict(tmp_path / "b" / "summary.json")
    assert a == {k: v for k, v in b.items() if k.startswith("mechanics.")}
