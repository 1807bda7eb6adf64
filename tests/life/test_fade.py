"""Fade model: lithium conservation, zero-expansion limit, vectorisation, trends."""
import dataclasses

import numpy as np
import pytest

from sianode.errors import InputError
from sianode.interphase import sei
from sianode.life.fade import LifeInputs, cycles_to_retention, memory_bytes, simulate, to_frame


def _mixed():
    return LifeInputs(full_cell=np.array([0, 1, 1, 0, 1.0]), prelithiation_mAh_g=np.array([0, 0, 300, 0, 100.0]),
                      soc_min=np.array([0, 0, 0, 0.2, 0]), soc_max=np.array([1, 1, 0.7, 0.9, 1.0]),
                      strain_amplitude=np.array([0.3, 0.3, 0.4, 0.0, 0.5]), fractures=np.array([0, 1, 1, 0, 1.0]),
                      ec_ratio_g_Ah=np.array([40, 1.5, 3, 40, 1.2]))


def test_lithium_conservation_to_round_off():
    t = simulate(_mixed(), 400)
    full = np.array([False, True, True, False, True])
    bound = t["li_anode_mAh_g"] + t["_li_formation_mAh_g"] + t["li_sei_mAh_g"] + t["li_trapped_mAh_g"]
    full_total = bound + t["li_cathode_mAh_g"] + t["_li_plated_mAh_g"]
    scale = 1e-12 * np.max(t["_li_initial_mAh_g"][full])
    assert np.max(np.abs(full_total[:, full] - t["_li_initial_mAh_g"][full])) < scale
    assert np.max(np.abs(bound[:, ~full] - t["li_supplied_mAh_g"][:, ~full])) < 1e-12 * np.max(t["li_supplied_mAh_g"])
    # the cycler-measured charge - discharge of the half cells is the lithium bound in SEI, dead Si and reserve
    half = ~full
    lost = np.cumsum(t["charge_capacity_mAh_g"][:, half] - t["capacity_mAh_g"][:, half], axis=0)
    bound_change = (t["li_sei_mAh_g"] + t["li_trapped_mAh_g"] + t["li_anode_mAh_g"])[:, half] - \
        (t["li_supplied_mAh_g"][0, half] - t["_li_formation_mAh_g"][half] - t["charge_capacity_mAh_g"][0, half]
         + t["capacity_mAh_g"][0, half])
    np.testing.assert_allclose(lost, bound_change, rtol=1e-10, atol=1e-9)


def test_zero_expansion_reduces_to_plain_sei_growth():
    inp = LifeInputs(strain_amplitude=0.0, binder_beta=0.0, isolation_thickness=1.0, ec_ratio_g_Ah=1e6,
                     rest_h=1.0, c_rate=0.5)
    n = 200
    t = simulate(inp, n)
    assert np.all(t["fresh_fraction"] == 0)
    a = inp.arrays()
    arr = sei.arrhenius(a["temperature_K"], a["activation_energy"])
    K = arr * sei.transport_constant(a["solvent_diffusivity"] * a["solvent_factor"], a["solvent_concentration"],
                                     a["electron_conductivity"] * a["electron_factor"], a["anode_potential_V"])
    nr = arr * a["kinetic_rate_constant"] * a["solvent_concentration"] * a["solvent_factor"]
    dt = n * (2 * 3600 / 0.5 + 3600)
    L = sei.thickness_after(a["initial_thickness"], dt, K, nr)
    assert t["sei_thickness_m"][-1, 0] == pytest.approx(L[0], rel=1e-9)
    assert t["passivating_sei_m"][-1, 0] == pytest.approx(L[0], rel=1e-9)
    # all capacity loss of this half cell is then SEI-induced isolation or nothing at all
    assert t["lam"][-1, 0] < 1e-6


def test_vectorised_equals_individual_runs():
    inp = _mixed()
    t = simulate(inp, 120, record=("capacity_mAh_g", "ce"))
    a = inp.arrays()
    for j in (1, 3):
        one = LifeInputs(**{k: float(v[j]) for k, v in a.items()})
        tj = simulate(one, 120, record=("capacity_mAh_g", "ce"))
        np.testing.assert_allclose(tj["capacity_mAh_g"][:, 0], t["capacity_mAh_g"][:, j], rtol=1e-12)


def test_ce_below_but_approaching_one_when_sei_dominates():
    inp = LifeInputs(binder_beta=0.0, isolation_thickness=1e-3, strain_amplitude=0.3)
    ce = simulate(inp, 300, record=("ce",))["ce"][:, 0]
    assert np.all(ce < 1.0)
    # after a short transient from the formation SEI, debris slows regrowth: CE climbs towards 1
    assert ce[-1] > ce[20] > 0.995
    assert np.all(np.diff(ce[100:]) > 0)
    plain = simulate(dataclasses.replace(inp, strain_amplitude=0.0), 300, record=("ce",))["ce"][:, 0]
    assert np.all(np.diff(plain) > 0) and plain[-1] < 1.0 and plain[-1] > ce[-1]


