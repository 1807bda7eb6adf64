"""Consistency of the literature records with their own as-published text.

Every normalised number of a record is tied to the text column it was read from
(:data:`SOURCE_OF`). :func:`check_records` runs every check below and returns one line per
problem (an empty list means the data are consistent); the test suite requires it to be
empty for the shipped CSV and proves each check fails on a deliberately broken copy.

Checks
------
* **stated** (:func:`contradictions`): the text states the value in the same kind of unit
  after an exact conversion (1 A = 1000 mA ...), up to float round-off.
* **printed precision** (:func:`precision_problems`): the CSV cell is the number as printed
  (``"1123.0"``, not ``"1123"``; ``"0.165"`` for ``165 mA g⁻¹``), so tables can show published
  values exactly.
* **bounds** (:func:`bound_problems`): a value printed with a qualifier (``over 80%``,
  ``>90%``, ``less than 1000``, ``≈600``, a range ``0.6–0.8``) carries that qualifier in the
  ``bounds`` column, and a qualifier in ``bounds`` is printed in the text. A bound stored as a
  plain value is an error.
* **capacity basis** (:func:`basis_problems`): the basis of a specific capacity agrees with
  the words of its clause in the quote: "initial"/"first cycle" ⇔ ``initial``/``first_*``;
  ``first_discharge`` needs "discharge"/"lithiation", ``first_charge`` "charge"/"reversible";
  ``after_cycling`` needs a cycle count in the clause. If the clause of the capacity or the
  retention states a current, the record's current is that one (one record, one test).
* **duplicates** (:func:`duplicate_problems`): two records of one study (same ``group``,
  cell, electrolyte) that state the same result number (same kind of unit, same cycle count),
  or describe the same cycling test (same material, cycle count and compatible current and
  loading, no conflicting result), must be linked by ``duplicate_of`` with the repeated
  columns in ``duplicate_values`` (empty: the whole record repeats); every value marked as
  repeated must be stated by the record it points to.

The clause of a number is the text from the previous sentence end or the previous ``mAh g⁻¹``
quantity up to the next sentence end, comma, "and" or "with".
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from itertools import combinations

from sianode.literature.build import VALUE_COLUMNS, parse_bounds
from sianode.literature.units import matches, normalise_text, quantities

# normalised column -> (text column it comes from, canonical unit)
SOURCE_OF: dict[str, tuple[str, str]] = {
    "ice_pct": ("ice_text", "%"),
    "capacity_mAh_g": ("performance_text", "mAh/g"),
    "cell_capacity_mAh_g": ("performance_text", "mAh/g"),
    "current_A_g": ("performance_text", "A/g"),
    "c_rate": ("performance_text", "C"),
    "current_mA_cm2": ("performance_text", "mA/cm2"),
    "cycles": ("performance_text", "cycles"),
    "retention_pct": ("performance_text", "%"),
    "areal_capacity_mAh_cm2": ("performance_text", "mAh/cm2"),
    "volumetric_capacity_mAh_cm3": ("performance_text", "mAh/cm3"),
    "loading_mg_cm2": ("loading_text", "mg/cm2"),
    "rate_capacity_mAh_g": ("rate_text", "mAh/g"),
    "rate_current_A_g": ("rate_text", "A/g"),
    "rate_c_rate": ("rate_text", "C"),
    "rate_current_mA_cm2": ("rate_text", "mA/cm2"),
    "rate_retention_pct": ("rate_text", "%"),
    "energy_density_Wh_kg": ("energy_text", "Wh/kg"),
    "energy_density_Wh_L": ("energy_text", "Wh/L"),
}
TEXT_COLUMNS = ("ice_text", "performance_text", "loading_text", "rate_text", "energy_text")
#: columns holding a result (what a study reports), as opposed to test conditions
RESULT_COLUMNS = ("ice_pct", "capacity_mAh_g", "cell_capacity_mAh_g", "retention_pct", "areal_capacity_mAh_cm2",
                  "volumetric_capacity_mAh_cm3", "rate_capacity_mAh_g", "rate_retention_pct",
                  "energy_density_Wh_kg", "energy_density_Wh_L")
CURRENT_COLUMNS = ("current_A_g", "c_rate", "current_mA_cm2")
_CURRENT_UNIT = {"current_A_g": "A/g", "c_rate": "C", "current_mA_cm2": "mA/cm2"}
#: flags under which a repeated value may differ from the record it repeats
_DISAGREE = ("seeds-disagree", "internal-disagree")


def _close(a: float, b: float, rel: float = 1e-5) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-12) + 1e-9


def contradictions(rows: list[dict]) -> list[str]:
    """Human-readable list of normalised values not stated by their source text."""
    bad = []
    for r in rows:
        for col, (text_col, unit) in SOURCE_OF.items():
            v = r.get(col)
            if v is None:
                continue
            if not matches(float(v), r.get(text_col) or "", unit):
                bad.append(f"{r['id']}: {col}={v} not stated in {text_col}={r.get(text_col)!r}")
    return bad


def precision_problems(printed_rows: list[dict]) -> list[str]:
    """CSV cells (as text) that are not the number as printed in their source text."""
    bad = []
    for r in printed_rows:
        bounds = parse_bounds(r.get("bounds"), f"{r['id']}:bounds")
        for col, (text_col, unit) in SOURCE_OF.items():
            raw = r.get(col)
            if raw is None:
                continue
            ms = matches(float(raw), r.get(text_col) or "", unit)
            if not ms or any(_same_printed(raw, q) for q in ms):
                continue  # an unstated value is reported by contradictions()
            bad.append(f"{r['id']}: {col} stored as {raw!r} but printed as {ms[0].printed!r} "
                       f"(x{ms[0].factor}) in {text_col}")
        for col, (op, high) in bounds.items():
            if op == "range":
                text_col, unit = SOURCE_OF[col]
                his = [q.high_printed for q in matches(float(r[col]), r.get(text_col) or "", unit)
                       if q.bound == "range"]
                item = next(x for x in r["bounds"].split(";") if x.split()[0] == col).split()
                if his and item[2] not in his:
                    bad.append(f"{r['id']}: range high end of {col} stored as {item[2]!r}, printed {his[0]!r}")
    return bad


def _same_printed(raw: str, q) -> bool:
    if q.factor == "1":
        return raw == q.printed
    if q.factor == "1/n":  # C/n: a rounded decimal
        return True
    try:
        return Decimal(raw) == Decimal(q.printed) * Decimal(q.factor)
    except InvalidOperation:
        return False


def bound_problems(rows: list[dict]) -> list[str]:
    """Values whose printed qualifier (over, <, ≈, range) and ``bounds`` entry disagree."""
    bad = []
    for r in rows:
        try:
            bounds = parse_bounds(r.get("bounds"), f"{r['id']}:bounds")
        except Exception as e:  # noqa: BLE001 - reported, not raised
            bad.append(str(e))
            continue
        for col, (text_col, unit) in SOURCE_OF.items():
            v = r.get(col)
            if v is None:
                continue
            ms = matches(float(v), r.get(text_col) or "", unit)
            if not ms:
                continue
            stored = bounds.get(col, (None, None))
            printed = {(q.bound, q.high if q.bound == "range" else None) for q in ms}
            ok = any(b == stored[0] and (b != "range" or _close(h, stored[1])) for b, h in printed)
            if ok:
                continue
            said = ", ".join(sorted(str(b) for b, _ in printed))
            if stored[0] is None:
                bad.append(f"{r['id']}: {col}={v} is printed with qualifier {said!r} in {text_col} "
                           f"but stored as a plain value (add '{col} {said}' to bounds)")
            else:
                bad.append(f"{r['id']}: bounds says {col} {stored[0]} but {text_col} prints it with "
                           f"qualifier {said!r}")
    return bad


# ------------------------------------------------------------------ capacity basis and pairing
_DELIM = re.compile(r"(?<![\d.])\.(?![\d.])|;")
_RIGHT_STOP = re.compile(r"(?<![\d.])\.(?![\d.])|;|,|\band\b|\bwith\b")
_MAHG = re.compile(r"mAh\s*g\s*-\s*1|mAh\s*/\s*g")
_FIRST = re.compile(r"\binitial|\bfirst\b|\bfirst-cycle|\b1st\b", re.I)
_CYCLE_WORDS = re.compile(r"\d+\s*(?:st|nd|rd|th)?\s*(?:charge[–-]discharge\s+)?(?:cycles?|rounds)\b", re.I)


_LIST_TO_UNIT = re.compile(r"(?:\s*(?:,\s*and|,|and)\s*\d+(?:\.\d+)?)*\s*(?:mAh\s*g\s*-\s*1|mAh\s*/\s*g)")
_EDITORIAL = re.compile(r"\[[^\]]*\]")


def clause(text: str, q) -> tuple[int, int, str]:
    """``(start, end, text)`` of the clause around quantity ``q`` in the normalised ``text``.

    The clause runs from the previous sentence end or ``mAh g⁻¹`` quantity to the next sentence
    end, comma, "and" or "with" after the number's unit (over a shared-unit list such as
    ``"733.7 and 1208.1 mAh g⁻¹"``). Editorial context in square brackets applies to the whole
    quote and is appended.
    """
    t = normalise_text(text)
    unit = _LIST_TO_UNIT.match(t, q.end)
    after = unit.end() if unit else q.end
    left = 0
    for m in _DELIM.finditer(t, 0, q.start):
        left = m.end()
    for m in _MAHG.finditer(t, 0, q.start):
        left = max(left, m.end())
    stop = _RIGHT_STOP.search(t, after)
    nxt = _MAHG.search(t, after)
    right = min(x.start() for x in (stop, nxt) if x) if (stop or nxt) else len(t)
    context = " ".join(m.group(0) for m in _EDITORIAL.finditer(t) if not left <= m.start() < right)
    return left, right, t[left:right] + (" " + context if context else "")


def sentence(text: str, q) -> str:
    """The sentence of the normalised ``text`` that holds quantity ``q`` (plus editorial context)."""
    t = normalise_text(text)
    left = max([m.end() for m in _DELIM.finditer(t, 0, q.start)], default=0)
    m = _DELIM.search(t, q.end)
    context = " ".join(m.group(0) for m in _EDITORIAL.finditer(t))
    return t[left:m.start() if m else len(t)] + " " + context


def basis_problems(rows: list[dict]) -> list[str]:
    """Capacity bases that contradict the quote, and records pairing values from two tests."""
    bad = []
    for r in rows:
        text = r.get("performance_text") or ""
        for col, basis_col in (("capacity_mAh_g", "capacity_basis"), ("cell_capacity_mAh_g", "cell_capacity_basis")):
            v, basis = r.get(col), r.get(basis_col)
            if v is None:
                continue
            ms = matches(float(v), text, "mAh/g")
            if not ms:
                continue
            _, _, c = clause(text, ms[0])
            first = bool(_FIRST.search(c))
            why = None
            if first and basis not in ("initial", "first_charge", "first_discharge"):
                why = "the quote says initial/first cycle"
            elif not first and basis in ("initial", "first_charge", "first_discharge"):
                why = "the quote does not say initial/first cycle"
            elif basis == "first_discharge" and not re.search(r"discharg|lithiat|insertion", c, re.I):
                why = "the quote does not say discharge/lithiation"
            elif basis == "first_charge" and not re.search(r"(?<!dis)charge|delithiat|reversible|extraction", c, re.I):
                why = "the quote does not say charge/reversible"
            elif basis == "after_cycling" and not _CYCLE_WORDS.search(sentence(text, ms[0])):
                why = "the sentence of the quote gives no cycle count"
            if why:
                bad.append(f"{r['id']}: {basis_col}={basis} contradicts the quote ({why}): {c.strip()!r}")
        bad += _pairing_problems(r, text)
    return bad


def _pairing_problems(r: dict, text: str) -> list[str]:
    """A current printed in the clause of the capacity or retention must be the record's current."""
    bad = []
    stored = {(u, float(r[c])) for c, u in _CURRENT_UNIT.items() if r.get(c) is not None}
    for col, unit in (("capacity_mAh_g", "mAh/g"), ("retention_pct", "%")):
        v = r.get(col)
        if v is None:
            continue
        ms = matches(float(v), text, unit)
        if not ms:
            continue
        lo, hi, c = clause(text, ms[0])
        said = [q for q in quantities(c) if q.unit in ("A/g", "C", "mA/cm2")]
        if said and not any(_close(q.value, x) for q in said for u, x in stored if u == q.unit):
            printed = ", ".join(f"{q.printed} {q.unit}" for q in said)
            bad.append(f"{r['id']}: {col}={v} was measured at {printed} (quote: {c.strip()!r}) but the record's "
                       f"current is {sorted(stored) or 'empty'}: one record must describe one test")
    return bad


