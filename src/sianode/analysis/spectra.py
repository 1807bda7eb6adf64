"""Readers for EIS, cyclic-voltammetry and XRD files, and dispatch to their analyses.

Formats
-------
EIS (tidy: ``spectrum, frequency_Hz, z_real_ohm, z_imag_ohm``; ``z_imag`` is Im Z, negative
for capacitive arcs):

* impedance.py CSV: three header-less columns ``f, Re Z, Im Z`` (impedance.py ``readCSV``).
* BioLogic EC-Lab ``.mpt`` text export of PEIS/GEIS (``freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm``);
  several spectra in one file are split on ``cycle number`` (or on frequency resets).
* BioLogic ``.mpr`` (binary, via galvani) with PEIS/GEIS technique code or Re/Im Z columns.
* Gamry ``.DTA`` with a ``ZCURVE`` table (``Freq, Zreal, Zimag``).
* Parquet/CSV series with columns named like ``indices, frequencies [Hz],
  real_impedances [Ω], imaginary_impedances [Ω]`` (PyBOP example data, Kuhn et al. 2026).

CV (tidy: ``time_s, potential_V, current_A, cycle``): BioLogic ``.mpt``/``.mpr`` of the CV/CVA
techniques (decimal commas handled).

XRD (tidy: ``two_theta_deg, intensity``; wavelength in ``df.attrs['wavelength_m']`` when the
file states it): ``.xy`` two columns, PANalytical ``.csv`` (``[Scan points]``) or plain
two-column CSV, PANalytical ``.xrdml`` (XML).

Errors: a file that is recognisably one of these but empty, truncated or corrupt raises
:class:`~sianode.errors.InputError` whose ``field`` is the file path and whose message names
the line/column at fault. Input files are only read, never modified.

Dispatch for ``sianode analyze`` (part A calls these):

* :func:`analyze_spectrum_file` ``(path, return_tables=False)`` → ``list[Section]`` or None
  (not a spectrum file); with ``return_tables=True`` → ``(sections, tables)`` or None.
* :func:`spectrum_tables` ``(path)`` → ``{name: DataFrame}`` (tidy results for CSV export).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd

from sianode.errors import InputError, SolverError

from sianode.iotools.biologic import _CV_TECHNIQUES, _EIS_TECHNIQUES  # noqa: E402  (one technique table)

#: EIS exports read with impedance.py's own parsers (``impedance.preprocessing``), by instrument.
IMPEDANCE_PY_FORMATS = ("zplot", "versastudio", "autolab", "chinstruments", "parstat", "powersuite")
#: Largest EIS/CV/XRD text file read (bounded memory): 200 MB.
MAX_SPECTRUM_BYTES = 200_000_000
CU_KALPHA1_M = 1.540598e-10  # Cu Kα1 wavelength (Bearden, Rev. Mod. Phys. 39, 78 (1967))


def _path(path) -> Path:
    p = Path(path)
    if not p.exists():
        raise InputError("file not found", field=str(p))
    if p.is_dir():
        raise InputError("is a directory, expected a file", field=str(p))
    if p.stat().st_size == 0:
        raise InputError("file is empty (0 bytes)", field=str(p))
    return p


def _num(s: str) -> float:
    return float(s.strip().replace(",", "."))


# --------------------------------------------------------------------------------------------
# BioLogic .mpt
# --------------------------------------------------------------------------------------------
def read_mpt_table(path) -> tuple[pd.DataFrame, str]:
    """Read an EC-Lab ``.mpt`` text export → (numeric DataFrame, header text).

    Decimal commas (European locale exports) are converted. A data row with fewer fields than
    the column header (a truncated file) raises InputError naming the line.
    """
    p = _path(path)
    text = p.read_bytes().decode("latin-1")
    lines = text.splitlines()
    if not lines or not lines[0].startswith(("EC-Lab ASCII FILE", "BT-Lab ASCII FILE")):
        raise InputError("not an EC-Lab ASCII export (first line should be 'EC-Lab ASCII FILE')",
                         field=str(p))
    n_header = 1
    m = re.match(r"Nb header lines\s*:\s*(\d+)", lines[1] if len(lines) > 1 else "")
    if m:
        n_header = int(m.group(1))
    if len(lines) < n_header:
        raise InputError(f"header says {n_header} header lines but the file has only "
                         f"{len(lines)} lines (truncated)", field=str(p))
    cols = [c for c in lines[n_header - 1].split("\t")]
    while cols and cols[-1].strip() == "":
        cols.pop()
    rows = []
    for i, line in enumerate(lines[n_header:], start=n_header + 1):
        if not line.strip():
            continue
        parts = line.rstrip("\t").split("\t")
        if len(parts) < len(cols):
            raise InputError(f"line {i} has {len(parts)} fields, the header has {len(cols)} "
                             "(file truncated or corrupt)", field=str(p))
        try:
            rows.append([_num(x) for x in parts[: len(cols)]])
        except ValueError:
            raise InputError(f"line {i}: non-numeric value in {line[:60]!r}", field=str(p)) from None
    if not rows:
        raise InputError("no data rows after the header", field=str(p))
    return pd.DataFrame(rows, columns=cols), "\n".join(lines[: n_header])


def _mpt_kind(header: str, cols) -> str | None:
    h = header.lower()
    cols = set(cols)
    if "impedance spectroscopy" in h or {"freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm"} <= cols:
        return "eis"
    if "cyclic voltammetry" in h or "linear sweep voltammetry" in h:
        return "cv"
    return None


# --------------------------------------------------------------------------------------------
# BioLogic .mpr (galvani)
# --------------------------------------------------------------------------------------------
def _read_mpr(path) -> tuple[pd.DataFrame, int | None]:
    from sianode.iotools.biologic import open_mpr

    p = _path(path)
    mpr, tech = open_mpr(p)
    df = pd.DataFrame(mpr.data)
    if df.empty:
        raise InputError("the .mpr file holds no data points", field=str(p))
    return df, tech


def _mpr_kind(df: pd.DataFrame, tech: int | None) -> str | None:
    cols = set(df.columns)
    if "half cycle" in cols or "Q charge/discharge/mA.h" in cols:
        return None  # cycling file (part A's readers)
    if tech in _EIS_TECHNIQUES or {"freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm"} <= cols:
        return "eis"
    if tech in _CV_TECHNIQUES:
        return "cv"
    return None


# --------------------------------------------------------------------------------------------
# EIS
# --------------------------------------------------------------------------------------------
def _eis_frame(f, Zre, Zim, spectrum, p) -> pd.DataFrame:
    df = pd.DataFrame({"spectrum": np.asarray(spectrum, int), "frequency_Hz": np.asarray(f, float),
                       "z_real_ohm": np.asarray(Zre, float), "z_imag_ohm": np.asarray(Zim, float)})
    bad = ~np.isfinite(df[["frequency_Hz", "z_real_ohm", "z_imag_ohm"]]).all(axis=1)
    if bad.any():
        raise InputError(f"{int(bad.sum())} rows with NaN/inf frequency or impedance "
                         f"(first at row {int(np.argmax(bad.to_numpy()))})", field=str(p))
    if (df.frequency_Hz <= 0).any():
        raise InputError("frequencies must be > 0 Hz", field=str(p))
    if len(df) < 5:
        raise InputError(f"only {len(df)} impedance points; need at least 5", field=str(p))
    return df


def _split_on_frequency_reset(f: np.ndarray) -> np.ndarray:
    """Spectrum index that increases whenever the sweep direction restarts."""
    if f.size < 3:
        return np.zeros(f.size, int)
    d = np.sign(np.diff(np.log(f)))
    main = np.sign(np.sum(d)) or -1.0
    resets = np.r_[False, (d * main < 0) & (np.abs(np.diff(np.log(f))) > 2.0)]
    return np.cumsum(resets)


def read_eis(path) -> pd.DataFrame:
    """Read any supported EIS file into the tidy EIS table (see module docstring)."""
    p = _path(path)
    suf = p.suffix.lower()
    instrument = impedance_py_instrument(p)
    if instrument is not None:
        return _read_with_impedance_py(p, instrument)
    if suf == ".mpt":
        df, header = read_mpt_table(p)
        if _mpt_kind(header, df.columns) != "eis" or "freq/Hz" not in df:
            raise InputError("not an impedance export (no freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm columns)",
                             field=str(p))
        return _eis_from_biologic(df, p)
    if suf == ".mpr":
        df, tech = _read_mpr(p)
        if _mpr_kind(df, tech) != "eis":
            raise InputError("not an impedance (PEIS/GEIS) .mpr file", field=str(p))
        return _eis_from_biologic(df, p)
    if suf == ".dta":
        return _read_gamry_eis(p)
    if suf == ".parquet":
        try:
            df = pd.read_parquet(p)
        except Exception as exc:
            raise InputError(f"cannot read parquet ({type(exc).__name__}: {exc})", field=str(p)) from None
        return _eis_from_named_columns(df, p)
    if suf in (".csv", ".txt"):
        return _read_eis_csv(p)
    raise InputError(f"unsupported EIS file type {suf!r}; supported: .csv, .txt, .mpt, .mpr, .DTA, .z "
                     "(ZPlot), .par (VersaStudio), Autolab, CH Instruments, Parstat and PowerSuite text, "
                     ".parquet", field=str(p))


def impedance_py_instrument(p: Path) -> str | None:
    """Which of impedance.py's instrument parsers reads ``p`` (from its name and first 4 kB), or None."""
    suf = p.suffix.lower()
    with open(p, "rb") as fh:
        head = fh.read(4096).decode("latin-1")
    lines = head.splitlines()
    first = lines[0] if lines else ""
    if suf == ".z" or "ZPlot" in head[:200] or any(ln.startswith("Freq(Hz)") for ln in lines):
        return "zplot"
    if suf == ".par" and "<Segment" in p.read_bytes()[:MAX_SPECTRUM_BYTES].decode("latin-1"):
        return "versastudio"
    if any(ln.startswith("Freq/Hz") for ln in lines):
        return "chinstruments"
    if any("Freq" in ln and "Z'(a)" in ln for ln in lines[:40]):
        return "autolab"
    if "Frequency (Hz)" in first and "Zre (ohms)" in first and "Zim (ohms)" in first:
        return "parstat"
    if re.match(r"^\s*Frequency\s*\t\s*Zre\s*\t\s*Zimg\s*$", first):
        return "powersuite"
    return None


