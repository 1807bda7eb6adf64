"""`sianode diff`: inputs that differ and every result side by side, through the chain."""
import pandas as pd
import typer
from typer.testing import CliRunner

from sianode.chain import ModelChain
from sianode.design.loader import load_example
from sianode.diff import diff, flatten

ROOT = __import__("pathlib").Path(__file__).parents[1]


def _app():
    app = typer.Typer()
    app.command()(diff)
    return app


def test_two_designs_side_by_side(tmp_path):
    b = ROOT / "examples" / "si_graphite_20pct.toml"
    r = CliRunner().invoke(_app(), ["nano_si_graphite", str(b), "-s", "materials", "-o", str(tmp_path)])
    assert r.exit_code == 0, r.output
    inputs = pd.read_csv(tmp_path / "inputs.csv")
    assert "active.si_fraction" in set(inputs.field)
    assert "active.silicon.diameter_nm" not in set(inputs.field)  # equal inputs are not listed
    res = pd.read_csv(tmp_path / "diff.csv")
    full = ModelChain(load_example("nano_si_graphite"), ["materials"]).run().summary
    assert len(res) == len(full)  # every result, not only those that differ
    row = res[res.result == "reversible_capacity_mAh_g"].iloc[0]
    a, bb = float(row["nano_si_graphite"]), float(row["si_graphite_20pct"])  # a column of mixed types in CSV
    assert a == full["materials.reversible_capacity_mAh_g"] and bb > a  # twice the Si, more capacity
    assert float(row["si_graphite_20pct − nano_si_graphite"]) == bb - a
    assert (tmp_path / "diff.html").exists() and "A = nano_si_graphite  B = si_graphite_20pct" in r.output


def test_one_design_is_not_a_comparison(tmp_path):
    r = CliRunner().invoke(_app(), ["nano_si_graphite", "-o", str(tmp_path)])
    assert r.exit_code == 2 and "at least two designs" in r.output


def test_flatten_keeps_additive_tables_whole():
    f = flatten(load_example("nano_si_graphite").model_dump(mode="json"))
    assert f["electrolyte.additives_wt_pct"] == {"FEC": 10.0, "VC": 1.0}
    assert f["active.silicon.diameter_nm"] == 100.0