# ------------------------------------------------------------------ duplicates
def repeated_columns(r: dict) -> tuple[str, ...]:
    """Columns of ``r`` marked as repeating the record ``duplicate_of`` points to."""
    if not r.get("duplicate_of"):
        return ()
    if r.get("duplicate_values"):
        return tuple(r["duplicate_values"].split(";"))
    return tuple(c for c in RESULT_COLUMNS + ("cycles",) if r.get(c) is not None)


def _stated_in(value: float, unit: str, r: dict) -> bool:
    return any(matches(value, r.get(tc) or "", unit) for tc in TEXT_COLUMNS)


def _same_context(a: dict, b: dict) -> bool:
    return (a.get("group") or a["id"]) == (b.get("group") or b["id"]) and all(
        a.get(k) == b.get(k) for k in ("cell", "electrolyte", "sse_class", "prelithiated", "metric_kind"))


def _compatible(a, b) -> bool:
    return a is None or b is None or _close(float(a), float(b))


def _marks(x: dict, cx: str, y: dict) -> bool:
    """``x`` says its column ``cx`` repeats record ``y``."""
    return x.get("duplicate_of") == y["id"] and cx in repeated_columns(x)


def _covered(x: dict, cx: str, y: dict, cy: str | None) -> bool:
    """The repeat of ``x[cx]`` by ``y`` (in column ``cy``, or only quoted if None) is marked."""
    if _marks(x, cx, y) or (cy is not None and _marks(y, cy, x)):
        return True
    if cy is None and y.get("duplicate_of") == x["id"]:
        return True  # y quotes x's number and is linked to x
    t = x.get("duplicate_of")
    return bool(t) and t == y.get("duplicate_of") and cx in repeated_columns(x) and (
        cy is None or cy in repeated_columns(y))


