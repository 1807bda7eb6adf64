"""The sweep SPEC file: a base design, the fields to vary, sampling, constraints and objectives.

Format (TOML)::

    base = "nano_si_graphite"          # a bundled example name, or a design file (relative to the SPEC)
    stages = ["materials", "mechanics"] # optional (the CLI's --stages wins); default: every stage

    [sampling]
    method = "grid"                     # grid (every combination) | random | lhs (Latin hypercube)
    n = 200                             # random / lhs: number of designs
    seed = 1                            # random / lhs: required (no randomness without a seed)

    [vary]                              # dotted design paths, as in a design file
    "active.silicon.phase" = ["crystalline", "amorphous"]                      # a list
    "active.silicon.diameter_nm" = { range = [50, 5000], num = 25, scale = "log" }  # a range: num or step
    "electrode.loading_mg_cm2" = { range = [1, 4], step = 0.5 }
    "cell.np_ratio" = { distribution = "uniform", low = 1.05, high = 1.3 }     # random / lhs only
    "active.silicon.diameter_nm" = { range = [0.05, 5], num = 10, unit = "um" }  # converted to the field's nm

    constraints = ["life.cycles_to_80pct >= 500", "mechanics.fractures == false"]
    objectives = ["maximize cell.specific_energy_Wh_kg", "minimize mechanics.electrode_thickness_change_pct"]

Fields may also be written as nested tables (``[vary.active.silicon]`` then ``diameter_nm = [...]``).
Distributions: ``uniform`` (low, high), ``loguniform`` (low, high), ``normal`` (mean, sd), ``choice``
(values). A constraint is ``KEY OP VALUE`` with OP one of ``>= <= > < == !=``; KEY is a result
(``stage.key``, as in summary.json) or a varied input (``input.<path>``). Objectives are
``maximize KEY`` / ``minimize KEY`` (``max`` / ``min`` accepted).

Every problem is an :class:`~sianode.errors.InputError` naming the SPEC file and line.
"""
from __future__ import annotations

import copy
import difflib
import hashlib
import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sianode.errors import InputError
from sianode.sweep.tomllines import key_lines, line_of

SPEC_KEYS = ("base", "stages", "sampling", "vary", "constraints", "objectives", "chunk_size")
SAMPLING_KEYS = ("method", "n", "seed")
METHODS = ("grid", "random", "lhs")
FIELD_KEYS = {"values", "range", "step", "num", "scale", "distribution", "low", "high", "mean", "sd", "unit"}
DISTRIBUTIONS = {"uniform": ("low", "high"), "loguniform": ("low", "high"), "normal": ("mean", "sd"),
                 "choice": ("values",)}
OPS = (">=", "<=", "==", "!=", ">", "<")
MAX_GRID = 10_000_000

# Units a SPEC may state for a field, by dimension, with the factor to a reference unit of that dimension.
_UNITS = {
    "length": {"m": 1.0, "mm": 1e-3, "µm": 1e-6, "um": 1e-6, "nm": 1e-9},
    "fraction": {"fraction": 1.0, "-": 1.0, "%": 0.01, "pct": 0.01},
    "areal mass": {"mg/cm2": 1.0, "g/m2": 0.1, "kg/m2": 100.0},
    "areal capacity": {"mAh/cm2": 1.0, "Ah/m2": 0.1},
    "density": {"g/cm3": 1.0, "kg/m3": 1e-3},
    "specific volume": {"cm3/g": 1.0, "m3/kg": 1e3},
    "pressure": {"Pa": 1.0, "kPa": 1e3, "MPa": 1e6, "GPa": 1e9, "bar": 1e5},
    "time": {"s": 1.0, "min": 60.0, "h": 3600.0},
    "specific current": {"A/g": 1.0, "mA/g": 1e-3},
    "specific capacity": {"mAh/g": 1.0, "Ah/kg": 1.0},
    "voltage": {"V": 1.0, "mV": 1e-3},
    "concentration": {"mol/L": 1.0, "M": 1.0, "mM": 1e-3},
    "temperature": {"°C": 1.0, "C": 1.0},
    "electrolyte ratio": {"g/Ah": 1.0},
}


