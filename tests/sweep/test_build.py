"""The sweep's fast design build and design hash give exactly what the full validation and the full hash give.

``DesignBuilder(base).build(values)`` must equal ``design_from_dict(design_data(base, values))``: the same Design
(``==``, the same ``model_dump()``, the same fields set in every section) for a valid row, the same InputError
message for an invalid one. ``DesignHasher`` must give ``design_hash(design_data(base, values), stages)``, the
key a stored results folder is resumed by.
"""
from __future__ import annotations

import json
import math
import random
import tomllib
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pydantic import BaseModel

from sianode.design import loader
from sianode.design.loader import design_from_dict, example_names, example_text
from sianode.errors import InputError
from sianode.sweep import store
from sianode.sweep.runner import evaluate_chunk, evaluate_part, Task
from sianode.sweep.sampling import DesignBuilder, DesignHasher, Samples, design_data, design_hash
from sianode.sweep.spec import load_spec

BAD = [-1.0, 0.0, 0, float("nan"), float("inf"), -float("inf"), 1e9, "abc", None, True, "", 2**40]

# Varied fields (across every family and cell kind; a path the base does not have is an invalid row) and valid values.
FIELDS = {
    "active.silicon.diameter_nm": lambda r: r.uniform(5, 8000),
    "active.silicon.phase": lambda r: r.choice(["crystalline", "amorphous", "glassy"]),
    "active.silicon.family": lambda r: r.choice(["si_particles", "siox", "hollow"]),
    "active.silicon.coatings.outer.thickness_nm": lambda r: r.uniform(0, 80),
    "active.si_fraction": lambda r: r.uniform(0, 1),
    "active.diameter_nm": lambda r: r.uniform(5, 8000),
    "active.phase": lambda r: r.choice(["crystalline", "amorphous"]),
    "active.si_wt_frac": lambda r: r.uniform(0.05, 0.8),
    "active.family": lambda r: r.choice(["cvd_si_c", "si_particles"]),
    "active.graphite_type": lambda r: r.choice(["natural", "artificial", "synthetic"]),
    "electrode.loading_mg_cm2": lambda r: r.uniform(0.5, 70),
    "electrode.press_density_g_cm3": lambda r: r.uniform(0.8, 3.2),
    "electrode.porosity": lambda r: r.uniform(0.1, 0.6),
    "electrode.active_wt_frac": lambda r: r.choice([0.8, 0.9, 0.95, 0.5]),
    "electrode.binder": lambda r: r.choice(["PVDF", "PAA", "glue"]),
    "electrolyte.kind": lambda r: r.choice(["liquid", "gel", "solid"]),
    "electrolyte.salt_molarity_M": lambda r: r.uniform(0.5, 12),
    "electrolyte.additives_wt_pct.FEC": lambda r: r.uniform(0, 60),
    "cell.kind": lambda r: r.choice(["half", "full", "quarter"]),
    "cell.cathode": lambda r: r.choice(["NCM811", "LFP", "NCA", "NMC"]),
    "cell.np_ratio": lambda r: r.uniform(0.8, 1.6),
    "cell.cathode_loading_mg_cm2": lambda r: r.uniform(5, 90),
    "cell.format": lambda r: r.choice(["pouch", "coin", "18650", "21700", "cylindrical", "prismatic", "bogus"]),
    "cell.pouch.n_cathodes": lambda r: r.choice([1, 12, 30, 600, 2.5]),
    "cell.cylindrical.height_mm": lambda r: r.uniform(10, 200),
    "protocol.c_rate": lambda r: math.exp(r.uniform(math.log(0.05), math.log(30))),
    "protocol.cycles": lambda r: r.choice([1, 100, 500, 1000, 2.0, 2.5, 200000]),
    "protocol.v_max_V": lambda r: r.uniform(0.5, 4.4),
    "protocol.v_min_V": lambda r: r.uniform(0.0, 3.0),
    "protocol.temperature_C": lambda r: r.uniform(-70, 130),
    "name": lambda r: r.choice(["a", "Zoë \"quoted\"", ""]),
    "calibration.level": lambda r: r.uniform(0.4, 1.0),
}


def _bases() -> dict[str, dict]:
    return {n: tomllib.loads(example_text(n)) for n in example_names()}


def _sections(m: BaseModel, at: str = "") -> dict[str, tuple]:
    """(type, fields set) of every section of a design, by dotted location."""
    out = {at: (type(m), frozenset(m.model_fields_set))}
    for k in type(m).model_fields:
        v = getattr(m, k)
        if isinstance(v, BaseModel):
            out.update(_sections(v, f"{at}.{k}"))
    return out


