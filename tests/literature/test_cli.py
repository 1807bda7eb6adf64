"""CLI: literature query/show/table and compare (typer runner, no subprocess)."""
import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from sianode.literature import cli
from sianode.literature.cli import compare, literature_app

app = typer.Typer()
app.add_typer(literature_app, name="literature")
app.command("compare")(compare)
runner = CliRunner()
EXAMPLE = Path(__file__).parents[2] / "examples" / "compare_result.toml"


@pytest.fixture
def wide(monkeypatch):
    monkeypatch.setattr(cli, "console", Console(width=200, force_terminal=False))


@pytest.fixture
def no_figures(monkeypatch):
    """Figures are tested in test_compare; skipping them keeps these CLI tests fast."""
    from sianode.literature import plots
    monkeypatch.setattr(plots, "ashby_figures", lambda pub, res: [])


def _text(html: str) -> str:
    """The report without its embedded images (base64 can contain any 3 characters)."""
    import re
    return re.sub(r'src="data:[^"]*"', "", html)


def test_query_table_default():
    r = runner.invoke(app, ["literature", "query", "--family", "porous", "--electrolyte", "liquid",
                            "--min-cycles", "500"])
    assert r.exit_code == 0, r.output
    assert "published records" in r.output and "001-232-npsic" in r.output


def test_query_table_shows_current_basis_duplicates_and_published_digits(wide):
    r = runner.invoke(app, ["literature", "query", "--text", "SiO"])
    assert r.exit_code == 0, r.output
    head = r.output.splitlines()[2]
    assert all(c in head for c in ("basis", "at", "dup", "cell mAh/g", "source"))
    assert "1937.6" in r.output and "1938" not in r.output  # 001-231-dsiog, as printed
    assert "001-T1-09h (ice_pct)" in r.output  # the repeated ICE is marked
    r = runner.invoke(app, ["literature", "query", "--cell", "full", "--text", "TiN"])
    assert "133.7" in r.output and "0.165 A/g" in r.output  # a full-cell capacity, in its own column


def test_query_csv_has_provenance_header_and_filters_hold():
    r = runner.invoke(app, ["literature", "query", "--family", "porous", "--min-cycles", "500", "--format", "csv"])
    assert r.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {"seed", "location", "reference", "citation", "flag", "note", "bounds", "source"} <= set(rows[0])
    assert all(row["family"] == "porous" and int(row["cycles"]) >= 500 for row in rows)


def test_query_json():
    r = runner.invoke(app, ["literature", "query", "--sse", "sulfide", "--electrolyte", "solid", "-f", "json"])
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data and all(d["sse_class"] == "sulfide" and d["location"] and d["source"] for d in data)


