"""Parameters that carry their unit and source.

Every number sianode uses comes with where it came from: a seed file and section
(``seeds/000 §2``) or a published paper. Parameter sets are plain dicts of
:class:`Parameter`, kept next to the model that uses them (pvlib style).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Parameter:
    """A value with its unit and its source.

    ``value`` is in SI unless ``unit`` says otherwise; ``source`` names a seed file and
    section or a paper (authors, journal, year). ``note`` says what was fitted or assumed.
    """

    value: float
    unit: str
    source: str
    note: str = ""

    def __float__(self) -> float:  # lets a Parameter be used where a float is expected
        return float(self.value)


def values(params: dict[str, Parameter]) -> dict[str, float]:
    """Strip a parameter set to ``{name: value}`` for numerical code."""
    return {k: float(p.value) for k, p in params.items()}


def sources(params: dict[str, Parameter]) -> dict[str, str]:
    """``{name: source}`` of a parameter set, for reports."""
    return {k: p.source for k, p in params.items()}