def _outcome(fn):
    try:
        return fn(), None
    except InputError as e:
        return None, str(e)


def _problems(builder: DesignBuilder, base: dict, row: dict) -> list[str]:
    """How the fast build of ``row`` differs from the full validation (empty: identical)."""
    got, got_err = _outcome(lambda: builder.build(row, source="design 7"))
    ref, ref_err = _outcome(lambda: design_from_dict(design_data(base, row), source="design 7"))
    if ref_err is not None or got_err is not None:
        return [] if got_err == ref_err else [f"messages differ: {got_err!r} vs {ref_err!r}"]
    bad = []
    dump = lambda d: json.dumps(d.model_dump(), sort_keys=True, default=repr)  # noqa: E731 - NaN == NaN here
    if dump(got) != dump(ref):
        bad.append("model_dump differs")
    if got != ref and dump(got) == dump(ref) and "nan" not in dump(got).lower():
        bad.append("== differs")
    if _sections(got) != _sections(ref):
        bad.append("section types or fields set differ")
    return bad


def _rows(rng: random.Random, n: int) -> list[dict]:
    rows = []
    for _ in range(n):
        paths = rng.sample(sorted(FIELDS), rng.randint(1, 4))
        rows.append({p: (rng.choice(BAD) if rng.random() < 0.25 else FIELDS[p](rng)) for p in paths})
    return rows


@pytest.fixture
def fast_calls(monkeypatch):
    """Counts the rows the assignment path built (so that the property test cannot pass by never using it)."""
    calls = {"n": 0}
    real = loader.with_values

    def counted(*a, **k):
        out = real(*a, **k)
        calls["n"] += 1
        return out

    monkeypatch.setattr(loader, "with_values", counted)
    return calls


@pytest.mark.parametrize("name", example_names())
def test_fast_build_equals_full_validation(name, fast_calls):
    base = _bases()[name]
    builder = DesignBuilder(base)
    assert builder.base is not None
    rng = random.Random(f"b18-{name}")
    rows = _rows(rng, 400)
    n_valid = 0
    for row in rows:
        assert not _problems(builder, base, row), (name, row, _problems(builder, base, row))
        n_valid += _outcome(lambda: design_from_dict(design_data(base, row)))[1] is None
    assert n_valid > 40 and fast_calls["n"] > n_valid // 3  # enough valid rows, most of them built by assignment


def test_fast_build_on_the_benchmark_spec(fast_calls):
    """The rows of the benchmark SPEC (benchmarks/sweep.py), every one built by assignment, and several SPEC rows
    with the same values in another order or more fields."""
    spec = load_spec(Path(__file__).resolve().parents[2] / "examples" / "si_graphite_hypercube.toml")
    spec.n = 300
    builder = DesignBuilder(spec.base_data)
    rows = Samples(spec).rows()
    for row in rows + [dict(reversed(list(r.items()))) for r in rows[:20]]:
        assert not _problems(builder, spec.base_data, row), row
    assert fast_calls["n"] == len(rows) + 20


@pytest.mark.parametrize("row", [
    {"protocol.v_min_V": 2.9, "protocol.v_max_V": 4.3},           # valid together, not one after the other
    {"protocol.c_rate": None, "protocol.current_A_g": 0.5},       # the same
    {"electrode.porosity": 0.3},                                   # both porosity and press density: invalid
    {"electrode.porosity": 0.3, "electrode.press_density_g_cm3": None},
    {"cell.kind": "half"},                                         # full-cell window on a half cell
    {"cell.np_ratio": 0.9}, {"cell.np_ratio": 0.9, "cell.allow_np_below_1": True},
    {"cell.format": "cylindrical"}, {"cell.format": "18650"},
    {"electrode.loading_mg_cm2": 3.0, "cell.cathode_loading_mg_cm2": 15.0},
    {"active.silicon.diameter_nm": 8.0},                          # the coating is thicker than the particle
    {"active.silicon.coatings.outer": None},                      # a section set to a value
    {"active.silicon": "si_particles"}, {"cell": 3},
    {"active.silicon.diameter_nm": "200"}, {"protocol.cycles": 3.0}, {"protocol.cycles": "500"},
    {"active.silicon.unknown_nm": 5.0}, {"activ.si_fraction": 0.2},
    {"electrolyte.solvents": ["EC", "DMC"]}, {"electrolyte.additives_wt_pct": {"FEC": 5.0}},
    {"cell.prelithiation.method": "SLMP"}, {"cell.pouch.electrode_width_mm": 80.0},
])
def test_fast_build_edge_rows(row):
    base = _bases()["nano_si_graphite"]
    assert not _problems(DesignBuilder(base), base, row)


