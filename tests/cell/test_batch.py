"""The cell stage over a batch (issue #18): one ``cell_model`` call per group of designs with arrays and a stacked
anode blend; every design's numbers are those of the design alone (rel 1e-12), and a bad design raises its own
error."""
import copy
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from sianode.cell import stage
from sianode.cell.anode import AnodeBlend, StackedBlend, anode_from_composite, graphite_component, \
    si_composite_component
from sianode.chain import stage_module
from sianode.design.loader import design_from_dict, example_names, example_text
from sianode.errors import InputError
from sianode.sweep.evaluate import BatchEvaluator
from sianode.sweep.runner import sweep_options
from sianode.sweep.sampling import Samples, design_data
from sianode.sweep.spec import load_spec

# the benchmark's design space (benchmarks/sweep.py SPEC)
def hypercube_spec():
    """The benchmark's design space (examples/si_graphite_hypercube.toml, as benchmarks/sweep.py), 64 designs."""
    spec = load_spec(Path(__file__).resolve().parents[2] / "examples" / "si_graphite_hypercube.toml")
    spec.n = 64
    return spec
OPTIONS = sweep_options(bands=False)
UP = ("materials", "mechanics", "life")

#: Changes to the examples' cell sections: prelithiation, N/P basis, formats, electrolyte, cathodes, packing.
MODS = {
    "pre_foil_auto": {"cell.prelithiation": {"method": "li_foil", "dose_mAh_cm2": "auto"}},
    "pre_lfo": {"cell.prelithiation": {"method": "li5feo4", "dose_mAh_cm2": 0.3}},
    "pre_slmp_over": {"cell.prelithiation": {"method": "slmp", "dose_mAh_cm2": 5.0}},
    "np_first": {"cell.np_basis": "first_lithiation", "cell.np_ratio": 1.15},
    "np_low": {"cell.np_ratio": 0.9, "cell.allow_np_below_1": True},
    "fmt_4680": {"cell.format": "4680"}, "fmt_prismatic": {"cell.format": "prismatic"},
    "fmt_coin": {"cell.format": "coin"},
    "ec3": {"cell.ec_ratio_g_Ah": 3.0}, "excess": {"cell.electrolyte_excess": 0.3},
    "sep": {"cell.separator_um": 20.0, "cell.separator_porosity": 0.45},
    "lfp": {"cell.cathode": "LFP"}, "nca": {"cell.cathode": "NCA"},
    "cat_geo": {"cell.cathode_loading_mg_cm2": None, "cell.cathode_electrode.thickness_um": 70.0,
                "cell.cathode_electrode.porosity": 0.28},
    "solid": {"electrolyte": {"kind": "solid", "sse_class": "sulfide", "anode_sse_wt_frac": 0.2}},
    "full": {"cell.kind": "full"}, "half": {"cell.kind": "half"},
}


def _set(d, path, v):
    ks = path.split(".")
    for k in ks[:-1]:
        d = d.setdefault(k, {})
    if v is None:
        d.pop(ks[-1], None)
    else:
        d[ks[-1]] = v


def _variants():
    out = []
    for ex in example_names():
        base = tomllib.loads(example_text(ex))
        out.append(design_from_dict(base))
        for mod in MODS.values():
            d = copy.deepcopy(base)
            for p, v in mod.items():
                _set(d, p, v)
            try:
                out.append(design_from_dict(d))
            except Exception:  # noqa: BLE001 - a change the schema rejects for this example
                pass
    return out


def _upstreams(designs):
    res = {}
    for name in UP:
        mod = stage_module(name)
        ups = [{r: res[r][i] for r in getattr(mod, "REQUIRES", ())} for i in range(len(designs))]
        res[name] = mod.run_batch(designs, ups, tables=False, **OPTIONS.get(name, {}))
    return [{k: res[k][i] for k in UP} for i in range(len(designs))]


def _close(a, b, rel=1e-12):
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b)) or abs(a - b) <= rel * max(abs(a), abs(b))
    return a == b


def _diff(a: dict, b: dict) -> list:
    return [k for k in set(a) | set(b) if k not in a or k not in b or not _close(a[k], b[k])]


@pytest.fixture(scope="module")
def spec_batch():
    spec = hypercube_spec()
    ds = [design_from_dict(design_data(spec.base_data, r)) for r in Samples(spec).rows(0, 64)]
    return ds, _upstreams(ds)


