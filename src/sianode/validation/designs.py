"""Design files of the validation cases (``validation/designs/*.toml``), each built from its paper.

A design file may start with ``base = "other.toml"``: its top-level tables then replace the same
tables of the base design (whole tables, no deep merge), so a full cell can reuse the half cell's
active material without restating it.
"""
from __future__ import annotations

import tomllib
from importlib import resources

from sianode.design import Design, design_from_dict
from sianode.errors import InputError

DESIGNS = "designs"


def _raw(name: str) -> dict:
    f = resources.files("sianode.validation").joinpath(DESIGNS, name)
    if not f.is_file():
        raise InputError(f"no validation design {name!r}", field="validation design")
    data = tomllib.loads(f.read_text(encoding="utf-8"))
    base = data.pop("base", None)
    if base is None:
        return data
    if base == name:
        raise InputError("a design cannot be its own base", field=name)
    merged = _raw(base)
    merged.update(data)
    return merged


def load_case_design(name: str) -> Design:
    """Load and validate a validation design by file name (e.g. ``"p_msi_002_half.toml"``)."""
    return design_from_dict(_raw(name), source=f"validation design {name}")
