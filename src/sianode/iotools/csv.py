"""Generic delimited-text reader with an explicit column mapping.

For exports no dedicated reader knows. Give the mapping from tidy names to file columns and,
where the file is not in SI, the unit of each::

    read_csv("cell.csv", columns={"time_s": "Time", "current_A": "I", "voltage_V": "E"},
             units={"time_s": "h", "current_A": "mA"})

Without a mapping, columns are guessed from common names (``time/s``, ``Current(mA)``,
``Voltage [V]``, ``Test_Time``...), with the unit taken from the header. Required: time,
current, voltage. Optional: ``step`` (the cycler's step index), ``capacity_Ah`` (a
within-step or cumulative counter; resets are detected), ``energy_Wh``, ``temperature_C``.
Current must follow sianode's sign convention (positive = charge); pass
``current_sign=-1`` if the file uses the opposite one.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from sianode.errors import InputError
from sianode.iotools.schema import build_tidy, increments_from_counter

#: unit -> factor to SI (s, A, V, Ah, Wh, degC)
UNITS = {
    "time_s": {"s": 1.0, "min": 60.0, "h": 3600.0, "ms": 1e-3},
    "current_A": {"a": 1.0, "ma": 1e-3, "ua": 1e-6, "µa": 1e-6, "na": 1e-9},
    "voltage_V": {"v": 1.0, "mv": 1e-3},
    "capacity_Ah": {"ah": 1.0, "mah": 1e-3, "uah": 1e-6, "µah": 1e-6, "c": 1 / 3600, "mas": 1e-3 / 3600,
                    "as": 1 / 3600},
    "energy_Wh": {"wh": 1.0, "mwh": 1e-3, "uwh": 1e-6, "j": 1 / 3600, "ws": 1 / 3600, "mws": 1e-3 / 3600},
    "temperature_C": {"c": 1.0, "degc": 1.0, "°c": 1.0},
    "step": {"": 1.0},
}

_GUESS = {
    "time_s": ["time_s", "time", "test_time", "test time", "total time", "time/s", "elapsed time",
               "testtime", "total_time"],
    "current_A": ["current_a", "current", "i", "i/ma", "<i>/ma", "current/a", "current/ma"],
    "voltage_V": ["voltage_v", "voltage", "ewe/v", "potential", "ecell/v", "e", "u", "voltage/v"],
    "step": ["step", "step_index", "step index", "ns"],
    "capacity_Ah": ["capacity_ah", "capacity", "cap", "(q-qo)/mah"],
    "energy_Wh": ["energy_wh", "energy"],
    "temperature_C": ["temperature_c", "temperature", "temp", "t/degc", "aux_temperature"],
}


def _split_unit(col: str) -> tuple[str, str]:
    """'Current (mA)' -> ('current', 'ma'); 'I/mA' -> ('i', 'ma'); 'Test_Time(s)' -> ('test_time', 's')."""
    c = col.strip()
    m = re.match(r"^(.*?)\s*[\(\[]\s*([^\)\]]*)\s*[\)\]]\s*$", c)
    if m:
        return m.group(1).strip().lower(), m.group(2).strip().lower().replace("°", "")
    m = re.match(r"^(.*)/\s*([A-Za-zµ°]+)$", c)
    if m:
        return m.group(1).strip().lower(), m.group(2).strip().lower()
    return c.lower(), ""


def _guess_columns(cols: list[str]) -> dict[str, str]:
    out = {}
    for key, names in _GUESS.items():
        for c in cols:
            base, _ = _split_unit(c)
            if c.strip().lower() in names or base in names:
                out[key] = c
                break
    return out


def read_csv(path: str | Path, columns: dict[str, str] | None = None, units: dict[str, str] | None = None,
             sep: str | None = None, decimal: str = ".", skiprows: int = 0,
             current_sign: int = 1, active_mass_g: float | None = None) -> pd.DataFrame:
    """Read a delimited text file of cycling data into the tidy schema (see module docstring)."""
    from sianode.iotools.textcheck import check_complete_last_line

    path = Path(path)
    if path.stat().st_size == 0:
        raise InputError("file is empty (0 bytes)", field=str(path))
    check_complete_last_line(path, sep=sep)
    try:
        raw = pd.read_csv(path, sep=sep, engine="python" if sep is None else "c", decimal=decimal,
                          skiprows=skiprows, encoding="latin-1")
    except Exception as e:
        raise InputError(f"could not parse delimited text ({e})", field=str(path)) from None
    if len(raw) == 0:
        raise InputError("the file holds a header but no data rows", field=str(path))
    cols = [str(c) for c in raw.columns]
    raw.columns = cols
    mapping = _guess_columns(cols)
    if columns:
        unknown = [k for k in columns if k not in UNITS]
        if unknown:
            raise InputError(f"unknown tidy column(s) {unknown} in the mapping; allowed {sorted(UNITS)}",
                             field="columns")
        missing = [v for v in columns.values() if v not in cols]
        if missing:
            raise InputError(f"mapped column(s) {missing} not in the file; it has {cols}", field=str(path))
        mapping.update(columns)
    def _is_number(x: str) -> bool:
        try:
            float(x)
        except ValueError:
            return False
        return True

    for req in ("time_s", "current_A", "voltage_V"):
        if req not in mapping:
            if cols and all(_is_number(c) for c in cols):
                raise InputError(f"the first line holds {len(cols)} numbers, not column names: a table without "
                                 "a header (e.g. a capacity-voltage curve) is not a cycling time series; a "
                                 "cycling file needs time, current and voltage columns under a header line "
                                 "naming them", field=str(path))
            raise InputError(f"cannot find a column for {req!r}; pass columns={{'{req}': '<name>'}} "
                             f"(file columns: {cols})", field=str(path))
    arrays = {}
    for key, col in mapping.items():
        unit = (units or {}).get(key)
        if unit is None:
            unit = _split_unit(col)[1]
            if unit not in UNITS[key]:
                unit = next(iter(UNITS[key]))  # SI default when the header names no known unit
        unit = unit.lower()
        if unit not in UNITS[key]:
            raise InputError(f"unit {unit!r} for {key} not understood; allowed {sorted(UNITS[key])}",
                             field=f"units.{key}")
        x = pd.to_numeric(raw[col], errors="coerce").to_numpy(float)
        if key != "step" and np.isnan(x).all():
            raise InputError(f"column {col!r} ({key}) has no numeric values", field=str(path))
        arrays[key] = x * UNITS[key][unit]
    cap = arrays.get("capacity_Ah")
    en = arrays.get("energy_Wh")
    def _inc(x):
        if x is None:
            return None
        x = np.nan_to_num(x)
        if np.any(x < 0):  # signed running total, e.g. BioLogic (Q-Qo): plain differences
            return np.diff(x, prepend=0.0)
        return increments_from_counter(x)  # unsigned counter that resets per step/cycle

    return build_tidy(arrays["time_s"], current_sign * arrays["current_A"], arrays["voltage_V"],
                      source=path, fmt="csv", reader="sianode", step_key=arrays.get("step"),
                      capacity_inc_Ah=_inc(cap), energy_inc_Wh=_inc(en),
                      temperature_C=arrays.get("temperature_C"), active_mass_g=active_mass_g,
                      extra_attrs={"column_mapping": mapping})


def read_bdf(path: str | Path) -> pd.DataFrame:
    """Read a Battery Data Format (``.bdf``/``.bdf.csv``) table: ``Test Time / s``,
    ``Voltage / V``, ``Current / A``, ``Charging Capacity / Ah``, ``Discharging Capacity / Ah``
    (the columns of the Battery Data Alliance's format, the same that fastnda writes)."""
    from sianode.iotools.textcheck import check_complete_last_line

    path = Path(path)
    if path.stat().st_size == 0:
        raise InputError("file is empty (0 bytes)", field=str(path))
    check_complete_last_line(path, sep=",")
    try:
        raw = pd.read_csv(path)
    except Exception as e:
        raise InputError(f"could not parse BDF table ({e})", field=str(path)) from None
    cols = {c.strip().lower(): c for c in raw.columns}
    need = ["test time / s", "voltage / v", "current / a"]
    miss = [c for c in need if c not in cols]
    if miss or len(raw) == 0:
        raise InputError(f"BDF table needs columns {need} and data rows (missing {miss})", field=str(path))
    cap = None
    if "charging capacity / ah" in cols and "discharging capacity / ah" in cols:
        cap = (increments_from_counter(raw[cols["charging capacity / ah"]].to_numpy(float))
               + increments_from_counter(raw[cols["discharging capacity / ah"]].to_numpy(float)))
    key = raw[cols["step index / 1"]].to_numpy() if "step index / 1" in cols else None
    return build_tidy(raw[cols["test time / s"]].to_numpy(float), raw[cols["current / a"]].to_numpy(float),
                      raw[cols["voltage / v"]].to_numpy(float), source=path, fmt="bdf", reader="sianode",
                      step_key=key, capacity_inc_Ah=cap)
