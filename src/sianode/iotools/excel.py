"""Excel exports (.xlsx/.xls) of cycler software, read with calamine (python-calamine, MIT).

Two layouts are recognised from the sheets' header rows:

* Arbin (MITS Pro / Data Watcher): ``Channel_<n>_<k>`` sheets with ``Test_Time(s)``,
  ``Step_Index``, ``Cycle_Index``, ``Current(A)``, ``Voltage(V)``, ``Charge_/Discharge_Capacity(Ah)``
  ...; large tests are split over several ``Channel_*`` sheets, which are joined in order;
* a record sheet (``Record``) with name/unit headers like ``TestTime/h``, ``Current/mA``,
  ``Voltage/V``, ``Capacity/mAh`` and a ``State`` column (``C_CC``, ``D_CC``, ``R``), as the
  Neware/LANHE exports navani reads.

The active mass is not read from Excel exports (give ``--mass-mg``).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sianode.errors import InputError
from sianode.iotools.schema import MAX_ROWS, build_tidy, increments_from_counter

#: Largest Excel file read (calamine holds a sheet in memory): 500 MB.
MAX_EXCEL_BYTES = 500_000_000


def _sheet_frame(wb, name: str) -> pd.DataFrame:
    rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    if not rows:
        return pd.DataFrame()
    if len(rows) > MAX_ROWS:
        raise InputError(f"sheet {name!r} has {len(rows)} rows, more than {MAX_ROWS}", field=name)
    header = [str(h).strip() for h in rows[0]]
    return pd.DataFrame(rows[1:], columns=header)


def read_excel(path: str | Path) -> pd.DataFrame:
    """Read a cycler's Excel export into the tidy schema (see module docstring)."""
    from python_calamine import CalamineWorkbook

    from sianode.iotools.arbin import arbin_frame_to_tidy, is_arbin_header

    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise InputError("file is empty (0 bytes)", field=str(path))
    if size > MAX_EXCEL_BYTES:
        raise InputError(f"{size} bytes is more than the {MAX_EXCEL_BYTES} an Excel export is read at; "
                         "export CSV instead", field=str(path))
    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = list(wb.sheet_names)
        heads = {n: [str(h).strip() for h in (wb.get_sheet_by_name(n).to_python(nrows=1) or [[]])[0]]
                 for n in names}
    except Exception as e:
        raise InputError(f"not a readable Excel workbook ({type(e).__name__}: {e}); truncated or corrupt",
                         field=str(path)) from None
    arbin = [n for n in names if is_arbin_header(heads[n])]
    try:
        if arbin:
            d = pd.concat([_sheet_frame(wb, n) for n in arbin], ignore_index=True)
            df = arbin_frame_to_tidy(d, path, "excel", "python-calamine (Arbin export)")
            df.attrs["sheets"] = arbin
            return df
        rec = next((n for n in names if _record_columns(heads[n]) is not None), None)
        if rec is None:
            raise InputError(f"no sheet with time, current and voltage columns (sheets {names}; headers "
                             f"{ {n: h[:8] for n, h in heads.items()} })", field=str(path))
        return _record_to_tidy(_sheet_frame(wb, rec), path, rec)
    except InputError:
        raise
    except Exception as e:  # calamine / pandas on a damaged sheet
        raise InputError(f"could not read the Excel data ({type(e).__name__}: {e})", field=str(path)) from None


def _record_columns(header: list[str]) -> dict | None:
    """Map a record sheet's ``name/unit`` headers to tidy columns and SI factors, or None."""
    from sianode.iotools.csv import UNITS, _split_unit

    want = {"time_s": ("testtime", "test time", "total time", "time"),
            "current_A": ("current",), "voltage_V": ("voltage", "potential"),
            "capacity_Ah": ("capacity",), "energy_Wh": ("energy",)}
    out = {}
    for c in header:
        base, unit = _split_unit(c)
        for key, names in want.items():
            if key not in out and base in names:
                unit = unit.replace("ah", "ah") if unit else next(iter(UNITS[key]))
                if unit in UNITS[key]:
                    out[key] = (c, UNITS[key][unit])
    if not {"time_s", "current_A", "voltage_V"} <= set(out):
        return None
    state = next((c for c in header if c.strip().lower() in ("state", "status", "step type")), None)
    out["state"] = (state, 1.0) if state else None
    return out


def _record_to_tidy(d: pd.DataFrame, path: Path, sheet: str) -> pd.DataFrame:
    m = _record_columns(list(d.columns))

    def num(key):
        c, f = m[key]
        return pd.to_numeric(d[c], errors="coerce").to_numpy(float) * f

    t, i, v = num("time_s"), num("current_A"), num("voltage_V")
    cap = increments_from_counter(np.abs(num("capacity_Ah"))) if "capacity_Ah" in m else None
    en = increments_from_counter(np.abs(num("energy_Wh"))) if "energy_Wh" in m else None
    key = None
    if m.get("state"):
        st = d[m["state"][0]].astype(str).to_numpy()
        key = pd.factorize(st)[0]
        key = np.cumsum(np.concatenate([[0], key[1:] != key[:-1]]))  # a new step at every state change
    return build_tidy(t, i, v, source=path, fmt="excel", reader=f"python-calamine (sheet {sheet!r})",
                      step_key=key, capacity_inc_Ah=cap, energy_inc_Wh=en, extra_attrs={"sheets": [sheet]})