@pytest.fixture(scope="module")
def mixed_batch():
    ds = _variants()
    ups, keep = [], []
    for d in ds:  # designs an upstream stage rejects are not this test's business
        try:
            ups.append(_upstreams([d])[0])
            keep.append(d)
        except InputError:
            pass
    return keep, ups


def test_spec_batch_is_one_model_call_and_equals_designs_alone(spec_batch, monkeypatch):
    ds, ups = spec_batch
    calls = []
    real = stage.cell_model
    monkeypatch.setattr(stage, "cell_model", lambda *a, **k: calls.append(1) or real(*a, **k))
    got = stage.run_batch(ds, ups, tables=False)
    assert len(calls) == 1  # the benchmark's designs share every non-numeric input: one call with arrays
    for d, u, g in zip(ds, ups, got):
        alone = stage.run(d, u)
        assert not _diff(g.summary, alone.summary), _diff(g.summary, alone.summary)
        assert not _diff(g.data["result"].values, alone.data["result"].values)
        assert not _diff(g.data["result"].mass_g, alone.data["result"].mass_g)


def test_mixed_batch_equals_designs_alone(mixed_batch):
    ds, ups = mixed_batch
    assert len(ds) > 60
    ok = []
    for d, u in zip(ds, ups):
        try:
            ok.append((d, u, stage.run(d, u)))
        except InputError:
            pass
    got = stage.run_batch([d for d, _, _ in ok], [u for _, u, _ in ok], tables=False)
    assert len({stage._group_key(stage._prepare([d], [u])[0]) for d, u, _ in ok}) > 10  # many groups, some of several
    for (d, _, alone), g in zip(ok, got):
        assert not _diff(g.summary, alone.summary), (d.name, _diff(g.summary, alone.summary))
    # tables: each design alone (its notes are its own), the same tables as run
    for (d, u, alone), g in zip(ok[:4], stage.run_batch([d for d, _, _ in ok[:4]], [u for _, u, _ in ok[:4]])):
        assert set(g.tables) == set(alone.tables)
        assert g.tables["bom"].equals(alone.tables["bom"])


def test_bad_design_in_a_batch_raises_its_own_error(mixed_batch):
    """A jelly roll that does not fit its can fails in the batched model call: the batch raises that design's own
    message (the one it gives alone, as before the batching), and the sweep's rows carry it."""
    ds, ups = mixed_batch
    bad = [(d, u) for d, u in zip(ds, ups) if d.cell.format == "18650" and d.cell.prelithiation.method == "slmp"]
    assert bad
    d_bad, u_bad = bad[0]
    with pytest.raises(InputError) as alone:
        stage.run(d_bad, u_bad)
    assert str(alone.value).startswith("cell.cylindrical.cathode_length_mm: the jelly roll (600 mm of cathode) "
                                       "needs 102 % of its space in the can as made: it does not fit")
    good = [(d, u) for d, u in zip(ds, ups) if d.cell.format == "18650" and d is not d_bad][:3]
    assert len(good) == 3
    batch = good[:1] + [(d_bad, u_bad)] + good[1:]
    with pytest.raises(InputError) as ei:
        stage.run_batch([d for d, _ in batch], [u for _, u in batch], tables=False)
    assert str(ei.value) == str(alone.value) and ei.value.field == alone.value.field
    rows = BatchEvaluator().evaluate([d for d, _ in batch], ["materials", "mechanics", "life", "cell"], OPTIONS)
    assert [r["status"] for r in rows] == ["ok", "failed", "ok", "ok"]
    assert str(alone.value) in rows[1]["message"]


