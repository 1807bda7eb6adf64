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
    # whole-record repeats are dropped; records repeating only some values stay (their other values are new)
    assert (uniq["duplicate_of"].isna() | uniq["duplicate_values"].notna()).all()
    assert "001-212-cscp" not in set(uniq["id"]) and "001-22-subnano" in set(uniq["id"])


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


# ---------------------------------------------------------------- finding 5: bounds are not values
def test_a_less_than_value_never_passes_a_minimum():
    ids = set(query.records(min_capacity=1000)["id"])
    assert "004-52-grandjean-lsnps" not in ids  # "a capacity of less than 1000 mAh g⁻¹"
    assert {"004-T2-mpss", "004-52-grandjean-lpscl"} <= ids  # "Over 1500", "exceeding 2500": certainly above
    assert "004-52-grandjean-lsnps" in set(query.records(max_capacity=1000)["id"])
    assert "004-T2-mpss" not in set(query.records(max_capacity=2000)["id"])  # over 1500 may exceed 2000


def test_bounds_are_per_value():
    rec = query.show("001-212-muscm")  # "surpassing 800 cycles" at "≈3.75 mA h cm⁻²"
    assert query.values_as_printed(rec) == {"cycles": ">800", "areal_capacity_mAh_cm2": "≈3.75"}
    lsnps = query.values_as_printed(query.show("004-52-grandjean-lsnps"))
    assert lsnps["capacity_mAh_g"] == "<1000" and lsnps["ice_pct"] == "40" and lsnps["retention_pct"] == "50"


def test_ranges_pass_a_minimum_with_the_low_end_and_a_maximum_with_the_high_end():
    assert query.passes(0.6, ("range", 0.8), 0.6, "min") and not query.passes(0.6, ("range", 0.8), 0.7, "min")
    assert query.passes(0.6, ("range", 0.8), 0.8, "max") and not query.passes(0.6, ("range", 0.8), 0.7, "max")
    assert query.display("0.6", ("range", 0.8)) == "0.6–0.8"
    assert query.values_as_printed(query.show("002-1ag-500"))["loading_mg_cm2"] == "0.6–0.8"  # "about 0.6–0.8"
    assert "002-1ag-500" in set(query.records(min_loading=0.6)["id"])
    assert "002-1ag-500" not in set(query.records(min_loading=0.7)["id"])


# ---------------------------------------------------------------- finding 6: filters, sort, precision
def test_cathode_and_areal_capacity_filters_and_sort():
    lfp = query.records(cathode="lfp")
    assert set(lfp["id"]) >= {"004-54-ppg"} and lfp["cathode"].str.contains("LFP|LiFePO4").all()
    df = query.sort_records(query.records(min_areal_capacity=3), "capacity")
    assert (df["areal_capacity_mAh_cm2"] >= 3).all() and len(df) >= 10
    caps = df["capacity_mAh_g"].dropna().tolist()
    assert caps == sorted(caps, reverse=True) and df["capacity_mAh_g"].isna().iloc[len(caps):].all()
    with pytest.raises(InputError, match="valid keys"):
        query.sort_records(df, "colour")


def test_values_keep_their_printed_precision():
    p = query.values_as_printed(query.show("001-231-dsiog"))
    assert p["capacity_mAh_g"] == "1937.6"
    assert query.values_as_printed(query.show("001-T1-09h"))["rate_capacity_mAh_g"] == "774.0"
    assert query.values_as_printed(query.show("002-rate5"))["rate_capacity_mAh_g"] == "1123.0"


def test_full_cell_capacities_are_not_anode_capacities():
    df = query.records(cell="full")
    assert df["cell_capacity_mAh_g"].notna().sum() >= 2
    rec = query.show("001-T1-02f")
    assert rec["capacity_mAh_g"] is None and rec["cell_capacity_mAh_g"] == 133.7
    # no full cell or pack stores a cathode-basis number (< 300 mAh/g) as an anode capacity
    full = query.records()
    full = full[full["cell"].isin(["full", "pack"])]
    for col in ("capacity_mAh_g", "rate_capacity_mAh_g"):
        assert not (full[col] < 300).any(), col
