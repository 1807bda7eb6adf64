"""Reading numbers with units out of published text, and converting them.

The literature records keep every number *as published* (a text column) next to a
normalised numeric column. This module is the single place where the two are tied
together:

* :func:`normalise_text` turns the typographic variants found in the seeds
  (``mA h g⁻¹``, ``mAh g^{-1}``, ``mAh  $g^{-1}$``, ``Wh Kg⁻¹`` …) into one plain form;
* :func:`quantities` finds every ``number unit`` pair in a text, including lists such
  as ``"1783.6, 1772.3 and 1123.0 mAh g⁻¹"`` where one unit serves several numbers;
* :func:`convert` and :func:`parse_quantity` convert a value given in any accepted unit
  to the canonical unit of its kind (mAh/g, A/g, mA/cm2, mg/cm2, mAh/cm2, mAh/cm3,
  Wh/kg, Wh/L, %, C-rate, cycles).

Conversions are exact scale factors (1 A = 1000 mA, 1 kg = 1000 g, 1 Ah/kg = 1 mAh/g).
A C-rate is not converted to a current density: that needs the cell's capacity, which
published records rarely give, so C-rates stay in their own column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sianode.errors import InputError

# canonical unit -> {accepted spelling (normalised, lower-case, no spaces): factor to canonical}
UNITS: dict[str, dict[str, float]] = {
    "mAh/g": {"mah/g": 1.0, "mahg-1": 1.0, "ah/kg": 1.0, "ahkg-1": 1.0, "ah/g": 1000.0, "ahg-1": 1000.0},
    "A/g": {"a/g": 1.0, "ag-1": 1.0, "ma/g": 1e-3, "mag-1": 1e-3},
    "mA/cm2": {"ma/cm2": 1.0, "macm-2": 1.0, "a/cm2": 1000.0, "acm-2": 1000.0},
    "mg/cm2": {"mg/cm2": 1.0, "mgcm-2": 1.0, "g/cm2": 1000.0},
    "mAh/cm2": {"mah/cm2": 1.0, "mahcm-2": 1.0, "ah/cm2": 1000.0},
    "mAh/cm3": {"mah/cm3": 1.0, "mahcm-3": 1.0, "ah/l": 1.0, "ahl-1": 1.0},
    "Wh/kg": {"wh/kg": 1.0, "whkg-1": 1.0, "mwh/g": 1.0},
    "Wh/L": {"wh/l": 1.0, "whl-1": 1.0},
    "%": {"%": 1.0, "pct": 1.0, "percent": 1.0},
}

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def normalise_text(text: str) -> str:
    """Plain-text form of a published phrase: superscripts, LaTeX/HTML markup and
    spelling variants of units reduced to one form (``mAh g-1``, ``A g-1``, ``Wh kg-1``)."""
    t = text.translate(_SUPERSCRIPTS)
    t = re.sub(r"</?su[bp]>", "", t)
    t = t.replace("$", "").replace("\\,", " ").replace("\\mathrm", "").replace("\\text", "")
    t = re.sub(r"\^\{?\s*([-−–]?\s*\d)\s*\}?", r"\1", t)  # g^{-1} -> g-1
    t = t.replace("{", "").replace("}", "")
    t = re.sub(r"(?<=[a-zA-Z])\s*[−–](?=\s*\d)", "-", t)  # g −1 / g–1 -> g-1
    t = re.sub(r"\bmA\s+h\b", "mAh", t)
    t = re.sub(r"\bA\s+h\b", "Ah", t)
    t = re.sub(r"\bW\s+h\b", "Wh", t)
    t = t.replace("Kg", "kg")
    t = re.sub(r"\s+", " ", t)
    return t


_NUM = r"\d+(?:\.\d+)?"
_LIST = rf"{_NUM}(?:\s*(?:,\s*and|,|and)\s*{_NUM})*"
# unit spellings as they occur in normalised text (order matters: longest first)
_UNIT_PATTERNS: list[tuple[str, str, float]] = [
    (r"mAh\s*g\s*-\s*1|mAh\s*/\s*g", "mAh/g", 1.0),
    (r"mAh\s*cm\s*-\s*2|mAh\s*/\s*cm2", "mAh/cm2", 1.0),
    (r"mAh\s*cm\s*-\s*3|mAh\s*/\s*cm3", "mAh/cm3", 1.0),
    (r"mA\s*g\s*-\s*1|mA\s*/\s*g", "A/g", 1e-3),
    (r"mA\s*cm\s*-\s*2|mA\s*/\s*cm2", "mA/cm2", 1.0),
    (r"(?<![mk])A\s*g\s*-\s*1|(?<![mk])A\s*/\s*g", "A/g", 1.0),
    (r"mg\s*cm\s*-\s*2|mg\s*/\s*cm2", "mg/cm2", 1.0),
    (r"Wh\s*kg\s*-\s*1|Wh\s*/\s*kg", "Wh/kg", 1.0),
    (r"Wh\s*L\s*-\s*1|Wh\s*/\s*L", "Wh/L", 1.0),
    (r"%", "%", 1.0),
    (r"C(?![a-zA-Z°/])", "C", 1.0),
]
_CYCLES = re.compile(rf"({_LIST})\s*(?:st|nd|rd|th)?\s*(?:charge[–-]discharge\s+)?(?:cycles?|rounds)\b")
_CFRAC = re.compile(r"(?<![A-Za-z0-9])C\s*/\s*(\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class Quantity:
    """One ``number unit`` pair read from a published phrase.

    ``value`` is in the canonical ``unit``; ``printed`` is the number exactly as printed
    (``"1123.0"``) and ``factor`` the exact conversion applied to it (``"0.001"`` for mA g⁻¹ →
    A/g); ``bound`` is the qualifier printed before the number (:data:`BOUNDS`) or ``None``;
    for a printed range (``"0.6–0.8 mg cm⁻²"``) ``value`` is the low end, ``high`` the high
    end and ``bound`` is ``"range"``. ``start``/``end`` locate the number in the normalised
    text (:func:`normalise_text`).
    """

    value: float
    unit: str  # canonical unit: one of UNITS, "C" or "cycles"
    printed: str = ""
    factor: str = "1"
    bound: str | None = None
    high: float | None = None
    start: int = -1
    end: int = -1
    high_printed: str = ""


#: Qualifiers a published number can carry, as stored in the ``bounds`` column of the records.
BOUNDS = {
    ">": "lower bound ('over', 'exceeding', 'surpassing', 'above', '>')",
    "≥": "lower bound, inclusive ('at least', '≥')",
    "<": "upper bound ('less than', 'below', '<')",
    "≤": "upper bound, inclusive ('≤')",
    "≈": "approximate ('≈', 'about', 'around', 'approximately', 'nearly', 'almost')",
    "range": "printed range: the column holds the low end, the bound gives the high end",
}
_BOUND_WORDS: list[tuple[str, str]] = [
    (r"≥|\bat least", "≥"),
    (r"≤", "≤"),
    (r">|\bover|\bmore than|\babove|\bexceed(?:ing|s|ed)?|\bsurpass(?:ing|es|ed)?|\bin excess of", ">"),
    (r"<|\bless than|\bbelow|\bfewer than", "<"),
    (r"≈|~|∼|\babout|\baround|\bapproximately|\bnearly|\balmost|\broughly", "≈"),
]
# "over 400 cycles" means "during 400 cycles" in the seeds, so for cycle counts "over" is no bound
_NOT_A_CYCLE_BOUND = re.compile(r"\bover\s*$", re.I)
_RANGE_LOW = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*[–-]\s*$")


def bound_before(prefix: str, unit: str = "") -> str | None:
    """Qualifier (a key of :data:`BOUNDS`) printed immediately before a number, given the
    text ``prefix`` that precedes the number; ``None`` if there is none."""
    for pattern, op in _BOUND_WORDS:
        if re.search(rf"(?:{pattern})\s*$", prefix, re.I):
            if unit == "cycles" and _NOT_A_CYCLE_BOUND.search(prefix):
                return None
            return op
    return None


def _numbers(t: str, m: re.Match, group: int = 1):
    """(printed number, start, end) of every number in a matched list."""
    base = m.start(group)
    for n in re.finditer(_NUM, m.group(group)):
        yield n.group(0), base + n.start(), base + n.end()


def _quantity(t: str, printed: str, start: int, end: int, unit: str, factor: float) -> Quantity:
    f = "1" if factor == 1.0 else repr(factor)
    prefix = t[:start]
    low = _RANGE_LOW.search(prefix)
    if low:  # "0.6–0.8 mg cm-2": one quantity, the low end, with the high end kept
        return Quantity(float(low.group(1)) * factor, unit, low.group(1), f, "range", float(printed) * factor,
                        low.start(1), end, printed)
    return Quantity(float(printed) * factor, unit, printed, f, bound_before(prefix, unit), None, start, end)


def quantities(text: str) -> list[Quantity]:
    """Every ``number unit`` pair in a published phrase, in canonical units.

    Lists sharing one unit (``"75%, 66%, 58%, and 54%"``, ``"0.2, 0.5 and 1.0 A g⁻¹"``)
    give one quantity per number. ``C/5`` is read as a C-rate of 0.2; cycle counts
    (``"after 500 cycles"``, ``"the 1000th cycle"``) have unit ``"cycles"``. Each quantity
    carries its printed form, the qualifier printed before it (``"over 80%"`` → ``">"``) and,
    for a printed range, both ends.
    """
    if not text:
        return []
    t = normalise_text(text)
    out: list[Quantity] = []
    for pattern, unit, factor in _UNIT_PATTERNS:
        for m in re.finditer(rf"(?<![\d.])({_LIST})\s*(?:{pattern})", t):
            for printed, s, e in _numbers(t, m):
                out.append(_quantity(t, printed, s, e, unit, factor))
    for m in _CFRAC.finditer(t):
        out.append(Quantity(1.0 / float(m.group(1)), "C", f"C/{m.group(1)}", "1/n", bound_before(t[:m.start()]),
                            None, m.start(), m.end()))
    for m in _CYCLES.finditer(t):
        for printed, s, e in _numbers(t, m):
            out.append(_quantity(t, printed, s, e, "cycles", 1.0))
    return out


def agrees(value: float, text: str, unit: str, rel: float = 1e-5) -> bool:
    """True when ``text`` states ``value`` (in canonical ``unit``), up to storage round-off (6 significant digits)."""
    return bool(matches(value, text, unit, rel))


def matches(value: float, text: str, unit: str, rel: float = 1e-5) -> list[Quantity]:
    """The quantities of ``text`` (canonical ``unit``) whose value (low end, for a range) is ``value``."""
    return [q for q in quantities(text)
            if q.unit == unit and abs(q.value - value) <= rel * max(abs(value), 1e-12) + 1e-9]


def _key(unit: str) -> str:
    u = normalise_text(unit).lower().replace(" ", "").replace("·", "").replace("^", "")
    return u.replace("−", "-").replace("⁻", "-")


def convert(value: float, unit: str, to: str) -> float:
    """Convert ``value`` from ``unit`` to the canonical unit ``to``.

    >>> convert(372, "mA g-1", "A/g")
    0.372
    >>> convert(1.2, "Ah/g", "mAh/g")
    1200.0
    """
    if to not in UNITS:
        raise InputError(f"unknown target unit {to!r}; allowed: {', '.join(UNITS)}", field="unit")
    factors = UNITS[to]
    k = _key(unit)
    if k not in factors:
        raise InputError(
            f"cannot convert {unit!r} to {to}; accepted units: {', '.join(sorted(factors))}", field="unit")
    return float(value) * factors[k]


def parse_quantity(text: str, to: str) -> float:
    """Parse ``"1.5 Ah/g"`` or ``"1500 mAh g⁻¹"`` (or a bare number, taken as ``to``)."""
    s = str(text).strip()
    m = re.fullmatch(r"([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*(.*)", s)
    if not m:
        raise InputError(f"{text!r} is not a number with a unit (expected e.g. '1500 mAh/g')", field="unit")
    value, unit = float(m.group(1)), m.group(2).strip()
    if not unit:
        return value
    if to == "%" and unit == "%":
        return value
    return convert(value, unit, to)
