"""Electrode swelling as a sum of parts: invariants, limits, seeds/002 ordering, plastic binder load."""
import numpy as np
import pytest

from sianode.errors import InputError
from sianode.mechanics import lisi_law
from sianode.mechanics.binder_load import binder_damage, particle_surface_stress
from sianode.mechanics.electrode_swelling import electrode_swelling, pulverised_fraction, sei_surface_per_si_volume

BASE = dict(active_fraction=0.32, porosity=0.5, particle_expansion=1.1, si_volume_fraction=0.9,
            particle_diameter_m=5e-6, critical_diameter_m=250e-9, fresh_fraction=0.3,
            sei_thickness_per_cycle_m=0.6e-9, binder_failed=False, cycles=100)


def _run(**kw):
    args = dict(BASE)
    args.update(kw)
    return electrode_swelling(**args)


@pytest.mark.parametrize("seed", range(5))
def test_fracture_never_lowers_swelling_or_sei(seed):
    rng = np.random.default_rng(seed)
    kw = dict(active_fraction=rng.uniform(0.1, 0.5), porosity=rng.uniform(0.2, 0.6),
              particle_expansion=rng.uniform(0.0, 2.8), si_volume_fraction=rng.uniform(0.3, 1.0),
              fresh_fraction=rng.uniform(0, 1), binder_failed=bool(rng.integers(2)))
    intact = _run(feature_size_m=100e-9, **kw)
    broken = _run(feature_size_m=1e-6, **kw)
    assert not intact.fractures and broken.fractures
    assert broken.sei >= intact.sei and broken.sei_per_cycle >= intact.sei_per_cycle
    assert broken.delithiated >= intact.delithiated and broken.lithiated >= intact.lithiated


def test_larger_particles_never_fracture_less():
    sizes = np.geomspace(10e-9, 10e-6, 60)
    frac = pulverised_fraction(sizes, 250e-9)
    assert np.all(np.diff(frac) >= 0)
    totals = [_run(feature_size_m=s).delithiated for s in sizes]
    assert np.all(np.diff(totals) >= -1e-15)


def test_parts_add_up_and_no_driver_means_no_swelling():
    p = _run(feature_size_m=1e-6, binder_failed=True)
    assert p.delithiated == pytest.approx(p.sei + p.pulverisation + p.binder_failure)
    assert p.binder_failure == 0.0  # pulverisation already locks the expansion in; not counted twice
    assert p.lithiated == pytest.approx((1 + p.delithiated) * (1 + p.reversible) - 1)
    q = _run(feature_size_m=100e-9, fresh_fraction=0.0)
    assert q.delithiated == 0.0 and q.sei == 0.0
    # SEI grows linearly with the cycle number
    assert _run(feature_size_m=100e-9, cycles=200).sei == pytest.approx(2 * _run(feature_size_m=100e-9).sei)


def test_fracture_surface_adds_to_the_external_surface():
    a0 = sei_surface_per_si_volume(5e-6, 0.8, False, 250e-9)
    a1 = sei_surface_per_si_volume(5e-6, 0.8, True, 250e-9)
    assert a0 == pytest.approx(6 / (5e-6 * 0.8)) and a1 == pytest.approx(a0 + 6 / 250e-9)


@pytest.mark.parametrize("kw,field", [({"cycles": 0}, "protocol.cycles"), ({"sei_surface": "inner"}, "sei_surface"),
                                      ({"particle_diameter_m": -1.0}, "particle_diameter_m"),
                                      ({"si_volume_fraction": 1.5}, "si_volume_fraction")])
def test_bad_input_names_the_field(kw, field):
    with pytest.raises(InputError) as ei:
        _run(feature_size_m=100e-9, **kw)
    assert ei.value.field == field


def test_binder_load_comes_from_the_plastic_model():
    out = particle_surface_stress(1e-6, 1.0, host="amorphous")
    cap = lisi_law.LAW["flow_compression_low_x"].value
    assert 0.2e9 < out["max_surface_von_mises_Pa"] <= cap * 1.05  # never an elastic stress above yield
    assert binder_damage(out["max_surface_von_mises_Pa"], "CMC")["ratio"] < 1.0  # 12.01 GPa Na-CMC (seeds/002)
    with pytest.raises(InputError):
        particle_surface_stress(-1.0, 1.0)


def test_swelling_002_keeps_the_published_ordering():
    from sianode.mechanics.validation_cases import swelling_002

    s = swelling_002()
    m = [s[k]["model"] for k in ("mSi", "mSi@C", "p-mSi@SiOx/C")]
    assert m[0] > m[1] > m[2] > 0  # paper: 230.6 > 76.2 > 45.6 %
    assert s["mSi"]["fractures"] and not s["p-mSi@SiOx/C"]["fractures"]
