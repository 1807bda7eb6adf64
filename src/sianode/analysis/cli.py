"""``sianode analyze PATH... [-o DIR]``: detect files, run what applies, write reports.

Cycler files (Neware, BioLogic, Arbin, Maccor, CSV, Excel exports) get cycling metrics
(:func:`sianode.analysis.cycling.analyze_cycling`), dQ/dV with Li–Si peak assignment and,
when the test holds GITT pulses, the GITT analysis. Impedance, voltammetry and XRD files go
to :func:`sianode.analysis.spectra.analyze_spectrum_file`. Numbered parts of one test
(``name_01.res``, ``name_02.res``) are merged in order.

Outputs, one folder per analysed test: ``sianode-output/<file stem>/`` by default (``-o DIR``
for one test; with several tests ``DIR/<file stem>/``). Two inputs with the same stem get
``<stem>``, ``<stem>_2``... Each folder holds ``report.html``, the tidy tables
(``<stem>_cycles.csv`` ...) and ``summary.json`` (strict JSON: NaN written as null). A test
that fails writes nothing. The terminal shows a headline table with units for every analysed
file, the flags and reader warnings, and where the outputs went; exit code 2 if any file
could not be analysed (the message names the file and the problem).
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Annotated, Iterable, Optional

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sianode.clitools import DEFAULT_OUT_ROOT, ensure_out_dir
from sianode.errors import InputError, SolverError
from sianode.report.html import Section, kv_table, paragraph, render

console = Console(stderr=True)
out_console = Console()

DEFAULT_ROOT = DEFAULT_OUT_ROOT


def _parse_mapping(text: str | None, name: str) -> dict[str, str] | None:
    if not text:
        return None
    out = {}
    for part in text.split(","):
        if "=" not in part:
            raise InputError(f"expected 'name=value' pairs separated by commas, got {part!r}", field=name)
        k, v = part.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _safe_name(p: Path) -> str:
    # dots replaced too: output names are built by appending "_<table>.<ext>", never with_suffix
    return re.sub(r"[^A-Za-z0-9_-]+", "_", p.stem)[:80] or "data"


def unique_names(groups: list[list[Path]]) -> list[str]:
    """One output name per test: the first file's stem, ``_2``, ``_3``... for repeated stems."""
    seen: dict[str, int] = {}
    names = []
    for g in groups:
        base = _safe_name(g[0])
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base}_{seen[base]}")
    return names


def writable_dir(path: Path, option: str = "-o") -> Path:
    """Create ``path`` (a folder) and check that files can be written in it; InputError if not."""
    return ensure_out_dir(path, option)


def strict_json(obj):
    """``obj`` with NaN/inf → None and numpy/pandas scalars → Python (for ``json.dumps(allow_nan=False)``)."""
    if isinstance(obj, dict):
        return {str(k): strict_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [strict_json(v) for v in obj]
    if isinstance(obj, (np.generic,)):
        obj = obj.item()
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, (str, int, bool)) or obj is None:
        return obj
    if isinstance(obj, Path):
        return str(obj)
    return str(obj)


def write_json(path: Path, obj) -> Path:
    path.write_text(json.dumps(strict_json(obj), indent=2, allow_nan=False), encoding="utf-8")
    return path


def _gitt_sections(df, *, active_mass_g, area_cm2, molar_volume_m3_mol, particle_radius_m,
                   molar_mass_g_mol=None):
    """Run the GITT analysis on the tidy table.

    If the geometry given is incomplete for a diffusion length, the analysis is repeated
    without geometry (D/L² only) and the reason is shown in the report.
    """
    from sianode.analysis.gitt import gitt_from_cycling

    kw = dict(molar_volume_m3_mol=molar_volume_m3_mol,
              electrode_area_m2=None if area_cm2 is None else area_cm2 * 1e-4,
              particle_radius_m=particle_radius_m, active_mass_g=active_mass_g)
    if molar_mass_g_mol is not None:
        kw["molar_mass_g_mol"] = molar_mass_g_mol
    try:
        return gitt_from_cycling(df, **kw)
    except InputError as first:
        try:
            table, secs = gitt_from_cycling(df)
        except (InputError, SolverError) as e:
            return None, [Section("GITT", paragraph(f"GITT analysis not run: {e}"))]
        note = Section("GITT geometry", paragraph(f"Diffusion length not available ({first}); "
                                                  "results without geometry."))
        return table, list(secs) + [note]
    except SolverError as e:
        return None, [Section("GITT", paragraph(f"GITT analysis not run: {e}"))]