def _states(b: dict, unit: str) -> list[float]:
    """Numbers of kind ``unit`` that record ``b`` stores, or quotes in a text that is not the
    source of its own stored values of that kind (a number it cites beside its own result)."""
    stored = [float(b[c]) for c in RESULT_COLUMNS if b.get(c) is not None and SOURCE_OF[c][1] == unit]
    own_sources = {SOURCE_OF[c][0] for c in RESULT_COLUMNS if b.get(c) is not None and SOURCE_OF[c][1] == unit}
    quoted = [q.value for tc in TEXT_COLUMNS if tc not in own_sources for q in quantities(b.get(tc) or "")
              if q.unit == unit]
    return stored + quoted


def duplicate_problems(rows: list[dict]) -> list[str]:
    """Unmarked repeats of one result, and marked repeats the target does not state."""
    bad = []
    by_id = {r["id"]: r for r in rows}
    for a, b in combinations(rows, 2):
        if not _same_context(a, b):
            continue
        same_cycles = _compatible(a.get("cycles"), b.get("cycles"))
        for x, y in ((a, b), (b, a)):
            for cx in RESULT_COLUMNS:
                if x.get(cx) is None or not (same_cycles or cx == "ice_pct"):
                    continue  # ICE is a first-cycle number: the cycle count of the record does not matter
                unit = SOURCE_OF[cx][1]
                if not any(_close(float(x[cx]), v) for v in _states(y, unit)):
                    continue
                cy = next((c for c in RESULT_COLUMNS if y.get(c) is not None and SOURCE_OF[c][1] == unit
                           and _close(float(x[cx]), float(y[c]))), None)
                if cy is not None and x is b:
                    continue  # a stored-stored pair is reported once, from a's side
                if not _covered(x, cx, y, cy):
                    bad.append(f"unmarked duplicate: {x['id']}.{cx}={x[cx]} {unit} is stated again by "
                               f"{y['id']}{'.' + cy if cy else ' (in its text)'} (group {x.get('group')}); "
                               "mark one with duplicate_of / duplicate_values")
        if (a.get("cycles") is not None and b.get("cycles") == a.get("cycles") and a["material"] == b["material"]
                and all(_compatible(a.get(k), b.get(k)) for k in CURRENT_COLUMNS + ("loading_mg_cm2",))
                and all(_compatible(a.get(k), b.get(k)) for k in RESULT_COLUMNS)
                and not _covered(a, "cycles", b, "cycles")):
            bad.append(f"unmarked duplicate: {a['id']} and {b['id']} describe the same {a['cycles']}-cycle test "
                       f"of {a['material']!r}; mark one with duplicate_of (duplicate_values: cycles)")
    for r in rows:
        t = by_id.get(r.get("duplicate_of") or "")
        if t is None:
            continue
        lenient = any(f in (r.get("flag") or "").split(";") for f in _DISAGREE)
        for col in repeated_columns(r):
            unit = SOURCE_OF[col][1]
            if not _stated_in(float(r[col]), unit, t) and not lenient:
                bad.append(f"{r['id']}: {col}={r[col]} is marked as repeating {t['id']}, which does not state it")
        if not r.get("duplicate_values"):
            extra = [c for c in RESULT_COLUMNS if r.get(c) is not None and not _stated_in(float(r[c]),
                                                                                         SOURCE_OF[c][1], t)]
            if extra and not lenient:
                bad.append(f"{r['id']}: whole-record duplicate of {t['id']} carries values {t['id']} does not state "
                           f"({', '.join(extra)}); list the repeated columns in duplicate_values")
    return bad


