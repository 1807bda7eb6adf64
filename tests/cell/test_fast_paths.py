"""Scalar fast paths of the cell stage (issue #18): the same numbers and the same errors as the general paths."""
import math

import numpy as np
import pytest

from sianode.cathodes import get_cathode
from sianode.cell import cost as _cost
from sianode.cell.anode import AnodeBlend, graphite_component, si_composite_component, single, two_component
from sianode.cell.stack import CellResult, cell_model


def _as_0d(res: CellResult) -> CellResult:
    """``res`` with every float turned into a 0-d array (what the general, broadcasting path reads)."""
    def wrap(d):
        return {k: np.asarray(v, dtype=float) if isinstance(v, float) else v for k, v in d.items()}
    return CellResult(wrap(res.values), wrap(res.mass_g), wrap(res.volume_cm3), res.notes, res.inputs, res.geometry)


def _blend(frac):
    """Graphite + a Si composite (``frac`` of Si material); ``None``: graphite alone (one component)."""
    if frac is None:
        return single(graphite_component())
    si = si_composite_component("si", 1500.0, 0.85, 2.1, 1.2)
    return two_component(graphite_component(), si, frac)


@pytest.mark.parametrize("pre", ["none", "li_foil", "li5feo4"])
def test_cost_items_scalar_path_equals_broadcast_path(pre):
    res = cell_model(get_cathode("NCM811"), _blend(0.2), np_ratio=1.1, prelithiation=pre)
    assert all(isinstance(v, float) for v in res.mass_g.values())  # the fast path is taken
    rows, e = _cost.cost_items(res, "NCM811", 0.2, pre)
    rows0, e0 = _cost.cost_items(_as_0d(res), "NCM811", 0.2, pre)
    assert e == e0 and rows == rows0
    # batched results: one design picked by index is the same number as that design alone
    batch = cell_model(get_cathode("NCM811"), _blend(0.2), np_ratio=np.array([1.05, 1.1, 1.3]), prelithiation=pre)
    rows_b, e_b = _cost.cost_items(batch, "NCM811", 0.2, pre, index=1)
    assert e_b == pytest.approx(e, rel=1e-12)
    assert [v for _, v in rows_b] == pytest.approx([v for _, v in rows], rel=1e-12)
    assert math.isfinite(_cost.materials_cost_usd_per_kWh(res, "NCM811", 0.2, pre))


# ----------------------------------------------------------------------------- floats as NumPy scalars
from sianode.electrode import scalars as _scalars  # noqa: E402
from sianode.electrode.coating import Coating, anode_coating_default, cathode_coating_default, coating_geometry  # noqa: E402
from sianode.electrode.formation import auto_dose, formation  # noqa: E402
from sianode.errors import InputError  # noqa: E402

BAD = [0.0, -1.0, float("nan"), float("inf")]


def _outcome(fn, *args, **kw):
    """``fn``'s result as a dict of floats, or its InputError (message, field)."""
    try:
        out = fn(*args, **kw)
    except InputError as e:
        return ("error", str(e), e.field)
    d = out if isinstance(out, dict) else (vars(out) if hasattr(out, "__dict__") else {"value": out})
    return {k: float(np.asarray(v)) for k, v in d.items()}


def _same(a, b):
    if isinstance(a, tuple) or isinstance(b, tuple):
        return a == b
    return a.keys() == b.keys() and all(a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])) for k in a)


def _both(monkeypatch, fn, *args, **kw):
    """(scalar fast path, general path) outcomes of the same call: the general path is forced by making
    :func:`sianode.electrode.scalars.farray` treat no type as a float."""
    fast = _outcome(fn, *args, **kw)
    with monkeypatch.context() as m:
        m.setattr(_scalars, "FLOATS", ())
        general = _outcome(fn, *args, **kw)
    return fast, general


def test_farray_and_anytrue():
    assert type(_scalars.farray(1.5)) is np.float64 and type(_scalars.farray(np.float64(2.0))) is np.float64
    assert isinstance(_scalars.farray(np.array(1.5)), np.ndarray) and _scalars.farray([1, 2]).dtype == float
    assert type(_scalars.farray(1)) is np.ndarray  # ints take the general path
    for c in (True, False, np.True_, np.False_, np.array([False, True]), np.array([[False]]), [0, 0]):
        assert _scalars.anytrue(c) == bool(np.any(c))


