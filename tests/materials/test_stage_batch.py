"""The materials stage over a batch (array path) gives each design what a batch of one gives, to rel 1e-12.

Designs: the first designs of the sweep benchmark's SPEC (Si/graphite blends over size, phase, Si fraction,
C-rate and press density), every bundled example, each family with and without coatings, half cells at other
cut-offs, a measured surface area, a calibrated design and solid electrolytes. A design that fails in a batch
raises its own error, the same as alone, and the sweep (BatchEvaluator) keeps the other designs.
"""
import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sianode.design import design_from_dict
from sianode.design.loader import example_names, load_example
from sianode.design import schema as S
from sianode.errors import InputError
from sianode.materials import composites as C
from sianode.materials import stage, utilisation
from sianode.sweep.evaluate import BatchEvaluator, same_rows
from sianode.sweep.sampling import Samples, design_data
from sianode.sweep.spec import load_spec

def hypercube_spec():
    """The benchmark's design space (examples/si_graphite_hypercube.toml, as benchmarks/sweep.py), 40 designs."""
    spec = load_spec(Path(__file__).resolve().parents[2] / "examples" / "si_graphite_hypercube.toml")
    spec.n = 40
    return spec


def _coat(material, t=10.0, x=1.0):
    return S.Coatings(outer=S.Coating(material=material, thickness_nm=t, siox_x=x))


def varied_designs() -> list:
    """Designs that differ in everything non-numeric the materials and mechanics stages branch on."""
    spec = hypercube_spec()
    ds = [design_from_dict(design_data(spec.base_data, r)) for r in Samples(spec).rows(0, 40)]
    ds += [load_example(n) for n in example_names()]
    acts = [S.SiParticles(phase="crystalline", diameter_nm=80.0), S.SiParticles(phase="amorphous", diameter_nm=2500.0),
            S.SiParticles(diameter_nm=150.0, coatings=_coat("SiOx/C", 20.0, 1.2)),
            S.SiParticles(diameter_nm=60.0, coatings=_coat("Al2O3", 2.0)),
            S.HollowSi(), S.HollowSi(phase="crystalline", coatings=_coat("carbon", 15.0)),
            S.CoreShell(), S.CoreShell(shell_material="SiOx", coatings=_coat("TiO2", 3.0)),
            S.YolkShell(), S.YolkShell(void_thickness_nm=0.0, shell_material="SiC"),
            S.SiOx(), S.SiOx(x=0.6, diameter_um=2.0, coatings=_coat("carbon", 20.0)),
            S.CVDSiC(), S.CVDSiC(crystalline_fraction=0.7, si_wt_frac=0.3, coatings=_coat("carbon", 30.0)),
            S.PorousMicroSi(),
            S.PorousMicroSi(phase="amorphous", porosity=0.5, coatings=S.Coatings(
                outer=S.Coating(material="SiOx/C", thickness_nm=20.0), pore=S.Coating(material="carbon", thickness_nm=5.0))),
            S.PorousMicroSi(carbon_wt_frac=0.1, coatings=_coat("SiOx/C", 30.0)), S.PorousMicroSi(carbon_wt_frac=0.2),
            S.SiGraphiteBlend(si_fraction=0.2), S.SiGraphiteBlend(si_fraction=0.0),
            S.SiGraphiteBlend(si_fraction=0.15, silicon=S.SiOx(), graphite_type="natural"),
            S.SiGraphiteBlend(si_fraction=0.3, silicon=S.CVDSiC(), graphite_diameter_um=8.0)]
    ds += [S.Design(active=a, electrode=S.Electrode(porosity=0.35)) for a in acts]
    ds += [S.Design(active=S.SiParticles(phase="crystalline", diameter_nm=400.0),
                    electrolyte=S.SolidElectrolyte(stack_pressure_MPa=80.0), electrode=S.Electrode(porosity=0.3)),
           S.Design(active=S.HollowSi(), electrode=S.Electrode(porosity=0.3),
                    electrolyte=S.SolidElectrolyte(stack_pressure_MPa=30.0, sse_class="oxide", name="LLZO"))]
    for v_min in (0.005, 0.06, 0.2):  # half cells at other cut-offs: other x_end and Li15Si4 fractions
        ds.append(S.Design(active=S.SiParticles(), electrode=S.Electrode(porosity=0.35),
                           protocol=S.Protocol(v_min_V=v_min, v_max_V=1.0)))
    bet = load_example("porous_micro_si").model_dump()
    bet["active"]["specific_surface_area_m2_g"] = 12.0
    ds.append(S.Design.model_validate(bet))
    ds.append(design_from_dict({"name": "calibrated", "active": {"family": "si_particles"},
                                "calibration": {"method": "test", "parameters": {
                                    "reversible_capacity_mAh_g": {"value": 2100.0, "ci_low": 2000.0, "ci_high": 2200.0,
                                                                  "unit": "mAh/g"},
                                    "ice": {"value": 0.85, "ci_low": 0.8, "ci_high": 0.9, "unit": "-"},
                                    "si_diffusivity_m2_s": {"value": 3e-17, "ci_low": 1e-17, "ci_high": 9e-17,
                                                            "unit": "m2/s"}}}}))
    return ds


