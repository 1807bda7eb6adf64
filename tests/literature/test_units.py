"""Unit parsing and conversion used to tie normalised columns to published text."""
import math

import pytest

from sianode.errors import InputError
from sianode.literature.units import agrees, convert, normalise_text, parse_quantity, quantities


@pytest.mark.parametrize("value, unit, to, expected", [
    (372, "mA g-1", "A/g", 0.372),
    (165, "mA g⁻¹", "A/g", 0.165),
    (2.1, "A g^{-1}", "A/g", 2.1),
    (1.2, "Ah/g", "mAh/g", 1200.0),
    (900, "Ah/kg", "mAh/g", 900.0),
    (1391, "mA h g⁻¹", "mAh/g", 1391.0),
    (0.002, "A/cm2", "mA/cm2", 2.0),
    (3.5, "mA h cm⁻²", "mAh/cm2", 3.5),
    (0.5, "g/cm2", "mg/cm2", 500.0),
    (476, "Wh Kg⁻¹", "Wh/kg", 476.0),
    (1048, "Wh L-1", "Wh/L", 1048.0),
])
def test_convert(value, unit, to, expected):
    assert math.isclose(convert(value, unit, to), expected, rel_tol=1e-12)


def test_convert_rejects_wrong_dimension_and_names_accepted_units():
    with pytest.raises(InputError, match="accepted units"):
        convert(1, "mAh/g", "A/g")
    with pytest.raises(InputError, match="unknown target unit"):
        convert(1, "mAh/g", "furlong")


def test_parse_quantity():
    assert parse_quantity("1.5 Ah/g", "mAh/g") == 1500.0
    assert parse_quantity("1500", "mAh/g") == 1500.0
    assert parse_quantity("85 %", "%") == 85.0
    with pytest.raises(InputError):
        parse_quantity("lots", "mAh/g")


def test_normalise_text_typographic_variants():
    assert normalise_text("1391 mA h g⁻¹") == "1391 mAh g-1"
    assert normalise_text("949.7 mA h g^{-1}") == "949.7 mAh g-1"
    assert normalise_text("502 Wh Kg⁻¹") == "502 Wh kg-1"


def _q(text):
    return [(round(q.value, 9), q.unit) for q in quantities(text)]


def test_quantities_from_a_cycling_phrase():
    assert _q("1391 mAh g⁻¹ at 0.2 A g⁻¹ after 400 cycles") == [(1391.0, "mAh/g"), (0.2, "A/g"), (400.0, "cycles")]


def test_quantities_distribute_a_shared_unit_over_lists():
    got = _q("capacities of 1783.6, 1772.3 and 1123.0 mAh g⁻¹ at 0.2, 0.5 and 5.0 A g⁻¹")
    assert got == [(1783.6, "mAh/g"), (1772.3, "mAh/g"), (1123.0, "mAh/g"), (0.2, "A/g"), (0.5, "A/g"), (5.0, "A/g")]


def test_quantities_c_rates_and_ordinal_cycles():
    assert (0.2, "C") in _q("at C/5 after 200 cycles")
    assert (0.25, "C") in _q("at a C/4 rate")
    assert (0.5, "C") in _q("at 0.5 C")
    assert _q("at ≈25 °C") == []  # a temperature is not a C-rate
    assert (1000.0, "cycles") in _q("a discharge capacity of 1050 mAh g⁻¹ at the 1000th cycle")
    assert (0.42, "A/g") in _q("1712 mA h cm⁻³ at 420 mA g⁻¹")
    assert (1712.0, "mAh/cm3") in _q("1712 mA h cm⁻³ at 420 mA g⁻¹")


def test_agrees_is_exact_up_to_storage_rounding():
    text = "1391 mAh g⁻¹ at 0.2 A g⁻¹"
    assert agrees(1391, text, "mAh/g")
    assert not agrees(1390, text, "mAh/g")
    assert not agrees(0.2, text, "mAh/g")  # right number, wrong kind of unit
    assert agrees(0.0002e3, text, "A/g")
    assert agrees(0.083333, "850 mAh g⁻¹ (30 cycles) at C/12", "C")