def _input_files(df: pd.DataFrame) -> list[Path]:
    """The files a tidy table was read from (never to be overwritten by outputs)."""
    files = list(df.attrs.get("source_files", []) or [])
    if df.attrs.get("source"):
        files.append(df.attrs["source"])
    return [Path(f) for f in files]


def analyze_cycling_test(df: pd.DataFrame, name: str, *, active_mass_g=None, electrode_area_cm2=None,
                         reference_cycle="first", sigma_V=None, cell_type=None,
                         molar_volume_m3_mol=None, particle_radius_m=None,
                         molar_mass_g_mol=None) -> tuple[list[Section], dict, dict]:
    """Metrics, dQ/dV, GITT and report sections for one tidy test: ``(sections, tables, summary)``.

    Nothing is written here (a failure leaves no files behind).
    """
    from sianode.analysis.cycling import analyze_cycling
    from sianode.analysis.dqdv import crystallisation_by_cycle, dqdv_cycles, track_peaks
    from sianode.analysis.report import choose_cycles, cycling_sections

    res = analyze_cycling(df, active_mass_g=active_mass_g, electrode_area_cm2=electrode_area_cm2,
                          reference_cycle=reference_cycle, cell_type=cell_type)
    cycles = res.cycles
    half = res.cell_type == "anode half cell"
    mass = cycles.attrs.get("active_mass_g")
    curves = dqdv_cycles(df, sigma_V=sigma_V, active_mass_g=mass, half_cell=half,
                         keep_cycles=choose_cycles(cycles))
    peaks = track_peaks(curves)
    crystal = crystallisation_by_cycle(peaks) if half else pd.DataFrame()
    extra = []
    tables = {"timeseries": df, "cycles": cycles, "steps": res.steps, "dqdv": curves, "dqdv_peaks": peaks}
    if len(res.rate):
        tables["rate"] = res.rate
    if len(crystal):
        tables["li15si4"] = crystal
    if res.gitt["is_gitt"]:
        gt, gsec = _gitt_sections(df, active_mass_g=mass, area_cm2=electrode_area_cm2,
                                  molar_volume_m3_mol=molar_volume_m3_mol, particle_radius_m=particle_radius_m,
                                  molar_mass_g_mol=molar_mass_g_mol)
        extra += list(gsec or [])
        if gt is not None and len(gt):
            tables["gitt"] = gt
    sections = cycling_sections(name, df, res, curves, peaks, crystal, extra)
    summary = {
        "kind": "cycling",
        "files": [str(f) for f in df.attrs.get("source_files", [])],
        "format": df.attrs.get("format"), "reader": df.attrs.get("reader"),
        "rows": int(len(df)), "dropped_rows": int(df.attrs.get("dropped_rows", 0) or 0),
        "cell_type": res.cell_type, "convention": res.convention,
        "active_mass_mg": None if not mass else 1000.0 * mass,
        "metrics": res.metrics,
        "flags": res.flags,
        "cycle_flags": res.cycle_flags().to_dict(orient="records"),
        "warnings": res.warnings,
        "dqdv": {"sigma_V": curves.attrs.get("sigma_V"), "cycles_sampled": curves.attrs.get("cycles_sampled"),
                 "n_cycles_total": curves.attrs.get("n_cycles_total")},
    }
    return sections, tables, summary


