"""The report's "where true/false results change" table (sweep.report.transitions) against a plain loop over the
groups of held values (the reference: each group sorted along the field, every neighbouring pair compared)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sianode.sweep.report import _flipping_booleans, transitions
from sianode.sweep.spec import load_spec

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _booleans(ok) -> list[str]:
    """The true/false results that flip, value by value (the reference of report._flipping_booleans)."""
    return [c for c in ok.columns if not c.startswith("input.") and c not in ("status", "message")
            and ok[c].dropna().map(lambda v: isinstance(v, (bool, np.bool_))).all() and ok[c].nunique() == 2]


def _reference(df, spec) -> pd.DataFrame:
    ok = df[df.status == "ok"]
    rows = []
    for f in [f for f in spec.fields if f.numeric]:
        x = f"input.{f.path}"
        others = [f"input.{g.path}" for g in spec.fields if g is not f]
        for key, g in ok.groupby(others, dropna=False):
            key = key if isinstance(key, tuple) else (key,)
            g = g.sort_values(x, kind="stable")
            for b in _booleans(ok):
                v = g[b].astype(bool).to_numpy()
                xs = pd.to_numeric(g[x]).to_numpy()
                for k in np.flatnonzero(v[1:] != v[:-1]):
                    rows.append({**{o[len("input."):]: val for o, val in zip(others, key)}, "result": b,
                                 "along": f.path, "from": xs[k], "to": xs[k + 1], "change": f"{v[k]} → {v[k + 1]}"})
    return pd.DataFrame(rows)


def _results(spec, n_designs, rng, repeat_held: bool) -> pd.DataFrame:
    """Synthetic results over the SPEC's fields: two true/false results with thresholds, some noise, a failed
    design; ``repeat_held``: the held values repeat (a grid), else every design has its own (a hypercube)."""
    cols = {}
    for f in spec.fields:
        if f.numeric:
            vals = np.round(rng.uniform(50, 5000, n_designs), 0 if repeat_held else 6)
            cols[f"input.{f.path}"] = rng.choice(vals[:9], n_designs) if repeat_held else vals
        else:
            cols[f"input.{f.path}"] = rng.choice(["crystalline", "amorphous"], n_designs)
    df = pd.DataFrame(cols)
    size = df["input.active.silicon.diameter_nm"]
    df["mechanics.fractures"] = (size > np.where(df["input.active.silicon.phase"] == "crystalline", 150, 900))
    df["mechanics.fractures"] ^= rng.random(n_designs) < 0.1  # not monotonic: several changes per group
    df["cell.fits"] = size < 3000
    df["mechanics.margin"] = size / 1000.0  # not true/false: no row
    knee = pd.Series(size > 2000, dtype=object)  # true/false with nulls, as Parquet gives such a column back
    knee[rng.random(n_designs) < 0.2] = None
    df["life.has_knee"] = knee
    df["cell.note"] = pd.Series(np.where(size > 1000, "big", None), dtype=object)  # text: no row
    df["cell.all_null"] = pd.Series([None] * n_designs, dtype=object)
    df["status"] = np.where(rng.random(n_designs) < 0.05, "failed", "ok")
    return df


@pytest.mark.parametrize("repeat_held", [True, False])
def test_transitions_equal_the_loop_over_groups(repeat_held):
    spec = load_spec(EXAMPLES / "si_size_sweep.toml")
    df = _results(spec, 400, np.random.default_rng(18), repeat_held)
    got, want = transitions(df, spec), _reference(df, spec)
    assert len(want) > (20 if repeat_held else 0)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_dtype=False)


def test_the_true_false_results_are_those_value_by_value():
    spec = load_spec(EXAMPLES / "si_size_sweep.toml")
    ok = _results(spec, 300, np.random.default_rng(7), True).query("status == 'ok'")
    assert _flipping_booleans(ok) == _booleans(ok) == ["mechanics.fractures", "cell.fits", "life.has_knee"]


def test_no_true_false_result_no_rows():
    spec = load_spec(EXAMPLES / "si_size_sweep.toml")
    df = _results(spec, 50, np.random.default_rng(1), True).drop(columns=["mechanics.fractures", "cell.fits", "life.has_knee"])
    assert transitions(df, spec).empty