def test_solid_keeps_more_capacity_than_gel_than_liquid():
    base = LifeInputs(strain_amplitude=0.45, c_rate=0.05)
    r = {}
    for name, w in (("liquid", 1.0), ("gel", 0.3), ("solid", 0.0)):
        r[name] = simulate(dataclasses.replace(base, fresh_surface_wetting=w), 100, record=("retention",))["retention"][-1, 0]
    assert r["solid"] > r["gel"] > r["liquid"]


def test_narrow_window_prelithiation_half_vs_full():
    base = LifeInputs(full_cell=1.0, strain_amplitude=0.4, c_rate=0.5)
    n = 300
    ret = lambda inp: simulate(inp, n, record=("retention",))["retention"][:, 0]  # noqa: E731
    c80 = lambda inp: cycles_to_retention(ret(inp)[:, None])[0]  # noqa: E731
    full = ret(base)
    assert ret(dataclasses.replace(base, soc_max=0.6))[-1] > full[-1]
    assert ret(dataclasses.replace(base, prelithiation_mAh_g=400.0))[-1] > full[-1]
    half_same_window = dataclasses.replace(base, full_cell=0.0)
    assert ret(half_same_window)[-1] > full[-1]
    assert np.isnan(c80(half_same_window)) or c80(half_same_window) > c80(base)


def test_hotter_and_faster_fade_more():
    base = LifeInputs(strain_amplitude=0.3, particle_radius_m=2e-6)
    r = lambda **kw: simulate(dataclasses.replace(base, **kw), 150, record=("retention",))["retention"][-1, 0]  # noqa
    assert r(temperature_K=333.15) < r()
    t_slow = simulate(dataclasses.replace(base, c_rate=0.2), 2, record=("strain_amplitude",))["strain_amplitude"][0, 0]
    t_fast = simulate(dataclasses.replace(base, c_rate=2.0, soc_max=0.6), 2, record=("strain_amplitude",))
    t_slow6 = simulate(dataclasses.replace(base, c_rate=0.2, soc_max=0.6), 2, record=("strain_amplitude",))
    assert t_fast["strain_amplitude"][0, 0] > t_slow6["strain_amplitude"][0, 0]
    assert t_slow > 0


def test_dry_out_with_lean_electrolyte():
    base = LifeInputs(full_cell=1.0, strain_amplitude=0.4, surface_area_m2_g=40.0)
    lean = simulate(dataclasses.replace(base, ec_ratio_g_Ah=1.1), 300, record=("retention", "electrolyte_remaining"))
    rich = simulate(dataclasses.replace(base, ec_ratio_g_Ah=6.0), 300, record=("retention",))
    assert lean["retention"][-1, 0] < rich["retention"][-1, 0]
    assert lean["electrolyte_remaining"][-1, 0] < 1.0 / 1.1 + 1e-9


def test_tidy_frame_and_cycles_to_retention():
    t = simulate(_mixed(), 10, record=("capacity_mAh_g", "ce"))
    df = to_frame(t)
    assert len(df) == 50 and set(df.columns) >= {"design", "cycle", "capacity_mAh_g", "ce"}
    r = np.linspace(1.0, 0.5, 11)[:, None]
    assert cycles_to_retention(r)[0] == pytest.approx(5.0)


def test_bad_inputs():
    with pytest.raises(InputError, match="capacity_mAh_g"):
        simulate(LifeInputs(capacity_mAh_g=np.nan), 10)
    with pytest.raises(InputError, match="inconsistent"):
        simulate(LifeInputs(ice=np.array([0.8, 0.9]), np_ratio=np.array([1.1, 1.2, 1.3])), 10)
    with pytest.raises(InputError, match="ice"):
        simulate(LifeInputs(ice=1.2), 10)
    with pytest.raises(InputError, match="soc_min"):
        simulate(LifeInputs(soc_min=0.8, soc_max=0.5), 10)
    with pytest.raises(InputError, match="cycles"):
        simulate(LifeInputs(), 0)
    with pytest.raises(InputError, match="cycles"):
        simulate(LifeInputs(), 2.5)
    with pytest.raises(InputError, match="GB"):
        simulate(LifeInputs(capacity_mAh_g=np.ones(10_000) * 1000), 10**7)
    assert memory_bytes(10, 10, ("ce",)) == 800
    # charge-passed formation (sianode.electrode.formation): a very low ICE leaves ICE x the lithium, never < 0
    t = simulate(LifeInputs(full_cell=1.0, ice=0.3, np_ratio=3.0), 10)
    assert 0 < t["capacity_mAh_g"][0, 0] <= 1500.0 / 3.0 * 0.3
    with pytest.raises(InputError, match="unknown outputs"):
        simulate(LifeInputs(), 10, record=("nonsense",))