def _read_with_impedance_py(p: Path, instrument: str) -> pd.DataFrame:
    """Read an instrument export with impedance.py's parser (``impedance.preprocessing.readFile``)."""
    from impedance import preprocessing

    if p.stat().st_size > MAX_SPECTRUM_BYTES:
        raise InputError(f"{p.stat().st_size} bytes is more than an impedance export can be "
                         f"({MAX_SPECTRUM_BYTES} read at most)", field=str(p))
    try:
        f, Z = preprocessing.readFile(str(p), instrument=instrument)
    except Exception as e:  # impedance.py's parsers raise whatever a bad line gives
        raise InputError(f"could not read as a {instrument} impedance export with impedance.py "
                         f"({type(e).__name__}: {e}); truncated or not this format", field=str(p)) from None
    f, Z = np.asarray(f, float), np.asarray(Z, complex)
    if f.size == 0:
        raise InputError(f"the {instrument} impedance export holds no data points", field=str(p))
    return _eis_frame(f, Z.real, Z.imag, np.zeros(f.size, int), p)


def _eis_from_biologic(df: pd.DataFrame, p: Path) -> pd.DataFrame:
    for c in ("freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm"):
        if c not in df:
            raise InputError(f"column {c!r} missing", field=str(p))
    f = df["freq/Hz"].to_numpy(float)
    keep = f > 0  # EC-Lab writes f = 0 rows for OCV points inside PEIS loops
    df = df[keep]
    f = f[keep]
    if "cycle number" in df and df["cycle number"].nunique() > 1:
        spec = pd.factorize(df["cycle number"])[0]
    else:
        spec = _split_on_frequency_reset(f)
    return _eis_frame(f, df["Re(Z)/Ohm"], -df["-Im(Z)/Ohm"].to_numpy(float), spec, p)


