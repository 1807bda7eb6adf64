"""The life stage's array paths give, design by design, what one design alone gives (rel 1e-12).

* ``fade.simulate``: a batch mixing half and full cells (NumPy ``where`` over the cell kind) equals the
  all-full and all-half batches (which skip the other kind) and every design alone, for every recordable output;
  outputs converted after the cycle loop equal the same output recorded with everything else.
* ``stage.run_batch``: designs of the sweep benchmark's Latin hypercube (benchmarks/sweep.py: Si size, phase,
  fraction, C-rate, press density; 500 cycles), every bundled example and a calibrated design, run as one batch,
  equal ``run_batch`` of each design alone (summaries, and with tables and bands the tables too); a design that
  fails in the middle of a batch raises its own error, as alone.
"""
import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sianode.chain import upstream_for
from sianode.design import design_from_dict
from sianode.design.loader import example_names, load_example
from sianode.errors import InputError
from sianode.interphase import sei
from sianode.life import knee, stage
from sianode.life.fade import RECORDABLE, LifeInputs, simulate
from sianode.sweep.sampling import Samples, design_data
from sianode.sweep.spec import load_spec

REL = 1e-12

# the design space of benchmarks/sweep.py (its SPEC), fewer designs
def hypercube_spec():
    """The benchmark's design space (examples/si_graphite_hypercube.toml, as benchmarks/sweep.py), 24 designs."""
    spec = load_spec(Path(__file__).resolve().parents[2] / "examples" / "si_graphite_hypercube.toml")
    spec.n = 24
    return spec