def test_formation_scalar_path_equals_general_path(monkeypatch):
    rng = np.random.default_rng(18)
    for _ in range(200):
        qrev, qa = rng.uniform(0.5, 6.0, 2)
        ice_c, ice_a = rng.uniform(0.6, 1.0, 2)
        dose = float(rng.choice([0.0, rng.uniform(0, 2)]))
        fast, general = _both(monkeypatch, formation, float(qrev), float(ice_c), float(qa), float(ice_a), dose)
        assert _same(fast, general)
        fast, general = _both(monkeypatch, auto_dose, float(qrev), float(ice_c), float(ice_a))
        assert _same(fast, general)
    # arrays: each element is the scalar path's number
    q = np.array([1.0, 2.5, 4.0])
    arr = formation(q, 0.89, q * 1.1, np.array([0.7, 0.85, 0.95]), np.array([0.0, 0.3, 1.0]))
    for i in range(3):
        one = formation(float(q[i]), 0.89, float(q[i] * 1.1), [0.7, 0.85, 0.95][i], [0.0, 0.3, 1.0][i])
        for k in ("li_in", "lost", "plated", "stored", "q_cell", "reservoir", "cathode_reversible"):
            assert getattr(arr, k)[i] == getattr(one, k)
    # bad inputs: the same InputError (message and field) on both paths
    for bad in BAD:
        for args in ((bad, 0.9, 3.0, 0.8, 0.0), (3.0, bad, 3.0, 0.8, 0.0), (3.0, 0.9, bad, 0.8, 0.0),
                     (3.0, 0.9, 3.0, bad, 0.0), (3.0, 0.9, 3.0, 0.8, bad), (3.0, 1.5, 3.0, 0.8, 0.0)):
            fast, general = _both(monkeypatch, formation, *args)
            assert _same(fast, general), (args, fast, general)
        fast, general = _both(monkeypatch, auto_dose, 3.0, 0.9, bad)
        assert _same(fast, general) and fast[0] == "error"


def _coatings():
    yield anode_coating_default()
    yield anode_coating_default(porosity=None, press_density_g_cm3=1.5)
    yield anode_coating_default(porosity=None, thickness_um=80.0)
    yield cathode_coating_default()
    yield cathode_coating_default(solid=True)


def test_coating_geometry_scalar_path_equals_general_path(monkeypatch):
    rng = np.random.default_rng(7)
    for c in _coatings():
        for _ in range(40):
            m, rho = (float(x) for x in rng.uniform([1.0, 1.5], [25.0, 4.8]))
            extra = float(rng.choice([0.0, rng.uniform(0, 2)]))
            fast, general = _both(monkeypatch, coating_geometry, c, m, rho, extra, 2.0, "anode")
            assert _same(fast, general)
            fast64, _ = _both(monkeypatch, coating_geometry, c, np.float64(m), np.float64(rho), extra, 2.0)
            assert _same(fast64, _outcome(coating_geometry, c, m, rho, extra, 2.0))
        # arrays: element by element the scalar path's numbers
        ms, rhos = np.array([2.0, 7.5, 12.0]), np.array([2.1, 2.3, 3.0])
        arr = coating_geometry(c, ms, rhos)
        for i in range(3):
            one = coating_geometry(c, float(ms[i]), float(rhos[i]))
            assert all(np.broadcast_to(arr[k], ms.shape)[i] == one[k] for k in one)
        for bad in BAD:
            for args in ((c, bad, 2.2), (c, 8.0, bad), (c, 8.0, 2.2, bad)):
                fast, general = _both(monkeypatch, coating_geometry, *args, where="anode")
                assert _same(fast, general), (c, args, fast, general)
    for bad in BAD + [3.0]:  # press density not below the solids' density, a bad porosity, a too-thin coating
        for c in (anode_coating_default(porosity=None, press_density_g_cm3=bad), anode_coating_default(porosity=bad),
                  anode_coating_default(porosity=None, thickness_um=bad if bad != 3.0 else 5.0)):
            fast, general = _both(monkeypatch, coating_geometry, c, 8.0, 2.2, where="electrode")
            assert _same(fast, general), (c, fast, general)


