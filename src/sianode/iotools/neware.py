"""Neware readers: binary ``.nda`` / ``.ndax`` (via fastnda) and Neware's own CSV export.

The binary formats are parsed by `fastnda` (Empa, BSD-3), which is much faster than
`NewareNDA`; sianode only maps its columns to the tidy schema (see
:mod:`sianode.iotools.schema`). Neware records current positive on charge, as sianode does.
Neware resets its capacity and energy counters at every step.
"""
from __future__ import annotations

import logging
import re
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from sianode.errors import InputError
from sianode.iotools.schema import STEP_TYPES, build_tidy, increments_from_counter

#: Neware step names (fastnda's categories / Neware CSV "Step Type") -> tidy step types.
def neware_step_type(name: str) -> str:
    n = str(name).strip().lower().replace(" ", "_")
    if n in {"rest", "pause", "ocv"}:
        return "rest"
    if n.startswith("cv_") or n in {"cv_chg", "cv_dchg"}:
        return "cv"
    if n.endswith("_dchg") or n.endswith("dchg"):
        return "discharge"
    if n.endswith("_chg") or n.endswith("chg"):
        return "charge"
    return "other"


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _find_mass_mg(meta) -> float | None:
    """Active mass in mg from fastnda metadata (nested dict), if recorded and > 0."""
    stack = [meta]
    while stack:
        d = stack.pop()
        if isinstance(d, dict):
            for k, v in d.items():
                if isinstance(v, dict):
                    stack.append(v)
                elif "mass" in str(k).lower():
                    try:
                        x = float(v)
                    except (TypeError, ValueError):
                        continue
                    if x > 0:
                        return x
    return None


def check_nda_complete(path: Path) -> None:
    """InputError if a BTS 9 ``.nda`` is shorter than its own section table says.

    BTS 9 files (``NEWARE`` + an 8-digit date at byte 0) start with a table of (offset u32,
    length u32) entries every 16 bytes from byte 0x12; the data section starts at byte 1024.
    The file must reach the end of every section; a cut-off copy does not. Files of other
    versions (no such table) are not checked here.
    """
    import struct

    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(0x100)
    if len(head) < 0x100 or not head.startswith(b"NEWARE") or not head[6:14].isdigit():
        return
    entries = [struct.unpack_from("<II", head, k)[0:1] + struct.unpack_from("<I", head, k + 8)
               for k in range(0x12, 0x100 - 12, 16)]
    entries = [(o, n) for o, n in entries if o]
    if not any(o == 1024 for o, _ in entries):
        return  # not the layout described above
    end = max(o + n for o, n in entries)
    if end > size:
        raise InputError(f"truncated .nda: its section table reaches byte {end} but the file has {size} "
                         "bytes (copy it again from the cycler PC)", field=str(path))


