"""Arbin ``.res`` reader (MS-Access database) via ``mdb-export`` from mdbtools.

An Arbin .res file is a Jet/Access database; the data points live in
``Channel_Normal_Table`` (Test_Time s, Step_Index, Cycle_Index, Current A, Voltage V,
Charge_/Discharge_Capacity Ah, Charge_/Discharge_Energy Wh) and the active mass in
``Global_Table.MASS`` (g). Arbin resets its capacity counters every cycle; sianode turns
them into within-step charge. ``mdb-export`` comes from the Debian/Ubuntu package
``mdbtools`` (``apt-get install mdbtools``).
"""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pandas as pd

from sianode.errors import InputError
from sianode.iotools.schema import build_tidy, increments_from_counter

_JET_MAGIC = b"\x00\x01\x00\x00Standard Jet DB"


def mdbtools_available() -> bool:
    """True if ``mdb-export`` (Debian package ``mdbtools``) is on PATH."""
    return shutil.which("mdb-export") is not None


def _export(path: Path, table: str, timeout_s: float) -> pd.DataFrame:
    try:
        proc = subprocess.run(["mdb-export", str(path), table], capture_output=True,
                              timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        raise InputError(f"mdb-export did not finish reading table {table} within {timeout_s:.0f} s "
                         "(corrupt database?)", field=str(path)) from None
    if proc.returncode != 0 or not proc.stdout.strip():
        msg = proc.stderr.decode("latin-1", "replace").strip().splitlines()
        raise InputError(f"could not export table {table} from the Arbin .res database "
                         f"({msg[-1] if msg else 'no output'}); the file is truncated or corrupt",
                         field=str(path))
    try:
        return pd.read_csv(io.BytesIO(proc.stdout), low_memory=False)
    except Exception as e:
        raise InputError(f"table {table} could not be parsed ({e})", field=str(path)) from None


def read_res(path: str | Path) -> pd.DataFrame:
    """Read an Arbin ``.res`` file into the tidy schema (requires ``mdb-export``)."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise InputError("file is empty (0 bytes)", field=str(path))
    with open(path, "rb") as fh:
        head = fh.read(32)
    if _JET_MAGIC not in head:
        raise InputError("not an Arbin .res file: no MS-Access (Jet) database header at byte 0",
                         field=str(path))
    if size % 2048 != 0 and size % 4096 != 0:
        raise InputError(f"truncated Arbin .res: size {size} bytes is not a whole number of "
                         "database pages (2048/4096 bytes)", field=str(path))
    if not mdbtools_available():
        raise InputError("reading Arbin .res needs 'mdb-export' from the mdbtools package "
                         "(Debian/Ubuntu: apt-get install mdbtools)", field=str(path))
    timeout = 60.0 + size / 1e6 * 10.0
    d = _export(path, "Channel_Normal_Table", timeout)
    need = ["Test_Time", "Step_Index", "Current", "Voltage"]
    miss = [c for c in need if c not in d.columns]
    if miss:
        raise InputError(f"Channel_Normal_Table lacks columns {miss}", field=str(path))
    if len(d) == 0:
        raise InputError("the Arbin file holds no data points", field=str(path))
    sort_cols = [c for c in ("Test_ID", "Data_Point") if c in d.columns]
    if sort_cols:
        d = d.sort_values(sort_cols, kind="stable")
    mass_g = None
    try:
        g = _export(path, "Global_Table", timeout)
        if "MASS" in g.columns and float(g["MASS"].iloc[0]) > 0:
            mass_g = float(g["MASS"].iloc[0])
    except InputError:
        pass
    qc = d["Charge_Capacity"].to_numpy(float) if "Charge_Capacity" in d else None
    qd = d["Discharge_Capacity"].to_numpy(float) if "Discharge_Capacity" in d else None
    ec = d["Charge_Energy"].to_numpy(float) if "Charge_Energy" in d else None
    ed = d["Discharge_Energy"].to_numpy(float) if "Discharge_Energy" in d else None
    cap = None if qc is None or qd is None else increments_from_counter(qc) + increments_from_counter(qd)
    en = None if ec is None or ed is None else increments_from_counter(ec) + increments_from_counter(ed)
    key = d["Step_Index"].to_numpy() * 1_000_000 + (d["Cycle_Index"].to_numpy() if "Cycle_Index" in d else 0)
    return build_tidy(d["Test_Time"].to_numpy(float), d["Current"].to_numpy(float),
                      d["Voltage"].to_numpy(float), source=path, fmt="arbin-res",
                      reader="mdbtools mdb-export", step_key=key, capacity_inc_Ah=cap,
                      energy_inc_Wh=en, active_mass_g=mass_g)
