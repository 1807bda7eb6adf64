"""Arbin readers: ``.res`` (MS-Access database), CSV exports and (via :mod:`excel`) Excel exports.

An Arbin .res file is a Jet/Access database; the data points live in
``Channel_Normal_Table`` (Test_Time s, Step_Index, Cycle_Index, Current A, Voltage V,
Charge_/Discharge_Capacity Ah, Charge_/Discharge_Energy Wh) and the active mass in
``Global_Table.MASS`` (g). Arbin resets its capacity counters every cycle; sianode turns
them into within-step charge. The CSV and Excel exports carry the same columns, with or
without units in the names (``Test_Time(s)``, ``Current(A)``...).

Two ways to open a .res, both run as a subprocess with a time-out (a damaged database
cannot hang a run) and a memory cap:

* ``mdb-export`` from mdbtools (Debian/Ubuntu ``apt-get install mdbtools``): fast (≈ 40 000
  rows/s), used when present;
* a pure-Python path (the ``access-parser`` package, Apache-2.0) when mdbtools is missing:
  the same tables, about 20× slower (≈ 2 000 rows/s), so large files want mdbtools.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sianode.errors import InputError
from sianode.iotools.schema import build_tidy, increments_from_counter

_JET_MAGIC = b"\x00\x01\x00\x00Standard Jet DB"
_ACE_MAGIC = b"\x00\x01\x00\x00Standard ACE DB"
#: Time-out of one table export: 10 s plus 2 s per MB of database (mdb-export reads ~20 MB/s).
EXPORT_TIMEOUT_BASE_S = 10.0
EXPORT_TIMEOUT_PER_MB_S = 2.0
#: The pure-Python reader decodes ~2 000 rows/s: it gets 30 s per MB.
PYTHON_TIMEOUT_PER_MB_S = 30.0
#: Address-space cap of the export subprocess (bounded memory for a damaged file).
EXPORT_MEMORY_BYTES = 4 * 1024 ** 3


def mdbtools_available() -> bool:
    """True if ``mdb-export`` (Debian package ``mdbtools``) is on PATH."""
    return shutil.which("mdb-export") is not None


def access_parser_available() -> bool:
    """True if the pure-Python Access reader (``access-parser``) is installed."""
    try:
        import access_parser  # noqa: F401
    except ImportError:
        return False
    return True


def _limit_memory():  # runs in the child before exec
    try:
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (EXPORT_MEMORY_BYTES, EXPORT_MEMORY_BYTES))
    except (ImportError, ValueError, OSError):
        pass


def _export(path: Path, table: str, timeout_s: float, engine: str) -> pd.DataFrame:
    """One table of the database as a DataFrame, through ``engine`` ('mdbtools' or 'python')."""
    if engine == "mdbtools":
        cmd = ["mdb-export", str(path), table]
    else:
        cmd = [sys.executable, "-m", "sianode.iotools.access_dump", str(path), table]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False,
                              preexec_fn=_limit_memory if sys.platform != "win32" else None)
    except subprocess.TimeoutExpired:
        raise InputError(f"reading table {table} did not finish within {timeout_s:.0f} s "
                         f"({'mdb-export' if engine == 'mdbtools' else 'pure-Python reader'}); "
                         "the database is corrupt or too large for this reader", field=str(path)) from None
    if proc.returncode != 0 or not proc.stdout.strip():
        msg = proc.stderr.decode("latin-1", "replace").strip().splitlines()
        raise InputError(f"could not export table {table} from the Arbin .res database "
                         f"({msg[-1][:200] if msg else 'no output'}); the file is truncated or corrupt",
                         field=str(path))
    try:
        return pd.read_csv(io.BytesIO(proc.stdout), low_memory=False)
    except Exception as e:
        raise InputError(f"table {table} could not be parsed ({e})", field=str(path)) from None


def read_res(path: str | Path, engine: str | None = None) -> pd.DataFrame:
    """Read an Arbin ``.res`` file into the tidy schema.

    ``engine``: ``"mdbtools"``, ``"python"`` or None (mdbtools when installed, else Python).
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise InputError("file is empty (0 bytes)", field=str(path))
    with open(path, "rb") as fh:
        head = fh.read(32)
    if _JET_MAGIC not in head and _ACE_MAGIC not in head:
        raise InputError("not an Arbin .res file: no MS-Access (Jet) database header at byte 0",
                         field=str(path))
    if size % 2048 != 0 and size % 4096 != 0:
        raise InputError(f"truncated Arbin .res: size {size} bytes is not a whole number of "
                         "database pages (2048/4096 bytes)", field=str(path))
    if engine is None:
        engine = "mdbtools" if mdbtools_available() else "python"
    if engine == "mdbtools" and not mdbtools_available():
        raise InputError("engine 'mdbtools' asked for but 'mdb-export' is not installed "
                         "(Debian/Ubuntu: apt-get install mdbtools)", field=str(path))
    if engine == "python" and not access_parser_available():
        raise InputError("reading Arbin .res needs 'mdb-export' (apt-get install mdbtools) or the "
                         "Python package access-parser (pip install access-parser)", field=str(path))
    per_mb = EXPORT_TIMEOUT_PER_MB_S if engine == "mdbtools" else PYTHON_TIMEOUT_PER_MB_S
    timeout = EXPORT_TIMEOUT_BASE_S + size / 1e6 * per_mb
    d = _export(path, "Channel_Normal_Table", timeout, engine)
    mass_g = None
    try:
        g = _export(path, "Global_Table", timeout, engine)
        if "MASS" in g.columns and float(g["MASS"].iloc[0]) > 0:
            mass_g = float(g["MASS"].iloc[0])
    except (InputError, ValueError, IndexError):
        pass
    reader = "mdbtools mdb-export" if engine == "mdbtools" else "access-parser (pure Python)"
    return arbin_frame_to_tidy(d, path, "arbin-res", reader, mass_g)


