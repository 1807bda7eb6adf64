"""Maccor text-export reader (tab- or comma-separated, with or without a header block).

Two layouts: the text export (``Rec  Cycle P  Cycle C  Step  TestTime ... Current [A]
Voltage [V]  Md``) and the raw export most Maccor systems write (a one-line header, then
``Rec#  Cyc#  Step  Test (Min)  Step (Min)  Amp-hr  Watt-hr  Amps  Volts  State  ES  DPt Time``).
Maccor exports an unsigned current and a mode column (``Md``/``State``: ``C`` charge, ``D``
discharge, ``R`` rest, ``O``/``S`` other); sianode signs the current from the mode (charge
positive). The capacity and energy columns are counters that Maccor resets per step (or per
cycle, depending on the procedure); both cases are handled by treating a drop as a reset.
Decimal commas (European locale exports) are accepted.

Test time: the unit is taken from the header (``(Min)``, ``(Sec)``, ``(Hr)``); a bare
``TestTime`` is checked against the wall-clock column (``DPT Time``) — the cellpy example
export counts minutes there — and seconds are assumed only when no clock column exists.
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
    from sianode.iotools.textcheck import check_complete_last_line

    path = Path(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("file is empty", field=str(path))
    check_complete_last_line(path)
    text = raw.decode("latin-1")
    lines = text.splitlines()
    hdr = next((k for k, ln in enumerate(lines[:200]) if re.match(r"^\s*Rec#?[\t,]", ln)), None)
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
    tcol = _find(cols, r"Test\s*Time.*", r"TestTime", r"Test\s*\((Min|Sec|Hr|s|h)\)")
    icol = _find(cols, r"Current\s*\[A\]", r"Amps", r"Current.*")
    vcol = _find(cols, r"Voltage\s*\[V\]", r"Volts", r"Voltage.*")
    mcol = _find(cols, r"Md", r"State", r"Mode")
    scol = _find(cols, r"Step")
    qcol = _find(cols, r"Cap\.\s*\[Ah\]", r"Amp-hr", r"Capacity.*")
    ecol = _find(cols, r"Ener\.\s*\[Wh\]", r"Watt-hr", r"Energy.*")
    ccol = _find(cols, r"DPT\s*Time", r"DPt\s*Time")
    if None in (tcol, icol, vcol):
        raise InputError(f"Maccor export lacks test time, current or voltage columns (found {cols[:12]})",
                         field=str(path))
    t = df[tcol]
    if not pd.api.types.is_numeric_dtype(t):
        # 'd hh:mm:ss' style test time
        raise InputError(f"column {tcol!r} is not numeric seconds; export test time in seconds",
                         field=str(path))
    t_s, note = _time_seconds(df, tcol, ccol)
    i = np.abs(df[icol].to_numpy(float))
    labels = None
    if mcol is not None:
        md = df[mcol].astype(str).str.strip().str.upper().str[:1]
        labels = md.map(_MODE).fillna("other").to_numpy()
        i = np.where(md.to_numpy() == "D", -i, np.where(md.to_numpy() == "C", i, 0.0 * i))
    key = df[scol].to_numpy() if scol else None
    cap = increments_from_counter(df[qcol].to_numpy(float)) if qcol else None
    en = increments_from_counter(df[ecol].to_numpy(float)) if ecol else None
    return build_tidy(t_s, i, df[vcol].to_numpy(float), source=path, fmt="maccor-txt",
                      reader="sianode", step_key=key, step_label=labels, capacity_inc_Ah=cap,
                      energy_inc_Wh=en, extra_attrs={"warnings": [note] if note else []})


_TIME_UNITS = {"sec": 1.0, "s": 1.0, "min": 60.0, "hr": 3600.0, "h": 3600.0}


def _time_seconds(df: pd.DataFrame, tcol: str, ccol: str | None) -> tuple[np.ndarray, str | None]:
    """Test time in s: unit from the header, else checked against the wall clock (module docstring)."""
    t = df[tcol].to_numpy(float)
    m = re.search(r"\((min|sec|hr|s|h)\)", tcol, flags=re.I)
    if m:
        return t * _TIME_UNITS[m.group(1).lower()], None
    if ccol is not None and len(t) > 1:
        clock = pd.to_datetime(df[ccol], errors="coerce", format="mixed", dayfirst=False)
        ok = clock.notna().to_numpy() & np.isfinite(t)
        if ok.sum() > 1:
            wall = (clock[ok].iloc[-1] - clock[ok].iloc[0]).total_seconds()
            span = float(t[ok][-1] - t[ok][0])
            if span > 0 and wall > 0:
                ratio = wall / span
                best = min((1.0, 60.0, 3600.0), key=lambda u: abs(np.log(ratio / u)))
                if abs(np.log(ratio / best)) < 0.1:
                    return t * best, None if best == 1.0 else (
                        f"column {tcol!r} counts {'minutes' if best == 60 else 'hours'} (checked against "
                        f"the clock column {ccol!r}); converted to seconds")
    return t, f"column {tcol!r} has no unit and no clock column to check it; read as seconds"