def _read_gamry_eis(p: Path) -> pd.DataFrame:
    lines = p.read_bytes().decode("latin-1").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("ZCURVE")), None)
    if start is None:
        raise InputError("Gamry .DTA without a ZCURVE table (not an impedance file)", field=str(p))
    if len(lines) < start + 3:
        raise InputError("ZCURVE table header is truncated", field=str(p))
    cols = lines[start + 1].strip().split("\t")
    try:
        jf, jr, ji = cols.index("Freq"), cols.index("Zreal"), cols.index("Zimag")
    except ValueError:
        raise InputError(f"ZCURVE table lacks Freq/Zreal/Zimag columns (has {cols})", field=str(p)) from None
    f, zr, zi = [], [], []
    for i in range(start + 3, len(lines)):
        line = lines[i]
        if not line.startswith("\t") or not line.strip():
            break  # next Gamry block (e.g. EXPERIMENTABORTED)
        parts = line.strip().split("\t")
        if len(parts) < len(cols):
            raise InputError(f"line {i + 1} has {len(parts)} fields, ZCURVE header has {len(cols)} "
                             "(file truncated)", field=str(p))
        try:
            f.append(_num(parts[jf])), zr.append(_num(parts[jr])), zi.append(_num(parts[ji]))
        except ValueError:
            raise InputError(f"line {i + 1}: non-numeric ZCURVE value", field=str(p)) from None
    return _eis_frame(f, zr, zi, np.zeros(len(f), int), p)