def test_bad_design_in_one_group_raises_its_own_error(spec_batch):
    """Within one group (one model call with arrays): an 18650 whose roll fits for some anodes and not for others;
    the batch raises the bad design's own message, and the sweep's rows carry it."""
    ds, _ = spec_batch
    cell = ds[0].cell.model_copy(update={"format": "18650", "cylindrical": ds[0].cell.cylindrical.model_copy(
        update={"cathode_length_mm": 880.0})})
    dd = [d.model_copy(update={"cell": cell}) for d in ds[:4]]
    uu = _upstreams(dd)
    outcome = []
    for d, u in zip(dd, uu):
        try:
            stage.run_batch([d], [u], tables=False)  # as a sweep (run's energy-vs-Si table has thicker anodes)
            outcome.append("ok")
        except InputError as e:
            outcome.append(str(e))
    assert outcome[0] == outcome[2] == outcome[3] == "ok" and "does not fit" in outcome[1]
    assert len({stage._group_key(stage._prepare([d], [u])[0]) for d, u in zip(dd, uu)}) == 1
    order = [0, 2, 1, 3]
    with pytest.raises(InputError) as ei:
        stage.run_batch([dd[i] for i in order], [uu[i] for i in order], tables=False)
    assert str(ei.value) == outcome[1]
    assert stage.run_batch([dd[i] for i in (0, 2, 3)], [uu[i] for i in (0, 2, 3)], tables=False)
    rows = BatchEvaluator().evaluate([dd[i] for i in order], ["materials", "mechanics", "life", "cell"], OPTIONS)
    assert [r["status"] for r in rows] == ["ok", "ok", "failed", "ok"]
    assert outcome[1] in rows[2]["message"]


# ----------------------------------------------------------------------------- the stacked blend
def _blends(spec_batch):
    ds, ups = spec_batch
    return [anode_from_composite(u["materials"].data) for u in ups]


@pytest.mark.parametrize("branch", ["delithiation", "lithiation"])
def test_stacked_blend_rows_equal_blends_alone(spec_batch, branch):
    blends = _blends(spec_batch)
    # rows of different table lengths (padding) and a hand-made blend with its own curves
    si = si_composite_component("si", 1500.0, 0.85, 2.1, 1.2)
    blends.append(AnodeBlend([graphite_component(), si], np.array([0.7, 0.3])))
    assert len({b._inverse_tables(branch, 241)[0].shape[1] for b in blends}) > 1
    sb = StackedBlend(blends)
    rng = np.random.default_rng(18)
    th = rng.uniform(-0.1, 1.1, (len(blends), 65))
    th[:, 0], th[:, 1], th[:, 2] = 0.0, 1.0, 0.5
    got = sb.delithiation_voltage_V(th, branch=branch)
    got_pts = sb.delithiation_voltage_V(th[:, 7], branch=branch)
    got_chunks = sb.delithiation_voltage_V(th, branch=branch, chunk=3)
    for j, b in enumerate(blends):
        assert np.array_equal(got[j], b.delithiation_voltage_V(th[j], branch=branch))
        assert got_pts[j] == b.delithiation_voltage_V(th[j, 7], branch=branch)
    assert np.array_equal(got_chunks, got)
    for attr in ("reversible_capacity_mAh_g", "first_lithiation_capacity_mAh_g", "ice", "density_g_cm3",
                 "volumetric_expansion", "capacity_shares"):
        want = np.array([getattr(b, attr) for b in blends])
        assert np.array_equal(getattr(sb, attr), want.T if want.ndim == 2 else want), attr
    assert np.array_equal(sb.expansion_at(th[:, 3]), [b.expansion_at(th[j, 3]) for j, b in enumerate(blends)])
    with pytest.raises(ValueError):
        sb.delithiation_voltage_V(th[:3], branch=branch)  # rows that do not broadcast against the designs
    with pytest.raises(InputError):
        sb.delithiation_voltage_V(np.stack([th, th]), branch=branch)  # not one row per design


def test_stacked_single_component_rows():
    g = graphite_component()
    si = si_composite_component("si", 1500.0, 0.85, 2.1, 1.2)
    blends = [AnodeBlend([g], np.ones(1)), AnodeBlend([si], np.ones(1))]
    sb = StackedBlend(blends)
    th = np.linspace(0, 1, 11)[None, :] * np.array([[1.0], [0.9]])
    for branch in ("delithiation", "lithiation"):
        got = sb.delithiation_voltage_V(th, branch=branch)
        for j, b in enumerate(blends):
            assert np.array_equal(got[j], b.delithiation_voltage_V(th[j], branch=branch))
    with pytest.raises(InputError):
        StackedBlend([blends[0], AnodeBlend([g, si], np.array([0.5, 0.5]))])  # rows of different sizes


