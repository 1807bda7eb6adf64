"""Designs of a sweep: every combination (grid), random draws or a Latin hypercube, from a SPEC's fields.

The samples are a table of input values, one row per design, built lazily for a grid (mixed-radix index
of the combinations) and drawn once for random / Latin-hypercube sampling (NumPy ``default_rng(seed)``;
``scipy.stats.qmc.LatinHypercube(seed)``), so the same SPEC always gives the same designs in the same order
(what resuming relies on). A design is the base design with these values set at their dotted paths.
"""
from __future__ import annotations

import hashlib
import json
import math

import numpy as np

from sianode.sweep.spec import MAX_GRID, SweepSpec, VariedField, set_path


class Samples:
    """Input values of the designs of a sweep: ``len(samples)``, ``samples.rows(start, stop)``."""

    def __init__(self, spec: SweepSpec):
        self.spec = spec
        self.fields = spec.fields
        if spec.method == "grid":
            self.sizes = [len(f.values) for f in self.fields]
            self.n = math.prod(self.sizes)
            if self.n > MAX_GRID:
                raise_too_big(spec, self.n)
            self._table = None
        else:
            self.n = int(spec.n)
            self._table = _draw(self.fields, self.n, spec.method, int(spec.seed))

    def __len__(self) -> int:
        return self.n

    def rows(self, start: int = 0, stop: int | None = None) -> list[dict]:
        stop = self.n if stop is None else min(stop, self.n)
        if self._table is not None:
            return [{f.path: _py(col[i]) for f, col in zip(self.fields, self._table)} for i in range(start, stop)]
        out = []
        for i in range(start, stop):
            row, rest = {}, i
            for f, size in zip(reversed(self.fields), reversed(self.sizes)):  # last field varies fastest
                rest, k = divmod(rest, size)
                row[f.path] = _py(f.values[k])
            out.append({f.path: row[f.path] for f in self.fields})
        return out


def raise_too_big(spec: SweepSpec, n: int):
    from sianode.errors import InputError

    raise InputError(f"the grid has {n:,} combinations (more than {MAX_GRID:,}); use fewer values or "
                     "[sampling] method = 'lhs' with n designs", field=spec.where("vary"))


def _py(v):
    return v.item() if hasattr(v, "item") else v


def _draw(fields: list[VariedField], n: int, method: str, seed: int) -> list[np.ndarray]:
    """One array of n values per field, from uniforms u in [0, 1): random or Latin hypercube."""
    from scipy import stats

    if method == "lhs":
        from scipy.stats import qmc

        u = qmc.LatinHypercube(d=len(fields), seed=seed).random(n)
    else:
        u = np.random.default_rng(seed).random((n, len(fields)))
    cols = []
    for j, f in enumerate(fields):
        uj = u[:, j]
        if f.kind == "values" or (f.kind == "range" and f.values is not None):
            idx = np.minimum((uj * len(f.values)).astype(int), len(f.values) - 1)
            cols.append(np.array(f.values, dtype=object)[idx])
        elif f.distribution == "normal":
            cols.append(stats.norm.ppf(np.clip(uj, 1e-12, 1 - 1e-12), loc=f.mean, scale=f.sd))
        elif f.log:
            cols.append(np.exp(np.log(f.low) + uj * (np.log(f.high) - np.log(f.low))))
        else:
            cols.append(f.low + uj * (f.high - f.low))
    return cols


def design_data(base: dict, row: dict) -> dict:
    """The base design (a TOML mapping) with the row's values set at their paths: a new mapping; the tables on
    the row's paths are copied, the rest is shared with ``base`` (read-only: designs are validated from it, never
    changed), which spares a deep copy per design."""
    data = dict(base)
    for path, v in row.items():
        node = data
        for p in path.split(".")[:-1]:
            if isinstance(node.get(p), dict):
                node[p] = dict(node[p])  # copy the table before the value is set in it
            node = node.get(p)
            if not isinstance(node, dict):
                break
        set_path(data, path, v)
    return data