def write_tables(tables: dict[str, pd.DataFrame], name: str, out_dir: Path,
                 protect: Iterable[Path] = ()) -> list[Path]:
    """Write tidy tables: big ones (time series, curves) as Parquet, the rest as CSV and Parquet.

    Files are named ``<name>_<table>.csv|.parquet``; a path in ``protect`` (the input files) is never
    overwritten: that is an InputError naming the file.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    protected = {Path(p).resolve() for p in protect}
    written = []

    def _target(key: str, ext: str) -> Path:
        path = out_dir / f"{name}_{key}{ext}"
        if path.resolve() in protected:
            raise InputError(f"writing the '{key}' table would overwrite the input file; choose another -o DIR",
                             field=str(path))
        return path

    for key, t in tables.items():
        if t is None or len(t) == 0:
            continue
        t = t.copy()
        t.attrs = {}
        csv, parquet = _target(key, ".csv"), _target(key, ".parquet")
        if len(t) <= 200_000 and key not in ("timeseries", "dqdv"):
            t.to_csv(csv, index=False)
            written.append(csv)
        try:
            t.to_parquet(parquet, index=False)
            written.append(parquet)
        except Exception:  # parquet is optional for odd dtypes; CSV is the fallback
            if csv not in written:
                t.to_csv(csv, index=False)
                written.append(csv)
    return written


def _write_outputs(dest: Path, name: str, title: str, sections, tables, summary, protect) -> dict:
    """Write one test's folder: tables, report.html, summary.json. Returns the output listing."""
    written = write_tables(tables, name, dest, protect=protect)
    report = render(f"sianode analysis: {title}", sections, dest / "report.html")
    outputs = {"folder": str(dest), "report": str(report), "tables": [str(p) for p in written],
               "summary": str(dest / "summary.json")}
    summary = dict(summary, name=name, outputs=outputs)
    write_json(dest / "summary.json", summary)
    return summary


def _check_options(fmt, columns, units, reference_cycle, active_mass_mg, cell_type):
    from sianode.analysis.cycling import MIN_ACTIVE_MASS_G, _cell_type
    from sianode.iotools import FORMATS

    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)} (or leave --format out "
                         "to detect it)", field="--format")
    if (columns or units) and fmt not in (None, "csv"):
        raise InputError("--columns/--units apply to generic CSV files (--format csv); they do not change "
                         f"how a {fmt} file is read", field="--columns")
    try:
        ref = reference_cycle if reference_cycle in ("first", "max") else int(reference_cycle)
    except (TypeError, ValueError):
        raise InputError(f"reference cycle {reference_cycle!r} not understood; give a cycle number, "
                         "'first' or 'max'", field="--reference-cycle") from None
    mass_g = None if active_mass_mg is None else active_mass_mg / 1000.0
    if mass_g is not None and not (mass_g >= MIN_ACTIVE_MASS_G):
        raise InputError(f"active mass must be at least 0.001 mg (1 µg), got {active_mass_mg} mg",
                         field="--mass-mg")
    _cell_type(cell_type)
    return ref, mass_g


