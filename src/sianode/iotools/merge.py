"""Merge the parts of one test (files written one after another) into one tidy table.

Cyclers split long tests into parts (Arbin ``_01.res``, ``_02.res``...) whose time, step and
cycle counters restart. Parts are joined in the given order: each part's time is shifted to
start where the previous one ended, steps are renumbered to keep increasing, and cycles are
re-assigned over the whole test with sianode's rule (:func:`sianode.iotools.schema.assign_cycles`).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from sianode.errors import InputError
from sianode.iotools.schema import STEP_TYPES, assign_cycles, negligible_steps, segment_starts, validate


def step_directions(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Run starts of ``df.step`` and each step's direction (+1 charge, -1 discharge, 0 rest/other)."""
    step = df["step"].to_numpy()
    starts = segment_starts(step)
    i = df["current_A"].to_numpy(float)
    n = i.size
    mean_i = np.add.reduceat(i, starts) / np.diff(np.concatenate([starts, [n]]))
    codes = df["step_type"].cat.codes.to_numpy()[starts]
    d = np.zeros(starts.size, dtype=np.int64)
    d[codes == STEP_TYPES.index("charge")] = 1
    d[codes == STEP_TYPES.index("discharge")] = -1
    cv = codes == STEP_TYPES.index("cv")
    d[cv] = np.sign(mean_i[cv]).astype(np.int64)
    qstep = np.maximum.reduceat(df["capacity_Ah"].to_numpy(float), starts)
    d[negligible_steps(qstep)] = 0  # one-point transition steps do not count
    return starts, d


def recompute_cycles(df: pd.DataFrame) -> pd.DataFrame:
    """Re-assign the ``cycle`` column of a tidy table in place (returns it)."""
    starts, d = step_directions(df)
    cyc = assign_cycles(d)
    lengths = np.diff(np.concatenate([starts, [len(df)]]))
    df["cycle"] = np.repeat(cyc, lengths)
    return df


def merge_tests(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Join tidy tables of consecutive parts of one test, in order (see module docstring)."""
    if not frames:
        raise InputError("no tables to merge", field="paths")
    if len(frames) == 1:
        return frames[0]
    parts = []
    t_off = 0.0
    s_off = 0
    sources = []
    warnings = []
    for k, f in enumerate(frames):
        validate(f, name=f"part {k + 1}")
        g = f.copy()
        if k > 0:
            dt = np.median(np.diff(f["time_s"].to_numpy()[:100])) if len(f) > 1 else 0.0
            g["time_s"] = g["time_s"] + t_off + max(float(dt), 0.0)
        g["step"] = g["step"] + s_off
        t_off = float(g["time_s"].iloc[-1])
        s_off = int(g["step"].iloc[-1])
        sources += list(f.attrs.get("source_files", []))
        warnings += list(f.attrs.get("warnings", []) or [])
        parts.append(g)
    out = pd.concat(parts, ignore_index=True)
    out["step_type"] = pd.Categorical(out["step_type"], categories=STEP_TYPES)
    recompute_cycles(out)
    attrs = dict(frames[0].attrs)
    attrs.update({"source_files": sources, "merged_parts": len(frames), "warnings": warnings})
    masses = {f.attrs.get("active_mass_g") for f in frames} - {None}
    if len(masses) > 1:
        attrs["warnings"].append(f"parts record different active masses {sorted(masses)}; using the first")
    out.attrs = attrs
    return out


_PART = re.compile(r"^(.*?)[_-](\d{1,3})$")


def group_parts(paths: list[str | Path]) -> list[list[Path]]:
    """Group files that are numbered parts of one test (``name_01.res``, ``name_02.res``).

    Files group when their names differ only in a trailing ``_NN`` / ``-NN`` number and share
    the extension; groups keep the part order, other files stay alone, in input order.
    """
    groups: dict[tuple, list[tuple[int, Path]]] = {}
    order: list[tuple] = []
    for p in map(Path, paths):
        m = _PART.match(p.stem)
        key = (str(p.parent), m.group(1), p.suffix.lower()) if m else (str(p),)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append((int(m.group(2)) if m else 0, p))
    return [[p for _, p in sorted(groups[k], key=lambda x: x[0])] for k in order]