def _strip_units(cols) -> dict[str, str]:
    """Arbin column name without its unit: ``Test_Time(s)`` -> ``Test_Time``."""
    return {c: re.sub(r"\s*\([^)]*\)\s*$", "", str(c)).strip() for c in cols}


def arbin_frame_to_tidy(d: pd.DataFrame, path: Path, fmt: str, reader: str, mass_g=None) -> pd.DataFrame:
    """Map Arbin's columns (``.res`` table, CSV or Excel export) to the tidy schema."""
    d = d.rename(columns=_strip_units(d.columns))
    need = ["Test_Time", "Step_Index", "Current", "Voltage"]
    miss = [c for c in need if c not in d.columns]
    if miss:
        raise InputError(f"Arbin data lack columns {miss} (found {list(d.columns)[:14]})", field=str(path))
    if len(d) == 0:
        raise InputError("the Arbin file holds no data points", field=str(path))
    sort_cols = [c for c in ("Test_ID", "Data_Point") if c in d.columns]
    if sort_cols:
        d = d.sort_values(sort_cols, kind="stable")

    def num(c):
        return pd.to_numeric(d[c], errors="coerce").to_numpy(float)

    qc = num("Charge_Capacity") if "Charge_Capacity" in d else None
    qd = num("Discharge_Capacity") if "Discharge_Capacity" in d else None
    ec = num("Charge_Energy") if "Charge_Energy" in d else None
    ed = num("Discharge_Energy") if "Discharge_Energy" in d else None
    cap = None if qc is None or qd is None else increments_from_counter(qc) + increments_from_counter(qd)
    en = None if ec is None or ed is None else increments_from_counter(ec) + increments_from_counter(ed)
    step = np.nan_to_num(num("Step_Index"))
    cyc = np.nan_to_num(num("Cycle_Index")) if "Cycle_Index" in d else 0
    key = step * 1_000_000 + cyc
    return build_tidy(num("Test_Time"), num("Current"), num("Voltage"), source=path, fmt=fmt,
                      reader=reader, step_key=key, capacity_inc_Ah=cap, energy_inc_Wh=en, active_mass_g=mass_g)


def is_arbin_header(cols) -> bool:
    """True if the column names are Arbin's (``Test_Time``, ``Step_Index``, ``Current``, ``Voltage``)."""
    names = set(_strip_units(cols).values())
    return {"Test_Time", "Step_Index", "Current", "Voltage"} <= names


def read_arbin_csv(path: str | Path) -> pd.DataFrame:
    """Read an Arbin CSV export (MITS Pro / Data Watcher) into the tidy schema."""
    from sianode.iotools.textcheck import check_complete_last_line

    path = Path(path)
    if path.stat().st_size == 0:
        raise InputError("file is empty (0 bytes)", field=str(path))
    check_complete_last_line(path, sep=",")
    try:
        d = pd.read_csv(path, low_memory=False, encoding="latin-1")
    except Exception as e:
        raise InputError(f"could not parse Arbin CSV export ({e})", field=str(path)) from None
    return arbin_frame_to_tidy(d, path, "arbin-csv", "sianode")
