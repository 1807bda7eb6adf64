"""The design schema as text: Markdown for docs/design-schema.md and tables for ``sianode schema``.

Sections are found by walking :class:`sianode.design.schema.Design` (every nested model, each member of
a discriminated union under its tag), so a field added to the schema appears here without edits.
"""
from __future__ import annotations

import typing

from pydantic import BaseModel

from sianode.design import schema as S
from sianode.design.loader import _models_in, _tag_of
from sianode.provenance import cite_seeds


def schema_sections() -> list[tuple[str, type[BaseModel]]]:
    """``(section path, model)`` for every section of a design, in schema order.

    Paths read as in a TOML file: ``electrode``, ``active (family = "cvd_si_c")``,
    ``active.coatings.outer``, ``cell.prelithiation``. A model reached twice is listed once.
    """
    out: list[tuple[str, type[BaseModel]]] = []
    seen: dict[type[BaseModel], int] = {}

    def walk(path: str, label: str, model: type[BaseModel]) -> None:
        if model in seen:  # reached again by another path: name both, describe once
            i = seen[model]
            if label not in out[i][0].split(" | "):
                out[i] = (f"{out[i][0]} | {label}", model)
            return
        seen[model] = len(out)
        out.append((label, model))
        for name, f in model.model_fields.items():
            members = _models_in(f.annotation)
            sub = f"{path}.{name}" if path else name
            for m in members:
                tag = _tag_of(m) if len(members) > 1 else None
                key = "family" if "family" in m.model_fields else "kind"
                walk(sub, f'{sub} ({key} = "{tag}")' if tag else sub, m)

    walk("", "", S.Design)
    out[0] = ("(top level)", S.Design)
    return out


#: Kept for callers that iterate over (title, model); derived, never edited by hand.
_SECTIONS = schema_sections()


def section_names() -> list[str]:
    """Top-level section names a user can ask ``sianode schema`` for."""
    return list(S.Design.model_fields)


def type_name(t) -> str:
    """Readable type of a field annotation (``'a' or 'b'``, ``float or None``, ``[Model]``)."""
    origin = typing.get_origin(t)
    if origin is typing.Literal:
        return " or ".join(repr(a) for a in typing.get_args(t))
    if isinstance(t, type) and issubclass(t, BaseModel):
        return f"[{t.__name__}]"
    s = str(t).replace("typing.", "").replace("sianode.design.schema.", "").replace("|", "or")
    return getattr(t, "__name__", s) if isinstance(t, type) else s


def constraints(f) -> str:
    """Allowed range of a field from its pydantic metadata (``> 0.0, <= 3000.0``)."""
    out = []
    for k in ("gt", "ge", "lt", "le"):  # lower bound first
        for m in f.metadata:
            v = getattr(m, k, None)
            if v is not None:
                out.append({"gt": ">", "ge": ">=", "lt": "<", "le": "<="}[k] + f" {v}")
    return ", ".join(out)


def unit_of(name: str, description: str | None) -> str:
    """Unit of a field: from its name suffix (``loading_mg_cm2`` -> mg/cm2, :mod:`sianode.units`), else
    from its description."""
    from sianode.units import unit_of_key

    u = unit_of_key(name)
    if u:
        return u
    if description and "(0–1" in description:
        return "fraction"
    return ""


def allowed_text(f) -> str:
    """What a field accepts, in one short phrase: a range, a list of choices, or its type."""
    rng = constraints(f)
    t = f.annotation
    optional = type(None) in typing.get_args(t)
    if rng:
        return rng + (" or none" if optional else "")
    choices = [a for arg in (typing.get_args(t) or (t,)) if typing.get_origin(arg) is typing.Literal
               for a in typing.get_args(arg)]
    if typing.get_origin(t) is typing.Literal:
        choices = list(typing.get_args(t))
    if choices:
        return ", ".join(repr(c) for c in choices)
    return type_name(t)


def default_text(f) -> str:
    if f.is_required():
        return "(required)"
    return "(section)" if f.default_factory is not None else repr(f.default)


def schema_markdown() -> str:
    lines = ["# Design schema reference", "",
             "Generated from `sianode.design.schema` by `python -m sianode.design.docs`; do not edit by hand. "
             "The same tables print in the terminal with `sianode schema [SECTION]`.",
             "Unknown keys are errors. Cross-field checks: formulation sums to 1; porosity or press density, not both; "
             "Si in a CVD scaffold must fit in its pores; coatings thinner than the particle (a porous particle's "
             "pore coatings must fit in its solid, checked by the materials stage); N/P >= 1 unless `allow_np_below_1`; half-cell windows within 0–3 V, full-cell upper "
             "cut-off >= 3 V; one free loading per full cell (the cathode's loading, or its thickness with its packing, "
             "or the anode's); a format section only with its format; pouch layers or a target capacity, a roll length "
             "or a target capacity, not both. Designs outside practical ranges (coating thickness, areal capacity, N/P, "
             "E/C) are accepted with a warning from the cell stage (sianode.cell.practical).", ""]
    for title, model in schema_sections():
        lines += [f"## {title}", "", "| field | type | unit | default | allowed | description |",
                  "|---|---|---|---|---|---|"]
        for name, f in model.model_fields.items():
            lines.append(f"| `{name}` | {type_name(f.annotation)} | {unit_of(name, f.description)} | "
                         f"{default_text(f)} | {constraints(f)} | {cite_seeds(f.description or '')} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(schema_markdown())