def test_the_design_checks_run_once_every_section_is_in_place(fast_calls):
    """A half cell made a full cell with its window: the cell section alone (old window) fails the design's cross
    check, the two together pass; the design's validators run on the final design (as validating the mapping
    does), so the row is built by assignment and equals the full validation."""
    base = _bases()["siox"]
    row = {"cell.kind": "full", "protocol.v_max_V": 4.2, "protocol.v_min_V": 2.8}
    assert not _problems(DesignBuilder(base), base, row)
    assert fast_calls["n"] == 1
    assert _problems(DesignBuilder(base), base, {"cell.kind": "full"}) == []  # alone: the same error both ways


def test_the_comparison_catches_a_wrong_fast_path(monkeypatch):
    """The property test can fail: a fast path that sets values without validating them is caught."""
    def unvalidated(design, plan, values):
        d = design.model_copy(deep=True)
        for path, v in values.items():
            *head, leaf = path.split(".")
            node = d
            for p in head:
                node = getattr(node, p)
            node.__dict__[leaf] = v
        return d

    monkeypatch.setattr(loader, "with_values", unvalidated)
    base = _bases()["nano_si_graphite"]
    b = DesignBuilder(base)
    assert _problems(b, base, {"protocol.cycles": -5})                    # accepted where the schema rejects it
    with pytest.warns(UserWarning):  # pydantic warns when it dumps a float held in an int field
        assert _problems(b, base, {"protocol.cycles": 500.0})             # not coerced to int (dump differs)
    assert _problems(b, base, {"protocol.rest_h": 2.0})                   # field not marked as set


def test_invalid_base_gives_the_full_validation_message():
    base = _bases()["nano_si_graphite"] | {"protocol": {"c_rate": -1.0}}
    b = DesignBuilder(base)
    assert b.base is None
    assert not _problems(b, base, {"protocol.cycles": 100})


HASH_STAGES = ["materials", "mechanics", "life", "cell"]


def test_hash_is_unchanged():
    """Hashes computed by the code before the fast hash (main 5b2d356): stored results folders still resume."""
    base = _bases()["nano_si_graphite"]
    row = {"active.silicon.diameter_nm": 250.0, "active.silicon.phase": "amorphous", "protocol.cycles": 500}
    assert DesignHasher(base, row, HASH_STAGES).hash(row) == "3a675f73bb591e123ebb"
    row = {"cell.pouch.n_cathodes": 12, "name": 'Zoë "quoted"', "protocol.c_rate": float("nan")}
    assert DesignHasher(base, row, ["materials"]).hash(row) == "af7fc347e63fb3137648"


@pytest.mark.parametrize("name", example_names())
def test_fast_hash_equals_full_hash(name):
    base = _bases()[name]
    rng = random.Random(f"hash-{name}")
    odd = [float("nan"), float("inf"), None, True, 3, "x\"y\\z é \u0000", ["EC", "DMC"], {"b": 1, "a": [2.5]}, 1e-300]
    for paths in (["active.si_fraction", "protocol.c_rate", "cell.np_ratio"], ["name", "cell.pouch.n_cathodes"],
                  ["electrolyte.additives_wt_pct.FEC", "new.section.value", "protocol.cycles"]):
        h = DesignHasher(base, paths, HASH_STAGES)
        assert h._pieces is not None
        for _ in range(60):
            row = {p: rng.choice(odd) if rng.random() < 0.4 else rng.uniform(-1, 1e4) for p in paths}
            assert h.hash(row) == design_hash(design_data(base, row), HASH_STAGES), row
        other = dict(reversed(list(row.items())))                  # another order: hashed in full, same key
        assert h.hash(other) == design_hash(design_data(base, other), HASH_STAGES)


def test_hash_of_paths_the_template_cannot_take():
    base = _bases()["siox"]
    overlapping = {"cell": {"np_ratio": 1.2}, "cell.kind": "full"}
    h = DesignHasher(base, overlapping, HASH_STAGES)
    assert h._pieces is None and h.hash(overlapping) == design_hash(design_data(base, overlapping), HASH_STAGES)
    through_a_value = {"name.first": "x"}
    h = DesignHasher(base, through_a_value, HASH_STAGES)
    assert h._pieces is None
    with pytest.raises(InputError) as fast:
        h.hash(through_a_value)
    with pytest.raises(InputError) as full:
        design_data(base, through_a_value)
    assert str(fast.value) == str(full.value)


