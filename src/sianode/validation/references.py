"""The published record as data: reference values, tolerances and known-gap reasons.

Reads ``references.toml`` (every reference value with unit and source, every tolerance once with its
justification, the cases and their quantities) and ``known_gaps.toml`` (why a quantity misses today)
from the package, checks that they are consistent, and returns plain dataclasses. Nothing here runs
a model.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from sianode.errors import InputError

PACKAGE = "sianode.validation"
TOLERANCE_TYPES = ("relative", "absolute", "at_least")
KINDS = ("prediction", "fit")


@dataclass(frozen=True)
class Tolerance:
    """How close a model value must be to its reference.

    ``type``: "relative" (``value`` in %, two-sided), "absolute" (``value`` in the quantity's unit,
    two-sided) or "at_least" (``value`` in %: the model must reach ``reference * (1 - value/100)``).
    """

    key: str
    type: str
    value: float
    why: str

    def text(self, unit: str) -> str:
        """Human-readable band, e.g. ``±10 %``, ``±2 pp``, ``≥ reference``."""
        if self.type == "relative":
            return f"±{self.value:g} %"
        if self.type == "absolute":
            u = "pp" if unit == "%" else ("" if unit == "-" else unit)
            return f"±{self.value:g} {u}".rstrip()
        return "≥ reference" if self.value == 0 else f"≥ {100 - self.value:g} % of reference"


@dataclass(frozen=True)
class Quantity:
    """One compared quantity of a case."""

    case_id: str
    key: str
    name: str
    unit: str
    reference: float | None  # None: the adapter computes the reference (reference_from_model)
    source: str  # full citation + where
    tolerance: Tolerance
    kind: str
    fitted_on: str = ""


@dataclass(frozen=True)
class Case:
    """A reference case: its adapter module, whether it is in the fast subset, and its quantities."""

    id: str
    title: str
    module: str
    fast: bool
    what: str
    quantities: tuple[Quantity, ...]


@dataclass(frozen=True)
class Record:
    """Everything in the data files."""

    cases: dict[str, Case]
    tolerances: dict[str, Tolerance]
    gaps: dict[tuple[str, str], str]  # (case id, quantity key) -> reason
    notes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # case id -> [(title, text)]

    def case_ids(self) -> list[str]:
        return list(self.cases)


def _text(name: str) -> str:
    return resources.files(PACKAGE).joinpath(name).read_text(encoding="utf-8")


def _need(d: dict, key: str, where: str):
    if key not in d:
        raise InputError(f"missing '{key}'", field=where)
    return d[key]


def parse(references: dict, known_gaps: dict) -> Record:
    """Build a :class:`Record` from the two parsed TOML documents, checking every cross-reference."""
    sources = {k: _need(v, "citation", f"sources.{k}") for k, v in references.get("sources", {}).items()}
    tols = {}
    for k, v in references.get("tolerances", {}).items():
        t = Tolerance(k, _need(v, "type", f"tolerances.{k}"), float(_need(v, "value", f"tolerances.{k}")),
                      _need(v, "why", f"tolerances.{k}"))
        if t.type not in TOLERANCE_TYPES:
            raise InputError(f"type must be one of {TOLERANCE_TYPES}, got {t.type!r}", field=f"tolerances.{k}")
        if t.value < 0 or not t.why.strip():
            raise InputError("value must be >= 0 and 'why' must justify it", field=f"tolerances.{k}")
        tols[k] = t
    cases: dict[str, Case] = {}
    for c in references.get("case", []):
        cid = _need(c, "id", "case")
        if cid in cases:
            raise InputError(f"duplicate case id {cid!r}", field="case.id")
        qs = []
        for q in _need(c, "quantity", f"case {cid}"):
            where = f"case {cid}, quantity {q.get('key')!r}"
            src = _need(q, "source", where)
            if src not in sources:
                raise InputError(f"unknown source {src!r}; declared: {', '.join(sources)}", field=where)
            tk = _need(q, "tolerance", where)
            if tk not in tols:
                raise InputError(f"unknown tolerance {tk!r}; declared: {', '.join(tols)}", field=where)
            kind = _need(q, "kind", where)
            if kind not in KINDS:
                raise InputError(f"kind must be one of {KINDS}, got {kind!r}", field=where)
            if kind == "fit" and not q.get("fitted_on", "").strip():
                raise InputError("a fit quantity must say what was fitted on it (fitted_on)", field=where)
            from_model = bool(q.get("reference_from_model", False))
            if from_model == ("reference" in q):
                raise InputError("give either 'reference' or 'reference_from_model = true'", field=where)
            ref = None if from_model else float(q["reference"])
            citation = sources[src] + (f", {q['where']}" if q.get("where") else "")
            qs.append(Quantity(cid, str(_need(q, "key", where)), _need(q, "name", where), _need(q, "unit", where),
                               ref, citation, tols[tk], kind, q.get("fitted_on", "")))
        keys = [q.key for q in qs]
        if len(set(keys)) != len(keys):
            raise InputError(f"duplicate quantity keys in case {cid!r}", field=f"case {cid}")
        cases[cid] = Case(cid, _need(c, "title", cid), _need(c, "module", cid), bool(c.get("fast", False)),
                          c.get("what", ""), tuple(qs))
    gaps = {}
    for g in known_gaps.get("gap", []):
        cid, key = _need(g, "case", "gap"), _need(g, "quantity", "gap")
        where = f"known gap {cid}/{key}"
        if cid not in cases or key not in {q.key for q in cases[cid].quantities}:
            raise InputError("names a case/quantity that references.toml does not declare", field=where)
        reason = _need(g, "reason", where).strip()
        if not reason:
            raise InputError("a known gap needs a written reason", field=where)
        gaps[(cid, key)] = " ".join(reason.split())
    notes: dict[str, list[tuple[str, str]]] = {}
    for n in known_gaps.get("note", []):
        cid = _need(n, "case", "note")
        if cid not in cases:
            raise InputError(f"note names unknown case {cid!r}", field="known_gaps.toml")
        text = " ".join(_need(n, "text", f"note {cid}").split())
        notes.setdefault(cid, []).append((_need(n, "title", f"note {cid}"), text))
    return Record(cases, tols, gaps, notes)


@lru_cache(maxsize=1)
def load() -> Record:
    """The bundled record (``references.toml`` + ``known_gaps.toml``)."""
    return parse(tomllib.loads(_text("references.toml")), tomllib.loads(_text("known_gaps.toml")))
