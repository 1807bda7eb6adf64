"""Load and validate designs from TOML; turn validation failures into clear messages.

The message of every :class:`~sianode.errors.InputError` raised here names the field
(dotted path, e.g. ``electrode.porosity``) and what is allowed, so the CLI can print it
and exit with code 2 instead of showing a traceback.
"""
from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sianode.design.schema import Design
from sianode.errors import InputError

EXAMPLES_PACKAGE = "sianode.design.examples"
DEFAULT_EXAMPLE = "cvd_si_c"


def format_validation_error(err: ValidationError, source: str = "design") -> str:
    """One line per problem: ``field.path: what is wrong (allowed ...)``."""
    lines = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"] if not (isinstance(p, str) and p in _UNION_TAGS)) or "(design)"
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "unknown key (not a field of this section; check the spelling in the docs or `sianode validate --help`)"
        elif e["type"] == "union_tag_invalid":
            ctx = e.get("ctx", {})
            disc = str(ctx.get("discriminator", "kind")).strip("'")
            msg = f"unknown {disc} {ctx.get('tag')!r}; allowed: {ctx.get('expected_tags')}"
        elif e["type"] == "missing":
            msg = "required field is missing"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        inp = e.get("input")
        if e["type"] not in ("missing", "extra_forbidden") and not isinstance(inp, dict) and inp is not None:
            msg += f" (got {inp!r})"
        lines.append(f"{loc}: {msg}")
    return f"invalid {source}:\n  " + "\n  ".join(lines)


# Discriminated-union tags pydantic inserts in error locations; hide them from users.
_UNION_TAGS = {"si_particles", "porous_micro_si", "hollow", "core_shell", "yolk_shell", "siox", "cvd_si_c",
               "si_graphite", "liquid", "gel", "solid"}


def design_from_dict(data: dict[str, Any], source: str = "design") -> Design:
    """Validate a mapping into a :class:`Design` or raise :class:`InputError`."""
    try:
        return Design.model_validate(data)
    except ValidationError as err:
        raise InputError(format_validation_error(err, source)) from None


def load_design(path: str | Path) -> Design:
    """Read a design TOML file (never modified) and validate it."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", field=str(path))
    if path.is_dir():
        raise InputError("is a directory, expected a design .toml file", field=str(path))
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text (byte {e.start}); a design is a TOML text file", field=str(path)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"not valid TOML: {e}", field=str(path)) from None
    return design_from_dict(data, source=f"design {path}")


def example_names() -> list[str]:
    """Names of the bundled example designs."""
    return sorted(p.name[:-5] for p in resources.files(EXAMPLES_PACKAGE).iterdir() if p.name.endswith(".toml"))


def example_text(name: str) -> str:
    """TOML text of a bundled example."""
    if name not in example_names():
        raise InputError(f"unknown example {name!r}; available: {', '.join(example_names())}", field="example")
    return resources.files(EXAMPLES_PACKAGE).joinpath(f"{name}.toml").read_text(encoding="utf-8")


def load_example(name: str = DEFAULT_EXAMPLE) -> Design:
    """Load a bundled example design (default: CVD Si–C in porous carbon)."""
    return design_from_dict(tomllib.loads(example_text(name)), source=f"example {name}")