def _close(a, b, path=""):
    """Differences between two results beyond rel ``REL`` (floats; NaN equals NaN), exact otherwise."""
    if isinstance(a, dict):
        if set(a) != set(b):
            return [f"{path}: keys {sorted(set(a) ^ set(b))}"]
        return [d for k in a for d in _close(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, pd.DataFrame):
        if list(a.columns) != list(b.columns) or a.shape != b.shape:
            return [f"{path}: columns or shape"]
        return [d for c in a.columns for d in _close(a[c].to_numpy(), b[c].to_numpy(), f"{path}.{c}")]
    if isinstance(a, np.ndarray) and a.dtype.kind == "f":
        ok = (a == b) | (np.isnan(a) & np.isnan(b)) | (np.abs(a - b) <= REL * np.maximum(np.abs(a), np.abs(b)))
        return [] if a.shape == b.shape and bool(np.all(ok)) else [f"{path}: arrays differ"]
    if isinstance(a, float) and isinstance(b, float):
        same = a == b or (math.isnan(a) and math.isnan(b)) or abs(a - b) <= REL * max(abs(a), abs(b))
        return [] if same else [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, np.ndarray):
        return [] if np.array_equal(a, b) else [f"{path}: arrays differ"]
    return [] if type(a) is type(b) and a == b else [f"{path}: {a!r} != {b!r}"]


# ----------------------------------------------------------------------------- fade.simulate
def _inputs(n=40, seed=3):
    """Varied designs, half and full cells; with ``n`` >= 13 some have no strain (a zero reference strain) and
    some dry out in their first cycle (no active material left: empty windows, CE undefined), so a batch takes
    the guarded branches that a healthy design alone skips."""
    rng = np.random.default_rng(seed)
    strain, ec = rng.uniform(0, 0.5, n), rng.uniform(1.0, 6.0, n)
    strain[[i for i in (2, 10) if i < n]] = 0.0
    ec[[i for i in (4, 9, 12) if i < n]] = 1e-6
    return LifeInputs(
        full_cell=(np.arange(n) % 3 != 0).astype(float), capacity_mAh_g=rng.uniform(400, 3000, n),
        ice=rng.uniform(0.7, 0.93, n), np_ratio=rng.uniform(1.02, 1.4, n),
        prelithiation_mAh_g=np.where(rng.random(n) < 0.4, rng.uniform(0, 300, n), 0.0),
        soc_min=np.where(np.arange(n) % 3 == 0, rng.uniform(0, 0.2, n), 0.0), soc_max=rng.uniform(0.5, 1.0, n),
        c_rate=rng.uniform(0.1, 3.0, n), rest_h=rng.uniform(0, 5, n), temperature_K=rng.uniform(273, 333, n),
        strain_amplitude=strain, crack_surface_area_m2_g=rng.uniform(0, 5, n),
        surface_area_m2_g=rng.uniform(2, 40, n), fresh_surface_wetting=rng.uniform(0, 1, n),
        fractures=(rng.random(n) < 0.5).astype(float), ec_ratio_g_Ah=ec,
        ec_min_g_Ah=rng.uniform(0.5, 1.0, n), particle_radius_m=rng.uniform(20e-9, 2e-6, n))


def _take(inp, idx):
    return stage._take(inp, np.asarray(idx))


def test_mixed_batch_equals_each_cell_kind_and_each_design_alone():
    inp = _inputs()
    full = np.asarray(inp.full_cell) > 0.5
    mixed = simulate(inp, 300)
    for kind in (full, ~full):  # all-full and all-half batches skip the other kind's arithmetic
        idx = np.nonzero(kind)[0]
        part = simulate(_take(inp, idx), 300)
        for key in mixed:
            v = mixed[key][:, idx] if mixed[key].ndim == 2 else mixed[key][idx]
            assert not _close(v, part[key], key), key
    assert np.isnan(mixed["ce"][-1]).any() and not np.isnan(mixed["ce"][-1]).all()  # dead and live designs
    for i in (0, 1, 2, 4, 7, 9, 10, 12, 39):  # a design alone: a batch of one
        one = simulate(_take(inp, [i]), 300)
        for key in mixed:
            v = mixed[key][:, i:i + 1] if mixed[key].ndim == 2 else mixed[key][i:i + 1]
            assert not _close(v, one[key], key), (i, key)


@pytest.mark.parametrize("key", RECORDABLE)
def test_each_output_recorded_alone_equals_it_recorded_with_all(key):
    """Outputs converted after the loop (retention, LAM, R_SEI, electrolyte, energy) need no other output."""
    inp = _inputs(12, seed=5)
    assert not _close(simulate(inp, 120, record=(key,))[key], simulate(inp, 120)[key], key)


def test_an_output_named_twice_is_converted_once():
    inp = _inputs(6, seed=9)
    twice = simulate(inp, 40, record=("retention", "lam", "retention", "energy_mWh_g", "energy_mWh_g"))
    once = simulate(inp, 40)
    for key in ("retention", "lam", "energy_mWh_g"):
        assert not _close(twice[key], once[key], key)


def test_outputs_converted_after_the_loop_keep_their_definitions():
    inp = _inputs(12, seed=7)
    t = simulate(inp, 80)
    a = inp.arrays()
    np.testing.assert_array_equal(t["r_sei_ohm_m2"], sei.resistance_ohm_m2(t["sei_thickness_m"], a["resistivity"]))
    np.testing.assert_array_equal(t["retention"], t["capacity_mAh_g"] / np.maximum(t["capacity_mAh_g"][0], 1e-300))
    full = a["full_cell"] > 0.5
    assert np.all(np.isnan(t["energy_mWh_g"][:, ~full]))
    np.testing.assert_array_equal(t["energy_mWh_g"][:, full], t["capacity_mAh_g"][:, full] * (
        a["cathode_voltage_V"] - a["anode_delithiation_voltage_V"])[full])
    assert np.all(np.diff(t["lam"], axis=0) >= 0) and np.all(np.diff(t["electrolyte_remaining"], axis=0) <= 0)


def test_thickness_after_is_its_parts():
    rng = np.random.default_rng(2)
    L0, dt, K = rng.uniform(0, 50e-9, 30), rng.uniform(10, 1e5, 30), rng.uniform(1e-20, 1e-16, 30)
    nr = np.where(rng.random(30) < 0.3, np.inf, rng.uniform(1e-12, 1e-8, 30))
    whole = sei.thickness_after(L0, dt, K, nr, 9.585e-5, 2.0)
    parts = sei.grown_thickness(L0, sei.reaction_offset(K, nr), 2.0 * K * (9.585e-5 / 2.0 * dt))
    np.testing.assert_array_equal(whole, parts)
    assert np.all(whole >= L0)


@pytest.mark.parametrize("from_end", [False, True])
def test_running_sums_of_the_knee_fit_go_row_by_row_as_cumsum(from_end):
    """_hinge_sums of wide chunks (cycle by cycle, straight into X^T y) == the same sums from np.cumsum, bit for bit
    (signed zeros of the first row included)."""
    rng = np.random.default_rng(4)
    for shape, min_points in [((500, 64), 5), ((30, 16), 5), ((30, 15), 5), ((11, 40), 5), ((12, 20), 1)]:
        y = rng.normal(size=shape) * 10.0 ** rng.integers(-6, 6, size=shape)
        y[0, :4] = y[-1, :4] = -0.0
        n = shape[0]
        w = (np.arange(n) - (n - 1.0 if from_end else 0.0)) / (n - 1.0)
        cand = np.arange(min_points, n - min_points)
        got = np.empty((cand.size, shape[1]))
        knee._hinge_sums(y, w, cand, got, from_end)
        zero = np.zeros((1, shape[1]))
        s0, s1 = (np.concatenate([np.cumsum(a[::-1], axis=0)[::-1], zero])[cand + 1] if from_end
                  else np.concatenate([zero, np.cumsum(a, axis=0)])[cand] for a in (y, w[:, None] * y))
        want = s1 - w[cand, None] * s0
        assert got.tobytes() == want.tobytes(), shape


# ----------------------------------------------------------------------------- stage.run_batch
def _calibrated():
    rng = np.random.default_rng(5)
    k = rng.uniform(0.85, 1.15, 8)
    cap, ice, sd = 1900.0 * k, np.clip(0.9 * (1 + 0.02 * (k - 1)), 0, 1), 2.5e-22 * k ** 3
    params = {name: {"value": float(np.median(v)), "ci_low": float(v.min()), "ci_high": float(v.max()), "unit": unit}
              for name, v, unit in (("reversible_capacity_mAh_g", cap, "mAh/g"), ("ice", ice, "-"),
                                    ("solvent_diffusivity", sd, "m2/s"))}
    params["solvent_diffusivity"]["nominal"] = 2.5e-22
    return design_from_dict({
        "name": "calibrated full", "active": {"family": "si_particles"},
        "cell": {"kind": "full", "cathode": "NCM811", "cathode_loading_mg_cm2": 18.75, "np_ratio": 1.1,
                 "prelithiation": {"method": "slmp", "dose_mAh_cm2": 0.3}},
        "protocol": {"cycles": 60, "c_rate": 0.5, "v_min_V": 2.8, "v_max_V": 4.2},
        "calibration": {"method": "test", "parameters": params,
                        "samples": {"reversible_capacity_mAh_g": cap.tolist(), "ice": ice.tolist(),
                                    "solvent_diffusivity": sd.tolist()}}})


@pytest.fixture(scope="module")
def designs():
    spec = hypercube_spec()
    ds = [design_from_dict(design_data(spec.base_data, r)) for r in Samples(spec).rows(0, 24)]
    ds += [load_example(n) for n in example_names()] + [_calibrated()]
    return ds, [upstream_for(d, "life") for d in ds]


def test_a_batch_equals_each_design_alone(designs):
    ds, ups = designs
    assert len({d.cell.kind for d in ds}) == 2 and len({d.protocol.cycles for d in ds}) > 2
    got = stage.run_batch(ds, ups, tables=False, samples=0)
    fractures = set()
    for d, u, g in zip(ds, ups, got):
        want = stage.run_batch([d], [u], tables=False, samples=0)[0]
        assert not _close(g.summary, want.summary), (d.name, _close(g.summary, want.summary))
        assert not _close(dataclasses.asdict(g.data["inputs"]), dataclasses.asdict(want.data["inputs"]))
        assert not _close(g.data["trajectories"], want.data["trajectories"])
        fractures.add(g.summary["fractures"])
    assert fractures == {True, False}  # both LAM branches are in the batch


def test_a_batch_with_tables_and_bands_equals_each_design_alone(designs):
    ds, ups = designs
    pick = [0, 5] + list(range(24, len(ds)))  # two sweep designs, the examples, the calibrated design
    got = stage.run_batch([ds[i] for i in pick], [ups[i] for i in pick], samples=6, cycles=90, soc_max=0.85)
    for i, g in zip(pick, got):
        want = stage.run(ds[i], ups[i], samples=6, cycles=90, soc_max=0.85)
        assert not _close(g.summary, want.summary), (ds[i].name, _close(g.summary, want.summary))
        assert not _close(g.tables, want.tables), ds[i].name
        assert "uncertainty_source" in g.summary


def test_the_electrolyte_reads_the_materials_anode_geometry_only_at_its_loading(designs):
    """design_electrolytes with the materials stage's anode geometries == solving them again; a geometry at another
    loading (a posterior row's materials: the extras of the nominal ones) is solved again, one at this loading read."""
    from sianode.electrolyte_amount import design_electrolytes

    ds, ups = designs
    built = stage.inputs_from_designs(ds, ups)
    mats = [u["materials"].data for u in ups]
    args = ([float(m.density_g_cm3) for m in mats], [b[1]["anode_loading_mg_cm2"] for b in built],
            [b[1]["cathode_loading_mg_cm2"] for b in built], [b[1]["electrolyte_amount"].capacity_mAh_cm2 for b in built])
    geos = [m.extras["anode_geometry"] for m in mats]
    solved = design_electrolytes(ds, *args)
    assert design_electrolytes(ds, *args, geos) == solved == [b[1]["electrolyte_amount"] for b in built]
    elsewhere = [dataclasses.replace(g, loading_mg_cm2=g.loading_mg_cm2 * 1.01, porosity=0.9) for g in geos]
    assert design_electrolytes(ds, *args, elsewhere) == solved
    here = [dataclasses.replace(g, porosity=0.9) for g in geos]  # read, not solved: its (wrong) porosity shows
    assert all(a.pore_fill_g_Ah > b.pore_fill_g_Ah for a, b in zip(design_electrolytes(ds, *args, here), solved))


def test_inputs_of_a_design_are_its_inputs_in_the_batch(designs):
    ds, ups = designs
    got = stage.run_batch(ds[:3] + ds[24:27], ups[:3] + ups[24:27], tables=False, samples=0)
    for d, u, g in zip(ds[:3] + ds[24:27], ups[:3] + ups[24:27], got):
        inp, info = stage.inputs_from_design(d, u)
        assert not _close(dataclasses.asdict(inp), dataclasses.asdict(g.data["inputs"]))
        assert g.summary["anode_loading_mg_cm2"] == info["anode_loading_mg_cm2"]


@pytest.mark.parametrize("options", [{}, {"soc_max": 0.8, "ec_ratio_g_Ah": 3.0, "rest_h": 0.5, "c_rate": 1.5}])
def test_the_batch_builder_gives_each_design_its_inputs_alone(designs, options):
    """inputs_from_designs (electrolyte amounts of all designs in one call) == inputs_from_design per design."""
    ds, ups = designs
    order = list(range(len(ds)))[::-1]  # full and half cells, examples and sweep designs interleaved differently
    got = stage.inputs_from_designs([ds[i] for i in order], [ups[i] for i in order], **options)
    assert len(got) == len(ds)
    for i, (inp, info) in zip(order, got):
        one, one_info = stage.inputs_from_design(ds[i], ups[i], **options)
        assert not _close(dataclasses.asdict(inp), dataclasses.asdict(one)), ds[i].name
        assert info.keys() == one_info.keys()
        assert info["electrolyte_amount"] == one_info["electrolyte_amount"], ds[i].name
        for k in info.keys() - {"electrolyte_amount", "materials"}:
            assert not _close(info[k], one_info[k]), (ds[i].name, k)
    assert stage.inputs_from_designs([], []) == []


def test_a_failing_design_in_the_batch_builder_raises_its_own_error(designs):
    ds, ups = designs
    bad_up = {"materials": ups[2]["materials"]}  # no mechanics result
    with pytest.raises(InputError) as alone:
        stage.inputs_from_design(ds[2], bad_up)
    with pytest.raises(InputError) as batch:
        stage.inputs_from_designs(ds[:2] + [ds[2]] + ds[24:], ups[:2] + [bad_up] + ups[24:])
    assert str(batch.value) == str(alone.value)


def test_a_design_the_formation_rejects_raises_its_own_error_in_the_batch_builder(designs):
    ds, ups = designs
    full = [i for i, d in enumerate(ds) if d.cell.kind == "full"]
    assert len(full) >= 3 and any(d.cell.kind != "full" for d in ds)
    k = full[1]
    mres = ups[k]["materials"]
    bad_up = {**ups[k], "materials": dataclasses.replace(mres, data=dataclasses.replace(mres.data, ice=1.5))}
    with pytest.raises(InputError) as alone:
        stage.inputs_from_design(ds[k], bad_up)
    assert "ICE" in str(alone.value)
    with pytest.raises(InputError) as batch:
        stage.inputs_from_designs(ds[:k] + [ds[k]] + ds[k + 1:], ups[:k] + [bad_up] + ups[k + 1:])
    assert str(batch.value) == str(alone.value)


def test_a_failing_design_in_a_batch_raises_its_own_error(designs):
    ds, ups = designs
    bad_mech = dataclasses.replace(ups[3]["mechanics"],
                                   data=dataclasses.replace(ups[3]["mechanics"].data, particle_volume_expansion=np.nan))
    bad_up = {**ups[3], "mechanics": bad_mech}
    with pytest.raises(InputError) as alone:
        stage.run(ds[3], bad_up, samples=0)
    assert "volumetric_expansion" in str(alone.value)
    with pytest.raises(InputError) as batch:
        stage.run_batch(ds[:3] + [ds[3]] + ds[4:8], ups[:3] + [bad_up] + ups[4:8], tables=False, samples=0)
    assert str(batch.value) == str(alone.value)


def test_the_groups_of_a_batch_do_not_change_its_numbers(designs, monkeypatch):
    from sianode.life import fade

    ds, ups = designs
    whole = stage.run_batch(ds[:10], ups[:10], tables=False, samples=0)
    monkeypatch.setattr(stage, "BATCH_BYTES", 3 * fade.memory_bytes(1, 500, stage.SUMMARY_RECORD))  # groups of 3
    for g, w in zip(stage.run_batch(ds[:10], ups[:10], tables=False, samples=0), whole):
        assert not _close(g.summary, w.summary)