def read_nda(path: str | Path) -> pd.DataFrame:
    """Read a Neware ``.nda`` or ``.ndax`` binary file into the tidy schema.

    Raises :class:`InputError` naming the file when it is empty, truncated or not a
    Neware file. Non-fatal problems fastnda reports (clock jumps, unreadable auxiliary
    metadata) are kept in ``df.attrs["warnings"]``.
    """
    import fastnda
    import polars as pl
    path = Path(path)
    if path.stat().st_size == 0:
        raise InputError("file is empty (0 bytes)", field=str(path))
    if path.suffix.lower() == ".ndax" and not zipfile.is_zipfile(path):
        raise InputError("not a valid .ndax file: an .ndax is a zip archive and this file is "
                         "not one (truncated or corrupt?)", field=str(path))
    if path.suffix.lower() == ".nda":
        check_nda_complete(path)
    cap = _Capture()
    logger = logging.getLogger("fastnda")
    logger.addHandler(cap)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pl_df = fastnda.read(path, cycle_mode="raw")
    except InputError:
        raise
    except zipfile.BadZipFile as e:
        raise InputError(f"corrupt .ndax archive ({e})", field=str(path)) from None
    except KeyError as e:
        raise InputError(f"incomplete Neware file: missing part {e}", field=str(path)) from None
    except Exception as e:  # fastnda raises many kinds on a bad file
        raise InputError(f"could not parse Neware file ({type(e).__name__}: {e})", field=str(path)) from None
    finally:
        logger.removeHandler(cap)
    if pl_df.height == 0:
        raise InputError("the Neware file holds no data records (empty test)", field=str(path))
    cols = pl_df.columns
    t = pl_df["total_time_s"].to_numpy().astype(float)
    i = pl_df["current_mA"].to_numpy().astype(float) / 1000.0
    v = pl_df["voltage_V"].to_numpy().astype(float)
    step_key = pl_df["step_count"].to_numpy() if "step_count" in cols else pl_df["step_index"].to_numpy()
    # map the few distinct step names, not a million strings
    st = pl_df["step_type"].cast(pl.String).fill_null("other")
    names = st.unique().to_list()
    mapping = {n: STEP_TYPES.index(neware_step_type(n)) for n in names}
    codes = st.replace_strict(mapping, return_dtype=pl.Int8).to_numpy()
    labels = np.array(STEP_TYPES, dtype=object)[codes]
    q = np.abs(pl_df["capacity_mAh"].to_numpy().astype(float)) / 1000.0
    e = np.abs(pl_df["energy_mWh"].to_numpy().astype(float)) / 1000.0
    temp = None
    tcols = [c for c in cols if "temperature" in c.lower()]
    if tcols:
        temp = pl_df[tcols[0]].to_numpy().astype(float)
    mass_mg = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mass_mg = _find_mass_mg(fastnda.read_metadata(path))
    except Exception:  # metadata is optional
        pass
    return build_tidy(
        t, i, v, source=path, fmt="neware-" + path.suffix.lower().lstrip("."), reader=f"fastnda {fastnda.version.__version__ if hasattr(fastnda.version, '__version__') else ''}".strip(),
        step_key=step_key, step_label=labels,
        capacity_inc_Ah=_within_step_increments(q, step_key),
        energy_inc_Wh=_within_step_increments(e, step_key),
        temperature_C=temp,
        active_mass_g=None if mass_mg is None else mass_mg / 1000.0,
        extra_attrs={"warnings": cap.messages},
    )


def _within_step_increments(q: np.ndarray, step_key: np.ndarray) -> np.ndarray:
    """Row increments of a counter that resets at each cycler step."""
    d = increments_from_counter(q)
    sk = np.asarray(step_key)
    first = np.concatenate([[True], sk[1:] != sk[:-1]])
    d[first] = q[first]
    return d


def _hms_to_s(s: pd.Series) -> np.ndarray:
    """'HH:MM:SS(.fff)' or 'D-HH:MM:SS' or plain seconds -> seconds."""
    if pd.api.types.is_numeric_dtype(s):
        return s.to_numpy(dtype=float)
    parts = s.astype(str).str.extract(r"^(?:(\d+)-)?(\d+):(\d+):([\d.]+)$")
    if parts.isna().all(axis=None) or parts[1].isna().any():
        bad = s[parts[1].isna()].iloc[0] if parts[1].isna().any() else s.iloc[0]
        raise ValueError(f"time value {bad!r} is not HH:MM:SS")
    d = parts[0].fillna(0).astype(float)
    return (d * 86400 + parts[1].astype(float) * 3600 + parts[2].astype(float) * 60
            + parts[3].astype(float)).to_numpy()


_UNIT_SCALE = {"a": 1.0, "ma": 1e-3, "ua": 1e-6, "µa": 1e-6, "v": 1.0, "mv": 1e-3,
               "ah": 1.0, "mah": 1e-3, "mas": 1e-3 / 3600, "as": 1 / 3600,
               "wh": 1.0, "mwh": 1e-3, "mws": 1e-3 / 3600, "ws": 1 / 3600}