def _find_col(cols, *patterns):
    for c in cols:
        lc = str(c).strip().lower()
        if any(re.search(pt, lc) for pt in patterns):
            return c
    return None


def _eis_named_columns(cols):
    fc = _find_col(cols, r"^freq", r"frequenc", r"^f$", r"^f\s*[/(\[]\s*hz")
    rc = _find_col(cols, r"real", r"^re\b", r"^re\(z\)", r"^z'$", r"zreal")
    ic = _find_col(cols, r"imag", r"^im\b", r"^-?im\(z\)", r"^z''$", r"zimag")
    return fc, rc, ic


def _eis_from_named_columns(df: pd.DataFrame, p: Path) -> pd.DataFrame:
    fc, rc, ic = _eis_named_columns(df.columns)
    if None in (fc, rc, ic):
        raise InputError(f"no frequency / real / imaginary impedance columns among {list(df.columns)}",
                         field=str(p))
    sign = -1.0 if str(ic).strip().startswith("-") else 1.0
    idx = _find_col(df.columns, r"^indices?$", r"^spectrum", r"^cycle")
    spec = pd.factorize(df[idx])[0] if idx is not None else _split_on_frequency_reset(
        df[fc].to_numpy(float))
    return _eis_frame(df[fc], df[rc], sign * df[ic].to_numpy(float), spec, p)


def _read_eis_csv(p: Path) -> pd.DataFrame:
    try:
        head = pd.read_csv(p, nrows=5, header=None, sep=None, engine="python")
    except Exception as exc:
        raise InputError(f"cannot parse as CSV ({exc})", field=str(p)) from None
    numeric_first = pd.to_numeric(head.iloc[0], errors="coerce").notna().all()
    if numeric_first:
        try:
            data = np.genfromtxt(p, delimiter=",", invalid_raise=True)
        except ValueError as exc:
            raise InputError(f"inconsistent CSV rows ({exc}); file truncated or corrupt",
                             field=str(p)) from None
        data = np.atleast_2d(data)
        if data.shape[1] < 3:
            raise InputError("impedance CSV needs 3 columns: frequency, Re Z, Im Z", field=str(p))
        if np.isnan(data[:, :3]).any():
            r = int(np.argmax(np.isnan(data[:, :3]).any(axis=1)))
            raise InputError(f"row {r + 1}: missing or non-numeric value (truncated file?)", field=str(p))
        return _eis_frame(data[:, 0], data[:, 1], data[:, 2], np.zeros(len(data), int), p)
    df = pd.read_csv(p, sep=None, engine="python")
    return _eis_from_named_columns(df, p)