def run_analysis(paths: list[Path], out_dir: Path | None = None, *, active_mass_mg: float | None = None,
                 electrode_area_cm2: float | None = None, reference_cycle: str = "first",
                 fmt: str | None = None, columns: dict | None = None, units: dict | None = None,
                 merge_parts: bool = True, sigma_mV: float | None = None, cell_type: str | None = None,
                 molar_volume_m3_mol: float | None = None, particle_radius_um: float | None = None,
                 molar_mass_g_mol: float | None = None, show_progress: bool = True) -> dict:
    """Analyse files; write one folder per test (see module docstring).

    Returns ``{"tests": {name: summary}, "failed": {path: message}, "report": last report path}``.
    Per-file input errors do not stop the others; options and the output folder are checked
    before any file is read (InputError).
    """
    from sianode.iotools import detect_format, group_parts, read
    from sianode.iotools.biologic import NotCyclingData
    from sianode.iotools.merge import merge_tests

    if not paths:
        raise InputError("give at least one data file", field="paths")
    paths = [Path(p) for p in paths]
    ref, mass_g = _check_options(fmt, columns, units, reference_cycle, active_mass_mg, cell_type)
    groups = group_parts(paths) if merge_parts else [[p] for p in paths]
    names = unique_names(groups)
    root = writable_dir(Path(out_dir) if out_dir is not None else DEFAULT_ROOT)
    single = out_dir is not None and len(groups) == 1
    failed: dict[str, str] = {}
    tests: dict[str, dict] = {}
    last_report = None
    read_kw = {k: v for k, v in (("columns", columns), ("units", units)) if v}
    progress = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                        TimeElapsedColumn(), console=console, disable=not show_progress, transient=True)
    with progress:
        task = progress.add_task("analysing", total=sum(len(g) for g in groups) + len(groups))
        for group, name in zip(groups, names):
            dest = root if single else root / name
            frames = []
            for p in group:
                progress.update(task, description=f"reading {p.name}")
                try:
                    spec_kind = None if fmt else _spectrum_kind(p)
                    if spec_kind is None:
                        if read_kw and (fmt or detect_format(p)) != "csv":
                            raise InputError(f"--columns/--units apply to generic CSV files; this file is read "
                                             f"as {detect_format(p)} by its own reader (drop the option, or force "
                                             "--format csv)", field=str(p))
                        frames.append(read(p, fmt=fmt, **read_kw))
                    else:
                        raise NotCyclingData(f"holds {spec_kind.upper()} data", field=str(p), kind=spec_kind)
                except InputError as e:
                    spec = _try_spectrum(p, e, isinstance(e, NotCyclingData))
                    if spec is None:
                        failed[str(p)] = str(e)
                    elif isinstance(spec, str):
                        failed[str(p)] = spec
                    else:
                        secs, tabs, summ = spec
                        sname = name if len(group) == 1 else _safe_name(p)
                        sdest = dest if len(group) == 1 else root / sname
                        try:
                            tests[sname] = _write_outputs(sdest, sname, p.name, secs, tabs, summ, protect=paths)
                            last_report = tests[sname]["outputs"]["report"]
                        except OSError as err:
                            failed[str(p)] = f"{p}: could not write outputs to {sdest} ({err})"
                progress.advance(task)
            if frames:
                progress.update(task, description=f"analysing {name}")
                try:
                    df = merge_tests(frames)
                    secs, tabs, summ = analyze_cycling_test(
                        df, name, active_mass_g=mass_g, electrode_area_cm2=electrode_area_cm2,
                        reference_cycle=ref, sigma_V=None if sigma_mV is None else sigma_mV / 1000.0,
                        cell_type=cell_type, molar_volume_m3_mol=molar_volume_m3_mol,
                        particle_radius_m=None if particle_radius_um is None else particle_radius_um * 1e-6,
                        molar_mass_g_mol=molar_mass_g_mol)
                    title = ", ".join(p.name for p in group)
                    tests[name] = _write_outputs(dest, name, title, secs, tabs, summ, protect=_input_files(df))
                    tests[name]["files"] = [str(p) for p in group]
                    last_report = tests[name]["outputs"]["report"]
                except InputError as e:
                    for p in group:
                        failed.setdefault(str(p), str(e) if str(p) in str(e) else f"{p}: {e}")
                except OSError as e:
                    for p in group:
                        failed.setdefault(str(p), f"{p}: could not write outputs to {dest} ({e})")
            progress.advance(task)
    return {"tests": tests, "failed": failed, "report": None if last_report is None else Path(last_report)}


def _spectrum_kind(p: Path) -> str | None:
    """'eis', 'cv', 'xrd' if the spectra readers recognise ``p`` from its first bytes, else None."""
    from sianode.analysis.spectra import detect_spectrum_kind

    if p.suffix.lower() == ".mpr":  # the cycler reader opens it once and says if it is EIS/CV
        return None
    try:
        return detect_spectrum_kind(p)
    except InputError:
        return None  # missing/empty files: the cycler readers give the message


