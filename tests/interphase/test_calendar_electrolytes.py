"""Calendar ageing trends (seeds/000 §3) and electrolyte parameter sets."""
import pytest

from sianode.design.schema import GelElectrolyte, LiquidElectrolyte, SolidElectrolyte
from sianode.errors import InputError
from sianode.interphase import calendar, electrolytes


def _lli(**kw):
    args = dict(days=30, soc=1.0, temperature_C=25.0, anode_potential_V=0.1, surface_area_m2_g=10.0,
                capacity_mAh_g=1500.0, n_steps=20)
    args.update(kw)
    return calendar.storage(**args)


def test_si_ages_worse_than_graphite():
    assert _lli(material="silicon")["lli_pct"].iloc[-1] > _lli(material="graphite")["lli_pct"].iloc[-1]


def test_hot_and_high_soc_age_faster():
    base = _lli()["lli_pct"].iloc[-1]
    assert _lli(temperature_C=60.0)["lli_pct"].iloc[-1] > base
    assert _lli(anode_potential_V=0.35, soc=0.3)["lli_pct"].iloc[-1] < base


def test_self_discharge_positive_and_slowing():
    df = _lli(days=120)
    sd = df["self_discharge_pct_per_month"].to_numpy()
    assert (sd[1:] > 0).all() and sd[-1] < sd[2]


def test_bad_storage_input():
    with pytest.raises(InputError):
        _lli(days=-1)
    with pytest.raises(InputError):
        _lli(soc=1.5)


def test_schema_mapping_and_sources():
    assert electrolytes.electrolyte_key(LiquidElectrolyte(additives_wt_pct={})) == "carbonate"
    assert electrolytes.electrolyte_key(LiquidElectrolyte()) == "fec"
    assert electrolytes.electrolyte_key(LiquidElectrolyte(localized_high_concentration=True)) == "lhce"
    assert electrolytes.electrolyte_key(GelElectrolyte()) == "gel"
    assert electrolytes.electrolyte_key(SolidElectrolyte()) == "solid"
    for e in electrolytes.ELECTROLYTES.values():
        for k in e.values():
            assert getattr(e, k).source
    with pytest.raises(InputError):
        electrolytes.get("water")