def _dimension(unit: str) -> str | None:
    for dim, units in _UNITS.items():
        if unit in units:
            return dim
    return None


@dataclass
class VariedField:
    """One varied design field: its candidate values or its distribution (values already in the field's unit)."""

    path: str
    spec_path: tuple
    line: int | None
    kind: str                        # "values" | "range" | "distribution"
    values: list | None = None       # lists and discrete ranges
    low: float | None = None         # continuous range / uniform / loguniform
    high: float | None = None
    scale: str = "linear"
    distribution: str | None = None
    mean: float | None = None
    sd: float | None = None

    @property
    def numeric(self) -> bool:
        if self.values is not None:
            return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in self.values)
        return True

    @property
    def log(self) -> bool:
        return self.scale == "log" or self.distribution == "loguniform"


@dataclass
class Constraint:
    key: str
    op: str
    value: Any
    text: str
    line: int | None

    def holds(self, v) -> bool:
        """Whether the constraint holds for value ``v`` (missing / NaN never satisfies it)."""
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return False
        try:
            return {">=": v >= self.value, "<=": v <= self.value, ">": v > self.value, "<": v < self.value,
                    "==": v == self.value, "!=": v != self.value}[self.op]
        except TypeError:
            return False

    def holds_above(self, bound) -> bool:
        """Whether the constraint holds for every value greater than ``bound``: a right-censored result, known only
        to exceed its bound (``life.cycles_to_80pct`` of a cell still above 80 % after the simulated cycles)."""
        if bound is None or (isinstance(bound, float) and math.isnan(bound)) or self.op not in (">=", ">", "!="):
            return False
        try:
            return bool(bound >= self.value)
        except TypeError:
            return False


@dataclass
class Objective:
    key: str
    sense: int      # +1 maximise, -1 minimise
    text: str
    line: int | None


