"""Render the design schema as Markdown (docs/design-schema.md is generated from this)."""
from __future__ import annotations

import typing

from pydantic import BaseModel

from sianode.design import schema as S

_SECTIONS = [
    ("Design (top level)", S.Design),
    ("active: si_particles", S.SiParticles), ("active: porous_micro_si", S.PorousMicroSi),
    ("active: hollow", S.HollowSi), ("active: core_shell", S.CoreShell), ("active: yolk_shell", S.YolkShell),
    ("active: siox", S.SiOx), ("active: cvd_si_c", S.CVDSiC), ("active: si_graphite", S.SiGraphiteBlend),
    ("coatings", S.Coatings), ("coating (outer or pore)", S.Coating),
    ("electrode", S.Electrode),
    ("electrolyte: liquid", S.LiquidElectrolyte), ("electrolyte: gel", S.GelElectrolyte),
    ("electrolyte: solid", S.SolidElectrolyte),
    ("cell", S.Cell), ("cell.prelithiation", S.Prelithiation), ("protocol", S.Protocol),
]


def _type_name(t) -> str:
    origin = typing.get_origin(t)
    if origin is typing.Literal:
        return " or ".join(repr(a) for a in typing.get_args(t))
    if isinstance(t, type) and issubclass(t, BaseModel):
        return f"[{t.__name__}]"
    s = str(t).replace("typing.", "").replace("sianode.design.schema.", "").replace("|", "or")
    return getattr(t, "__name__", s) if isinstance(t, type) else s


def _constraints(f) -> str:
    out = []
    for m in f.metadata:
        for k in ("gt", "ge", "lt", "le"):
            v = getattr(m, k, None)
            if v is not None:
                out.append({"gt": ">", "ge": ">=", "lt": "<", "le": "<="}[k] + f" {v}")
    return ", ".join(out)


def schema_markdown() -> str:
    lines = ["# Design schema reference", "",
             "Generated from `sianode.design.schema` by `python -m sianode.design.docs`; do not edit by hand.",
             "Unknown keys are errors. Cross-field checks: formulation sums to 1; porosity or press density, not both; "
             "Si in a CVD scaffold must fit in its pores; coatings thinner than the particle (pore coatings thinner "
             "than half the pore); N/P >= 1 unless `allow_np_below_1`; half-cell windows within 0–3 V, full-cell upper "
             "cut-off >= 3 V.", ""]
    for title, model in _SECTIONS:
        lines += [f"## {title}", "", "| field | type | default | allowed | description |", "|---|---|---|---|---|"]
        for name, f in model.model_fields.items():
            default = "(computed)" if f.default_factory is not None else repr(f.default)
            lines.append(f"| `{name}` | {_type_name(f.annotation)} | {default} | {_constraints(f)} | "
                         f"{f.description or ''} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(schema_markdown())