@pytest.mark.parametrize("frac", [None, 0.0, 0.15, 0.6, np.array([0.05, 0.3, 0.9])])
@pytest.mark.parametrize("np_ratio,pre,dose", [(1.1, "none", "auto"), (1.02, "li_foil", "auto"), (1.05, "li_foil", 2.5),
                                               (np.array([1.0, 1.2, 1.6]), "li5feo4", "auto")])
def test_top_of_charge_point_rides_with_the_charge_branch(frac, np_ratio, pre, dose):
    """cell_model evaluates the top-of-charge anode potential with the charge branch in one call: the same numbers
    as separate calls (what the model did before)."""
    blend = _blend(frac)
    res = cell_model(get_cathode("NCM811"), blend, np_ratio=np_ratio, prelithiation=pre, dose_mAh_cm2=dose)
    v = res.values
    u_top = np.asarray(v["anode_utilisation_top_of_charge"])
    sep = np.where(np.asarray(v["plated_li_mAh_cm2"]) > 1e-12, 0.0,
                   blend.delithiation_voltage_V(np.clip(u_top, 0.0, 1.0), branch="lithiation"))
    assert np.array_equal(np.broadcast_to(v["anode_potential_top_of_charge_V"], sep.shape), sep)
    q_cell, reservoir, qa_rev = (np.asarray(v[k]) for k in ("areal_capacity_mAh_cm2", "li_reservoir_mAh_cm2",
                                                            "anode_reversible_mAh_cm2"))
    k = (np.arange(64) + 0.5) / 64
    qc = q_cell[..., None] * k
    th_a = np.clip((reservoir[..., None] + q_cell[..., None] - qc) / qa_rev[..., None], 0.0, 1.0)
    u_c = get_cathode("NCM811").voltage_V(qc / np.asarray(v["cathode_reversible_mAh_cm2"])[..., None])
    v_ch = np.mean(u_c - blend.delithiation_voltage_V(th_a, branch="lithiation"), axis=-1)
    assert np.array_equal(np.asarray(v["average_charge_voltage_V"]), v_ch)


def test_average_voltage_is_memoised_and_unchanged():
    from sianode.cathodes import CATHODES

    for c in [*CATHODES.values(), get_cathode("NCM811", reversible_capacity_mAh_g=190.0, density_g_cm3=4.7)]:
        for n in (400, 50):
            s = (np.arange(n) + 0.5) / n
            assert c.average_voltage_V(n) == float(np.mean(c.voltage_V(s)))
            assert c.average_voltage_V(n) == c.average_voltage_V(n)
    assert get_cathode("LFP").average_voltage_V() != get_cathode("NCM811").average_voltage_V()


def test_blend_inversion_with_shapes_already_matching():
    """delithiation_voltage_V skips broadcasting when an array already has the rows' shape: the same numbers as a
    broadcast input."""
    b = _blend(np.array([0.1, 0.4]))
    th = np.array([[0.2, 0.5, 0.9], [0.05, 0.6, 1.0]])
    a = b.delithiation_voltage_V(th[:, :, None][:, :, 0])
    c = b.delithiation_voltage_V(np.broadcast_to(th, (2, 3)))
    d = np.array([b.delithiation_voltage_V(np.broadcast_to(th[:, j:j + 1], (2, 1)))[:, 0] for j in range(3)]).T
    assert np.array_equal(a, c) and np.array_equal(a, d)