@pytest.mark.parametrize("branch", ["delithiation", "lithiation"])
def test_stacked_rows_of_shared_curves_equal_blends_alone(spec_batch, branch, monkeypatch):
    """Rows with equal curves (the same blend, a blend rebuilt from the same materials result) share one table;
    a curve 1 uV away at one point does not, and every row's numbers are its blend's alone."""
    from dataclasses import replace

    from sianode.cell import anode

    ds, ups = spec_batch
    blends = _blends(spec_batch)[:6]
    props = ups[0]["materials"].data
    b0 = blends[0]
    si0 = b0.components[1]
    th, u = si0.delithiation_voltage.curve_arrays
    u_near = u.copy()
    u_near[60] += 1e-6  # another curve, close to the design's

    def f(theta):
        return np.interp(np.clip(np.asarray(theta, dtype=float), 0.0, 1.0), th, u_near)

    f.curve_arrays = (th, u_near)
    nudged = AnodeBlend([b0.components[0], replace(si0, delithiation_voltage=f, lithiation_voltage=f)], b0.weights)
    assert anode._curve_key(nudged.components[1], branch) != anode._curve_key(si0, branch)
    rows = blends + [b0, anode_from_composite(props), nudged, blends[3], b0]
    sizes = []
    real = anode._tables_of
    monkeypatch.setattr(anode, "_tables_of", lambda r, *a: sizes.append(len(r)) or real(r, *a))
    sb = StackedBlend(rows)
    th_q = np.random.default_rng(5).uniform(-0.05, 1.05, (len(rows), 33))
    got = sb.delithiation_voltage_V(th_q, branch=branch)
    assert sizes == [7]  # the 6 distinct blends and the nudged one
    assert not np.array_equal(nudged._inverse_tables(branch, 241)[1], b0._inverse_tables(branch, 241)[1])
    for j, b in enumerate(rows):
        assert np.array_equal(got[j], b.delithiation_voltage_V(th_q[j], branch=branch)), j
    u_all, th_tab, lengths, tab = sb._inverse_tables(branch, 241)
    assert len(u_all) == 7 and tab.tolist() == [0, 1, 2, 3, 4, 5, 0, 0, 6, 3, 0]  # rows of equal curves: one table
    for j, b in enumerate(rows):
        one = b._inverse_tables(branch, 241)
        n_j, t = one[2][0], tab[j]
        assert lengths[t] == n_j and one[3].tolist() == [0]
        assert np.array_equal(u_all[t, :n_j], one[0][0]) and np.array_equal(th_tab[t, :, :n_j], one[1][0])


def test_curve_key_tells_functions_apart():
    from sianode.cell import anode

    g, g2 = graphite_component(), graphite_component()
    assert anode._curve_key(g, "delithiation") == anode._curve_key(g, "lithiation")  # no charge branch: the same
    assert anode._curve_key(g, "delithiation") != anode._curve_key(g2, "delithiation")  # other function objects


# ----------------------------------------------------------------------------- cost and criteria over a group
def _stacked_results(mixed_batch):
    """The mixed designs' own cell-model results stacked as arrays, per (cathode, prelithiation, mass items)."""
    from types import SimpleNamespace

    ds, ups = mixed_batch
    alone = []
    for d, u in zip(ds, ups):
        try:
            alone.append(stage.run(d, u))
        except InputError:  # a design the cell model refuses has no cost
            pass
    groups: dict = {}
    for a in alone:
        res = a.data["result"]
        key = (a.data["cathode"].name, a.data["model_kwargs"].get("prelithiation", "none"), tuple(res.mass_g),
               tuple(res.values))
        groups.setdefault(key, []).append(a)
    out = []
    for (cat, pre, _, _), rs in groups.items():
        stacked = SimpleNamespace(**{part: {k: np.array([float(getattr(a.data["result"], part)[k]) for a in rs])
                                            for k in getattr(rs[0].data["result"], part)}
                                     for part in ("values", "mass_g")})
        out.append((cat, pre, rs, stacked))
    return out