def _cycles_to_retention_loop(r, threshold=0.8):
    """The previous per-design loop (reference for the vectorised cycles_to_retention)."""
    below = r < threshold
    any_below, idx = below.any(axis=0), np.argmax(below, axis=0)
    res = np.full(r.shape[1], np.nan)
    for j in np.flatnonzero(any_below):
        i = idx[j]
        if i == 0:
            res[j] = 1.0
        else:
            r0, r1 = r[i - 1, j], r[i, j]
            res[j] = i + (r0 - threshold) / (r0 - r1) if r0 != r1 else i + 1
    return res


def test_cycles_to_retention_equals_the_per_design_loop():
    rng = np.random.default_rng(2)
    r = 1.0 - np.cumsum(rng.uniform(0, 2e-3, (300, 200)), axis=0)
    r[:, :20] = 1.0  # never below
    r[0, 20:30] = 0.5  # below at once
    r[:, 30:40] = np.repeat(np.r_[np.ones(10), np.full(290, 0.8 - 1e-9)][:, None], 10, axis=1)  # a step
    r[50:, 40:45] = np.nan  # NaN never counts as below
    r[100, 45:50] = 0.8  # exactly at the threshold: not below
    for thr in (0.8, 0.95, 0.5):
        np.testing.assert_array_equal(cycles_to_retention(r, thr), _cycles_to_retention_loop(r, thr))
    assert np.isnan(cycles_to_retention(r)[:20]).all() and (cycles_to_retention(r)[20:30] == 1.0).all()


def test_stacked_inputs_equal_concatenated_arrays_and_validate_once_naming_the_field():
    from sianode.life.uncertainty import stack_inputs

    a = _mixed().arrays()
    items = [LifeInputs(**{k: float(v[j]) for k, v in a.items()}) for j in range(5)]
    stacked = stack_inputs(items)
    for k, v in stacked.arrays().items():
        np.testing.assert_array_equal(v, a[k])
    assert set(vars(stacked)) == set(a)
    assert all(isinstance(v, np.ndarray) and v.ndim == 1 for v in vars(stacked).values())
    # every item holding a one-element array in a field: the same designs
    ones = stack_inputs([dataclasses.replace(x, ice=np.array([x.ice])) for x in items])
    for k, v in ones.arrays().items():
        np.testing.assert_array_equal(v, a[k])
    # items holding arrays: broadcast item by item, then concatenated
    mixed = stack_inputs([_mixed(), items[0], LifeInputs(ice=np.array([0.7, 0.8]))])
    assert mixed.n_designs == 8
    np.testing.assert_array_equal(mixed.arrays()["ice"][-3:], [a["ice"][0], 0.7, 0.8])
    # one invalid design in the batch: the batch raises, naming the field (the sweep splits the batch)
    bad = items[:2] + [dataclasses.replace(items[2], particle_radius_m=-1.0)] + items[3:]
    with pytest.raises(InputError, match="must be > 0") as e:
        simulate(stack_inputs(bad), 5)
    assert e.value.field == "particle_radius_m"
    with pytest.raises(InputError) as e:
        simulate(stack_inputs(items[:1] + [dataclasses.replace(items[1], capacity_mAh_g=float("nan"))]), 5)
    assert e.value.field == "capacity_mAh_g" and "NaN" in str(e.value)


def test_a_reference_known_positive_gives_the_same_ratios_and_losses():
    """positive_ratio(..., positive=True) (the fade loop tests its fixed references once) == the tested path."""
    from sianode.life import lam
    from sianode.life.window import positive_ratio, window_strain_amplitude

    rng = np.random.default_rng(11)
    num, den = rng.uniform(0, 2, 300), rng.uniform(1e-6, 1.0, 300)
    np.testing.assert_array_equal(positive_ratio(num, den, positive=True), positive_ratio(num, den))
    np.testing.assert_array_equal(lam.fracture_loss_per_cycle(num, den, 1.0, 0.3, 2.5, reference_positive=True),
                                  lam.fracture_loss_per_cycle(num, den, 1.0, 0.3, 2.5))
    E, lo = rng.uniform(0.5, 3, 300), rng.uniform(0, 0.5, 300)
    hi = lo + rng.uniform(0, 0.5, 300)
    np.testing.assert_array_equal(window_strain_amplitude(den, lo, hi, E, full_positive=True),
                                  window_strain_amplitude(den, lo, hi, E))
    # a zero reference: tested per call, as before
    den[::7] = 0.0
    r = positive_ratio(num, den, positive=None)
    assert (r[::7] == 0).all() and np.array_equal(r[1::7], num[1::7] / den[1::7])