def design_hash(data: dict, stages: list[str]) -> str:
    """Stable key of a design and the stages it is run through (resume skips designs with a known key)."""
    return hashlib.sha256(_hash_blob(data, stages).encode()).hexdigest()[:20]


class DesignBuilder:
    """The designs of a sweep: ``build(values)`` == ``design_from_dict(design_data(base, values))``, the same
    Design (or the same InputError), faster.

    The base design is validated once; a row's design is the validated base with the row's values set by
    pydantic's assignment validation (:func:`sianode.design.loader.with_values`: only the sections on the varied
    paths are copied and revalidated). Where that is not sure to give the same design (a path through a list, a
    mapping, a table the base does not have, a union tag; a value that is not a plain scalar) or raises (an
    invalid row), the row is validated in full by :func:`~sianode.design.loader.design_from_dict`, the owner of
    the rules and of the messages.
    """

    def __init__(self, base: dict):
        from sianode.design.loader import design_from_dict
        from sianode.errors import InputError

        self.base_data = base
        try:
            self.base = design_from_dict(base)
        except InputError:  # every row then gets its own message from the full validation
            self.base = None
        self._plans: dict[tuple, dict | None] = {}

    def build(self, values: dict, source: str = "design"):
        from sianode.design.loader import assignment_plan, design_from_dict, with_values

        if self.base is not None:
            key = tuple(values)
            if key not in self._plans:
                self._plans[key] = assignment_plan(self.base, self.base_data, key)
            if self._plans[key] is not None:
                try:
                    return with_values(self.base, self._plans[key], values)
                except Exception:  # noqa: BLE001 - invalid (or unexpected): the full validation decides and words it
                    pass
        return design_from_dict(design_data(self.base_data, values), source=source)


class DesignHasher:
    """``hash(values)`` == ``design_hash(design_data(base, values), stages)`` without building and dumping the
    whole mapping per design: the JSON of the base with a marker at each varied path is made once, a row's JSON
    is that text with the markers replaced by the JSON of the row's values (json.dumps writes a value the same
    alone as inside a mapping). Rows with other paths, or paths the template cannot take (overlapping paths,
    a path through a value), are hashed in full."""

    def __init__(self, base: dict, paths, stages: list[str]):
        self.base, self.stages, self.paths = base, list(stages), tuple(paths)
        self._pieces: list[str] | None = None
        marks = {p: f"\x00sianode-varied-{k}\x00" for k, p in enumerate(self.paths)}
        if any(q.startswith(p + ".") for p in self.paths for q in self.paths):
            return
        try:
            blob = _hash_blob(design_data(base, marks), self.stages)
        except Exception:  # noqa: BLE001 - e.g. a path through a value: every row is hashed in full (same error)
            return
        pieces, order, rest = [], [], blob
        for _ in self.paths:
            at = {p: rest.find(_dumps(m)) for p, m in marks.items() if p not in order}
            p = min((p for p in at if at[p] >= 0), key=at.get, default=None)
            if p is None or blob.count(_dumps(marks[p])) != 1:
                return
            head, rest = rest.split(_dumps(marks[p]), 1)
            pieces.append(head)
            order.append(p)
        self._pieces, self._order = pieces + [rest], order

    def hash(self, values: dict) -> str:
        if self._pieces is None or tuple(values) != self.paths:
            return design_hash(design_data(self.base, values), self.stages)
        out = [self._pieces[0]]
        for p, piece in zip(self._order, self._pieces[1:]):
            out += (_dumps(values[p]), piece)
        return hashlib.sha256("".join(out).encode()).hexdigest()[:20]


# json.dumps(v, sort_keys=True, separators=(",", ":"), default=str), the encoder made once (not per call)
_dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str).encode


def _hash_blob(data: dict, stages: list[str]) -> str:
    return _dumps({"design": data, "stages": list(stages)})
