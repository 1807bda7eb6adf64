"""Maccor text-export reader (tab- or comma-separated, with or without a header block).

Maccor exports an unsigned ``Current [A]`` and a mode column ``Md`` (``C`` charge,
``D`` discharge, ``R`` rest, ``O``/``S`` other); sianode signs the current from the mode
(charge positive). ``Cap. [Ah]`` and ``Ener. [Wh]`` are counters that Maccor resets per
step (or per cycle, depending on the procedure); both cases are handled by treating a drop
as a reset. Decimal commas (European locale exports) are accepted.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from sianode.errors import InputError
from sianode.iotools.schema import build_tidy, increments_from_counter

_MODE = {"C": "charge", "D": "discharge", "R": "rest"}


def _find(cols, *patterns):
    for p in patterns:
        for c in cols:
            if re.fullmatch(p, c.strip(), flags=re.I):
                return c
    return None


def read_maccor_txt(path: str | Path) -> pd.DataFrame:
    """Read a Maccor text export into the tidy schema."""
    path = Path(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("file is empty", field=str(path))
    text = raw.decode("latin-1")
    lines = text.splitlines()
    hdr = next((k for k, ln in enumerate(lines[:200]) if re.match(r"^\s*Rec[\t,]", ln)), None)
    if hdr is None:
        raise InputError("not a Maccor text export: no header line starting with 'Rec' in the "
                         "first 200 lines", field=str(path))
    sep = "\t" if "\t" in lines[hdr] else ","
    body = "\n".join(ln for ln in lines[hdr + 1:] if ln.strip())
    if not body:
        raise InputError("the Maccor export holds no data rows", field=str(path))
    first = body.split("\n", 1)[0]
    decimal_comma = sep == "\t" and re.search(r"\d,\d", first) is not None
    try:
        df = pd.read_csv(io.StringIO(lines[hdr] + "\n" + body), sep=sep,
                         decimal="," if decimal_comma else ".", low_memory=False)
    except Exception as e:
        raise InputError(f"could not parse Maccor data rows ({e})", field=str(path)) from None
    df.columns = [c.strip() for c in df.columns]
    cols = list(df.columns)
    tcol = _find(cols, r"Test\s*Time.*", r"TestTime")
    icol = _find(cols, r"Current\s*\[A\]", r"Amps", r"Current.*")
    vcol = _find(cols, r"Voltage\s*\[V\]", r"Volts", r"Voltage.*")
    mcol = _find(cols, r"Md", r"State", r"Mode")
    scol = _find(cols, r"Step")
    qcol = _find(cols, r"Cap\.\s*\[Ah\]", r"Amp-hr", r"Capacity.*")
    ecol = _find(cols, r"Ener\.\s*\[Wh\]", r"Watt-hr", r"Energy.*")
    if None in (tcol, icol, vcol):
        raise InputError(f"Maccor export lacks test time, current or voltage columns (found {cols[:12]})",
                         field=str(path))
    t = df[tcol]
    if not pd.api.types.is_numeric_dtype(t):
        # 'd hh:mm:ss' style test time
        raise InputError(f"column {tcol!r} is not numeric seconds; export test time in seconds",
                         field=str(path))
    i = np.abs(df[icol].to_numpy(float))
    labels = None
    if mcol is not None:
        md = df[mcol].astype(str).str.strip().str.upper().str[:1]
        labels = md.map(_MODE).fillna("other").to_numpy()
        i = np.where(md.to_numpy() == "D", -i, np.where(md.to_numpy() == "C", i, 0.0 * i))
    key = df[scol].to_numpy() if scol else None
    cap = increments_from_counter(df[qcol].to_numpy(float)) if qcol else None
    en = increments_from_counter(df[ecol].to_numpy(float)) if ecol else None
    return build_tidy(t.to_numpy(float), i, df[vcol].to_numpy(float), source=path, fmt="maccor-txt",
                      reader="sianode", step_key=key, step_label=labels, capacity_inc_Ah=cap,
                      energy_inc_Wh=en)
