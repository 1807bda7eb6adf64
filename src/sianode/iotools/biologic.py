"""BioLogic EC-Lab readers: binary ``.mpr`` (via galvani) and text ``.mpt`` exports.

EC-Lab records ``I > 0`` as anodic current at the working electrode, i.e. charge of a cell
whose working electrode is its positive terminal; for a Si/Li half cell (Si = working
electrode) that is delithiation, matching sianode's sign convention.

A BioLogic file may hold impedance (PEIS/GEIS) or cyclic voltammetry instead of cycling.
Those raise :class:`NotCyclingData` (an :class:`InputError`) with ``kind`` = ``"eis"`` or
``"cv"`` so that ``sianode analyze`` can hand the file to the spectra readers.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from sianode.errors import InputError
from sianode.iotools.schema import build_tidy, increments_from_counter

#: EC-Lab technique byte (first byte of the settings module) -> technique, as tabulated by
#: yadg's EC-Lab extractor (github.com/dgbowl/yadg, ``extractors/eclab/common/techniques.py``).
TECHNIQUES = {0x04: "GCPL", 0x06: "CV", 0x0B: "OCV", 0x18: "CA", 0x19: "CP", 0x1C: "WAIT",
              0x1D: "PEIS", 0x1E: "GEIS", 0x30: "CV", 0x32: "ZIR", 0x33: "CVA", 0x6C: "LSV",
              0x77: "GCPL", 0x7F: "MB"}
_EIS_TECHNIQUES = {0x1D, 0x1E, 0x32}  # PEIS, GEIS, ZIR
_CV_TECHNIQUES = {0x06, 0x30, 0x33, 0x6C}  # CV, CVA, LSV: potential sweeps, not cycling
_CA_TECHNIQUES = {0x18}  # chronoamperometry: a potential hold
#: EC-Lab .mpt header names of the same techniques
_HEADER_KIND = (("impedance spectroscopy", "eis"), ("cyclic voltammetry", "cv"),
                ("linear sweep voltammetry", "cv"), ("chronoamperometry", "ca"))


class NotCyclingData(InputError):
    """The file is valid but holds impedance or voltammetry, not cycling data."""

    def __init__(self, message: str, field: str | None = None, kind: str = "other"):
        self.kind = kind
        super().__init__(message, field=field)


def _classify(df, technique: int | None, header: str = "") -> str:
    """'eis', 'cv' or 'cycling' from the technique code/header and the columns of ``df``
    (a DataFrame or a dict of column arrays)."""
    cols = set(df.keys())
    h = header.lower()
    if technique in _EIS_TECHNIQUES:
        return "eis"
    if technique in _CV_TECHNIQUES:
        return "cv"
    if technique in _CA_TECHNIQUES:
        return "ca"
    if technique is None:
        for text, kind in _HEADER_KIND:
            if text in h:
                return kind
    if "freq/Hz" in cols and ("Re(Z)/Ohm" in cols or "|Z|/Ohm" in cols):
        f = np.asarray(df["freq/Hz"], dtype=float)
        if np.mean(f > 0) > 0.5:
            return "eis"
    return "cycling"


def _not_cycling_message(kind: str, technique: int | None) -> str:
    name = TECHNIQUES.get(technique, kind.upper()) if technique is not None else kind.upper()
    if kind == "ca":
        return (f"holds {name} (chronoamperometry, a potential hold) data, not cycling; sianode does not "
                "analyse chronoamperometry")
    return f"holds {name} data ({kind.upper()}), not cycling"


def _frame_to_tidy(df, path: Path, fmt: str, reader: str, mass_g=None) -> pd.DataFrame:
    """Map EC-Lab columns (``df``: DataFrame or dict of arrays) to the tidy schema."""
    cols = list(df.keys())
    vcol = next((c for c in ("Ewe/V", "<Ewe>/V", "Ecell/V") if c in cols), None)
    if "time/s" not in cols or vcol is None:
        raise InputError(f"BioLogic file lacks 'time/s' or a potential column 'Ewe/V' / '<Ewe>/V' "
                         f"(found {list(cols)[:10]})", field=str(path))
    t = np.asarray(df["time/s"], dtype=float)
    v = np.asarray(df[vcol], dtype=float)
    dq = None
    if "dq/mA.h" in cols:
        dq = np.asarray(df["dq/mA.h"], dtype=float) / 1000.0
    elif "(Q-Qo)/mA.h" in cols:
        dq = np.diff(np.asarray(df["(Q-Qo)/mA.h"], dtype=float), prepend=0.0) / 1000.0
    if "I/mA" in cols:
        i = np.asarray(df["I/mA"], dtype=float) / 1000.0
    elif "<I>/mA" in cols:
        i = np.asarray(df["<I>/mA"], dtype=float) / 1000.0
    elif dq is not None:
        # GCPL files without a current column: I = dq/dt, the cycler's own charge increment
        dt = np.diff(t, prepend=t[:1])
        with np.errstate(divide="ignore", invalid="ignore"):
            i = np.where(dt > 0, dq * 3600.0 / dt, 0.0)
        # the first row of each record block has no dt: copy the next value
        i[0] = i[1] if i.size > 1 else 0.0
    else:
        # OCV technique: time and potential only; the cell is at open circuit
        i = np.zeros_like(t)
    key = None
    if "Ns" in cols or "half cycle" in cols:
        ns = np.asarray(df["Ns"], dtype=np.int64) if "Ns" in cols else 0
        hc = np.asarray(df["half cycle"], dtype=np.int64) if "half cycle" in cols else 0
        key = np.asarray(ns) * 100000 + np.asarray(hc)
        if np.ndim(key) == 0:
            key = None
    de = None  # EC-Lab's energy counter, when recorded (else integrated from I and V)
    if "|Energy|/W.h" in cols:
        de = increments_from_counter(np.abs(np.asarray(df["|Energy|/W.h"], dtype=float)))
    elif "Energy charge/W.h" in cols and "Energy discharge/W.h" in cols:
        de = (increments_from_counter(np.abs(np.asarray(df["Energy charge/W.h"], dtype=float)))
              + increments_from_counter(np.abs(np.asarray(df["Energy discharge/W.h"], dtype=float))))
    return build_tidy(t, i, v, source=path, fmt=fmt, reader=reader, step_key=key,
                      capacity_inc_Ah=dq, energy_inc_Wh=de, active_mass_g=mass_g)


def open_mpr(path: str | Path):
    """Open a BioLogic ``.mpr`` with galvani; return ``(MPRfile, technique_id or None)``.

    Empty files, wrong magic bytes and files galvani cannot parse raise :class:`InputError`
    naming the file (shared by the cycling reader and the EIS/CV reader).
    """
    from galvani import BioLogic
    path = Path(path)
    if path.stat().st_size == 0:
        raise InputError("file is empty (0 bytes)", field=str(path))
    with open(path, "rb") as fh:
        magic = fh.read(len(BioLogic.MPR_MAGIC)) if hasattr(BioLogic, "MPR_MAGIC") else fh.read(0)
    if hasattr(BioLogic, "MPR_MAGIC") and magic != BioLogic.MPR_MAGIC:
        raise InputError("not a BioLogic .mpr file (wrong magic bytes at offset 0)", field=str(path))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = BioLogic.MPRfile(str(path))
    except Exception as e:
        raise InputError(f"could not parse BioLogic .mpr ({type(e).__name__}: {e}); the file is "
                         "truncated, corrupt, or from an EC-Lab version galvani does not know",
                         field=str(path)) from None
    technique = None
    try:
        technique = int(m.modules[0]["data"][0])
    except Exception:
        pass
    return m, technique


def read_mpr(path: str | Path) -> pd.DataFrame:
    """Read a BioLogic ``.mpr`` (galvanostatic cycling, MB, OCV) into the tidy schema."""
    import galvani
    path = Path(path)
    m, technique = open_mpr(path)
    df = {name: m.data[name] for name in m.data.dtype.names}  # views, no copy
    kind = _classify(df, technique)
    if kind != "cycling":
        raise NotCyclingData(_not_cycling_message(kind, technique), field=str(path), kind=kind)
    if len(m.data) == 0:
        raise InputError("the .mpr file holds no data records", field=str(path))
    ver = getattr(galvani, "__version__", "")
    return _frame_to_tidy(df, path, "biologic-mpr", f"galvani {ver}".strip())


def read_mpt_frame(path: str | Path) -> tuple[pd.DataFrame, str]:
    """Parse an EC-Lab ``.mpt`` text export into a raw DataFrame and its header text."""
    path = Path(path)
    raw = path.read_bytes()
    if not raw:
        raise InputError("file is empty (0 bytes)", field=str(path))
    text = raw.decode("latin-1")
    lines = text.splitlines()
    if not lines or not lines[0].startswith("EC-Lab ASCII FILE"):
        raise InputError("not an EC-Lab .mpt text export (first line must be 'EC-Lab ASCII FILE')",
                         field=str(path))
    nhead = 1
    m = re.match(r"Nb header lines\s*:\s*(\d+)", lines[1]) if len(lines) > 1 else None
    if m:
        nhead = int(m.group(1))
    if len(lines) < nhead:
        raise InputError(f"truncated .mpt: header says {nhead} header lines, file has {len(lines)}",
                         field=str(path))
    header = "\n".join(lines[: nhead - 1])
    colnames = lines[nhead - 1].rstrip("\t").split("\t")
    body = lines[nhead:]
    if not body:
        raise InputError("the .mpt file holds no data rows", field=str(path))
    if raw[-1:] not in (b"\n", b"\r"):
        nf = len(body[-1].rstrip("\t").split("\t"))
        if nf < len(colnames):
            raise InputError(f"truncated .mpt: the last line ends after {nf} of {len(colnames)} fields with "
                             "no line break (the file was cut short)", field=str(path))
    import io
    data = "\n".join(body).replace(",", ".")
    try:
        df = pd.read_csv(io.StringIO(data), sep="\t", header=None, names=colnames,
                         usecols=range(len(colnames)), dtype=float, on_bad_lines="skip")
    except Exception as e:
        raise InputError(f"could not parse .mpt data rows ({e})", field=str(path)) from None
    return df, header


def read_mpt(path: str | Path) -> pd.DataFrame:
    """Read an EC-Lab ``.mpt`` text export of a cycling technique into the tidy schema."""
    path = Path(path)
    df, header = read_mpt_frame(path)
    kind = _classify(df, None, header)
    if kind != "cycling":
        raise NotCyclingData(_not_cycling_message(kind, None), field=str(path), kind=kind)
    mass_g = None
    mm = re.search(r"Mass of active material\s*:\s*([\d.]+)\s*(mg|g)", header)
    if mm and float(mm.group(1)) > 0:
        mass_g = float(mm.group(1)) / (1000.0 if mm.group(2) == "mg" else 1.0)
    return _frame_to_tidy(df, path, "biologic-mpt", "sianode", mass_g)