def test_cost_and_criteria_of_stacked_designs_equal_designs_alone(mixed_batch):
    from sianode.cell import cost as _cost, criteria as _criteria

    groups = _stacked_results(mixed_batch)
    assert len(groups) > 3 and sum(len(g[2]) for g in groups) > len(groups)  # several groups, some of many designs
    for cat, pre, rs, stacked in groups:
        shares = np.array([stage._si_share(a.data["anode"]) for a in rs])
        costs = _cost.materials_costs_usd_per_kWh(stacked, cat, shares, pre)
        passed, total = _criteria.passed_counts({**stacked.values, "np_ratio": np.array(
            [float(a.data["model_kwargs"]["np_ratio"]) for a in rs])})
        for j, a in enumerate(rs):
            args = (a.data["result"], cat, float(shares[j]), pre)
            assert costs[j] == _cost.materials_cost_usd_per_kWh(*args) == a.summary["materials_cost_usd_per_kWh"]
            assert costs[j] == pytest.approx(float(_cost.materials_cost(*args)["usd_per_kWh"].iloc[-1]), rel=1e-12)
            assert _cost.cost_items(stacked, cat, shares[j], pre, index=j) == _cost.cost_items(*args)
            v = {**a.data["result"].values, "np_ratio": float(a.data["model_kwargs"]["np_ratio"])}
            assert (passed[j], total) == _criteria.passed_count(v) == (a.summary["criteria_passed"],
                                                                       a.summary["criteria_total"])
            assert passed[j] == int(_criteria.evaluate(v)["passed"].sum())
    assert len({a.summary["criteria_passed"] for _, _, rs, _ in groups for a in rs}) > 1  # the counts vary


# ----------------------------------------------------------------------------- per-batch work done once
def test_anode_blends_equal_blends_alone(mixed_batch):
    """The blends of a batch (weights normalised and checked over the batch at once) are each design's own blend:
    the same components, the same weights to the bit, the same attributes."""
    from sianode.cell.anode import anode_blends

    _, ups = mixed_batch
    props = [u["materials"].data for u in ups]
    assert len({len(anode_from_composite(p).components) for p in props}) > 1  # blends of several sizes
    for got, p in zip(anode_blends(props), props):
        alone = anode_from_composite(p)
        assert type(got) is AnodeBlend and set(vars(got)) == set(vars(alone))
        assert got.weights.dtype == alone.weights.dtype and np.array_equal(got.weights, alone.weights)
        assert [vars(c) for c in got.components] == [vars(c) for c in alone.components] or all(
            a.name == b.name and a.reversible_capacity_mAh_g == b.reversible_capacity_mAh_g and a.ice == b.ice
            and a.density_g_cm3 == b.density_g_cm3 for a, b in zip(got.components, alone.components))
        assert got.reversible_capacity_mAh_g == alone.reversible_capacity_mAh_g


def test_anode_blends_bad_design_raises_its_own_error(spec_batch):
    from dataclasses import replace

    from sianode.cell.anode import anode_blends

    _, ups = spec_batch
    props = [u["materials"].data for u in ups[:4]]
    bad = copy.copy(props[2])
    bad.components = [replace(bad.components[0], mass_frac=-0.5), *bad.components[1:]]
    with pytest.raises(InputError) as alone:
        anode_from_composite(bad)
    with pytest.raises(InputError) as batch:
        anode_blends(props[:2] + [bad] + props[3:])
    assert str(batch.value) == str(alone.value) and batch.value.field == alone.value.field


def test_designs_sharing_a_cell_section_keep_their_own_electrolyte_and_cycles(mixed_batch):
    """What depends on the cell and electrolyte sections and the cycle count is computed once per batch for the
    designs that share those objects (stage._per_sections): designs that share the cell section object but not the
    electrolyte or the cycles keep their own separator, reference and numbers."""
    ds, ups = mixed_batch
    solid = next(d for d in ds if d.electrolyte.kind == "solid")
    liquid = next(d for d in ds if d.electrolyte.kind != "solid" and d.cell.kind == "full"
                  and d.cell.prelithiation.method == "none")
    u = _upstreams([liquid])[0]
    twin = liquid.model_copy(update={"electrolyte": solid.electrolyte})  # the same cell section object
    other = liquid.model_copy(update={"protocol": liquid.protocol.model_copy(update={"cycles": 50})})
    assert twin.cell is liquid.cell is other.cell
    got = stage.run_batch([liquid, twin, other], [u, u, u], tables=False)
    for d, g in zip((liquid, twin, other), got):
        alone = stage.run_batch([d], [u], tables=False)[0]
        assert not _diff(g.summary, alone.summary), _diff(g.summary, alone.summary)
        assert g.data["graphite_reference"].values.keys() == alone.data["graphite_reference"].values.keys()
        assert all(np.array_equal(g.data["graphite_reference"].values[k], alone.data["graphite_reference"].values[k])
                   for k in alone.data["graphite_reference"].values)
    for k in ("mass_g", "graphite_reference_Wh_kg"):  # the solid twin is another cell, with another reference
        assert got[0].summary[k] != got[1].summary[k], k
    assert got[0].data["graphite_reference"] is not got[2].data["graphite_reference"]
