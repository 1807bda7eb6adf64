"""Load and validate designs from TOML; turn validation failures into clear messages.

The message of every :class:`~sianode.errors.InputError` raised here names the field
(dotted path, e.g. ``electrode.porosity``) and what is allowed, so the CLI can print it
and exit with code 2 instead of showing a traceback.
"""
from __future__ import annotations

import difflib
import tomllib
import typing
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

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
            msg = _unknown_key_message(e["loc"])
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


def _models_in(annotation) -> list[type[BaseModel]]:
    """The pydantic models an annotation can hold (through Optional, Union, Annotated, list, dict)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        out += _models_in(arg)
    return out


def _tag_of(model: type[BaseModel]) -> str | None:
    for name in ("family", "kind"):
        f = model.model_fields.get(name)
        if f is not None and isinstance(f.default, str):
            return f.default
    return None


def section_models(loc) -> list[type[BaseModel]]:
    """Models of the schema section at an error location (``('active', 'cvd_si_c')`` -> [CVDSiC])."""
    models: list[type[BaseModel]] = [Design]
    for part in loc:
        nxt = [m for model in models if part in model.model_fields
               for m in _models_in(model.model_fields[part].annotation)]
        if nxt:
            models = nxt
            continue
        tagged = [m for m in models if _tag_of(m) == part]
        if tagged:
            models = tagged
    return models


def _unknown_key_message(loc) -> str:
    """'unknown key' plus the closest allowed names and where to see them all."""
    key = str(loc[-1]) if loc else ""
    allowed = sorted({f for m in section_models(loc[:-1]) for f in m.model_fields})
    close = difflib.get_close_matches(key, allowed, n=3, cutoff=0.6)
    section = ".".join(str(p) for p in loc[:-1] if not (isinstance(p, str) and p in _UNION_TAGS)) or "top level"
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return (f"unknown key {key!r} in {section}; {hint}allowed here: {', '.join(allowed)} "
            f"(`sianode schema` lists every field with its unit and range)")


# Discriminated-union tags pydantic inserts in error locations; hide them from users.
_UNION_TAGS = {"si_particles", "porous_micro_si", "hollow", "core_shell", "yolk_shell", "siox", "cvd_si_c",
               "si_graphite", "liquid", "gel", "solid"}


def design_from_dict(data: dict[str, Any], source: str = "design") -> Design:
    """Validate a mapping into a :class:`Design` or raise :class:`InputError`."""
    try:
        return Design.model_validate(data)
    except ValidationError as err:
        raise InputError(format_validation_error(err, source)) from None


# Leaf values the assignment fast path takes as they are (anything else goes through design_from_dict).
_PLAIN = (str, int, float, bool, type(None))


def assignment_plan(design: Design, data: dict[str, Any], paths) -> dict | None:
    """How to set values at dotted ``paths`` of ``design`` (validated from the mapping ``data``) by assignment:
    a tree ``{field: subtree}`` of the sections on the paths, ``None`` at the leaves; or None when assignment
    might not give what validating the changed mapping gives, i.e. unless every path runs through sections
    present in ``data`` as tables and held as one model (a plain, optional or discriminated-union model field,
    never a list or mapping) to a scalar field of the last section that is not the section's union tag, every
    model on the way validates the same way by assignment (:func:`_assignable`), and no path is a prefix of
    another."""
    paths = list(paths)
    if len(set(paths)) != len(paths) or any(q.startswith(p + ".") for p in paths for q in paths):
        return None
    tree: dict = {}
    for path in paths:
        parts = path.split(".")
        model, node, sub, tag = design, data, tree, None
        if not _assignable(type(model)):
            return None
        for p in parts[:-1]:
            field = type(model).model_fields.get(p)
            child = getattr(model, p, None) if field is not None else None
            if (not isinstance(node, dict) or not isinstance(node.get(p), dict) or not isinstance(child, BaseModel)
                    or type(child) not in _models_in(field.annotation)
                    or (len(_models_in(field.annotation)) > 1 and field.discriminator is None)):
                return None
            if not _assignable(type(child)):
                return None
            model, node, tag = child, node[p], field.discriminator
            sub = sub.setdefault(p, {})
            if sub is None:
                return None
        leaf = parts[-1]
        if (leaf not in type(model).model_fields or leaf == tag or not isinstance(node, dict)
                or not isinstance(getattr(model, leaf), _PLAIN)):
            return None
        sub[leaf] = None
    return tree


def _assignable(model: type[BaseModel]) -> bool:
    """Whether assignment validation of ``model`` runs what validating it from a mapping runs: model validators
    that take the model ("after") and nothing that sees the input or the other fields differently (field validators
    with ``info.data``, "before"/"wrap" model validators, post-init hooks, revalidated instances)."""
    dec = model.__pydantic_decorators__
    return (all(v.info.mode == "after" for v in dec.model_validators.values())
            and not (dec.field_validators or dec.validators or dec.root_validators)
            and model.__pydantic_post_init__ is None
            and model.model_config.get("revalidate_instances", "never") == "never")


def with_values(design: Design, plan: dict, values: dict[str, Any]) -> Design:
    """``design`` with ``values`` (dotted path -> plain scalar) set along ``plan`` (:func:`assignment_plan`) by
    pydantic's assignment validation: each section on a path is copied (the rest is shared with ``design``),
    each changed field validated and every changed section's model validators run, up to the Design's own (a
    section's validators once its changed sub-sections are all in place, again after each further leaf).
    Raises (pydantic's ValidationError, TypeError for a value that is not a plain scalar) where
    :func:`design_from_dict` is the owner of the message."""

    def assign(model: BaseModel, tree: dict, prefix: str) -> BaseModel:
        new = model.model_copy()
        validate = type(new).__pydantic_validator__.validate_assignment
        leaves = [name for name, sub in tree.items() if sub is None]
        sections = [(name, sub) for name, sub in tree.items() if sub is not None]
        for j, (name, sub) in enumerate(sections):
            section = assign(getattr(model, name), sub, prefix + name + ".")
            if leaves or j < len(sections) - 1:
                # the section is a validated copy of the same model, already in the fields set (assignment_plan):
                # assignment would take the instance as it is; the model's own validators run once, on the last
                # assignment below, with every changed field in place (as validating the whole mapping runs them)
                new.__dict__[name] = section
            else:
                validate(new, name, section)
        for name in leaves:
            v = values[prefix + name]
            if type(v) not in _PLAIN:  # exact types only; anything else takes design_from_dict
                raise TypeError(f"{prefix + name}: not a plain scalar")
            validate(new, name, v)
        return new

    return assign(design, plan, "")


def load_design(path: str | Path) -> Design:
    """Read a design TOML file (never modified) and validate it."""
    path = Path(path)
    if not path.exists():
        raise InputError(_not_found_message(path), field=str(path))
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


def _not_found_message(path: Path) -> str:
    """'file not found', pointing at the bundled examples when the name is one of them."""
    stem = path.name[:-5] if path.name.endswith(".toml") else path.name
    names = example_names()
    if stem in names:
        return (f"file not found; {stem!r} is the name of a bundled example: write the examples to a folder with "
                f"`sianode examples --write designs`, then run `sianode run designs/{stem}.toml`")
    close = difflib.get_close_matches(stem, names, n=1)
    hint = f" (a bundled example is called {close[0]!r})" if close else ""
    return (f"file not found{hint}; give the path of a design .toml file, or see the bundled designs with "
            "`sianode examples`")


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
