"""Detect a cycler file's format and read it into the tidy schema.

Detection looks at the extension and the first bytes (never the whole file):

=============  ==============================================  ==========================
format         recognised by                                   reader
=============  ==============================================  ==========================
neware-nda     ``.nda`` / ``.ndax`` (also zipped: ``.zip``)      fastnda (wrapped)
neware-csv     CSV whose header has DataPoint/Step Type/...    sianode
biologic-mpr   ``BIO-LOGIC MODULAR FILE`` magic                galvani (wrapped)
biologic-mpt   first line ``EC-Lab ASCII FILE``                sianode
arbin-res      Jet (MS-Access) database magic, ``.res``        mdb-export or access-parser
arbin-csv      CSV with Test_Time, Step_Index, Current...      sianode
maccor-txt     a header line starting with ``Rec`` / ``Rec#``  sianode
excel          ``.xlsx`` / ``.xls`` (Arbin, Neware/LANHE)      python-calamine
pec-csv        ``#END RESULTS CHECK`` block (PEC SBT)          sianode
novonix-csv    ``[Summary]`` / ``Run Time (h)`` (Novonix)       sianode
bdf            ``Test Time / s`` header (Battery Data Format)  sianode
tidy           ``.parquet`` / CSV already in sianode's schema  pandas
csv            anything else delimited (column guess/mapping)  sianode
=============  ==============================================  ==========================

A ``.zip`` holding one cycler file (a zipped ``.nda``) is opened in a temporary folder.

Readers never write to the input file. Every failure is an :class:`InputError` naming the
file and what is wrong.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sianode.errors import InputError
from sianode.iotools.schema import COLUMNS, STEP_TYPES, validate

FORMATS = ["neware-nda", "neware-csv", "biologic-mpr", "biologic-mpt", "arbin-res", "arbin-csv", "maccor-txt",
           "excel", "pec-csv", "novonix-csv", "bdf", "tidy", "csv"]

_UNSUPPORTED: dict[str, str] = {}
#: Largest member unpacked from a zipped cycler file (bounded disk and memory): 2 GB.
MAX_UNZIPPED_BYTES = 2_000_000_000


def _head(path: Path, n: int = 4096) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n)


def detect_format(path: str | Path) -> str:
    """Name of the format of ``path`` (one of :data:`FORMATS`); InputError if unknown."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", field=str(path))
    if path.is_dir():
        raise InputError("is a directory, not a data file", field=str(path))
    ext = path.suffix.lower()
    if ext in _UNSUPPORTED:
        raise InputError(_UNSUPPORTED[ext], field=str(path))
    head = _head(path)
    if not head:
        raise InputError("file is empty (0 bytes)", field=str(path))
    if ext in (".nda", ".ndax"):
        return "neware-nda"
    if ext in (".xlsx", ".xls", ".xlsm"):
        return "excel"
    if head.startswith(b"BIO-LOGIC MODULAR FILE"):
        return "biologic-mpr"
    if b"Standard Jet DB" in head[:32] or b"Standard ACE DB" in head[:32]:
        return "arbin-res"
    if ext == ".parquet" or head.startswith(b"PAR1"):
        return "tidy"
    text = head.decode("latin-1", "replace")
    if text.startswith("EC-Lab ASCII FILE"):
        return "biologic-mpt"
    lines = text.splitlines()
    if any(re.match(r"^\s*Rec#?[\t,]", ln) for ln in lines[:60]):
        return "maccor-txt"
    first = lines[0] if lines else ""
    from sianode.iotools.sectioned import sniff
    sectioned = sniff(text)
    if sectioned:
        return sectioned
    if "Test Time / s" in first and "Current / A" in first:
        return "bdf"
    from sianode.iotools.arbin import is_arbin_header
    if is_arbin_header([c.strip() for c in first.split(",")]):
        return "arbin-csv"
    if "DataPoint" in first and "Step Type" in first:
        return "neware-csv"
    if all(c in first for c in COLUMNS):
        return "tidy"
    if ext in (".mpr", ".res", ".nda", ".ndax"):
        raise InputError(f"extension {ext} but the file does not start with that format's "
                         "signature (corrupt or mislabelled)", field=str(path))
    if b"\x00" in head or head.startswith(b"PK\x03\x04"):
        raise InputError("binary file of unknown format; supported: " + ", ".join(FORMATS), field=str(path))
    return "csv"


def _read_tidy(path: Path) -> pd.DataFrame:
    try:
        df = pd.read_parquet(path) if path.suffix.lower() == ".parquet" else pd.read_csv(path)
    except Exception as e:
        raise InputError(f"could not read tidy table ({e})", field=str(path)) from None
    validate(df, name=str(path))
    df["step_type"] = pd.Categorical(df["step_type"].astype(str), categories=STEP_TYPES)
    df.attrs.setdefault("source_files", [str(path)])
    df.attrs.setdefault("format", "tidy")
    df.attrs.setdefault("active_mass_g", None)
    return df