def _try_spectrum(p: Path, err: InputError, is_spectral: bool):
    """Hand a file the cycler readers rejected to the spectra analysis.

    Returns ``(sections, tables, summary)``, an error message (spectral file that failed), or
    None (not a spectrum either; the cycler error stands).
    """
    from sianode.analysis.spectra import analyze_spectrum

    try:
        res = analyze_spectrum(p, kind=getattr(err, "kind", None) if is_spectral else None)
    except (InputError, SolverError) as e:
        return str(e) if str(p) in str(e) else f"{p}: {e}"
    except Exception as e:  # never let one file kill the run
        return f"{p}: spectrum analysis failed ({type(e).__name__}: {e})"
    if res is None:
        return None
    kind, secs, tabs, headline = res
    summary = {"kind": kind, "files": [str(p)], "tables_found": sorted(tabs), "metrics": headline}
    return secs, tabs, summary


# ------------------------------------------------------------------ terminal output
_HEADLINE = [  # (metric key, label, unit, format)
    ("n_cycles", "cycles in file", "", "{:d}"),
    ("n_included_cycles", "cycles used for the headline", "", "{:d}"),
    ("ICE_percent", "initial coulombic efficiency", "%", "{:.2f}"),
    ("first_reversible_capacity_mAh", "first reversible capacity", "mAh", "{:.4g}"),
    ("first_reversible_capacity_mAh_g", "first reversible capacity", "mAh/g", "{:.4g}"),
    ("last_retention_percent", "retention at last used cycle", "%", "{:.1f}"),
    ("mean_CE_after_first_percent", "mean CE after first cycle", "%", "{:.2f}"),
    ("mean_EE_percent", "mean energy efficiency", "%", "{:.1f}"),
]


def headline_table(name: str, summary: dict) -> Table:
    """Rich table of one test's key results with units."""
    t = Table(title=f"{name}  ({summary.get('kind')}"
              + (f", {summary.get('format')}" if summary.get("format") else "") + ")",
              title_justify="left", show_header=True)
    t.add_column("quantity")
    t.add_column("value", justify="right")
    t.add_column("unit")
    m = summary.get("metrics") or {}
    if summary.get("kind") == "cycling":
        t.add_row("cell type", str(summary.get("cell_type")), "")
        if summary.get("active_mass_mg"):
            t.add_row("active mass", f"{summary['active_mass_mg']:.4g}", "mg")
        for key, label, unit, fmt in _HEADLINE:
            v = m.get(key)
            if v is None:
                continue
            if key == "last_retention_percent":
                label += f" (cycle {m.get('last_cycle')} vs {m.get('reference_cycle')})"
            t.add_row(label, fmt.format(int(v) if fmt == "{:d}" else float(v)), unit)
    else:
        for k, v in m.items():
            label, unit = k, ""
            for suffix, u in (("_Hz", "Hz"), ("_mV_s", "mV/s"), ("_deg", "°")):
                if k.endswith(suffix):
                    label, unit = k[: -len(suffix)], u
            t.add_row(label.replace("_", " "), f"{v:.4g}" if isinstance(v, float) else str(v), unit)
        t.add_row("tables", ", ".join(summary.get("tables_found", [])), "")
    return t


def print_results(res: dict) -> None:
    """Headline table, flags and warnings of every analysed test, then where the outputs went."""
    for name, s in res["tests"].items():
        out_console.print(headline_table(name, s))
        if s.get("convention"):
            out_console.print(f"[dim]convention: {s['convention']}[/dim]", highlight=False, soft_wrap=True)
        for f in s.get("flags", []):
            out_console.print(f"[yellow]flag:[/yellow] {f['quantity']}: {f['reason']}", highlight=False,
                              soft_wrap=True)
        for w in s.get("warnings", []):
            out_console.print(f"[yellow]reader warning:[/yellow] {w}", highlight=False, soft_wrap=True)
        out_console.print(f"outputs: {s['outputs']['folder']} (report.html, summary.json, "
                          f"{len(s['outputs']['tables'])} tables)", highlight=False, soft_wrap=True)
    for p, msg in res["failed"].items():
        console.print(f"[red]Not analysed:[/red] {msg}", highlight=False, soft_wrap=True)


