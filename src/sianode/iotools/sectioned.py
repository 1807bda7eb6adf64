"""CSV exports with a metadata block before the table: PEC (SBT) and Novonix.

* **PEC** (PEC SBT cyclers): ``key:,value`` lines, a ``#RESULTS CHECK`` ... ``#END RESULTS
  CHECK`` block, then the table ``Test,Cell,...,Step,Cycle,Total Time (Seconds),...,
  Voltage (mV),Current (mA),Charge Capacity (mAh),Discharge Capacity (mAh),Charge Capacity
  (mWh),Discharge Capacity (mWh),...``.
* **Novonix** (UHPC): a ``[Summary]`` ... ``[End Summary]`` block, ``[Data]``, then
  ``Date and Time,Cycle Number,Step Type,Run Time (h),Step Time (h),Current (A),Potential (V),
  Capacity (Ah),...,Energy (Wh),Step Number,...``.

Both record charge and discharge counters; the current's sign is checked against them: if
the file's current is unsigned, the row's direction is taken from the counter that grows
(charge counter → charge, positive). Units are read from the headers.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from sianode.errors import InputError
from sianode.iotools.schema import build_tidy, increments_from_counter
from sianode.iotools.textcheck import check_complete_last_line

_SCALE = {"seconds": 1.0, "s": 1.0, "h": 3600.0, "hours": 3600.0, "min": 60.0, "mv": 1e-3, "v": 1.0,
          "ma": 1e-3, "a": 1.0, "mah": 1e-3, "ah": 1.0, "mwh": 1e-3, "wh": 1.0}


def sniff(head: str) -> str | None:
    """'pec-csv' or 'novonix-csv' from the first few kB of a text file, else None."""
    if "#END RESULTS CHECK" in head or ("Total Time (Seconds)" in head and "Voltage (mV)" in head):
        return "pec-csv"
    if "[Summary]" in head and ("[Data]" in head or "Novonix" in head) or (
            "Run Time (h)" in head and "Potential (V)" in head):
        return "novonix-csv"
    return None


def _col(cols, *names):
    low = {c.strip().lower(): c for c in cols}
    for n in names:
        if n.lower() in low:
            return low[n.lower()]
    return None


def _unit(col: str) -> float:
    m = re.search(r"\(([^)]*)\)\s*$", col)
    u = (m.group(1) if m else "").strip().lower()
    if u not in _SCALE:
        raise InputError(f"column {col!r}: unit {u!r} not understood", field=col)
    return _SCALE[u]


def _table(path: Path, marker) -> pd.DataFrame:
    text = path.read_bytes().decode("latin-1")
    lines = text.splitlines()
    hdr = next((k for k, ln in enumerate(lines[:500]) if marker(ln)), None)
    if hdr is None:
        raise InputError("no data table header found in the first 500 lines", field=str(path))
    body = "\n".join(lines[hdr:])
    try:
        return pd.read_csv(io.StringIO(body), low_memory=False)
    except Exception as e:
        raise InputError(f"could not parse the data table ({e})", field=str(path)) from None


def _to_tidy(d: pd.DataFrame, path: Path, fmt: str, tcol, icol, vcol, qc, qd, ec, ed, step) -> pd.DataFrame:
    if None in (tcol, icol, vcol):
        raise InputError(f"{fmt}: time, current or voltage column missing (found {list(d.columns)[:14]})",
                         field=str(path))

    def num(c):
        return pd.to_numeric(d[c], errors="coerce").to_numpy(float) * _unit(c)

    t, i, v = num(tcol), num(icol), num(vcol)
    cap = en = None
    dir_rows = None
    if qc and qd:
        a, b = increments_from_counter(np.abs(num(qc))), increments_from_counter(np.abs(num(qd)))
        cap = a + b
        dir_rows = np.where(a > 0, 1.0, np.where(b > 0, -1.0, 0.0))
    elif qc:  # one capacity counter per step (Novonix)
        cap = increments_from_counter(np.abs(num(qc)))
    if ec and ed:
        en = increments_from_counter(np.abs(num(ec))) + increments_from_counter(np.abs(num(ed)))
    elif ec:
        en = increments_from_counter(np.abs(num(ec)))
    if dir_rows is not None and np.nanmin(i) >= 0 and np.any(dir_rows < 0):
        i = np.abs(i) * np.where(dir_rows == 0, np.sign(i), dir_rows)  # unsigned current: sign from counters
    key = pd.to_numeric(d[step], errors="coerce").to_numpy() if step else None
    return build_tidy(t, i, v, source=path, fmt=fmt, reader="sianode", step_key=key,
                      capacity_inc_Ah=cap, energy_inc_Wh=en)


def read_pec_csv(path: str | Path) -> pd.DataFrame:
    """Read a PEC SBT CSV export into the tidy schema (see module docstring)."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise InputError("file is empty (0 bytes)", field=str(path))
    check_complete_last_line(path, sep=",")
    d = _table(path, lambda ln: ln.count(",") > 10 and "Voltage" in ln and "Current" in ln)
    c = list(d.columns)
    return _to_tidy(d, path, "pec-csv", _col(c, "Total Time (Seconds)", "Total Time (s)"),
                    next((x for x in c if x.startswith("Current (")), None),
                    next((x for x in c if x.startswith("Voltage (")), None),
                    _col(c, "Charge Capacity (mAh)", "Charge Capacity (Ah)"),
                    _col(c, "Discharge Capacity (mAh)", "Discharge Capacity (Ah)"),
                    _col(c, "Charge Capacity (mWh)", "Charge Energy (mWh)", "Charge Energy (Wh)"),
                    _col(c, "Discharge Capacity (mWh)", "Discharge Energy (mWh)", "Discharge Energy (Wh)"),
                    _col(c, "Step"))


def read_novonix_csv(path: str | Path) -> pd.DataFrame:
    """Read a Novonix CSV export into the tidy schema (see module docstring)."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise InputError("file is empty (0 bytes)", field=str(path))
    check_complete_last_line(path, sep=",")
    d = _table(path, lambda ln: "Run Time (h)" in ln and ("Potential (V)" in ln or "Voltage (V)" in ln))
    c = list(d.columns)
    return _to_tidy(d, path, "novonix-csv", _col(c, "Run Time (h)"), _col(c, "Current (A)"),
                    _col(c, "Potential (V)", "Voltage (V)"), _col(c, "Capacity (Ah)"), None,
                    _col(c, "Energy (Wh)"), None, _col(c, "Step Number"))
