"""``sianode analyze PATH... [-o DIR]``: detect files, run what applies, write a report.

Cycler files (Neware, BioLogic, Arbin, Maccor, CSV) get cycling metrics, dQ/dV with Li–Si
peak assignment and, when the test holds GITT pulses, the GITT analysis. Impedance,
voltammetry and XRD files go to :func:`sianode.analysis.spectra.analyze_spectrum_file`.
Numbered parts of one test (``name_01.res``, ``name_02.res``) are merged in order.
Output in DIR: ``report.html`` and tidy tables (CSV per cycle/step/peak, Parquet for the
time series and dQ/dV curves).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Iterable, Optional

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from sianode.errors import InputError, SolverError
from sianode.report.html import Section, kv_table, paragraph, render

console = Console(stderr=True)


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


def _gitt_sections(df, *, active_mass_g, area_cm2, molar_volume_m3_mol, particle_radius_m,
                   molar_mass_g_mol=None):
    """Call part B's GITT analysis on the tidy table if it is available.

    If the geometry given is incomplete for a diffusion length, the analysis is repeated
    without geometry (D/L² only) and the reason is shown in the report.
    """
    try:
        from sianode.analysis.gitt import gitt_from_cycling
    except (ImportError, AttributeError):
        return None, [Section("GITT", paragraph("GITT pulses found, but the GITT module is not available."))]
    import inspect
    kw = dict(molar_volume_m3_mol=molar_volume_m3_mol,
              electrode_area_m2=None if area_cm2 is None else area_cm2 * 1e-4,
              particle_radius_m=particle_radius_m, active_mass_g=active_mass_g)
    if molar_mass_g_mol is not None and "molar_mass_g_mol" in inspect.signature(gitt_from_cycling).parameters:
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


def analyze_cycling_test(df: pd.DataFrame, name: str, out_dir: Path, *, active_mass_g=None,
                         electrode_area_cm2=None, reference_cycle="first", sigma_V=None,
                         molar_volume_m3_mol=None, particle_radius_m=None,
                         molar_mass_g_mol=None) -> tuple[list[Section], dict]:
    """Metrics, dQ/dV, GITT and report sections for one tidy test; writes its tables."""
    from sianode.analysis.cycling import analyze_cycling
    from sianode.analysis.dqdv import crystallisation_by_cycle, dqdv_cycles, track_peaks
    from sianode.analysis.report import cycling_sections

    mass = active_mass_g if active_mass_g is not None else df.attrs.get("active_mass_g")
    res = analyze_cycling(df, active_mass_g=mass, electrode_area_cm2=electrode_area_cm2,
                          reference_cycle=reference_cycle)
    half = res["cycles"].attrs.get("half_cell", False)
    curves = dqdv_cycles(df, sigma_V=sigma_V, active_mass_g=mass, half_cell=half)
    peaks = track_peaks(curves)
    crystal = crystallisation_by_cycle(peaks) if half else pd.DataFrame()
    extra = []
    tables = {"timeseries": df, "cycles": res["cycles"], "steps": res["steps"], "dqdv": curves,
              "dqdv_peaks": peaks}
    if len(res["rate"]):
        tables["rate"] = res["rate"]
    if len(crystal):
        tables["li15si4"] = crystal
    if res["gitt"]["is_gitt"]:
        gt, gsec = _gitt_sections(df, active_mass_g=mass, area_cm2=electrode_area_cm2,
                                  molar_volume_m3_mol=molar_volume_m3_mol, particle_radius_m=particle_radius_m,
                                  molar_mass_g_mol=molar_mass_g_mol)
        extra += list(gsec or [])
        if gt is not None and len(gt):
            tables["gitt"] = gt
    sections = cycling_sections(name, df, res, curves, peaks, crystal, extra)
    write_tables(tables, name, out_dir, protect=_input_files(df))
    return sections, tables


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


def run_analysis(paths: list[Path], out_dir: Path, *, active_mass_mg: float | None = None,
                 electrode_area_cm2: float | None = None, reference_cycle: str = "first",
                 fmt: str | None = None, columns: dict | None = None, units: dict | None = None,
                 merge_parts: bool = True, sigma_mV: float | None = None,
                 molar_volume_m3_mol: float | None = None, particle_radius_um: float | None = None,
                 molar_mass_g_mol: float | None = None, show_progress: bool = True) -> dict:
    """Analyse files and write ``out_dir/report.html``; returns ``{"report", "tests", "failed"}``.

    Per-file input errors do not stop the others: they are listed in the report and in
    ``failed`` (path -> message).
    """
    from sianode.iotools import group_parts, read
    from sianode.iotools.biologic import NotCyclingData
    from sianode.iotools.merge import merge_tests

    if not paths:
        raise InputError("give at least one data file", field="paths")
    out_dir = Path(out_dir)
    try:
        ref = reference_cycle if reference_cycle in ("first", "max") else int(reference_cycle)
    except (TypeError, ValueError):
        raise InputError(f"reference cycle {reference_cycle!r} not understood; give a cycle number, "
                         "'first' or 'max'", field="--reference-cycle") from None
    mass_g = None if active_mass_mg is None else active_mass_mg / 1000.0
    if mass_g is not None and mass_g <= 0:
        raise InputError(f"active mass must be > 0 mg, got {active_mass_mg}", field="--mass-mg")
    groups = group_parts(paths) if merge_parts else [[Path(p)] for p in paths]
    sections: list[Section] = []
    failed: dict[str, str] = {}
    tests = {}
    read_kw = {k: v for k, v in (("columns", columns), ("units", units)) if v}
    progress = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                        TimeElapsedColumn(), console=console, disable=not show_progress, transient=True)
    with progress:
        task = progress.add_task("analysing", total=sum(len(g) for g in groups) + len(groups))
        for group in groups:
            name = _safe_name(group[0])
            frames = []
            for p in group:
                progress.update(task, description=f"reading {p.name}")
                try:
                    frames.append(read(p, fmt=fmt, **read_kw))
                except InputError as e:
                    spec = _try_spectrum(p, e, isinstance(e, NotCyclingData))
                    if spec is None:
                        failed[str(p)] = str(e)
                    elif isinstance(spec, str):
                        failed[str(p)] = spec
                    else:
                        secs, tabs = spec
                        sections += secs
                        write_tables(tabs, _safe_name(p), out_dir, protect=paths)
                        tests[str(p)] = {"kind": "spectrum", "tables": list(tabs)}
                progress.advance(task)
            if frames:
                progress.update(task, description=f"analysing {name}")
                try:
                    df = merge_tests(frames)
                    secs, tabs = analyze_cycling_test(
                        df, name, out_dir, active_mass_g=mass_g, electrode_area_cm2=electrode_area_cm2,
                        reference_cycle=ref, sigma_V=None if sigma_mV is None else sigma_mV / 1000.0,
                        molar_volume_m3_mol=molar_volume_m3_mol,
                        particle_radius_m=None if particle_radius_um is None else particle_radius_um * 1e-6,
                        molar_mass_g_mol=molar_mass_g_mol)
                    sections += secs
                    tests[name] = {"kind": "cycling", "files": [str(p) for p in group], "tables": tabs}
                except InputError as e:
                    for p in group:
                        failed.setdefault(str(p), str(e))
            progress.advance(task)
    if failed:
        sections.append(Section("Files not analysed", kv_table(failed)))
    intro = paragraph(f"{len(tests)} test(s) analysed from {len(paths)} file(s).")
    report = render("sianode analysis", sections, out_dir / "report.html", intro=intro)
    return {"report": report, "tests": tests, "failed": failed}


def _try_spectrum(p: Path, err: InputError, is_spectral: bool):
    """Hand a file the cycler readers rejected to part B's spectra analysis.

    Returns ``(sections, tables)``, an error message (spectral file that failed), or None
    (not a spectrum either; the cycler error stands).
    """
    try:
        from sianode.analysis.spectra import analyze_spectrum_file
    except (ImportError, AttributeError):
        return "impedance/CV/XRD analysis is not available in this installation" if is_spectral else None
    try:
        res = analyze_spectrum_file(p, return_tables=True)
    except (InputError, SolverError) as e:
        return str(e)
    except Exception as e:  # never let one file kill the run
        return f"{p}: spectrum analysis failed ({type(e).__name__}: {e})"
    if res is None:
        return None
    return res


def analyze(
    paths: Annotated[list[Path], typer.Argument(help="Data files: cycler files (.ndax .nda .mpr .mpt .res "
                                                "Maccor .txt, CSV), EIS/CV/XRD files. Parts name_01, name_02 "
                                                "of one test are merged in order.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Output folder for report.html and tables.")]
    = Path("sianode-analysis"),
    active_mass_mg: Annotated[Optional[float], typer.Option("--mass-mg", help="Active-material mass, mg "
                                                            "(default: from the file, if recorded).")] = None,
    electrode_area_cm2: Annotated[Optional[float], typer.Option("--area-cm2", help="Electrode area, cm2 "
                                                                "(areal capacity, GITT).")] = None,
    reference_cycle: Annotated[str, typer.Option("--reference-cycle", help="Cycle for retention: a number, "
                                                 "'first' (complete cycle) or 'max'.")] = "first",
    fmt: Annotated[Optional[str], typer.Option("--format", help="Force a reader: neware-nda, neware-csv, "
                                               "biologic-mpr, biologic-mpt, arbin-res, maccor-txt, bdf, tidy, csv.")]
    = None,
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
    """Analyse measured files and write an HTML report plus tidy CSV/Parquet tables."""
    try:
        res = run_analysis(paths, out_dir, active_mass_mg=active_mass_mg, electrode_area_cm2=electrode_area_cm2,
                           reference_cycle=reference_cycle, fmt=fmt, columns=_parse_mapping(columns, "--columns"),
                           units=_parse_mapping(units, "--units"), merge_parts=merge_parts, sigma_mV=sigma_mV,
                           molar_volume_m3_mol=molar_volume_m3_mol, particle_radius_um=particle_radius_um,
                           molar_mass_g_mol=molar_mass_g_mol)
    except InputError as e:
        console.print(f"[red]Input error:[/red] {e}", soft_wrap=True)
        raise typer.Exit(2)
    except SolverError as e:
        console.print(f"[red]Solver error:[/red] {e}")
        raise typer.Exit(1)
    for p, msg in res["failed"].items():
        console.print(f"[red]Not analysed:[/red] {msg}", soft_wrap=True)
    console.print(f"report: {res['report']}", soft_wrap=True)
    if res["failed"]:
        raise typer.Exit(2)