@dataclass
class SweepSpec:
    source: str
    text: str
    base: str
    base_data: dict
    fields: list[VariedField]
    method: str = "grid"
    n: int | None = None
    seed: int | None = None
    stages: list[str] | None = None
    constraints: list[Constraint] = field(default_factory=list)
    objectives: list[Objective] = field(default_factory=list)
    chunk_size: int | None = None
    lines: dict = field(default_factory=dict)

    def where(self, *path) -> str:
        ln = line_of(self.lines, path)
        return f"{self.source}" + (f" line {ln}" if ln else "")

    @property
    def digest(self) -> str:
        """What defines the set of designs (base, fields, sampling): a folder of results belongs to one digest."""
        fields = [{k: v for k, v in f.__dict__.items() if k not in ("line", "spec_path")} for f in self.fields]
        blob = json.dumps({"base": self.base_data, "fields": fields, "method": self.method,
                           "n": self.n, "seed": self.seed}, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _err(spec_where: str, msg: str) -> InputError:
    return InputError(msg, field=spec_where)


def load_spec(path: str | Path) -> SweepSpec:
    """Read and check a SPEC file (never modified); every problem is an InputError naming the line."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found; give the path of a sweep SPEC .toml file (see `sianode sweep --help`)",
                         field=str(path))
    if path.is_dir():
        raise InputError("is a directory, expected a sweep SPEC .toml file", field=str(path))
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text (byte {e.start}); a SPEC is a TOML text file", field=str(path)) from None
    return parse_spec(text, source=str(path), base_dir=path.parent)


def parse_spec(text: str, source: str = "SPEC", base_dir: Path | None = None) -> SweepSpec:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"not valid TOML: {e}", field=source) from None
    lines = key_lines(text)
    spec = SweepSpec(source=source, text=text, base="", base_data={}, fields=[], lines=lines)
    for k in data:
        if k not in SPEC_KEYS:
            close = difflib.get_close_matches(k, SPEC_KEYS, n=1)
            raise _err(spec.where(k), f"unknown key {k!r}" + (f"; did you mean {close[0]!r}?" if close else "")
                       + f" SPEC keys: {', '.join(SPEC_KEYS)}")
    _read_base(spec, data, base_dir)
    _read_stages(spec, data)
    _read_sampling(spec, data)
    _read_fields(spec, data)
    spec.constraints = [_constraint(spec, s, i) for i, s in enumerate(_str_list(spec, data, "constraints"))]
    spec.objectives = [_objective(spec, s, i) for i, s in enumerate(_str_list(spec, data, "objectives"))]
    if "chunk_size" in data:
        c = data["chunk_size"]
        if not isinstance(c, int) or isinstance(c, bool) or c < 1:
            raise _err(spec.where("chunk_size"), f"chunk_size must be an integer >= 1, got {c!r}")
        spec.chunk_size = c
    return spec


def _read_base(spec: SweepSpec, data: dict, base_dir: Path | None) -> None:
    from sianode.design.loader import example_names, example_text

    base = data.get("base")
    if base is None:
        raise _err(spec.source, "missing 'base': the design the sweep starts from (a bundled example name such as "
                   f"{example_names()[0]!r}, or a design .toml path)")
    if not isinstance(base, str) or not base.strip():
        raise _err(spec.where("base"), f"base must be a bundled example name or a design file path, got {base!r}")
    spec.base = base
    if base in example_names():
        spec.base_data = tomllib.loads(example_text(base))
        return
    p = Path(base)
    if not p.is_absolute() and base_dir is not None:
        p = base_dir / p
    if not p.is_file():
        close = difflib.get_close_matches(base, example_names(), n=1)
        raise _err(spec.where("base"), f"base {base!r} is neither a bundled example ({', '.join(example_names())})"
                   f" nor a design file ({p} not found)" + (f"; did you mean {close[0]!r}?" if close else ""))
    try:
        spec.base_data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise _err(spec.where("base"), f"base design {p} is not a valid TOML text file: {e}") from None
    from sianode.design.loader import design_from_dict

    try:
        design_from_dict(copy.deepcopy(spec.base_data), source=f"base design {p}")
    except InputError as e:
        raise _err(spec.where("base"), str(e)) from None


def _read_stages(spec: SweepSpec, data: dict) -> None:
    if "stages" not in data:
        return
    from sianode.chain import STAGES

    st = data["stages"]
    if not isinstance(st, list) or not st or not all(isinstance(s, str) for s in st):
        raise _err(spec.where("stages"), f"stages must be a non-empty list of stage names ({', '.join(STAGES)})")
    for i, s in enumerate(st):
        if s not in STAGES:
            raise _err(spec.where("stages", i), f"unknown stage {s!r}; stages are: {', '.join(STAGES)}")
    spec.stages = list(st)


def _read_sampling(spec: SweepSpec, data: dict) -> None:
    s = data.get("sampling", {})
    if not isinstance(s, dict):
        raise _err(spec.where("sampling"), "sampling must be a table: [sampling] method = 'grid' | 'random' | 'lhs'")
    for k in s:
        if k not in SAMPLING_KEYS:
            raise _err(spec.where("sampling", k), f"unknown key {k!r} in [sampling]; allowed: {', '.join(SAMPLING_KEYS)}")
    spec.method = s.get("method", "grid")
    if spec.method not in METHODS:
        raise _err(spec.where("sampling", "method"), f"method must be one of {', '.join(METHODS)}, got {spec.method!r}")
    for k in ("n", "seed"):
        v = s.get(k)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < (1 if k == "n" else 0)):
            raise _err(spec.where("sampling", k), f"{k} must be an integer >= {1 if k == 'n' else 0}, got {v!r}")
        setattr(spec, k, v)
    if spec.method != "grid":
        if spec.n is None:
            raise _err(spec.where("sampling"), f"method {spec.method!r} needs n, the number of designs to draw")
        if spec.seed is None:
            raise _err(spec.where("sampling"), f"method {spec.method!r} needs a seed (an integer) so that the sweep "
                       "can be repeated and resumed")
    elif "n" in s:
        raise _err(spec.where("sampling", "n"), "n applies to method 'random' or 'lhs'; a grid takes every combination")


def _flatten_vary(node: dict, prefix: tuple) -> list[tuple[tuple, Any]]:
    out = []
    for k, v in node.items():
        p = prefix + (k,)
        if isinstance(v, dict) and not (set(v) & FIELD_KEYS):
            out += _flatten_vary(v, p)
        else:
            out.append((p, v))
    return out


def _read_fields(spec: SweepSpec, data: dict) -> None:
    vary = data.get("vary")
    if not isinstance(vary, dict) or not vary:
        raise _err(spec.where("vary") if "vary" in data else spec.source,
                   "nothing to vary: add a [vary] table, e.g. \"active.silicon.diameter_nm\" = [100, 200, 500]")
    seen: dict[str, int | None] = {}
    for spec_path, v in _flatten_vary(vary, ("vary",)):
        dotted = ".".join(spec_path[1:])
        where = spec.where(*spec_path)
        if spec_path[1] in SPEC_KEYS:
            raise _err(where, f"{spec_path[1]!r} is inside [vary] (TOML puts every key after a [table] header into "
                       f"that table): write {spec_path[1]} = ... above the first [table] of the SPEC")
        if dotted in seen:
            raise _err(where, f"{dotted} is varied twice (also line {seen[dotted]})")
        seen[dotted] = line_of(spec.lines, spec_path)
        f = _field(spec, dotted, spec_path, v, where)
        spec.fields.append(f)
        _check_field(spec, f, where)


def _num(where: str, name: str, v) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise _err(where, f"{name} must be a finite number, got {v!r}")
    return float(v)


def _field(spec: SweepSpec, path: str, spec_path: tuple, v, where: str) -> VariedField:
    line = line_of(spec.lines, spec_path)
    if isinstance(v, list):
        if not v:
            raise _err(where, f"{path}: empty list of values; give at least one value")
        return VariedField(path, spec_path, line, "values", values=list(v))
    if not isinstance(v, dict):
        return VariedField(path, spec_path, line, "values", values=[v])  # a fixed override
    bad = set(v) - FIELD_KEYS
    if bad:
        raise _err(where, f"{path}: unknown key(s) {sorted(bad)}; a field is a list, "
                   "{ values = [...] }, { range = [lo, hi], step = s | num = n, scale = 'log' } or "
                   "{ distribution = 'uniform' | 'loguniform' | 'normal' | 'choice', ... }")
    if "values" in v and "distribution" not in v:
        vals = v["values"]
        if not isinstance(vals, list) or not vals:
            raise _err(where, f"{path}: values must be a non-empty list")
        f = VariedField(path, spec_path, line, "values", values=list(vals))
    elif "range" in v:
        r = v["range"]
        if not (isinstance(r, list) and len(r) == 2):
            raise _err(where, f"{path}: range must be [low, high], got {r!r}")
        lo, hi = _num(where, "range low", r[0]), _num(where, "range high", r[1])
        if hi < lo:
            raise _err(where, f"{path}: empty range [{lo:g}, {hi:g}]: high must be >= low")
        scale = v.get("scale", "linear")
        if scale not in ("linear", "log"):
            raise _err(where, f"{path}: scale must be 'linear' or 'log', got {scale!r}")
        if scale == "log" and lo <= 0:
            raise _err(where, f"{path}: a log range needs low > 0, got {lo:g}")
        if "step" in v and "num" in v:
            raise _err(where, f"{path}: give step or num, not both")
        f = VariedField(path, spec_path, line, "range", low=lo, high=hi, scale=scale)
        if "step" in v:
            step = _num(where, "step", v["step"])
            if step <= 0:
                raise _err(where, f"{path}: step must be > 0, got {step:g}")
            if scale == "log":
                raise _err(where, f"{path}: a log range takes num (points), not step")
            n = int(math.floor((hi - lo) / step + 1e-9)) + 1
            f.values = [lo + i * step for i in range(n)]
        elif "num" in v:
            num = v["num"]
            if not isinstance(num, int) or isinstance(num, bool) or num < 1:
                raise _err(where, f"{path}: num must be an integer >= 1, got {num!r}")
            import numpy as np

            grid = np.geomspace(lo, hi, num) if scale == "log" else np.linspace(lo, hi, num)
            f.values = [float(x) for x in grid]
        elif spec.method == "grid":
            raise _err(where, f"{path}: a range in a grid needs step or num (a random / lhs sweep may leave both out "
                       "to sample the range continuously)")
    elif "distribution" in v:
        dist = v["distribution"]
        if dist not in DISTRIBUTIONS:
            raise _err(where, f"{path}: distribution must be one of {', '.join(DISTRIBUTIONS)}, got {dist!r}")
        if spec.method == "grid":
            raise _err(where, f"{path}: a distribution needs [sampling] method = 'random' or 'lhs' (a grid takes lists "
                       "and ranges)")
        need = DISTRIBUTIONS[dist]
        missing = [k for k in need if k not in v]
        if missing:
            raise _err(where, f"{path}: distribution {dist!r} needs {', '.join(need)} (missing {', '.join(missing)})")
        f = VariedField(path, spec_path, line, "distribution", distribution=dist)
        if dist == "choice":
            if not isinstance(v["values"], list) or not v["values"]:
                raise _err(where, f"{path}: values must be a non-empty list")
            f.kind, f.values = "values", list(v["values"])
        elif dist == "normal":
            f.mean, f.sd = _num(where, "mean", v["mean"]), _num(where, "sd", v["sd"])
            if f.sd <= 0:
                raise _err(where, f"{path}: sd must be > 0")
        else:
            f.low, f.high = _num(where, "low", v["low"]), _num(where, "high", v["high"])
            if f.high <= f.low:
                raise _err(where, f"{path}: empty interval: high ({f.high:g}) must be > low ({f.low:g})")
            if dist == "loguniform" and f.low <= 0:
                raise _err(where, f"{path}: loguniform needs low > 0")
    else:
        raise _err(where, f"{path}: give values, range or distribution")
    if "unit" in v:
        _convert_units(spec, f, v["unit"], where)
    return f


def field_unit(path: str, base_data: dict) -> str | None:
    """Unit of the design field at ``path`` (None if the path names no field of the schema)."""
    from sianode.design.docs import unit_of
    from sianode.design.loader import section_models

    parts = path.split(".")
    tags = _tags_along(parts[:-1], base_data)
    models = section_models(tags)
    for m in models:
        f = m.model_fields.get(parts[-1])
        if f is not None:
            return unit_of(parts[-1], f.description)
    return None


def _tags_along(parts: list[str], base_data: dict) -> list[str]:
    """Location with the base's union tags inserted (``active`` -> ``active, si_graphite``)."""
    loc, node = [], base_data
    for p in parts:
        loc.append(p)
        node = node.get(p, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict):
            tag = node.get("family") or node.get("kind")
            if isinstance(tag, str):
                loc.append(tag)
    return loc


def _convert_units(spec: SweepSpec, f: VariedField, unit, where: str) -> None:
    if not isinstance(unit, str):
        raise _err(where, f"{f.path}: unit must be a string, got {unit!r}")
    target = field_unit(f.path, spec.base_data)
    if target is None:
        return  # unknown field: reported by _check_field with the allowed names
    u, t = unit.strip(), target or "-"
    du, dt = _dimension(u), _dimension(t)
    if u == t:
        return
    if du is None or dt is None or du != dt:
        what = f"{t} ({dt})" if dt else "dimensionless" if t == "-" else t
        raise _err(where, f"{f.path}: unit mismatch: the field is in {what}, the SPEC says {u!r}"
                   + (f" ({du})" if du else "") + ("; give values in the field's unit or a unit of the same dimension"))
    k = _UNITS[du][u] / _UNITS[dt][t]
    if f.values is not None:
        f.values = [x * k if isinstance(x, (int, float)) and not isinstance(x, bool) else x for x in f.values]
    for a in ("low", "high", "mean", "sd"):
        if getattr(f, a) is not None:
            setattr(f, a, getattr(f, a) * k)


def set_path(data: dict, path: str, value) -> None:
    """Set ``data[a][b][c] = value`` for ``path = "a.b.c"``, creating tables on the way."""
    parts = path.split(".")
    node = data
    for p in parts[:-1]:
        nxt = node.get(p)
        if nxt is None:
            nxt = node[p] = {}
        if not isinstance(nxt, dict):
            raise InputError(f"{'.'.join(parts[:parts.index(p) + 1])} is a value, not a section; cannot set {path}",
                             field=path)
        node = nxt
    node[parts[-1]] = value


def _check_field(spec: SweepSpec, f: VariedField, where: str) -> None:
    """The path must name a field of the schema (for the base's family / kind): try it on the base design."""
    from sianode.design.loader import _unknown_key_message
    from sianode.design.schema import Design

    probe = copy.deepcopy(spec.base_data)
    try:
        set_path(probe, f.path, _sample_value(f))
    except InputError as e:
        raise _err(where, str(e)) from None
    try:
        Design.model_validate(probe)
    except ValidationError as err:
        for e in err.errors():
            loc = tuple(str(p) for p in e["loc"])
            named = tuple(p for p in loc if p not in _union_tags())
            name = ".".join(named)
            if e["type"] == "extra_forbidden" and (f.path == name or f.path.startswith(name + ".")):
                raise _err(where, f"{f.path}: {_unknown_key_message(e['loc'])}") from None
            if e["type"] == "union_tag_invalid" and f.path.startswith(".".join(named)):
                raise _err(where, f"{f.path}: {e['msg']}") from None


def _union_tags():
    from sianode.design.loader import _UNION_TAGS

    return _UNION_TAGS


def _sample_value(f: VariedField):
    if f.values is not None:
        return f.values[0]
    if f.low is not None:
        return f.low
    return f.mean


def _str_list(spec: SweepSpec, data: dict, key: str) -> list[str]:
    v = data.get(key, [])
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(s, str) for s in v):
        raise _err(spec.where(key), f"{key} must be a list of strings, e.g. "
                   + ('["life.cycles_to_80pct >= 500"]' if key == "constraints" else '["maximize cell.specific_energy_Wh_kg"]'))
    return v