def eis_spectra(df: pd.DataFrame) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Split a tidy EIS table into ``[(spectrum, f, Z), …]``."""
    out = []
    for k, g in df.groupby("spectrum", sort=True):
        Z = g.z_real_ohm.to_numpy() + 1j * g.z_imag_ohm.to_numpy()
        out.append((int(k), g.frequency_Hz.to_numpy(), Z))
    return out


# --------------------------------------------------------------------------------------------
# CV
# --------------------------------------------------------------------------------------------
def read_cv(path) -> pd.DataFrame:
    """Read a BioLogic CV/CVA file (.mpt/.mpr) → ``time_s, potential_V, current_A, cycle``."""
    p = _path(path)
    suf = p.suffix.lower()
    if suf == ".mpt":
        df, header = read_mpt_table(p)
        if _mpt_kind(header, df.columns) != "cv":
            raise InputError("not a cyclic voltammetry export", field=str(p))
    elif suf == ".mpr":
        df, tech = _read_mpr(p)
        if _mpr_kind(df, tech) != "cv":
            raise InputError("not a cyclic voltammetry .mpr (technique code "
                             f"{tech}, expected CV/CVA)", field=str(p))
    else:
        raise InputError(f"unsupported CV file type {suf!r}; supported: BioLogic .mpt, .mpr",
                         field=str(p))
    icol = "<I>/mA" if "<I>/mA" in df else ("I/mA" if "I/mA" in df else None)
    for need, c in (("time/s", "time/s"), ("Ewe/V", "Ewe/V"), ("current <I>/mA", icol)):
        if c is None or c not in df:
            raise InputError(f"column {need!r} missing", field=str(p))
    cyc = df["cycle number"].to_numpy(int) if "cycle number" in df else np.ones(len(df), int)
    out = pd.DataFrame({"time_s": df["time/s"].to_numpy(float),
                        "potential_V": df["Ewe/V"].to_numpy(float),
                        "current_A": df[icol].to_numpy(float) * 1e-3, "cycle": cyc})
    if len(out) < 10:
        raise InputError(f"only {len(out)} CV points", field=str(p))
    return out


# --------------------------------------------------------------------------------------------
# XRD
# --------------------------------------------------------------------------------------------
def read_xrd(path) -> pd.DataFrame:
    """Read an XRD scan → ``two_theta_deg, intensity`` (``attrs['wavelength_m']`` if known)."""
    p = _path(path)
    suf = p.suffix.lower()
    wl = None
    if suf == ".xrdml":
        x, y, wl = _read_xrdml(p)
    elif suf in (".xy", ".dat", ".txt"):
        x, y = _read_two_columns(p, sep=None)
    elif suf == ".csv":
        text = p.read_bytes().decode("latin-1")
        if "[Scan points]" in text:
            m = re.search(r"K-Alpha1 wavelength,\s*([0-9.]+)", text)
            wl = float(m.group(1)) * 1e-10 if m else None
            body = text.split("[Scan points]", 1)[1].splitlines()[1:]  # skip 'Angle,Intensity'
            x, y = _parse_pairs(body, p, offset=text[: text.index("[Scan points]")].count("\n") + 3)
        else:
            x, y = _read_two_columns(p, sep=",")
    else:
        raise InputError(f"unsupported XRD file type {suf!r}; supported: .xy, .csv, .xrdml", field=str(p))
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.size < 10:
        raise InputError(f"only {x.size} diffraction points", field=str(p))
    if np.any(np.diff(x) <= 0):
        raise InputError("2θ must increase monotonically", field=str(p))
    if x.min() <= 0 or x.max() >= 180:
        raise InputError(f"2θ range {x.min():.3g}–{x.max():.3g}° outside (0, 180)°", field=str(p))
    df = pd.DataFrame({"two_theta_deg": x, "intensity": y})
    df.attrs["wavelength_m"] = wl
    return df


def _parse_pairs(lines, p: Path, offset: int = 1, sep=None):
    x, y = [], []
    for i, line in enumerate(lines, start=offset):
        s = line.strip()
        if not s or s.startswith(("#", "'", ";")):
            continue
        parts = re.split(r"[,;\s]+", s) if sep is None else s.split(sep)
        try:
            a, b = float(parts[0]), float(parts[1])
        except (ValueError, IndexError):
            if not x:  # a text header line before the data
                continue
            raise InputError(f"line {i}: expected two numbers (2θ, intensity), got {s[:50]!r} "
                             "(file truncated or corrupt)", field=str(p)) from None
        x.append(a), y.append(b)
    if not x:
        raise InputError("no (2θ, intensity) data rows", field=str(p))
    return x, y


def _read_two_columns(p: Path, sep):
    lines = p.read_bytes().decode("latin-1").splitlines()
    return _parse_pairs(lines, p, offset=1, sep=None)


def _read_xrdml(p: Path):
    try:
        root = ET.parse(p).getroot()
    except ET.ParseError as exc:
        raise InputError(f"invalid XML ({exc}); file truncated or corrupt", field=str(p)) from None
    ns = {"x": root.tag.split("}")[0].strip("{")} if root.tag.startswith("{") else {}
    q = (lambda t: f"x:{t}") if ns else (lambda t: t)
    wl_el = root.find(f".//{q('usedWavelength')}/{q('kAlpha1')}", ns)
    wl = float(wl_el.text) * 1e-10 if wl_el is not None else None
    dp = root.find(f".//{q('dataPoints')}", ns)
    if dp is None:
        raise InputError("no <dataPoints> in .xrdml", field=str(p))
    start = end = None
    for pos in dp.findall(q("positions"), ns):
        if pos.get("axis") == "2Theta":
            lst = pos.find(q("listPositions"), ns)
            if lst is not None:
                x_list = np.array(lst.text.split(), float)
                start, end = x_list[0], x_list[-1]
            else:
                start = float(pos.find(q("startPosition"), ns).text)
                end = float(pos.find(q("endPosition"), ns).text)
    inten = dp.find(q("intensities"), ns)
    if inten is None:
        inten = dp.find(q("counts"), ns)
    if inten is None or start is None:
        raise InputError("no 2Theta positions or intensities in .xrdml", field=str(p))
    y = np.array(inten.text.split(), float)
    ct = dp.find(q("commonCountingTime"), ns)
    if inten.tag.endswith("counts") and ct is not None:
        y = y / float(ct.text)
    x = np.linspace(start, end, y.size)
    return x, y, wl


# --------------------------------------------------------------------------------------------
# detection and dispatch
# --------------------------------------------------------------------------------------------
def detect_spectrum_kind(path) -> str | None:
    """'eis', 'cv', 'xrd' or None (not a spectrum file). Raises InputError for missing/empty."""
    p = _path(path)
    suf = p.suffix.lower()
    if suf == ".xrdml" or suf == ".xy":
        return "xrd"
    if suf in (".z", ".par", ".txt", ".csv", ".dat") and impedance_py_instrument(p) is not None:
        return "eis"
    if suf == ".dta":
        head = p.read_bytes()[:200000].decode("latin-1")
        return "eis" if "ZCURVE" in head or "EISPOT" in head or "EISGALV" in head else None
    if suf == ".mpt":
        head = p.read_bytes()[:20000].decode("latin-1")
        if not head.startswith(("EC-Lab ASCII FILE", "BT-Lab ASCII FILE")):
            return None
        lines = head.splitlines()
        m = re.match(r"Nb header lines\s*:\s*(\d+)", lines[1] if len(lines) > 1 else "")
        hdr = "\n".join(lines[: int(m.group(1))] if m else lines[:5])
        cols = lines[int(m.group(1)) - 1].split("\t") if m and len(lines) >= int(m.group(1)) else []
        return _mpt_kind(hdr, cols)
    if suf == ".mpr":
        df, tech = _read_mpr(p)
        return _mpr_kind(df, tech)
    if suf == ".parquet":
        try:
            import pyarrow.parquet as pq

            cols = pq.read_schema(p).names
        except Exception:
            return None  # let part A's readers report on unreadable parquet
        return "eis" if None not in _eis_named_columns(cols) else None
    if suf in (".csv", ".txt"):
        text = p.read_bytes()[:4000].decode("latin-1")
        if "[Scan points]" in text or re.search(r"^\s*(angle|2theta|2-theta|two_theta)", text,
                                                re.I | re.M):
            return "xrd"
        lines = [ln for ln in text.splitlines() if ln.strip()]
        first = lines[0] if lines else ""
        try:
            vals = [float(v) for v in first.split(",")]
        except ValueError:
            cols = [c.strip() for c in first.split(",")]
            return "eis" if len(cols) <= 6 and None not in _eis_named_columns(cols) else None
        if len(vals) == 3 and vals[0] > 0:
            return "eis"
        if len(vals) == 2 and 0 < vals[0] < 180:
            try:  # a diffractogram: many points on a uniform 2θ step
                x = np.genfromtxt(p, delimiter=",", usecols=0)
            except Exception:
                return None
            dx = np.diff(x[np.isfinite(x)])
            if x.size >= 200 and dx.size and np.all(dx > 0) and np.std(dx) < 0.01 * np.mean(dx) \
                    and x.max() < 180:
                return "xrd"
    return None


def analyze_spectrum(path, kind: str | None = None, *, instrument_fwhm_deg: float = 0.0):
    """Detect (unless ``kind`` is given) and analyse an EIS, CV or XRD file.

    Returns ``(kind, sections, tables, headline)`` — ``headline`` a small dict of key numbers
    with units in the names — or None when the file is none of these kinds.
    """
    p = _path(path)
    kind = kind or detect_spectrum_kind(p)
    if kind not in ("eis", "cv", "xrd"):
        if kind is None:
            return None
        raise InputError(f"holds {kind.upper()} data, which sianode does not analyse", field=str(p))
    res = analyze_spectrum_file(p, return_tables=True, instrument_fwhm_deg=instrument_fwhm_deg, kind=kind)
    sections, tables = res
    headline: dict = {}
    if kind == "eis" and "eis_data" in tables:
        d = tables["eis_data"]
        headline = {"spectra": int(d["spectrum"].nunique()), "points": int(len(d)),
                    "f_min_Hz": float(d["frequency_Hz"].min()), "f_max_Hz": float(d["frequency_Hz"].max())}
    elif kind == "cv" and "cv_data" in tables:
        from sianode.analysis import cv

        d = tables["cv_data"]
        headline = {"points": int(len(d)), "cycles": int(d["cycle"].nunique()),
                    "scan_rate_mV_s": 1e3 * float(cv.scan_rate(d))}
    elif kind == "xrd":
        d = next((t for t in tables.values() if "two_theta_deg" in t), None)
        if d is not None:
            headline = {"points": int(len(d)), "two_theta_min_deg": float(d["two_theta_deg"].min()),
                        "two_theta_max_deg": float(d["two_theta_deg"].max())}
    return kind, sections, tables, headline


def analyze_spectrum_file(path, return_tables: bool = False, *, instrument_fwhm_deg: float = 0.0,
                          kind: str | None = None):
    """Detect and analyse an EIS, CV or XRD file.

    Returns ``list[Section]`` (or ``(sections, tables)`` with ``return_tables=True``), or
    ``None`` when the file is none of these kinds. Raises InputError (field = path) when it
    is one of them but empty, truncated or corrupt.
    """
    from sianode.report.html import Section, paragraph

    p = _path(path)
    kind = kind or detect_spectrum_kind(p)
    if kind is None:
        return None
    if kind == "eis":
        sections, tables = _analyze_eis(p)
    elif kind == "cv":
        from sianode.analysis import cv

        data = read_cv(p)
        sections, tables = cv.cv_file_sections(data, title=f"Cyclic voltammetry: {p.name}")
    else:
        from sianode.analysis import xrd

        data = read_xrd(p)
        sections, tables = xrd.xrd_scan_sections(data, title=f"XRD: {p.name}",
                                                 instrument_fwhm_deg=instrument_fwhm_deg)
    if not sections:
        sections = [Section(p.name, paragraph("No analysis result."))]
    return (sections, tables) if return_tables else sections


def analyze_cv_rate_files(paths, *, window_V: tuple[float, float] | None = None,
                          cycle: int | None = None, return_tables: bool = False):
    """b value and capacitive split from CV files recorded at different scan rates.

    The scan rate of each file is its median |dE/dt|; ``cycle`` picks one cycle of each
    (default: the second-to-last, as the last is often incomplete). Returns sections (and
    tables, see :func:`sianode.analysis.cv.cv_rate_sections`).
    """
    from sianode.analysis import cv

    if len(paths) < 2:
        raise InputError("a scan-rate study needs at least two CV files", field="paths")
    sets = {}
    for p in paths:
        d = read_cv(p)
        c = cycle if cycle is not None else (sorted(d.cycle.unique())[-2]
                                             if d.cycle.nunique() > 1 else d.cycle.iloc[0])
        d = d[d.cycle == c]
        if d.empty:
            raise InputError(f"cycle {c} not in file", field=str(p))
        v = round(cv.scan_rate(d), 12)
        if v in sets:
            raise InputError(f"two files share the scan rate {v * 1e3:.3g} mV/s", field=str(p))
        sets[v] = d
    secs, tables = cv.cv_rate_sections(sets, window_V=window_V)
    return (secs, tables) if return_tables else secs


def spectrum_tables(path) -> dict[str, pd.DataFrame]:
    """Tidy result tables of :func:`analyze_spectrum_file` (``{}`` for non-spectrum files)."""
    res = analyze_spectrum_file(path, return_tables=True)
    return {} if res is None else res[1]


def decimate_log(f: np.ndarray, Z: np.ndarray, n: int = 150) -> tuple[np.ndarray, np.ndarray]:
    """At most ``n`` points, evenly spaced in log f (nearest measured points, sorted high→low)."""
    if f.size <= n:
        return f, Z
    lf = np.log10(f)
    targets = np.linspace(lf.max(), lf.min(), n)
    order = np.argsort(lf)
    pos = np.clip(np.searchsorted(lf[order], targets), 1, f.size - 1)
    left, right = order[pos - 1], order[pos]
    pick = np.where(np.abs(lf[left] - targets) <= np.abs(lf[right] - targets), left, right)
    idx = np.unique(pick)[::-1]
    idx = idx[np.argsort(-f[idx], kind="stable")]
    return f[idx], Z[idx]


def _analyze_eis(p: Path, max_series_fits: int = 200, max_points: int = 200):
    from sianode.analysis import eis
    from sianode.report.html import Section, paragraph

    df = read_eis(p)
    spectra = eis_spectra(df)
    tables = {"eis_data": df}
    if any(len(s[1]) > max_points for s in spectra):
        # very dense spectra (e.g. GITT transformed to impedance) are fitted on a log-uniform
        # subset to keep the report fast; the full data stay in the eis_data table
        spectra = [(k, *decimate_log(f, Z, 150)) for k, f, Z in spectra]
    if len(spectra) == 1:
        _, f, Z = spectra[0]
        secs, t = eis.eis_sections(f, Z, title=f"EIS: {p.name}")
        tables.update(t)
        return secs, tables
    # series: full analysis of the first spectrum, circuit tracking over all
    _, f0, Z0 = spectra[0]
    secs, t = eis.eis_sections(f0, Z0, title=f"EIS series: {p.name} (spectrum {spectra[0][0]})")
    tables.update(t)
    use = spectra[:max_series_fits]
    try:
        series = eis.fit_series([s[1] for s in use], [s[2] for s in use],
                                labels=[s[0] for s in use])
        tables["eis_series_fit"] = series
        secs += eis.series_sections(series, title=f"EIS series fit: {p.name} ({len(use)} spectra)")
    except SolverError as exc:
        secs.append(Section("EIS series fit", paragraph(f"Series fit failed: {exc}")))
    return secs, tables