def test_a_chunk_of_values_gives_the_rows_of_a_chunk_of_mappings():
    """evaluate_chunk with (index, hash, values) and the base == with (index, hash, values, mapping), invalid rows
    included; the cluster task's Arrow table is the table of those rows."""
    base = _bases()["nano_si_graphite"]
    values = [{"active.silicon.diameter_nm": d, "protocol.c_rate": c} for d, c in
              [(80.0, 0.5), (-3.0, 0.5), (400.0, 2.0), (150.0, 99.0), (2000.0, 0.1)]]
    items = [(i, f"h{i}", v) for i, v in enumerate(values)]
    stages = ["materials", "mechanics"]
    got = evaluate_chunk(items, stages, base=base)
    ref = evaluate_chunk([it + (design_data(base, it[2]),) for it in items], stages)
    assert json.dumps(got, default=repr) == json.dumps(ref, default=repr)
    assert [r["status"] for r in got].count("invalid") == 2
    assert evaluate_part(Task(items, stages, "batch", None, base)).equals(store.table(ref))
    first_invalid = items[1:] + items[:1]  # the first row has no stage values: the order of columns still follows
    assert evaluate_part(Task(first_invalid, stages, "batch", None, base)).equals(
        store.table(evaluate_chunk(first_invalid, stages, base=base)))


def test_a_part_written_from_a_table_equals_one_written_from_rows(tmp_path):
    rows = evaluate_chunk([(i, f"h{i}", {"protocol.c_rate": c}) for i, c in enumerate([0.2, -1.0, 1.0])],
                          ["materials"], base=_bases()["siox"])
    a = store.write_part(tmp_path / "a", rows)
    b = store.write_part(tmp_path / "b", store.table(rows))
    assert a.name[:15] == b.name[:15] and pq.read_table(a).equals(pq.read_table(b))


def test_no_assignment_where_a_model_validates_differently_by_assignment():
    """A section with a field validator (it could read ``info.data``), a "before" model validator or a post-init
    hook is never built by assignment; plain sections with "after" validators are."""
    from pydantic import ConfigDict, field_validator, model_validator

    class Plain(BaseModel):
        model_config = ConfigDict(extra="forbid", validate_assignment=True)
        x: float = 1.0

        @model_validator(mode="after")
        def _ok(self):
            return self

    class WithField(Plain):
        @field_validator("x")
        @classmethod
        def _x(cls, v, info):
            return v

    class WithBefore(Plain):
        @model_validator(mode="before")
        @classmethod
        def _b(cls, data):
            return data

    class WithPostInit(Plain):
        def model_post_init(self, context):
            pass

    class Root(BaseModel):
        model_config = ConfigDict(extra="forbid", validate_assignment=True)
        a: Plain = Plain()
        b: WithField = WithField()
        c: WithBefore = WithBefore()
        d: WithPostInit = WithPostInit()

    data = {k: {"x": 2.0} for k in "abcd"}
    root = Root.model_validate(data)
    assert loader.assignment_plan(root, data, ["a.x"]) == {"a": {"x": None}}
    for k in "bcd":
        assert loader.assignment_plan(root, data, [f"{k}.x"]) is None
        assert loader.assignment_plan(root, data, ["a.x", f"{k}.x"]) is None


def test_evaluation_leaves_designs_that_share_sections_unchanged():
    """Designs built by assignment share their unchanged sections with the base and with each other: evaluating
    them through every batch stage must change none of them (no stage writes into a design)."""
    from sianode.sweep.evaluate import BatchEvaluator

    base = _bases()["nano_si_graphite"]
    b = DesignBuilder(base)
    designs = [b.build({"active.silicon.diameter_nm": d, "protocol.c_rate": c}) for d, c in
               [(60.0, 0.2), (300.0, 1.0), (1500.0, 2.0)]]
    assert designs[0].cell is designs[1].cell is b.base.cell  # shared, as intended
    before = [json.dumps(d.model_dump(), default=repr) for d in [b.base, *designs]]
    BatchEvaluator().evaluate(designs, ["materials", "mechanics", "life", "cell"], {"life": {"samples": 0}})
    assert [json.dumps(d.model_dump(), default=repr) for d in [b.base, *designs]] == before


def test_a_task_pauses_the_cyclic_collector_and_restores_it():
    import gc

    base = _bases()["siox"]
    assert gc.isenabled()
    evaluate_part(Task([(0, "h0", {"protocol.c_rate": 0.5})], ["materials"], "batch", None, base))
    assert gc.isenabled()
    with pytest.raises(InputError):  # an unknown stage raises out of the task: the collector is on again
        evaluate_part(Task([(0, "h0", {"protocol.c_rate": 0.5})], ["nope"], "batch", None, base))
    assert gc.isenabled()
