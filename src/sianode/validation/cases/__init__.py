"""Adapters: one small function per reference case that calls the public model functions.

Each adapter is the ONE place where its case calls a model, so that when a model's API changes only
the adapter changes. An adapter takes no arguments and returns a :class:`CaseOutput` whose
``values`` are keyed by the quantity keys of ``references.toml``. It raises :class:`CaseNotRun`
when a prerequisite (a system tool, a data file) is missing on this machine.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from sianode.errors import InputError


class CaseNotRun(Exception):
    """The case cannot run on this machine; the message says why and how to enable it."""


@dataclass
class CaseOutput:
    """What an adapter returns.

    values     : quantity key -> model value (in the quantity's unit).
    references : quantity key -> reference computed in the same run (``reference_from_model`` quantities).
    details    : extra numbers or notes shown in the case's report section.
    table      : an optional detail table for the report.
    """

    values: dict[str, float]
    references: dict[str, float] = field(default_factory=dict)
    details: dict[str, object] = field(default_factory=dict)
    table: pd.DataFrame | None = None


ADAPTERS: dict[str, Callable[[], CaseOutput]] = {}


def adapter(case_id: str):
    """Register ``fn`` as the adapter of ``case_id``."""
    def deco(fn):
        ADAPTERS[case_id] = fn
        return fn
    return deco


def get_adapter(case_id: str, module: str) -> Callable[[], CaseOutput]:
    """The adapter of a case, importing ``sianode.validation.cases.<module>`` on first use."""
    if case_id not in ADAPTERS:
        try:
            importlib.import_module(f"{__name__}.{module}")
        except ModuleNotFoundError as e:
            raise InputError(f"case {case_id!r} names adapter module {module!r}, which does not exist ({e})",
                             field="references.toml") from None
    if case_id not in ADAPTERS:
        raise InputError(f"no adapter registered for case {case_id!r} in module {module!r}", field="references.toml")
    return ADAPTERS[case_id]


def ordering_fraction(values, expected_order) -> float:
    """Fraction of pairs (i, j), i before j in ``expected_order``, with ``values[i] > values[j]``."""
    pairs = [(a, b) for i, a in enumerate(expected_order) for b in expected_order[i + 1:]]
    return sum(values[a] > values[b] for a, b in pairs) / len(pairs)