def test_format_from_design_is_memoised_on_its_section():
    from sianode.cell import formats as F
    from sianode.design.loader import design_from_dict, example_names, load_example

    def fresh(design):  # what format_from_design returned before the memo
        c = design.cell
        sec = {"pouch": c.pouch, "prismatic": c.prismatic}.get(c.format, c.cylindrical)
        return F.get_format(c.format, **sec.model_dump()) if c.format not in ("coin", "stack") else F.get_format(c.format)

    for name in example_names():
        d = load_example(name)
        if d.cell.kind != "full":
            continue
        assert F.format_from_design(d) == fresh(d)
        assert F.format_from_design(d) is F.format_from_design(d)

    def design(pouch):
        return design_from_dict({"cell": {"kind": "full", "cathode": "NCM811", "cathode_loading_mg_cm2": 20.0,
                                          "format": "pouch", "pouch": pouch},
                                 "protocol": {"v_min_V": 2.8, "v_max_V": 4.2, "cycles": 50}})
    a, b, c = design({"n_cathodes": 10}), design({"n_cathodes": 12}), design({"n_cathodes": 10})
    assert F.format_from_design(a).n_cathodes == 10 and F.format_from_design(b).n_cathodes == 12
    assert F.format_from_design(c) is F.format_from_design(a)
    with pytest.raises(InputError) as e:  # errors are not memoised: raised every time
        F.format_from_design(design({"packing_factor": 0.2}))
    with pytest.raises(InputError) as e2:
        F.format_from_design(design({"packing_factor": 0.2}))
    assert str(e.value) == str(e2.value)


def test_charged_voltage_is_voltage_at_zero():
    from sianode.cathodes import CATHODES

    for c in [*CATHODES.values(), get_cathode("NCM622", first_charge_capacity_mAh_g=210.0)]:
        v = c.charged_voltage_V()
        assert v == c.voltage_V(0.0) and type(v) is type(c.voltage_V(0.0)) and c.charged_voltage_V() is v


@pytest.mark.parametrize("fmt,pre", [("pouch", "li_foil"), ("21700", "li5feo4"), ("stack", "none"),
                                     ("prismatic", "li_foil"), ("pouch", "none")])
@pytest.mark.parametrize("np_ratio,loading", [(1.1, 18.75), (np.float64(1.2), np.float64(22.0)),
                                              (np.array(1.1), np.array(18.75)), (np.array([1.05, 1.3]), 20.0)])
def test_cell_model_scalar_inputs_equal_array_inputs(np_ratio, loading, fmt, pre, monkeypatch):
    """One design's floats (NumPy scalars inside) give the numbers of 0-d arrays, and the same errors."""
    b = _blend(0.25)
    kw = dict(np_ratio=np_ratio, cathode_loading_mg_cm2=loading, prelithiation=pre, cell_format=fmt,
              anode_thickness_change=0.3, irreversible_swelling_per_cycle=1e-4, eol_energy_retention=0.8)
    fast = cell_model(get_cathode("NCM811"), b, **kw)
    with monkeypatch.context() as m:
        m.setattr(_scalars, "FLOATS", ())
        general = cell_model(get_cathode("NCM811"), b, **kw)
    assert fast.values.keys() == general.values.keys() and fast.mass_g.keys() == general.mass_g.keys()
    for k in general.values:
        assert np.array_equal(np.asarray(fast.values[k]), np.asarray(general.values[k]), equal_nan=True), k
    for k in general.mass_g:
        assert np.array_equal(np.asarray(fast.mass_g[k]), np.asarray(general.mass_g[k])), k
    for k in general.volume_cm3:
        assert np.array_equal(np.asarray(fast.volume_cm3[k]), np.asarray(general.volume_cm3[k])), k
    for bad in BAD + [0.9]:
        for kw in ({"np_ratio": bad}, {"cathode_loading_mg_cm2": bad}, {"dose_mAh_cm2": -abs(bad) or -1.0}):
            fast, general = _both(monkeypatch, lambda **k: cell_model(get_cathode("NCM811"), b, prelithiation="li_foil",
                                                                        **k).values, **kw)
            assert _same(fast, general), (kw, fast, general)


