"""Queries return exactly what the filters say; bad filters list the valid ones."""
import pandas as pd
import pytest

from sianode.errors import InputError
from sianode.literature import query
from sianode.literature.build import FAMILIES


def test_issue_example_query_matches_all_filters():
    df = query.records(family="porous", electrolyte="liquid", min_cycles=500)
    assert len(df) > 5
    assert (df["family"] == "porous").all()
    assert (df["electrolyte"] == "liquid").all()
    assert (df["cycles"] >= 500).all()
    # and nothing that matches is missing
    everything = query.records()
    expected = everything[(everything.family == "porous") & (everything.electrolyte == "liquid")
                          & (everything.cycles.fillna(0) >= 500)]
    assert sorted(expected["id"]) == sorted(df["id"])


def test_numeric_thresholds_exclude_records_without_the_value():
    df = query.records(min_retention=90)
    assert df["retention_pct"].notna().all() and (df["retention_pct"] >= 90).all()
    df = query.records(min_capacity=2000, max_capacity=3000)
    assert df["capacity_mAh_g"].between(2000, 3000).all()


def test_solid_and_sse_filters():
    df = query.records(electrolyte="solid", sse="sulfide")
    assert len(df) >= 5 and (df["sse_class"] == "sulfide").all()
    unknown = query.records(electrolyte="unknown")
    assert unknown["electrolyte"].isna().all() and len(unknown) > 0


def test_family_aliases_and_text_filter():
    assert query.records(family="porous-micro").equals(query.records(family="porous"))
    df = query.records(text="AMPSi")
    assert len(df) >= 2 and df["material"].str.contains("AMPSi").all()


def test_duplicates_can_be_dropped():
    all_ = query.records()
    uniq = query.records(include_duplicates=False)
    assert len(uniq) < len(all_)
    assert uniq["duplicate_of"].isna().all()


def test_unknown_filter_lists_valid_filters():
    with pytest.raises(InputError) as e:
        query.records(colour="red")
    assert "valid filters" in str(e.value) and "min_cycles" in str(e.value)


def test_unknown_family_value_lists_valid_values_and_suggests():
    with pytest.raises(InputError) as e:
        query.records(family="porus")
    msg = str(e.value)
    assert "did you mean 'porous'" in msg
    assert all(f in msg for f in FAMILIES)


@pytest.mark.parametrize("kw", [dict(electrolyte="plasma"), dict(cell="pouch"), dict(seed="009"),
                                dict(min_cycles="many"), dict(min_ice=-1)])
def test_bad_values_raise(kw):
    with pytest.raises(InputError):
        query.records(**kw)


def test_show_and_unknown_id():
    rec = query.show("001-T1-11h")
    assert rec["material_as_printed"] == "Mesoporous Si@Si@G" and rec["ice_pct"] == 80.3
    with pytest.raises(InputError, match="close ids"):
        query.show("001-T1-11")


def test_property_tables():
    am = query.table("anode_materials").set_index("material")
    assert am.loc["Si", "theoretical_capacity_mAh_g"] == 4200
    assert am.loc["C", "theoretical_capacity_mAh_g"] == 372
    sse = query.table("solid_electrolytes")
    lpscl = sse[sse.material.str.startswith("Li6PS5Cl")].iloc[0]
    assert lpscl["ionic_conductivity_S_cm"] == pytest.approx(1.1e-2)
    # OCR-lost exponents are left empty, never guessed
    assert sse.loc[sse.material == "Fe-LiPON", "ionic_conductivity_S_cm"].isna().all()
    tg = query.table("industrial_targets").set_index("id")
    assert tg.loc["tg-ice", "value"] == 95 and tg.loc["tg-ice", "comparator"] == ">"
    assert isinstance(query.table("synthesis_routes"), pd.DataFrame)
    with pytest.raises(InputError, match="tables"):
        query.table("cathodes")