def flat(x):
    """Every number and string of a result, by path (dataclasses, dicts, lists, arrays and tables opened)."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return flat({f.name: getattr(x, f.name) for f in dataclasses.fields(x)})
    if isinstance(x, dict):
        return {f"{k}.{p}" if p else str(k): v for k, val in x.items() for p, v in flat(val).items()}
    if isinstance(x, (list, tuple)):
        return flat(dict(enumerate(x)))
    if isinstance(x, pd.DataFrame):
        return flat(x.to_dict(orient="list"))
    if isinstance(x, np.ndarray):
        return flat(x.tolist())
    if isinstance(x, np.generic):
        return {"": x.item()}
    return {"": x}


def assert_same(a, b, rel=1e-12):
    fa, fb = flat(a), flat(b)
    assert set(fa) == set(fb)
    for k, u in fa.items():
        v = fb[k]
        if isinstance(u, float) and isinstance(v, float):
            assert u == v or (math.isnan(u) and math.isnan(v)) or abs(u - v) <= rel * max(abs(u), abs(v)), (k, u, v)
        else:
            assert u == v, (k, u, v)


def test_varied_designs_cover_what_the_stage_branches_on():
    ds = varied_designs()
    families = {d.active.family for d in ds} | {d.active.silicon.family for d in ds if d.active.family == "si_graphite"}
    assert families >= {"si_particles", "porous_micro_si", "hollow", "core_shell", "yolk_shell", "siox", "cvd_si_c",
                        "si_graphite"}
    assert {d.cell.kind for d in ds} == {"half", "full"} and len({d.protocol.v_min_V for d in ds}) > 3


def test_batch_equals_batches_of_one():
    ds = varied_designs()
    batch = stage.run_batch(ds, [{}] * len(ds), tables=False)
    for d, b in zip(ds, batch):
        one = stage.run_batch([d], [{}], tables=False)[0]
        assert_same(one.summary, b.summary)
        assert list(one.summary) == list(b.summary)  # each design's own keys (cathode, calibration) in their place
        assert_same(one.data, b.data)  # components, voltage curves, extras
    # a shuffled batch gives the same again (no state carried from one design to the next)
    order = np.random.default_rng(3).permutation(len(ds))
    again = stage.run_batch([ds[i] for i in order], [{}] * len(ds), tables=False)
    for k, i in enumerate(order):
        assert_same(again[k].summary, batch[i].summary)


def test_run_is_a_batch_of_one_with_tables():
    d = load_example("cvd_si_c")
    r = stage.run(d)
    b = stage.run_batch([d, load_example("siox")], [{}, {}])[0]
    assert_same(r.summary, b.summary)
    for k in r.tables:
        pd.testing.assert_frame_equal(r.tables[k], b.tables[k], check_exact=True)


def test_composite_properties_batch_equals_one_at_a_time():
    ds = varied_designs()
    acts = [d.active for d in ds]
    v_mins = [stage._v_min(d) for d in ds]
    ssas = [12.0 if i % 7 == 0 else None for i in range(len(ds))]
    batch = C.composite_properties_batch(acts, v_mins, ssas)
    for a, v, s, b in zip(acts, v_mins, ssas, batch):
        assert_same(C.composite_properties(a, v_min_V=v, specific_surface_area_m2_g=s), b)
    # voltage curves shared within a batch are read-only: one design cannot change another's
    si_curve = batch[0].components[0].voltage_curve
    assert not si_curve.lithiation_V.flags.writeable and not si_curve.capacity_mAh_g.flags.writeable


def test_batch_arrays_equal_the_per_design_methods():
    ds = varied_designs()
    props = [stage.run(d).data for d in ds]
    c = np.geomspace(0.05, 5.0, len(ds))
    exp_ = C.particle_expansions_at(props, c)
    deliv = C.delivered_capacities_mAh_g(props, c)
    for p, ci, e, q in zip(props, c, exp_, deliv):
        assert e == p.particle_expansion_at(float(ci))
        assert q == p.delivered_capacity_mAh_g(float(ci))
    curves = C.component_voltage_curves([p.components[0] for p in props], [p.x_end for p in props])
    for p, cv in zip(props, curves):
        one = C.component_voltage_curve(p.components[0], p.x_end)
        assert all(np.array_equal(getattr(one, f), getattr(cv, f))
                   for f in ("capacity_mAh_g", "lithiation_V", "delithiation_V"))


def _full_surface_soc(tau, lam):
    """eq. 1 with every exponential of the series evaluated (as written before the underflowing terms were skipped)."""
    tau, lam = np.asarray(tau, float), np.asarray(lam, float)
    r2 = utilisation._ROOTS ** 2
    series = np.sum(np.exp(-np.multiply.outer(tau, r2)) / r2, axis=-1)
    return np.where(tau < 1e-4, 2.0 * lam * np.sqrt(np.maximum(tau, 0.0) / np.pi), lam * (3.0 * tau + 0.2 - 2.0 * series))


def test_surface_soc_skips_only_exact_zeros():
    rng = np.random.default_rng(1)
    for scale in (1e-8, 1e-6, 1e-4, 1e-3, 0.01, 0.1, 1.0, 10.0, 1e4, 1e7):
        tau = rng.random(400) * scale
        lam = rng.random(400) * 20
        assert np.array_equal(utilisation.surface_soc(tau, lam), _full_surface_soc(tau, lam))
    tau2 = rng.random((7, 9)) * 0.01  # any shape of tau
    assert np.array_equal(utilisation.surface_soc(tau2, 2.0), _full_surface_soc(tau2, 2.0))
    with np.errstate(over="ignore"):
        for t in (0.0, 1e-300, 5e-4, np.inf, -0.01):  # edges: every term, none, a negative time
            assert np.array_equal(utilisation.surface_soc(t, 2.0), _full_surface_soc(t, 2.0))
    assert np.exp(-utilisation._EXP_ZERO_FROM) == 0.0
    assert np.isnan(utilisation.surface_soc(np.nan, 1.0))


def test_surface_soc_sums_cut_rows_as_full_rows():
    # the series' rows are cut to the columns that hold nonzero terms (a multiple of 8, at most 96): every length of
    # nonzero run 1..110 alone, in small mixed groups and beside a row that needs all 200 columns, bit for bit
    r2 = utilisation._ROOTS ** 2
    rng = np.random.default_rng(11)
    taus = []
    for k in range(1, 111):  # tau with exactly k terms above the underflow (and a few more in between)
        hi_t = utilisation._EXP_ZERO_FROM / r2[k - 1]
        lo_t = utilisation._EXP_ZERO_FROM / r2[k] if k < r2.size else hi_t / 2
        taus += [hi_t, lo_t * (1 + 1e-12)] + list(lo_t + (hi_t - lo_t) * rng.random(3))
    taus = np.array(taus)

    def full_series(t):  # all 200 terms, one dense row each
        return np.sum(np.exp(-np.multiply.outer(t, r2)) / r2, axis=-1)

    assert np.array_equal(utilisation._series(taus), full_series(taus))
    for t in taus:
        assert np.array_equal(utilisation._series(np.array([t])), full_series(np.array([t])))
    for _ in range(300):
        idx = rng.choice(taus.size, rng.integers(1, 9))
        assert np.array_equal(utilisation._series(taus[idx]), full_series(taus[idx]))
    lam = rng.random(taus.size) * 5
    assert np.array_equal(utilisation.surface_soc(taus, lam), _full_surface_soc(taus, lam))
    for t, l in zip(taus, lam):
        assert np.array_equal(utilisation.surface_soc(np.array([t]), l), _full_surface_soc(np.array([t]), l))
    for _ in range(200):
        idx = rng.choice(taus.size, rng.integers(1, 9))
        assert np.array_equal(utilisation.surface_soc(taus[idx], lam[idx]), _full_surface_soc(taus[idx], lam[idx]))
    both = np.append(taus[:40], 1e-7)
    assert np.array_equal(utilisation.surface_soc(both, 1.5), _full_surface_soc(both, 1.5))
    # what the cut relies on: NumPy sums a row of 200 whose terms past column w are 0.0 (w a multiple of 8, <= 96)
    # bit for bit as the row cut to w columns (not so for other widths)
    a = rng.random((2000, 200))
    for w in range(8, 97, 8):
        a_w = np.where(np.arange(200) < w, a, 0.0)
        assert np.array_equal(np.sum(a_w, axis=-1), np.sum(a_w[:, :w], axis=-1))
    a_w = np.where(np.arange(200) < 20, a, 0.0)
    assert not np.array_equal(np.sum(a_w, axis=-1), np.sum(a_w[:, :20], axis=-1))


def _bad():
    """Passes the schema, fails the materials stage (the pore coating fills the solid)."""
    return S.Design(active=S.PorousMicroSi(porosity=0.8, pore_diameter_nm=30.0, coatings=S.Coatings(
        pore=S.Coating(material="carbon", thickness_nm=20.0))), electrode=S.Electrode(porosity=0.35))


def test_a_bad_design_in_a_batch_gives_its_own_message():
    good = varied_designs()[:6]
    with pytest.raises(InputError) as alone:
        stage.run(_bad())
    with pytest.raises(InputError) as inside:
        stage.run_batch(good[:3] + [_bad()] + good[3:], [{}] * 7, tables=False)
    assert str(inside.value) == str(alone.value) and "pore wall" in str(alone.value)
    # the sweep splits the batch: the bad design's row carries that message, the others are unchanged
    rows = BatchEvaluator().evaluate(good[:3] + [_bad()] + good[3:], ["materials", "mechanics"])
    ref = BatchEvaluator().evaluate(good, ["materials", "mechanics"])
    assert rows[3]["status"] == "failed" and str(alone.value) in rows[3]["message"]
    for r, s in zip(rows[:3] + rows[4:], ref):
        assert not same_rows(r, s, rel=1e-12)
    # a bad cut-off: the same message alone and in a batch
    with pytest.raises(InputError) as one:
        C.composite_properties(S.SiParticles(), v_min_V=2.0)
    with pytest.raises(InputError) as many:
        C.composite_properties_batch([S.SiParticles()] * 3, [None, 0.01, 2.0], [None] * 3)
    assert str(one.value) == str(many.value)
    with pytest.raises(InputError, match="m2/g"):
        C.composite_properties_batch([S.SiParticles()] * 2, [None, None], [None, -1.0])


def test_utilisation_bisection_stops_only_at_its_fixed_point():
    # all 60 bisection steps, as written before the early stop, against the solve that stops when nothing changes
    rng = np.random.default_rng(7)
    c = 10 ** rng.uniform(-2, 1, 300)
    r = 10 ** rng.uniform(-8.5, -5.5, 300)
    d = 10 ** rng.uniform(-18, -15, 300)
    lam = np.maximum(r ** 2 * c / (3.0 * 3600.0 * d), 1e-300)
    lo, hi = np.zeros(300), 1.0 / (3.0 * lam)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        full = utilisation.surface_soc(mid, lam) >= 1.0
        hi, lo = np.where(full, mid, hi), np.where(full, lo, mid)
    ref = np.clip(3.0 * lam * 0.5 * (lo + hi), 0.0, 1.0)
    assert np.array_equal(utilisation.diffusion_utilisation(c, r, d), ref)
    assert utilisation.diffusion_utilisation(float(c[0]), float(r[0]), float(d[0])) == ref[0]
    # brackets leave the solve one by one: any shape, each element as solved alone
    grid = utilisation.diffusion_utilisation(c[:12, None], r[None, :9], d[0])
    assert grid.shape == (12, 9)
    assert all(grid[i, j] == utilisation.diffusion_utilisation(float(c[i]), float(r[j]), float(d[0]))
               for i in range(12) for j in range(9))


def test_batch_summaries_put_each_designs_own_keys_between_the_columns():
    from sianode.results import batch_rows, batch_summaries

    head = {"a": np.array([1.5, 2.5, 3.5]), "name": ["x", "y", "z"], "same": "all"}
    tail = {"b": [True, False, True], "c": np.array([0.1, 0.2, 0.3]) * 3}
    own = [[("k", 1.0)], [], [("k", 3.0), ("m", "only here")]]
    got = batch_summaries(head, own, tail)
    assert [list(s) for s in got] == [["a", "name", "same", "k", "b", "c"], ["a", "name", "same", "b", "c"],
                                      ["a", "name", "same", "k", "m", "b", "c"]]
    assert got[1] == {"a": 2.5, "name": "y", "same": "all", "b": False, "c": 0.2 * 3}
    assert all(type(s["a"]) is float and type(s["c"]) is float for s in got)  # Python numbers, not NumPy scalars
    assert batch_rows({"a": np.arange(3.0), "s": np.float64(2.0)}, 3) == [{"a": float(i), "s": 2.0} for i in range(3)]