def _find_col(cols, prefix: str):
    """Find a Neware CSV column like 'Current(mA)' and its unit scale to SI."""
    for c in cols:
        m = re.match(rf"^{re.escape(prefix)}\s*\(([^)]*)\)$", c.strip())
        if m:
            unit = m.group(1).strip().lower().replace("\ufffd", "µ")
            if unit.startswith("µ") or unit == "�a":
                unit = "ua"
            if unit not in _UNIT_SCALE:
                raise InputError(f"column {c!r} has unit {m.group(1)!r}; expected one of "
                                 f"{sorted(_UNIT_SCALE)}", field=c)
            return c, _UNIT_SCALE[unit]
    return None, None


def read_neware_csv(path: str | Path) -> pd.DataFrame:
    """Read Neware BTS software's CSV export (record layer) into the tidy schema.

    Columns used: ``Step Index``, ``Step Type``, ``Total Time`` (or ``Cumulative Time``),
    ``Current(<unit>)``, ``Voltage(<unit>)``, ``Chg. Cap.``/``DChg. Cap.`` and energies;
    units are read from the headers (A, mA, µA; V, mV; Ah, mAh, mAs...).
    """
    from sianode.iotools.textcheck import check_complete_last_line

    path = Path(path)
    check_complete_last_line(path, sep=",")
    try:
        raw = pd.read_csv(path, encoding="latin-1", low_memory=False)
    except Exception as e:
        raise InputError(f"could not read Neware CSV export ({e})", field=str(path)) from None
    raw.columns = [c.strip() for c in raw.columns]
    raw = raw.loc[:, [c for c in raw.columns if c and not c.startswith("Unnamed")]]
    if len(raw) == 0:
        raise InputError("the Neware CSV export holds no data rows", field=str(path))
    tcol = next((c for c in ("Total Time", "Cumulative Time", "Time") if c in raw.columns), None)
    icol, isc = _find_col(raw.columns, "Current")
    vcol, vsc = _find_col(raw.columns, "Voltage")
    if tcol is None or icol is None or vcol is None:
        raise InputError("Neware CSV export needs 'Total Time', 'Current(unit)' and "
                         f"'Voltage(unit)' columns; found {list(raw.columns)[:12]}", field=str(path))
    try:
        t = _hms_to_s(raw[tcol])
    except ValueError as e:
        raise InputError(f"column {tcol!r}: {e}", field=str(path)) from None
    if tcol == "Time" or ("Cumulative Time" == tcol and "Date" in raw.columns and np.any(np.diff(t) < 0)):
        # step time only: rebuild test time from the wall clock
        ts = pd.to_datetime(raw["Date"])
        t = (ts - ts.iloc[0]).dt.total_seconds().to_numpy()
    i = raw[icol].to_numpy(dtype=float) * isc
    v = raw[vcol].to_numpy(dtype=float) * vsc
    step_key = raw["Step Index"].to_numpy() if "Step Index" in raw.columns else None
    labels = raw["Step Type"].map(lambda s: neware_step_type(s)).to_numpy() if "Step Type" in raw.columns else None
    qc, qsc = _find_col(raw.columns, "Chg. Cap.")
    qd, _ = _find_col(raw.columns, "DChg. Cap.")
    ec, esc = _find_col(raw.columns, "Chg. Energy")
    ed, _ = _find_col(raw.columns, "DChg. Energy")
    cap_inc = en_inc = None
    if qc and qd and step_key is not None:
        q = (raw[qc].to_numpy(dtype=float) + raw[qd].to_numpy(dtype=float)) * qsc
        cap_inc = _within_step_increments(q, step_key)
    if ec and ed and step_key is not None:
        e = (raw[ec].to_numpy(dtype=float) + raw[ed].to_numpy(dtype=float)) * esc
        en_inc = _within_step_increments(e, step_key)
    return build_tidy(t, i, v, source=path, fmt="neware-csv", reader="sianode",
                      step_key=step_key, step_label=labels,
                      capacity_inc_Ah=cap_inc, energy_inc_Wh=en_inc)