_CONSTRAINT = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(>=|<=|==|!=|>|<)\s*(.+?)\s*$")


def _constraint(spec: SweepSpec, text: str, i: int) -> Constraint:
    where = spec.where("constraints", i)
    m = _CONSTRAINT.match(text)
    if not m:
        raise _err(where, f"constraint {text!r}: write KEY OP VALUE with OP one of {' '.join(OPS)} "
                   "(e.g. 'life.cycles_to_80pct >= 500')")
    key, op, raw = m.groups()
    low = raw.lower()
    if low in ("true", "false"):
        value: Any = low == "true"
    else:
        try:
            value = float(raw)
        except ValueError:
            value = raw.strip("'\"")
    if op not in ("==", "!=") and not isinstance(value, float):
        raise _err(where, f"constraint {text!r}: {op} needs a number, got {raw!r}")
    return Constraint(key, op, value, text.strip(), line_of(spec.lines, ("constraints", i)))


def _objective(spec: SweepSpec, text: str, i: int) -> Objective:
    where = spec.where("objectives", i)
    parts = text.split()
    sense = {"maximize": 1, "maximise": 1, "max": 1, "minimize": -1, "minimise": -1, "min": -1}
    if len(parts) != 2 or parts[0].lower() not in sense:
        raise _err(where, f"objective {text!r}: write 'maximize KEY' or 'minimize KEY' "
                   "(e.g. 'maximize cell.specific_energy_Wh_kg')")
    return Objective(parts[1], sense[parts[0].lower()], text.strip(), line_of(spec.lines, ("objectives", i)))


def check_keys(spec: SweepSpec, known: set[str], stages: list[str]) -> None:
    """Constraint and objective keys must be results of the swept stages or varied inputs (exit 2 naming the line)."""
    inputs = {f"input.{f.path}" for f in spec.fields}
    for kind, items in (("constraints", spec.constraints), ("objectives", spec.objectives)):
        for i, c in enumerate(items):
            if c.key in known or c.key in inputs:
                continue
            stage = c.key.split(".", 1)[0]
            where = spec.where(kind, i)
            if "." in c.key and stage not in stages and not c.key.startswith("input."):
                raise _err(where, f"{c.key}: the {stage!r} stage is not run by this sweep (stages: {', '.join(stages)}); "
                           "add it to stages or --stages")
            close = difflib.get_close_matches(c.key, sorted(known | inputs), n=3, cutoff=0.5)
            raise _err(where, f"unknown result {c.key!r}" + (f"; did you mean {' or '.join(map(repr, close))}?" if close
                                                              else "") + " (keys as in summary.json: stage.key, or "
                       "input.<varied path>)")