def _reference_inversion(blend, theta, n_grid=241, branch="delithiation", chunk=4096):
    """The blend inversion as written before issue 18's changes (np.linspace, np.stack, np.broadcast_to, np.clip)."""
    theta = np.asarray(theta, dtype=float)
    comps = blend.components
    if len(comps) == 1:
        return comps[0].voltage(theta, branch) + 0.0 * theta
    u_lo, u_hi = -0.05, 2.0
    grid = np.linspace(0.0, 1.0, n_grid)
    tables = []
    for c in comps:
        u = np.minimum.accumulate(c.voltage(grid, branch)) - 1e-9 * grid
        tables.append((u[::-1], grid[::-1]))
    u_all = np.unique(np.clip(np.concatenate([t[0] for t in tables] + [np.array([u_lo, u_hi])]), u_lo, u_hi))
    th_tab = np.stack([np.interp(u_all, tu, tg) for tu, tg in tables])
    w_ = blend.weights
    q_ = np.array([c.reversible_capacity_mAh_g for c in comps], dtype=float).reshape((-1,) + (1,) * (w_.ndim - 1))
    shares = w_ * q_ / np.sum(w_ * q_, axis=0)
    extra = theta.ndim > shares.ndim - 1
    sh = shares[..., None] if extra else shares
    target = np.broadcast(theta, sh[0]).shape
    rows_shape = target[:-1] if extra else target
    n = len(comps)
    batch = shares.shape[1:]
    sh_rows = shares.reshape((n,) + (1,) * (len(rows_shape) - len(batch)) + batch)
    c_rows = np.broadcast_to(sh_rows, (n,) + rows_shape).reshape(n, -1)
    th_rows = np.broadcast_to(theta, target).reshape(c_rows.shape[1], -1)
    out = np.empty_like(th_rows)
    ua = u_all[::-1]
    k = ua.size
    for a in range(0, th_rows.shape[0], chunk):
        b = min(a + chunk, th_rows.shape[0])
        big = (c_rows[:, a:b].T @ th_tab)[:, ::-1]
        off = 2.0 * np.arange(b - a)[:, None]
        flat = (big + off).ravel()
        q = np.clip(th_rows[a:b], big[:, :1], big[:, -1:]) + off
        i1 = np.searchsorted(flat, q.ravel(), side="left").reshape(q.shape)
        base = (np.arange(b - a) * k)[:, None]
        i1 = np.clip(i1, base + 1, base + k - 1)
        i0 = i1 - 1
        x0, x1 = flat[i0], flat[i1]
        w = np.where(x1 > x0, (q - x0) / np.where(x1 > x0, x1 - x0, 1.0), 0.0)
        out[a:b] = ua[i0 - base] + w * (ua[i1 - base] - ua[i0 - base])
    return out.reshape(target)


@pytest.mark.parametrize("frac", [None, 0.0, 0.2, 0.7, np.array([0.05, 0.3, 0.9]), np.array([[0.1], [0.5]])])
@pytest.mark.parametrize("branch", ["delithiation", "lithiation"])
def test_blend_inversion_equals_the_reference(frac, branch):
    rng = np.random.default_rng(3)
    b = _blend(frac)
    batch = b.weights.shape[1:]
    for theta in (np.float64(0.37), 0.0, 1.0, rng.uniform(-0.1, 1.1, 64), rng.uniform(0, 1, batch + (5,)),
                  rng.uniform(0, 1, batch), np.linspace(0, 1, 65)):
        try:
            ref = _reference_inversion(b, theta, branch=branch)
        except ValueError:  # shapes that do not broadcast: an error on both
            with pytest.raises(ValueError):
                b.delithiation_voltage_V(theta, branch=branch)
            continue
        got = b.delithiation_voltage_V(theta, branch=branch)
        assert got.shape == ref.shape
        if not batch:  # one design: the reference's numbers exactly
            assert np.array_equal(got, ref)
            assert np.array_equal(b.delithiation_voltage_V(theta, branch=branch, chunk=2),
                                  _reference_inversion(b, theta, branch=branch, chunk=2))
            continue
        # batched rows: each row is that row's blend alone through the reference, exactly (issue 18: a design's
        # numbers do not depend on its batch; the reference's rows after the first carried its search offsets'
        # round-off, up to ~1e-12 relative)
        th = np.asarray(theta, dtype=float)
        rows_shape = got.shape[:-1] if th.ndim > len(batch) else got.shape
        w_rows = np.broadcast_to(b.weights.reshape(b.weights.shape[:1] + (1,) * (len(rows_shape) - len(batch))
                                                   + batch), b.weights.shape[:1] + rows_shape)
        th_all = np.broadcast_to(th, got.shape)
        for idx in np.ndindex(*rows_shape):
            one = AnodeBlend(b.components, np.array(w_rows[(slice(None),) + idx]))
            assert np.array_equal(got[idx], _reference_inversion(one, th_all[idx], branch=branch)), (idx, theta)
        assert np.array_equal(b.delithiation_voltage_V(theta, branch=branch, chunk=2), got)
