"""CLI: literature query/show/table and compare (typer runner, no subprocess)."""
import csv
import io
import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from sianode.literature.cli import compare, literature_app

app = typer.Typer()
app.add_typer(literature_app, name="literature")
app.command("compare")(compare)
runner = CliRunner()
EXAMPLE = Path(__file__).parents[2] / "examples" / "compare_result.toml"


def test_query_table_default():
    r = runner.invoke(app, ["literature", "query", "--family", "porous", "--electrolyte", "liquid",
                            "--min-cycles", "500"])
    assert r.exit_code == 0, r.output
    assert "published records" in r.output and "001-232-npsic" in r.output


def test_query_csv_has_provenance_header_and_filters_hold():
    r = runner.invoke(app, ["literature", "query", "--family", "porous", "--min-cycles", "500", "--format", "csv"])
    assert r.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {"seed", "location", "reference", "flag", "note"} <= set(rows[0])
    assert all(row["family"] == "porous" and int(row["cycles"]) >= 500 for row in rows)


def test_query_json():
    r = runner.invoke(app, ["literature", "query", "--sse", "sulfide", "--electrolyte", "solid", "-f", "json"])
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data and all(d["sse_class"] == "sulfide" and d["location"] for d in data)


def test_bad_filter_value_exits_2_and_lists_valid_values():
    r = runner.invoke(app, ["literature", "query", "--family", "sponge"])
    assert r.exit_code == 2
    assert "valid values" in r.output and "porous" in r.output


def test_show():
    r = runner.invoke(app, ["literature", "show", "001-T1-12h"])
    assert r.exit_code == 0 and "Ct-SiNW" in r.output
    assert runner.invoke(app, ["literature", "show", "nope"]).exit_code == 2


def test_table_command():
    r = runner.invoke(app, ["literature", "table", "industrial_targets", "-f", "csv"])
    assert r.exit_code == 0 and "tg-ice" in r.stdout


def test_compare_writes_html_and_prints_ranks(tmp_path):
    out = tmp_path / "cmp"
    r = runner.invoke(app, ["compare", str(EXAMPLE), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert (out / "compare.html").exists() and "compare.html" in r.output
    assert "percentile" in r.output


def test_compare_missing_fields_exit_2(tmp_path):
    p = tmp_path / "r.toml"
    p.write_text("cycles = 10\n")
    r = runner.invoke(app, ["compare", str(p), "-o", str(tmp_path / "o")])
    assert r.exit_code == 2 and "capacity_mAh_g" in r.output and "retention_pct" in r.output