def check_records(rows: list[dict], printed_rows: list[dict] | None = None) -> list[str]:
    """Every check of this module on the typed ``rows`` (and the as-printed rows, if given)."""
    out = contradictions(rows) + bound_problems(rows) + basis_problems(rows) + duplicate_problems(rows)
    if printed_rows is not None:
        out += precision_problems(printed_rows)
    return out


# ------------------------------------------------------------------ property tables
def _numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"\d+(?:\.\d+)?", normalise_text(text or ""))]


def _sci(text: str) -> list[float]:
    """Values written as ``a × 10⁻b`` (or ``a × 10-b``) in a text."""
    t = normalise_text(text or "")
    return [float(m) * 10.0 ** (-int(e)) for m, e in re.findall(r"(\d+(?:\.\d+)?)\s*[×x]\s*10\s*-\s*(\d+)", t)]


def property_contradictions(targets: list[dict], electrolytes: list[dict]) -> list[str]:
    """Targets whose value is not printed in their text; SSE conductivities not printed as a × 10⁻b."""
    bad = []
    for r in targets:
        for col in ("value", "value_max"):
            v = r.get(col)
            if v is not None and not any(abs(v - x) <= 1e-9 * max(1.0, abs(v)) for x in _numbers(r["text"])):
                bad.append(f"{r['id']}: {col}={v} not in text {r['text']!r}")
    for r in electrolytes:
        v = r.get("ionic_conductivity_S_cm")
        if v is not None and not any(abs(v - x) <= 1e-6 * v for x in _sci(r["ionic_conductivity_text"])):
            bad.append(f"{r['id']}: ionic_conductivity_S_cm={v} not in {r['ionic_conductivity_text']!r}")
    return bad