def analyze(
    paths: Annotated[list[Path], typer.Argument(help="Data files: cycler files (.ndax .nda .mpr .mpt .res, "
                                                "Maccor, Arbin/Neware CSV and Excel exports, CSV), EIS/CV/XRD "
                                                "files. Parts name_01, name_02 of one test are merged in order.")],
    out_dir: Annotated[Optional[Path], typer.Option("--out", "-o", help="Output folder (default: "
                                                    "sianode-output/<file stem>/; with several tests, one "
                                                    "sub-folder per test).")] = None,
    active_mass_mg: Annotated[Optional[float], typer.Option("--mass-mg", help="Active-material mass, mg "
                                                            "(default: from the file, if recorded).")] = None,
    electrode_area_cm2: Annotated[Optional[float], typer.Option("--area-cm2", help="Electrode area, cm2 "
                                                                "(areal capacity, GITT).")] = None,
    reference_cycle: Annotated[str, typer.Option("--reference-cycle", help="Cycle for retention: a number, "
                                                 "'first' (complete cycle) or 'max'.")] = "first",
    cell_type: Annotated[str, typer.Option("--cell-type", help="Efficiency convention: 'anode-half' "
                                           "(CE = delithiation/lithiation), 'full' (CE = discharge/charge) or "
                                           "'auto' (from the voltage).")] = "auto",
    fmt: Annotated[Optional[str], typer.Option("--format", help="Force a reader: neware-nda, neware-csv, "
                                               "biologic-mpr, biologic-mpt, arbin-res, arbin-csv, maccor-txt, "
                                               "excel, bdf, tidy, csv.")] = None,
    columns: Annotated[Optional[str], typer.Option("--columns", help="CSV column mapping, e.g. "
                                                   "'time_s=Time,current_A=I,voltage_V=E'.")] = None,
    units: Annotated[Optional[str], typer.Option("--units", help="CSV units, e.g. 'time_s=h,current_A=mA'.")]
    = None,
    merge_parts: Annotated[bool, typer.Option("--merge-parts/--no-merge-parts", help="Merge numbered parts "
                                              "of one test.")] = True,
    sigma_mV: Annotated[Optional[float], typer.Option("--dqdv-sigma-mv", help="dQ/dV smoothing width, mV "
                                                      "(default: automatic, >= 5 mV).")] = None,
    molar_volume_m3_mol: Annotated[Optional[float], typer.Option("--molar-volume", help="Molar volume of the "
                                                                 "active material, m3/mol (GITT).")] = None,
    particle_radius_um: Annotated[Optional[float], typer.Option("--particle-radius-um", help="Particle "
                                                                "radius, um (GITT).")] = None,
    molar_mass_g_mol: Annotated[Optional[float], typer.Option("--molar-mass", help="Molar mass of the "
                                                              "active material, g/mol (GITT, planar).")] = None,
) -> None:
    """Analyse measured files: a headline table per file, then an HTML report, tidy tables and summary.json."""
    try:
        res = run_analysis(paths, out_dir, active_mass_mg=active_mass_mg, electrode_area_cm2=electrode_area_cm2,
                           reference_cycle=reference_cycle, fmt=fmt, columns=_parse_mapping(columns, "--columns"),
                           units=_parse_mapping(units, "--units"), merge_parts=merge_parts, sigma_mV=sigma_mV,
                           cell_type=cell_type, molar_volume_m3_mol=molar_volume_m3_mol,
                           particle_radius_um=particle_radius_um, molar_mass_g_mol=molar_mass_g_mol)
    except InputError as e:
        console.print(f"[red]Input error:[/red] {e}", soft_wrap=True, highlight=False)
        raise typer.Exit(2)
    except SolverError as e:
        console.print(f"[red]Solver error:[/red] {e}", highlight=False)
        raise typer.Exit(1)
    print_results(res)
    if res["failed"]:
        raise typer.Exit(2)
