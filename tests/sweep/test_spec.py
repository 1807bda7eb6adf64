"""The sweep SPEC: formats that work, and bad SPECs that exit 2 naming the line."""
import re

import pytest
import typer
from typer.testing import CliRunner

from sianode.errors import InputError
from sianode.sweep.cli import sweep
from sianode.sweep.sampling import Samples, design_data
from sianode.sweep.spec import parse_spec
from sianode.sweep.tomllines import key_lines

GOOD = """\
base = "nano_si_graphite"
stages = ["materials", "mechanics"]
constraints = ["mechanics.fractures == false"]
objectives = ["minimize mechanics.electrode_thickness_change_pct"]

[sampling]
method = "grid"

[vary]
"active.silicon.phase" = ["crystalline", "amorphous"]
"active.silicon.diameter_nm" = { range = [0.05, 0.45], step = 0.1, unit = "um" }

[vary.electrode]
press_density_g_cm3 = [1.5, 1.6]
"""


def test_good_spec_grid_units_and_nested_tables():
    spec = parse_spec(GOOD, "good.toml")
    paths = [f.path for f in spec.fields]
    assert paths == ["active.silicon.phase", "active.silicon.diameter_nm", "electrode.press_density_g_cm3"]
    d = spec.fields[1]
    assert d.values == pytest.approx([50.0, 150.0, 250.0, 350.0, 450.0])  # µm converted to the field's nm
    s = Samples(spec)
    assert len(s) == 2 * 5 * 2
    rows = s.rows()
    assert len({tuple(r.values()) for r in rows}) == len(rows)  # every combination once
    data = design_data(spec.base_data, rows[3])
    assert data["active"]["silicon"]["diameter_nm"] == rows[3]["active.silicon.diameter_nm"]
    assert spec.constraints[0].holds(False) and not spec.constraints[0].holds(True)
    assert spec.objectives[0].sense == -1


def test_random_and_lhs_are_seeded():
    text = GOOD.replace('method = "grid"', 'method = "lhs"\nn = 12\nseed = 3')
    a, b = Samples(parse_spec(text)).rows(), Samples(parse_spec(text)).rows()
    assert a == b and len(a) == 12
    c = Samples(parse_spec(text.replace("seed = 3", "seed = 4"))).rows()
    assert a != c
    # a Latin hypercube puts one design in each of the n strata of a continuous range
    t = text.replace('{ range = [0.05, 0.45], step = 0.1, unit = "um" }', "{ range = [50, 450] }")
    d = [r["active.silicon.diameter_nm"] for r in Samples(parse_spec(t)).rows()]
    assert sorted(int((x - 50) / 400 * 12) for x in d) == list(range(12))


def test_key_lines_sees_headers_inline_keys_and_array_items():
    lines = key_lines(GOOD)
    assert lines[("constraints", 0)] == 3
    assert lines[("vary", "active.silicon.diameter_nm", "unit")] == 11
    assert lines[("vary", "electrode", "press_density_g_cm3")] == 14


BAD = [
    # (replace this, with that, expected line, words in the message)
    ('"active.silicon.phase"', '"active.silicon.phaze"', 10, ["unknown key 'phaze'", "phase"]),
    ("range = [0.05, 0.45]", "range = [0.45, 0.05]", 11, ["empty range"]),
    ('unit = "um"', 'unit = "mg"', 11, ["unit mismatch", "nm"]),
    ("press_density_g_cm3 = [1.5, 1.6]", "press_density_g_cm3 = []", 14, ["empty list"]),
    ('"mechanics.fractures == false"', '"mechanics.fractures = false"', 3, ["KEY OP VALUE"]),
    ('method = "grid"', 'method = "random"', 6, ["needs n"]),
    ('method = "grid"', 'method = "sobol"', 7, ["grid, random, lhs"]),
    ('stages = ["materials", "mechanics"]', 'stages = ["materials", "mechanix"]', 2, ["unknown stage"]),
    ('"active.silicon.phase" = ["crystalline", "amorphous"]',
     '"active.silicon.phase" = ["crystalline"]\nobjectives = ["max cell.x"]', 11, ["inside [vary]"]),
    ('"active.silicon.diameter_nm" = { range', '"electrod.porosity" = [0.3]\n"active.silicon.diameter_nm" = { range',
     11, ["unknown key 'electrod'"]),
    ('"active.silicon.diameter_nm" = { range = [0.05, 0.45], step = 0.1, unit = "um" }',
     '"active.silicon.diameter_nm" = { distribution = "uniform", low = 50, high = 450 }', 11, ["random' or 'lhs"]),
]


@pytest.mark.parametrize("old,new,line,words", BAD, ids=[b[3][0] for b in BAD])
def test_bad_spec_names_the_line(old, new, line, words):
    assert old in GOOD
    with pytest.raises(InputError) as e:
        parse_spec(GOOD.replace(old, new), "bad.toml")
    msg = str(e.value)
    assert f"bad.toml line {line}" in msg, msg
    for w in words:
        assert w in msg, msg


def _app():
    app = typer.Typer()
    app.command()(sweep)
    return app


def test_cli_exit_2_with_file_and_line(tmp_path):
    p = tmp_path / "spec.toml"
    p.write_text(GOOD.replace('"active.silicon.phase"', '"active.silicon.phaze"'))
    r = CliRunner().invoke(_app(), [str(p), "-o", str(tmp_path / "out")])
    assert r.exit_code == 2, r.output
    assert re.search(r"spec\.toml\s+line\s+10", r.output), r.output


def test_cli_unknown_result_in_a_constraint_exits_2(tmp_path):
    p = tmp_path / "spec.toml"
    p.write_text(GOOD.replace("mechanics.fractures == false", "mechanics.fracturez == false")
                 .replace("step = 0.1", "step = 0.4"))
    r = CliRunner().invoke(_app(), [str(p), "-o", str(tmp_path / "out")])
    assert r.exit_code == 2, r.output
    assert "line 3" in r.output and "mechanics.fractures" in r.output  # the suggestion
    p.write_text(GOOD.replace("mechanics.fractures == false", "life.cycles_to_80pct >= 500"))
    r = CliRunner().invoke(_app(), [str(p), "-o", str(tmp_path / "out2")])
    assert r.exit_code == 2 and "'life' stage is not run" in r.output, r.output