def read(path: str | Path, fmt: str | None = None, **kwargs) -> pd.DataFrame:
    """Read one cycler file into the tidy schema (format auto-detected unless ``fmt`` given).

    ``kwargs`` go to the generic CSV reader (``columns=``, ``units=``, ``sep=``...).
    Raises :class:`InputError` (or its subclass
    :class:`sianode.iotools.biologic.NotCyclingData` for impedance/CV files).
    """
    path = Path(path)
    if fmt is None and path.suffix.lower() == ".zip":
        return _read_zipped(path, **kwargs)
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; allowed {FORMATS}", field="fmt")
    if kwargs and fmt != "csv":
        raise InputError(f"options {sorted(kwargs)} apply to generic CSV files only; this file is read as "
                         f"{fmt} (force fmt='csv' to map columns yourself)", field=str(path))
    try:
        if fmt == "neware-nda":
            from sianode.iotools.neware import read_nda
            return read_nda(path)
        if fmt == "neware-csv":
            from sianode.iotools.neware import read_neware_csv
            return read_neware_csv(path)
        if fmt == "biologic-mpr":
            from sianode.iotools.biologic import read_mpr
            return read_mpr(path)
        if fmt == "biologic-mpt":
            from sianode.iotools.biologic import read_mpt
            return read_mpt(path)
        if fmt == "arbin-res":
            from sianode.iotools.arbin import read_res
            return read_res(path)
        if fmt == "arbin-csv":
            from sianode.iotools.arbin import read_arbin_csv
            return read_arbin_csv(path)
        if fmt == "excel":
            from sianode.iotools.excel import read_excel
            return read_excel(path)
        if fmt == "pec-csv":
            from sianode.iotools.sectioned import read_pec_csv
            return read_pec_csv(path)
        if fmt == "novonix-csv":
            from sianode.iotools.sectioned import read_novonix_csv
            return read_novonix_csv(path)
        if fmt == "maccor-txt":
            from sianode.iotools.maccor import read_maccor_txt
            return read_maccor_txt(path)
        if fmt == "bdf":
            from sianode.iotools.csv import read_bdf
            return read_bdf(path)
        if fmt == "tidy":
            return _read_tidy(path)
        from sianode.iotools.csv import read_csv
        return read_csv(path, **kwargs)
    except InputError:
        raise
    except (OSError, ValueError, KeyError, IndexError, TypeError) as e:
        raise InputError(f"could not read as {fmt} ({type(e).__name__}: {e})", field=str(path)) from None


def _read_zipped(path: Path, **kwargs) -> pd.DataFrame:
    """Read the one cycler file inside a ``.zip`` (e.g. a zipped ``.nda``) from a temporary folder."""
    import tempfile
    import zipfile

    if not zipfile.is_zipfile(path):
        raise InputError("not a valid .zip archive (truncated or corrupt?)", field=str(path))
    try:
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX")]
            if len(members) != 1:
                raise InputError(f"a zipped data file must hold exactly one file; this archive holds "
                                 f"{len(members)} ({[m.filename for m in members][:5]})", field=str(path))
            m = members[0]
            if m.file_size > MAX_UNZIPPED_BYTES:
                raise InputError(f"the zipped file {m.filename} unpacks to {m.file_size} bytes, more than "
                                 f"{MAX_UNZIPPED_BYTES}", field=str(path))
            with tempfile.TemporaryDirectory(prefix="sianode-unzip-") as tmp:
                target = Path(tmp) / Path(m.filename).name
                with zf.open(m) as src, open(target, "wb") as dst:
                    remaining = MAX_UNZIPPED_BYTES
                    while chunk := src.read(1 << 20):
                        remaining -= len(chunk)
                        if remaining < 0:
                            raise InputError("zipped file larger than its header says", field=str(path))
                        dst.write(chunk)
                df = read(target, **kwargs)
    except InputError as e:
        msg = str(e).replace(str(Path(tempfile.gettempdir())), "<unzipped>")
        raise InputError(f"inside the zip: {msg}", field=str(path)) from None
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise InputError(f"corrupt .zip archive ({type(e).__name__}: {e})", field=str(path)) from None
    df.attrs["source_files"] = [str(path)]
    df.attrs["format"] = f"{df.attrs.get('format')} (zipped)"
    return df


def read_many(paths: list[str | Path], **kwargs) -> pd.DataFrame:
    """Read the parts of one test in the given order and merge them (see :mod:`merge`)."""
    from sianode.iotools.merge import merge_tests
    return merge_tests([read(p, **kwargs) for p in paths])