def test_query_min_areal_capacity_sort_json():
    r = runner.invoke(app, ["literature", "query", "--min-areal-capacity", "3", "--sort", "capacity",
                            "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)  # JSON only on stdout
    assert len(data) >= 10 and all(d["areal_capacity_mAh_cm2"] >= 3 for d in data)
    caps = [d["capacity_mAh_g"] for d in data if d["capacity_mAh_g"] is not None]
    assert caps == sorted(caps, reverse=True) and data[0]["capacity_mAh_g"] == max(caps)
    muscm = next(d for d in data if d["id"] == "001-212-muscm")
    assert muscm["values_as_printed"]["areal_capacity_mAh_cm2"] == "≈3.75"


def test_query_cathode_and_min_capacity_respect_bounds():
    r = runner.invoke(app, ["literature", "query", "--min-capacity", "1000", "-f", "json"])
    ids = {d["id"] for d in json.loads(r.stdout)}
    assert "004-52-grandjean-lsnps" not in ids and "004-T2-mpss" in ids
    r = runner.invoke(app, ["literature", "query", "--cathode", "NCM811", "-f", "json"])
    assert all("NCM811" in d["cathode"] for d in json.loads(r.stdout))


def test_bad_filter_value_exits_2_and_lists_valid_values():
    r = runner.invoke(app, ["literature", "query", "--family", "sponge"])
    assert r.exit_code == 2
    assert "valid values" in r.output and "porous" in r.output
    r = runner.invoke(app, ["literature", "query", "--sort", "colour"])
    assert r.exit_code == 2 and "valid keys" in r.output


def test_show():
    r = runner.invoke(app, ["literature", "show", "001-T1-12h"])
    assert r.exit_code == 0 and "Ct-SiNW" in r.output and "Yang et al., Adv. Funct. Mater. 2022" in r.output
    assert runner.invoke(app, ["literature", "show", "nope"]).exit_code == 2


def test_show_json():
    r = runner.invoke(app, ["literature", "show", "004-52-grandjean-lsnps", "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["id"] == "004-52-grandjean-lsnps" and d["capacity_mAh_g"] == 1000
    assert d["values_as_printed"]["capacity_mAh_g"] == "<1000" and d["bounds"] == "capacity_mAh_g <"
    assert d["source"].startswith("Grandjean et al., J. Power Sources 2023; quoted in Zhang et al., RSC Adv. 2025")


def test_table_command():
    r = runner.invoke(app, ["literature", "table", "industrial_targets", "-f", "csv"])
    assert r.exit_code == 0 and "tg-ice" in r.stdout
    r = runner.invoke(app, ["literature", "table", "solid_electrolytes", "-f", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["material"]


def test_compare_writes_html_and_prints_ranks_with_n(tmp_path, wide):
    out = tmp_path / "cmp"
    r = runner.invoke(app, ["compare", str(EXAMPLE), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert (out / "compare.html").exists() and "compare.html" in r.output
    head = next(line for line in r.output.splitlines() if "percentile" in line)
    assert "┃ n ┃" in head.replace(" ", "").replace("┃n┃", "┃ n ┃")
    assert "Retention after 500 cycles (%)" in r.output
    assert "e+0" not in _text((out / "compare.html").read_text(encoding="utf-8"))


def test_compare_default_output_folder_and_json_only(tmp_path, monkeypatch, no_figures):
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["compare", str(EXAMPLE), "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert (tmp_path / "sianode-output" / "compare_result" / "compare.html").exists()
    assert d["outputs"]["report"].endswith("compare.html") and all("n" in x for x in d["ranks"])


def test_compare_summary_json_of_sianode_run(tmp_path, chain_summary, wide, no_figures):
    p = tmp_path / "out" / "summary.json"
    p.parent.mkdir()
    p.write_text(json.dumps(chain_summary))
    r = runner.invoke(app, ["compare", str(p), "-o", str(tmp_path / "c")])
    assert r.exit_code == 0, r.output
    assert "Capacity after 100 cycles" in r.output and "ICE" in r.output
    assert (tmp_path / "c" / "ranks.csv").exists()


def test_compare_cycles_csv_of_sianode_analyze(tmp_path, no_figures):
    cyc = np.arange(1, 101)
    rev = 1800 * 0.998 ** (cyc - 1)
    p = tmp_path / "analysis" / "cell7_cycles.csv"
    p.parent.mkdir()
    pd.DataFrame({"cycle": cyc, "coulombic_efficiency": np.r_[0.88, np.full(99, 0.997)],
                  "reversible_capacity_mAh_g": rev, "delithiation_capacity_mAh_g": rev,
                  "lithiation_capacity_mAh": rev / 1000, "complete": True, "retention": rev / rev[0]}).to_csv(p)
    before = p.read_bytes()
    r = runner.invoke(app, ["compare", str(p), "-o", str(tmp_path / "c"), "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    ranks = {(x["metric"], x["basis"]): x for x in d["ranks"]}
    assert ranks[("ice_pct", "")]["value"] == pytest.approx(88.0)
    assert ranks[("retention_pct", "")]["cycles"] == 100 and ranks[("retention_pct", "")]["n"] > 0
    assert d["result"]["name"] == "cell7" and p.read_bytes() == before


def test_compare_output_folder_that_is_a_file_exits_2(tmp_path):
    f = tmp_path / "taken"
    f.write_text("x")
    r = runner.invoke(app, ["compare", str(EXAMPLE), "-o", str(f)])
    assert r.exit_code == 2 and "is a file, not a folder" in " ".join(r.output.split()) and f.read_text() == "x"


def test_compare_missing_fields_exit_2(tmp_path):
    p = tmp_path / "r.toml"
    p.write_text("cycles = 10\n")
    r = runner.invoke(app, ["compare", str(p), "-o", str(tmp_path / "o")])
    assert r.exit_code == 2 and "capacity_mAh_g" in r.output and "retention_pct" in r.output
