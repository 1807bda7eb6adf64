"""Shared pieces of the command line: exit codes, output folders, help rendering.

Every command uses these so that the same user error gets the same message and exit code:
InputError (and any path the user can fix) -> message + exit 2; SolverError -> exit 1.
"""
from __future__ import annotations

import errno
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import typer

from sianode.errors import InputError, SianodeError, SolverError

#: Parent of the default output folders (``sianode-output/<design or file stem>/``).
DEFAULT_OUT_ROOT = Path("sianode-output")


def _esc(e) -> str:
    """A message as plain text for rich (a design section such as "[electrode]" is not markup)."""
    from rich.markup import escape

    return escape(str(e))


@contextmanager
def exit_codes(err_console, failed: str = "model failed"):
    """Turn :class:`InputError` into a red message + exit 2 and :class:`SolverError` into exit 1."""
    try:
        yield
    except InputError as e:
        err_console.print(f"[red]invalid input:[/red] {_esc(e)}", highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    except SolverError as e:
        err_console.print(f"[red]{failed}:[/red] {_esc(e)}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    except SianodeError as e:  # e.g. a stage whose requirement failed (sianode.chain.StageFailed)
        err_console.print(f"[red]error:[/red] {_esc(e)}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)


def default_out_dir(stem: str | None, fallback: str = "default") -> Path:
    """Default output folder for one input: ``sianode-output/<stem>/`` (stem of the design or data file)."""
    name = (stem or fallback).strip() or fallback
    safe = "".join(ch if (ch.isalnum() or ch in "-_.") else "_" for ch in name)
    return DEFAULT_OUT_ROOT / safe


def ensure_out_dir(path: str | Path, option: str = "-o/--out-dir") -> Path:
    """Create ``path`` as a writable folder or raise :class:`InputError` saying what to do.

    Checks, before any model runs: the path is not an existing file, it can be created, and a file
    can be written in it (so a long run never fails at the very end on a permission problem).
    """
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise InputError(f"{p} exists and is a file, not a folder; give a folder name with {option}",
                         field=option)
    try:
        p.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=p, prefix=".sianode-write-test-"):
            pass
    except OSError as e:
        raise InputError(f"cannot write to {p}: {os_reason(e)}; choose a folder you can write to with {option}",
                         field=option) from None
    return p


def os_reason(e: OSError) -> str:
    """A short, user-facing reason for an OSError (no Python class names)."""
    if isinstance(e, PermissionError) or e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied" if e.errno != errno.EROFS else "read-only file system"
    if e.errno == errno.ENOENT:
        return "a parent folder does not exist or cannot be created"
    if e.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    if e.errno == errno.ENOSPC:
        return "no space left on the device"
    return e.strerror or os.strerror(e.errno or 0) or str(e)


def _hide_flag_types() -> None:
    """Typer prints ``<bool>`` in the type column of every on/off flag; a flag takes no value, so show none."""
    try:
        from typer.core import TyperOption
    except ImportError:  # pragma: no cover - typer layout changed; help still works
        return
    if getattr(TyperOption, "_sianode_flag_patch", False) or not hasattr(TyperOption, "display_type_rich"):
        return
    original = TyperOption.display_type_rich

    def display_type_rich(self, ctx):
        if getattr(self, "is_flag", False):
            return None
        return original(self, ctx)

    TyperOption.display_type_rich = display_type_rich
    TyperOption._sianode_flag_patch = True


_hide_flag_types()


def write_atomic(files: dict) -> list[Path]:
    """Write ``{path: DataFrame | str}`` through temporary files renamed at the end: a failure never leaves
    partial output. DataFrames are written as CSV."""
    tmp = []
    try:
        for p, obj in files.items():
            p = Path(p)
            p.parent.mkdir(parents=True, exist_ok=True)
            t = p.with_name(p.name + ".part")
            if hasattr(obj, "to_csv"):
                obj.to_csv(t, index=False)
            else:
                t.write_text(obj, encoding="utf-8")
            tmp.append((t, p))
        for t, p in tmp:
            os.replace(t, p)
    finally:
        for t, _ in tmp:
            if t.exists():
                t.unlink()
    return [Path(p) for p in files]


def run_stage_cli(design, stage: str, chain_progress=None, **options):
    """The result of ``stage`` for ``design`` through the chain (requirements first, same numbers as
    ``sianode run``); ``options`` go to the stage's ``run``. Raises if the stage or a requirement failed."""
    from sianode.chain import ModelChain

    run = ModelChain(design, [stage], {stage: options} if options else None).run(progress=chain_progress)
    return run.result(stage)


def key_results_table(df, title: str, show_stage: bool = False, width: int | None = None):
    """A rich table of a key-results frame (:mod:`sianode.key_results`): quantity, value, unit, note.

    In a terminal narrower than 110 columns (``width``, default: the terminal's) the note goes on a dim
    line under its quantity instead of into a column of its own.
    """
    import shutil

    from rich.markup import escape
    from rich.table import Table

    width = width or shutil.get_terminal_size((120, 24)).columns
    wide = width >= 110
    t = Table(title=title, title_justify="left", show_lines=False)
    if show_stage:
        t.add_column("stage", style="bold")
    qwidth = max([len(str(q)) for q in df["quantity"]] + [8])
    t.add_column("quantity", min_width=min(qwidth, 44) if wide else None)  # in wide mode the note wraps first
    t.add_column("value", justify="right", no_wrap=True)
    t.add_column("unit", no_wrap=True)
    if wide:
        t.add_column("note", style="dim")
    last = None
    for _, r in df.iterrows():
        note = escape(str(r["note"]))
        quantity = escape(str(r["quantity"])) + (f"\n[dim]  {note}[/dim]" if note and not wide else "")
        cells = [quantity, escape(str(r["value"])), escape(str(r["unit"]))] + ([note] if wide else [])
        if show_stage:
            cells.insert(0, r["stage"] if r["stage"] != last else "")
            last = r["stage"]
        t.add_row(*cells)
    return t


def print_outputs(console, folder: Path, files: list[Path], report: Path | None = None) -> None:
    """Say where the full outputs went: the report, then the folder with what it holds."""
    folder = Path(folder)
    if report is not None:
        console.print(f"[bold]report:[/bold] {Path(report).resolve()}", highlight=False, soft_wrap=True)
    names = [Path(f).name for f in files]
    tables = sum(n.endswith(".csv") for n in names)
    others = [n for n in names if not n.endswith(".csv") and (report is None or n != Path(report).name)]
    what = ", ".join(others + ([f"{tables} CSV table{'s' if tables != 1 else ''}"] if tables else []))
    console.print(f"[bold]outputs:[/bold] {folder.resolve()}" + (f" ({what})" if what else ""),
                  highlight=False, soft_wrap=True)


@contextmanager
def design_out_dir(design_path: Path | None, out_dir: Path | None, stage: str | None = None):
    """The folder a design command writes to, created and checked writable before any model runs (exit 2
    otherwise); if the command then fails, the folders it created are removed again when still empty.

    ``-o`` wins; else ``sianode-output/<design stem>/`` for ``sianode run`` and
    ``sianode-output/<design stem>/<stage>/`` for a stage command, so that a stage command never
    overwrites the report or ``summary.json`` of a full run of the same design.
    """
    if out_dir is None:
        out_dir = default_out_dir(design_path.stem if design_path is not None else None, "default_design")
        if stage:
            out_dir = out_dir / stage
    p = Path(out_dir)
    created = [q for q in [p, *p.parents] if not q.exists()]
    ensure_out_dir(p)
    try:
        yield p
    except BaseException:
        for q in created:  # innermost first
            try:
                q.rmdir()
            except OSError:
                break
        raise


def write_stage_outputs(stage: str, res, out_dir: Path, title: str | None = None,
                        extra_tables: dict | None = None) -> tuple[list[Path], Path | None]:
    """Write one stage command's outputs: ``<stage>_<table>.csv``, ``summary.json`` (strict JSON, keys
    ``"<stage>.<key>"`` as in ``sianode run``'s summary.json) and, with ``title``, ``report.html``.
    Returns ``(paths written, report path or None)``."""
    from sianode.results import summary_json

    files: dict[Path, object] = {out_dir / f"{stage}_{k}.csv": v for k, v in res.tables.items()}
    files.update({out_dir / f"{stage}_{k}.csv": v for k, v in (extra_tables or {}).items()})
    files[out_dir / "summary.json"] = summary_json({f"{stage}.{k}": v for k, v in res.summary.items()}) + "\n"
    report = None
    if title:
        from sianode.report.design_report import write_stage_report

        with tempfile.TemporaryDirectory() as td:
            page = write_stage_report(stage, res, Path(td) / "report.html", title)
            files[out_dir / "report.html"] = page.read_text(encoding="utf-8")
        report = out_dir / "report.html"
    return write_atomic(files), report
